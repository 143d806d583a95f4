#include "solver/locking/collatz_wielandt.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace tpeval::solver::locking {

RatioBounds component_ratio_bounds(const std::vector<double>& first,
                                   const std::vector<double>& before,
                                   const std::vector<double>& after) {
  // A component below 1e-6 of its first step has left the probe's modes (a decay by 10^6 in
  // at most 60 steps is a ratio below 0.8): what is left of it is rounding of the evaluation.
  constexpr double kRelevant = 1e-6;
  RatioBounds b{std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity(),
                0};
  for (std::size_t i = 0; i < first.size(); ++i) {
    if (!(first[i] != 0) || !(std::abs(before[i]) > kRelevant * std::abs(first[i]))) continue;
    const double ratio = after[i] / before[i];
    b.low = std::min(b.low, ratio);
    b.high = std::max(b.high, ratio);
    ++b.used;
  }
  return b;
}

}  // namespace tpeval::solver::locking
