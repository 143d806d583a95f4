// Closed product-form networks: the choice between exact and approximate mean-value analysis.
//
// Contract: solve_closed() takes a network whose classes are all closed and returns the mean
// performance measures of the product-form solution (Reiser & Lavenberg, JACM 27(2) 1980) computed
// by `method`. `automatic` uses exact MVA while the population lattice prod_c (N_c + 1) is at most
// `max_exact_lattice` (and single-class networks always), else Linearizer. Approximate methods
// stop when the largest relative change of any Q_ck falls below `tolerance` or after
// `max_iterations`; Solution::iterations, residual and converged say which happened. Multi-server
// stations are handled exactly by the exact solvers and by the Seidmann et al. (1987)
// transformation in the approximate ones (stated in Solution::warnings). Zero-population classes
// get zero throughput and are otherwise ignored. If the multi-class exact recursion reports the
// p(0) instability of multi-server/load-dependent stations (exact_multi.hpp), solve_closed falls
// back to Linearizer and says so in the warnings, for `exact` and `automatic` alike.
#pragma once

#include <cstdint>

#include "solver/network/network.hpp"

namespace tpeval::solver {

enum class ClosedMethod { automatic, exact, linearizer, schweitzer };

struct ClosedOptions {
  ClosedMethod method = ClosedMethod::automatic;
  double tolerance = 1e-8;
  int max_iterations = 10'000;
  std::int64_t max_exact_lattice = 5'000'000;
};

Solution solve_closed(const Network& network, const ClosedOptions& options = {});

/// Throughput X(n) of a single-class closed network for n = 1..max_population (exact MVA), the
/// input of a flow-equivalent server (Lazowska et al., QSP ch. 8). Index 0 holds X(1).
std::vector<double> throughput_curve(const Network& single_class_network, long max_population);

}  // namespace tpeval::solver
