// Bounds on the spectral radius of a non-negative matrix from one vector and its image
// (Collatz-Wielandt; Horn & Johnson, Matrix Analysis, 2nd ed., Thm. 8.1.26): for J >= 0 and
// v >= 0, v != 0, rho(J) >= min_i (J v)_i / v_i over v_i > 0, and for v > 0,
// rho(J) <= max_i (J v)_i / v_i. The lock model's twin test (lock_contention.cpp
// `stable_above_warm_start`, docs/locking.md "Warm starts: the twin test") applies it to
// successive plain steps of a probe near an operating point, d_{n+1} ~ J d_n, whose component
// ratios close in on rho(J) from both sides as the iteration proceeds.
//
// Contract: component_ratio_bounds(first, before, after) takes the ratios after_i / before_i over
// the components whose step is still a measurable part of the first one (first_i != 0 and
// |before_i| > kRelevant |first_i|: components that have died out are rounding, not a mode; a
// step of either sign, -v gives the same ratios), and
// returns their least (`low`) and greatest (`high`) and how many were `used` (0: no bound; then
// low = +inf, high = -inf). Negative ratios count as they are (a component that changed sign
// contradicts J >= 0 and keeps `low` below 1). Pure; the three vectors have the same size.
#pragma once

#include <cstddef>
#include <vector>

namespace tpeval::solver::locking {

struct RatioBounds {
  double low = 0;        ///< least after_i / before_i: rho(J) >= low when J >= 0
  double high = 0;       ///< greatest: rho(J) <= high when, in addition, every component counts
  std::size_t used = 0;  ///< components taken
};

RatioBounds component_ratio_bounds(const std::vector<double>& first,
                                   const std::vector<double>& before,
                                   const std::vector<double>& after);

}  // namespace tpeval::solver::locking
