// The contents of the buffer hierarchy of one node: the global HS main-memory DB buffer, the EH
// extended DB buffer and the global disk cache, each an exact LRU over actual page ids
// (ch6-5.md §1.7, §1.8, rules 6, 7, 9, 10; Rahm L2368-2390, L2519).
//
// Contract: the BufferManager decides *what* happens to buffer contents and which copy serves a
// page; the transaction simulator decides *when* (it turns the decisions into timed I/O). Rules:
// - fix(): a page of a main-memory-resident partition always hits. Otherwise an HS hit touches the
//   page (an update marks it modified). An HS miss looks in the EH buffer (partitions with
//   extended_buffer; a hit removes the page from EH: exclusive buffering, L2374, Abb. 6-8), then in
//   the disk cache (partitions on disks with disk_cache); a disk-cache miss that reads the page
//   inserts it there (both cache types, rule 10). The page enters HS; a full HS evicts its LRU
//   page, which migrates into the EH buffer by the partition's migration policy (all / modified /
//   unmodified, rule 6) or, when modified, must be written (reported to the caller).
// - write_to_disk_cache(): a page written from HS towards a disk with a disk cache is inserted
//   (non-volatile: write-allocate) or only refreshed when present (volatile: write-update, L2390).
// - force_written(): FORCE commit writes leave the page in HS unmodified and, if so configured,
//   replicate it into the EH buffer (L2374, rule 7).
// Hit ratios are counted by the caller per record reference. Each level is the solver's exact
// LRU list (solver/cache/lru_buffer.hpp) keyed by page id; the payload holds the page's
// "modified" flag (kModified).
#pragma once

#include <cstdint>
#include <vector>

#include "model/description.hpp"
#include "solver/cache/lru_buffer.hpp"

namespace tpeval::model::sim {

struct PageFix {
  bool hs_hit = false;
  bool eh_hit = false;  ///< served by the EH extended buffer
  bool dc_hit = false;  ///< served by the disk cache
  bool victim = false;  ///< an HS page was evicted
  std::uint64_t victim_page = 0;
  bool victim_modified = false;
  bool victim_migrated = false;  ///< the victim went into the EH buffer
};

class BufferManager {
 public:
  using LruBuffer = solver::cache::LruBuffer;
  /// Payload bit of a page that was modified since it was last written (NOFORCE victims).
  static constexpr std::uint32_t kModified = 1;

  /// The buffers of node `node`: its HS buffer and its EH extended buffer (L3173); the disk cache
  /// is shared storage, owned by the caller (one for all nodes) and outliving this object.
  BufferManager(const SystemModel& model, std::size_t node, LruBuffer& disk_cache);

  /// Fixes `page` (of partition `owner`) in HS for a reference; `reads` = false for a fresh append
  /// page that needs no read (it never enters the disk cache). `current` = false: a copy in HS
  /// is superseded (a cluster node's stale copy): it keeps its frame and is refreshed, but the
  /// reference is a miss without a victim (on-request invalidation, solver/cache/cluster.hpp).
  /// In a cluster, `remote` = the page will come from another node's buffer unless a valid copy
  /// is in this node's EH buffer (the disk cache is then not consulted), and `version` is the
  /// page's change counter before this reference: an EH copy of another version is stale and
  /// dropped. Copies carry their version in the payload (above the kModified bit).
  PageFix fix(std::uint64_t page, std::uint32_t owner, bool update, bool reads, bool current = true,
              bool remote = false, std::uint32_t version = 0);
  void write_to_disk_cache(std::uint64_t page, std::uint32_t owner);
  /// Cluster with EH buffers: an update raises the copy's version (the page's change counter).
  void track_versions() { track_versions_ = true; }
  void force_written(std::uint64_t page, std::uint32_t owner);
  /// Broadcast invalidation: another node's update drops this node's HS copy of `page` at once,
  /// freeing its frame (solver/cache/cluster.hpp, L2971).
  void invalidate(std::uint64_t page) { hs_.erase(page); }

  bool resident(std::uint32_t owner) const { return resident_[owner]; }
  bool uses_extended_buffer(std::uint32_t owner) const { return extended_[owner]; }
  bool uses_disk_cache(std::uint32_t owner) const { return cached_[owner]; }
  bool volatile_cache() const { return volatile_cache_; }
  const LruBuffer& hs() const { return hs_; }
  const LruBuffer& eh() const { return eh_; }
  const LruBuffer& dc() const { return *dc_; }

 private:
  LruBuffer hs_;
  LruBuffer eh_;
  LruBuffer* dc_;
  bool volatile_cache_ = false;
  bool force_ = false;
  bool force_to_eh_ = true;
  bool track_versions_ = false;
  std::vector<char> resident_;
  std::vector<char> extended_;
  std::vector<char> cached_;
  std::vector<Migration> migration_;
};

}  // namespace tpeval::model::sim
