// Linearizer approximate MVA (Chandy & Neuse, CACM 25(2) 1982; peers-and-formulas.md §3.2).
//
// Contract: solve_linearizer() assumes that the fractional deviations
// F_kc(j) = Q_kc(n - 1_j) / (n - 1_j)_c - Q_kc(n) / n_c are equal at n and at each n - 1_j. Each
// outer iteration runs the core fixed point (amva_core.hpp) at n and at every n - 1_j (C + 1 core
// solves) and then updates F. The outer loop stops when the largest relative change of any Q_kc(n)
// between two outer iterations is below `tolerance` (Chandy and Neuse used 3 fixed iterations)
// or after `max_iterations` outer iterations; each core is capped at `max_iterations` as well.
// Solution::iterations counts outer iterations and residual is the last outer change; converged
// also requires every core solve to have converged. Multi-server/load-dependent stations use the
// Seidmann et al. (1987) transformation (stated in warnings). Method string: "linearizer".
#pragma once

#include <cstdint>

#include "solver/network/network.hpp"

namespace tpeval::solver {

/// stations x classes^2: the correction terms one outer iteration holds (8 bytes each) and the
/// number of core solves x their size. Beyond it solve_linearizer() throws std::invalid_argument.
inline constexpr std::int64_t kMaxLinearizerTerms = 25'000'000;

Solution solve_linearizer(const Network& network, double tolerance = 1e-8,
                          int max_iterations = 10'000);

}  // namespace tpeval::solver
