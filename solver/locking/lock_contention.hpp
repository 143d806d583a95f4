// Data contention under strict two-phase locking (2PL): a mean-value model for any granularity.
//
// Contract: analyze_lock_contention() takes a workload of lock partitions (each with the number of
// lockable granules, or an effective number for skewed access, see effective_granules()) and
// transaction classes (lock requests per partition with their exclusive share, the mean time
// between successive lock requests and the commit phase during which all locks stay held, and
// either the mean number of concurrent transactions or an arrival rate, turned into a population
// by Little's law N = lambda * R with R including lock waits). It returns per class the conflict
// probability per request, the mean wait per conflict, the blocking time, the response time with
// lock waits, the deadlock probability, and overall the blocked share, the deadlock rate and the
// thrashing indicators of Tay et al. (k^2 N / D) and Thomasian (alpha against 0.226, beta). The
// model: request i of a transaction with k requests falls in the middle of step i, so a lock is
// held from its request to the end of the commit phase (strict 2PL, locks released after commit,
// ch6-5.md §1.6, §1.11 rule 8); lock waits stretch every later step and thus the holding time
// of all locks held (which is what makes contention feed back on itself). A request conflicts when
// its granule is held in an incompatible mode by another transaction (exclusive vs anything,
// shared vs exclusive); the wait is the mean length-biased residual E[h^2] / (2 E[h]) of the
// blocking lock's holding time, whose variance comes from steps of different length (per access,
// a fixed mix taken in random order), their own variability, the commit phase and the lock waits
// (docs/locking.md). When no stable mean-value solution exists the result says `thrashing` and
// names the partition with the highest conflict probability; no NaN or negative time is ever
// returned. The function is pure and domain-free; inputs are validated with io::InputError
// naming the offending field ("classes[1].accesses[0].write_share: must be in [0, 1]").
//
// iterate_lock_fixed_point() is the generic outer loop for coupling this model with a queueing
// model (lock waits lengthen response times, which lengthen lock holding times): damped
// successive substitution with tolerance, iteration cap, a convergence report, and an explicit
// "no stable operating point (thrashing)" outcome.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace tpeval::solver::locking {

// ---------------------------------------------------------------------------------------------
// Workload
// ---------------------------------------------------------------------------------------------

/// A set of lockable granules accessed uniformly (or with the skew folded into `granules`).
struct LockPartition {
  std::string name;
  /// Number of lockable granules D (pages or records; for skewed access the effective number
  /// 1 / sum p_i^2 from effective_granules()). Must be >= 1.
  double granules = 0;
  /// > 0: the granules are taken in turn, each by this many consecutive requests (end-of-file
  /// inserts with page locks: the records of a page are handed out one after the other). The
  /// partition is then a sequence of short lock queues (sequence_granule_wait in hot_spot.hpp)
  /// and `granules` is not used. 0 (default): requests fall uniformly on the granules.
  double sequence_batch = 0;
};

/// The lock requests of one transaction class on one partition.
struct PartitionAccess {
  std::size_t partition = 0;   ///< index into LockWorkload::partitions
  double lock_requests = 0;    ///< mean lock requests per transaction (distinct granules), >= 0
  double exclusive_share = 1;  ///< fraction of the requests that are exclusive (write) locks
  /// Where these requests fall in the transaction's sequence of k requests: 0 = first, 1 = last
  /// (a hot lock taken last is held only for the last step and the commit phase). Negative
  /// (default): spread evenly over the sequence.
  double request_position = -1;
  /// Mean time of the step each of these requests starts (the work on the granule until the
  /// next request: CPU, and I/O where the page is not buffered). Negative (default): the class's
  /// step_time_s. Requests on a buffered hot partition have short steps, those on a disk-resident
  /// one long steps; a transaction's steps are then a fixed mix taken in random order.
  double step_time_s = -1;
  /// Squared coefficient of variation of one such step (its own randomness: service times, hit
  /// or miss). Negative (default): the class's step_time_scv.
  double step_time_scv = -1;
};

struct LockClass {
  std::string name;
  std::vector<PartitionAccess> accesses;
  /// Fixed number of concurrent transactions of this class (closed view: a requester sees
  /// N - 1 others of its class). For a mean population from Little's law give
  /// arrival_rate_per_s instead. At most one of the two may be > 0 (both 0: an idle class).
  double concurrent_transactions = 0;
  /// Arrival rate (open view); the population is then lambda * R with R including lock waits.
  double arrival_rate_per_s = 0;
  /// Mean time between successive lock requests, without lock waits (CPU, I/O, queueing);
  /// the default of accesses that give no step_time_s of their own.
  double step_time_s = 0;
  /// Time from the last lock request to the release of all locks (rest of processing, commit
  /// with log write and FORCE writes; 0 for pre-commit-style early release).
  double commit_time_s = 0;
  /// Squared coefficient of variation (variance / mean^2) of the time between two successive
  /// lock requests, without lock waits. 0 (default): every step takes exactly step_time_s, the
  /// fixed-step model of Tay et al. (1985). Steps that differ - most are CPU bursts, a few wait
  /// for a disk - make lock holding times variable, and a blocked request waits the residual
  /// E[h^2] / (2 E[h]) of a length-biased holding time, which grows with that variance
  /// (Thomasian & Ryu, TSE 17(5) 1991: different step processing times; docs/locking.md).
  double step_time_scv = 0;
  /// Squared coefficient of variation of commit_time_s (e.g. 1 for one exponential log write).
  double commit_time_scv = 0;
  /// Share of its own step a lock is held for: 0.5 (default) puts the request in the middle of
  /// its step (Tay et al. 1985); 1 puts it at the start, before the work on the granule (TPSIM
  /// and tpeval's simulator: lock, then page, then CPU per reference, Rahm L2354).
  double own_step_held = 0.5;
  /// Time before the first request that holds no lock (BOT processing), part of the response
  /// time only.
  double lead_time_s = 0;
  /// Covariance (s^2) of any two distinct pieces of one transaction's holding time - its steps
  /// and its commit phase. 0 (default): independent, as in Tay et al. and Thomasian & Ryu. Steps
  /// that queue at a server whose queue changes slowly (a CPU near saturation) wait alike: a
  /// lock held over j pieces then varies by j (j - 1) times this more (issue #13,
  /// solver/open/wait_correlation.hpp).
  double step_covariance_s2 = 0;
};

struct LockWorkload {
  std::vector<LockPartition> partitions;
  std::vector<LockClass> classes;
};

// ---------------------------------------------------------------------------------------------
// Results
// ---------------------------------------------------------------------------------------------

struct ClassContention {
  std::string name;
  double concurrent_transactions = 0;    ///< N_c used (given, or lambda * R)
  double throughput_per_s = 0;           ///< N_c / R_c
  double lock_requests = 0;              ///< k_c, all partitions
  double conflict_probability = 0;       ///< per request, averaged over the class's requests
  double conflicts_per_transaction = 0;  ///< eta_c = sum of k * P_conflict
  double wait_per_conflict_s = 0;        ///< mean wait of one blocked request
  /// Its second moment E[W^2 | blocked] (lock-queue waits on hot spots are less variable than
  /// exponential ones: the wait of the j-th of B inserters grows with j), s^2.
  double wait_second_moment_s2 = 0;
  double blocking_time_s = 0;  ///< eta_c * W: lock wait per transaction
  /// Variance of the lock wait per transaction, s^2: sum over its requests of each request's
  /// wait variance E[W_i^2] - E[W_i]^2 (waits of 0 included; requests taken as independent), so a
  /// nearly certain wait (a hot page's queue) is not given a binomial count's spread.
  double blocking_time_variance_s2 = 0;
  double response_time_no_wait_s = 0;  ///< k * step + commit
  double response_time_s = 0;          ///< with lock waits
  double mean_locks_held = 0;          ///< time average over the transaction's life
  double lock_holding_time_s = 0;      ///< mean time from a request to the lock's release
  /// Per transaction: the deadlocks it is the victim of - its request closes the cycle, as the
  /// simulator aborts - the two-cycles (Thomasian & Ryu form), those blocked outside lock queues
  /// times deadlock_cycle_factor for the longer cycles.
  double deadlock_probability = 0;
  double blocked_share = 0;  ///< fraction of the life spent blocked
};

struct PartitionContention {
  std::string name;
  double granules = 0;
  double exclusive_locks_held = 0;  ///< mean over time, all transactions
  double shared_locks_held = 0;
  double exclusive_conflict_probability = 0;  ///< P(conflict) of an exclusive request
  double shared_conflict_probability = 0;     ///< P(conflict) of a shared request
  /// Locks held per granule (granule utilization of the lock queue; may exceed 1 when the
  /// queue is saturated); for a sequence partition request rate x mean holding time.
  double queue_utilization = 0;
  /// Weight of the lock-queue model (hot_spot_share): 0 many granules, 1 a hot spot.
  double hot_spot_share = 0;
};

/// Where the mean-value iteration stood at its last iterate: the mean waits per request and per
/// class and partition, and the lagged quantities an iteration reads from the one before. A solve
/// of a nearby workload (the same classes and partitions at a slightly higher load, as in a
/// search for the maximum throughput) started from it needs a few iterations instead of hundreds.
struct LockIterationState {
  std::vector<double> wait_per_request;  ///< z_c, per class
  /// Mean wait per request of class c on partition p, at [c * partitions + p] (one allocation,
  /// not one per class: 10^4 classes copied it per solve, issue #16).
  std::vector<double> wait_on;
  std::vector<double> wait2_on;               ///< its second moment, at [c * partitions + p]
  std::vector<double> wait_per_conflict;      ///< per class
  std::vector<double> residual_moment_ratio;  ///< E[W^2] / W^2 per class
  std::vector<double> hot_spot_share;         ///< per partition
  /// Per partition: the share of the waits there that a hot granule's holder still meets (the
  /// lock-seconds held outside hot queues, lock_contention.cpp `cold_ratio`; 1 without hot spots).
  std::vector<double> cold_share;
  /// Per partition: the share of its queued transactions that queue for one given granule
  /// (lock_contention.cpp `same_queue`).
  std::vector<double> same_queue_share;
};

struct LockContention {
  std::vector<ClassContention> classes;
  std::vector<PartitionContention> partitions;
  double blocked_share = 0;              ///< beta: fraction of transactions blocked (N-weighted)
  double deadlock_rate_per_s = 0;        ///< sum over classes of X_c * P_deadlock,c
  double tay_workload = 0;               ///< k^2 N / D_eff (Tay et al. 1985); thrashing near 1.5
  double conflicts_per_transaction = 0;  ///< eta_c averaged over transactions (Tay: < 0.7)
  double thomasian_alpha = 0;  ///< eta_c * W1 / R_no_wait (Thomasian 1991); thrashing >= 0.226
  std::optional<double> thomasian_beta;  ///< smallest root of Thomasian's cubic; none if thrashing
  bool thrashing = false;                ///< no stable mean-value solution, or alpha >= 0.226
  /// The operating point is lost because a hot granule's lock queue is saturated (utilization
  /// >= 1): a queue, not thrashing; `thrashing` is then also true (no operating point) and
  /// `bottleneck` names the partition.
  bool lock_queue_saturated = false;
  std::string bottleneck;      ///< partition with the highest conflict probability
  std::string diagnosis;       ///< one sentence for people: why it thrashes, or ""
  std::size_t iterations = 0;  ///< inner mean-value iterations
  bool converged = false;
  /// The last iterate (for LockOptions::start of a nearby solve); empty when the waits diverged.
  LockIterationState state;
  /// Where each class's deadlock sum (with the longer cycles, deadlock_cycle_factor) lies, at [c *
  /// partitions + p] (issue #13, deadlock restarts): class c is the victim - the transaction whose
  /// request closes the cycle - and the part in which it holds its lock of the cycle on p
  /// (`held_on`), and the part in which its closing request is on p (`requested_on`). Each sums
  /// over p to the class's sum (deadlock_probability before its clamp to 1); empty when the
  /// deadlock sums were not computed.
  std::vector<double> deadlock_held_on, deadlock_requested_on;
};

struct LockOptions {
  double tolerance = 1e-10;  ///< relative change of the waits
  std::size_t max_iterations = 10'000;
  double damping = 0.5;  ///< weight of the new iterate in (0, 1]
  /// Response-time expansion R / R_no_wait beyond which the model declares thrashing.
  double max_expansion = 1e3;
  /// > 0: Anderson acceleration of the damped iteration with this many past iterates (Walker &
  /// Ni, SIAM J. Numer. Anal. 49(4) 2011), safeguarded: a step that is not finite, negative or
  /// beyond max_expansion falls back to the damped step. Same fixed point and stopping rule
  /// (the damped update changes the waits by at most `tolerance`), far fewer iterations near
  /// thrashing, where the damped iteration contracts slowly. 0: plain damped substitution.
  std::size_t anderson_depth = 0;
  /// Start from this state (a previous solve's LockContention::state) instead of zero waits;
  /// ignored unless its sizes match the workload. Start below the operating point (the state
  /// of a lower load) so the iteration still finds the lowest, stable one.
  const LockIterationState* start = nullptr;
  /// false: when the waits diverge (thrashing) the per-class results after the diagnosis
  /// (deadlock sums, which cost O(classes^2 x partitions) at blown-up waits) are not computed;
  /// for callers that only need the diagnosis.
  bool results_when_thrashing = true;
  /// > 0: an end-of-file (sequence) partition counts as thrashing when the queue of its
  /// inserters leaves the lower operating point within this many seconds on average, through
  /// the stalls of page holders behind queued transactions (sequence_stall.hpp). 0: not checked.
  double sequence_stall_horizon_s = 0;
};

/// Throws io::InputError naming the field ("partitions[0].granules: must be >= 1").
void validate(const LockWorkload& workload);

/// The mean-value contention model described in the header comment.
LockContention analyze_lock_contention(const LockWorkload& workload,
                                       const LockOptions& options = {});

// ---------------------------------------------------------------------------------------------
// Closed forms and helpers (published models, used as checks and for quick estimates)
// ---------------------------------------------------------------------------------------------

/// Effective number of granules for non-uniform access, 1 / sum p_i^2 (p normalised): the D of
/// a uniform partition with the same pairwise collision probability (ch6-5.md A14).
double effective_granules(const std::vector<double>& access_weights);
/// Effective granules when `hot_access_share` of the accesses go to `hot_granule_share` of the
/// `granules` (b/c rule), the rest uniformly to the others.
double effective_granules_hot_cold(double granules, double hot_access_share,
                                   double hot_granule_share);
/// Effective granules of a uniform partition with shared and exclusive requests: two random
/// requests conflict unless both are shared, so D_eff = D / (1 - (1 - exclusive_share)^2).
double effective_granules_shared(double granules, double exclusive_share);

/// Tay, Goodman & Suri (TODS 10(4) 1985): P(conflict) of a request = (N - 1) k / (2 D).
double tay_conflict_probability(double transactions, double locks, double granules);
/// Tay's workload parameter k^2 N / D (thrashing near 1.5).
double tay_workload(double transactions, double locks, double granules);
inline constexpr double kTayThrashingWorkload = 1.5;

/// Thomasian (ICDE 1991): fraction of blocked transactions beta for contention level alpha, the
/// smallest root of the cubic beta^3 - (1.5 alpha + 2) beta^2 + (1.5 alpha + 1) beta - alpha = 0,
/// i.e. alpha = beta (1 - beta)^2 / (1 - 1.5 beta (1 - beta)); none when alpha is at or above the
/// fold of that curve (thomasian_alpha_threshold() = 0.2259..., published as 0.226).
std::optional<double> thomasian_beta(double alpha);
double thomasian_alpha_threshold();
/// The beta at the fold (onset of thrashing), about 0.38.
double thomasian_beta_at_threshold();

/// Thomasian & Ryu (TSE 1991) / Gray et al. (1981) fixed-size transactions with k exclusive
/// requests over D granules: P(deadlock per transaction) ~ (N - 1) k^4 / (12 D^2).
double two_cycle_deadlock_probability(double transactions, double locks, double granules);

/// Deadlocks of all cycle lengths per two-cycle deadlock (issue #13): a k-cycle needs k - 2
/// holders in a row that are themselves blocked, each with probability `blocked_share` (beta,
/// the waiting chains of Thomasian, ICDE 1991), and no cycle is longer than the `transactions`
/// present (n): 1 + beta + ... + beta^(n-2), 1 / (1 - beta) for large n, n - 1 at beta = 1, 1 for
/// n <= 2 or beta = 0. analyze_lock_contention() multiplies the parts of its two-cycle sums
/// whose blocked request is not on a lock queue that counts every transaction ahead by it.
double deadlock_cycle_factor(double blocked_share, double transactions);

/// Gray, Helland, O'Neil & Shasha (SIGMOD 1996), single node: probability that a transaction
/// waits, PW ~ TPS * action_time * actions^3 / (2 * db_size).
double gray_wait_probability(double tps, double action_time_s, double actions, double db_size);
/// PD ~ TPS * action_time * actions^5 / (4 db_size^2).
double gray_deadlock_probability(double tps, double action_time_s, double actions, double db_size);
/// Deadlock rate ~ TPS^2 * action_time * actions^5 / (4 db_size^2) (per second); eager
/// replication over `nodes` multiplies it by nodes^3.
double gray_deadlock_rate_per_s(double tps, double action_time_s, double actions, double db_size,
                                double nodes = 1);

// ---------------------------------------------------------------------------------------------
// Outer fixed point (coupling with a queueing model)
// ---------------------------------------------------------------------------------------------

enum class FixedPointStatus {
  converged,      ///< |x_new - x| <= tolerance * max(1, |x|) in every component
  thrashing,      ///< the update reported no operating point, or the iterates diverged
  not_converged,  ///< iteration cap reached while still bounded
};

struct FixedPointOptions {
  double damping = 0.5;     ///< x <- (1 - d) x + d * update(x), d in (0, 1]
  double tolerance = 1e-8;  ///< relative, per component
  std::size_t max_iterations = 500;
  /// Iterates growing beyond divergence_factor * max(1, |start|) count as divergence.
  double divergence_factor = 1e6;
};

struct FixedPointResult {
  FixedPointStatus status = FixedPointStatus::not_converged;
  std::vector<double> value;  ///< last iterate (the operating point when converged)
  std::size_t iterations = 0;
  double residual = 0;  ///< largest relative change in the last iteration
  std::string message;  ///< "converged after 12 iterations", "no stable operating
                        ///< point (thrashing): ..."
};

/// One application of the coupled model: from the current guess (e.g. response times per
/// class) to the next one, or std::nullopt when the submodel has no operating point (e.g.
/// LockContention::thrashing or a saturated queue); `reason` may be set to explain it.
using FixedPointUpdate = std::function<std::optional<std::vector<double>>(
    const std::vector<double>& x, std::string& reason)>;

/// Damped successive substitution from `start`. Non-finite or negative updates count as
/// thrashing (never returned as a value).
FixedPointResult iterate_lock_fixed_point(const FixedPointUpdate& update, std::vector<double> start,
                                          const FixedPointOptions& options = {});

}  // namespace tpeval::solver::locking
