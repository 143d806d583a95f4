// The transaction-processing system as a value: hardware (nodes with CPUs, buffers, extended
// memory, disk caches and device pools), database partitions, workload and policies.
//
// Contract: a SystemModel is plain data produced by parse_model() (model/parse.hpp), which checks
// every invariant documented here and reports violations as io::InputError with the JSON path.
// Evaluators (model/evaluate.hpp) rely on those invariants and never re-validate. Times are in
// milliseconds where the name says _ms (as the book states them, Rahm 1993 Tab. 6-6, L2407-2418),
// rates per second. The structure follows the TPSIM model of Rahm 1993 Sect. 6.5
// (notes/ch6-5.md §1.2-1.11); every parameter the book leaves open (ch6-5.md §1.12) has a
// documented default in docs/model.md.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace tpeval::model {

/// A pool of identical devices: magnetic disks (controller + transfer + disk occupancy) or SSDs
/// (controller + transfer only, ch6-5.md §1.11 rule 2). `count` = nullopt means "enough devices":
/// the pool never queues (L2426, L2458 "genügend Platten").
enum class DeviceType { disk, ssd };

struct DevicePool {
  std::string name;
  DeviceType type = DeviceType::disk;
  double access_time_ms = 15.0;    ///< disk occupancy per page (15 ms DB, 5 ms log; Tab. 6-6)
  double controller_ms = 1.0;      ///< controller occupancy per page (Tab. 6-6)
  double transfer_ms = 0.4;        ///< transfer time per page HS <-> controller (Tab. 6-6)
  std::optional<int> count;        ///< number of disks; nullopt = enough (no queueing)
  std::optional<int> controllers;  ///< number of controllers; nullopt = enough (no queueing)
};

enum class DiskCacheType { none, volatile_cache, non_volatile };

/// The global disk cache of a node (modelled as one global buffer, L2519). Non-volatile caches
/// act as a write buffer (asynchronous write-through with write-allocate, L2390); a
/// non-volatile cache with `pages` = 0 is a write buffer only (Abb. 6-13 "NV DC WB only").
struct DiskCache {
  DiskCacheType type = DiskCacheType::none;
  long pages = 0;                ///< file-buffer capacity (pages)
  long write_buffer_pages = 64;  ///< pages awaiting their asynchronous disk write (open, §1.12)
};

/// Extended main memory EH (Tab. 6-6: 1 server, 50 us per page, 300 instructions set-up).
struct ExtendedMemory {
  double access_time_ms = 0.05;
  int servers = 1;
  double setup_instructions = 300.0;
  bool synchronous = true;       ///< the CPU stays busy during the access (L2376)
  long buffer_pages = 0;         ///< extended DB buffer (L2372); 0 = none
  long write_buffer_pages = 64;  ///< EH write buffer capacity (open, §1.12)
};

enum class WriteBuffer { none, disk_cache, extended_memory };

/// Where the log goes (ch6-5.md §1.11 rule 8). `device` is a pool name or "extended_memory".
struct LogConfig {
  std::string device = "log_disk";
  WriteBuffer write_buffer = WriteBuffer::none;
  int group_commit_size = 1;  ///< transactions per log page write (1 = no group commit, L2444)
};

struct Node {
  std::string name = "node1";
  int cpu_count = 4;
  double cpu_mips = 50.0;
  double io_overhead_instructions = 3000.0;  ///< per disk/SSD I/O (Tab. 6-6)
  long buffer_pages = 2000;                  ///< main-memory (HS) DB buffer
  ExtendedMemory extended_memory;
  DiskCache disk_cache;
  std::vector<DevicePool> devices;
  LogConfig log;
};

enum class LockGranularity { page, record, none };
enum class AccessPattern { random, sequential, append };
enum class Migration { all, modified, unmodified };

/// Allocation of a partition (ch6-5.md §1.3, §1.8). `device` names a pool, or is
/// "extended_memory" (NV EH resident) or "main_memory" (resident, 100 % hits, L2376).
struct Allocation {
  std::string device = "db_disks";
  WriteBuffer write_buffer = WriteBuffer::none;
  bool disk_cache = true;        ///< the node's disk cache buffers this partition (if present)
  bool extended_buffer = false;  ///< pages use the EH extended DB buffer (L2372)
  Migration migration = Migration::all;
};

struct Partition {
  std::string name;
  double records = 0.0;
  double blocking_factor = 1.0;  ///< records per page
  AccessPattern access = AccessPattern::random;
  LockGranularity lock_granularity = LockGranularity::page;
  /// Index of the partition whose page holds this partition's records (BRANCH/TELLER clustering,
  /// L2315): a reference here follows one to that partition in the same transaction.
  std::optional<int> clustered_with;
  Allocation allocation;

  double pages() const { return clustered_with ? 0.0 : records / blocking_factor; }
};

struct InstructionPath {
  double bot = 50'000;            ///< at transaction start
  double per_reference = 37'500;  ///< per record reference
  double commit = 50'000;         ///< at commit
};

struct TransactionType {
  std::string name;
  double mix = 1.0;                      ///< relative share of arrivals
  double references = 4.0;               ///< mean record references per transaction
  double update_share = 1.0;             ///< fraction of references that update
  std::vector<double> reference_shares;  ///< per partition, normalised to sum 1 (Tab. 6-4 row)
  InstructionPath instructions;
  /// Per partition, the fraction of this type's references to it that update; parse fills it
  /// from `update_shares` and `update_share` (model/update_shares.hpp). Empty: update_share.
  std::vector<double> update_shares;
};

enum class UpdateStrategy { noforce, force };

struct Policies {
  UpdateStrategy update_strategy = UpdateStrategy::noforce;
  bool victim_write_synchronous = true;         ///< "synchronous write-back / NOFORCE" (L2368)
  bool force_writes_to_extended_buffer = true;  ///< FORCE: commit writes go into the EH buffer
  std::optional<long> mpl;                      ///< multiprogramming level; nullopt = unlimited
  bool append_new_page_read = false;            ///< a new end-of-file page costs a read (§1.12)
  bool force_writes_parallel = false;           ///< FORCE page writes issued in parallel (§1.12)
};

struct SystemModel {
  std::string name;
  std::vector<Node> nodes;  ///< exactly one for now (multi-node coupling is a later issue)
  std::vector<Partition> partitions;
  double arrival_rate_per_s = 100.0;
  std::vector<TransactionType> transaction_types;
  Policies policies;

  /// Arrival rate of type t: total x mix_t / sum of mixes.
  double type_arrival_rate_per_s(std::size_t t) const;
};

/// Index of the device pool `name` in `node.devices`, or -1.
int find_device(const Node& node, const std::string& name);

}  // namespace tpeval::model
