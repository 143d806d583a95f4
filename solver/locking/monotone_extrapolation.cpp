#include "solver/locking/monotone_extrapolation.hpp"

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

}  // namespace tpeval::solver::locking
