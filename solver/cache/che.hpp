// LRU hit ratios by Che's characteristic-time approximation.
//
// Contract: for a buffer of `buffer_items` items managed by LRU and the reference streams of
// reference_stream.hpp, the characteristic time t_C solves occupancy(t_C) = buffer_items, where
// an independent item is buffered iff it was referenced within the last t_C (probability
// 1 - exp(-lambda t_C)), a sequential stream holds the items it touched within t_C, and repeat
// references occupy nothing (Che, Tung & Wang, IEEE JSAC 2002; peers-and-formulas.md §3.4;
// ch6-5.md A9). The per-stream hit ratio is the probability that a reference finds its item
// buffered. The occupancy is concave and increasing in t, so Newton's method started below the
// root converges monotonically; cost O(streams) per iteration, about 10 iterations. When every
// item fits (no sequential stream and sum of item counts <= buffer), t_C is +infinity and all
// hit ratios are 1 (steady state). Pure functions; errors are io::InputError.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "solver/cache/reference_stream.hpp"

namespace tpeval::solver::cache {

/// A lean IRM class for large populations of classes (no name): item count and per-item rate.
struct ItemClass {
  double item_count = 1.0;
  double rate_per_item = 0.0;
};

/// Expected number of buffered items at characteristic time t (same unit as 1/rate).
double lru_occupancy(const std::vector<ReferenceStream>& streams, double characteristic_time);
/// Probability that a reference of `stream` hits, given the characteristic time.
double lru_stream_hit_ratio(const ReferenceStream& stream, double characteristic_time);

/// Characteristic time for a buffer of `buffer_items` (> 0); +infinity when everything fits.
double characteristic_time(const std::vector<ReferenceStream>& streams, double buffer_items);
/// Same for lean IRM classes (no validation beyond finiteness; used for 10^6 classes).
double characteristic_time(std::span<const ItemClass> classes, double buffer_items);
/// Reference-weighted hit ratio of lean IRM classes.
double lru_hit_ratio(std::span<const ItemClass> classes, double buffer_items);

struct LruStreamResult {
  std::string name;
  double reference_rate = 0.0;
  double hit_ratio = 0.0;
  double occupancy_items = 0.0;  ///< expected buffered items of this stream
};

struct LruResult {
  double buffer_items = 0.0;
  double characteristic_time = 0.0;  ///< +infinity when all items fit
  bool all_items_fit = false;
  double hit_ratio = 0.0;  ///< reference-weighted over all streams
  std::vector<LruStreamResult> streams;
};

/// Che approximation of an LRU buffer of `buffer_items` items (>= 0; 0 gives all misses).
LruResult che_lru(const std::vector<ReferenceStream>& streams, double buffer_items);

}  // namespace tpeval::solver::cache
