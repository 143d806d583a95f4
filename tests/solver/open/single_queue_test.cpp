#include <doctest/doctest.h>

#include <cmath>
#include <stdexcept>

#include "solver/open/single_queue.hpp"

namespace q = tpeval::solver::open;

namespace {

// Erlang C straight from its definition (peers-and-formulas.md §3.3), usable for small m only.
double erlang_c_direct(int m, double a) {
  const double rho = a / m;
  double sum = 0.0, term = 1.0;  // term = a^k / k!
  for (int k = 0; k < m; ++k) {
    sum += term;
    term *= a / (k + 1);
  }
  const double last = term / (1.0 - rho);  // a^m / (m! (1 - rho))
  return last / (sum + last);
}

// Erlang B by the recursion B_k = a B_{k-1} / (k + a B_{k-1}) (Jagerman 1974), which the O(1)
// incomplete-gamma form in single_queue.cpp replaced: exact to a few ulps per step, cost O(m).
double erlang_b_recursion(int m, double a) {
  double b = 1.0;
  for (int k = 1; k <= m; ++k) b = a * b / (k + a * b);
  return b;
}

void check_little(const q::QueueMeasures& r, double lambda) {
  CHECK(r.mean_jobs_in_system == doctest::Approx(lambda * r.response_time_s).epsilon(1e-12));
  CHECK(r.mean_jobs_in_queue == doctest::Approx(lambda * r.waiting_time_s).epsilon(1e-12));
}

}  // namespace

TEST_CASE("single_queue: Erlang C matches the direct formula for small m") {
  for (int m = 1; m <= 12; ++m) {
    for (double rho : {0.05, 0.3, 0.5, 0.8, 0.95, 0.999}) {
      const double a = rho * m;
      CAPTURE(m);
      CAPTURE(rho);
      CHECK(q::erlang_c(m, a) == doctest::Approx(erlang_c_direct(m, a)).epsilon(1e-11));
    }
  }
  // Erlang B for m = 1 is a / (1 + a).
  CHECK(q::erlang_b(1, 0.7) == doctest::Approx(0.7 / 1.7));
}

TEST_CASE("single_queue: Erlang B agrees with the recursion to 1e-12 relative, below and above m") {
  // Loads from nearly idle to 1000 times overloaded (a > m + 1 takes the continued fraction).
  const double factors[] = {1e-6, 1e-3, 0.1, 0.5, 0.9, 0.99, 0.999, 1.0, 1.01, 1.1, 1.5, 3.0, 1e3};
  for (int m = 1; m <= 20'000; m = m < 60 ? m + 1 : m * 5 / 4) {
    for (const double f : factors) {
      const double a = f * m;
      const double expected = erlang_b_recursion(m, a);
      // Below the normal range the recursion itself has lost its relative precision.
      if (expected < 1e-290) continue;
      CAPTURE(m);
      CAPTURE(a);
      CHECK(std::abs(q::erlang_b(m, a) - expected) <= 1e-12 * expected);
    }
  }
  CHECK(q::erlang_b(5, 0.0) == 0.0);
}

TEST_CASE("single_queue: Erlang B and C for 10^9 servers are finite, in range and monotone") {
  const int m = 1'000'000'000;
  // Far above the server count B -> 1 - m / a; at a = 2m the next term is m / a^2 (Jagerman).
  CHECK(q::erlang_b(m, 2.0 * m) == doctest::Approx(0.5).epsilon(1e-8));
  double previous = 0.0;
  for (double rho : {0.5, 0.9999, 0.99999, 0.999999, 0.9999999}) {
    const double c = q::erlang_c(m, rho * m);
    CAPTURE(rho);
    CHECK(std::isfinite(c));
    CHECK(c >= previous);
    CHECK(c <= 1.0);
    previous = c;
  }
  CHECK(previous > 0.99);
  const auto r = q::mmm(0.999 * m, 1.0, m);
  CHECK(std::isfinite(r.waiting_time_s));
  check_little(r, 0.999 * m);
}

TEST_CASE("single_queue: Erlang C is finite at m = 10,000 with the right limits") {
  const int m = 10'000;
  // rho -> 0: nobody waits.
  const double low = q::erlang_c(m, 1e-3);
  CHECK(std::isfinite(low));
  CHECK(low >= 0.0);
  CHECK(low < 1e-300);
  // rho -> 1: everybody waits (C = B / (1 - rho + rho B) -> 1 as rho -> 1).
  const double high = q::erlang_c(m, m * (1.0 - 1e-9));
  CHECK(std::isfinite(high));
  CHECK(high > 0.999999);
  CHECK(high <= 1.0);
  // Monotone in the load in between.
  double previous = 0.0;
  for (double rho : {0.9, 0.95, 0.99, 0.999, 0.9999}) {
    const double c = q::erlang_c(m, rho * m);
    CHECK(std::isfinite(c));
    CHECK(c > previous);
    previous = c;
  }
  const auto r = q::mmm(9'990.0, 1.0, m);
  CHECK(std::isfinite(r.waiting_time_s));
  CHECK(r.waiting_time_s > 0.0);
  check_little(r, 9'990.0);
}

TEST_CASE("single_queue: M/M/1 formulas and Little's law") {
  const auto r = q::mm1(8.0, 0.1);
  CHECK(r.utilization == doctest::Approx(0.8));
  CHECK(r.response_time_s == doctest::Approx(0.1 / 0.2));  // S / (1 - rho)
  CHECK(r.mean_jobs_in_system == doctest::Approx(4.0));    // rho / (1 - rho)
  CHECK(r.probability_of_waiting == doctest::Approx(0.8));
  check_little(r, 8.0);
  // M/M/m with m = 1 is M/M/1.
  const auto one = q::mmm(8.0, 0.1, 1);
  CHECK(one.response_time_s == doctest::Approx(r.response_time_s).epsilon(1e-12));
  CHECK(one.probability_of_waiting == doctest::Approx(r.probability_of_waiting).epsilon(1e-12));
}

TEST_CASE("single_queue: M/M/m against the textbook M/M/2 closed form") {
  // M/M/2: L = 2 rho / (1 - rho^2) (Kleinrock vol. 1 §3.5 with m = 2).
  const double lambda = 1.5, s = 1.0, rho = 0.75;
  const auto r = q::mmm(lambda, s, 2);
  CHECK(r.utilization == doctest::Approx(rho));
  CHECK(r.busy_servers == doctest::Approx(1.5));
  CHECK(r.mean_jobs_in_system == doctest::Approx(2 * rho / (1 - rho * rho)));
  check_little(r, lambda);
}

TEST_CASE("single_queue: M/G/1 with SCV 1 equals M/M/1, SCV 0 halves the wait") {
  const auto mm = q::mm1(3.0, 0.25);
  const auto mg = q::mg1(3.0, 0.25, 1.0);
  CHECK(mg.waiting_time_s == doctest::Approx(mm.waiting_time_s).epsilon(1e-12));
  CHECK(mg.response_time_s == doctest::Approx(mm.response_time_s).epsilon(1e-12));
  CHECK(mg.mean_jobs_in_system == doctest::Approx(mm.mean_jobs_in_system).epsilon(1e-12));
  CHECK(mg.mean_jobs_in_queue == doctest::Approx(mm.mean_jobs_in_queue).epsilon(1e-12));
  const auto md = q::mg1(3.0, 0.25, 0.0);  // M/D/1
  CHECK(md.waiting_time_s == doctest::Approx(mm.waiting_time_s / 2));
  check_little(md, 3.0);
  const auto hyper = q::mg1(3.0, 0.25, 4.0);
  CHECK(hyper.waiting_time_s == doctest::Approx(mm.waiting_time_s * 2.5));
}

TEST_CASE("single_queue: M/M/inf has no waiting") {
  const auto r = q::mm_inf(50.0, 2.0);
  CHECK(r.waiting_time_s == 0.0);
  CHECK(r.response_time_s == 2.0);
  CHECK(r.mean_jobs_in_system == doctest::Approx(100.0));
  CHECK(r.busy_servers == doctest::Approx(100.0));
}

TEST_CASE("single_queue: saturated queues and bad arguments throw instead of returning inf") {
  CHECK_THROWS_AS(q::mm1(10.0, 0.1), std::domain_error);
  CHECK_THROWS_AS(q::mmm(30.0, 0.1, 2), std::domain_error);
  CHECK_THROWS_AS(q::mg1(11.0, 0.1, 0.5), std::domain_error);
  CHECK_THROWS_AS(q::erlang_c(3, 3.0), std::domain_error);
  CHECK_THROWS_AS(q::mm1(-1.0, 0.1), std::invalid_argument);
  CHECK_THROWS_AS(q::mm1(1.0, 0.0), std::invalid_argument);
  CHECK_THROWS_AS(q::mmm(1.0, 0.1, 0), std::invalid_argument);
  CHECK_THROWS_AS(q::mg1(1.0, 0.1, -1.0), std::invalid_argument);
  CHECK_THROWS_AS(q::mm1(NAN, 0.1), std::invalid_argument);
  CHECK_THROWS_AS(q::erlang_b(2, INFINITY), std::invalid_argument);
}
