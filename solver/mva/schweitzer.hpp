// Bard–Schweitzer approximate MVA (Schweitzer 1979; Bard 1979; peers-and-formulas.md §3.2).
//
// Contract: solve_schweitzer() approximates the closed product-form solution by the fixed point
// Q_kc(n - 1_r) ~ ((n_r - 1) / n_r) Q_kr(n) for c = r, Q_kc(n) otherwise. It iterates until the
// largest relative change of any Q_kc is below `tolerance` or `max_iterations` is reached and
// reports iterations, residual and converged in the Solution (a non-converged result also gets a
// warning). Multi-server and load-dependent stations use the Seidmann et al. (1987) transformation
// (see amva_core.hpp; stated in Solution::warnings). Typical error is a few percent, up to 10–20 %
// near saturation. Method string: "schweitzer".
#pragma once

#include "solver/network/network.hpp"

namespace tpeval::solver {

Solution solve_schweitzer(const Network& network, double tolerance = 1e-8,
                          int max_iterations = 10'000);

}  // namespace tpeval::solver
