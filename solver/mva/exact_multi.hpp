// Exact multi-class mean-value analysis over the population lattice (Reiser & Lavenberg, JACM
// 27(2) 1980; peers-and-formulas.md §3.1).
//
// Contract: solve_exact_multi() solves a closed product-form network with any number of classes
// (zero-population classes get zero throughput and are dropped from the lattice). Queueing
// stations may have one server, m servers or a load-dependent profile alpha(j) that is constant
// beyond L jobs (RateProfile); for such a station the residence time is
//   R_ck(n) = D_ck / alpha(L) [1 + Q_k(n-1_c) + sum_{j=1}^{L-1} j (alpha(L)/alpha(j) - 1)
//   p_k(j-1|n-1_c)]
// (Reiser's multi-server formula generalised; m servers give alpha(j) = j, L = m), with
// p_k(j|n) = (1/alpha(j)) sum_c X_c(n) D_ck p_k(j-1|n-1_c) for 1 <= j < L and
// p_k(0|n) = 1 - sum_{j=1}^{L-1} (1 - alpha(j)/alpha(L)) p_k(j|n) - U_k(n)/alpha(L).
// Only the lattice levels |n| = t and t-1 are kept; a level's vectors are ranked combinatorially
// in lexicographic order (no hash maps), and the rank of each predecessor n - 1_c is found in O(1)
// per class from prefix/suffix sums of the rank terms. Memory is
// O(max level size x (M + sum_k (L_k - 1))) doubles; time O(|lattice| x C x sum_k L_k).
// The p_k(0) subtraction is the classic instability for large m (§2 lesson #1): a p_k(0) below
// -1e-9 is reported in Solution::warnings and sets Solution::converged = false (solve_closed then
// falls back to Linearizer; the single-class solver is stable and used whenever it applies).
// Method string: "exact-mva".
#pragma once

#include <cstdint>
#include <vector>

#include "solver/network/network.hpp"

namespace tpeval::solver {

Solution solve_exact_multi(const Network& network);

/// prod_c (N_c + 1) over closed classes, saturating at INT64_MAX.
std::int64_t population_lattice_size(const Network& network);

/// The largest population lattice solve_exact_multi() accepts (time and memory grow with it);
/// beyond it, it throws std::invalid_argument naming the limit and suggesting Linearizer.
inline constexpr std::int64_t kMaxExactLattice = 50'000'000;

}  // namespace tpeval::solver
