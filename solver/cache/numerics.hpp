// Small numerical helpers shared by the analytic cache solvers (che.cpp, hierarchy.cpp,
// cluster.cpp). Internal: not part of the public solver interface.
#pragma once

#include <cmath>
#include <limits>

namespace tpeval::solver::cache::detail {

inline constexpr double kInfinity = std::numeric_limits<double>::infinity();

/// 1 - e^(-x): expm1 for small x (no cancellation), exp() alone above, where it is faster and
/// exact enough. x = +inf gives 1 (an item that is always present).
inline double one_minus_exp(double x) {
  return x < 1e-3 ? -std::expm1(-x) : 1.0 - std::exp(-x);
}

}  // namespace tpeval::solver::cache::detail
