// Correlation of M/M/m waits at a lag (solver/open/wait_correlation.hpp), against closed forms of
// the M/M/1 queue.
#include "solver/open/wait_correlation.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <stdexcept>
#include <vector>

using namespace tpeval::solver::open;

TEST_CASE("wait correlation: M/M/1 at lag 0 is Var(N) / (mu^2 Var(W)) = 1 / (2 - rho)") {
  // M/M/1: an arrival finding n waits n services, E[W | n] = n / mu, so the lag-0 covariance is
  // Var(N) / mu^2 = rho / (mu (1 - rho))^2, and Var(W) = (2 rho - rho^2) / (mu (1 - rho))^2
  // (W is 0 with probability 1 - rho, else exponential of rate mu - lambda).
  for (double rho : {0.3, 0.7, 0.9, 0.95}) {
    CAPTURE(rho);
    const auto r = mmm_wait_correlation(1, rho, 0.01, {0.0});
    CHECK(r[0] == doctest::Approx(1.0 / (2.0 - rho)).epsilon(1e-6));  // tail cut at 1e-10
  }
}

TEST_CASE("wait correlation: M/M/1 integral of the covariance matches the queue length's") {
  // The integral of the M/M/1 queue length's autocovariance is rho (1 + rho) / (mu (1 - rho)^4)
  // (its time average's asymptotic variance 2 rho (1 + rho) / (mu (1 - rho)^4): Whitt 1989,
  // "Planning queueing simulations", Management Science 35(11), Table 1). The waits' covariance
  // is the queue length's over mu^2; integrated by the trapezoid rule far past the relaxation
  // time 1 / (mu (1 - sqrt(rho))^2).
  const double mu = 100.0, s = 1.0 / mu;
  for (double rho : {0.5, 0.8}) {
    CAPTURE(rho);
    const double relax = 1.0 / (mu * std::pow(1.0 - std::sqrt(rho), 2));
    const double t_end = 30.0 * relax;
    const int points = 3000;
    std::vector<double> lags;
    for (int i = 0; i <= points; ++i) lags.push_back(t_end * i / points);
    const auto r = mmm_wait_correlation(1, rho, s, lags);
    const double lambda_minus_mu = mu * (1.0 - rho);
    const double var_w = (2.0 * rho - rho * rho) / (lambda_minus_mu * lambda_minus_mu);
    double integral = 0.0;
    for (int i = 0; i < points; ++i) integral += 0.5 * (r[i] + r[i + 1]) * (lags[i + 1] - lags[i]);
    integral *= var_w * mu * mu;  // back to the queue length's covariance
    CHECK(integral == doctest::Approx(rho * (1 + rho) / (mu * std::pow(1 - rho, 4))).epsilon(0.01));
  }
}

TEST_CASE("wait correlation: decays with the lag, slower near saturation, any server count") {
  const std::vector<double> lags{0.0, 0.01, 0.03, 0.1, 0.3, 1.0};
  const auto low = mmm_wait_correlation(4, 2.6, 0.00435, lags);    // 65 %
  const auto high = mmm_wait_correlation(4, 3.65, 0.00435, lags);  // 91 %
  for (std::size_t i = 0; i + 1 < lags.size(); ++i) {
    CAPTURE(i);
    CHECK(low[i + 1] < low[i]);
    CHECK(high[i + 1] < high[i]);
    CHECK(high[i + 1] > low[i + 1]);
  }
  CHECK(high.back() < 0.2);
  CHECK(low[3] < 0.05);
  // No load, no waits: nothing to correlate.
  CHECK(mmm_wait_correlation(4, 0.0, 0.01, {0.1})[0] == 0.0);
  CHECK_THROWS_AS(mmm_wait_correlation(4, 4.0, 0.01, {0.1}), std::invalid_argument);
  CHECK_THROWS_AS(mmm_wait_correlation(0, 0.5, 0.01, {0.1}), std::invalid_argument);
  CHECK_THROWS_AS(mmm_wait_correlation(2, 0.5, 0.01, {-1.0}), std::invalid_argument);
}

TEST_CASE("wait correlation: the exponential fit keeps r(0) and the integral, near the exact") {
  // The CPUs of the Debit-Credit cluster example: 4 servers, 4.35 ms bursts, at 65 / 88 / 91 %.
  for (double load : {2.6, 3.52, 3.65}) {
    CAPTURE(load);
    const double s = 0.00435;
    const auto fit = mmm_wait_correlation_fit(4, load, s);
    std::vector<double> lags;
    for (int i = 0; i <= 400; ++i) lags.push_back(0.005 * i);  // 0-2 s
    const auto exact = mmm_wait_correlation(4, load, s, lags);
    CHECK(fit.at(0.0) == doctest::Approx(exact[0]).epsilon(1e-9));
    double integral = 0.0;  // trapezoid; the rest beyond 2 s is below 1e-3 s at 91 %
    for (std::size_t i = 0; i + 1 < lags.size(); ++i)
      integral += 0.0025 * (exact[i] + exact[i + 1]);
    CHECK(fit.at_zero * fit.time_constant_s == doctest::Approx(integral).epsilon(0.02));
    // Over a transaction's life (up to 150 ms) within 0.1 of the exact correlation.
    for (std::size_t i = 0; i <= 30; ++i) {
      CAPTURE(lags[i]);
      CHECK(std::abs(fit.at(lags[i]) - exact[i]) < 0.1);
    }
  }
  CHECK(mmm_wait_correlation_fit(4, 0.0, 0.01).at(0.0) == 0.0);
  CHECK_THROWS_AS(mmm_wait_correlation_fit(4, 4.5, 0.01), std::invalid_argument);
}
