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

/// Storage shared by every node of the system: device pools, the disk cache in front of them
/// and the extended memory (EH; the global GEH of a cluster). Rahm 1993 §7.6.1 (L3173): "disks
/// and disk caches are connected to all nodes", the GEH is reachable from every node. In the JSON
/// it is written in the first entry of `nodes` (the one-node format of ch. 6.5, unchanged);
/// `extended_memory.buffer_pages` is the size of each node's local extended DB buffer (L3107).
struct Storage {
  ExtendedMemory extended_memory;
  DiskCache disk_cache;
  std::vector<DevicePool> devices;
};

/// One DBMS node: its CPUs, its main-memory (HS) buffer and its own log (Rahm 1993 §7.6.1,
/// L3129-3175). The log pool named by `log.device` is private to the node: in a cluster every
/// node writes its log to its own instance of that pool.
struct Node {
  std::string name = "node1";
  int cpu_count = 4;
  double cpu_mips = 50.0;
  double io_overhead_instructions = 3000.0;  ///< per disk/SSD I/O (Tab. 6-6)
  long buffer_pages = 2000;                  ///< main-memory (HS) DB buffer
  LogConfig log;
};

/// How the nodes of a cluster are coupled (Rahm 1993 §7.1, L2734-2783): not at all (one node),
/// closely through a shared extended memory GEH (synchronous entry and page accesses, §7.3), or
/// loosely by messages only.
enum class Coupling { none, close, loose };

/// Global concurrency control (Rahm 1993 §7.5): a global lock table in the GEH (§7.5.2, L3003),
/// primary-copy locking with lock authority partitioned over the nodes (§7.5.1, L2961), or a
/// central lock manager node with read/write authorisations (L2933-2951).
enum class GlobalLocking { none, geh_lock_table, primary_copy, central };

/// Coherence control (L2967-2977): change counters checked at lock time (on-request
/// invalidation, no extra messages) or broadcast invalidation at every update commit.
enum class Coherence { on_request, broadcast };

/// Transaction routing (L3148-3162, ch8-9-small.md §1.2): random (balanced), by affinity, or
/// by a routing table of fractions per transaction type and node (Tab. 7-1).
enum class Routing { random, affinity, table };

/// Affinity routing either partitions the data by key (Debit-Credit by branch, node = 1 +
/// branch DIV 100, L3219) or sends each transaction type to one node.
enum class Affinity { key, type };

/// Message costs (Tab. 7-2, L3189): a short message (100 B) costs 5000 instructions to send and
/// 5000 to receive, a long one (4 KB) 8000 each; the network carries 10 MB/s.
struct MessageCosts {
  double bandwidth_mb_per_s = 10.0;
  double short_bytes = 100.0;
  double long_bytes = 4096.0;
  double short_instructions = 5000.0;  ///< per send and per receive
  double long_instructions = 8000.0;   ///< per send and per receive
  bool bundle_releases = true;         ///< PCL: one release message per node and commit (L3168)
};

/// Global lock table in the GEH (L3003-3066): entry accesses of 2 us, >= 2 per acquire and >= 2
/// per release; a duplicated GLT writes every entry twice (6-7 accesses per lock).
struct GehLockTable {
  double entry_access_ms = 0.002;
  double accesses_per_acquire = 2.0;
  double accesses_per_release = 2.0;
  bool duplicated = false;
};

/// The cluster section: n >= 1 nodes and how they cooperate. Defaults are Tab. 7-2's.
struct Cluster {
  int nodes = 1;
  Coupling coupling = Coupling::none;
  GlobalLocking locking = GlobalLocking::none;
  Coherence coherence = Coherence::on_request;
  Routing routing = Routing::random;
  Affinity affinity = Affinity::key;
  /// Per partition (model index): share of a transaction's references that go to another
  /// node's key range under key affinity (Debit-Credit ACCOUNT: 15 %, L269, L3219).
  std::vector<double> other_node_share;
  /// Routing table: fraction of type t's transactions sent to node i, [t][i] (Tab. 7-1).
  std::vector<std::vector<double>> routing_table;
  bool read_authorizations = true;   ///< PCL/central: R locks granted locally (L2941, L3133)
  bool write_authorizations = true;  ///< central: X locks granted locally (L2941)
  MessageCosts messages;
  GehLockTable geh_lock_table;
  /// Arrival rate and database size given per node (TPC scaling, L3185) or for the whole system.
  bool arrival_rate_per_node = true;
  bool database_per_node = true;
  /// True when the document had a `cluster` section (n may still be 1).
  bool present = false;
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

/// How many record references a transaction makes (issue #13 "variable work"): `references` of
/// the type is the mean; `scv` 0 and no `values` = every transaction makes that many (floor or
/// ceil for a fraction, as the simulator always did). Otherwise a distribution: by mean and SCV,
/// or `values` with `probabilities` (then `scv` is computed from them).
struct ReferenceCount {
  double scv = 0.0;
  std::vector<double> values;
  std::vector<double> probabilities;
  bool variable() const { return scv > 0 || !values.empty(); }
};

struct TransactionType {
  std::string name;
  double mix = 1.0;                      ///< relative share of arrivals
  double references = 4.0;               ///< mean record references per transaction
  ReferenceCount reference_count;        ///< its distribution (default: fixed)
  double update_share = 1.0;             ///< fraction of references that update
  std::vector<double> reference_shares;  ///< per partition, normalised to sum 1 (Tab. 6-4 row)
  InstructionPath instructions;
  /// Per partition, the fraction of this type's references to it that update; parse fills it
  /// from `update_shares` and `update_share` (model/update_shares.hpp). Empty: update_share.
  std::vector<double> update_shares;
};

/// A closed workload (TPC-A style, Lazowska et al. QSP §4.2 "terminal workload"): `count`
/// terminals, each submitting its next transaction an exponentially distributed think time after
/// its previous one committed; the transaction type is drawn by `mix`. Throughput is an output.
struct Terminals {
  long count = 1;
  double think_time_ms = 0.0;
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
  std::vector<Node> nodes;  ///< one per node, named; nodes[i] is node i + 1 of the cluster
  Storage storage;          ///< shared by all nodes
  Cluster cluster;
  std::vector<Partition> partitions;
  double arrival_rate_per_s = 100.0;   ///< open workload; 0 with terminals
  std::optional<Terminals> terminals;  ///< closed workload (exactly one of the two is given)
  std::vector<TransactionType> transaction_types;
  Policies policies;

  /// Arrival rate of type t: total x mix_t / sum of mixes.
  double type_arrival_rate_per_s(std::size_t t) const;
  /// Number of nodes (>= 1).
  int node_count() const { return static_cast<int>(nodes.size()); }
};

/// Index of the device pool `name` in `storage.devices`, or -1.
int find_device(const Storage& storage, const std::string& name);

}  // namespace tpeval::model
