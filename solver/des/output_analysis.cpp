#include "solver/des/output_analysis.hpp"

#include <boost/math/distributions/students_t.hpp>
#include <boost/math/special_functions/beta.hpp>
#include <boost/math/special_functions/gamma.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace tpeval::solver::des {

double Estimate::relative_half_width() const {
  if (mean == 0.0) return half_width == 0.0 ? 0.0 : std::numeric_limits<double>::infinity();
  return half_width / std::abs(mean);
}

double student_t_quantile(double confidence, int degrees_of_freedom) {
  if (degrees_of_freedom < 1)
    throw std::invalid_argument("t quantile needs >= 1 degree of freedom");
  if (!(confidence > 0.0 && confidence < 1.0))
    throw std::invalid_argument("confidence must be in (0, 1)");
  const boost::math::students_t t(static_cast<double>(degrees_of_freedom));
  return boost::math::quantile(t, 0.5 + 0.5 * confidence);
}

Estimate t_interval(std::span<const double> values, double confidence) {
  const std::size_t n = values.size();
  if (n < 2) throw std::invalid_argument("a t interval needs at least two observations");
  double sum = 0.0;
  for (double v : values) sum += v;
  const double mean = sum / static_cast<double>(n);
  double squares = 0.0;
  for (double v : values) squares += (v - mean) * (v - mean);
  const double variance = squares / static_cast<double>(n - 1);
  Estimate e;
  e.mean = mean;
  e.degrees_of_freedom = static_cast<int>(n - 1);
  e.half_width = student_t_quantile(confidence, e.degrees_of_freedom) *
                 std::sqrt(variance / static_cast<double>(n));
  return e;
}

Estimate sectioning_interval(double whole_run, std::span<const double> sections,
                             double confidence) {
  const std::size_t n = sections.size();
  if (n < 2) throw std::invalid_argument("a sectioning interval needs at least two sections");
  double squares = 0.0;
  for (double v : sections) squares += (v - whole_run) * (v - whole_run);
  Estimate e;
  e.mean = whole_run;
  e.degrees_of_freedom = static_cast<int>(n - 1);
  e.half_width = student_t_quantile(confidence, e.degrees_of_freedom) *
                 std::sqrt(squares / static_cast<double>(n - 1) / static_cast<double>(n));
  return e;
}

Estimate ratio_interval(std::span<const double> numerators, std::span<const double> denominators,
                        double confidence) {
  const std::size_t n = numerators.size();
  if (n < 2 || denominators.size() != n)
    throw std::invalid_argument("a ratio interval needs >= 2 pairs");
  double sum_num = 0.0;
  double sum_den = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    sum_num += numerators[i];
    sum_den += denominators[i];
  }
  if (!(sum_den > 0.0))
    throw std::invalid_argument("a ratio interval needs a positive denominator");
  const double ratio = sum_num / sum_den;
  // Delta method: Var(ratio) ~ sum (N_i - ratio D_i)^2 / ((n - 1) n Dbar^2).
  double squares = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    const double residual = numerators[i] - ratio * denominators[i];
    squares += residual * residual;
  }
  const double mean_den = sum_den / static_cast<double>(n);
  std::vector<double> residuals(n);
  for (std::size_t i = 0; i < n; ++i) residuals[i] = numerators[i] - ratio * denominators[i];
  Estimate e;
  e.mean = ratio;
  e.degrees_of_freedom = static_cast<int>(n - 1);
  e.half_width = skewness_adjusted_quantile(student_t_quantile(confidence, e.degrees_of_freedom),
                                            sample_skewness(residuals), n) *
                 std::sqrt(squares / static_cast<double>(n - 1) / static_cast<double>(n)) /
                 mean_den;
  return e;
}

double exact_count_half_width(double count, double exposure, CountModel model, double confidence) {
  if (model == CountModel::none || !(exposure > 0.0)) return 0.0;
  const double alpha = 1.0 - confidence;
  const double k = std::max(0.0, std::round(count));
  double lower = 0.0;
  double upper = 0.0;
  double rate = 0.0;
  if (model == CountModel::poisson) {
    // Garwood: the Poisson mean's limits are gamma quantiles, chi2(alpha/2; 2k)/2 and
    // chi2(1 - alpha/2; 2k + 2)/2; divided by the exposure.
    lower = k > 0.0 ? boost::math::gamma_p_inv(k, alpha / 2.0) : 0.0;
    upper = boost::math::gamma_p_inv(k + 1.0, 1.0 - alpha / 2.0);
    rate = k;
    lower /= exposure;
    upper /= exposure;
    rate /= exposure;
  } else {
    // Clopper-Pearson: beta quantiles Beta(alpha/2; k, n - k + 1) and Beta(1 - alpha/2; k + 1,
    // n - k).
    const double n = std::max(k, std::round(exposure));
    if (n < 1.0) return 0.0;
    lower = k > 0.0 ? boost::math::ibeta_inv(k, n - k + 1.0, alpha / 2.0) : 0.0;
    upper = k < n ? boost::math::ibeta_inv(k + 1.0, n - k, 1.0 - alpha / 2.0) : 1.0;
    rate = k / n;
  }
  return std::max(rate - lower, upper - rate);
}

Estimate count_bounded_interval(Estimate e, double count, double exposure, CountModel model,
                                std::size_t batches, double confidence) {
  if (model == CountModel::none) return e;
  if (!(exposure > 0.0)) {
    // No trial at all: a share could be anything in [0, 1] (Clopper-Pearson with n = 0).
    if (model == CountModel::binomial) e.half_width = std::max(e.half_width, 1.0);
    return e;
  }
  const double rarer = model == CountModel::binomial ? std::min(count, exposure - count) : count;
  if (rarer >= kNormalEventsPerBatch * static_cast<double>(batches)) return e;
  e.half_width = std::max(e.half_width, exact_count_half_width(count, exposure, model, confidence));
  return e;
}

double sample_skewness(std::span<const double> values) {
  const std::size_t n = values.size();
  if (n < 3) return 0.0;
  double mean = 0.0;
  for (double v : values) mean += v;
  mean /= static_cast<double>(n);
  double m2 = 0.0, m3 = 0.0;
  for (double v : values) {
    m2 += (v - mean) * (v - mean);
    m3 += (v - mean) * (v - mean) * (v - mean);
  }
  m2 /= static_cast<double>(n);
  m3 /= static_cast<double>(n);
  return m2 > 0.0 ? m3 / std::pow(m2, 1.5) : 0.0;
}

double skewness_adjusted_quantile(double t_quantile, double skewness, std::size_t n) {
  // Willink (2005), eq. (9)-(10) as used by Skart (Tafazzoli et al. 2011, §3.3):
  // G(z) = ((1 + 6 beta (z - beta))^(1/3) - 1) / (2 beta), beta = skewness / (6 sqrt(n)); the
  // interval is [mean - G(t) se, mean - G(-t) se]. Its wider side, made symmetric.
  const double beta = skewness / (6.0 * std::sqrt(static_cast<double>(n)));
  if (std::abs(beta) < 1e-12) return t_quantile;
  const auto g = [beta](double z) {
    return (std::cbrt(1.0 + 6.0 * beta * (z - beta)) - 1.0) / (2.0 * beta);
  };
  return std::max({t_quantile, g(t_quantile), -g(-t_quantile)});
}

Mser5Result mser5_truncation(std::span<const double> series) {
  constexpr std::size_t group = 5;
  const std::size_t b = series.size() / group;
  Mser5Result result;
  if (b < 2) return result;
  std::vector<double> z(b);
  for (std::size_t j = 0; j < b; ++j) {
    double s = 0.0;
    for (std::size_t i = 0; i < group; ++i) s += series[j * group + i];
    z[j] = s / group;
  }
  // Suffix sums give every MSER(d) in O(b): sum (Z - mean)^2 = S2 - S1^2 / count.
  std::vector<double> s1(b + 1, 0.0);
  std::vector<double> s2(b + 1, 0.0);
  for (std::size_t j = b; j-- > 0;) {
    s1[j] = s1[j + 1] + z[j];
    s2[j] = s2[j + 1] + z[j] * z[j];
  }
  double best = std::numeric_limits<double>::infinity();
  std::size_t best_d = 0;
  // The last few points are excluded: with 1 or 2 batches left MSER is trivially small.
  for (std::size_t d = 0; d + 2 < b; ++d) {
    const double count = static_cast<double>(b - d);
    const double sse = std::max(0.0, s2[d] - s1[d] * s1[d] / count);
    const double mser = sse / (count * count);
    if (mser < best) {
      best = mser;
      best_d = d;
    }
  }
  result.truncated = best_d * group;
  result.reliable = best_d <= b / 2;
  return result;
}

std::vector<double> group_sums(std::span<const double> series, std::size_t group) {
  if (group == 0) throw std::invalid_argument("group size must be positive");
  const std::size_t count = series.size() / group;
  const std::size_t skip = series.size() - count * group;
  std::vector<double> sums(count, 0.0);
  for (std::size_t j = 0; j < count; ++j)
    for (std::size_t i = 0; i < group; ++i) sums[j] += series[skip + j * group + i];
  return sums;
}

double lag1_autocorrelation(std::span<const double> series) {
  const std::size_t n = series.size();
  if (n < 3) return 0.0;
  double mean = 0.0;
  for (double v : series) mean += v;
  mean /= static_cast<double>(n);
  double c0 = 0.0;
  double c1 = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    c0 += (series[i] - mean) * (series[i] - mean);
    if (i + 1 < n) c1 += (series[i] - mean) * (series[i + 1] - mean);
  }
  return c0 > 0.0 ? c1 / c0 : 0.0;
}

}  // namespace tpeval::solver::des
