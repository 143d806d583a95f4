// Exact LRU hit ratio under the independent reference model (King 1971), for test oracles.
//
// Contract: `probabilities` are per-item reference probabilities (normalised internally; each
// > 0). An LRU stack state (i_1..i_C) has probability prod_k p_{i_k} / (1 - sum_{j<k} p_{i_j});
// the hit ratio is sum over states of pi(state) * sum_k p_{i_k} (peers-and-formulas.md §3.4).
// Cost O(D^C): refuses more than kKingMaxStates = 10^5 stack states (D (D-1) ... (D-C+1)) with
// io::InputError. Check values:
// p = (.4,.3,.2,.1), C = 2 -> 0.58056; Zipf(0.8) over 8 items, C = 3 -> 0.47877.
#pragma once

#include <span>
#include <vector>

#include "solver/cache/reference_stream.hpp"

namespace tpeval::solver::cache {

/// The most LRU stack states King's method enumerates (about 0.2 s under ASan+UBSan).
inline constexpr double kKingMaxStates = 1e5;

/// Exact LRU hit ratio of items with the given reference probabilities and a buffer of
/// `buffer_items` items (>= 0). Everything fits -> 1.
double king_lru_hit_ratio(std::span<const double> probabilities, int buffer_items);

/// Per-stream exact hit ratios for independent classes with small integral item counts
/// (expanded into single items). Sequential streams are rejected; repeat streams hit.
std::vector<double> king_stream_hit_ratios(const std::vector<ReferenceStream>& streams,
                                           int buffer_items);

}  // namespace tpeval::solver::cache
