// The E_k/M/1 queue (every k-th arrival of a Poisson stream; a log disk under group commit,
// issue #13): wait probability sigma and residence factor 1 / (1 - sigma).
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "solver/des/random_stream.hpp"
#include "solver/open/erlang_arrivals.hpp"

namespace q = tpeval::solver::open;

TEST_CASE("E_k/M/1: closed forms and limits") {
  // k = 1 is M/M/1: sigma = rho, R / S = 1 / (1 - rho).
  for (double rho : {0.0, 0.3, 0.8, 0.99}) {
    CHECK(q::ek_m1_wait_probability(1, rho) == doctest::Approx(rho));
    CHECK(q::ek_m1_residence_factor(1, rho) == doctest::Approx(1.0 / (1.0 - rho)));
  }
  // E_2/M/1: with x = 1 - sigma the equation (1 - x) (2 rho + x)^2 = 4 rho^2 reduces to
  // x^2 + (4 rho - 1) x - 4 rho (1 - rho) = 0, so sigma = (1 + 4 rho - sqrt(1 + 8 rho)) / 2.
  for (double rho : {0.2, 0.5, 0.9}) {
    const double sigma = (1.0 + 4.0 * rho - std::sqrt(1.0 + 8.0 * rho)) / 2.0;
    CHECK(q::ek_m1_wait_probability(2, rho) == doctest::Approx(sigma).epsilon(1e-10));
  }
  // The root solves its equation; more regular arrivals wait less, at every load.
  for (int k : {2, 4, 8, 32})
    for (double rho : {0.1, 0.41, 0.75, 0.95}) {
      const double s = q::ek_m1_wait_probability(k, rho);
      CHECK(s == doctest::Approx(std::pow(k / (k + (1.0 - s) / rho), k)).epsilon(1e-12));
      CHECK(s < q::ek_m1_wait_probability(k / 2 > 0 ? k / 2 : 1, rho));
    }
  CHECK_THROWS_AS(q::ek_m1_wait_probability(0, 0.5), std::invalid_argument);
  CHECK_THROWS_AS(q::ek_m1_wait_probability(2, 1.0), std::invalid_argument);
  CHECK_THROWS_AS(q::ek_m1_wait_probability(2, -0.1), std::invalid_argument);
}

// Independent check: Lindley's recursion W_{n+1} = max(0, W_n + S_n - A_{n+1}) (Lindley 1952)
// with Erlang-8 interarrivals at rho = 0.41 and 0.75, 10^6 customers: the fraction that waits
// and the mean residence.
TEST_CASE("E_k/M/1: agrees with a Lindley recursion, k = 8") {
  tpeval::solver::des::RandomStream rng(11, "erlang_arrivals_test");
  const int k = 8;
  for (const double rho : {0.41, 0.75}) {
    CAPTURE(rho);
    double w = 0.0, waits = 0.0, residence = 0.0;
    const int n = 1000000;
    for (int i = 0; i < n; ++i) {
      if (w > 0) waits += 1;
      const double s = rng.exponential(1.0);
      residence += w + s;
      double a = 0.0;
      for (int j = 0; j < k; ++j) a += rng.exponential(1.0 / (rho * k));
      w = std::max(0.0, w + s - a);
    }
    CHECK(waits / n == doctest::Approx(q::ek_m1_wait_probability(k, rho)).epsilon(0.02));
    CHECK(residence / n == doctest::Approx(q::ek_m1_residence_factor(k, rho)).epsilon(0.02));
  }
}
