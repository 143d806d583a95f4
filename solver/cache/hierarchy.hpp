// Two-level buffering: an LRU main-memory buffer (level 1) plus an optional second level.
//
// Contract: che_hierarchy() returns, per reference stream and in total, the share of references
// served by level 1, by level 2 and from disk, plus the page-transfer rates a queueing model
// needs, following the rules of ch6-5.md §1.7-1.11 and A10 (Rahm 1993, L2368-2390, L2519-2582):
//  * extended_memory (EH): exclusive with level 1 under NOFORCE (a level-1 victim migrates to
//    level 2 by `policy`; a level-2 hit moves the item back to level 1); under FORCE, commit
//    writes go into level 2 when policy is all|modified and clean level-1 victims migrate when
//    policy is all|unmodified (A10 rule 5: `all` reproduces Tab. 6-7).
//  * volatile_disk_cache: a read miss inserts; writes are write-update (only a write hit touches)
//    with synchronous write-through to disk.
//  * nonvolatile_disk_cache: a read miss inserts; writes are write-allocate with asynchronous
//    write-through to disk.
//  * Under NOFORCE dirty level-1 victims are written back synchronously (that is the only write
//    reaching a disk cache); under FORCE modified items are written at commit, stay in level 1
//    as clean copies, and level-1 victims are clean. Unmodified victims never reach a disk cache.
// Level 1 follows Che (che.hpp) with characteristic time t1. Level 2 is modelled as a TTL cache
// with its own characteristic time T2: an item stays T2 after its last level-2 insertion or
// touch. Each item's life is cut into cycles that start with a level-1 miss; within a cycle the
// residence in level 1 (length R from the miss to the last hit), the eviction t1 later, and the
// idle time until the next reference fix when level 2 is touched; R is approximated by an atom at
// 0 plus an exponential with the exact mean. hierarchy.cpp documents each rule. Rates are in
// the streams' unit (per second or per transaction). Errors are io::InputError.
#pragma once

#include <string>
#include <vector>

#include "solver/cache/reference_stream.hpp"

namespace tpeval::solver::cache {

enum class Level2Kind { none, extended_memory, volatile_disk_cache, nonvolatile_disk_cache };
enum class MigrationPolicy { all, modified, unmodified };
enum class WriteStrategy { noforce, force };

/// How one stream uses level 2: a stream may bypass it (items never enter level 2, e.g. a
/// partition on a device without the cache) and may have its own migration policy.
struct Level2Admission {
  bool admitted = true;
  MigrationPolicy policy = MigrationPolicy::all;  ///< extended memory only
};

struct HierarchyConfig {
  double level1_items = 0.0;  ///< main-memory buffer size in items (pages), >= 0
  Level2Kind level2 = Level2Kind::none;
  double level2_items = 0.0;                      ///< second-level buffer size in items, >= 0
  MigrationPolicy policy = MigrationPolicy::all;  ///< extended memory only
  WriteStrategy write_strategy = WriteStrategy::noforce;
  /// Per stream, in the order of the streams; empty = every stream admitted with `policy`.
  std::vector<Level2Admission> admission;
};

struct HierarchyStreamResult {
  std::string name;
  double reference_rate = 0.0;
  double level1_hit_ratio = 0.0;          ///< share of the stream's references served by level 1
  double level2_hit_ratio = 0.0;          ///< share served by level 2 (not of level-1 misses)
  double miss_ratio = 0.0;                ///< share read from disk
  double disk_read_rate = 0.0;            ///< reads from disk per unit time
  double level2_read_rate = 0.0;          ///< reads served by level 2 per unit time
  double dirty_writeback_rate = 0.0;      ///< NOFORCE: dirty level-1 victims written per unit time
  double commit_write_rate = 0.0;         ///< FORCE: item writes at commit per unit time
  double level2_write_rate = 0.0;         ///< items written or migrated into level 2 per unit time
  double level2_victim_write_rate = 0.0;  ///< of which level-1 victims (migrations, write-backs)
  double disk_write_rate = 0.0;           ///< item writes that reach disk (sync or async)
  double level1_miss_rate = 0.0;          ///< level-1 misses (= evictions) per unit time
  /// Level-1 victims modified during their residence, per unit time: under NOFORCE the dirty
  /// write-backs; under FORCE they were written at commit and leave level 1 clean.
  double modified_victim_rate = 0.0;
  double level1_occupancy_items = 0.0;
  double level2_occupancy_items = 0.0;
};

struct HierarchyResult {
  HierarchyConfig config;
  double level1_characteristic_time = 0.0;  ///< +infinity when all items fit
  double level2_characteristic_time = 0.0;  ///< +infinity when level 2 never fills; 0 if none
  double level1_hit_ratio = 0.0;
  double level2_hit_ratio = 0.0;
  double miss_ratio = 0.0;
  double disk_read_rate = 0.0;
  double level2_read_rate = 0.0;
  double dirty_writeback_rate = 0.0;
  double commit_write_rate = 0.0;
  double level2_write_rate = 0.0;
  double disk_write_rate = 0.0;
  std::vector<HierarchyStreamResult> streams;
};

/// Appends one stream's result to `total` and adds it to the totals: hit and miss ratios weighted
/// by the stream's share of all references, rates summed. Shared by the analytic solver and the
/// simulator (lru_simulator.hpp), so both total their streams the same way.
void add_stream(HierarchyResult& total, HierarchyStreamResult stream, double reference_share);

/// Analytic (Che + TTL) two-level hit ratios and transfer rates.
HierarchyResult che_hierarchy(const std::vector<ReferenceStream>& streams,
                              const HierarchyConfig& config);

std::string to_string(Level2Kind kind);
std::string to_string(MigrationPolicy policy);
std::string to_string(WriteStrategy strategy);

}  // namespace tpeval::solver::cache
