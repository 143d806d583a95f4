// See interval_series.hpp.
#include "solver/des/interval_series.hpp"

#include <algorithm>
#include <stdexcept>

namespace tpeval::solver::des {

IntervalSeries::IntervalSeries(std::size_t counters, std::size_t rows_kept)
    : counters_(counters), rows_kept_(rows_kept), pending_(counters, 0.0) {
  if (counters == 0 || rows_kept == 0)
    throw std::invalid_argument("an interval series needs counters and rows");
}

void IntervalSeries::append(std::span<const double> row) {
  if (row.size() != counters_) throw std::invalid_argument("interval row of the wrong width");
  for (std::size_t c = 0; c < counters_; ++c) pending_[c] += row[c];
  if (++pending_count_ < factor_) return;
  rows_.insert(rows_.end(), pending_.begin(), pending_.end());
  std::fill(pending_.begin(), pending_.end(), 0.0);
  pending_count_ = 0;
  if (size() >= 2 * rows_kept_) merge_pairs();
}

void IntervalSeries::merge_pairs() {
  const std::size_t pairs = size() / 2;
  for (std::size_t j = 0; j < pairs; ++j)
    for (std::size_t c = 0; c < counters_; ++c)
      rows_[j * counters_ + c] = rows_[2 * j * counters_ + c] + rows_[(2 * j + 1) * counters_ + c];
  rows_.resize(pairs * counters_);
  factor_ *= 2;
}

}  // namespace tpeval::solver::des
