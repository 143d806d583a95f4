// One run (one replication) of the transaction-system simulator: the TPSIM transaction manager,
// lock manager, buffer manager, CPUs and periphery (ch6-5.md §1.2, §1.5-1.11) over the
// domain-free simulation core (solver/des).
//
// Contract: the engine owns every piece of state of its run (clock, calendar, stations, buffers,
// lock table, random streams keyed by (seed, source name, replication)), so two engines never
// interact and the same (model, seed, replication) gives bit-identical counters. advance()
// simulates up to a horizon and appends one counter row (MetricLayout) per observation interval
// of `interval_s`. How a transaction runs (TPSIM rules, cited in the .cpp):
// Poisson arrivals per type -> input queue while the MPL is reached -> BOT CPU burst -> per
// reference: lock request (strict 2PL; a deadlock victim is rolled back and restarted at once
// with the same references), page fix (HS hit, or a synchronous write of a modified LRU victim
// followed by the read from the EH buffer, disk cache, SSD, EH or disk), CPU burst (path length
// per reference + 3000 instructions per I/O) -> commit CPU burst -> FORCE writes -> log write
// (group commit when configured) -> lock release. CPU bursts and device service times are drawn
// with the given SCV (default exponential, as the analytic M/M/m model assumes); EH accesses hold
// the CPU (L2376). Every run is bounded: advance() stops at the event budget, and reports
// saturation when more than `max_population` transactions are in the system. A closed workload
// (terminals) replaces the Poisson arrivals: a terminal submits its next transaction an
// exponential think time after its previous one committed, the type drawn by mix.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "model/description.hpp"
#include "model/io_path.hpp"
#include "model/sim/buffer_manager.hpp"
#include "model/sim/lock_manager.hpp"
#include "model/sim/metrics.hpp"
#include "model/sim/page_directory.hpp"
#include "model/sim/reference_generator.hpp"
#include "model/sim/response_histogram.hpp"
#include "solver/des/distribution.hpp"
#include "solver/des/fcfs_station.hpp"
#include "solver/des/random_stream.hpp"
#include "solver/des/resource.hpp"
#include "solver/des/simulation.hpp"

namespace tpeval::model::sim {

struct EngineSettings {
  double interval_s = 0.1;       ///< length of one observation interval
  double service_scv = 1.0;      ///< SCV of CPU bursts and device service times
  long max_population = 20'000;  ///< more transactions in the system = saturated
  /// Fill the buffers before the first arrival (model/sim/warm_start.cpp); false: start empty.
  bool warm_start = false;
};

enum class EngineStatus { running, saturated, event_budget };

class TransactionEngine final : public solver::des::EventHandler,
                                public solver::des::ResourceClient {
 public:
  TransactionEngine(const SystemModel& model, const MetricLayout& layout,
                    const EngineSettings& settings, std::uint64_t seed, int replication);
  ~TransactionEngine() override;
  TransactionEngine(const TransactionEngine&) = delete;
  TransactionEngine& operator=(const TransactionEngine&) = delete;

  /// Simulates until `horizon_s` (closing every interval that ends by then) unless the total
  /// event count reaches `max_events` or the system saturates.
  EngineStatus advance(double horizon_s, std::uint64_t max_events);

  /// Closed intervals, row-major: interval i, counter c at [i * counter_count + c].
  const std::vector<double>& counters() const { return rows_; }
  std::size_t intervals() const { return closed_; }
  std::uint64_t events() const { return simulation_.events_processed(); }
  double now_s() const { return simulation_.now_s(); }
  long population() const { return in_system_; }
  /// First interval after which every buffer level is full (or stays unchanged):
  /// the buffer warm-up; intervals() when not yet reached.
  std::size_t warm_intervals() const { return warm_interval_; }
  std::uint64_t completed_transactions() const { return completed_; }
  /// Response times per type in blocks of observation intervals (percentiles).
  const ResponseHistogram& response_histogram() const { return response_histogram_; }

  void handle(solver::des::Simulation& simulation, const solver::des::Event& event) override;
  void service_completed(solver::des::Simulation& simulation, int resource,
                         solver::des::JobId job) override;
  void server_granted(solver::des::Simulation& simulation, int resource,
                      solver::des::JobId job) override;

 private:
  struct Tx;
  struct Action;
  struct IoOp;
  struct Group;
  enum class Activity : std::uint8_t;
  enum class Stage : std::uint8_t;

  // Transaction flow.
  void arrive(std::uint32_t type);
  /// Closed workload: a terminal submits its next transaction after an exponential think time.
  void think();
  void admit(std::uint32_t tx);
  void start(std::uint32_t tx);
  void cpu_burst(std::uint32_t tx, double instructions);
  /// Whether GEH lock-table accesses follow the burst `t` is about to make (they keep its CPU).
  bool geh_accesses_follow(const Tx& t, std::uint32_t tx) const;
  void cpu_done(std::uint32_t tx);
  void next_reference(std::uint32_t tx);
  void fix_page(std::uint32_t tx);
  void run_actions(std::uint32_t tx);
  void action_done(std::uint32_t tx);
  void commit(std::uint32_t tx);
  void finish(std::uint32_t tx);
  void complete(std::uint32_t tx);
  void abort_and_restart(std::uint32_t tx);
  void wake(const std::vector<std::uint32_t>& woken, int releaser_node = -1);

  // Warm start (model/sim/warm_start.cpp): the buffers filled by an untimed pass of the
  // reference strings before the first arrival.
  void warm_buffers(std::uint64_t seed, int replication);
  bool buffers_turned_over();
  /// The buffer-state rules of one reference on `node`, shared by fix_page and the warm start:
  /// whether the page of a miss comes from another node without a lock grant's shipping
  /// (NOFORCE page request to the dirty holder), whether an LRU victim's write is due (a
  /// cluster's superseded copy is not written back; its directory entry goes), and the
  /// directory's note of the reference (with broadcast invalidation of the other copies).
  bool page_request_source(std::size_t node, std::uint64_t page) const;
  /// Whether a reference reads its page (not a fresh append page without the read).
  bool reads_page(const Reference& r) const;
  /// The buffers' fix of reference `r` on `node` (`shipped`: the page came with the lock grant).
  PageFix fix_in_buffers(std::size_t node, const Reference& r, bool shipped);
  /// Where a page write goes: its pool, owner partition, write buffer and whether it is waited
  /// for (plan_write's arguments), and whether the EH buffer takes a copy first.
  struct PageWrite {
    int pool = 0;
    int owner = 0;
    WriteBuffer buffer = WriteBuffer::none;
    bool waited = false;
    bool extended_buffer = false;
  };
  /// An LRU victim's write-back (when victim_write_due).
  PageWrite victim_write(const PageFix& f) const;
  /// FORCE at commit: the modified page goes to the NV EH buffer, else along its device path.
  PageWrite force_write(std::size_t node, std::uint32_t owner) const;
  /// FORCE: the pages a transaction must write at commit, each once (resident ones never).
  void note_modified(std::size_t node, const Reference& r,
                     std::vector<std::uint64_t>& modified) const;
  bool victim_write_due(std::size_t node, const PageFix& f);
  void note_reference(std::size_t node, const Reference& r);
  /// The write path of `page` (plan_write), its disk-cache copy updated when the path passes it.
  IoPath disk_cache_write(std::size_t node, int pool, WriteBuffer write_buffer, std::uint64_t page,
                          int owner, bool waited);

  // Planning of I/O actions.
  void plan_read(Tx& t, std::uint64_t page, std::uint32_t owner, bool eh_hit, bool dc_hit);
  /// `pool` = device pool, kMainMemory or kExtendedMemory; `owner` = partition of the page
  /// (disk-cache effects), -1 for the log.
  void plan_write(Tx& t, int pool, WriteBuffer write_buffer, std::uint64_t page, int owner,
                  bool waited);
  void plan_path(Tx& t, const IoPath& path, std::uint64_t page);
  /// Parallel FORCE writes: the commit's waited device writes go out together.
  void issue_in_parallel(Tx& t);

  // Clusters (model/sim/cluster_protocol.cpp): routing, global locking (GEH lock table,
  // primary copy, central), page requests, broadcast invalidation.
  void init_cluster();
  std::uint32_t route(std::uint32_t type, solver::des::RandomStream& stream);
  void plan_cluster_lock(std::uint32_t tx);
  bool plan_page_source(Tx& t, std::uint64_t page, std::uint32_t owner);
  void plan_message(Tx& t, int from, int to, bool long_message, int mark = 0);
  void plan_geh(Tx& t, double entries);
  void plan_commit_cluster(Tx& t);
  void send_releases(const Tx& t);
  int lock_authority(const Tx& t, const Reference& r) const;
  void lock_action(std::uint32_t tx);
  void start_message(std::uint32_t owner_tx, int from, int to, bool long_message,
                     bool page_request_end = false, int broadcast = 0);
  void plan_central_lock(std::uint32_t tx, const Action& lock);
  void start_broadcast(std::uint32_t tx);
  void broadcast_leg_done(std::uint32_t tx, const IoOp& o);
  void count_message(int node);
  void count_node(std::size_t node, int counter, double amount = 1.0);
  void plan_eh(Tx& t);
  /// async_buffer < 0: synchronous I/O; >= 0: asynchronous write through write buffer 0 (none),
  /// 1 (NV disk cache) or 2 (EH).
  void plan_device(Tx& t, int pool, std::uint64_t page, bool with_disk, int async_buffer);

  // Execution.
  void start_device_io(std::uint32_t owner_tx, int node, int pool, std::uint64_t page,
                       bool front_stages, bool disk_stage, int write_buffer);
  std::uint32_t new_op();
  void io_stage_done(std::uint32_t op);
  void eh_access(std::uint32_t tx, double geh_entries = 0.0);
  void start_eh_service(std::uint32_t tx);
  void settle(Tx& t);
  double sample(solver::des::RandomStream& stream, double mean_s) const;
  double* row() { return current_.data(); }
  void close_interval();
  void population_change(long delta_in_system, long delta_active);

  const SystemModel& model_;
  const Storage& storage_;
  const MetricLayout& layout_;
  EngineSettings settings_;
  solver::des::Simulation simulation_;
  std::uint32_t handler_ = 0;

  // Stations: group -> member resources; resource id -> group.
  std::vector<std::unique_ptr<Group>> groups_;
  std::vector<int> resource_group_;
  std::vector<solver::des::Resource*> resources_;
  int eh_group_ = 1;
  int network_group_ = -1;
  struct PoolStations {
    int disk = -1;
    int controller = -1;
    int transfer = -1;
  };
  /// One per node: its CPUs (FCFS), main-memory buffer, CPU stream and log (Rahm 1993 §7.6.1).
  struct NodeRuntime {
    const Node* node = nullptr;
    solver::des::FcfsStation* cpu = nullptr;
    int cpu_group = -1;
    double ms_per_instruction = 0.0;
    std::vector<PoolStations> pools;  ///< per device pool (the log pool is the node's own)
    std::vector<std::uint32_t> log_group;
    std::uint64_t log_page = 0;
    long active = 0;                        ///< transactions admitted (inside the node's MPL)
    std::deque<std::uint32_t> input_queue;  ///< waiting for the node's MPL (L2354)
  };
  std::vector<NodeRuntime> nodes_;
  std::vector<int> group_node_;  ///< CPU group -> node, -1 for other groups
  std::vector<BufferManager> buffers_;
  LockManager locks_;
  ReferenceGenerator references_;
  PageDirectory directory_;  ///< clusters: who holds the current version of a page
  PageDirectory read_auth_;  ///< primary copy: read authorisations per lock (L2941)
  /// Central locking: the node holding each referenced lock's write authorisation (L2941).
  std::unordered_map<std::uint64_t, int> write_authority_;
  bool cluster_ = false;
  std::vector<std::vector<double>> routing_cdf_;    ///< [type][node], cumulative
  std::vector<std::vector<double>> authority_cdf_;  ///< [partition][node], cumulative
  std::vector<char> read_tracked_;                  ///< per partition: has read references

  // Random streams (one per source).
  std::vector<solver::des::RandomStream> arrival_streams_;
  std::vector<solver::des::RandomStream> reference_streams_;
  std::vector<solver::des::RandomStream> cpu_streams_;  ///< per node
  solver::des::RandomStream eh_stream_;
  solver::des::RandomStream routing_stream_;
  solver::des::RandomStream network_stream_;
  solver::cache::LruBuffer disk_cache_;  ///< shared by all nodes (L3173)
  std::vector<solver::des::RandomStream> device_streams_;

  std::vector<int>
      partition_pool_;  ///< allocation per partition: pool, kMainMemory, kExtendedMemory
  int log_pool_ = kExtendedMemory;
  std::vector<double> type_rate_per_s_;
  /// Closed workload (terminals): one stream for think times and type choices; empty when open.
  std::vector<solver::des::RandomStream> terminal_stream_;
  std::vector<double> type_cdf_;  ///< cumulative mix shares (closed workload)
  double ms_per_instruction_ = 0.0;
  bool force_ = false;
  bool broadcast_ = false;  ///< broadcast invalidation (model/cluster_messages.hpp)
  long mpl_ = 0;            ///< 0 = unlimited

  std::vector<Tx> txs_;
  std::vector<std::uint32_t> free_txs_;
  std::vector<IoOp> ops_;
  std::vector<std::uint32_t> free_ops_;
  long dc_write_buffer_used_ = 0;
  long eh_write_buffer_used_ = 0;
  std::vector<std::uint32_t> woken_;

  long in_system_ = 0;
  long active_ = 0;
  double last_population_change_s_ = 0.0;
  std::uint64_t completed_ = 0;
  bool saturated_ = false;

  // Observation.
  std::vector<double> current_;
  std::vector<double> rows_;
  ResponseHistogram response_histogram_;
  std::vector<double> station_work_snapshot_;
  std::size_t closed_ = 0;
  std::size_t warm_interval_ = 0;
  bool warm_ = false;
  std::vector<std::uint64_t> last_insertions_;  ///< per node: HS, EH, DC at the last interval end
};

}  // namespace tpeval::model::sim
