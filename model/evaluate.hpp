// Analytic evaluation of a transaction-processing system model.
//
// Contract: evaluate() is a pure function of a parsed SystemModel. It derives the buffer hit
// ratios (model/buffer_model.hpp), the service demands per transaction type
// (model/device_demand.hpp), solves the open multi-class queueing network (M/M/m CPU by Erlang C,
// every device pool as M/M/m or, for "enough" devices, a pure delay), couples lock contention by
// the 2PL mean-value model of solver/locking (lock holding time depends on the response time,
// fixed point inside it), and, when an MPL is set, replaces the open system by a flow-equivalent
// server (exact closed MVA for populations 1..MPL, solver/mva) with a birth-death input queue.
// The result never holds NaN or negative numbers: a model whose offered load reaches the capacity
// of some server, or whose lock model thrashes, is reported as saturated with the bottleneck
// named and without response times. The maximum sustainable throughput is the largest total
// arrival rate (same mix) at which the model is not saturated, found by bisection, together with
// what limits it. A closed workload (terminals with think time) is solved for the throughput X
// with X = N / (R + Z), R from the open model at the rate an arriving transaction sees,
// X (N - 1) / N (docs/model.md "Closed workloads"); its throughput is reported as the arrival
// rate. Each type also gets an estimate of its response time's SCV, from which the registry's
// response-time percentiles follow (model/response_variability.hpp).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "model/buffer_model.hpp"
#include "model/description.hpp"
#include "model/device_demand.hpp"
#include "solver/open/response_quantile.hpp"

namespace tpeval::model {

/// Response-time breakdown of one transaction type, seconds; the parts sum to the response time.
struct ResponseBreakdown {
  double cpu_service_s = 0.0;      ///< instructions (path length, I/O overhead, EH set-up)
  double cpu_wait_s = 0.0;         ///< queueing for a CPU (including while an EH access holds it)
  double extended_memory_s = 0.0;  ///< synchronous EH accesses incl. EH queueing
  /// Reference-phase I/O per device pool (page reads, victim write-backs): pool name -> seconds.
  std::vector<std::pair<std::string, double>> io_s;
  double lock_wait_s = 0.0;
  double commit_io_s = 0.0;    ///< log write, FORCE writes, group-commit wait
  double input_queue_s = 0.0;  ///< waiting for an MPL slot
  /// Cluster: waiting for other nodes' CPUs and the network (lock and page requests,
  /// invalidation acknowledgements), and the messages' bursts on the node's own CPU (their
  /// service and queueing are the message's time, not the transaction's CPU time).
  double remote_s = 0.0;
};

struct TypeResult {
  std::string name;
  double arrival_rate_per_s = 0.0;
  double throughput_per_s = 0.0;
  std::optional<double> response_time_s;  ///< nullopt when saturated
  double response_time_scv = 0.0;  ///< estimate (model/response_variability.hpp), for percentiles
  /// The reference-phase operations it waits for at its slowest device stages (page reads that
  /// miss every buffer, synchronous victim writes; issue #13): P(k of them) for k = 0.., one's
  /// mean time, s, with its queueing, and that time's SCV; the pmf is empty when there are none
  /// or too many to matter one by one. The percentiles mix over k (response_variability.hpp).
  std::vector<double> slow_operation_pmf;
  double slow_operation_s = 0.0;
  double slow_operation_scv = 1.0;
  /// The percentiles may mix over its lock waits' count when they are rare (an open workload
  /// with the lock model's variance; model/response_variability.cpp lock_episodes).
  bool rare_lock_waits = false;
  /// A variable number of references (issue #13): the count law's classes - mean references and
  /// probability (model/reference_count.hpp count_classes) - and the part of the response time
  /// that grows with the count, s, at the mean count (response_variability.hpp
  /// set_count_dependence); empty and 0 for a fixed count. The percentiles mix over the classes.
  std::vector<double> reference_counts, reference_count_probabilities;
  double count_dependent_s = 0.0;
  double count_dependent_variance_s2 = 0.0;  ///< the variance of that part's stages, s^2
  /// Its response time as a mixture of gamma components (weights summing to 1; one component:
  /// the mean and response_time_scv), from the fields above (response_variability.hpp
  /// response_time_components), set once by evaluate() for the percentiles: 8 x 10^4 rebuilds
  /// took 8 % of an evaluation of 10^4 types (issue #16). Empty: computed when asked.
  std::vector<solver::open::MomentComponent> response_time_components;
  ResponseBreakdown breakdown;
  // Per transaction.
  double page_misses = 0.0;
  double reads = 0.0;
  double device_reads = 0.0;
  double victim_writes = 0.0;
  double force_writes = 0.0;
  double log_writes = 0.0;
  double synchronous_writes = 0.0;
  double asynchronous_writes = 0.0;
  double eh_accesses = 0.0;
  double io_operations = 0.0;
  double cpu_instructions = 0.0;
  double lock_requests = 0.0;
  double conflict_probability = 0.0;  ///< per lock request
  double deadlock_probability = 0.0;  ///< per transaction
  /// Deadlock restarts per completed transaction (model/restarts.hpp); null when saturated or
  /// when no attempt completes.
  std::optional<double> restarts_per_transaction;
  /// SCV of one lock wait (per blocked request), from the lock model's second moment; 1 when
  /// unknown (exponential).
  double lock_wait_scv = 1.0;
  /// Variance of the lock wait per transaction (the lock model's sum over requests), s^2; < 0
  /// when unknown (then the percentiles count Binomial(lock requests, conflict P) waits).
  double lock_wait_variance_s2 = -1.0;
  /// Sum over pairs of its CPU visits of the covariance of their waits, s^2 (correlated waits
  /// near CPU saturation; model/point_solve.cpp cpu_wait_covariances); 0 when independent.
  double cpu_wait_covariance_s2 = 0.0;
  /// With an MPL: the probability that a transaction waits for a slot at all (every slot taken
  /// as it arrives); its wait, given that, is about exponential (model/point_solve.cpp
  /// mpl_input_queue). 1 without an MPL.
  double input_queue_wait_probability = 1.0;
  /// Variance of breakdown.commit_io_s, s^2 (each station's operations of their own length, the
  /// group-commit wait); < 0 when unknown (then the commit's writes count as equal stages).
  double commit_io_variance_s2 = -1.0;
  /// Cluster: the part of breakdown.remote_s that its page requests take, s, and its variance,
  /// s^2: each a step that a reference takes with a probability (model/point_solve.cpp
  /// remote_trip_moments; issue #13).
  double remote_trips_s = 0.0;
  double remote_trips_variance_s2 = 0.0;
  // Cluster, per transaction.
  double messages = 0.0;
  double page_requests = 0.0;
  double geh_entry_accesses = 0.0;
};

struct ServerResult {
  std::string name;
  StationKind kind = StationKind::cpu;
  int servers = 1;                     ///< 0 = "enough" (no queueing)
  double offered_load = 0.0;           ///< busy servers demanded, lambda x D (may exceed servers)
  double utilization = 0.0;            ///< per server, min(1, offered / servers); 0 for "enough"
  double mean_residence_factor = 1.0;  ///< response / service per visit (1 = no queueing)
};

struct PartitionResult {
  std::string name;
  double references_per_s = 0.0;
  double hs_hit_ratio = 0.0;
  double eh_hit_ratio = 0.0;
  double dc_hit_ratio = 0.0;
  double dirty_victim_probability = 0.0;
  double lock_conflict_probability = 0.0;  ///< of an exclusive request
  double page_request_ratio = 0.0;         ///< cluster: served by another node, per reference
  double disk_read_ratio = 0.0;  ///< read from storage (incl. EH / disk cache), per reference
};

/// One node of a cluster (Evaluation::nodes is empty for a model without a cluster section).
struct NodeResult {
  std::string name;
  double arrival_rate_per_s = 0.0;
  double throughput_per_s = 0.0;
  std::optional<double> response_time_s;
  double cpu_utilization = 0.0;
  double hs_hit_ratio = 0.0;
  double messages_per_tx = 0.0;
  double page_requests_per_tx = 0.0;
  double geh_entry_accesses_per_tx = 0.0;
  std::optional<double> local_lock_share;   ///< primary copy / central only
  std::vector<PartitionResult> partitions;  ///< hit / page-request / disk-read ratios per node
};

struct Evaluation {
  std::string model_name;
  double arrival_rate_per_s = 0.0;     ///< closed workload: the throughput the terminals generate
  std::optional<Terminals> terminals;  ///< the closed workload, if any
  double throughput_per_s = 0.0;
  bool saturated = false;
  std::string bottleneck;  ///< when saturated: "cpu", "log_disk.disk", "lock thrashing on X", ...
  std::string saturation_reason;
  std::optional<double> mean_response_time_s;
  std::vector<TypeResult> types;
  std::vector<ServerResult> servers;
  std::vector<PartitionResult> partitions;
  double hs_hit_ratio = 0.0;  ///< per record reference, as Tab. 6-7 counts them
  double eh_hit_ratio = 0.0;
  double dc_hit_ratio = 0.0;
  double conflict_probability = 0.0;  ///< per lock request, all types
  double deadlock_rate_per_s = 0.0;
  std::optional<double> restart_rate_per_s;  ///< deadlock restarts per second (null: saturated)
  double blocked_share = 0.0;
  double mean_active_transactions = 0.0;
  std::optional<double> max_throughput_per_s;  ///< maximum sustainable total arrival rate
  std::string max_throughput_limited_by;
  std::vector<std::string> warnings;
  // Cluster (empty / nullopt for a model without a cluster section).
  std::vector<NodeResult> nodes;
  double messages_per_tx = 0.0;
  double page_requests_per_tx = 0.0;
  double geh_entry_accesses_per_tx = 0.0;
  std::optional<double> local_lock_share;     ///< primary copy / central
  std::optional<double> page_request_time_s;  ///< one page request, request to reply (V14)
  double cpu_utilization_cap = 0.8;           ///< Abb. 7-11
  /// Largest arrival rate per node at which no node's CPU exceeds the cap (and nothing else
  /// saturates), Abb. 7-11.
  std::optional<double> max_throughput_per_node_at_cpu_cap_per_s;
};

/// What the rate searches cost (issue #16): the maximum-throughput search's full solves
/// (station loads, lock model, MPL) and the lock model's iterations in them (a solve beyond a
/// fold, where the lock model diverges slowly past its vanished operating point, takes several
/// times one below it), and the closed workload's throughput search's solves (terminals).
struct RateSearchCost {
  int solves = 0;
  std::size_t lock_iterations = 0;
  int closed_solves = 0;
};

struct EvaluateOptions {
  bool find_max_throughput = true;
  double cpu_utilization_cap = 0.8;  ///< for max_throughput_per_node_at_cpu_cap_per_s
  /// The maximum-throughput search and the closed workload's throughput as plain bisections,
  /// one full solve per step (tests: the reference the searches are checked against; the
  /// answers are the same).
  bool plain_rate_searches = false;
  /// When set, receives what the rate searches cost (tests and benchmarks).
  RateSearchCost* search_cost = nullptr;
};

Evaluation evaluate(const SystemModel& model, const EvaluateOptions& options = {});

}  // namespace tpeval::model
