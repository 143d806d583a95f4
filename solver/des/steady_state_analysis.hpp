// One analysis round of the run-until-precise driver over the interval series of its replications:
// warm-up truncation, the batch-independence check, and interval estimates of ratio measures.
//
// Contract: pure functions of the series. A Measure is sum(numerator counters) / sum(denominator
// counter) x scale over the kept intervals: rates divide by the time counter, means per completion
// by a completion counter. With one replication the kept intervals form `batches` equal batches
// (batch means; the leading remainder joins the warm-up); with R >= 2 every replication is one
// observation (independent replications). Either way the interval is the ratio-estimator interval
// with Student-t quantiles (output_analysis.hpp; Law, "Simulation Modeling and Analysis", 5th ed.,
// §9.5.2-9.5.3 and §9.7). Warm-up (find_warmup): MSER-5 (White 1997) on every congestion series
// (sum of its counters / interval time) after the model's own warm-up; the largest deletion point
// applies, and it is trusted only when every minimum lies in the first half of the series
// (White, Cobb & Spratt, WSC 2000; Hoad, Robinson & Davies, JORS 61, 2010).
// Independence (batches_independent): the lag-1 autocorrelation of 4 x batches sub-batch means of
// every congestion series is at most 0.4, so that batches four times longer are correlated by about
// 0.1 or less (Law §9.5.3; the correlation falls roughly in proportion to the batch length once
// batches exceed the correlation time). With replications the same check makes every replication
// span many correlation times, which keeps the O(1/T) bias of its ratio estimates small.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "solver/des/interval_series.hpp"
#include "solver/des/output_analysis.hpp"

namespace tpeval::solver::des {

struct Measure {
  std::vector<std::size_t> numerators;  ///< counters summed into the numerator
  std::size_t denominator = 0;
  double scale = 1.0;
  bool stopping = false;  ///< its relative half-width is part of the stop rule
  /// What the numerator counts: a count's interval is at least its exact count interval.
  CountModel counts = CountModel::none;
};

/// Which counters the analysis reads besides the measures.
struct SeriesLayout {
  std::size_t time_counter = 0;  ///< simulated seconds of each interval
  /// Congestion series for warm-up and independence: each is the sum of its counters / time.
  std::vector<std::vector<std::size_t>> congestion;
};

/// Sub-batches per batch in the independence check, and the largest accepted lag-1 correlation.
inline constexpr int kSubBatchesPerBatch = 4;
inline constexpr double kMaxSubBatchLag1 = 0.4;

struct WarmupCut {
  std::size_t first = 0;  ///< first kept row
  bool reliable = false;  ///< every MSER-5 minimum in the first half
};

/// Sum of counters / time per row of `s` from row `from` on.
std::vector<double> congestion_series(const IntervalSeries& s,
                                      std::span<const std::size_t> counters,
                                      std::size_t time_counter, std::size_t from);

/// Warm-up cut after row `from` (see the header comment). An unreliable cut keeps the second half
/// of the rows after `from`, so estimates made at a limit still leave the transient out.
WarmupCut find_warmup(const IntervalSeries& s, const SeriesLayout& layout, std::size_t from);

/// The independence check on the rows from `first` on (false when there are fewer rows than
/// kSubBatchesPerBatch x batches).
bool batches_independent(const IntervalSeries& s, const SeriesLayout& layout, std::size_t first,
                         int batches);

/// The estimate of `m` over series[r] from row first[r] on (see the header comment). A measure
/// whose denominator is 0 everywhere is 0 +- 0 (a share of no trials 0 +- 1); a count of few
/// events gets at least the exact interval of its total (count_bounded_interval).
Estimate estimate_measure(const Measure& m, std::span<const IntervalSeries> series,
                          std::span<const std::size_t> first, int batches, double confidence);

/// Simulated seconds in rows [from, to) of `s`.
double series_time_s(const IntervalSeries& s, std::size_t time_counter, std::size_t from,
                     std::size_t to);

}  // namespace tpeval::solver::des
