// The analytic point solve: the system description translated once into stations, classes and
// lock-model inputs (prepare) and solved at one total arrival rate (solve_at): step 1 the
// stations' loads, step 2 the classes' times in the open network, step 3 lock contention (strict
// 2PL), step 4 an MPL's flow-equivalent server; deadlock restarts by a fixed point over solves.
// docs/model.md "How the model is evaluated" describes the steps, docs/locking.md step 3; step 4
// is model/mpl.hpp.
//
// Contract: internal to the analytic evaluation (model/evaluate.cpp reports a Point, model/
// rate_search.cpp searches rates with it); not a public API. Every function is pure: a Prepared
// is built once per model and read only; a Point is a value. A saturated Point names its
// bottleneck and reason and carries no steady-state values.
#pragma once

#include <array>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "model/buffer_model.hpp"
#include "model/description.hpp"
#include "model/device_demand.hpp"
#include "model/evaluate.hpp"
#include "model/reference_count.hpp"
#include "solver/locking/lock_contention.hpp"

namespace tpeval::model::detail {

/// What a demand class's lock requests are and where its references go: fixed by the model, the
/// same in every solve (built once, not once per solve and class: at 10^4 types a dozen small
/// vectors per class and solve, issue #16). `lock_classes` and `lock_steps` use it.
struct ClassLocks {
  /// Per locked partition it requests: the lock partition, distinct requests and X share (step
  /// times are set per solve by lock_steps).
  std::vector<solver::locking::PartitionAccess> accesses;
  std::vector<double> access_references;      ///< per access: the references behind it (k)
  std::vector<std::size_t> access_partition;  ///< per access: its model partition
  /// A variable count (Prepared::count_classes): per count class and access, the lock requests
  /// of a transaction of that count, and its step time relative to the average's (lock_steps'
  /// step is the average's references per own request). `accesses`, `lock_requests` and
  /// `partition_lock_requests` are then the averages over the count law.
  std::vector<std::vector<double>> class_requests, class_step_scale;
  double lock_requests = 0.0;       ///< that can conflict
  double free_lock_requests = 0.0;  ///< that never conflict (TypePoint)
  /// Per model partition (empty when it requests no lock): requests and their X share.
  std::vector<double> partition_lock_requests, partition_exclusive_share;
  /// Per model partition: references and HS misses per transaction, the clustered partitions'
  /// leading requests, and the references and misses of each partition's block (lock_steps);
  /// cluster: the page requests (TypeDemand::page_request_steps) per partition and block.
  std::vector<double> refs, misses, leading, block_refs, block_misses, trips, block_trips;
  double episodes = 0.0, all_refs = 0.0;  ///< sums of misses and refs
  std::vector<int> access_on;             ///< per lock partition: its first access (-1: none)
  /// Per model partition other than an append one: the exclusive locks it holds there at commit,
  /// on the partition's lock granules (serialized_commit_stretch).
  std::vector<double> commit_exclusive;
};

struct Prepared {
  const SystemModel& model;
  std::vector<std::vector<double>> routing;  // [type][node]
  std::vector<BufferLevels> buffers;         // per node
  BufferLevels system_buffers;               // one node: buffers[0]; cluster: averages
  DemandModel demand;
  std::vector<double> mix_share;                       // per type, arrival share
  std::vector<double> class_share;                     // per class (type x node), arrival share
  std::vector<std::vector<std::size_t>> clustered_on;  // per partition, those clustered with it
  std::vector<int> lock_part;      // per model partition its lock partition (-1: none)
  std::vector<char> single_count;  // per type: a fixed reference count (one lock class)
  /// Per type: the law of its reference count (model/reference_count.hpp); {{references, 1}}
  /// for a fixed count.
  std::vector<std::vector<CountClass>> count_classes;
  std::vector<ClassLocks> class_locks;  // per class
  /// Cluster with GEH locking: remote_holder_share of partition p for node i at [p * nodes + i],
  /// once per model (it sums over every type: per class and solve it made a cluster's cost grow
  /// with types^2, issue #16); empty otherwise.
  std::vector<double> remote_holder;
};

struct TypePoint {
  double rate = 0.0;
  ResponseBreakdown breakdown;
  double response_s = 0.0;
  double reference_phase_s = 0.0;  // without lock waits
  /// Cluster: the page requests of the reference phase (TypeDemand::page_request_steps) - one
  /// request's mean and variance, s and s^2 - and their time and variance per transaction
  /// (remote_trip_moments).
  double trip_s = 0.0, trip_variance_s2 = 0.0;
  double trips_s = 0.0, trips_variance_s2 = 0.0;
  double commit_phase_s = 0.0;
  /// Variance of breakdown.commit_io_s, s^2: each station's operations of their own length (a log
  /// write on NVMe and a FORCE write to a disk are not equal stages), the group-commit wait.
  double commit_io_variance_s2 = 0.0;
  double lock_requests = 0.0;  // that can conflict (the lock model's steps)
  /// Requests that never conflict, counted as the simulator counts them (issue #13): new records
  /// appended under record locks. (A clustered partition's page lock is its host's, already held
  /// - TELLER in BRANCH's page, L2402 - and neither engine counts it as a request.)
  double free_lock_requests = 0.0;
  double conflict_probability = 0.0;  // per request, free ones included
  double deadlock_probability = 0.0;
  double lock_wait_scv = 1.0;           ///< of one wait per blocked request
  double lock_wait_variance_s2 = -1.0;  ///< of the lock wait per transaction (< 0: unknown)
  double grant_notifications = 0.0;     ///< GEH locking: messages announcing a remote grant
  /// Sum over pairs of its CPU visits of the covariance of their waits, s^2 (cpu_wait_covariances)
  double cpu_wait_covariance_s2 = 0.0;
  /// With an MPL: the probability that its arrival finds every slot of its node taken
  /// (mpl_input_queue); 1 without one.
  double input_queue_wait_probability = 1.0;
};

/// The aborted attempts of a demand class that a solve loads (deadlock restarts, issue #13;
/// model/restarts.hpp): `restarts` per transaction, each repeating `cpu_ms` of CPU service in
/// `cpu_bursts` bursts (BOT and one per repeated reference) and holding `lock_requests` per
/// model partition until its refused request; `all_lock_requests`: all its lock requests, the
/// refused one and those that never conflict included, as restart_work counts them.
struct AbortedWork {
  double restarts = 0.0;
  double cpu_ms = 0.0;
  double cpu_bursts = 0.0;
  double all_lock_requests = 0.0;
  std::vector<double> lock_requests;
};

struct Point {
  bool saturated = false;
  std::string bottleneck;
  std::string reason;
  std::vector<double> offered;  // busy servers per station
  std::vector<double> stretch;  // residence / service per station
  std::vector<TypePoint> types;
  double conflict_probability = 0.0;
  double deadlock_rate_per_s = 0.0;
  double blocked_share = 0.0;
  double mean_active = 0.0;
  std::vector<double> partition_conflict;  // per model partition
  std::vector<double> overflow;            // write-buffer overflow probability per station
  /// Closed workload beyond the sustainable maximum: the wait each transaction adds in front of
  /// `bottleneck` (add_closed_excess); 0 otherwise.
  double closed_excess_s = 0.0;
  /// Cluster: mean FCFS queueing delay of one visit (burst, message) per CPU and network
  /// station, seconds; empty with one node.
  std::vector<double> visit_wait_s;
  /// Cluster: Erlang C's waiting probability C(m, a) of every CPU and network station at its
  /// `offered` load (0 without load), once per point (visit_waits): visit_moments asks for it per
  /// class and node, O(classes x nodes) times a point (issue #16: 256 nodes of the real load
  /// spent a third of 47 s in these Erlang C evaluations); empty with one node.
  std::vector<double> wait_probability;
  /// The lock model's last iterate, to start the solve of a nearby (higher) rate from it in the
  /// maximum-throughput search (issue #16); null when there are no lock classes or they thrash.
  std::shared_ptr<const solver::locking::LockIterationState> lock_state;
  /// Per model partition: the page utilization (request rate x mean holding time) of a locked
  /// append partition's page queue, from the lock model (0 elsewhere; empty: none such).
  std::vector<double> sequence_utilization;
  /// Thomasian's alpha at the lock model's operating point, when it reached one (also when alpha
  /// makes it thrash): the maximum-throughput search interpolates it (RateSearch).
  std::optional<double> lock_alpha;
  /// The lock model's iterations that computed this point (its solves' sum; cost accounting).
  std::size_t lock_iterations = 0;
  /// Per demand class and model partition, at [c * partitions + p]: the share of the class's
  /// deadlocks whose victim holds (`held`) or requests (`requested`) its lock of the cycle on
  /// p's lock partition (solver/locking LockContention::deadlock_held_on; model/restarts.hpp);
  /// empty when no class deadlocks.
  std::vector<double> deadlock_held_share, deadlock_requested_share;
  /// Per demand class, the aborted attempts this solve loaded (solve_at: from the restarts of the
  /// previous solve of the same rate); empty when none (no class deadlocks).
  std::vector<AbortedWork> aborted;
  /// Per demand class and phase, the time its CPU work holds its node's CPU, ms (station_loads).
  std::vector<std::array<double, 2>> cpu_held_ms;
  /// Per station, the factor by which an MPL cuts its queueing wait (mpl_wait_factors); empty
  /// without an MPL and in the open solve before it.
  std::vector<double> mpl_wait_factor;
  /// Per node, the share of its transactions' arrival rate that the lock model sees: with an MPL
  /// a transaction meets fewer others than an open arrival stream puts beside it
  /// (mpl_lock_rate_factors); empty for all of it.
  std::vector<double> lock_rate_factor;
};

/// The model translated once: routing, buffers, demands, shares and the classes' lock inputs.
Prepared prepare(const SystemModel& model);

/// The linear capacity bound on the total arrival rate: the lowest station's servers over its
/// demand per transaction (infinite with no server station).
double capacity_bound(const Prepared& pr);

/// The solve at `total_rate` with the deadlock restarts' loads (their fixed point over solves);
/// `lock_start`: the lock model's state at a lower rate to start from (null: zero waits).
Point solve_at(const Prepared& pr, double total_rate,
               const solver::locking::LockIterationState* lock_start = nullptr);

/// A probe of the rate searches: solve_at without the restarts' loads (whether the rate is
/// sustainable).
Point solve_probe(const Prepared& pr, double total_rate,
                  const solver::locking::LockIterationState* lock_start = nullptr);

/// The stations' loads alone at a total rate with the aborted attempts `aborted` (step 1).
Point loads_with(const Prepared& pr, double total_rate, const std::vector<AbortedWork>& aborted);

/// The stations' loads alone, without restarts (the searches' linear capacity checks; the lock
/// state is ignored, so that it has solve_at's signature).
Point loads_at(const Prepared& pr, double total_rate,
               const solver::locking::LockIterationState* lock_start = nullptr);

/// Point::lock_rate_factor of `node` (1 without one).
double lock_rate_factor(const Point& pt, std::size_t node);

/// Residence-time factor R/S of an M/M/m queue with offered load a (busy servers) < m; 1 for a
/// pure delay (m = 0).
double stretch_factor(int servers, double offered);

/// Update transactions per second at each node's log (each node has its own log and commit
/// groups).
std::vector<double> node_update_rates(const Prepared& pr, const Point& pt);

/// Sum over the transaction's own CPU bursts of their mean length squared, ms^2: BOT, one per
/// reference (the rest of the reference phase's CPU holding, I/O overhead and GEH accesses
/// included, spread evenly), commit (model/cpu_visits.hpp).
double own_burst_ms2(const Prepared& pr, std::size_t c, const std::array<double, 2>& held_ms);

/// Demand class c's slices of Point::deadlock_held_share and deadlock_requested_share (both
/// left empty when the point has none).
void class_deadlock_shares(const Prepared& pr, const Point& pt, std::size_t c,
                           std::vector<double>& held, std::vector<double>& requested);

/// Transaction type `t`'s result at `pt` from its demand classes `classes` (one per node).
TypeResult type_result(const Prepared& pr, const Point& pt, std::size_t t,
                       const std::vector<std::size_t>& classes);

}  // namespace tpeval::model::detail
