// Per-node LRU hit ratios in a shared-disk cluster with buffer invalidation.
//
// Contract: `node_count` identical nodes each run the same reference streams (rates per node)
// against a private LRU buffer of `buffer_items_per_node`. Shared independent classes are one
// population referenced by all nodes; a write by one node invalidates the other nodes' copies.
// For an item with local rate a and remote write rate b = (n - 1) a w, a local reference hits iff
// the local copy was referenced within the characteristic time t_C and no remote write came
// since: h = a / (a + b) (1 - exp(-(a + b) t_C)) (peers-and-formulas.md §3.5; ch7.md §1.10).
//  * on_request invalidation: an invalid copy keeps its buffer frame until it is referenced or
//    replaced, so an item occupies 1 - exp(-a t_C) (reproduces Rahm ch. 7, L3242-3271);
//  * broadcast invalidation: the copy is dropped at once, occupying h.
// Misses: under FORCE every miss reads from disk. Under NOFORCE a miss is served by a page
// request when another node holds the current version, i.e. when some node referenced the item
// within t_C (the most recent referencer always holds the current version): disk share
// exp(-n a t_C), page-request share 1 - h - exp(-n a t_C). Private streams behave as in che.hpp.
// Errors are io::InputError.
#pragma once

#include <string>
#include <vector>

#include "solver/cache/hierarchy.hpp"
#include "solver/cache/reference_stream.hpp"

namespace tpeval::solver::cache {

enum class Invalidation { on_request, broadcast };

struct ClusterConfig {
  int node_count = 1;                  ///< >= 1
  double buffer_items_per_node = 0.0;  ///< >= 0
  WriteStrategy write_strategy = WriteStrategy::noforce;
  Invalidation invalidation = Invalidation::on_request;
};

struct ClusterStreamResult {
  std::string name;
  double reference_rate = 0.0;      ///< per node
  double hit_ratio = 0.0;           ///< local valid copy
  double page_request_ratio = 0.0;  ///< share of references served by another node's buffer
  double disk_read_ratio = 0.0;     ///< share of references read from disk
  double occupancy_items = 0.0;     ///< per node, including invalid copies (on_request)
};

struct ClusterResult {
  ClusterConfig config;
  double characteristic_time = 0.0;  ///< per node; +infinity when everything fits
  double hit_ratio = 0.0;            ///< reference-weighted over the streams
  double page_request_ratio = 0.0;
  double disk_read_ratio = 0.0;
  std::vector<ClusterStreamResult> streams;
};

ClusterResult che_cluster(const std::vector<ReferenceStream>& streams, const ClusterConfig& config);

std::string to_string(Invalidation invalidation);

}  // namespace tpeval::solver::cache
