// See steady_state_analysis.hpp.
#include "solver/des/steady_state_analysis.hpp"

#include <algorithm>
#include <cmath>

namespace tpeval::solver::des {

std::vector<double> congestion_series(const IntervalSeries& s,
                                      std::span<const std::size_t> counters,
                                      std::size_t time_counter, std::size_t from) {
  std::vector<double> out;
  for (std::size_t i = from; i < s.size(); ++i) {
    double sum = 0.0;
    for (std::size_t c : counters) sum += s.at(i, c);
    const double time_s = s.at(i, time_counter);
    out.push_back(time_s > 0.0 ? sum / time_s : 0.0);
  }
  return out;
}

WarmupCut find_warmup(const IntervalSeries& s, const SeriesLayout& layout, std::size_t from) {
  WarmupCut cut{from, true};
  if (from >= s.size()) return WarmupCut{s.size(), false};
  for (const auto& counters : layout.congestion) {
    const Mser5Result m =
        mser5_truncation(congestion_series(s, counters, layout.time_counter, from));
    cut.reliable = cut.reliable && m.reliable;
    cut.first = std::max(cut.first, from + m.truncated);
  }
  if (!cut.reliable) cut.first = from + (s.size() - from) / 2;
  return cut;
}

bool batches_independent(const IntervalSeries& s, const SeriesLayout& layout, std::size_t first,
                         int batches) {
  const std::size_t kept = first < s.size() ? s.size() - first : 0;
  const std::size_t sub = kept / static_cast<std::size_t>(kSubBatchesPerBatch * batches);
  if (sub < 1) return false;
  for (const auto& counters : layout.congestion) {
    const auto series = congestion_series(s, counters, layout.time_counter, first);
    if (lag1_autocorrelation(group_sums(series, sub)) > kMaxSubBatchLag1) return false;
  }
  return true;
}

namespace {

double row_sum(const IntervalSeries& s, std::size_t row, std::span<const std::size_t> counters) {
  double sum = 0.0;
  for (std::size_t c : counters) sum += s.at(row, c);
  return sum;
}

/// Numerator and denominator totals per batch (one replication) or per replication.
void observations(const Measure& m, std::span<const IntervalSeries> series,
                  std::span<const std::size_t> first, int batches, std::vector<double>& num,
                  std::vector<double>& den) {
  const std::size_t den_counter[] = {m.denominator};
  if (series.size() == 1) {
    const IntervalSeries& s = series[0];
    const std::size_t kept = s.size() - first[0];
    const std::size_t size = kept / static_cast<std::size_t>(batches);
    const std::size_t start = first[0] + kept % static_cast<std::size_t>(batches);
    for (int b = 0; b < batches; ++b) {
      double n = 0.0, d = 0.0;
      for (std::size_t i = 0; i < size; ++i) {
        const std::size_t row = start + static_cast<std::size_t>(b) * size + i;
        n += row_sum(s, row, m.numerators);
        d += row_sum(s, row, den_counter);
      }
      num.push_back(n);
      den.push_back(d);
    }
    return;
  }
  for (std::size_t r = 0; r < series.size(); ++r) {
    double n = 0.0, d = 0.0;
    for (std::size_t row = first[r]; row < series[r].size(); ++row) {
      n += row_sum(series[r], row, m.numerators);
      d += row_sum(series[r], row, den_counter);
    }
    num.push_back(n);
    den.push_back(d);
  }
}

}  // namespace

Estimate estimate_measure(const Measure& m, std::span<const IntervalSeries> series,
                          std::span<const std::size_t> first, int batches, double confidence) {
  std::vector<double> num, den;
  observations(m, series, first, batches, num, den);
  Estimate e;
  e.degrees_of_freedom = static_cast<int>(num.size()) - 1;
  double total = 0.0;
  for (double d : den) total += d;
  if (total > 0.0) e = ratio_interval(num, den, confidence);
  if (m.counts != CountModel::none) {
    double count = 0.0;
    for (double v : num) count += v;
    e = count_bounded_interval(e, count, total, m.counts, num.size(), confidence);
  }
  e.mean *= m.scale;
  e.half_width *= std::abs(m.scale);
  if (!std::isfinite(e.half_width)) e.half_width = 0.0;
  return e;
}

double series_time_s(const IntervalSeries& s, std::size_t time_counter, std::size_t from,
                     std::size_t to) {
  double t = 0.0;
  for (std::size_t i = from; i < to && i < s.size(); ++i) t += s.at(i, time_counter);
  return t;
}

}  // namespace tpeval::solver::des
