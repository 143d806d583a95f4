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
// Misses: under FORCE every miss reads from disk. Under NOFORCE storage holds the current
// version unless its last modifier still buffers its unwritten copy: a miss is then served by a
// page request to that node (GEH or central locking, Rahm 1993 L2975: the lock table records the
// last modifier). With `ship_current_copies` (primary copy, L2977) a miss is served by any node
// that holds a current copy, modified or not: when some node referenced the item within t_C (the
// most recent referencer holds the current version), disk share exp(-n a t_C). For update-only
// pages both rules coincide. Private streams behave as in che.hpp.
// A node may have a second, exclusive level (an extended buffer, Rahm 1993 L3173): the streams
// admitted to it keep a page for a further t_2 after it leaves level 1 (the TTL model of
// hierarchy.hpp), so its level-2 hits are h(t_C + t_2) - h(t_C) by the same validity rule.
// The nodes may share a storage cache (a disk cache below all of them, L3173): it sees every
// read from storage and every write to it (write-back of a modified victim under NOFORCE, commit
// write under FORCE; a non-volatile cache allocates on write, a volatile one only updates), and
// keeps a page for t_S after its last access (TTL). A storage read at node i hits it iff some
// access came within t_S: from another node (Poisson, rate sum_{j != i} of their accesses), or
// node i's own last access, which was its write-back (when the copy was modified) or its read
// before the copy's whole stay in its buffers.
// Errors are io::InputError.
#pragma once

#include <string>
#include <vector>

#include "solver/cache/hierarchy.hpp"
#include "solver/cache/reference_stream.hpp"

namespace tpeval::solver::cache {

enum class Invalidation { on_request, broadcast };

/// The most nodes che_cluster() takes. Its identical nodes are solved as the general model of
/// che_cluster_nodes(), whose shared classes cost O(nodes^2) per iteration: 1,000 nodes take
/// 0.2 s in Release, 10,000 took 26 s (issue #16). The transaction model's limit is the same.
inline constexpr int kMaxClusterNodes = 1024;

struct ClusterConfig {
  int node_count = 1;                  ///< in [1, kMaxClusterNodes] for che_cluster()
  double buffer_items_per_node = 0.0;  ///< >= 0
  /// A miss is served by any node with a current copy (primary copy), not only by the last
  /// modifier's unwritten one (GEH or central locking).
  bool ship_current_copies = false;
  /// An exclusive level-2 buffer per node that every level-1 victim enters (0 = none).
  double level2_items_per_node = 0.0;
  /// A storage cache shared by the nodes that every stream goes through (0 = none).
  double storage_cache_items = 0.0;
  bool storage_cache_nonvolatile = true;
  WriteStrategy write_strategy = WriteStrategy::noforce;
  Invalidation invalidation = Invalidation::on_request;
};

struct ClusterStreamResult {
  std::string name;
  double reference_rate = 0.0;           ///< per node
  double hit_ratio = 0.0;                ///< local valid copy
  double page_request_ratio = 0.0;       ///< share of references served by another node's buffer
  double disk_read_ratio = 0.0;          ///< share of references read from disk
  double occupancy_items = 0.0;          ///< per node, including invalid copies (on_request)
  double level2_hit_ratio = 0.0;         ///< valid copy in the node's level 2
  double storage_cache_hit_ratio = 0.0;  ///< read from storage, served by the storage cache
};

struct ClusterResult {
  ClusterConfig config;
  double characteristic_time = 0.0;  ///< per node; +infinity when everything fits
  double hit_ratio = 0.0;            ///< reference-weighted over the streams
  double page_request_ratio = 0.0;
  double disk_read_ratio = 0.0;
  double level2_hit_ratio = 0.0;
  double storage_cache_hit_ratio = 0.0;
  std::vector<ClusterStreamResult> streams;
};

ClusterResult che_cluster(const std::vector<ReferenceStream>& streams, const ClusterConfig& config);

/// A population of items seen by the nodes of a cluster at node-specific rates: the general form
/// behind che_cluster() for nodes that differ (routing tables, key ranges owned by one node).
/// `reference_rate[i]` is node i's rate for the whole stream; the other fields are those of
/// ReferenceStream. A shared independent class referenced by two or more nodes is one population
/// (a write at node j invalidates node i's copy); every other stream is private to each node.
struct NodeStream {
  std::string name;
  StreamKind kind = StreamKind::independent;
  double item_count = 1.0;
  std::vector<double> reference_rate;  ///< per node, >= 0
  double references_per_item = 1.0;
  double write_fraction = 0.0;
  bool shared = true;
  /// Level 2 (when the node has one): whether level-1 victims of this stream enter it, and
  /// which of them (all, the modified ones, the unmodified ones).
  bool level2_admitted = false;
  MigrationPolicy level2_policy = MigrationPolicy::all;
  /// Whether this stream's storage goes through the shared storage cache (when there is one).
  bool storage_cache_admitted = false;
};

struct ClusterNodesConfig {
  std::vector<double> buffer_items;  ///< per node, >= 0; its size is the number of nodes
  bool ship_current_copies = false;  ///< see ClusterConfig
  /// Per node, the exclusive level-2 buffer behind level 1 (>= 0); empty = none anywhere.
  std::vector<double> level2_items;
  WriteStrategy write_strategy = WriteStrategy::noforce;
  Invalidation invalidation = Invalidation::on_request;
  /// A storage cache shared by all nodes (>= 0; 0 = none); non-volatile caches allocate on
  /// write, volatile ones only update a present page.
  double storage_cache_items = 0.0;
  bool storage_cache_nonvolatile = true;
};

struct NodeStreamResult {
  double hit_ratio = 0.0;           ///< local valid copy, per reference of this node
  double page_request_ratio = 0.0;  ///< served from another node's buffer (NOFORCE)
  double disk_read_ratio = 0.0;     ///< read from external storage
  double occupancy_items = 0.0;     ///< frames held at this node (incl. invalid copies)
  double level2_hit_ratio = 0.0;    ///< valid copy in this node's level 2, per reference
  /// Share of this stream's level-1 victims that enter level 2 (by its admission and policy).
  double level2_entry_probability = 0.0;
  /// Reads from storage served by the shared storage cache, per reference (a part of
  /// disk_read_ratio).
  double storage_cache_hit_ratio = 0.0;
  /// Probability that a copy leaving this node's buffer holds the current modified version
  /// (NOFORCE: it must be written back; a superseded copy need not be).
  double modified_probability = 0.0;
};

struct ClusterNodesResult {
  std::vector<double> characteristic_time;           ///< per node; +infinity when all fits
  std::vector<double> level2_characteristic_time;    ///< per node; 0 without level 2
  double storage_cache_characteristic_time = 0.0;    ///< 0 without a storage cache
  std::vector<std::vector<NodeStreamResult>> nodes;  ///< [node][stream]
};

/// Per node i with local per-item rate a_i and remote write rate b_i = w sum_{j != i} a_j of a
/// shared class: h_i = a_i/(a_i+b_i) (1 - exp(-(a_i+b_i) t_i)); nobody referenced the item within
/// its characteristic time with probability exp(-sum_j a_j t_j) (then a disk read), otherwise a
/// miss is a page request (NOFORCE). Each node's t_i solves its own occupancy equation.
ClusterNodesResult che_cluster_nodes(const std::vector<NodeStream>& streams,
                                     const ClusterNodesConfig& config);

std::string to_string(Invalidation invalidation);

}  // namespace tpeval::solver::cache
