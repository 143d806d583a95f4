// Which nodes of a cluster hold the current version of a page in their main-memory buffer: the
// coherence state of the simulated cluster (Rahm 1993 §7.5.3, L2967-2977; ch7.md §1.10).
//
// Contract: per page a set of holder nodes (at most kMaxNodes) and the node that referenced it
// last. A node that references a page holds its current version afterwards; a node that
// modifies it is the only holder (on-request invalidation: the other copies are superseded and
// detected as stale at their next reference, through the page's change counter checked at lock
// time, L2973); a node that evicts its copy stops holding it. The most recent referencer always
// holds the current version unless it evicted it, so a page request goes there first (the
// analytic model's rule, solver/cache/cluster.hpp). No page known = nobody holds it: the current
// version is on disk. Deterministic (no hash-order dependence).
#pragma once

#include <cstdint>
#include <unordered_map>

namespace tpeval::model::sim {

class PageDirectory {
 public:
  static constexpr int kMaxNodes = 64;

  /// Whether `node` holds the current version of `page`.
  bool holds(std::uint64_t page, int node) const;
  /// A node other than `node` that holds the current version (the last referencer first), or -1.
  int other_holder(std::uint64_t page, int node) const;
  /// `node` referenced `page` (it holds the current version now; `update`: only it).
  void referenced(std::uint64_t page, int node, bool update);
  /// `node` evicted its copy of `page`.
  void evicted(std::uint64_t page, int node);
  /// Count every page's updates (its change counter, L2973), for copies outside the main-memory
  /// buffers (a node's EH buffer) whose validity is checked when they are used.
  void track_versions() { track_versions_ = true; }
  /// Updates of `page` so far (0 unless versions are tracked).
  std::uint32_t version(std::uint64_t page) const;

 private:
  struct Entry {
    std::uint64_t holders = 0;
    int last = -1;
  };
  std::unordered_map<std::uint64_t, Entry> pages_;
  bool track_versions_ = false;
  std::unordered_map<std::uint64_t, std::uint32_t> versions_;
};

}  // namespace tpeval::model::sim
