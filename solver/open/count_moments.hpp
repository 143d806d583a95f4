// Moments of counts, of random sums and of mixtures: the small probability rules the response-time
// variability (model/response_variability.cpp) and the MPL's input queue (model/mpl.cpp)
// share.
//
// Contract: all functions are pure.
//  * binomial_pmf(n, p, max_terms, negligible) is P(K = k) of K ~ Binomial(n, p) for k = 0, 1, ...
//    by the ratio recurrence P(k + 1) = P(k) (n - k) / (k + 1) p / (1 - p) (Feller, An
//    Introduction to Probability Theory, vol. 1, §VI.3); n need not be whole (the recurrence's
//    terms then stop after the first k >= n). At most `max_terms` terms; the terms stop before
//    the first that is not above `negligible`. p = 1 with a whole n is the point mass at n.
//    Preconditions: n >= 0, 0 <= p <= 1, max_terms >= 1.
//  * count_moments(pmf) is E[K] and Var(K) of a count law given by its P(K = k).
//  * random_sum_variance(count, mean, variance) is the variance of the sum of K independent
//    episodes of the given mean and variance: E[K] Var(T) + Var(K) E[T]^2 (Wald's identity for
//    the random sum; Ross, Introduction to Probability Models, §3.4).
//  * MomentMix mixes distributions by weight (a transaction drawn from classes by their rates):
//    the mixture's mean and SCV from the parts' weights, means and second moments.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <vector>

namespace tpeval::solver::open {

inline std::vector<double> binomial_pmf(double n, double p, std::size_t max_terms,
                                        double negligible = 0.0) {
  std::vector<double> pmf;
  if (!(p < 1.0)) {  // all trials succeed: K = n
    pmf.assign(max_terms, 0.0);
    if (n < static_cast<double>(max_terms)) pmf[static_cast<std::size_t>(n)] = 1.0;
    return pmf;
  }
  pmf.push_back(std::exp(n * std::log1p(-p)));
  const double odds = p / (1.0 - p);
  for (std::size_t k = 0; pmf.size() < max_terms && static_cast<double>(k) < n; ++k) {
    const double next =
        pmf.back() * (n - static_cast<double>(k)) / static_cast<double>(k + 1) * odds;
    if (!(next > negligible)) break;
    pmf.push_back(next);
  }
  return pmf;
}

struct CountMoments {
  double mean = 0.0;
  double variance = 0.0;
};

inline CountMoments count_moments(const std::vector<double>& pmf) {
  double mean = 0.0, second = 0.0;
  for (std::size_t k = 0; k < pmf.size(); ++k) {
    const auto kd = static_cast<double>(k);
    mean += kd * pmf[k];
    second += kd * kd * pmf[k];
  }
  return {mean, std::max(0.0, second - mean * mean)};
}

inline double random_sum_variance(const CountMoments& count, double mean, double variance) {
  return count.mean * variance + count.variance * mean * mean;
}

class MomentMix {
 public:
  /// A part of weight `weight` (>= 0) with mean `mean` and second moment `second_moment`.
  void add(double weight, double mean, double second_moment) {
    weight_ += weight;
    first_ += weight * mean;
    second_ += weight * second_moment;
  }
  /// A part given by its mean and SCV: second moment mean^2 (1 + scv).
  void add_scv(double weight, double mean, double scv) {
    add(weight, mean, mean * mean * (1.0 + scv));
  }
  double weight() const { return weight_; }
  /// Whether the mixture has a positive weight and mean (mean() and scv() exist).
  bool positive() const { return weight_ > 0 && first_ > 0; }
  double mean() const { return first_ / weight_; }
  /// E[X^2] / E[X]^2 - 1, at least 0.
  double scv() const { return std::max(0.0, second_ * weight_ / (first_ * first_) - 1.0); }

 private:
  double weight_ = 0.0, first_ = 0.0, second_ = 0.0;
};

}  // namespace tpeval::solver::open
