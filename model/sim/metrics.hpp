// What the transaction simulator counts and which metrics it reports: the counter layout of one
// observation interval and the metric definitions (each a ratio of two counters), named exactly as
// the analytic report names them (`tpeval eval --format csv`: section, name, metric) so that
// `tpeval validate` can compare them one to one.
//
// Contract: MetricLayout is a pure function of the model. Counters are plain sums over an
// observation interval (time, completions, response-time sums and their parts, busy server-seconds,
// references and hits, lock requests and conflicts, ...). Every metric is sum(numerator) /
// sum(denominator) x scale over the observed intervals, so batch means and independent
// replications both estimate it with the ratio-estimator interval (solver/des/output_analysis.hpp).
// Per-transaction counts are booked when the transaction commits; per-reference counts when the
// reference is made; busy time when a service ends.
#pragma once

#include <string>
#include <vector>

#include "model/description.hpp"
#include "model/device_demand.hpp"
#include "solver/des/output_analysis.hpp"

namespace tpeval::model::sim {

/// One simulated server group, named as the analytic DemandModel names its stations.
struct StationInfo {
  std::string name;  ///< "cpu", "extended_memory", "<pool>.disk", "<pool>.controller", ...
  StationKind kind = StationKind::cpu;
  int pool = -1;    ///< device pool index (-1 for cpu / extended_memory)
  int servers = 1;  ///< 0 = "enough" (no queueing)
  int node = -1;    ///< owning node of a CPU or a private log pool, -1 when shared
};

/// The stations of the model, from the one layout both engines use (model/station_layout.hpp).
std::vector<StationInfo> simulated_stations(const SystemModel& model);

/// Per-transaction-type counters (offsets from MetricLayout::type_base(t)).
enum TypeCounter : int {
  tc_arrivals,
  tc_completions,
  tc_response_s,
  tc_cpu_service_s,
  tc_cpu_wait_s,
  tc_extended_memory_s,
  tc_lock_wait_s,
  tc_commit_io_s,
  tc_input_queue_s,
  tc_message_s,  ///< clusters: waiting for lock and page messages (both CPUs and the network)
  tc_page_misses,
  tc_reads,
  tc_device_reads,
  tc_victim_writes,
  tc_force_writes,
  tc_log_writes,
  tc_synchronous_writes,
  tc_asynchronous_writes,
  tc_eh_accesses,
  tc_io_operations,
  tc_cpu_instructions,
  tc_lock_requests,
  tc_lock_conflicts,
  tc_deadlocks,
  tc_restarts,
  tc_attempts,   ///< the first attempt and each restart (deadlock_probability is per attempt)
  tc_io_s_first  ///< then one reference-phase I/O time per device pool
};

/// Per-partition counters (offsets from MetricLayout::partition_base(p)).
enum PartitionCounter : int {
  pc_references,
  pc_hs_hits,
  pc_eh_hits,
  pc_dc_hits,
  pc_lock_requests,
  pc_lock_conflicts,
  pc_page_requests,        ///< clusters: served by another node's buffer (or shipped with a grant)
  pc_exclusive_requests,   ///< X requests (the partition's lock_conflict_probability)
  pc_exclusive_conflicts,  ///< X requests that did not get the lock at once
  pc_count
};

/// Per-node counters of a cluster (offsets from MetricLayout::node_base(i)).
enum NodeCounter : int {
  nc_arrivals,
  nc_completions,
  nc_response_s,
  nc_references,
  nc_hs_hits,
  nc_messages,       ///< sent on behalf of the node's transactions
  nc_lock_requests,  ///< global lock requests (a lock the transaction holds is not asked again)
  nc_local_locks,    ///< granted without a message (primary copy)
  nc_count
};

/// System counters (absolute indices).
enum SystemCounter : int {
  sc_time_s,
  sc_arrivals,
  sc_completions,
  sc_response_s,
  sc_in_system_area,  ///< transaction-seconds in the system (input queue included)
  sc_active_area,     ///< transaction-seconds admitted (inside the MPL)
  sc_deadlocks,
  sc_restarts,
  sc_references,
  sc_hs_hits,
  sc_eh_hits,
  sc_dc_hits,
  sc_lock_requests,
  sc_lock_conflicts,
  // Clusters (zero with one node).
  sc_messages,
  sc_page_requests,
  sc_page_request_s,      ///< request sent to reply received, summed
  sc_page_request_count,  ///< page requests whose time was measured
  sc_geh_entries,
  sc_global_lock_requests,
  sc_local_locks,
  sc_cpu_busy_s,  ///< busy server-seconds of every node's CPUs
  sc_count
};

struct MetricDefinition {
  std::string section;  ///< "system", "type", "server", "partition"
  std::string owner;    ///< model name, type, server or partition name
  std::string metric;   ///< e.g. "response_time_s", "hs_hit_ratio", "io_s.db_disks"
  int numerator = 0;
  int denominator = 0;
  double scale = 1.0;
  bool stopping = false;  ///< part of the stop rule on relative half-width
  /// Events per exposure (poisson) or a share of trials (binomial): the interval is at least the
  /// exact interval of the count (solver/des/output_analysis.hpp), so that a rare event seen
  /// never or a few times gets an honest interval instead of 0 +- 0.
  solver::des::CountModel counts = solver::des::CountModel::none;
};

class MetricLayout {
 public:
  explicit MetricLayout(const SystemModel& model);

  std::size_t counter_count() const { return counters_; }
  int type_base(std::size_t t) const { return type_base_ + static_cast<int>(t) * type_stride_; }
  int station(std::size_t s) const { return station_base_ + static_cast<int>(s); }
  int partition_base(std::size_t p) const {
    return partition_base_ + static_cast<int>(p) * pc_count;
  }
  int node_base(std::size_t i) const { return node_base_ + static_cast<int>(i) * nc_count; }
  const std::vector<StationInfo>& stations() const { return stations_; }
  const std::vector<MetricDefinition>& metrics() const { return metrics_; }
  std::size_t pools() const { return pools_; }

 private:
  void add_cluster_metrics(const SystemModel& model);

  std::vector<StationInfo> stations_;
  std::vector<MetricDefinition> metrics_;
  std::size_t pools_ = 0;
  int type_base_ = sc_count;
  int type_stride_ = 0;
  int station_base_ = 0;
  int partition_base_ = 0;
  int node_base_ = 0;
  std::size_t counters_ = 0;
};

}  // namespace tpeval::model::sim
