// Output analysis of simulation time series: warm-up truncation, batch means, independent
// replications, and Student-t confidence intervals.
//
// Contract: pure functions from observation series to estimates. An Estimate is a point estimate
// and the half-width of its two-sided confidence interval (Student t with the stated degrees of
// freedom, Boost.Math students_t). mser5_truncation() implements MSER-5 (White, "An effective
// truncation heuristic for bias reduction in simulation output", Simulation 69(6) 1997; White,
// Cobb & Spratt, WSC 2000): the series is averaged in groups of 5 and the deletion point d*
// minimises the marginal standard error sum_{j>d}(Z_j - mean_d)^2 / (b - d)^2; d* is only trusted
// when it lies in the first half of the series (otherwise the run is too short to have left the
// transient: peers-and-formulas.md §2 #13 and #16 ask for automatic truncation per replication).
// Ratio estimates (residence and response times, sum of job-seconds / completions) use the
// classical ratio-estimator interval (Law, "Simulation Modeling and Analysis", 5th ed., §9.5.2 /
// delta method); the other measures are plain means. The ratio interval widens its t quantile for
// the skewness of the observations (Willink, "A confidence interval and test for the mean of an
// asymmetric distribution", Commun. Stat. Theory Methods 34(4), 2005; the adjustment of Skart,
// Tafazzoli, Steiger, Wilson et al., INFORMS J. Computing 23(2), 2011): response-time batch means
// are right-skewed, their low estimates come with small variances, and a plain t interval then
// misses low far more often than high (M/M/1 at rho = 0.8: 29 of 38 misses low, coverage 92.4 %;
// with the adjustment 94.4 %, docs/simulation.md "Interval coverage"). A ratio whose numerator
// counts events and saw too few of them for the batches' counts to be near normal (fewer than 5
// per batch of the rarer outcome, the textbook condition n p >= 5 for the normal approximation of
// a count) gets at least the exact interval of its count (count_bounded_interval): with no event
// at all the batches say 0 +- 0, while the count alone still bounds the rate (Garwood 1936 for
// Poisson counts, Clopper & Pearson 1934 for a share of trials). Above that the batch means stand:
// a share of stratified trials (every transaction references BRANCH, a near-certain hit, and
// ACCOUNT, a near-certain miss) varies far less than a binomial count.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

namespace tpeval::solver::des {

struct Estimate {
  double mean = 0.0;
  double half_width = 0.0;  ///< of the two-sided interval at the requested confidence
  int degrees_of_freedom = 0;
  /// half_width / |mean|; 0 when both are 0, +inf when only the mean is 0.
  double relative_half_width() const;
};

/// Two-sided Student-t quantile t_{1-(1-confidence)/2, dof}.
double student_t_quantile(double confidence, int degrees_of_freedom);

/// Mean and t interval of independent observations (n >= 2).
Estimate t_interval(std::span<const double> values, double confidence = 0.95);

/// Sectioning (Asmussen & Glynn, Stochastic Simulation, 2007, §III.5a; Nakayama, ACM TOMACS
/// 24(4) 2014): the point estimate is `whole_run`, the estimator applied to the whole run (for a
/// quantile: the quantile of the pooled sample), and the t interval's spread is that of the
/// same estimator on the n sections (batches, replications) around it, S² = Σ (v_i − whole_run)²
/// / (n − 1). For a nonlinear estimator such as a quantile the mean of the section values is
/// biased towards the sections' small-sample value (a p99 of one batch is lower on average than
/// the p99 of the run when batches differ); the whole-run value is not (n >= 2).
Estimate sectioning_interval(double whole_run, std::span<const double> sections,
                             double confidence = 0.95);

/// Ratio sum(numerators) / sum(denominators) with the ratio-estimator interval over pairs
/// (n >= 2, sum of denominators > 0), its quantile adjusted for the skewness of the residuals
/// numerator - ratio x denominator.
Estimate ratio_interval(std::span<const double> numerators, std::span<const double> denominators,
                        double confidence = 0.95);

/// What the numerator of a ratio measure counts (for exact_count_half_width).
enum class CountModel {
  none,      ///< not a count of events (seconds, job-seconds, busy time, instructions)
  poisson,   ///< events per unit of the denominator (per second, per completion)
  binomial,  ///< successes among the denominator's trials (hits of references, conflicts of
             ///< requests)
};

/// Half-width of the interval centred on count / exposure that contains the exact two-sided
/// interval at `confidence` for `count` observed events: Garwood's chi-square interval for a
/// Poisson mean (Garwood, Biometrika 28, 1936), Clopper & Pearson's beta interval for a proportion
/// of `exposure` trials (Biometrika 26, 1934). Counts and trials are rounded to integers. 0 for
/// CountModel::none or exposure <= 0. With no event it is the upper limit, -ln((1 - confidence) /
/// 2) / exposure for a Poisson count (3.69 / exposure at 95 %).
double exact_count_half_width(double count, double exposure, CountModel model,
                              double confidence = 0.95);

/// The fewest events of the rarer outcome per batch for which a count's batch means are trusted.
inline constexpr double kNormalEventsPerBatch = 5.0;

/// `e` (the ratio interval of `batches` batches or replications) with its half-width raised to
/// exact_count_half_width(count, exposure, model) when the rarer outcome - the count, or for a
/// share also the trials without the event - is below kNormalEventsPerBatch per batch. A share of
/// no trials at all gets the half-width 1 (its value could be anything in [0, 1]).
Estimate count_bounded_interval(Estimate e, double count, double exposure, CountModel model,
                                std::size_t batches, double confidence = 0.95);

/// Sample skewness m3 / m2^(3/2) (0 for fewer than 3 values or no variance).
double sample_skewness(std::span<const double> values);

/// The quantile of the symmetric interval that contains Willink's skewness-adjusted interval for
/// the mean of n observations with the given skewness (never below the t quantile itself).
double skewness_adjusted_quantile(double t_quantile, double skewness, std::size_t n);

struct Mser5Result {
  std::size_t truncated = 0;  ///< raw observations to delete (a multiple of 5)
  bool reliable = false;      ///< the minimum lies in the first half of the series
};
/// MSER-5 deletion point of `series` (needs >= 10 observations, else truncated = 0, unreliable).
Mser5Result mser5_truncation(std::span<const double> series);

/// Sums consecutive groups of `group` values (the leading series.size() % group values are dropped,
/// i.e. they join the truncated warm-up): the batch totals of batch means.
std::vector<double> group_sums(std::span<const double> series, std::size_t group);

/// Lag-1 autocorrelation of a series (0 when its variance is 0).
double lag1_autocorrelation(std::span<const double> series);

}  // namespace tpeval::solver::des
