// Two-moment (gamma) quantiles of response times (see response_quantile.hpp).
#include "solver/open/response_quantile.hpp"

#include <algorithm>
#include <boost/math/distributions/gamma.hpp>
#include <cmath>
#include <stdexcept>

namespace tpeval::solver::open {

double moment_quantile(double mean, double scv, double p) {
  if (!std::isfinite(mean) || !std::isfinite(scv) || mean < 0 || scv < 0 || !(p > 0 && p < 1))
    throw std::invalid_argument("moment_quantile: needs mean >= 0, scv >= 0 and 0 < p < 1");
  if (mean == 0 || scv == 0) return mean;
  const boost::math::gamma_distribution<double> gamma(1.0 / scv, mean * scv);
  return boost::math::quantile(gamma, p);
}

namespace {

/// P(X <= x) of one component.
double component_cdf(const MomentComponent& c, double x) {
  if (c.mean == 0 || c.scv == 0) return x >= c.mean ? 1.0 : 0.0;
  return boost::math::cdf(boost::math::gamma_distribution<double>(1.0 / c.scv, c.mean * c.scv), x);
}

}  // namespace

double mixture_quantile(const std::vector<MomentComponent>& components, double p) {
  double total = 0.0, lo = 0.0, hi = 0.0;
  for (const auto& c : components) {
    if (!(c.weight >= 0) || !std::isfinite(c.weight))
      throw std::invalid_argument("mixture_quantile: weights must be finite and >= 0");
    total += c.weight;
    if (c.weight > 0) hi = std::max(hi, moment_quantile(c.mean, c.scv, p));
  }
  if (!(total > 0)) throw std::invalid_argument("mixture_quantile: weights sum to 0");
  // The mixture's quantile lies between the components' quantiles: bisect on the CDF.
  const auto cdf = [&](double x) {
    double f = 0.0;
    for (const auto& c : components) f += c.weight / total * component_cdf(c, x);
    return f;
  };
  for (int i = 0; i < 200 && hi - lo > 1e-12 * hi; ++i) {
    const double mid = 0.5 * (lo + hi);
    (cdf(mid) < p ? lo : hi) = mid;
  }
  return hi;
}

}  // namespace tpeval::solver::open
