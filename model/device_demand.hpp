// From buffer hit ratios to service demands: the I/O operations a transaction causes and what
// each costs at every server (CPU, EH, controllers, disks, transfer).
//
// Contract: build_demands() is pure and independent of the arrival rate. For every transaction
// type it returns, per station, the total demand placed on the station (load, including
// asynchronous writes) and, per phase (reference phase / commit phase), the part the transaction
// waits for. Rules (ch6-5.md §1.11): disk I/O = transfer + controller + disk occupancy (A4), SSD
// and disk-cache hits = transfer + controller (1.4 ms), EH accesses are synchronous (CPU held, 300
// instructions set-up), every disk/SSD I/O costs io_overhead_instructions of CPU; NOFORCE writes a
// dirty LRU victim synchronously before the read (L2368, rule 9); FORCE writes every modified page
// at commit (L2513); one log page per update transaction at commit (L2368); write buffers (NV disk
// cache, EH) make the disk write asynchronous (rules 3, 5) unless the buffer is full, which the
// evaluator accounts for through `overflow_ms`.
#pragma once

#include <array>
#include <string>
#include <vector>

#include "model/buffer_model.hpp"
#include "model/description.hpp"
#include "model/station_layout.hpp"

namespace tpeval::model {

enum Phase { reference_phase = 0, commit_phase = 1 };

/// Reference-phase device operations a transaction waits for at a device stage (a disk, an SSD
/// with an access time), as Bernoulli trials: `trials` of them, each an operation with
/// `probability` - the page reads that miss every buffer and cache, and the synchronous writes
/// of dirty victims before them. An operation waits at up to three stations (`stations`, -1 for
/// none: transfer, controller, device) for `ms` each. Their count's distribution, not only its
/// mean, shapes the response-time percentiles (issue #13: most transactions of a Debit-Credit
/// with the log and ACCOUNT on NVMe never wait for a disk).
struct DeviceTrials {
  double trials = 0.0;
  double probability = 0.0;
  std::array<int, 3> stations{-1, -1, -1};
  std::array<double, 3> ms{};
};

/// The demand of one class: transactions of one type running on one node (with one node, one
/// class per type, in type order).
struct TypeDemand {
  std::size_t type = 0;
  std::size_t node = 0;
  double ms_per_instruction = 0.0;             ///< of the class's node
  std::vector<double> load_ms;                 ///< per station, everything placed on it
  std::array<std::vector<double>, 2> wait_ms;  ///< per phase and station, waited for (excl. EH)
  /// Asynchronous disk writes behind a write buffer: waited for only when the buffer is full.
  std::array<std::vector<double>, 2> overflow_ms;
  std::array<double, 2> cpu_instructions{};  ///< per phase, incl. I/O overhead and EH set-up
  std::array<double, 2> eh_sync_accesses{};  ///< per phase: CPU held for each (L2376)
  // Counts per transaction.
  double page_misses = 0.0;
  double reads = 0.0;          ///< pages read from a device, EH or disk cache
  double device_reads = 0.0;   ///< reads that reached a disk or SSD
  double victim_writes = 0.0;  ///< write-backs of dirty LRU victims (NOFORCE)
  double force_writes = 0.0;   ///< page writes at commit (FORCE)
  /// A variable reference count: per count class (model/reference_count.hpp count_classes) the
  /// commit's wait for its FORCE writes in units of one write: the pages it writes one after the
  /// other, for parallel writes H_n of the n that wait for a device (parallel_write_weight) plus
  /// the rest; `force_wait` their average (empty and 0 for a fixed count).
  std::vector<double> class_force_waits;
  double force_wait = 0.0;
  double log_writes = 0.0;
  double synchronous_writes = 0.0;   ///< writes the transaction waits for (incl. log)
  double asynchronous_writes = 0.0;  ///< disk writes behind a write buffer or write-through
  double eh_accesses = 0.0;
  double io_operations = 0.0;               ///< disk and SSD I/Os (each costs the I/O overhead)
  std::vector<DeviceTrials> device_trials;  ///< waited reference-phase device operations
  // Cluster work (model/cluster_demand.hpp); all zero with one node.
  std::array<double, 2> geh_entry_accesses{};  ///< per phase: synchronous, CPU held
  /// CPU and network visits (bursts, messages) per station, all of them and those waited for
  /// per phase: with FCFS service a short message burst waits for the queue's work, not in
  /// proportion to its own length (ch7.md §1.9, V14).
  std::vector<double> bursts;
  std::array<std::vector<double>, 2> wait_bursts;
  /// Sum over the message visits at each station of their mean length squared, ms^2 (the
  /// transaction's own bursts are added by the evaluator): the FCFS residual work.
  std::vector<double> burst_ms2;
  /// Waited message bursts on the class's own CPU, per phase: CPU time and visits. They belong to
  /// the message's time (request to reply), not to the transaction's CPU service and CPU wait,
  /// as in the simulator; their load is in load_ms.
  std::array<double, 2> message_cpu_ms{};
  std::array<double, 2> message_cpu_visits{};
  double page_requests = 0.0;  ///< pages fetched from another node's buffer
  /// Per model partition (empty without a cluster): the page requests made at the references of
  /// that partition that are round trips of their own (not under primary copy, whose grant
  /// brings the page), per transaction. Each is a step that a reference takes with a probability
  /// after its lock (issue #13): the evaluator times it as one (model/point_solve.cpp
  /// remote_trip_moments), not spread over all references.
  std::vector<double> page_request_steps;
  double lock_requests = 0.0;        ///< lock requests (for the local-lock share)
  double local_lock_requests = 0.0;  ///< granted without a message (PCL / central)
  double messages = 0.0;             ///< messages sent on behalf of the transaction
  /// Broadcast invalidation at commit (model/cluster_messages.hpp): the probability that the
  /// transaction sends one, and its fan-out; the evaluator waits for the last acknowledgement.
  double broadcast_probability = 0.0;
  int broadcast_legs = 0;
};

struct DemandModel {
  StationLayout layout;
  std::vector<Station> stations;    ///< layout.stations, with write-buffer capacities filled in
  int cpu = 0;                      ///< index of node 0's CPU station
  int extended_memory = -1;         ///< index of the EH / GEH station
  double ms_per_instruction = 0.0;  ///< of node 0
  std::vector<TypeDemand> types;    ///< one per class (type x node), see TypeDemand
};

/// Demand class `d`'s service demand per transaction at station `k`, ms: everything placed on it
/// and, at the class's own CPU, its instructions. One rule for the analytic capacity bound and
/// the simulator's offered-load check.
double station_demand_ms(const DemandModel& demands, const TypeDemand& d, std::size_t k);

/// Page access time without queueing (V03, L2402): transfer + controller + disk occupancy.
double page_access_time_ms(const DevicePool& pool);

/// Share of node `node`'s misses on partition p that another node's buffer could serve but that
/// read the disk: under primary copy those under the node's own lock authority (L2993), 0
/// otherwise. The page requests (page_request_ratio) are the rest; one rule for the demands and
/// the reported page-request share.
double own_authority_read_share(const SystemModel& model,
                                const std::vector<std::vector<double>>& routing, std::size_t p,
                                std::size_t node);

/// One node: one class per transaction type.
DemandModel build_demands(const SystemModel& model, const BufferLevels& buffers);

/// Any number of nodes: `buffers` per node, `routing` [type][node] (model/routing.hpp). Classes
/// are the (type, node) pairs with a positive routing fraction, nodes inner.
DemandModel build_demands(const SystemModel& model, const std::vector<BufferLevels>& buffers,
                          const std::vector<std::vector<double>>& routing);

/// Parallel FORCE writes: a write's wait weight H_n / n when the commit waits for the last of n
/// writes started together (the mean maximum of n exponential writes; 1 for n <= 1).
double parallel_write_weight(double n);

}  // namespace tpeval::model
