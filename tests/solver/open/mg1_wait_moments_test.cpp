// The M/G/1 wait among the customers that wait: E[W^2 | W > 0] / E[W | W > 0]^2 (Takacs'
// recurrence for E[W^2], Kleinrock 1975 §5.7; issue #13, the percentiles of a hot lock's wait).
#include <doctest/doctest.h>

#include <algorithm>
#include <stdexcept>

#include "solver/des/random_stream.hpp"
#include "solver/open/mg1_wait_moments.hpp"

namespace q = tpeval::solver::open;

TEST_CASE("mg1 waited moment ratio: closed forms") {
  // M/M/1: the waited time is exponential, ratio 2 at every load (Kleinrock 1975 §3.2).
  for (double rho : {0.0, 0.3, 0.8, 0.99})
    CHECK(q::mg1_waited_moment_ratio(rho, 1.0) == doctest::Approx(2.0));
  // M/D/1 at rho = 0.5, S = 1: E[W] = rho S / (2 (1 - rho)) = 0.5, E[W^2] = 2 E[W]^2 + lambda
  // S^3 / (3 (1 - rho)) = 0.5 + 1/3; given a wait (probability 0.5) the moments are 1 and 5/3.
  CHECK(q::mg1_waited_moment_ratio(0.5, 0.0) == doctest::Approx(5.0 / 3.0));
  // Light load: the wait is the residual service time (uniform for fixed service: 4/3).
  CHECK(q::mg1_waited_moment_ratio(0.0, 0.0) == doctest::Approx(4.0 / 3.0));
  CHECK(q::gamma_residual_moment_ratio(1.0) == doctest::Approx(2.0));
  CHECK_THROWS_AS(q::mg1_waited_moment_ratio(1.0, 1.0), std::invalid_argument);
  CHECK_THROWS_AS(q::mg1_waited_moment_ratio(0.5, -0.1), std::invalid_argument);
}

// Independent check: Lindley's recursion W_{n+1} = max(0, W_n + S_n - A_{n+1}) (Lindley 1952)
// with Erlang-2 service (SCV 0.5) at rho = 0.8, 10^6 customers.
TEST_CASE("mg1 waited moment ratio: agrees with a Lindley recursion, Erlang-2 service") {
  tpeval::solver::des::RandomStream rng(7, "mg1_wait_moments_test");
  const double rho = 0.8, service_mean = 1.0;
  double w = 0, n_wait = 0, s1 = 0, s2 = 0;
  const int n = 1000000;
  for (int i = 0; i < n; ++i) {
    if (w > 0) {
      n_wait += 1;
      s1 += w;
      s2 += w * w;
    }
    const double s = rng.exponential(service_mean / 2) + rng.exponential(service_mean / 2);
    w = std::max(0.0, w + s - rng.exponential(service_mean / rho));
  }
  const double m1 = s1 / n_wait, m2 = s2 / n_wait;
  CHECK(n_wait / n == doctest::Approx(rho).epsilon(0.02));
  // Exact: 2 x 0.8 + 0.2 x 4 x 2 / (3 x 1.5) = 1.9556; the estimate's spread at this load is
  // about 1 % (long busy periods), the check's 3 %.
  CHECK(m2 / (m1 * m1) == doctest::Approx(q::mg1_waited_moment_ratio(rho, 0.5)).epsilon(0.03));
}
