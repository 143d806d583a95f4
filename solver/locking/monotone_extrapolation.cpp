#include "solver/locking/monotone_extrapolation.hpp"

#include <cmath>

namespace tpeval::solver::locking {

MonotoneStepBound monotone_step_bound(double q) {
  MonotoneStepBound b;
  if (!(q >= 0)) return b;  // NaN or a falling step: no claim
  if (q >= 1) {
    b.divergent = true;  // d_{n+k} >= q^{k+1} d_{n-1} >= d_{n-1} > 0 for all k
    return b;
  }
  b.steps = q * q / (1 - q);  // sum over k >= 1 of q^{k+1}
  return b;
}

bool plain_iteration_blows_up(double q, double value, double step, double threshold,
                              double least_step, std::size_t steps_left) {
  if (!(q > 0) || !(step > 0) || !(step > least_step) || !std::isfinite(value) ||
      !std::isfinite(threshold))
    return false;
  // Rounding: the lower bound must pass the threshold by a margin.
  const double gap = threshold * (1 + 1e-9) + 1e-300 - value;
  if (gap <= 0) return true;
  // K with step (q^2 + ... + q^{K+1}) >= gap: step q^2 (q^K - 1) / (q - 1) for q != 1.
  double k = 0;
  if (q == 1) {
    k = gap / step;
  } else if (q > 1) {
    k = std::log1p(gap * (q - 1) / (step * q * q)) / std::log(q);
  } else {
    const double rest = 1 - gap * (1 - q) / (step * q * q);  // q^K must fall below this
    if (!(rest > 0)) return false;  // the whole tail step q^2 / (1 - q) stays below the gap
    k = std::log(rest) / std::log(q);
  }
  if (!std::isfinite(k)) return false;
  const double needed = std::ceil(k) + 1;  // one step more than the bound needs (rounding)
  if (!(needed <= static_cast<double>(steps_left))) return false;
  // The smallest lower-bound step on the way: the first (q^2 step >= step) for q >= 1, the last
  // (q^{needed + 1} step) for q < 1.
  const double smallest = q >= 1 ? step : std::pow(q, needed + 1) * step;
  return smallest > least_step * (1 + 1e-9);
}

}  // namespace tpeval::solver::locking
