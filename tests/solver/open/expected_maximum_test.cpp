// The expected maximum of k standard normal variables against Harter's table (Harter 1961,
// "Expected values of normal order statistics", Biometrika 48) and E[max(Z1, Z2)] = 1/sqrt(pi).
#include <doctest/doctest.h>

#include <cmath>
#include <numbers>
#include <stdexcept>

#include "solver/open/expected_maximum.hpp"

namespace q = tpeval::solver::open;

TEST_CASE("expected maximum: k standard normals as Harter 1961 tabulates") {
  CHECK(q::expected_max_standard_normal(1) == 0.0);
  CHECK(q::expected_max_standard_normal(2) == doctest::Approx(1.0 / std::sqrt(std::numbers::pi)));
  CHECK(q::expected_max_standard_normal(3) == doctest::Approx(0.84628).epsilon(1e-5));
  CHECK(q::expected_max_standard_normal(4) == doctest::Approx(1.02938).epsilon(1e-5));
  CHECK(q::expected_max_standard_normal(5) == doctest::Approx(1.16296).epsilon(1e-5));
  CHECK(q::expected_max_standard_normal(10) == doctest::Approx(1.53875).epsilon(1e-5));
  CHECK(q::expected_max_standard_normal(20) == doctest::Approx(1.86748).epsilon(1e-5));
  CHECK(q::expected_max_normal(4, 28.0, 10.0) == doctest::Approx(28.0 + 10.29375).epsilon(1e-5));
  CHECK_THROWS_AS(q::expected_max_standard_normal(0), std::invalid_argument);
}
