// Exact mean-value analysis of a single-class closed product-form network.
//
// Contract: solve_exact_single() solves class `class_index` of a closed network alone (all other
// classes are treated as absent and get zero results) for queueing stations with one server, m
// servers or a general load-dependent rate profile, and delay stations. Two algorithms, both free
// of subtractions and therefore numerically stable for any m and N:
//  * only single-server and delay stations: the Reiser–Lavenberg recursion
//    R_k(n) = D_k (1 + Q_k(n-1)), X(n) = n / (Z + sum_k R_k(n)) (peers-and-formulas.md §3.1),
//    O(N M) time — the classic multi-server form with p(0) = 1 - sum is *not* used because its
//    subtraction amplifies rounding error geometrically (Octave queueing NEWS 1.2.2; §2 lesson #1);
//  * any multi-server or load-dependent station: log-space normalising constants (as LINE's lGN):
//    the think term and all single-server stations form the base, log G_s(n) = log G_s(n-1) -
//    log X_s(n) from the recursion above; each other station is convolved onto it, using that
//    F_k(j) = prod_{i<=j} D_k / alpha_k(i) is geometric beyond the profile limit L_k (O(N L_k) per
//    station). Then X(n) = G(n-1)/G(n), marginals p_k(j|N) = F_k(j) G_{-k}(N-j) / G(N) from the
//    complement constant G_{-k} (one extra convolution pass per multi-server/LD station), and Q at
//    single-server stations by the recursion Q_k(n) = X(n) D_k (1 + Q_k(n-1)). All terms are
//    positive sums, so probabilities cannot turn negative. Method string: "exact-mva".
// Throws std::invalid_argument for invalid networks (see check_closed_network) and for inputs
// beyond the cost limits below (the message names the limit and suggests an approximate method).
// The single-server recursion keeps O(M) memory whatever N; the log-space path holds O(N) values.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "solver/network/network.hpp"

namespace tpeval::solver {

/// Limits of one exact single-class solve: population x visited queueing stations (time), and
/// population alone when a multi-server or load-dependent station needs O(N) vectors (memory).
inline constexpr std::int64_t kMaxExactSingleSteps = 200'000'000;
inline constexpr long kMaxExactSingleLogSpacePopulation = 10'000'000;

/// "" when solving class `class_index` at `population` exactly fits the limits, else the reason.
std::string exact_single_over_limit(const Network& network, int class_index, long population);

Solution solve_exact_single(const Network& network, int class_index);

/// X(1..max_population) of class `class_index` running alone; index 0 holds X(1).
std::vector<double> exact_single_throughputs(const Network& network, int class_index,
                                             long max_population);

/// Mean number of class `class_index` jobs at each station (indexed as network.stations) when
/// the population itself is random: sum_n P(n) Q_k(n), with P(n) = population_probability[n]
/// for n = 0..N (summing to 1) and Q_k(n) the class's exact MVA queue lengths at population n.
/// This is the subsystem behind a flow-equivalent server seen from its station's side: the
/// population inside an MPL-limited system varies with the input queue (Lazowska et al., QSP
/// §8.4 - the hierarchical model's submodel measures weighted by the high-level model's state
/// probabilities). Exact at single-server and delay stations (Q_k(n) = X(n) D_k (1 + Q_k(n-1))
/// with the exact X(n)), and at one multi-server or load-dependent station, the one of the
/// largest demand, which holds the rest of the population, n - sum of the others. Any further
/// such station (a cluster node's messages to other nodes' multi-CPU processors) takes Seidmann
/// et al.'s (1987) split into a single server of demand D / m and a delay of D (m - 1) / m,
/// which keeps the cost at O(N M) time and O(M) memory (its exact marginals for every n would
/// cost O(N^2) per station). Throws std::invalid_argument as exact_single_throughputs.
std::vector<double> mean_jobs_over_population(const Network& network, int class_index,
                                              const std::vector<double>& population_probability);

}  // namespace tpeval::solver
