// The mixture quantile (solver/open/response_quantile.hpp) against a plain bisection of the
// mixture's distribution function in long double, the method it replaced (issue #16: the
// bracketing root finder in double precision must give the same quantile to its 1e-12 relative
// tolerance).
#include <doctest/doctest.h>

#include <boost/math/distributions/gamma.hpp>
#include <cmath>
#include <vector>

#include "solver/open/response_quantile.hpp"

namespace {

using tpeval::solver::open::mixture_quantile;
using tpeval::solver::open::MomentComponent;

/// The former algorithm: bisection on [0, largest component quantile] in long double.
double reference_quantile(const std::vector<MomentComponent>& components, double p) {
  long double total = 0, hi = 0, lo = 0;
  for (const auto& c : components) {
    total += c.weight;
    if (c.weight > 0 && c.mean > 0 && c.scv > 0) {
      const boost::math::gamma_distribution<long double> g(
          1.0L / c.scv, static_cast<long double>(c.mean) * c.scv);
      hi = std::max(hi, boost::math::quantile(g, static_cast<long double>(p)));
    } else if (c.weight > 0) {
      hi = std::max(hi, static_cast<long double>(c.mean));
    }
  }
  const auto cdf = [&](long double x) {
    long double f = 0;
    for (const auto& c : components) {
      if (c.mean == 0 || c.scv == 0) {
        f += c.weight / total * (x >= c.mean ? 1.0L : 0.0L);
        continue;
      }
      const boost::math::gamma_distribution<long double> g(
          1.0L / c.scv, static_cast<long double>(c.mean) * c.scv);
      f += c.weight / total * boost::math::cdf(g, x);
    }
    return f;
  };
  for (int i = 0; i < 300 && hi - lo > 1e-15L * hi; ++i) {
    const long double mid = (lo + hi) / 2;
    (cdf(mid) < p ? lo : hi) = mid;
  }
  return static_cast<double>(hi);
}

}  // namespace

TEST_CASE("mixture quantile: the bisection's answer to 1e-12, for many unequal components") {
  // 300 types: means over two orders of magnitude, SCVs from nearly fixed to hyperexponential,
  // weights over a factor 50, one deterministic and one weightless component.
  std::vector<MomentComponent> parts;
  for (int k = 0; k < 300; ++k)
    parts.push_back({1.0 + (k * 37) % 50, 0.01 * (1.0 + (k * 13) % 100), 0.02 + 0.03 * (k % 97)});
  parts.push_back({5.0, 0.3, 0.0});
  parts.push_back({0.0, 50.0, 4.0});
  for (double p : {0.5, 0.9, 0.95, 0.99, 0.999}) {
    const double q = mixture_quantile(parts, p);
    CHECK(q == doctest::Approx(reference_quantile(parts, p)).epsilon(1e-12));
  }
}

TEST_CASE("mixture quantile: at a step of a deterministic component, and far-apart components") {
  // 95 % of the weight fixed at 1: the 0.9-quantile is that step.
  const std::vector<MomentComponent> step{{0.95, 1.0, 0.0}, {0.05, 5.0, 1.0}};
  CHECK(mixture_quantile(step, 0.9) ==
        doctest::Approx(reference_quantile(step, 0.9)).epsilon(1e-12));
  CHECK(mixture_quantile(step, 0.99) ==
        doctest::Approx(reference_quantile(step, 0.99)).epsilon(1e-12));
  const std::vector<MomentComponent> apart{{1.0, 1e-3, 0.5}, {1e-3, 1e3, 2.0}, {1.0, 1.0, 0.1}};
  for (double p : {0.1, 0.5, 0.99, 0.9999})
    CHECK(mixture_quantile(apart, p) ==
          doctest::Approx(reference_quantile(apart, p)).epsilon(1e-12));
  CHECK_THROWS_AS(mixture_quantile(apart, 1.0), std::invalid_argument);
  CHECK_THROWS_AS(mixture_quantile({{0.0, 1.0, 1.0}}, 0.5), std::invalid_argument);
}

TEST_CASE("mixture quantile: repeated components count once per repeat, interleaved in any order") {
  // Three kinds repeated 1,000 times each, interleaved (each kind's CDF is computed once per
  // step): the same quantile as the three kinds with the summed weights, and as the bisection.
  const MomentComponent kinds[] = {{1.0, 0.05, 0.4}, {2.0, 0.2, 1.3}, {0.5, 1.0, 0.02}};
  std::vector<MomentComponent> repeated;
  for (int k = 0; k < 3000; ++k) repeated.push_back(kinds[(k * 7) % 3]);
  repeated.push_back({0.0, 100.0, 1.0});  // weightless: ignored
  const std::vector<MomentComponent> merged{
      {1000.0, 0.05, 0.4}, {2000.0, 0.2, 1.3}, {500.0, 1.0, 0.02}};
  for (double p : {0.5, 0.9, 0.99}) {
    const double q = mixture_quantile(repeated, p);
    CHECK(q == doctest::Approx(mixture_quantile(merged, p)).epsilon(1e-11));
    CHECK(q == doctest::Approx(reference_quantile(merged, p)).epsilon(1e-11));
  }
}
