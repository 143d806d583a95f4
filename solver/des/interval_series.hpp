// The observation intervals of one replication as the run-until-precise driver keeps them: counter
// rows (sums over an interval) in at most 2 x `rows_kept` rows; when that many have accumulated,
// adjacent pairs are merged and every row then covers twice as many of the replication's
// intervals. Memory and analysis cost stay bounded however long the run; batch means and MSER-5
// work on the merged rows (Law, "Simulation Modeling and Analysis", 5th ed., §9.5.3: batch means
// over a fixed number of growing batches).
//
// Contract: append() takes one row of the replication's own interval; a merged row appears once
// factor() of them are in. Merges are aligned, so row j covers the replication's intervals
// [j x factor(), (j + 1) x factor()).
#pragma once

#include <cstddef>
#include <span>
#include <vector>

namespace tpeval::solver::des {

class IntervalSeries {
 public:
  IntervalSeries(std::size_t counters, std::size_t rows_kept);

  void append(std::span<const double> row);
  std::size_t size() const { return rows_.size() / counters_; }
  std::size_t factor() const { return factor_; }
  std::size_t counters() const { return counters_; }
  double at(std::size_t row, std::size_t counter) const { return rows_[row * counters_ + counter]; }

 private:
  void merge_pairs();

  std::size_t counters_;
  std::size_t rows_kept_;
  std::size_t factor_ = 1;
  std::vector<double> rows_;
  std::vector<double> pending_;
  std::size_t pending_count_ = 0;
};

}  // namespace tpeval::solver::des
