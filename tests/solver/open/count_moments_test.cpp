// The count and random-sum moments of solver/open/count_moments.hpp: the binomial law against
// its closed form C(n, k) p^k (1 - p)^(n - k) (Feller vol. 1, §VI.3), its moments n p and
// n p (1 - p), Wald's identity for a random sum (Ross, Introduction to Probability Models, §3.4)
// and the mixture of two exponentials (a hyperexponential: SCV > 1).
#include <doctest/doctest.h>

#include <cmath>
#include <cstddef>
#include <vector>

#include "solver/open/count_moments.hpp"

namespace q = tpeval::solver::open;

TEST_CASE("binomial pmf: the closed form and the moments n p, n p (1 - p)") {
  const std::vector<double> pmf = q::binomial_pmf(5.0, 0.3, 10);
  REQUIRE(pmf.size() == 6);  // k = 0..5: the term for k = 6 is 0
  const double expected[] = {0.16807, 0.36015, 0.3087, 0.1323, 0.02835, 0.00243};
  for (std::size_t k = 0; k < pmf.size(); ++k) {
    CAPTURE(k);
    CHECK(pmf[k] == doctest::Approx(expected[k]).epsilon(1e-12));
  }
  const auto m = q::count_moments(pmf);
  CHECK(m.mean == doctest::Approx(1.5).epsilon(1e-12));
  CHECK(m.variance == doctest::Approx(1.05).epsilon(1e-12));
}

TEST_CASE("binomial pmf: the term limit, the negligible cut and p = 1") {
  CHECK(q::binomial_pmf(5.0, 0.3, 3).size() == 3);
  // 40 trials of 1 %: terms beyond about k = 9 are below 1e-10 and cut.
  const auto cut = q::binomial_pmf(40.0, 0.01, 41, 1e-10);
  CHECK(cut.size() < 12);
  CHECK(cut.back() > 1e-10);
  CHECK(q::binomial_pmf(3.0, 1.0, 5) == std::vector<double>{0, 0, 0, 1, 0});
  CHECK(q::binomial_pmf(7.0, 1.0, 5) == std::vector<double>(5, 0.0));  // beyond the terms kept
  CHECK(q::binomial_pmf(0.0, 0.4, 5) == std::vector<double>{1.0});
}

TEST_CASE("binomial pmf: a fractional number of trials continues the recurrence to ceil(n)") {
  const auto pmf = q::binomial_pmf(2.5, 0.2, 10);
  REQUIRE(pmf.size() == 4);  // k = 0..3: the ratio (n - k) is positive up to k = 2
  CHECK(pmf[0] == doctest::Approx(std::pow(0.8, 2.5)).epsilon(1e-12));
  CHECK(pmf[1] == doctest::Approx(pmf[0] * 2.5 * 0.25).epsilon(1e-12));
  CHECK(pmf[3] == doctest::Approx(pmf[2] * 0.5 / 3.0 * 0.25).epsilon(1e-12));
}

TEST_CASE("random sum: Wald's E[K] Var(T) + Var(K) E[T]^2") {
  // K ~ Binomial(5, 0.3) episodes of mean 2 and variance 4 (exponential).
  const auto count = q::count_moments(q::binomial_pmf(5.0, 0.3, 10));
  CHECK(q::random_sum_variance(count, 2.0, 4.0) == doctest::Approx(1.5 * 4.0 + 1.05 * 4.0));
  // A fixed count: the variances add.
  CHECK(q::random_sum_variance({3.0, 0.0}, 2.0, 4.0) == doctest::Approx(12.0));
}

TEST_CASE("moment mixture: two exponentials make a hyperexponential") {
  q::MomentMix mix;
  CHECK_FALSE(mix.positive());
  mix.add_scv(1.0, 1.0, 1.0);   // rate-weighted: weight 1, mean 1
  mix.add_scv(3.0, 10.0, 1.0);  // weight 3, mean 10
  REQUIRE(mix.positive());
  CHECK(mix.weight() == 4.0);
  CHECK(mix.mean() == doctest::Approx(7.75));
  // E[X^2] = (1 x 2 + 3 x 200) / 4 = 150.5; SCV = 150.5 / 7.75^2 - 1.
  CHECK(mix.scv() == doctest::Approx(150.5 / (7.75 * 7.75) - 1.0));
  CHECK(mix.scv() > 1.0);
  q::MomentMix fixed;  // equal deterministic parts: SCV 0
  fixed.add(2.0, 5.0, 25.0);
  fixed.add(1.0, 5.0, 25.0);
  CHECK(fixed.scv() == doctest::Approx(0.0));
}
