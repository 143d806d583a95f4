// Response-time histograms and their percentiles (see response_histogram.hpp).
#include "model/sim/response_histogram.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace tpeval::model::sim {

namespace {

constexpr double kMinS = 1e-6;

int bin_of(double response_s) {
  if (!(response_s > kMinS)) return 0;
  const double b = std::floor(std::log10(response_s / kMinS) * ResponseHistogram::kBinsPerDecade);
  return static_cast<int>(std::min<double>(b, ResponseHistogram::kBins - 1));
}

void add_into(ResponseHistogram::Bins& into, const ResponseHistogram::Bins& from) {
  for (const auto& [key, count] : from) into[key] += count;
}

}  // namespace

double ResponseHistogram::bin_lower_s(int bin) {
  return kMinS * std::pow(10.0, static_cast<double>(bin) / kBinsPerDecade);
}

void ResponseHistogram::record(std::size_t type, double response_s) {
  const auto key =
      static_cast<std::uint32_t>(type * kBins + static_cast<std::size_t>(bin_of(response_s)));
  ++blocks_.back().bins[key];
}

void ResponseHistogram::close_interval() {
  ++closed_;
  if (++blocks_.back().intervals < block_intervals_) return;
  if (blocks_.size() == kMaxBlocks) {
    // Merge neighbours: half as many blocks, twice as long.
    std::vector<Block> merged;
    for (std::size_t i = 0; i + 1 < blocks_.size(); i += 2) {
      Block b = std::move(blocks_[i]);
      b.intervals += blocks_[i + 1].intervals;
      add_into(b.bins, blocks_[i + 1].bins);
      merged.push_back(std::move(b));
    }
    blocks_ = std::move(merged);
    block_intervals_ *= 2;
  }
  blocks_.push_back(Block{closed_, 0, {}});
}

double histogram_quantile(const ResponseHistogram::Bins& bins, long type, double p) {
  // Counts per bin of the type (or of all types).
  std::vector<std::uint64_t> counts(ResponseHistogram::kBins, 0);
  std::uint64_t total = 0;
  for (const auto& [key, count] : bins) {
    const long t = static_cast<long>(key / ResponseHistogram::kBins);
    if (type >= 0 && t != type) continue;
    counts[key % ResponseHistogram::kBins] += count;
    total += count;
  }
  if (total == 0) return -1.0;
  const double rank = p * static_cast<double>(total);
  double below = 0.0;
  for (int b = 0; b < ResponseHistogram::kBins; ++b) {
    const auto c = static_cast<double>(counts[static_cast<std::size_t>(b)]);
    if (c > 0 && below + c >= rank) {
      // Geometric interpolation inside the bin (log-uniform density within it).
      const double frac = std::clamp((rank - below) / c, 0.0, 1.0);
      return ResponseHistogram::bin_lower_s(b) *
             std::pow(10.0, frac / ResponseHistogram::kBinsPerDecade);
    }
    below += c;
  }
  return ResponseHistogram::bin_lower_s(ResponseHistogram::kBins);
}

ResponseHistogram::Bins merge_blocks(const ResponseHistogram& h, std::size_t first,
                                     std::size_t end) {
  ResponseHistogram::Bins out;
  for (const auto& b : h.blocks())
    if (b.first_interval >= first && b.first_interval + b.intervals <= end && b.intervals > 0)
      add_into(out, b.bins);
  return out;
}

std::vector<ResponseHistogram::Bins> batch_histograms(const ResponseHistogram& h, std::size_t first,
                                                      std::size_t end, int batches) {
  std::vector<const ResponseHistogram::Block*> inside;
  for (const auto& b : h.blocks())
    if (b.first_interval >= first && b.first_interval + b.intervals <= end && b.intervals > 0)
      inside.push_back(&b);
  const std::size_t n = std::min(inside.size(), static_cast<std::size_t>(std::max(batches, 1)));
  std::vector<ResponseHistogram::Bins> out(n);
  // Batch i gets blocks [i * size / n, (i + 1) * size / n): consecutive, near-equal counts.
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t k = i * inside.size() / n; k < (i + 1) * inside.size() / n; ++k)
      add_into(out[i], inside[k]->bins);
  return out;
}

std::vector<PercentileEstimate> response_percentiles(
    const std::vector<ResponseHistogram::Bins>& batches, std::size_t types, double confidence) {
  std::vector<PercentileEstimate> out;
  if (batches.size() < 2) return out;
  ResponseHistogram::Bins pooled;
  for (const auto& b : batches) add_into(pooled, b);
  for (long t = -1; t < static_cast<long>(types); ++t) {
    for (const double p : {0.5, 0.9, 0.95, 0.99}) {
      std::vector<double> values;
      for (const auto& b : batches) {
        const double q = histogram_quantile(b, t, p);
        if (q >= 0) values.push_back(q);
      }
      // Every batch must have seen the type, else the batch quantiles are not comparable.
      if (values.size() != batches.size()) continue;
      // Sectioning: the whole run's quantile, the batches' spread around it (the mean of
      // batch quantiles sat 13 % below the run's p99 at one hot page, 33 TPS, issue #13).
      out.push_back(
          {t, p,
           solver::des::sectioning_interval(histogram_quantile(pooled, t, p), values, confidence)});
    }
  }
  return out;
}

std::string percentile_metric_name(double p) {
  return fmt::format("response_time_p{}_s", static_cast<int>(std::lround(p * 100.0)));
}

}  // namespace tpeval::model::sim
