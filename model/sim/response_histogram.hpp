// Response-time percentiles of the transaction simulator: every committed transaction's response
// time in a log-spaced histogram per transaction type, kept in blocks of whole observation
// intervals so that the percentiles can be estimated after the warm-up is known.
//
// Contract: ResponseHistogram is part of one engine's state (one per run). record() books a
// response time into the block of the current observation interval; close_interval() ends that
// interval. Blocks cover `block_intervals()` intervals each; when there would be more than
// kMaxBlocks, neighbouring blocks are merged and the block length doubles, so memory stays
// bounded (sparse bins: at most one entry per (type, bin) that occurred). Bins are 1/kBinsPerDecade
// of a decade wide from 1 us to 10^6 s; a quantile is interpolated geometrically inside its bin
// (error far below 1/kBinsPerDecade of a decade, ~4.7 %). response_percentiles() estimates the
// p-quantile of each type (and of all types pooled, owner "") by sectioning: the quantile of the
// whole observed run, with a Student-t interval from the spread of the per-batch quantiles (or,
// with several replications, the per-replication ones) around it (Asmussen & Glynn, Stochastic
// Simulation, 2007, §III.5a; Nakayama, ACM TOMACS 24(4), 2014; batch quantiles are nearly
// independent for long batches, Law & Kelton, 4th ed. §9.5.3). The mean of the batch quantiles,
// used before, is biased low for high quantiles when the batches differ.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "solver/des/output_analysis.hpp"

namespace tpeval::model::sim {

class ResponseHistogram {
 public:
  static constexpr int kBinsPerDecade = 50;
  static constexpr int kDecades = 12;  ///< 1e-6 .. 1e6 s
  static constexpr int kBins = kBinsPerDecade * kDecades;
  static constexpr std::size_t kMaxBlocks = 256;
  using Bins = std::map<std::uint32_t, std::uint64_t>;  ///< type * kBins + bin -> count

  void record(std::size_t type, double response_s);
  void close_interval();

  struct Block {
    std::size_t first_interval = 0;
    std::size_t intervals = 0;  ///< closed intervals in the block
    Bins bins;
  };
  const std::vector<Block>& blocks() const { return blocks_; }

  /// Lower edge of bin b, seconds.
  static double bin_lower_s(int bin);

 private:
  std::vector<Block> blocks_{Block{}};
  std::size_t block_intervals_ = 1;
  std::size_t closed_ = 0;
};

/// The response-time quantile `p` of `type` (or of all types, `type` = -1) in a merged histogram;
/// nullopt-like -1 when there is no observation.
double histogram_quantile(const ResponseHistogram::Bins& bins, long type, double p);

/// Sums the blocks of `h` that lie inside the observed intervals [first, end).
ResponseHistogram::Bins merge_blocks(const ResponseHistogram& h, std::size_t first,
                                     std::size_t end);

/// Splits the blocks inside [first, end) into `batches` runs of consecutive blocks (fewer when
/// there are fewer blocks) and merges each.
std::vector<ResponseHistogram::Bins> batch_histograms(const ResponseHistogram& h, std::size_t first,
                                                      std::size_t end, int batches);

struct PercentileEstimate {
  long type = -1;  ///< -1: all types
  double p = 0.5;
  solver::des::Estimate estimate;  ///< seconds
};

/// p50, p90, p95 and p99 of every type and of all types, from one histogram per batch (or per
/// replication): the quantile of all batches pooled, with the sectioning interval of the
/// per-batch quantiles around it.
std::vector<PercentileEstimate> response_percentiles(
    const std::vector<ResponseHistogram::Bins>& batches, std::size_t types, double confidence);

/// The metric name of a percentile: "response_time_p95_s".
std::string percentile_metric_name(double p);

}  // namespace tpeval::model::sim
