// The departure-epoch rule's pieces (solver/open/fed_back_wait.hpp): the reflected Brownian
// motion's transition mean and the rule's limits. Its agreement with simulated FCFS queues is
// checked in tests/solver/des/core_test.cpp.
#include "solver/open/fed_back_wait.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <stdexcept>
#include <vector>

using namespace tpeval::solver::open;

TEST_CASE("fed-back wait: RBM started from its stationary exponential stays there, others relax") {
  // Canonical RBM (drift -1, variance 1) is stationary with an exponential of mean 1/2
  // (Harrison 1985 §5.6): started there its mean stays 1/2 at every t - a check of the closed
  // form and the Gauss-Laguerre average together (16 nodes: within 0.1 %, the largest error at
  // small t, where the transition mean bends within sqrt(t) of 0).
  for (double t : {0.001, 0.01, 0.1, 1.0, 10.0}) {
    CAPTURE(t);
    CHECK(rbm_mean_from_exponential(t, 0.5) == doctest::Approx(0.5).epsilon(1.5e-3));
    // From below it rises, from above it falls, never past 1/2, and is 1/2 in the end.
    const double low = rbm_mean_from_exponential(t, 0.1);
    const double high = rbm_mean_from_exponential(t, 2.0);
    CHECK(low > 0.1);
    CHECK(low < 0.5);
    CHECK(high < 2.0);
    CHECK(high > 0.5);
  }
  CHECK(rbm_mean_from_exponential(0.0, 0.3) == 0.3);
  CHECK(rbm_mean_from_exponential(60.0, 0.1) == doctest::Approx(0.5).epsilon(1e-6));
  CHECK(rbm_mean_from_exponential(60.0, 3.0) == doctest::Approx(0.5).epsilon(1e-6));
  // From 0 the mean grows like sqrt(2 t / pi) at first (the reflected part of a Brownian motion).
  CHECK(rbm_mean_from_exponential(1e-6, 0.0) ==
        doctest::Approx(std::sqrt(2e-6 / 3.14159265)).epsilon(0.01));
}

TEST_CASE(
    "fed-back wait: Poisson visits and long absences give the Poisson wait, bad input is refused") {
  std::vector<FedBackVisit> v(2);
  v[0].rate_per_s = 500.0;
  v[0].mean_s = 1e-3;
  v[1].rate_per_s = 100.0;
  v[1].mean_s = 4e-3;
  for (double r : fed_back_wait_ratios(1, v)) CHECK(r == doctest::Approx(1.0));
  // Fed back after an absence far longer than the queue's relaxation: Poisson again.
  v[1].from.push_back({0, 1.0, 100.0});
  for (double r : fed_back_wait_ratios(1, v)) CHECK(r == doctest::Approx(1.0).epsilon(1e-3));
  // Saturated: no statement (1).
  v[1].rate_per_s = 1000.0;
  for (double r : fed_back_wait_ratios(1, v)) CHECK(r == 1.0);
  v[1].from[0].share = 1.5;
  CHECK_THROWS_AS(fed_back_wait_ratios(1, v), std::invalid_argument);
  v[1].from[0] = {7, 0.5, 0.0};
  CHECK_THROWS_AS(fed_back_wait_ratios(1, v), std::invalid_argument);
}
