// Exact LRU reference-string simulation: one buffer, the two-level hierarchy, and a cluster of
// nodes with invalidation. It is the test oracle for che.hpp, hierarchy.hpp and cluster.hpp.
//
// Contract: the simulators keep their buffers in LruBuffer (lru_buffer.hpp). HierarchySimulator
// applies, reference by reference, the level-1/level-2 rules
// stated in hierarchy.hpp (ch6-5.md §1.7-1.11, A10) and counts outcomes per caller-defined tag;
// callers may drive it with their own reference string (e.g. a transaction-structured one) or use
// simulate_hierarchy(), which draws references from stream descriptions with an explicitly seeded
// generator. ClusterSimulator does the same for n nodes with versioned shared items (cluster.hpp).
// All state lives in the simulator object.
#pragma once

#include <cstdint>
#include <vector>

#include "solver/cache/cluster.hpp"
#include "solver/cache/hierarchy.hpp"
#include "solver/cache/lru_buffer.hpp"
#include "solver/cache/reference_stream.hpp"

namespace tpeval::solver::cache {

/// Outcome counts of one tag (stream) in a simulation.
struct SimulationCounts {
  std::uint64_t references = 0;
  std::uint64_t level1_hits = 0;
  std::uint64_t level2_hits = 0;
  std::uint64_t storage_cache_hits = 0;  ///< disk reads served by the shared storage cache
  std::uint64_t misses = 0;
  std::uint64_t dirty_writebacks = 0;  ///< NOFORCE victims written out of level 1
  std::uint64_t commit_writes = 0;     ///< FORCE writes at commit
  std::uint64_t level2_writes = 0;     ///< items written or migrated into level 2
};

enum class Outcome { level1_hit, level2_hit, miss };

class HierarchySimulator {
 public:
  HierarchySimulator(const HierarchyConfig& config, std::size_t tag_count);
  /// One reference; `write` marks the item modified (NOFORCE: dirty in level 1).
  Outcome reference(ItemId item, bool write, std::size_t tag);
  /// FORCE: the commit write of a modified item (call once per item and transaction).
  void commit_write(ItemId item, std::size_t tag);
  /// Starts measuring afresh (after warm-up); the buffers keep their contents.
  void reset_counts();
  const std::vector<SimulationCounts>& counts() const noexcept { return counts_; }

 private:
  void evict_to_level2(ItemId victim, bool dirty, std::size_t tag);
  void level2_write(ItemId item);
  HierarchyConfig config_;
  LruBuffer level1_;
  LruBuffer level2_;
  std::vector<SimulationCounts> counts_;
};

/// Draws `reference_count` references from the streams (each reference picks a stream with
/// probability proportional to its rate) after `warmup_references` unmeasured ones; under FORCE
/// a write reference is committed immediately. Results use the streams' rates and names.
HierarchyResult simulate_hierarchy(const std::vector<ReferenceStream>& streams,
                                   const HierarchyConfig& config, std::uint64_t reference_count,
                                   std::uint64_t warmup_references, std::uint64_t seed);

/// Cluster outcome counts of one tag.
struct ClusterCounts {
  std::uint64_t references = 0;
  std::uint64_t hits = 0;
  std::uint64_t level2_hits = 0;
  std::uint64_t storage_cache_hits = 0;  ///< disk reads served by the shared storage cache
  std::uint64_t page_requests = 0;
  std::uint64_t disk_reads = 0;
};

class ClusterSimulator {
 public:
  /// Shared items are numbered 0 .. shared_item_count - 1 (<= 10^8).
  ClusterSimulator(const ClusterConfig& config, std::size_t tag_count,
                   std::size_t shared_item_count);
  /// One reference by `node` (0 .. n-1). A shared item (id < shared_item_count) is one
  /// population for all nodes and carries a version; a write invalidates the other copies. A
  /// private item's id needs only be unique within the node (ids < 2^50). Copies and caches
  /// follow the cluster model of cluster.hpp: an exclusive level 2 per node, a storage cache
  /// shared by all nodes that sees storage reads, write-backs (NOFORCE) and commit writes (FORCE).
  void reference(int node, ItemId item, bool write, bool shared, std::size_t tag);
  void reset_counts();
  const std::vector<ClusterCounts>& counts() const noexcept { return counts_; }

 private:
  /// Puts `item` into the node's level 1; its victim (if any) enters the node's level 2.
  void admit(int node, ItemId item, std::uint32_t payload);
  /// Takes a copy out of the node's level 2 (exclusive levels); its payload, or none.
  bool take_from_level2(int node, ItemId item, std::uint32_t* payload);
  bool holds_current(int node, ItemId item, std::uint32_t version) const;
  /// The storage cache's key of a page (private items are distinct per node).
  ItemId storage_key(int node, ItemId key) const;
  void storage_read(int node, ItemId key, ClusterCounts& c);
  void storage_write(int node, ItemId key);
  /// A reference that updates the node's (present) copy: FORCE writes it to storage at once,
  /// NOFORCE marks the copy modified.
  void write(int node, ItemId key, std::uint32_t version);

  ClusterConfig config_;
  std::vector<LruBuffer> buffers_;
  std::vector<LruBuffer> level2_;        // per node; capacity 0 without level 2
  LruBuffer storage_cache_;              // shared; capacity 0 without one
  std::vector<std::uint32_t> versions_;  // current version per shared item
  std::vector<ClusterCounts> counts_;
};

/// Each reference picks a node uniformly, then a stream by rate. Shared independent items are
/// numbered densely (their total item count must be <= 10^8).
ClusterResult simulate_cluster(const std::vector<ReferenceStream>& streams,
                               const ClusterConfig& config, std::uint64_t reference_count,
                               std::uint64_t warmup_references, std::uint64_t seed);

}  // namespace tpeval::solver::cache
