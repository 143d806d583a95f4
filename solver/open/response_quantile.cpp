// Two-moment (gamma) quantiles of response times (see response_quantile.hpp).
#include "solver/open/response_quantile.hpp"

#include <algorithm>
#include <bit>
#include <boost/math/distributions/gamma.hpp>
#include <boost/math/special_functions/gamma.hpp>
#include <boost/math/tools/toms748_solve.hpp>
#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <unordered_map>
#include <utility>

namespace tpeval::solver::open {

double moment_quantile(double mean, double scv, double p) {
  if (!std::isfinite(mean) || !std::isfinite(scv) || mean < 0 || scv < 0 || !(p > 0 && p < 1))
    throw std::invalid_argument("moment_quantile: needs mean >= 0, scv >= 0 and 0 < p < 1");
  if (mean == 0 || scv == 0) return mean;
  const boost::math::gamma_distribution<double> gamma(1.0 / scv, mean * scv);
  return boost::math::quantile(gamma, p);
}

namespace {

// The mixture's CDF is evaluated for every component at every step: in double precision
// (Boost.Math promotes double arguments to long double by default; a gamma_p took 4-6 times as
// long that way on the benchmark machine, and the quantile is wanted to 1e-12 relative only;
// issue #16: 10^4 transaction types spent a quarter of `tpeval eval` here).
using DoublePolicy = boost::math::policies::policy<boost::math::policies::promote_double<false>>;
using Gamma = boost::math::gamma_distribution<double, DoublePolicy>;

/// P(X <= x) of one component.
double component_cdf(const MomentComponent& c, double x) {
  if (c.mean == 0 || c.scv == 0) return x >= c.mean ? 1.0 : 0.0;
  return boost::math::gamma_p(1.0 / c.scv, x / (c.mean * c.scv), DoublePolicy());
}

double component_quantile(const MomentComponent& c, double p) {
  if (c.mean == 0 || c.scv == 0) return c.mean;
  return boost::math::quantile(Gamma(1.0 / c.scv, c.mean * c.scv), p);
}

/// The components of positive weight, each as the index of its distinct (mean, scv) pair (equal
/// bit for bit): 10^4 transaction types of a few kinds are a few distinct gamma distributions,
/// whose CDF and quantile are then computed once per pair, not once per type (issue #16). The
/// mixture still sums weight x CDF component by component in the given order (same result).
struct DistinctComponents {
  std::vector<MomentComponent> distinct;  // weight unused
  std::vector<std::size_t> index;         // per component; unused for weight 0
  explicit DistinctComponents(const std::vector<MomentComponent>& components)
      : index(components.size(), 0) {
    struct PairHash {
      std::size_t operator()(const std::pair<std::uint64_t, std::uint64_t>& k) const {
        return std::hash<std::uint64_t>()(k.first * 0x9e3779b97f4a7c15ULL ^ k.second);
      }
    };
    std::unordered_map<std::pair<std::uint64_t, std::uint64_t>, std::size_t, PairHash> seen;
    for (std::size_t i = 0; i < components.size(); ++i) {
      const MomentComponent& c = components[i];
      if (!(c.weight > 0)) continue;
      const auto key =
          std::make_pair(std::bit_cast<std::uint64_t>(c.mean), std::bit_cast<std::uint64_t>(c.scv));
      const auto [at, added] = seen.try_emplace(key, distinct.size());
      if (added) distinct.push_back(c);
      index[i] = at->second;
    }
  }
};

}  // namespace

double mixture_quantile(const std::vector<MomentComponent>& components, double p) {
  if (!(p > 0 && p < 1)) throw std::invalid_argument("mixture_quantile: needs 0 < p < 1");
  double total = 0.0, lo = std::numeric_limits<double>::infinity(), hi = 0.0;
  for (const auto& c : components) {
    if (!(c.weight >= 0) || !std::isfinite(c.weight))
      throw std::invalid_argument("mixture_quantile: weights must be finite and >= 0");
    if (!std::isfinite(c.mean) || !std::isfinite(c.scv) || c.mean < 0 || c.scv < 0)
      throw std::invalid_argument("mixture_quantile: needs mean >= 0 and scv >= 0");
    total += c.weight;
  }
  if (!(total > 0)) throw std::invalid_argument("mixture_quantile: weights sum to 0");
  const DistinctComponents kinds(components);
  for (const auto& c : kinds.distinct) {
    // Each component's quantile: the mixture's lies between the smallest and the largest
    // (below the smallest every component's CDF is below p, above the largest every one is
    // at least p).
    const double q = component_quantile(c, p);
    lo = std::min(lo, q);
    hi = std::max(hi, q);
  }
  std::vector<double> cdf(kinds.distinct.size());
  const auto excess = [&](double x) {
    for (std::size_t k = 0; k < cdf.size(); ++k) cdf[k] = component_cdf(kinds.distinct[k], x);
    double f = 0.0;
    for (std::size_t i = 0; i < components.size(); ++i)
      if (components[i].weight > 0) f += components[i].weight * cdf[kinds.index[i]];
    return f / total - p;
  };
  if (!(hi > lo)) return hi;  // one distinct component quantile
  const double f_lo = excess(lo), f_hi = excess(hi);
  if (f_lo >= 0) return lo;
  if (f_hi <= 0) return hi;
  // The smallest x with F(x) >= p, to 1e-12 relative (the bracket's upper end, as the plain
  // bisection of the bracket returned): TOMS 748 (Alefeld, Potra & Shi 1995) keeps a bracket
  // and needs 8-17 evaluations of the mixture where the bisection needed 40.
  const auto close_enough = [](double a, double b) { return b - a <= 1e-12 * b; };
  std::uintmax_t max_iter = 200;
  const auto bracket =
      boost::math::tools::toms748_solve(excess, lo, hi, f_lo, f_hi, close_enough, max_iter);
  return bracket.second;
}

}  // namespace tpeval::solver::open
