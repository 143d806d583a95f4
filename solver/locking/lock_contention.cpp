#include "solver/locking/lock_contention.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <span>

#include "solver/fixed_point/anderson_acceleration.hpp"
#include "solver/io/json_input.hpp"
#include "solver/locking/collatz_wielandt.hpp"
#include "solver/locking/hot_spot.hpp"
#include "solver/locking/load_continuation.hpp"
#include "solver/locking/monotone_extrapolation.hpp"
#include "solver/locking/queue_ahead.hpp"
#include "solver/locking/sequence_stall.hpp"
#include "solver/open/mg1_wait_moments.hpp"

namespace tpeval::solver::locking {

namespace {

bool finite_non_negative(double x) {
  return std::isfinite(x) && x >= 0;
}

std::string class_path(std::size_t c) {
  return io::element_path("classes", c);
}

/// The holding profile of one class for a given mean wait per request (means only). Requests
/// fall in the middle of their step; the wait of request i is spent before lock i is granted, so
/// lock i is held for the rest of step i, the k - i later steps (each stretched by its wait) and
/// the commit phase. Sums over i = 1..k are taken in closed form so that a non-integer mean k
/// works (terms with k - 1 are clamped at 0: a transaction with at most one request holds
/// nothing while it requests).
struct HoldingProfile {
  double response_time_s = 0;     // k (t + z) + tau
  double lock_seconds = 0;        // sum_i hold_i
  double remaining_requests = 0;  // mean requests still to come while a random lock is held
  double locks_at_request = 0;    // mean locks held when making a request, (k - 1) / 2
};

HoldingProfile holding_profile(double k, double step_s, double wait_per_request_s,
                               const LockClass& cls) {
  HoldingProfile h;
  const double stretched = step_s + wait_per_request_s;  // t'
  const double km1 = std::max(k - 1.0, 0.0);
  const double a = cls.own_step_held * step_s + cls.commit_time_s;  // hold of the last lock
  h.response_time_s = cls.lead_time_s + k * stretched + cls.commit_time_s;
  // hold_i = a + (k - i) t', i = 1..k  ->  m = k - i runs over 0..k-1.
  h.lock_seconds = k * a + stretched * k * km1 / 2.0;
  // sum over held locks j of the time until each later request m > j: sum_d d (k - d) t'
  // = t' (k-1) k (k+1) / 6; divided by the lock-seconds gives the hold-weighted mean number of
  // requests still to come (k/3 for large k without commit phase, Tay et al. 1985).
  if (h.lock_seconds > 0) {
    h.remaining_requests = stretched * km1 * k * (k + 1.0) / 6.0 / h.lock_seconds;
  }
  h.locks_at_request = km1 / 2.0;
  return h;
}

/// Variances that are the same for every lock of a class (0 in the fixed-step model of Tay et
/// al. 1985); the step variances are per access (ClassTotals).
struct ClassVariance {
  double wait = 0;    // variance of the lock wait of one request
  double commit = 0;  // variance of the commit phase
};

double effective_step(const LockClass& cls, const PartitionAccess& acc) {
  return acc.step_time_s >= 0 ? acc.step_time_s : cls.step_time_s;
}
double effective_step_scv(const LockClass& cls, const PartitionAccess& acc) {
  return acc.step_time_scv >= 0 ? acc.step_time_scv : cls.step_time_scv;
}

// The parts of a lock's holding time (LockModel::holdings) that do not depend on the waits, per
// access of a class: computed once per solve instead of once per access and iteration (issue
// #16: with 10^4 partitions the per-access divisions were a large part of each iteration).
struct AccessSteps {
  double step = 0;            // s_a, its own step
  double own_variance = 0;    // v_a, that step's variance
  double later_mean = 0;      // mu, mean of the other n steps
  double later_own_var = 0;   // vbar, their mean own variance
  double fpc_scale = 0;       // sigma^2 / (n - 1), spread of their means
  double own_and_commit = 0;  // own_step_held s_a + commit time
  double own_held_var = 0;    // own_step_held v_a
};

// The fields of a class's accesses that holdings() reads, one array per field in the order of
// LockClass::accesses (issue #16: contiguous arrays let the compiler take two accesses at a time),
// all in one allocation (with 10^4 classes, one per field and class would be 10^5 per solve),
// kept by LockModel for all classes (`totals_on`, `access_partitions`: none per class).
class AccessColumns {
 public:
  enum Field {
    lock_requests,
    exclusive_share,
    request_position,
    later_mean,
    later_own_var,
    fpc_scale,
    own_and_commit,
    own_held_var,
    fields
  };
  AccessColumns() = default;
  /// The columns in `values` (fields x accesses) and the partitions in `partitions` (accesses),
  /// both kept by the caller; push() fills them in access order.
  AccessColumns(double* values, std::size_t* partitions, std::size_t accesses)
      : partition(partitions, 0), count_(accesses), values_(values) {}
  const double* operator[](Field f) const { return values_ + f * count_; }
  void push(const PartitionAccess& acc, const AccessSteps& a) {
    const std::size_t i = partition.size();
    partition = {partition.data(), i + 1};
    partition[i] = acc.partition;
    for (const auto& [field, value] :
         {std::pair{lock_requests, acc.lock_requests},
          std::pair{exclusive_share, acc.exclusive_share},
          std::pair{request_position, acc.request_position}, std::pair{later_mean, a.later_mean},
          std::pair{later_own_var, a.later_own_var}, std::pair{fpc_scale, a.fpc_scale},
          std::pair{own_and_commit, a.own_and_commit}, std::pair{own_held_var, a.own_held_var}})
      values_[field * count_ + i] = value;
  }
  std::span<std::size_t> partition;  // per access
  /// Access i is on partition i, for every partition (holdings() then reads the partitions'
  /// arrays directly).
  bool every_partition_in_order = false;

 private:
  std::size_t count_ = 0;
  double* values_ = nullptr;
};

// The per-partition rows are views into one class x partition array per model
// (LockModel::totals_on; 10^4 classes allocated three small vectors each per solve, issue #16).
struct ClassTotals {
  double requests = 0;
  std::span<double> requests_on;         // per partition
  double step_s = 0;                     // mean step over all requests, sum k_a s_a / k
  double step_sq_sum = 0;                // sum k_a s_a^2 (spread of the step means)
  double within_var_sum = 0;             // sum k_a scv_a s_a^2 (randomness of each step)
  std::span<double> exclusive_share_on;  // exclusive requests / requests_on per partition
  AccessColumns steps;                   // per access (LockClass::accesses)
};

double exclusive_share_of(const ClassTotals& tot, std::size_t p) {
  return tot.exclusive_share_on[p];
}

/// For every class c and partition p, the sum over the *other* classes o != c of term(o, p):
/// a prefix and a suffix sum per partition, so leaving one class out costs O(1) and loses
/// nothing to cancellation (subtracting a dominant own term from the total would). O(classes x
/// partitions) instead of O(classes^2 x partitions) per evaluation (issue #16).
/// `terms` is reused storage.
/// K such sums at once: term(o, p) returns the K terms, out[k] is the k-th class x partition
/// array (row o at o * np). One pass for all K: with few partitions per class the loops cost
/// more than the additions (10^4 classes on 2 partitions: four passes were 5 % of the run).
template <std::size_t K, class Term>
void sum_over_other_classes(std::size_t nc, std::size_t np, const Term& term,
                            const std::array<std::vector<double>*, K>& out,
                            std::vector<double>& terms) {
  // One class at a time over all partitions (contiguous rows), the running sums per partition in
  // `terms`: for each (c, p) the same additions in the same order as a pass per partition.
  terms.assign(K * np, 0.0);  // the classes before o
  for (std::size_t o = 0; o < nc; ++o) {
    for (std::size_t p = 0; p < np; ++p) {
      const std::array<double, K> t = term(o, p);
      for (std::size_t k = 0; k < K; ++k) {
        (*out[k])[o * np + p] = terms[k * np + p];
        terms[k * np + p] += t[k];
      }
    }
  }
  terms.assign(K * np, 0.0);  // the classes after o
  for (std::size_t o = nc; o-- > 0;) {
    for (std::size_t p = 0; p < np; ++p) {
      const std::array<double, K> t = term(o, p);
      for (std::size_t k = 0; k < K; ++k) {
        (*out[k])[o * np + p] += terms[k * np + p];
        terms[k * np + p] += t[k];
      }
    }
  }
}

/// A class x partition array in one allocation (row c at c * np): rows[c][p] as with a vector
/// per class, without a dozen small vectors per class and solve (10^4 classes, issue #16).
class ClassRows {
 public:
  ClassRows(std::size_t nc, std::size_t np, double value = 0.0)
      : np_(np), values_(nc * np, value) {}
  double* operator[](std::size_t c) { return values_.data() + c * np_; }
  const double* operator[](std::size_t c) const { return values_.data() + c * np_; }
  /// All rows back to back (row c at c * np).
  const std::vector<double>& values() const { return values_; }
  /// Takes all rows from `values` (of the same length).
  void assign(const std::vector<double>& values) {
    std::copy(values.begin(), values.end(), values_.begin());
  }

 private:
  std::size_t np_;
  std::vector<double> values_;
};

/// What the two-cycle deadlock sum needs, at the final waits.
struct DeadlockInputs {
  const LockWorkload& workload;
  const std::vector<ClassTotals>& totals;
  const std::vector<HoldingProfile>& profile;
  const ClassRows& held_x;  // per transaction of class c on partition p
  const ClassRows& held_s;
  const std::vector<double>& population;
  const std::vector<double>& throughput;  // X_c: the requesters' weights of VictimSums
  std::vector<double> own_seen;  // transactions of its own class a requester sees (others_seen)
  // End-of-file (sequence) partitions only, else 0 and 1: the transactions a waiting request
  // has ahead of it, and the chance that a later request lands on the page a holder holds
  // (sequence_deadlock_terms).
  std::vector<double> blockers_ahead, back_share;
  std::vector<double> sequence_wait_s;  // mean wait of a request there (0 elsewhere)
  std::vector<double> sequence_held;    // locks held there by all classes (0 elsewhere)
};

double others_seen_by(const DeadlockInputs& in, std::size_t c, std::size_t o) {
  return o == c ? in.own_seen[c] : in.population[o];
}

/// Probability that a blocked request of c on p is blocked by one transaction of o. On an
/// end-of-file page, the expected number of o's transactions it waits for: every one ahead of
/// it in the page's queue (holder and queued), in o's share of the page's holders.
double blocked_by(const DeadlockInputs& in, std::size_t c, std::size_t o, std::size_t p) {
  const double w = exclusive_share_of(in.totals[c], p);
  const double locks = w * (in.held_x[o][p] + in.held_s[o][p]) + (1 - w) * in.held_x[o][p];
  if (in.blockers_ahead[p] > 0) {
    const double all = in.sequence_held[p];
    return all > 0 ? in.blockers_ahead[p] * others_seen_by(in, c, o) * locks / all : 0.0;
  }
  return std::min(1.0, others_seen_by(in, c, o) * locks / in.workload.partitions[p].granules);
}

/// Term q of the probability that o (holding the lock c waits for on p) later requests one of
/// c's held locks in a conflicting mode. c's held locks and o's remaining requests are its
/// *other* requests: spread over the partitions by the requests left after removing the one on
/// p (`drop` = 1 for q = p), so a partition locked once per transaction (a hot end-of-file
/// page) closes no cycle with itself: its holder never waits for it again.
double back_term(const DeadlockInputs& in, std::size_t c, std::size_t o, std::size_t q,
                 double drop) {
  const ClassTotals& tc = in.totals[c];
  const ClassTotals& to = in.totals[o];
  const double c_other = tc.requests - 1.0;
  const double o_other = to.requests - 1.0;
  const double c_on_q = tc.requests_on[q] - drop;
  const double o_on_q = to.requests_on[q] - drop;
  if (c_other <= 0 || o_other <= 0 || c_on_q <= 0 || o_on_q <= 0) return 0.0;
  const double o_requests_on_q = in.profile[o].remaining_requests * o_on_q / o_other;
  const double c_held_on_q = in.profile[c].locks_at_request * c_on_q / c_other;
  const double wo = exclusive_share_of(to, q);
  const double conflicting = wo + (1 - wo) * exclusive_share_of(tc, q);
  // On an end-of-file page only o's requests still to be made close a cycle here: one it has
  // made waits in the page's queue, behind c, and that cycle is counted from its side (as
  // blocked, `ahead`). Of the time o holds a lock with its request on q to come, a step (t) lies
  // before the request and its wait W after it: t / (t + W) of it is still to be made.
  const double t = to.step_s;
  const double to_make = in.sequence_wait_s[q] > 0 ? t / (t + in.sequence_wait_s[q]) : 1.0;
  return in.back_share[q] * to_make * o_requests_on_q * c_held_on_q * conflicting /
         in.workload.partitions[q].granules;
}

/// The two-cycles by their victim (issue #13, deadlock restarts). A cycle starts when a request
/// of c is blocked by o and closes when o later requests a lock c holds; the simulator aborts the
/// transaction whose request closes it (model/sim/lock_manager.cpp), so the cycle is o's deadlock.
/// Booked to c (the one blocked first), a short type beside a long one had 6-7 times its simulated
/// deadlocks and the long type too few (docs/locking.md "Measured per type, long runs"), the
/// totals agreeing. Per victim o, as rates (weighted by the requester's throughput X_c, divided
/// by X_o at the end): `sums` its deadlocks, `held` the part in which o holds its lock of the
/// cycle on p (the partition c is blocked on) and `requested` the part in which o's closing
/// request is on p, at [o * partitions + p]; each row of a split sums to the victim's sum.
struct VictimSums {
  std::vector<double> sums, held, requested;
  VictimSums(std::size_t nc, std::size_t np)
      : sums(nc, 0.0), held(nc * np, 0.0), requested(nc * np, 0.0) {}

  /// Rates to probabilities per transaction of the victim.
  void per_victim_transaction(const std::vector<double>& throughput, std::size_t np) {
    for (std::size_t o = 0; o < sums.size(); ++o) {
      const double x = throughput[o];
      const double scale = x > 0 ? 1.0 / x : 0.0;
      sums[o] *= scale;
      for (std::size_t p = 0; p < np; ++p) {
        held[o * np + p] *= scale;
        requested[o * np + p] *= scale;
      }
    }
  }
};

/// Adds the cycles requester c starts to their victims, sum over p, o of X_c k_p P(blocked by o)
/// min(1, P(back)), with the sum over q inside P(back) taken once per class pair (prefix and
/// suffix sums around q = p, then the q = p term without the blocked request): O(classes x
/// partitions) per requester instead of O(classes x partitions^2) (issue #16). The requested part
/// of (p, q) is its share back_term(q) / P(back) of the clamped term. `before`, `after` (np + 1)
/// and `weight` (np) are scratch.
void add_requester_cycles(const DeadlockInputs& in, std::size_t c, std::vector<double>& before,
                          std::vector<double>& after, std::vector<double>& weight,
                          VictimSums& victims) {
  const std::size_t np = in.workload.partitions.size();
  const std::size_t nc = in.totals.size();
  const double xc = in.throughput[c];
  if (!(xc > 0)) return;
  for (std::size_t o = 0; o < nc; ++o) {
    if (in.totals[o].requests <= 0) continue;
    before[0] = 0;
    for (std::size_t q = 0; q < np; ++q) before[q + 1] = before[q] + back_term(in, c, o, q, 0.0);
    after[np] = 0;
    for (std::size_t q = np; q-- > 0;) after[q] = after[q + 1] + back_term(in, c, o, q, 0.0);
    double all_weight = 0;
    std::fill(weight.begin(), weight.end(), 0.0);
    for (std::size_t p = 0; p < np; ++p) {
      if (in.totals[c].requests_on[p] <= 0) continue;
      const double p_by_o = blocked_by(in, c, o, p);
      if (p_by_o <= 0) continue;
      const double p_back = before[p] + after[p + 1] + back_term(in, c, o, p, 1.0);
      const double cycles = xc * in.totals[c].requests_on[p] * p_by_o * std::min(1.0, p_back);
      victims.sums[o] += cycles;
      victims.held[o * np + p] += cycles;
      if (p_back > 0) {
        weight[p] = cycles / p_back;
        all_weight += weight[p];
      }
    }
    if (all_weight <= 0) continue;
    for (std::size_t q = 0; q < np; ++q) {
      victims.requested[o * np + q] += (before[q + 1] - before[q]) * (all_weight - weight[q]) +
                                       back_term(in, c, o, q, 1.0) * weight[q];
    }
  }
}

/// The unclamped cycles of a set of requesters regrouped by partition pair (p, q): the sums over
/// the requesters c are taken once for all victims (O(classes x partitions^2) in all instead of
/// O(classes^2 x partitions)). Exact where neither min(1, .) of add_requester_cycles binds, which
/// two_cycle_deadlock_sums checks requester by requester with upper bounds. With a_c(p, q) =
/// X_c k_cp (c's locks held on q) / (D_p D_q), victim o's term is
/// sum over c, p, q of a_c n_o (hx_op + w_cp hs_op) left_oq (w_oq + (1 - w_oq) w_cq), so four
/// tables of sums of a_c, a_c w_cp, a_c w_cq and a_c w_cp w_cq serve every victim.
class CyclesByPartitionPairs {
 public:
  CyclesByPartitionPairs(const DeadlockInputs& in, const std::vector<char>& requester)
      : in_(in), np_(in.workload.partitions.size()), requester_(requester) {
    for (auto* t : {&a_, &a_p_, &a_q_, &a_pq_}) t->assign(np_ * np_, 0.0);
    for (std::size_t c = 0; c < in.totals.size(); ++c) {
      if (!requester_[c]) continue;
      const ClassTotals& tc = in.totals[c];
      for (std::size_t p = 0; p < np_; ++p) {
        if (tc.requests_on[p] <= 0) continue;
        const double wp = exclusive_share_of(tc, p);
        for (std::size_t q = 0; q < np_; ++q) {
          const double a =
              in.throughput[c] * tc.requests_on[p] * held_on(c, q, q == p) /
              (in.workload.partitions[p].granules * in.workload.partitions[q].granules);
          if (!(a > 0)) continue;
          const double wq = exclusive_share_of(tc, q);
          const std::size_t i = p * np_ + q;
          a_[i] += a;
          a_p_[i] += a * wp;
          a_q_[i] += a * wq;
          a_pq_[i] += a * wp * wq;
        }
      }
    }
  }

  /// Adds the cycles of the requesters whose victim is o.
  void add_victim(std::size_t o, VictimSums& victims) const {
    const ClassTotals& to = in_.totals[o];
    const double own_correction = requester_[o] ? in_.own_seen[o] - in_.population[o] : 0.0;
    for (std::size_t p = 0; p < np_; ++p) {
      const double nx = in_.population[o] * in_.held_x[o][p];
      const double ns = in_.population[o] * in_.held_s[o][p];
      const bool own = own_correction != 0.0 && to.requests_on[p] > 0;
      if (nx <= 0 && ns <= 0 && !own) continue;
      for (std::size_t q = 0; q < np_; ++q) {
        const double left = requests_left(o, q, q == p ? 1.0 : 0.0);
        if (left <= 0) continue;
        const double wo = exclusive_share_of(to, q);
        const std::size_t i = p * np_ + q;
        double cycles =
            left * (wo * (nx * a_[i] + ns * a_p_[i]) + (1 - wo) * (nx * a_q_[i] + ns * a_pq_[i]));
        if (own) cycles += own_correction * own_cycles(o, p, q, left);
        victims.sums[o] += cycles;
        victims.held[o * np_ + p] += cycles;
        victims.requested[o * np_ + q] += cycles;
      }
    }
  }

 private:
  // c's locks held on q when it requests (drop: the blocked request's partition is q).
  double held_on(std::size_t c, std::size_t q, bool drop) const {
    const ClassTotals& tc = in_.totals[c];
    const double c_on_q = tc.requests_on[q] - (drop ? 1.0 : 0.0);
    if (tc.requests - 1.0 <= 0 || c_on_q <= 0) return 0.0;
    return in_.profile[c].locks_at_request * c_on_q / (tc.requests - 1.0);
  }
  // o's remaining requests on q while it holds a lock (drop = 1: the one on p removed).
  double requests_left(std::size_t o, std::size_t q, double drop) const {
    const ClassTotals& to = in_.totals[o];
    const double o_other = to.requests - 1.0;
    const double o_on_q = to.requests_on[q] - drop;
    if (o_other <= 0 || o_on_q <= 0) return 0.0;
    return in_.profile[o].remaining_requests * o_on_q / o_other;
  }
  // The cycles of o with itself per transaction of o seen (others_seen(o, o) replaces n_o).
  double own_cycles(std::size_t o, std::size_t p, std::size_t q, double left) const {
    const ClassTotals& to = in_.totals[o];
    const double w = exclusive_share_of(to, p);
    const double locks = w * (in_.held_x[o][p] + in_.held_s[o][p]) + (1 - w) * in_.held_x[o][p];
    const double wq = exclusive_share_of(to, q);
    return in_.throughput[o] * to.requests_on[p] * held_on(o, q, q == p) * locks * left *
           (wq + (1 - wq) * wq) /
           (in_.workload.partitions[p].granules * in_.workload.partitions[q].granules);
  }

  const DeadlockInputs& in_;
  std::size_t np_;
  const std::vector<char>& requester_;
  std::vector<double> a_, a_p_, a_q_, a_pq_;  // [p * np + q]
};

/// The two-cycles by victim (VictimSums, per transaction of the victim, before the final
/// min(1, .)). Exactly add_requester_cycles over all requesters; with more classes than
/// partitions (and partitions few enough for partition-pair tables) the requesters whose clamps
/// provably do not bind take the partition-pair form, so the cost is O(classes x partitions x
/// min(classes, partitions)).
VictimSums two_cycle_deadlock_sums(const DeadlockInputs& in) {
  const std::size_t np = in.workload.partitions.size();
  const std::size_t nc = in.totals.size();
  VictimSums victims(nc, np);
  constexpr std::size_t kMaxPairTablePartitions = 512;  // 4 tables of 512^2 doubles: 8 MiB
  const bool pair_tables = nc > np && np <= kMaxPairTablePartitions;
  // Upper bounds: n_o * locks held by o on p (>= others * locks(o, p)), and o's remaining
  // requests on q (>= requests_left with the request on p removed).
  std::vector<double> most_held(np, 0.0), most_left(np, 0.0);
  if (pair_tables) {
    for (std::size_t o = 0; o < nc; ++o) {
      const ClassTotals& to = in.totals[o];
      for (std::size_t p = 0; p < np; ++p) {
        most_held[p] =
            std::max(most_held[p], in.population[o] * (in.held_x[o][p] + in.held_s[o][p]));
        if (to.requests - 1.0 > 0 && to.requests_on[p] > 0) {
          most_left[p] = std::max(most_left[p], in.profile[o].remaining_requests *
                                                    to.requests_on[p] / (to.requests - 1.0));
        }
      }
    }
  }
  std::vector<char> unclamped(nc, 0);
  // weight first: else GCC 12 at -O3 reports a false -Walloc-size-larger-than for it.
  std::vector<double> weight(np), before(np + 1), after(np + 1);
  bool any_unclamped = false;
  for (std::size_t c = 0; c < nc; ++c) {
    const ClassTotals& tc = in.totals[c];
    if (tc.requests <= 0) continue;
    bool fits = pair_tables;
    double back_bound = 0;
    for (std::size_t p = 0; fits && p < np; ++p) {
      if (tc.requests_on[p] <= 0) continue;
      const double d = in.workload.partitions[p].granules;
      fits = most_held[p] <= d && in.blockers_ahead[p] <= 0;  // (the pair form has no queue)
      if (tc.requests - 1.0 > 0) {
        back_bound += most_left[p] * in.profile[c].locks_at_request * tc.requests_on[p] /
                      (tc.requests - 1.0) / d;
      }
    }
    if (fits && back_bound <= 1.0) {
      unclamped[c] = 1;
      any_unclamped = true;
    } else {
      add_requester_cycles(in, c, before, after, weight, victims);
    }
  }
  if (any_unclamped) {
    const CyclesByPartitionPairs pairs(in, unclamped);
    for (std::size_t o = 0; o < nc; ++o) {
      if (in.totals[o].requests > 0) pairs.add_victim(o, victims);
    }
  }
  victims.per_victim_transaction(in.throughput, np);
  return victims;
}

/// Request rate and holding time (mean, second moment) of an end-of-file partition's page locks.
struct SequenceHold {
  double rate_per_s = 0, mean_s = 0, second_s2 = 0;
};

/// The two-cycle terms of an end-of-file partition (issue #13; page-locked HISTORY at 100 TPS
/// had 0.0080 deadlocks per transaction against 0.0041 simulated, whose victims request BRANCH
/// in 91 % of the cases and HISTORY in 9 %, where the count gave 7 % and 93 %):
/// - `ahead`: a request that waits for a page waits for every transaction ahead of it in the
///   page's queue, and each of them, once granted, may request a lock the waiter holds. The
///   number ahead given a wait is 1 + (W_c - R) / E[h]: the holder's residual R = E[h^2] / (2
///   E[h]) and one holding time per queued one (FCFS), W_c the mean wait of those that wait.
/// - `open`: a lock held on such a page meets a later request of another transaction only if
///   the page still takes records then: its B records are handed out at the request rate
///   lambda, so from the holder's own request (uniformly at one of the B places) to the other's
///   request, on average a wait and half a holding time later, lambda (W + E[h] / 2) records go;
///   the page is still open with probability max(0, 1 - lambda (W + E[h] / 2) / B).
std::pair<double, double> sequence_deadlock_terms(const LockQueueWait& wait, const SequenceHold& h,
                                                  double batch) {
  if (h.mean_s <= 0 || wait.wait_probability <= 0) return {0.0, 1.0};
  const double waited = wait.mean_wait_s / wait.wait_probability;
  const double residual = h.second_s2 / (2 * h.mean_s);
  const double ahead = wait.wait_probability * (1.0 + std::max(0.0, waited - residual) / h.mean_s);
  const double handed_out = h.rate_per_s * (wait.mean_wait_s + h.mean_s / 2) / batch;
  return {ahead, std::max(0.0, 1.0 - handed_out)};
}

/// A start state for `nc` classes on `np` partitions (LockOptions::start).
bool state_fits(const LockIterationState& s, std::size_t nc, std::size_t np) {
  const auto rows_fit = [&](const std::vector<double>& rows) { return rows.size() == nc * np; };
  return s.wait_per_request.size() == nc && s.wait_per_conflict.size() == nc &&
         s.residual_moment_ratio.size() == nc && s.hot_spot_share.size() == np &&
         s.cold_share.size() == np && s.same_queue_share.size() == np && rows_fit(s.wait_on) &&
         rows_fit(s.wait2_on);
}

}  // namespace

void validate(const LockWorkload& workload) {
  if (workload.partitions.empty()) throw io::InputError("partitions", "at least one partition");
  for (std::size_t p = 0; p < workload.partitions.size(); ++p) {
    const double d = workload.partitions[p].granules;
    if (!std::isfinite(d) || d < 1.0) {
      throw io::InputError(io::child_path(io::element_path("partitions", p), "granules"),
                           "must be a finite number >= 1");
    }
    const double b = workload.partitions[p].sequence_batch;
    if (!std::isfinite(b) || b < 0 || (b > 0 && b < 1.0)) {
      throw io::InputError(io::child_path(io::element_path("partitions", p), "sequence_batch"),
                           "must be 0 or a finite number >= 1");
    }
  }
  for (std::size_t c = 0; c < workload.classes.size(); ++c) {
    const LockClass& cls = workload.classes[c];
    // The class's JSON path is built only for an error (10^4 classes per solve, issue #16).
    const auto path = [c] { return class_path(c); };
    double requests = 0, step_seconds = 0;
    for (std::size_t a = 0; a < cls.accesses.size(); ++a) {
      const PartitionAccess& acc = cls.accesses[a];
      // Built only for an error (10^4 classes: two strings per access and solve, issue #16).
      const auto apath = [&path, a] {
        return io::element_path(io::child_path(path(), "accesses"), a);
      };
      if (acc.partition >= workload.partitions.size()) {
        throw io::InputError(
            io::child_path(apath(), "partition"),
            "no such partition (there are " + std::to_string(workload.partitions.size()) + ")");
      }
      if (!finite_non_negative(acc.lock_requests)) {
        throw io::InputError(io::child_path(apath(), "lock_requests"),
                             "must be a non-negative number");
      }
      if (!(acc.exclusive_share >= 0 && acc.exclusive_share <= 1)) {
        throw io::InputError(io::child_path(apath(), "exclusive_share"), "must be in [0, 1]");
      }
      if (!std::isfinite(acc.request_position) || acc.request_position > 1) {
        throw io::InputError(io::child_path(apath(), "request_position"),
                             "must be in [0, 1] (or negative for spread evenly)");
      }
      if (!std::isfinite(acc.step_time_s)) {
        throw io::InputError(io::child_path(apath(), "step_time_s"),
                             "must be a number (negative: the class's step_time_s)");
      }
      if (!std::isfinite(acc.step_time_scv)) {
        throw io::InputError(io::child_path(apath(), "step_time_scv"),
                             "must be a number (negative: the class's step_time_scv)");
      }
      requests += acc.lock_requests;
      step_seconds += acc.lock_requests * std::max(0.0, effective_step(cls, acc));
    }
    if (!finite_non_negative(cls.concurrent_transactions)) {
      throw io::InputError(io::child_path(path(), "concurrent_transactions"),
                           "must be a non-negative number");
    }
    if (!finite_non_negative(cls.arrival_rate_per_s)) {
      throw io::InputError(io::child_path(path(), "arrival_rate_per_s"),
                           "must be a non-negative number");
    }
    if (cls.concurrent_transactions > 0 && cls.arrival_rate_per_s > 0) {
      throw io::InputError(path(),
                           "give either concurrent_transactions or arrival_rate_per_s, "
                           "not both");
    }
    if (!finite_non_negative(cls.step_time_s)) {
      throw io::InputError(io::child_path(path(), "step_time_s"), "must be a non-negative number");
    }
    if (!finite_non_negative(cls.commit_time_s)) {
      throw io::InputError(io::child_path(path(), "commit_time_s"),
                           "must be a non-negative number");
    }
    if (!finite_non_negative(cls.step_time_scv)) {
      throw io::InputError(io::child_path(path(), "step_time_scv"),
                           "must be a non-negative number");
    }
    if (!(cls.own_step_held >= 0 && cls.own_step_held <= 1)) {
      throw io::InputError(io::child_path(path(), "own_step_held"), "must be in [0, 1]");
    }
    if (!finite_non_negative(cls.lead_time_s)) {
      throw io::InputError(io::child_path(path(), "lead_time_s"), "must be a non-negative number");
    }
    if (!finite_non_negative(cls.commit_time_scv)) {
      throw io::InputError(io::child_path(path(), "commit_time_scv"),
                           "must be a non-negative number");
    }
    if (!finite_non_negative(cls.step_covariance_s2)) {
      throw io::InputError(io::child_path(path(), "step_covariance_s2"),
                           "must be a non-negative number");
    }
    if (requests > 0 && step_seconds == 0 && cls.commit_time_s == 0) {
      throw io::InputError(io::child_path(path(), "step_time_s"),
                           "step_time_s and commit_time_s cannot both be 0 (locks would be held "
                           "for no time)");
    }
  }
}

namespace {

// One column of a Holding: its partitions' values in the Holding's one allocation.
struct HoldingColumn {
  double* values = nullptr;
  std::size_t count = 0;
  double& operator[](std::size_t p) { return values[p]; }
  double operator[](std::size_t p) const { return values[p]; }
  double* data() { return values; }
  const double* data() const { return values; }
  std::size_t size() const { return count; }
};

double sum(const HoldingColumn& v) {
  double t = 0;
  for (std::size_t p = 0; p < v.size(); ++p) t += v[p];
  return t;
}

// Lock-seconds and squared lock-seconds per class and partition, split by mode: four columns of
// one allocation (two per class and solve instead of eight, 10^4 classes: issue #16).
struct Holding {
  HoldingColumn x, s, x2, s2;
  Holding() = default;
  Holding(const Holding&) = delete;  // the columns point into values_
  Holding& operator=(const Holding&) = delete;
  /// The four columns in `storage` (4 np values, all zero, kept by the caller) instead of an
  /// allocation of their own (LockModel's records: one array for all classes, issue #16).
  void bind(double* storage, std::size_t np) {
    x = {storage, np};
    s = {storage + np, np};
    x2 = {storage + 2 * np, np};
    s2 = {storage + 3 * np, np};
  }
  /// All np entries of every column zero.
  void reset(std::size_t np) {
    if (x.size() == np) {  // the columns are in place (values_ or bound), back to back
      std::fill_n(x.data(), 4 * np, 0.0);
      return;
    }
    values_.assign(4 * np, 0.0);
    x = {values_.data(), np};
    s = {values_.data() + np, np};
    x2 = {values_.data() + 2 * np, np};
    s2 = {values_.data() + 3 * np, np};
  }
  /// All zero on first use; afterwards only the entries of the partitions a class accesses
  /// (`accessed`, per access) can be non-zero. When it accesses many, all are cleared at once.
  void clear_accessed(std::span<const std::size_t> accessed, std::size_t np) {
    if (x.size() != np || 4 * accessed.size() >= np) {
      reset(np);
      return;
    }
    for (const std::size_t p : accessed) x[p] = s[p] = x2[p] = s2[p] = 0.0;
  }
  /// Columns of np entries, their values left as they are (every one is written next).
  void size_for(std::size_t np) {
    if (x.size() != np) reset(np);
  }

 private:
  std::vector<double> values_;
};

// What a requester of class c meets on partition p from the *other* classes (population x
// locks held, and their length-biased residual lock-seconds); its own class is added with
// others_seen(c, c). Each one class x partition array, (c, p) at c * np + p: one allocation
// each per solve, not one per class (10^4 classes, issue #16).
struct FromOtherClasses {
  std::vector<double> x, s, resid_x, resid_s;
};

// All requests' waits of a class (first and second moments, and the first outside hot-granule
// queues), summed over the partitions with the requests on each as weights.
struct AllWaits {
  double first = 0, second = 0, first_cold = 0;
};

// Per partition, sums over the classes (in flight, locks held, request rate, lock-seconds and
// their squares, those outside hot-granule queues) and quotients of them (evaluate_partitions).
struct PartitionSums {
  std::vector<double> in_flight, held, rate, hold1, hold2, hold2_cold;
  std::vector<double> first_rate;  // requests that are their transaction's first on p (queue_ahead)
  std::vector<double> cold_ratio, rho, mean, scv, second;
};

// Adds one class's terms to the per-partition sums (evaluate_partitions: `n_o` its population,
// `x_o` its throughput, `requests_on`, `hx`, `hs` per partition). `first`: the first class's
// terms are stored, the 0 + v of a sum started at 0 (no clearing pass: issue #16).
template <bool first>
void add_partition_terms(std::size_t np, double n_o, double x_o,
                         const double* __restrict requests_on, const double* __restrict hx,
                         const double* __restrict hs, const double* __restrict x,
                         const double* __restrict s, const double* __restrict x2,
                         const double* __restrict s2, const double* __restrict cx2,
                         const double* __restrict cs2, double* __restrict in_flight,
                         double* __restrict held, double* __restrict rate, double* __restrict hold1,
                         double* __restrict hold2, double* __restrict hold2_cold) {
  const auto add = [](double& sum, double term) { sum = first ? term : sum + term; };
  for (std::size_t p = 0; p < np; ++p) {
    add(in_flight[p], n_o * requests_on[p]);
    add(held[p], n_o * (hx[p] + hs[p]));
    add(rate[p], x_o * requests_on[p]);
    add(hold1[p], x_o * (x[p] + s[p]));
    add(hold2[p], x_o * (x2[p] + s2[p]));
    add(hold2_cold[p], x_o * (cx2[p] + cs2[p]));
  }
}

// The quotients of the per-partition sums (every operand loaded unconditionally, so that the
// loop has no branch).
void partition_quotient_terms(std::size_t np, const double* __restrict granules,
                              const double* __restrict held, const double* __restrict rate,
                              const double* __restrict hold1, const double* __restrict hold2,
                              const double* __restrict hold2_cold, double* __restrict cold,
                              double* __restrict rho, double* __restrict mean_out,
                              double* __restrict scv, double* __restrict second) {
  for (std::size_t p = 0; p < np; ++p) {
    const double r = rate[p], h1 = hold1[p], h2 = hold2[p], h2_cold = hold2_cold[p];
    // A request's wait on p is proportional to the others' residual lock-seconds there,
    // sum X_o E[hold^2] / 2 (conflict probability x length-biased residual).
    // std::clamp(h2_cold / h2, 0.0, 1.0) written out (the same comparisons, on values)
    const double share = h2_cold / h2;
    const double at_least_0 = share < 0.0 ? 0.0 : share;
    cold[p] = h2 > 0 ? (1.0 < at_least_0 ? 1.0 : at_least_0) : 1.0;
    rho[p] = held[p] / granules[p];
    const double mean = r > 0 ? h1 / r : 0.0;
    mean_out[p] = mean;
    scv[p] = mean > 0 ? std::max(0.0, h2 / r / (mean * mean) - 1.0) : 0.0;
    second[p] = r > 0 ? h2 / r : 0.0;
  }
}

// add_partition_terms for class o's holdings `h` and `cold` (those outside hot-granule queues).
template <bool first>
void add_class_to_partition_sums(std::size_t np, double n_o, double x_o, const double* requests_on,
                                 const double* hx, const double* hs, const Holding& h,
                                 const Holding& cold, PartitionSums& sums) {
  add_partition_terms<first>(np, n_o, x_o, requests_on, hx, hs, h.x.data(), h.s.data(), h.x2.data(),
                             h.s2.data(), cold.x2.data(), cold.s2.data(), sums.in_flight.data(),
                             sums.held.data(), sums.rate.data(), sums.hold1.data(),
                             sums.hold2.data(), sums.hold2_cold.data());
  double* first_rate = sums.first_rate.data();
  for (std::size_t p = 0; p < np; ++p) {
    const double term = x_o * std::min(1.0, requests_on[p]);
    first_rate[p] = first ? term : first_rate[p] + term;
  }
}

void partition_quotients(std::size_t np, const double* granules, PartitionSums& sums) {
  partition_quotient_terms(np, granules, sums.held.data(), sums.rate.data(), sums.hold1.data(),
                           sums.hold2.data(), sums.hold2_cold.data(), sums.cold_ratio.data(),
                           sums.rho.data(), sums.mean.data(), sums.scv.data(), sums.second.data());
}

// Working arrays of holdings() for one class, per access: the state of its partition, and the
// access's lock-seconds and squared lock-seconds.
struct HoldingScratch {
  std::vector<double> wait, wait2, same, cold, hot, seconds, squares, seconds_cold, squares_cold;
};

// The wait that stretches each later step of a held lock: mean and variance.
struct LaterWait {
  double mean = 0, variance = 0;
};

// Running sums of one class's waits over the partitions (LockModel::evaluate).
struct WaitSums {
  double conflicts = 0;       // sum over partitions of k_p * P(conflict)
  double cold_conflicts = 0;  // the same outside hot spots
  double wait_weighted = 0;   // sum of k_p * P(conflict) * residual hold
};

// AccessSteps of each access of `cls` (`tot`: its totals, step_s already the mean), into
// `values` (AccessColumns::fields x accesses) and `partitions` (accesses).
AccessColumns access_steps(const LockClass& cls, const ClassTotals& tot, double* values,
                           std::size_t* partitions) {
  AccessColumns out(values, partitions, cls.accesses.size());
  const double k = tot.requests;
  const double n = std::max(k - 1.0, 0.0);
  for (const PartitionAccess& acc : cls.accesses) {
    AccessSteps a;
    a.step = effective_step(cls, acc);
    a.own_variance = effective_step_scv(cls, acc) * a.step * a.step;
    double sigma2 = 0;
    if (n > 0) {
      a.later_mean = std::max(0.0, (k * tot.step_s - a.step) / n);
      sigma2 = std::max(0.0, (tot.step_sq_sum - a.step * a.step) / n - a.later_mean * a.later_mean);
      a.later_own_var = std::max(0.0, (tot.within_var_sum - a.own_variance) / n);
    }
    a.fpc_scale = n > 1 ? sigma2 / (n - 1) : 0.0;
    a.own_and_commit = cls.own_step_held * a.step + cls.commit_time_s;
    a.own_held_var = cls.own_step_held * a.own_variance;
    out.push(acc, a);
  }
  return out;
}

/// `rows`: the storage of the per-partition rows (two class x partition arrays) and of the
/// access columns (AccessColumns::fields per access, all classes'); `partitions` that of the
/// accesses' partitions.
std::vector<ClassTotals> class_totals(const LockWorkload& workload, std::vector<double>& rows,
                                      std::vector<std::size_t>& partitions) {
  const std::size_t np = workload.partitions.size();
  const std::size_t nc = workload.classes.size();
  std::vector<ClassTotals> totals(nc);
  std::size_t accesses = 0;
  for (const LockClass& cls : workload.classes) accesses += cls.accesses.size();
  rows.assign(2 * nc * np + AccessColumns::fields * accesses, 0.0);
  partitions.assign(accesses, 0);
  std::size_t first_access = 0;
  for (std::size_t c = 0; c < nc; ++c) {
    totals[c].requests_on = {rows.data() + c * np, np};
    // (the exclusive requests per partition, divided by requests_on below, in place)
    totals[c].exclusive_share_on = {rows.data() + (nc + c) * np, np};
    for (const PartitionAccess& acc : workload.classes[c].accesses) {
      totals[c].requests += acc.lock_requests;
      totals[c].requests_on[acc.partition] += acc.lock_requests;
      totals[c].exclusive_share_on[acc.partition] += acc.lock_requests * acc.exclusive_share;
      const double step = effective_step(workload.classes[c], acc);
      totals[c].step_s += acc.lock_requests * step;
      totals[c].step_sq_sum += acc.lock_requests * step * step;
      totals[c].within_var_sum +=
          acc.lock_requests * effective_step_scv(workload.classes[c], acc) * step * step;
    }
    if (totals[c].requests > 0) totals[c].step_s /= totals[c].requests;
    for (std::size_t p = 0; p < np; ++p) {
      const double k = totals[c].requests_on[p];
      double& share = totals[c].exclusive_share_on[p];
      share = k > 0 ? share / k : 0.0;
    }
    totals[c].steps = access_steps(workload.classes[c], totals[c],
                                   rows.data() + 2 * nc * np + AccessColumns::fields * first_access,
                                   partitions.data() + first_access);
    first_access += workload.classes[c].accesses.size();
    const std::span<std::size_t> on = totals[c].steps.partition;
    totals[c].steps.every_partition_in_order = on.size() == np;
    for (std::size_t i = 0; i < on.size() && totals[c].steps.every_partition_in_order; ++i)
      totals[c].steps.every_partition_in_order = on[i] == i;
  }
  return totals;
}

/// The mean-value iteration of analyze_lock_contention for one workload: the iteration state
/// (waits per class and per class and partition, and the lagged quantities), one evaluation of
/// the model for the current waits, the damped and Anderson-accelerated iteration over it, and
/// the results at the final waits. One object per call.
class LockModel {
 public:
  LockModel(const LockWorkload& workload, const LockOptions& options);
  /// Iterates to the fixed point (or divergence, or the iteration limit).
  void iterate();
  /// The results at the final waits (evaluates the model once more).
  LockContention results();
  /// The open classes alone fill a lock queue without waits (no operating point on any path).
  bool open_load_fills_a_queue() const;
  /// A hot lock queue's utilization fell after a damped step (the map was not order-preserving
  /// on the way: a divergence then proves nothing; docs/locking.md "One verdict for every path").
  bool queue_fell() const { return queue_fell_; }

 private:
  bool is_open(std::size_t c) const { return workload.classes[c].arrival_rate_per_s > 0; }
  double others_seen(std::size_t requester, std::size_t o) const {
    // Other transactions seen by a requester: N - 1 of its own class when the population is
    // fixed (closed, Tay et al.), N for Poisson arrivals (an arrival sees the time average).
    return (o == requester && !is_open(requester)) ? std::max(population[o] - 1.0, 0.0)
                                                   : population[o];
  }
  double exclusive_share(std::size_t c, std::size_t p) const {
    return exclusive_share_of(totals[c], p);
  }
  // A damped update of iteration state (a state below 0, no value yet, takes the value).
  void damped(double& state, double value) const {
    state = state < 0 ? value : (1 - options.damping) * state + options.damping * value;
  }
  // The response time of class c without waits.
  double response_time_no_wait(std::size_t c) const {
    return totals[c].requests * totals[c].step_s + workload.classes[c].commit_time_s;
  }

  void all_waits(std::size_t c, double z, double n, AllWaits& all, AllWaits* cold) const;
  /// All waits into `h`; with `cold_h`, also those outside hot-granule queues (`cold`).
  void holdings(std::size_t c, double z, const ClassVariance& var, Holding& h,
                Holding* cold_h = nullptr) const;
  double residual_moment_ratio(std::size_t c) const;
  ClassVariance class_variance(std::size_t c, double z) const;
  LockIterationState state() const {
    return {wait_per_request, wait_on.values(), wait2_on.values(), wait_per_conflict,
            moment_ratio,     share_hot,        cold_ratio,        same_queue};
  }
  void restore(const LockIterationState& s);

  std::vector<double> evaluate(const std::vector<double>& z);
  void evaluate_classes(const std::vector<double>& z);
  void held_and_residuals(std::size_t c);
  void evaluate_partitions();
  void partition_sums();
  void sum_from_other_classes();
  double residual_seconds(std::size_t o, double count, const double* second_moment,
                          std::size_t p) const;
  void sequence_partition_wait(std::size_t c, std::size_t p, WaitSums& sums);
  LockQueueWait sequence_partition_queue(std::size_t p, const SequenceHold& h) const;
  SequenceStallInput sequence_stall_input(std::size_t p, const SequenceHold& h) const;
  void partition_wait(std::size_t c, std::size_t p, double own, double ratio, WaitSums& sums);
  // From this many partitions on, evaluate() takes a class's waits in flat loops (class_waits).
  static constexpr std::size_t kFlatWaitPartitions = 16;
  void class_waits(std::size_t c, double own, double ratio, WaitSums& sums);
  std::vector<double> wait_use;                                            // scratch of class_waits
  std::vector<double> wait_conflicts, wait_weighted, wait_new, wait2_new;  // scratch of class_waits

  void set_up_anderson();
  void pack(std::vector<double>& x) const;
  void unpack(const std::vector<double>& x);
  bool admissible(std::vector<double>& x, const std::vector<double>& damped_x) const;
  double partition_change(const std::vector<double>& x, const std::vector<double>& g) const;
  mutable std::vector<double> change_terms;  // scratch of partition_change
  bool stable_operating_point();
  bool stable_above_warm_start();
  void plain_probe_step(std::vector<double>& x);
  bool damp_waits(const std::vector<double>& z_new, double& change);
  std::string blow_up_reason() const;
  void monotone_extrapolation();
  std::optional<double> monotone_step_ratio() const;
  bool plain_blow_up_proven(double q) const;
  void iterate_attempt();
  void watch_last_steps();
  bool anderson_step(double change);

  void partition_results(LockContention& out) const;
  DeadlockInputs deadlock_inputs() const;
  void single_granule_deadlock_terms(std::size_t p, DeadlockInputs& in) const;
  double longer_cycle_factor(const DeadlockInputs& in) const;
  void add_longer_cycles(const DeadlockInputs& in, std::vector<double>& sums,
                         std::vector<double>& held, std::vector<double>& requested) const;
  ClassContention class_result(std::size_t c, double p_deadlock, double& alpha) const;
  double reported_wait2(std::size_t c, std::size_t p) const;
  double active_wait(std::size_t c) const;
  void no_wait_holdings(std::size_t c, Holding& h) const;
  void add_tay_workload(std::size_t c, double& k2n_over_d) const;
  void diagnose(LockContention& out) const;
  std::vector<double> no_wait_granule_load(bool open_only = false) const;
  std::vector<std::size_t> hot_at_zero_waits(const std::vector<double>& load) const;
  std::size_t saturated_queue(const std::vector<std::size_t>& candidates,
                              std::vector<std::size_t>& equal, const std::vector<double>& load,
                              bool by_granules = true) const;
  std::string loaded_alike(const std::vector<std::size_t>& equal) const;
  void check_sequence_stalls(LockContention& out) const;

  const LockWorkload& workload;
  const LockOptions& options;
  const std::size_t np;
  const std::size_t nc;
  std::vector<double> totals_on;  // the rows and access columns of `totals` (class_totals)
  std::vector<std::size_t> access_partitions;  // the accesses' partitions of `totals`
  const std::vector<ClassTotals> totals;

  // Mean lock wait per request of class c on partition p at the last evaluation (-1: none yet).
  // A lock taken by a request on p is held through the *other* requests of the transaction, so
  // their mean wait (k z - z_p) / (k - 1) stretches its later steps - the same finite-population
  // view as for the step means in holdings(). It matters for hot spots: a transaction that holds
  // the hot lock does not wait for it again.
  ClassRows wait_on;
  std::vector<double> share_hot;  // hot_spot_share per partition (last evaluation)
  ClassRows wait2_on;             // E[wait^2]
  // wait_on and wait2_on are iteration state, damped like the mean waits (options.damping).

  // Share of the waits on a partition that a hot lock's holder still meets: the second moment of
  // its holders' lock-seconds outside hot-granule queues over all of it (last evaluation; see
  // `cold` in holdings()). 1 until known.
  std::vector<double> cold_ratio;
  // Share of the transactions queued on a partition that queue for one given granule (its
  // holder's): the hot-spot share over the D granules - 1 for one hot page, about 0 for many
  // granules (the lock experiment's small partition of 1000 pages keeps its contention model;
  // with the share alone its analytic response time fell again above 300 TPS). End-of-file
  // inserts: all queued inserters (see the holder's z_cold in holdings()).
  std::vector<double> same_queue;

  // State of the mean-value iteration: z_c, the mean lock wait per request of class c.
  std::vector<double> wait_per_request;
  std::vector<HoldingProfile> profile;
  std::vector<double> holding_on;  // the columns of hold and hold_cold (4 np per record)
  std::vector<Holding> hold;
  std::vector<Holding> hold_cold;  // outside hot-granule queues (holdings(..., &cold_h))
  std::vector<double> population;
  std::vector<double> conflict_prob;
  std::vector<double> wait_per_conflict;
  // Conflicts per request outside hot spots (those feed Thomasian's alpha; a hot granule is a
  // queue, docs/locking.md "Hot spots").
  std::vector<double> cold_conflict_prob;
  std::vector<double> granule_rho;           // locks held per granule (raw)
  std::vector<double> hold_scv;              // SCV of a lock's holding time per partition
  std::vector<double> hot_held;              // locks held per partition (not sequence ones)
  std::vector<double> queue_factor;          // queue_wait_factor per partition (not sequence ones)
  std::vector<LockQueueWait> sequence_wait;  // sequence partitions only
  std::vector<SequenceHold> sequence_hold;   // holding-time moments, every partition
  ClassRows held_x;
  ClassRows held_s;
  // residual_seconds(c, population[c], hold[c].x2 / .s2, p) (held_and_residuals)
  // [c * np + p] (one allocation each)
  std::vector<double> resid_term_x, resid_term_s;
  FromOtherClasses from_others;
  std::vector<double> sequence_x, sequence_s;   // all classes' locks held
  std::vector<double> other_terms, throughput;  // scratch of one evaluation
  PartitionSums partition_sums_;                // scratch of evaluate_partitions()
  std::vector<double> granules_;                // LockPartition::granules per partition
  std::vector<char> sequence_;                  // LockPartition::sequence_batch > 0 per partition
  mutable HoldingScratch holding_scratch;       // scratch of holdings() (const: also for results)
  // The residual moment ratio at the last evaluation (iteration state, like wait_per_conflict;
  // 4/3 before any).
  std::vector<double> moment_ratio;

  bool diverged = false;
  // The state is the damped step from the last evaluation (whose granule_rho are still held),
  // not an accelerated step, a jump or a restart; watch_fall: the evaluation under way compares
  // its queue utilizations with those (evaluate_partitions); queue_fell_: one fell (queue_fell).
  bool damped_since_evaluation = false;
  std::size_t damped_run = 0;  // damped steps since the attempt's start or an accelerated step
  bool watch_fall = false;
  bool queue_fell_ = false;
  // The swings that overshoot show within the first damped steps of a run (1-4 from zero waits,
  // from the first step on from a warm start, a cycle at every step): only kWatchedSteps of each
  // run are watched (the 10^4-partition model's plain runs are 10-146 steps: every one watched
  // cost 0.35 % of its instructions).
  static constexpr std::size_t kWatchedSteps = 16;
  mutable std::optional<bool> open_load_full_;  // open_load_fills_a_queue, once computed
  std::string divergence_reason;
  bool converged = false;
  const LockIterationState zero_wait_state;
  bool warm_started = false;

  // Anderson acceleration over the whole iteration state (set_up_anderson).
  std::optional<fixed_point::AndersonAcceleration> anderson;
  std::vector<double> state_weight;
  // wait_per_conflict, moment_ratio, share_hot, cold_ratio, same_queue
  const std::size_t lagged_at;
  bool accelerate = false;
  double best_change = std::numeric_limits<double>::infinity();
  std::size_t since_best = 0;
  std::vector<double> x_start;
  bool accelerated_steps = false;
  std::size_t attempt_start = 0;            // the first iteration of the current attempt
  std::vector<double> x_before, g, x_next;  // reused: no allocation per iteration
  std::size_t it = 0;                       // iterations done
  // The plain phase of a warm-started solve (monotone_extrapolation): the last iterate and step.
  const bool extrapolate_plain;
  std::vector<double> plain_last, plain_step, plain_now;
  bool step_for_jumps = false;   // plain_step was taken after a jump settled (not while it did)
  double divergent_steps = 0;    // plain steps a jump stands for, once divergence is proven
  std::size_t settle_steps = 0;  // plain steps after a jump before the next ratio is taken
  // A cap of the model bound at the last evaluation: a conflict probability at 1 or a lock queue
  // at the utilization where its wait factor stops growing (queue_wait_factor).
  bool caps_bind = false;
  std::vector<double> before_jump;  // the state a jump left, until its first evaluation
  bool jumps_off = false;           // a jump reached a cap: no more jumps in this solve
};

LockModel::LockModel(const LockWorkload& workload_, const LockOptions& options_)
    : workload(workload_),
      options(options_),
      np(workload_.partitions.size()),
      nc(workload_.classes.size()),
      totals(class_totals(workload_, totals_on, access_partitions)),
      wait_on(nc, np, -1.0),
      share_hot(np, 0.0),
      wait2_on(nc, np),
      cold_ratio(np, 1.0),
      same_queue(np, 0.0),
      wait_per_request(nc, 0.0),
      profile(nc),
      hold(nc),
      hold_cold(nc),
      population(nc, 0.0),
      conflict_prob(nc, 0.0),
      wait_per_conflict(nc, 0.0),
      cold_conflict_prob(nc, 0.0),
      granule_rho(np, 0.0),
      hold_scv(np, 0.0),
      hot_held(np, 0.0),
      queue_factor(np, 1.0),
      sequence_wait(np),
      sequence_hold(np),
      held_x(nc, np),
      held_s(nc, np),
      resid_term_x(nc * np, 0.0),
      resid_term_s(nc * np, 0.0),
      from_others{std::vector<double>(nc * np, 0.0), std::vector<double>(nc * np, 0.0),
                  std::vector<double>(nc * np, 0.0), std::vector<double>(nc * np, 0.0)},
      sequence_x(np, 0.0),
      sequence_s(np, 0.0),
      throughput(nc, 0.0),
      moment_ratio(nc, 4.0 / 3.0),
      zero_wait_state(state()),
      lagged_at(nc * (1 + 2 * np)),
      extrapolate_plain(options.start != nullptr && state_fits(*options.start, nc, np)) {
  // holdings()' scratch: once for the class with the most accesses, not resized per call.
  std::size_t most_accesses = 0;
  for (const LockClass& cls : workload.classes)
    most_accesses = std::max(most_accesses, cls.accesses.size());
  for (auto* v :
       {&holding_scratch.wait, &holding_scratch.wait2, &holding_scratch.same, &holding_scratch.cold,
        &holding_scratch.hot, &holding_scratch.seconds, &holding_scratch.squares,
        &holding_scratch.seconds_cold, &holding_scratch.squares_cold})
    v->assign(most_accesses, 0.0);
  holding_on.assign(8 * nc * np, 0.0);
  for (std::size_t c = 0; c < nc; ++c) {
    hold[c].bind(holding_on.data() + 4 * c * np, np);
    hold_cold[c].bind(holding_on.data() + 4 * (nc + c) * np, np);
  }
  granules_.reserve(np);
  for (const LockPartition& part : workload.partitions) {
    granules_.push_back(part.granules);
    sequence_.push_back(part.sequence_batch > 0 ? 1 : 0);
  }
  if (const LockIterationState* s = options.start; s && state_fits(*s, nc, np)) {
    warm_started = true;
    restore(*s);
  }
  set_up_anderson();
  accelerate = anderson.has_value();
  if (accelerate) pack(x_start);
}

// All requests' waits (first and second moments), the same for every access: summed once,
// not once per access (O(partitions) instead of O(partitions^2) per class, issue #16).
// With `cold`, also those outside hot-granule queues (each wait on q weighted by 1 - same_queue)
// in the same pass: independent chains of additions, each in partition order (issue #16).
void LockModel::all_waits(std::size_t c, double z, double n, AllWaits& all, AllWaits* cold) const {
  all = AllWaits{};
  if (cold) *cold = AllWaits{};
  if (!(n > 0 && z > 0)) return;
  const double* requests_on = totals[c].requests_on.data();
  const double* wait = wait_on[c];
  const double* wait2 = wait2_on[c];
  const double* same = same_queue.data();
  const double* cold_share = cold_ratio.data();
  const auto add = [&](std::size_t q, double weight, AllWaits& to) {
    to.first += weight * requests_on[q] * std::max(0.0, wait[q]);
    to.second += weight * requests_on[q] * wait2[q];
    to.first_cold += cold_share[q] * requests_on[q] * std::max(0.0, wait[q]);
  };
  if (!cold) {
    for (std::size_t q = 0; q < np; ++q) add(q, 1.0, all);
    return;
  }
  for (std::size_t q = 0; q < np; ++q) {
    add(q, 1.0, all);
    add(q, 1.0 - same[q], *cold);
  }
}

// The wait of each of the later steps of a lock taken on a partition (mean and variance; `all` as
// in holdings()): `wait`, `wait2` the class's mean wait and its second moment there (wait_on,
// wait2_on), `same` and `cold_share` the partition's same_queue and cold_ratio. The class's mean
// wait z and variance `wait_var` where the class has no other requests (`active` false: n = 0 or
// z = 0) or no wait there yet. Every quotient is computed and the result then selected (no
// branch: holdings() takes two accesses at a time, issue #16); `n` is the number of the class's
// other requests, or any positive number when not `active`.
template <bool cold>
[[gnu::always_inline]] inline LaterWait later_wait(double wait, double wait2, double same,
                                                   double cold_share, double n, const AllWaits& all,
                                                   bool active, double z, double wait_var) {
  // The other requests' waits: mean and variance without this request's own.
  const double own_weight = cold ? 1.0 - same : 1.0;
  double mean = std::max(0.0, (all.first - own_weight * wait) / n);
  if constexpr (!cold) {
    // Nor does the holder of a hot granule wait for a lock held by a transaction queued
    // behind it: that request closes a cycle and is a deadlock (the requester is the
    // victim, L2364), not a wait. Its later requests meet only the lock-seconds of
    // transactions outside the hot queue (cold_ratio). Issue #13: one hot page locked by
    // every transaction, analytic limit 30.1 -> 34.7 TPS against 36 simulated (the hot
    // holder's BRANCH waits grew with the hot queue, and the queue diverged at 88 %);
    // page-locked HISTORY at 130 / 145 TPS: response +18 / +32 % -> -5 / -4 %. For
    // end-of-file inserts all queued inserters count, not only those at the holder's own
    // page (1 / max(1, utilization) of them, about 1/5 at 130 TPS): that gave +16 / +31 %
    // (measured 2026-11-30), so the waits for inserters queued at the later pages are
    // short too - the mean-value residual would count them in full.
    const double z_cold = std::max(0.0, (all.first_cold - cold_share * wait) / n);
    mean = (1.0 - same) * mean + same * z_cold;
  }
  const double second = std::max(0.0, (all.second - wait2) / n);
  const bool known = active & (wait >= 0);  // (no branch)
  const double later_mean = known ? mean : z;
  const double variance = std::max(0.0, second - later_mean * later_mean);
  return {later_mean, known ? variance : wait_var};
}

// Loops that divide many independent values: also compiled for AVX2 (four divisions at a time),
// chosen at run time where the CPU has it. AVX2 alone, without FMA: every operation stays the
// same IEEE operation, so the values are those of the default build (issue #16).
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__)
#define TPEVAL_WIDE_VECTORS [[gnu::target_clones("avx2", "default")]]
#else
#define TPEVAL_WIDE_VECTORS
#endif

// LockModel::held_and_residuals for a response time r > 0 and `count` transactions.
TPEVAL_WIDE_VECTORS void held_quotients(std::size_t np, double r, double count,
                                        const double* __restrict x, const double* __restrict s,
                                        const double* __restrict x2, const double* __restrict s2,
                                        double* __restrict hx, double* __restrict hs,
                                        double* __restrict rx, double* __restrict rs) {
  for (std::size_t p = 0; p < np; ++p) {
    hx[p] = x[p] / r;
    hs[p] = s[p] / r;
  }
  for (std::size_t p = 0; p < np; ++p) {
    rx[p] = count * x2[p] / (2 * r);
    rs[p] = count * s2[p] / (2 * r);
  }
}

// The quotients of LockModel::partition_change from component `from` on (a component with no
// value yet counts 0, which cannot raise the maximum of values >= 0).
TPEVAL_WIDE_VECTORS void change_quotients(std::size_t from, std::size_t n, double damping,
                                          const double* __restrict xs, const double* __restrict gs,
                                          const double* __restrict weight,
                                          double* __restrict terms) {
  for (std::size_t i = from; i < n; ++i) {
    const double xi = xs[i], gi = gs[i], wi = weight[i];
    const double scaled = wi * std::abs(gi - xi) / damping;
    const double term = scaled / std::max(1.0, wi * std::abs(xi));
    terms[i] = ((xi < 0) | (gi < 0)) ? 0.0 : term;
  }
}

// LockModel::partition_wait's arithmetic for every partition of one class at once (class_waits):
// the same operations on each value, four divisions a partition, in a loop without branches (the
// quotients of unused partitions are computed and discarded). `use` is false for the partitions
// the loop leaves alone (no requests, or a sequence partition). Writes each used partition's
// conflicts and k_p x wait into `conflicts`, `weighted` and damps its wait_on / wait2_on; true if
// some used partition's locks held reach its granules (a cap binds).
struct PartitionWaitRow {
  const double *requests_on, *granules, *exclusive_share, *queue_factor;
  const double *from_x, *from_s, *from_resid_x, *from_resid_s;  // from_others, row c
  const double *held_x, *held_s;                                // held_x / held_s, row c
  const double *resid_term_x, *resid_term_s;                    // (whole population)
  const double *hold_x2, *hold_s2;                              // hold[c] (others_seen < N)
  const double* use;                                            // 1 or 0
};
template <bool whole>
TPEVAL_WIDE_VECTORS bool partition_wait_row(std::size_t np, const PartitionWaitRow& in, double own,
                                            double response_s, double ratio, double damping,
                                            double* __restrict wait_on, double* __restrict wait2_on,
                                            double* __restrict conflicts,
                                            double* __restrict weighted,
                                            double* __restrict new_wait,
                                            double* __restrict new_wait2) {
  const double* __restrict kps = in.requests_on;
  const double* __restrict granules = in.granules;
  const double* __restrict ws = in.exclusive_share;
  const double* __restrict queues = in.queue_factor;
  const double* __restrict fx = in.from_x;
  const double* __restrict fs = in.from_s;
  const double* __restrict frx = in.from_resid_x;
  const double* __restrict frs = in.from_resid_s;
  const double* __restrict hxs = in.held_x;
  const double* __restrict hss = in.held_s;
  const double* __restrict rtx = in.resid_term_x;
  const double* __restrict rts = in.resid_term_s;
  const double* __restrict x2 = in.hold_x2;
  const double* __restrict s2 = in.hold_s2;
  const double* __restrict use = in.use;
  std::int64_t caps = 0;  // (an integer of the doubles' width: the loop vectorizes)
  for (std::size_t p = 0; p < np; ++p) {
    const double kp = kps[p];
    const double d = granules[p];
    const double hx = fx[p] + own * hxs[p];
    const double hs = fs[p] + own * hss[p];
    // residual_seconds(c, own, x2 / s2, p) unless the class sees its whole population
    double resid_x = 0, resid_s = 0;
    if constexpr (whole) {
      resid_x = frx[p] + rtx[p];
      resid_s = frs[p] + rts[p];
    } else {
      resid_x = frx[p] + (response_s > 0 ? own * x2[p] / (2 * response_s) : 0.0);
      resid_s = frs[p] + (response_s > 0 ? own * s2[p] / (2 * response_s) : 0.0);
    }
    const bool used = use[p] != 0.0;
    caps |= static_cast<std::int64_t>(used & (hx + hs >= d));
    const double p_exclusive = std::min(1.0, (hx + hs) / d);
    const double p_shared = std::min(1.0, hx / d);
    const double w = ws[p];
    const double queue = queues[p];
    // (divisors made positive where the quotient is discarded: GCC would otherwise keep each
    // division in a branch of its own, and the loop would not vectorize)
    const double wait_exclusive_q = queue * (resid_x + resid_s) / (hx + hs > 0 ? hx + hs : 1.0);
    const double wait_shared_q = queue * resid_x / (hx > 0 ? hx : 1.0);
    const double wait_exclusive = (hx + hs) > 0 ? wait_exclusive_q : 0.0;
    const double wait_shared = hx > 0 ? wait_shared_q : 0.0;
    const double conflicts_p = kp * (w * p_exclusive + (1 - w) * p_shared);
    const double wait_p = w * p_exclusive * wait_exclusive + (1 - w) * p_shared * wait_shared;
    const double wait2_p = ratio * (w * p_exclusive * wait_exclusive * wait_exclusive +
                                    (1 - w) * p_shared * wait_shared * wait_shared);
    conflicts[p] = conflicts_p;
    weighted[p] = kp * wait_p;
    new_wait[p] = wait_p;
    new_wait2[p] = wait2_p;
  }
  // damped(): a state below 0 (no value yet) takes the value
  for (std::size_t p = 0; p < np; ++p) {
    const double old = wait_on[p], old2 = wait2_on[p];
    const double wait_p = new_wait[p], wait2_p = new_wait2[p];
    const double damped = old < 0 ? wait_p : (1 - damping) * old + damping * wait_p;
    const double damped2 = old2 < 0 ? wait2_p : (1 - damping) * old2 + damping * wait2_p;
    const bool used = use[p] != 0.0;
    wait_on[p] = used ? damped : old;
    wait2_on[p] = used ? damped2 : old2;
  }
  return caps != 0;
}

// What holdings() needs of a class that is the same for all its accesses.
struct HoldingShape {
  double k = 0, n = 0;      // requests, and the others of one of them
  double sum_m = 0;         // sum over the positions of the later steps m
  double sum_m2 = 0;        // sum of m^2
  double pair_cov = 0;      // step_covariance_s2
  double extra = 0;         // 1 with a commit phase (a piece)
  double pairs = 0;         // sum over the positions of the covariance pairs
  double spread_pairs = 0;  // max(0, n sum_m - sum_m2): the finite-population term's weight
  double commit_var = 0;    // variance of the commit phase
};

// Lock-seconds and squared lock-seconds of one access (before the split by mode).
struct AccessHold {
  double seconds = 0, squares = 0;
};

// The holding time of access i of a class (columns `col`) whose later steps wait `later`;
// `wait_var_weight` = 1 - hot_spot_share of its partition. Both forms (spread evenly, or all at
// one position) are computed and one selected (no branch, see later_wait).
[[gnu::always_inline]] inline AccessHold access_hold(const LaterWait& later, double wait_var_weight,
                                                     const HoldingShape& sh, double lock_requests,
                                                     double request_position, double mu,
                                                     double vbar, double fpc_scale, double a0,
                                                     double own_held_var) {
  // mu, vbar: the other n steps' mean and own variance; fpc_scale = sigma^2 / (n - 1); a0 the
  // own (half) step + commit.
  const double k = sh.k, n = sh.n, sum_m = sh.sum_m, sum_m2 = sh.sum_m2;
  const double var0 = own_held_var + sh.commit_var;
  const double later_var = vbar + wait_var_weight * later.variance;
  const double later_step = mu + later.mean;
  // Spread evenly: each of the k positions equally likely.
  const double e1 = k * a0 + later_step * sum_m;
  const double e2 = k * (a0 * a0 + var0) + 2.0 * a0 * later_step * sum_m +
                    later_step * later_step * sum_m2 + later_var * sum_m +
                    fpc_scale * sh.spread_pairs + sh.pair_cov * sh.pairs;
  // All at position u of the sequence: m = (k - 1)(1 - u) later steps.
  const double m = n * (1.0 - request_position);
  const double hold_s = a0 + m * later_step;
  const double variance = var0 + m * later_var + fpc_scale * m * (n - m) +
                          sh.pair_cov * (m + 1.0 + sh.extra) * (m + sh.extra);
  const double spread_seconds = lock_requests * e1 / k;
  const double spread_squares = lock_requests * e2 / k;
  const double at_seconds = lock_requests * hold_s;
  const double at_squares = lock_requests * (hold_s * hold_s + variance);
  const bool spread = request_position < 0;
  return {spread ? spread_seconds : at_seconds, spread ? spread_squares : at_squares};
}

// Holdings of a class that accesses every partition once, in order: access i's lock-seconds and
// squares split by mode into partition i (holdings(); each entry the 0 + v the sum would give).
TPEVAL_WIDE_VECTORS void store_holdings(std::size_t na, const double* __restrict seconds,
                                        const double* __restrict squares,
                                        const double* __restrict exclusive_share,
                                        double* __restrict x, double* __restrict s,
                                        double* __restrict x2, double* __restrict s2) {
  for (std::size_t i = 0; i < na; ++i) {
    const double xs = exclusive_share[i];
    x[i] = seconds[i] * xs;
    s[i] = seconds[i] * (1 - xs);
    x2[i] = squares[i] * xs;
    s2[i] = squares[i] * (1 - xs);
  }
}

// The holding times (lock-seconds and their squares) of the `na` accesses of a class, from each
// access's partition state (wait, wait2, same, cold_share, share_hot: gathered per access, or the
// partitions' own arrays when the class accesses every partition in order) and its columns, for
// all waits and (`with_cold`) for those outside hot-granule queues: both profiles differ only in
// the later steps' wait. Restrict-qualified arrays and no branches in the loop: two accesses at a
// time (issue #16).
template <bool with_cold>
TPEVAL_WIDE_VECTORS void access_holds(
    std::size_t na, const HoldingShape& sh, const AllWaits& all_in, const AllWaits& cold_in,
    bool active, double n_div, double z, double wait_var, const double* __restrict wait,
    const double* __restrict wait2, const double* __restrict same,
    const double* __restrict cold_share, const double* __restrict share_hot,
    const AccessColumns& col, double* __restrict seconds, double* __restrict squares,
    double* __restrict seconds_cold, double* __restrict squares_cold) {
  const double* __restrict lock_requests = col[AccessColumns::lock_requests];
  const double* __restrict request_position = col[AccessColumns::request_position];
  const double* __restrict later_mean = col[AccessColumns::later_mean];
  const double* __restrict later_own_var = col[AccessColumns::later_own_var];
  const double* __restrict fpc_scale = col[AccessColumns::fpc_scale];
  const double* __restrict own_and_commit = col[AccessColumns::own_and_commit];
  const double* __restrict own_held_var = col[AccessColumns::own_held_var];
  const HoldingShape shape = sh;
  const AllWaits all = all_in, all_cold = cold_in;
  for (std::size_t i = 0; i < na; ++i) {
    // The waits' variance comes from long waits behind blocked holders. The holder of a hot
    // granule never waits for those queued behind it (that wait would close a cycle: a
    // deadlock, resolved at once, L2364), so a hot lock's later steps keep only the mean wait
    // (weight 1 - hot_spot_share; issue #13: with it the page-locked HISTORY default's
    // analytic limit was 116 TPS against about 150 simulated).
    const double wait_var_weight = 1.0 - share_hot[i];
    const LaterWait later = later_wait<false>(wait[i], wait2[i], same[i], cold_share[i], n_div, all,
                                              active, z, wait_var);
    const AccessHold a = access_hold(later, wait_var_weight, shape, lock_requests[i],
                                     request_position[i], later_mean[i], later_own_var[i],
                                     fpc_scale[i], own_and_commit[i], own_held_var[i]);
    seconds[i] = a.seconds;
    squares[i] = a.squares;
    if constexpr (with_cold) {
      const LaterWait later_cold = later_wait<true>(wait[i], wait2[i], same[i], cold_share[i],
                                                    n_div, all_cold, active, z, wait_var);
      const AccessHold b = access_hold(later_cold, wait_var_weight, shape, lock_requests[i],
                                       request_position[i], later_mean[i], later_own_var[i],
                                       fpc_scale[i], own_and_commit[i], own_held_var[i]);
      seconds_cold[i] = b.seconds;
      squares_cold[i] = b.squares;
    }
  }
}

// First and second moments of the holding times, per class and partition, split by mode.
// Lock i of access a is held for the rest of its own step (half of a step of mean s_a and
// variance v_a: mean s_a / 2, variance v_a / 2, as one of two independent halves), the
// m = k - i later steps and the commit phase. The later steps are m of the other n = k - 1
// steps of the transaction, taken in random order, i.e. drawn without replacement from a
// fixed mix (mean mu_a, spread of the means sigma_a^2, mean own variance vbar_a); each is
// stretched by the lock wait z. Sampling without replacement gives
//   Var(later) = m (vbar_a + Var wait) + sigma_a^2 m (n - m) / (n - 1)
// (finite-population correction: a transaction has exactly its k_p steps of each kind).
// E[hold^2] = E[hold]^2 + Var(hold) enters the length-biased residual E[h^2] / (2 E[h])
// that a blocked request waits (Thomasian & Ryu, TSE 17(5) 1991: steps of different length).
// `cold`: the lock-seconds a transaction holds while it is not queued at a hot granule (its
// waits on partition q weighted by 1 - hot_spot_share(q)).
// Written into `h`, whose storage is reused from one iteration to the next (issue #16: four
// allocations per class and call, 8 x 10^4 per iteration with 10^4 classes). Only the
// partitions the class accesses are non-zero: those are cleared (`h` starts all zero).
void LockModel::holdings(std::size_t c, double z, const ClassVariance& var, Holding& h,
                         Holding* cold_h) const {
  const LockClass& cls = workload.classes[c];
  const ClassTotals& tot = totals[c];
  // A class that accesses every partition once, in order, writes every entry below: no clearing
  // pass first (10^4 partitions: 1.3 MB filled per evaluation, issue #16).
  const bool writes_all = tot.steps.every_partition_in_order && tot.requests > 0;
  if (writes_all) {
    h.size_for(np);
    if (cold_h) cold_h->size_for(np);
  } else {
    h.clear_accessed(tot.steps.partition, np);
    if (cold_h) cold_h->clear_accessed(tot.steps.partition, np);
  }
  HoldingShape sh;
  sh.k = tot.requests;
  if (sh.k <= 0) return;
  const double k = sh.k;
  const double n = std::max(k - 1.0, 0.0);
  sh.n = n;
  // Positions i = 1..k: m = k - i over 0..k-1 (closed forms, non-integer k allowed).
  sh.sum_m = k * n / 2.0;
  sh.sum_m2 = n * k * (2.0 * k - 1.0) / 6.0;
  AllWaits all, all_cold;
  all_waits(c, z, n, all, cold_h ? &all_cold : nullptr);
  // Correlated pieces (step_covariance_s2): m later steps, the own step and the commit phase
  // make j = m + 2 pieces and j (j - 1) covariances; summed over the positions below.
  sh.pair_cov = cls.step_covariance_s2;
  sh.extra = cls.commit_time_s > 0 ? 1.0 : 0.0;  // the commit phase, a piece
  sh.pairs = sh.sum_m2 + (2.0 * sh.extra + 1.0) * sh.sum_m + k * sh.extra * (sh.extra + 1.0);
  sh.spread_pairs = std::max(0.0, n * sh.sum_m - sh.sum_m2);
  sh.commit_var = var.commit;
  const bool active = n > 0 && z > 0;
  const double n_div = active ? n : 1.0;  // (quotients are discarded when not active)
  const double wait_var = var.wait;
  // Each access's partition state (gathered into contiguous arrays unless the class accesses
  // every partition in order); then the holding times of all accesses in a flat loop (two at a
  // time), then added to the partitions in access order.
  const AccessColumns& col = tot.steps;
  const std::size_t na = col.partition.size();
  HoldingScratch& sc = holding_scratch;  // sized for the most accesses of a class (LockModel())
  const double *wait = wait_on[c], *wait2 = wait2_on[c];
  const double *same = same_queue.data(), *cold = cold_ratio.data(), *hot = share_hot.data();
  if (!col.every_partition_in_order) {
    for (std::size_t i = 0; i < na; ++i) {
      const std::size_t p = col.partition[i];
      sc.wait[i] = wait[p];
      sc.wait2[i] = wait2[p];
      sc.same[i] = same[p];
      sc.cold[i] = cold[p];
      sc.hot[i] = hot[p];
    }
    wait = sc.wait.data();
    wait2 = sc.wait2.data();
    same = sc.same.data();
    cold = sc.cold.data();
    hot = sc.hot.data();
  }
  if (cold_h) {
    access_holds<true>(na, sh, all, all_cold, active, n_div, z, wait_var, wait, wait2, same, cold,
                       hot, col, sc.seconds.data(), sc.squares.data(), sc.seconds_cold.data(),
                       sc.squares_cold.data());
  } else {
    access_holds<false>(na, sh, all, all_cold, active, n_div, z, wait_var, wait, wait2, same, cold,
                        hot, col, sc.seconds.data(), sc.squares.data(), nullptr, nullptr);
  }
  const auto add_to = [&](const std::vector<double>& seconds, const std::vector<double>& squares,
                          Holding& out) {
    if (writes_all) {  // access i on partition i: the values 0 + v would have
      store_holdings(na, seconds.data(), squares.data(), col[AccessColumns::exclusive_share],
                     out.x.data(), out.s.data(), out.x2.data(), out.s2.data());
      return;
    }
    for (std::size_t i = 0; i < na; ++i) {
      const std::size_t p = col.partition[i];
      const double xs = col[AccessColumns::exclusive_share][i];
      out.x[p] += seconds[i] * xs;
      out.s[p] += seconds[i] * (1 - xs);
      out.x2[p] += squares[i] * xs;
      out.s2[p] += squares[i] * (1 - xs);
    }
  };
  add_to(sc.seconds, sc.squares, h);
  if (cold_h) add_to(sc.seconds_cold, sc.squares_cold, *cold_h);
}

// Variances shared by all locks of a class for the mean wait z per request. A request waits
// W (the wait per conflict of the last evaluation) with probability P = z / W and not at all
// otherwise: Var(wait) = P E[W^2] - z^2 = (E[W^2] / W^2) z W - z^2. W is the residual of a
// length-biased holding time h, E[W^2] = E[h^3] / (3 E[h]); with a gamma-distributed h of
// squared coefficient of variation c^2 (two-moment fit of the holding profile of the last
// evaluation, the requester's own class standing for its blockers) that gives
//   E[W^2] / W^2 = 4 (1 + 2 c^2) / (3 (1 + c^2)),
// 4/3 for fixed holds (uniform residual), 2 for exponential ones.
double LockModel::residual_moment_ratio(std::size_t c) const {
  const double k = totals[c].requests;
  // The four sums of sum() in one pass (four independent chains of additions, each in order).
  const Holding& h = hold[c];
  double sx = 0, ss = 0, sx2 = 0, ss2 = 0;
  for (std::size_t p = 0; p < h.x.size(); ++p) {
    sx += h.x[p];
    ss += h.s[p];
    sx2 += h.x2[p];
    ss2 += h.s2[p];
  }
  const double e1 = k > 0 ? (sx + ss) / k : 0.0;
  const double e2 = k > 0 ? (sx2 + ss2) / k : 0.0;
  const double c2 = e1 > 0 ? std::max(0.0, e2 / (e1 * e1) - 1.0) : 0.0;
  return 4.0 * (1.0 + 2.0 * c2) / (3.0 * (1.0 + c2));
}

ClassVariance LockModel::class_variance(std::size_t c, double z) const {
  const LockClass& cls = workload.classes[c];
  ClassVariance v;
  v.commit = cls.commit_time_scv * cls.commit_time_s * cls.commit_time_s;
  if (z > 0) v.wait = std::max(0.0, moment_ratio[c] * z * wait_per_conflict[c] - z * z);
  return v;
}

void LockModel::restore(const LockIterationState& s) {
  wait_per_request = s.wait_per_request;
  wait_on.assign(s.wait_on);
  wait2_on.assign(s.wait2_on);
  wait_per_conflict = s.wait_per_conflict;
  moment_ratio = s.residual_moment_ratio;
  share_hot = s.hot_spot_share;
  cold_ratio = s.cold_share;
  same_queue = s.same_queue_share;
}

// One evaluation of the model for the current waits; returns the new waits per request.
std::vector<double> LockModel::evaluate(const std::vector<double>& z) {
  evaluate_classes(z);
  evaluate_partitions();
  // queue_wait_factor stops growing just below utilization 1 (and a sequence partition's queue
  // is saturated at 1).
  // Below 0.998 the factor is about half the cap: no division needed to rule it out.
  const double capped = queue_wait_factor(2.0, 1.0);
  caps_bind = std::any_of(granule_rho.begin(), granule_rho.end(), [capped](double rho) {
    return rho >= 0.998 && queue_wait_factor(rho, 1.0) >= capped;
  });
  sum_from_other_classes();
  std::vector<double> z_new(nc, 0.0);
  for (std::size_t c = 0; c < nc; ++c) {
    if (totals[c].requests <= 0) continue;
    // The requester's own class: N - 1 others when closed (others_seen).
    const double own = others_seen(c, c);
    WaitSums sums;
    const double ratio = residual_moment_ratio(c);  // E[W^2] / W^2 of a residual wait
    moment_ratio[c] = ratio;
    if (np >= kFlatWaitPartitions) {
      class_waits(c, own, ratio, sums);
    } else {
      for (std::size_t p = 0; p < np; ++p) {
        if (totals[c].requests_on[p] <= 0) continue;
        if (sequence_[p]) {
          sequence_partition_wait(c, p, sums);
        } else {
          partition_wait(c, p, own, ratio, sums);
        }
      }
    }
    conflict_prob[c] = sums.conflicts / totals[c].requests;
    cold_conflict_prob[c] = sums.cold_conflicts / totals[c].requests;
    wait_per_conflict[c] = sums.conflicts > 0 ? sums.wait_weighted / sums.conflicts : 0.0;
    z_new[c] = sums.wait_weighted / totals[c].requests;
  }
  return z_new;
}

// Per class: holding profile, holdings, population and locks held for the waits z.
void LockModel::evaluate_classes(const std::vector<double>& z) {
  for (std::size_t c = 0; c < nc; ++c) {
    const LockClass& cls = workload.classes[c];
    profile[c] = holding_profile(totals[c].requests, totals[c].step_s, z[c], cls);
    holdings(c, z[c], class_variance(c, z[c]), hold[c], &hold_cold[c]);
    const double r = profile[c].response_time_s;
    population[c] = is_open(c) ? cls.arrival_rate_per_s * r : cls.concurrent_transactions;
    held_and_residuals(c);
  }
  for (std::size_t o = 0; o < nc; ++o) {
    const double r = profile[o].response_time_s;
    throughput[o] = r > 0 ? population[o] / r : 0.0;  // of the class, once (not per partition)
  }
}

// Per partition, the time-average locks held by one transaction of class c (Little: lock-seconds
// / life time) and the residual lock-seconds of the class's population (residual_seconds, the
// terms of sum_from_other_classes and of a requester's own class). Flat loops over contiguous
// arrays with the test of r outside, so that the compiler divides two values at a time (issue
// #16: these divisions were about a tenth of an evaluation with 10^4 partitions); every value is
// the same expression as before.
void LockModel::held_and_residuals(std::size_t c) {
  const double r = profile[c].response_time_s;
  const double count = population[c];
  const double* x = hold[c].x.data();
  const double* s = hold[c].s.data();
  const double* x2 = hold[c].x2.data();
  const double* s2 = hold[c].s2.data();
  double* hx = held_x[c];
  double* hs = held_s[c];
  double* rx = resid_term_x.data() + c * np;
  double* rs = resid_term_s.data() + c * np;
  if (!(r > 0)) {
    std::fill_n(hx, np, 0.0);
    std::fill_n(hs, np, 0.0);
    std::fill_n(rx, np, 0.0);
    std::fill_n(rs, np, 0.0);
    return;
  }
  held_quotients(np, r, count, x, s, x2, s2, hx, hs, rx, rs);
}

// A hot lock queue (utilization above kHotQueue) whose utilization falls by more than kQueueFall
// of itself from the evaluation before a damped step to the one after it (watch_fall) marks the
// solve (queue_fell). The plain map is order-preserving where the divergence verdict of a solve
// rests on it ("Beyond the fold"): longer waits, longer holding, fuller queues. Where the
// per-partition quantities the holding times read from the evaluation before (waits per class
// and partition, cold and same-queue shares) swing instead - a longer queue on one partition
// leaves its holders less time in cold waits elsewhere - the iterates can overshoot a queue past
// utilization 1 where an operating point exists (four hot spots of 2 granules, open classes:
// 0.91 -> 0.62 -> 1.08 in three steps from zero waits), and the divergence is no verdict
// (analyze_lock_contention then follows the load up from zero). A swing that overshoots fell by
// 0.075 at the onset of the cycle and 0.13-0.76 otherwise there; the diverged solves of the
// shipped studies whose following confirmed the divergence fall by 0.002-0.06 (40 followings in
// force_noforce.json with 1e-3: +24 % of its instructions), those of the 10^4-partition model not
// at all. A pass over the partitions on watched steps only (iterate_attempt).
constexpr double kQueueFall = 0.05;
constexpr double kHotQueue = 0.5;  // queues that matter: half full

// Per partition: requests in flight and locks held per granule (the hot-spot weight and the
// granule utilization of the lock queue), and for sequence partitions the queue of a page.
void LockModel::evaluate_partitions() {
  partition_sums();
  PartitionSums& sums = partition_sums_;
  if (watch_fall && !queue_fell_) {  // granule_rho still holds the evaluation before
    for (std::size_t p = 0; p < np; ++p)
      if (!sequence_[p] && granule_rho[p] > kHotQueue &&
          sums.rho[p] < granule_rho[p] * (1 - kQueueFall))
        queue_fell_ = true;
  }
  for (std::size_t p = 0; p < np; ++p) {
    const double in_flight = sums.in_flight[p], held = sums.held[p], rate = sums.rate[p];
    const double mean = sums.mean[p], scv = sums.scv[p], second = sums.second[p];
    cold_ratio[p] = sums.cold_ratio[p];
    if (sequence_[p]) {
      sequence_x[p] = sequence_s[p] = 0;
      for (std::size_t o = 0; o < nc; ++o) {
        sequence_x[p] += population[o] * held_x[o][p];
        sequence_s[p] += population[o] * held_s[o][p];
      }
      share_hot[p] = 1.0;
      sequence_hold[p] = {rate, mean, second};
      sequence_wait[p] = sequence_partition_queue(p, sequence_hold[p]);
      // Pages held at once without the stalls (the serialized commits' granules,
      // model/point_solve.cpp).
      granule_rho[p] = rate * mean;
      same_queue[p] = share_hot[p];
    } else {
      share_hot[p] = hot_spot_share(in_flight, granules_[p]);
      granule_rho[p] = sums.rho[p];
      hold_scv[p] = scv;
      sequence_hold[p] = {rate, mean, second};
      hot_held[p] = held;
      same_queue[p] = share_hot[p] / std::max(1.0, granules_[p]);
      queue_factor[p] = queue_wait_factor(
          granule_rho[p], queue_ahead_share(share_hot[p], sums.first_rate[p], rate));
    }
  }
}

// The sums over the classes per partition that evaluate_partitions() needs, and the quotients of
// them that are the same for every partition, in flat loops over the partitions (one class at a
// time, in class order: the same sums; two partitions at a time, issue #16).
void LockModel::partition_sums() {
  PartitionSums& sums = partition_sums_;
  for (auto* v :
       {&sums.in_flight, &sums.held, &sums.rate, &sums.hold1, &sums.hold2, &sums.hold2_cold,
        &sums.first_rate, &sums.cold_ratio, &sums.rho, &sums.mean, &sums.scv, &sums.second})
    v->resize(np);
  if (nc == 0) {
    for (auto* v : {&sums.in_flight, &sums.held, &sums.rate, &sums.hold1, &sums.hold2,
                    &sums.hold2_cold, &sums.first_rate})
      v->assign(np, 0.0);
  }
  // The sums start with class 0's terms (stored), then add the others' in class order.
  for (std::size_t o = 0; o < nc; ++o) {
    (o == 0 ? add_class_to_partition_sums<true>
            : add_class_to_partition_sums<false>)(np, population[o], throughput[o],
                                                  totals[o].requests_on.data(), held_x[o],
                                                  held_s[o], hold[o], hold_cold[o], sums);
  }
  partition_quotients(np, granules_.data(), sums);
}

// `count` transactions of class o: their residual lock-seconds on p.
double LockModel::residual_seconds(std::size_t o, double count, const double* second_moment,
                                   std::size_t p) const {
  const double r = profile[o].response_time_s;
  return r > 0 ? count * second_moment[p] / (2 * r) : 0.0;
}

void LockModel::sum_from_other_classes() {
  // residual_seconds(o, population[o], hold[o].x2 / .s2, p), computed in held_and_residuals.
  sum_over_other_classes<4>(
      nc, np,
      [&](std::size_t o, std::size_t p) {
        return std::array<double, 4>{population[o] * held_x[o][p], population[o] * held_s[o][p],
                                     resid_term_x[o * np + p], resid_term_s[o * np + p]};
      },
      {&from_others.x, &from_others.s, &from_others.resid_x, &from_others.resid_s}, other_terms);
}

// The queue of an end-of-file page at the lower state of its inserters' chain, with the holder
// stalls (sequence_stall_wait; docs/locking.md "Holder stalls at an end-of-file page", issue #13).
LockQueueWait LockModel::sequence_partition_queue(std::size_t p, const SequenceHold& h) const {
  return sequence_stall_wait(sequence_stall_input(p, h));
}

// The chain of the inserters queued for end-of-file partition p at holding time h (no horizon).
SequenceStallInput LockModel::sequence_stall_input(std::size_t p, const SequenceHold& h) const {
  SequenceStallInput in;
  in.request_rate_per_s = h.rate_per_s;
  in.hold_mean_s = h.mean_s;
  in.hold_scv = h.mean_s > 0 ? std::max(0.0, h.second_s2 / (h.mean_s * h.mean_s) - 1.0) : 0.0;
  in.batch = workload.partitions[p].sequence_batch;
  // Those queued at the holder's own page: 1 / (pages held at once), Little's rho.
  const double own_share = 1.0 / std::max(1.0, h.rate_per_s * h.mean_s);
  in.stalls_per_waiter = sequence_stalls_per_waiter(workload, p, throughput, own_share);
  return in;
}

// A page of end-of-file inserts: its lock queue (shared requests wait only behind exclusive
// holders, in proportion).
void LockModel::sequence_partition_wait(std::size_t c, std::size_t p, WaitSums& sums) {
  const double kp = totals[c].requests_on[p];
  const double hx = sequence_x[p], hs = sequence_s[p];
  const double w = exclusive_share(c, p);
  const double fx = hx + hs > 0 ? hx / (hx + hs) : 0.0;
  const double mode = w + (1 - w) * fx;
  sums.conflicts += kp * mode * sequence_wait[p].wait_probability;
  sums.wait_weighted += kp * mode * sequence_wait[p].mean_wait_s;
  damped(wait_on[c][p], mode * sequence_wait[p].mean_wait_s);
  damped(wait2_on[c][p], mode * sequence_wait[p].wait_second_moment_s2);
}

// A request of class c on an ordinary partition p (`own`: the others of its own class it sees;
// `ratio`: E[W^2] / W^2 of a residual wait).
void LockModel::partition_wait(std::size_t c, std::size_t p, double own, double ratio,
                               WaitSums& sums) {
  const double kp = totals[c].requests_on[p];
  const double d = granules_[p];
  // Locks held by the others, and (a conflicting lock is met at a random moment of its
  // holding, length-biased, so the wait is its mean residual holding time
  // sum hold^2 / (2 sum hold); weighting by locks held gives others * x2 / (2 R)) their
  // residual lock-seconds.
  const double hx = from_others.x[c * np + p] + own * held_x[c][p];
  const double hs = from_others.s[c * np + p] + own * held_s[c][p];
  // (an open class sees its whole population: the terms held_and_residuals computed)
  const bool whole = own == population[c];
  const double resid_x =
      from_others.resid_x[c * np + p] +
      (whole ? resid_term_x[c * np + p] : residual_seconds(c, own, hold[c].x2.data(), p));
  const double resid_s =
      from_others.resid_s[c * np + p] +
      (whole ? resid_term_s[c * np + p] : residual_seconds(c, own, hold[c].s2.data(), p));
  caps_bind = caps_bind || hx + hs >= d;
  const double p_exclusive = std::min(1.0, (hx + hs) / d);
  const double p_shared = std::min(1.0, hx / d);
  const double w = exclusive_share(c, p);
  // A conflicting request also waits for those queued before it: the M/G/1 factor
  // 1 / (1 - rho) at the granule utilization, weighted by queue_ahead_share (1 for a hot
  // granule and where each transaction requests the partition once; about the hot-spot share -
  // the contention model alone - for many locks per transaction on many granules).
  const double queue = queue_factor[p];  // set in evaluate_partitions()
  const double wait_exclusive = (hx + hs) > 0 ? queue * (resid_x + resid_s) / (hx + hs) : 0.0;
  const double wait_shared = hx > 0 ? queue * resid_x / hx : 0.0;
  const double conflicts_p = kp * (w * p_exclusive + (1 - w) * p_shared);
  sums.conflicts += conflicts_p;
  if (share_hot[p] < 1.0) sums.cold_conflicts += conflicts_p;
  const double wait_p = w * p_exclusive * wait_exclusive + (1 - w) * p_shared * wait_shared;
  sums.wait_weighted += kp * wait_p;
  damped(wait_on[c][p], wait_p);
  damped(wait2_on[c][p], ratio * (w * p_exclusive * wait_exclusive * wait_exclusive +
                                  (1 - w) * p_shared * wait_shared * wait_shared));
}

// evaluate()'s waits of class c on every partition, as partition_wait and
// sequence_partition_wait give them one partition at a time: partition_wait's arithmetic in one
// flat loop (partition_wait_row), then the sums over the partitions in partition order, with the
// sequence partitions in their places (the same additions in the same order; issue #16).
void LockModel::class_waits(std::size_t c, double own, double ratio, WaitSums& sums) {
  const double* requests_on = totals[c].requests_on.data();
  wait_use.resize(np);
  for (std::size_t p = 0; p < np; ++p)
    wait_use[p] = !(requests_on[p] <= 0) && !sequence_[p] ? 1.0 : 0.0;
  wait_conflicts.resize(np);
  wait_weighted.resize(np);
  wait_new.resize(np);
  wait2_new.resize(np);
  const std::size_t row = c * np;
  const PartitionWaitRow in{requests_on,
                            granules_.data(),
                            totals[c].exclusive_share_on.data(),
                            queue_factor.data(),
                            from_others.x.data() + row,
                            from_others.s.data() + row,
                            from_others.resid_x.data() + row,
                            from_others.resid_s.data() + row,
                            held_x[c],
                            held_s[c],
                            resid_term_x.data() + row,
                            resid_term_s.data() + row,
                            hold[c].x2.data(),
                            hold[c].s2.data(),
                            wait_use.data()};
  const auto row_waits =
      own == population[c] ? partition_wait_row<true> : partition_wait_row<false>;
  caps_bind = row_waits(np, in, own, profile[c].response_time_s, ratio, options.damping, wait_on[c],
                        wait2_on[c], wait_conflicts.data(), wait_weighted.data(), wait_new.data(),
                        wait2_new.data()) ||
              caps_bind;
  for (std::size_t p = 0; p < np; ++p) {
    if (requests_on[p] <= 0) continue;
    if (sequence_[p]) {
      sequence_partition_wait(c, p, sums);
      continue;
    }
    sums.conflicts += wait_conflicts[p];
    if (share_hot[p] < 1.0) sums.cold_conflicts += wait_conflicts[p];
    sums.wait_weighted += wait_weighted[p];
  }
}

// Anderson acceleration over the whole iteration state, so that one evaluation is a function
// of it alone: the waits per class, per class and partition and their second moments (on the
// scale of the class's response time without waits), then the lagged wait per conflict, the
// residual moment ratio and the hot-spot shares (dimensionless).
void LockModel::set_up_anderson() {
  if (options.anderson_depth <= 0) return;
  state_weight.assign(lagged_at + 2 * nc + 3 * np, 1.0);
  for (std::size_t c = 0; c < nc; ++c) {
    const double r0 = response_time_no_wait(c);
    const double w = 1.0 / (r0 > 0 ? r0 : 1.0);
    state_weight[c] = w;
    for (std::size_t p = 0; p < np; ++p) {
      state_weight[nc + c * np + p] = w;
      state_weight[nc * (1 + np) + c * np + p] = w * w;
    }
    state_weight[lagged_at + c] = w;
  }
  anderson.emplace(options.anderson_depth, state_weight);
}

void LockModel::pack(std::vector<double>& x) const {
  x.assign(wait_per_request.begin(), wait_per_request.end());
  x.reserve(lagged_at + 2 * nc + 3 * np);
  x.insert(x.end(), wait_on.values().begin(), wait_on.values().end());
  x.insert(x.end(), wait2_on.values().begin(), wait2_on.values().end());
  x.insert(x.end(), wait_per_conflict.begin(), wait_per_conflict.end());
  x.insert(x.end(), moment_ratio.begin(), moment_ratio.end());
  x.insert(x.end(), share_hot.begin(), share_hot.end());
  x.insert(x.end(), cold_ratio.begin(), cold_ratio.end());
  x.insert(x.end(), same_queue.begin(), same_queue.end());
}

void LockModel::unpack(const std::vector<double>& x) {
  std::copy_n(x.begin(), nc, wait_per_request.begin());
  // wait_on and wait2_on: one block each (their rows back to back, as pack() wrote them)
  std::copy_n(x.begin() + static_cast<std::ptrdiff_t>(nc), nc * np, wait_on[0]);
  std::copy_n(x.begin() + static_cast<std::ptrdiff_t>(nc * (1 + np)), nc * np, wait2_on[0]);
  const auto at = [&](std::size_t i) { return x.begin() + static_cast<std::ptrdiff_t>(i); };
  std::copy_n(at(lagged_at), nc, wait_per_conflict.begin());
  std::copy_n(at(lagged_at + nc), nc, moment_ratio.begin());
  std::copy_n(at(lagged_at + 2 * nc), np, share_hot.begin());
  std::copy_n(at(lagged_at + 2 * nc + np), np, cold_ratio.begin());
  std::copy_n(at(lagged_at + 2 * nc + 2 * np), np, same_queue.begin());
}

// An accelerated step is taken only with finite, non-negative waits within max_expansion
// (components still at -1, "no evaluation yet", stay so); otherwise the damped one.
bool LockModel::admissible(std::vector<double>& x, const std::vector<double>& damped_x) const {
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (!std::isfinite(x[i])) return false;
    x[i] = damped_x[i] < 0 ? damped_x[i] : std::max(0.0, x[i]);
  }
  for (std::size_t p = 0; p < np; ++p) {
    double& share = x[lagged_at + 2 * nc + p];
    share = std::min(share, 1.0);
    double& cold = x[lagged_at + 2 * nc + np + p];
    cold = std::min(cold, 1.0);
    double& same = x[lagged_at + 2 * nc + 2 * np + p];
    same = std::min(same, 1.0);
  }
  for (std::size_t c = 0; c < nc; ++c) {
    const double r0 = response_time_no_wait(c);
    const double r =
        totals[c].requests * (totals[c].step_s + x[c]) + workload.classes[c].commit_time_s;
    if (r0 > 0 && r > options.max_expansion * r0) return false;
  }
  return true;
}

// Largest weighted change of the per-partition waits and of the lagged quantities in the
// damped step, relative like the waits' own stopping rule (accelerated steps must also have
// settled these).
double LockModel::partition_change(const std::vector<double>& x,
                                   const std::vector<double>& g_x) const {
  // The quotients first (change_quotients), then their maximum in two interleaved chains: every
  // quotient is >= 0 or NaN, and std::max skips a NaN either way (issue #16).
  const std::size_t n = x.size();
  change_terms.resize(n);
  change_quotients(nc, n, options.damping, x.data(), g_x.data(), state_weight.data(),
                   change_terms.data());
  const double* terms = change_terms.data();
  double even = 0, odd = 0;
  std::size_t i = nc;
  for (; i + 1 < n; i += 2) {
    even = std::max(even, terms[i]);
    odd = std::max(odd, terms[i + 1]);
  }
  if (i < n) even = std::max(even, terms[i]);
  return std::max(even, odd);
}

// Near thrashing a stable operating point has an unstable twin just above it (the two meet
// where thrashing sets in), and an accelerated step can land beyond the stable one. Lowered
// waits are pushed back up at the stable point and further down at the unstable one.
bool LockModel::stable_operating_point() {
  if (warm_started) return stable_above_warm_start();
  constexpr double kProbe = 1e-4;  // relative lowering of every wait
  std::vector<double> at_point, lowered;
  pack(at_point);
  lowered = at_point;
  for (std::size_t i = 0; i < lagged_at; ++i) lowered[i] *= 1 - kProbe;
  unpack(lowered);
  const std::vector<double> z_new = evaluate(wait_per_request);
  double drift = 0;
  for (std::size_t c = 0; c < nc; ++c) drift += state_weight[c] * (z_new[c] - lowered[c]);
  unpack(at_point);
  return drift >= 0;
}

// The same test for a solve started from a lower load's operating point x_w (the search for
// the maximum throughput, issue #16): is the accelerated point x_a the operating point the plain
// iteration from x_w reaches - the least fixed point above x_w - or its unstable twin?
//
// The argument (docs/locking.md "Warm starts: the twin test"). The plain map G is order-preserving
// and order-convex (monotone_extrapolation below), x_w lies below every fixed point at this load,
// and x_a >= x_w. The plain iterates from x_w rise to the least fixed point x* <= x_a. If x* !=
// x_a, e = x_a - x* >= 0 and convexity, G(x*) >= G(x_a) + J(x_a)(x* - x_a), give J(x_a) e >= e: the
// spectral radius of J(x_a) is at least 1 (Collatz-Wielandt). So a fixed point with rho(J) < 1
// is x*, and the twin has rho(J) > 1 (the two meet at the fold, rho = 1). The probe moves the
// whole state a little towards x_w (waits and lagged quantities alike; lowering the waits alone
// leaves the lagged ones inconsistent with them) and takes plain steps; successive steps
// d_{n+1} ~ J d_n with J >= 0 bound rho from both sides by their least and greatest component
// ratios (Collatz-Wielandt, collatz_wielandt.hpp), a bracket that narrows step by step. The
// greatest below 1 (no component changed sign) accepts x_a, the least above 1 rejects it.
// Near the fold neither a one-step drift nor a "settled" ratio of summed class waits is enough:
// the transient modes dominate the first steps. A 2-granule hot spot at 0.9999 of its fold
// (merged histtail + highlock model) gave summed ratios 0.914, 0.917, 0.948 ... 0.997, then
// 1.0072 at a twin 3 % above x*; the rule "last change below a quarter of the distance from 1"
// accepted it after two steps; the component bounds reject it.
// Undecided after kMaxSteps counts as unstable: the solve is redone (accelerated from zero, then
// plainly) - slower, never the twin. The limit of the test is the probe's size: a twin closer to
// x* than the probe (only just below the fold, where the two meet) has the probe below x*, which
// converges to x* with steps that die out - accepted, within the probe of x*. A probe of 1e-5
// instead of 1e-3 met the stopping rule's residual (tolerance 1e-8 in `tpeval eval`): 1,120 of the
// 5,320 tests of studies/lock_conflicts.json rejected a stable point (45 % more evaluations, the
// same output).
bool LockModel::stable_above_warm_start() {
  constexpr double kProbe = 1e-3;        // share of the way back to the warm start
  constexpr std::size_t kMaxSteps = 60;  // plain steps before the test gives up (undecided)
  std::vector<double> at_point, y, y_last, before, after;
  pack(at_point);
  y = at_point;
  for (std::size_t i = 0; i < y.size(); ++i) y[i] += kProbe * (x_start[i] - at_point[i]);
  // The plain steps d_n = y_{n+1} - y_n, not the deviations from x_a: x_a is a fixed point only to
  // the solve's tolerance, and the deviations settle at that residual (ratio exactly 1 once the
  // probe has converged: 180 undecided tests in the shipped studies), the steps do not.
  const auto step = [&](std::vector<double>& d) {
    y_last = y;
    plain_probe_step(y);
    d.resize(y.size());
    for (std::size_t i = 0; i < y.size(); ++i) d[i] = y[i] - y_last[i];
  };
  step(before);
  const std::vector<double> first = before;
  bool stable = false;
  for (std::size_t n = 0; n < kMaxSteps; ++n) {
    step(after);
    const RatioBounds bounds = component_ratio_bounds(first, before, after);
    if (bounds.used == 0) {  // every step below 1e-6 of the first: the probe has converged
      stable = n > 0;
      break;
    }
    if (bounds.low >= 0 && bounds.high < 1) {
      stable = true;
      break;
    }
    if (bounds.low > 1) break;
    before.swap(after);
  }
  unpack(at_point);
  return stable;
}

// One plain (damped) step of the whole iteration state x, in place, without the divergence
// verdict of damp_waits (the stability probe).
void LockModel::plain_probe_step(std::vector<double>& x) {
  unpack(x);
  const std::vector<double> z_new = evaluate(wait_per_request);
  for (std::size_t c = 0; c < nc; ++c)
    wait_per_request[c] = (1 - options.damping) * wait_per_request[c] + options.damping * z_new[c];
  pack(x);
}

// The damped step of the waits per request towards z_new; `change` is the largest relative
// change. False when the waits grow without bound (then diverged).
bool LockModel::damp_waits(const std::vector<double>& z_new, double& change) {
  bool blown = false;
  for (std::size_t c = 0; c < nc; ++c) {
    const LockClass& cls = workload.classes[c];
    const double r0 = totals[c].requests * totals[c].step_s + cls.commit_time_s;
    const double scale = std::max(wait_per_request[c], r0 > 0 ? r0 : 1.0);
    change = std::max(change, std::abs(z_new[c] - wait_per_request[c]) / scale);
    const double next = (1 - options.damping) * wait_per_request[c] + options.damping * z_new[c];
    wait_per_request[c] = next;
    const double r = totals[c].requests * (totals[c].step_s + next) + cls.commit_time_s;
    if (!std::isfinite(next) || (r0 > 0 && r > options.max_expansion * r0)) blown = true;
  }
  if (!blown) return true;
  diverged = true;
  divergence_reason = blow_up_reason();
  return false;
}

std::string LockModel::blow_up_reason() const {
  return fmt::format(
      "lock waits grow without bound (response time beyond {:.6g} times its value without "
      "waits)",
      options.max_expansion);
}

// One attempt: damped (and, while `accelerate`, accelerated) steps until convergence,
// divergence or the iteration limit.
void LockModel::iterate_attempt() {
  bool x_before_packed = false;     // x_before already holds the state (swapped in below)
  damped_since_evaluation = false;  // the attempt's start is no step
  damped_run = 0;
  for (; it < options.max_iterations; ++it) {
    if (accelerate && !x_before_packed) pack(x_before);
    x_before_packed = false;
    watch_fall = damped_since_evaluation && damped_run <= kWatchedSteps;
    const std::vector<double> z_new = evaluate(wait_per_request);
    watch_fall = false;
    damped_since_evaluation = true;  // unless an accelerated step replaces the damped one below
    ++damped_run;
    double change = 0;
    if (!damp_waits(z_new, change)) break;
    if (!accelerate) {
      if (change <= options.tolerance) {
        converged = true;
        ++it;
        break;
      }
      if (extrapolate_plain) monotone_extrapolation();
      if (diverged) break;  // the blow-up proven early (plain_blow_up_proven)
      continue;
    }
    pack(g);  // the damped step
    if (it > attempt_start &&
        std::max(change, partition_change(x_before, g)) <= options.tolerance) {
      converged = true;
      ++it;
      break;
    }
    if (it == attempt_start) {  // the first step leaves "no evaluation yet"
      x_before.swap(g);         // the state is the damped step's: no copy next time
      x_before_packed = true;
      continue;
    }
    const bool accepted = anderson_step(change);
    if (accepted) damped_since_evaluation = false, damped_run = 0;
    // The next state is the accelerated step (unpacked from x_next) or the damped one (g).
    x_before.swap(accepted ? x_next : g);
    x_before_packed = true;
  }
}

// A solve stopped by the iteration limit: two more damped steps, watched (evaluate_partitions),
// tell a cycle between two states - a queue that falls at every other step, by 7.5 % of itself
// at the onset of the four-hot-spot model's cycle, where it grows for hundreds of steps past
// the watched start of the run - from a crawl. The state is left as it was.
void LockModel::watch_last_steps() {
  if (queue_fell_) return;
  std::vector<double> at;
  pack(at);
  for (int k = 0; k < 3; ++k) {
    watch_fall = k > 0;
    const std::vector<double> z_new = evaluate(wait_per_request);
    watch_fall = false;
    for (std::size_t c = 0; c < nc; ++c)
      wait_per_request[c] =
          (1 - options.damping) * wait_per_request[c] + options.damping * z_new[c];
  }
  unpack(at);
}

// Monotone extrapolation of the plain (damped) iteration x_{n+1} = G(x_n) of a warm-started solve
// (the search for the maximum throughput, issue #16), and its proof that the load is beyond the
// fold. Beyond the fold the plain steps creep past the "ghost" of the vanished operating point
// for hundreds to thousands of iterations (10^4 partitions: 1,890 of the search's 2,331), their
// steps first shrinking, then growing until the waits blow up.
//
// The argument (docs/locking.md "Beyond the fold: monotone extrapolation"). G is order-preserving
// (longer waits -> longer holding -> more transactions and locks held -> more conflicts and longer
// residuals: a larger new state) and order-convex (its Jacobian J >= 0 grows along increasing
// paths: lock-seconds are linear in the waits, residual lock-seconds quadratic, the queue factor
// 1 / (1 - rho) convex; the setting of Newton's method for monotone systems, Esparza, Kiefer &
// Luttenberger, JACM 57(6) 2010). The solve starts from a lower load's operating point, below
// every fixed point at this load (G grows with the load), so the plain iterates stay below every
// fixed point x* (x_n <= x* gives x_{n+1} = G(x_n) <= G(x*) = x*). Let the last two steps
// d_{n-1} = x_n - x_{n-1} and d_n = x_{n+1} - x_n be >= 0 in every component and
// q = min_i d_n,i / d_{n-1},i over d_{n-1},i > 0. Convexity gives J(x_n) d_{n-1} >= d_n >=
// q d_{n-1}, and every later step d_{n+k} >= J(x_n)^k d_n >= q^{k+1} d_{n-1}. Hence
//  - q < 1: the plain iterates pass y = x_{n+1} + q^2 / (1 - q) d_{n-1} (the sum of those lower
//    bounds), so y <= x* as well: a jump there skips plain steps and never passes the operating
//    point (Aitken's extrapolation with the smallest ratio, and one power of q less);
//  - q >= 1: the steps never shrink below d_{n-1}, whose class waits are > 0: the plain iteration
//    diverges - the plain verdict - and no fixed point exists at this load. A jump then stands for
//    K plain steps (K d_{n-1}; K = 1024, four times more per proof) until the waits blow up as
//    they would have - unless plain_blow_up_proven ends the solve there with the blow-up's own
//    verdict (it takes the same lower bound to the blow-up wait, with the stopping rule and the
//    iteration limit; it also looks at the steps while a jump settles).
// Where the argument is not exact, and what guards it:
//  - the caps of the model (a conflict probability min(1, .), the lock-queue factor's limit just
//    below utilization 1) make G concave where they bind: no jump is made while one binds, and
//    a jump whose first evaluation finds one binding is undone, with no more jumps in the solve;
//  - the per-partition cold shares (`cold_ratio`, lock-seconds outside hot queues) fall as the
//    waits grow and feed back with the opposite sign (a hot lock's holder meets fewer waits):
//    they are left out of the order and of q, which rest on the other components;
//  - a jump is at most kMaxJumpGrowth of the class waits, whatever q allows.
// The tests sweep loads across the fold for the plain verdicts, operating points and names
// (tests/solver/locking/lock_fold_test.cpp). A step that lowers any other component (a lagged
// quantity catching up) makes no claim: the plain iteration goes on. A cold solve (the user's own
// point) is never extrapolated: its path, diagnosis and output are the plain ones.
void LockModel::monotone_extrapolation() {
  constexpr double kMinJumpSteps = 2;  // a jump shorter than this is not worth a restart
  // Plain steps after a jump before the next ratio is taken: the jump disturbs the fast modes,
  // which damp by about half per step, and their ratios would set q (after 2 steps the rejection
  // at 10^4 partitions took 751 iterations, after 8 steps 171).
  constexpr std::size_t kSettleSteps = 8;
  constexpr double kMaxJumpGrowth = 0.05;
  constexpr double kDivergentSteps = 1024;  // plain steps the first jump beyond the fold stands for
  if (jumps_off) return;
  if (!before_jump.empty()) {
    // The first evaluation after a jump: where it reached a cap the map is no longer convex
    // there - back to the plain path, without jumps.
    if (caps_bind) {
      unpack(before_jump);
      damped_since_evaluation = false;  // a step back, not a damped step
      jumps_off = true;
      return;
    }
    before_jump.clear();
  }
  plain_now.clear();
  pack(plain_now);
  const std::size_t n = plain_now.size();
  if (settle_steps > 0) --settle_steps;
  if (plain_last.size() != n) {
    plain_last.swap(plain_now);  // plain_now is packed afresh next time
    plain_step.clear();
    step_for_jumps = false;
    return;
  }
  // The blow-up proof takes any two successive plain steps, also those while a jump settles
  // (the jumps only take steps after it: step_for_jumps).
  std::optional<double> q;
  if (plain_step.size() == n && damped_run > kWatchedSteps) {
    q = monotone_step_ratio();
    if (q && plain_blow_up_proven(*q)) {
      diverged = true;
      divergence_reason = blow_up_reason();
      return;
    }
  }
  if (settle_steps > 0) {
    plain_step.resize(n);
    for (std::size_t i = 0; i < n; ++i) plain_step[i] = plain_now[i] - plain_last[i];
    step_for_jumps = false;
    plain_last.swap(plain_now);  // plain_now is packed afresh next time
    return;
  }
  if (!step_for_jumps) {
    q.reset();  // a step of the settling: no jump from it
  } else if (!(plain_step.size() == n && damped_run > kWatchedSteps)) {
    q = monotone_step_ratio();
  }
  double steps = 0;  // plain steps of at least d_{n-1} each that the plain iterates pass
  const MonotoneStepBound bound = q ? monotone_step_bound(*q) : MonotoneStepBound{};
  if (bound.divergent) {
    divergent_steps = std::max(kDivergentSteps, 4 * divergent_steps);
    steps = divergent_steps;
  } else {
    steps = bound.steps;
  }
  // At most kMaxJumpGrowth more wait per class (never more than the bound above): short jumps
  // with plain steps between them keep the state near the plain path's. The waits then blow up
  // from a state like the plain one, and the lock queue named is the plain one's (with longer
  // jumps a 60-partition sweep named another of several equal hot spots).
  for (std::size_t c = 0; q && c < nc; ++c) {
    if (!(plain_step[c] > 0)) continue;
    steps = std::min(steps, kMaxJumpGrowth * plain_now[c] / plain_step[c]);
  }
  if (!(steps >= kMinJumpSteps) || caps_bind) {
    if (plain_step.size() != n) plain_step.resize(n);
    for (std::size_t i = 0; i < n; ++i) plain_step[i] = plain_now[i] - plain_last[i];
    step_for_jumps = true;
    plain_last.swap(plain_now);  // plain_now is packed afresh next time
    return;
  }
  before_jump = plain_now;
  for (std::size_t i = 0; i < n; ++i) plain_now[i] += steps * plain_step[i];
  for (std::size_t i = lagged_at + 2 * nc; i < n; ++i)  // shares: in [0, 1]
    plain_now[i] = std::clamp(plain_now[i], 0.0, 1.0);
  plain_last.clear();
  plain_step.clear();
  if (!std::all_of(plain_now.begin(), plain_now.end(), [](double v) { return std::isfinite(v); })) {
    before_jump.clear();
    return;
  }
  unpack(plain_now);
  damped_since_evaluation = false;  // a jump, not a damped step
  settle_steps = kSettleSteps;
}

// q of monotone_extrapolation for the last two plain steps (plain_step = d_{n-1}, plain_now -
// plain_last = d_n), or none when they are not both >= 0 in every ordered component or some class
// wait did not rise.
std::optional<double> LockModel::monotone_step_ratio() const {
  const std::size_t n = plain_now.size();
  if (plain_step.size() != n) return std::nullopt;
  // The cold shares fall as the waits grow: left out of the order (see above).
  const std::size_t cold_at = lagged_at + 2 * nc + np, cold_end = cold_at + np;
  double q = std::numeric_limits<double>::infinity();
  for (std::size_t i = 0; i < n; ++i) {
    if (i >= cold_at && i < cold_end) continue;
    const double step = plain_now[i] - plain_last[i];
    if (plain_last[i] < 0 || step < 0 || plain_step[i] < 0) return std::nullopt;
    if (plain_step[i] > 0) q = std::min(q, step / plain_step[i]);
  }
  // The class waits must rise by more than rounding: steps of a few ulps have ratios of noise.
  constexpr double kRounding = 1e-13;
  for (std::size_t c = 0; c < nc; ++c)
    if (totals[c].requests > 0 && !(plain_step[c] > kRounding * plain_now[c])) return std::nullopt;
  return q;
}

// The plain iteration's blow-up, proven from the last two plain steps before it happens (issue
// #16; docs/locking.md "Beyond the fold: the blow-up proven early"). With q the ratio of
// monotone_step_ratio the plain iterates are at least x_{n+1} + d_{n-1} (q^2 + ... + q^{K+1})
// after K more steps (monotone_extrapolation's argument); where that lower bound takes a class
// wait past the wait at which damp_waits declares the blow-up within the iterations left, and
// every lower-bound step on the way is too large for the stopping rule (a class's change
// |z_new - z| / max(z, r0) = step / (damping max(z, r0)) above the tolerance, z below the
// blow-up wait), the plain iteration blows up - its own verdict, without the steps to get there
// (in the maximum-throughput search of 10^4 partitions 140 of its 926 evaluations). No claim
// where a cap of the model binds (the map is concave there), after a jump reached a cap, after a
// hot queue fell, or while a later damped step of the run would still be watched for a fall
// (evaluate_partitions): the solve then ends as it would have, step by step.
bool LockModel::plain_blow_up_proven(double q) const {
  if (caps_bind || jumps_off || queue_fell_ || damped_run <= kWatchedSteps) return false;
  if (it + 1 >= options.max_iterations) return false;
  const std::size_t steps_left = options.max_iterations - 1 - it;  // evaluations still allowed
  for (std::size_t c = 0; c < nc; ++c) {
    const LockClass& cls = workload.classes[c];
    const double k = totals[c].requests;
    const double r0 = k * totals[c].step_s + cls.commit_time_s;
    if (!(k > 0) || !(r0 > 0)) continue;
    // damp_waits: blown once k (step_s + z) + commit > max_expansion r0.
    const double blow_up_wait =
        (options.max_expansion * r0 - cls.commit_time_s) / k - totals[c].step_s;
    const double least_step = options.tolerance * options.damping * std::max(blow_up_wait, r0);
    if (plain_iteration_blows_up(q, plain_now[c], plain_step[c], blow_up_wait, least_step,
                                 steps_left))
      return true;
  }
  return false;
}

// Replaces the damped step g by the accelerated one where that is admissible (then true).
bool LockModel::anderson_step(double change) {
  // Without a fixed point (beyond thrashing) the residual stalls: continue with the damped
  // steps alone, which then diverge as they would have from the start.
  if (change < 0.5 * best_change) {
    best_change = change;
    since_best = 0;
  } else if (++since_best > 2 * options.anderson_depth + 10) {
    accelerate = false;
    return false;
  }
  anderson->next(x_before, g, x_next);
  if (admissible(x_next, g)) {
    unpack(x_next);
    accelerated_steps = true;
    return true;
  }
  anderson->reset();
  return false;
}

void LockModel::iterate() {
  bool from_zero = false;  // the attempt is the redo accelerated from zero waits
  for (;;) {               // accelerated; after an unstable point accelerated from zero, then plain
    iterate_attempt();
    if (from_zero && diverged) {
      // Zero waits are no lower state here: the first steps from them overshoot a hot lock
      // queue past utilization 1 and blow up where the plain iteration from the start finds
      // the operating point (docs/locking.md "One verdict for every path").
      from_zero = diverged = false;
      divergence_reason.clear();
    } else if (diverged && accelerate && !open_load_fills_a_queue()) {
      // Blown up while accelerating: the damped step from an extrapolated state, which may lie
      // beyond the unstable twin - no verdict of the plain map. The plain iteration from the
      // start decides (four hot spots, open classes: the accelerated solve from zero waits blew
      // up after 2-10 steps at 12.1-13.4 where the plain one reaches the operating point). Not
      // where the open classes alone fill a queue without waits (divergence on every path).
      diverged = false;
      divergence_reason.clear();
      warm_started = false;  // straight to the plain iteration from the start, below
    } else if (!converged || !accelerated_steps || stable_operating_point()) {
      if (!converged && !diverged) watch_last_steps();
      break;
    }
    // The unstable twin: once more accelerated from zero waits if the start was another
    // solve's state (it lay close to the twin), then plainly from the start.
    converged = false;
    accelerated_steps = false;
    attempt_start = it;
    best_change = std::numeric_limits<double>::infinity();
    since_best = 0;
    anderson->reset();
    if (warm_started) {
      warm_started = false;
      from_zero = true;
      restore(zero_wait_state);
      accelerate = true;
    } else {
      unpack(x_start);
      accelerate = false;
    }
  }
}

LockContention LockModel::results() {
  LockContention out;
  out.converged = converged;
  out.iterations = it;
  if (!diverged) {
    // The state the next iteration would start from (before the refresh below damps once more).
    out.state = state();
  }
  evaluate(wait_per_request);  // refresh all derived quantities at the final waits
  partition_results(out);

  // Per-class results, deadlocks and thrashing indicators.
  std::vector<double> p_deadlock(nc, 0.0);
  if (!diverged || options.results_when_thrashing) {
    const DeadlockInputs in = deadlock_inputs();
    VictimSums victims = two_cycle_deadlock_sums(in);
    p_deadlock = std::move(victims.sums);
    out.deadlock_held_on = std::move(victims.held);
    out.deadlock_requested_on = std::move(victims.requested);
    add_longer_cycles(in, p_deadlock, out.deadlock_held_on, out.deadlock_requested_on);
  }
  double total_population = 0, blocked = 0, eta_weighted = 0, alpha_weighted = 0;
  double k2n_over_d = 0;
  out.classes.reserve(nc);  // (grown one by one: 10^4 classes copied ~14 times, issue #16)
  for (std::size_t c = 0; c < nc; ++c) {
    double alpha = 0;
    const ClassContention r = class_result(c, p_deadlock[c], alpha);
    out.deadlock_rate_per_s += r.throughput_per_s * r.deadlock_probability;
    total_population += population[c];
    blocked += population[c] * r.blocked_share;
    eta_weighted += population[c] * r.conflicts_per_transaction;
    alpha_weighted += population[c] * alpha;
    add_tay_workload(c, k2n_over_d);
    out.classes.push_back(r);
  }
  if (total_population > 0) {
    out.blocked_share = blocked / total_population;
    out.conflicts_per_transaction = eta_weighted / total_population;
    out.thomasian_alpha = alpha_weighted / total_population;
  }
  out.tay_workload = k2n_over_d;
  out.thomasian_beta = thomasian_beta(out.thomasian_alpha);
  out.thrashing = diverged || !out.thomasian_beta.has_value();
  diagnose(out);
  if (!out.thrashing && options.sequence_stall_horizon_s > 0) check_sequence_stalls(out);
  return out;
}

// Per-partition summary and the bottleneck (the used partition of highest conflict
// probability).
void LockModel::partition_results(LockContention& out) const {
  for (std::size_t p = 0; p < np; ++p) {
    PartitionContention pc;
    pc.name = workload.partitions[p].name;
    pc.granules = workload.partitions[p].granules;
    for (std::size_t c = 0; c < nc; ++c) {
      pc.exclusive_locks_held += population[c] * held_x[c][p];
      pc.shared_locks_held += population[c] * held_s[c][p];
    }
    pc.exclusive_conflict_probability =
        std::min(1.0, (pc.exclusive_locks_held + pc.shared_locks_held) / pc.granules);
    pc.shared_conflict_probability = std::min(1.0, pc.exclusive_locks_held / pc.granules);
    pc.queue_utilization = granule_rho[p];
    pc.hot_spot_share = share_hot[p];
    if (workload.partitions[p].sequence_batch > 0) {
      pc.exclusive_conflict_probability = sequence_wait[p].wait_probability;
      pc.shared_conflict_probability = sequence_wait[p].wait_probability;
    }
    out.partitions.push_back(pc);
  }
  double best = -1;
  for (std::size_t p = 0; p < np; ++p) {
    bool used = false;
    for (std::size_t c = 0; c < nc; ++c) used = used || totals[c].requests_on[p] > 0;
    if (used && out.partitions[p].exclusive_conflict_probability > best) {
      best = out.partitions[p].exclusive_conflict_probability;
      out.bottleneck = out.partitions[p].name;
    }
  }
}

DeadlockInputs LockModel::deadlock_inputs() const {
  DeadlockInputs in{workload, totals,     profile,    held_x,
                    held_s,   population, throughput, std::vector<double>(nc, 0.0),
                    {},       {},         {},         {}};
  for (std::size_t c = 0; c < nc; ++c) in.own_seen[c] = others_seen(c, c);
  in.blockers_ahead.assign(np, 0.0);
  in.back_share.assign(np, 1.0);
  in.sequence_wait_s.assign(np, 0.0);
  in.sequence_held.assign(np, 0.0);
  for (std::size_t p = 0; p < np; ++p) {
    if (workload.partitions[p].sequence_batch <= 0) {
      single_granule_deadlock_terms(p, in);
      continue;
    }
    const auto [ahead, open] = sequence_deadlock_terms(sequence_wait[p], sequence_hold[p],
                                                       workload.partitions[p].sequence_batch);
    in.blockers_ahead[p] = ahead;
    in.back_share[p] = open;
    in.sequence_wait_s[p] = sequence_wait[p].mean_wait_s;
    in.sequence_held[p] = sequence_x[p] + sequence_s[p];
  }
  return in;
}

// Cycles of three and more transactions (issue #13). The two-cycle sums count a deadlock whose
// victim's request meets a holder that waits for the victim itself. A cycle of k transactions
// needs, between them, k - 2 holders that are themselves blocked, each by the next one: the
// holder a blocked transaction waits for is itself blocked with probability beta, the share of
// blocked transactions - the assumption of Thomasian's waiting chains (ICDE 1991, the two-level
// argument behind his cubic, docs/locking.md "Thrashing indicators"; peers-and-formulas.md
// §3.6), which makes a chain of depth i have probability beta^(i-1) - and the last one is
// blocked by the victim as likely as the two-cycle's holder. So the k-cycles
// are beta^(k-2) times the two-cycles, and all of them together 1 + beta + ... + beta^(n-2) times
// (n the mean population: no cycle is longer than the transactions present; 1 / (1 - beta) for
// many; deadlock_cycle_factor). Waits on a lock queue whose two-cycle terms already count every
// transaction ahead as a blocker (end-of-file pages, one hot granule: blockers_ahead > 0) are left
// out of beta: a chain through the same queue is a two-cycle there. Lock experiment, 100 TPS
// (bench/RESULTS.md, "Deadlock restarts"): simulated 82 % two-cycles, 14 % three-cycles, 4 %
// longer; beta = 0.154, the factor 1.18.
double LockModel::longer_cycle_factor(const DeadlockInputs& in) const {
  std::vector<std::size_t> queues;  // (few: a loop over all partitions per class is 10^8 steps)
  for (std::size_t p = 0; p < np; ++p) {
    if (in.blockers_ahead[p] > 0) queues.push_back(p);
  }
  double transactions = 0, blocked = 0;
  for (std::size_t c = 0; c < nc; ++c) {
    const double r = profile[c].response_time_s;
    if (!(population[c] > 0) || !(r > 0)) continue;
    double waits = totals[c].requests * std::max(0.0, wait_per_request[c]);
    for (const std::size_t p : queues) {
      waits -= totals[c].requests_on[p] * std::max(0.0, wait_on[c][p]);
    }
    transactions += population[c];
    blocked += population[c] * std::clamp(waits / r, 0.0, 1.0);
  }
  return transactions > 0 ? deadlock_cycle_factor(blocked / transactions, transactions) : 1.0;
}

// The longer cycles added to the two-cycle sums `sums` and their split by partition (`held`,
// `requested`, at [c * np + p]): the part of class c's sum whose blocked request is on p (`held`)
// times longer_cycle_factor, except on a lock queue whose terms count every transaction ahead
// (blockers_ahead > 0: end-of-file pages, one hot granule). Those terms were fitted to the
// simulator's deadlock counts, which include the longer cycles (sequence_deadlock_terms,
// single_granule_deadlock_terms): extended by the factor they overshot it (page-locked HISTORY at
// 100 TPS 0.00375 against 0.00337 +- 0.00034, one hot page at 33 TPS +20 %; tests/model/sim/
// accuracy_grid_test.cpp). The `requested` row is scaled with the class's sum.
void LockModel::add_longer_cycles(const DeadlockInputs& in, std::vector<double>& sums,
                                  std::vector<double>& held, std::vector<double>& requested) const {
  const double longer = longer_cycle_factor(in);
  if (longer == 1.0 || held.size() != nc * np || requested.size() != nc * np) return;
  for (std::size_t c = 0; c < nc; ++c) {
    double before = 0, after = 0;
    for (std::size_t p = 0; p < np; ++p) {
      double& part = held[c * np + p];
      before += part;
      if (in.blockers_ahead[p] <= 0) part *= longer;
      after += part;
    }
    if (!(before > 0)) continue;
    const double scale = after / before;
    sums[c] *= scale;
    for (std::size_t p = 0; p < np; ++p) requested[c * np + p] *= scale;
  }
}

// A partition of one granule is one FCFS queue (hot-spot share 1), as an end-of-file page
// without the batch: a request that waits there waits for everyone ahead of it, and of a
// transaction holding another lock only the request on p still to be made closes a cycle there
// (sequence_deadlock_terms (a) and (c), the page never closes). Issue #13, one hot page at 33
// TPS: 0.0034 deadlocks per transaction against 0.0049 simulated; the simulator's victims request
// BRANCH (94 %): a holder of the hot page requests the BRANCH page of a transaction queued
// behind it.
void LockModel::single_granule_deadlock_terms(std::size_t p, DeadlockInputs& in) const {
  if (workload.partitions[p].granules > 1.0 || share_hot[p] < 1.0) return;
  double rate = 0, waited = 0;
  for (std::size_t c = 0; c < nc; ++c) {
    rate += throughput[c] * totals[c].requests_on[p];
    waited += throughput[c] * totals[c].requests_on[p] * std::max(0.0, wait_on[c][p]);
  }
  if (!(rate > 0)) return;
  LockQueueWait wait;
  wait.wait_probability = std::min(1.0, granule_rho[p]);
  wait.mean_wait_s = waited / rate;
  const auto [ahead, open] =
      sequence_deadlock_terms(wait, sequence_hold[p], std::numeric_limits<double>::infinity());
  in.blockers_ahead[p] = ahead;
  in.back_share[p] = open;
  in.sequence_wait_s[p] = wait.mean_wait_s;
  in.sequence_held[p] = hot_held[p];
}

// E[W^2] of a request of c on p for the reported wait variance (the percentiles). The iteration's
// wait2_on takes a wait as the holder's residual scaled by the queue factor, with the moment
// ratio of the class's whole holding profile (moment_ratio). On a hot granule (hot-spot share 1,
// not an end-of-file page) the wait is the M/G/1 queue of its holders, whose waited time has
// E[W^2 | W > 0] / E[W | W > 0]^2 = 2 rho + (1 - rho) E[R^2] / E[R]^2 with the granule's own
// holding-time SCV (solver/open/mg1_wait_moments.hpp; Takacs). Issue #13, one hot page at 30
// TPS: the class's profile (its locks held through the hot-queue wait) gave about 2.3, M/G/1
// 2.0; the simulated wait of those that wait has SCV 0.92 (ratio 1.92). Only the reported
// moments change: the iteration (and with it every mean) keeps wait2_on.
double LockModel::reported_wait2(std::size_t c, std::size_t p) const {
  if (workload.partitions[p].sequence_batch > 0 || share_hot[p] < 1.0 || !(moment_ratio[c] > 0))
    return wait2_on[c][p];
  const double rho = std::clamp(granule_rho[p], 0.0, 0.999);
  return wait2_on[c][p] * open::mg1_waited_moment_ratio(rho, hold_scv[p]) / moment_ratio[c];
}

// The results of class c at the final waits (`p_deadlock`: its deadlock sum, all cycles);
// `alpha` is set to its Thomasian alpha.
ClassContention LockModel::class_result(std::size_t c, double p_deadlock, double& alpha) const {
  const LockClass& cls = workload.classes[c];
  ClassContention r;
  r.name = cls.name;
  r.concurrent_transactions = population[c];
  r.lock_requests = totals[c].requests;
  r.response_time_no_wait_s =
      cls.lead_time_s + totals[c].requests * totals[c].step_s + cls.commit_time_s;
  r.response_time_s = profile[c].response_time_s;
  r.throughput_per_s = r.response_time_s > 0 ? population[c] / r.response_time_s : 0.0;
  r.conflict_probability = conflict_prob[c];
  r.conflicts_per_transaction = conflict_prob[c] * totals[c].requests;
  r.wait_per_conflict_s = wait_per_conflict[c];
  {
    double second = 0;  // sum over partitions of k_p E[W_p^2] (waits of 0 included)
    for (std::size_t p = 0; p < np; ++p) second += totals[c].requests_on[p] * reported_wait2(c, p);
    const double conflicts = conflict_prob[c] * totals[c].requests;
    r.wait_second_moment_s2 = conflicts > 0 ? second / conflicts : 0.0;
    double variance = 0;
    for (std::size_t p = 0; p < np; ++p) {
      const double mean = std::max(0.0, wait_on[c][p]);
      variance += totals[c].requests_on[p] * std::max(0.0, reported_wait2(c, p) - mean * mean);
    }
    r.blocking_time_variance_s2 = variance;
  }
  r.blocking_time_s = totals[c].requests * wait_per_request[c];
  const double lock_seconds = sum(hold[c].x) + sum(hold[c].s);
  r.mean_locks_held = r.response_time_s > 0 ? lock_seconds / r.response_time_s : 0;
  r.lock_holding_time_s = totals[c].requests > 0 ? lock_seconds / totals[c].requests : 0;
  r.blocked_share = r.response_time_s > 0 ? r.blocking_time_s / r.response_time_s : 0;

  // Deadlock (two-cycles): a request of c is blocked by o, and o later requests, in a
  // conflicting mode, one of the locks c already holds (Thomasian & Ryu, TSE 1991; this
  // gives (N-1) k^4 / (12 D^2) for the uniform exclusive case, see
  // two_cycle_deadlock_probability), times deadlock_cycle_factor for the longer cycles
  // (results(), longer_cycle_factor).
  r.deadlock_probability = std::min(1.0, p_deadlock);

  // Conflicts on hot spots are queueing, not the chains of blocked lock holders that alpha
  // measures: they count only through the waits they add to the holding times.
  alpha = r.response_time_no_wait_s > 0 ? cold_conflict_prob[c] * totals[c].requests *
                                              active_wait(c) / r.response_time_no_wait_s
                                        : 0.0;
  return r;
}

// Thomasian's alpha = eta * W1 / R with W1 the wait when blocked by an *active* transaction
// and R the response time of an active (never blocked) transaction: both from the holding
// profile without waits, so alpha grows with the load and W1 / R -> 1/3 for uniform
// requests, which links 0.226 to Tay's eta < 0.7 (Thomasian, ICDE 1991). This is W1.
double LockModel::active_wait(std::size_t c) const {
  Holding active_hold;
  no_wait_holdings(c, active_hold);
  const double active_seconds = sum(active_hold.x) + sum(active_hold.s);
  return active_seconds > 0 ? (sum(active_hold.x2) + sum(active_hold.s2)) / (2 * active_seconds)
                            : 0.0;
}

// The holding profile of class c without lock waits (steps and commit only) into `h`, all zero
// before.
void LockModel::no_wait_holdings(std::size_t c, Holding& h) const {
  ClassVariance active_var = class_variance(c, 0.0);  // no waits: steps and commit only
  active_var.wait = 0;
  holdings(c, 0.0, active_var, h);
}

// k^2 N / D_eff summed over partitions, with the collision weight of shared/exclusive mixes.
void LockModel::add_tay_workload(std::size_t c, double& k2n_over_d) const {
  for (std::size_t p = 0; p < np; ++p) {
    const double kp = totals[c].requests_on[p];
    if (kp <= 0) continue;
    const double d_eff =
        effective_granules_shared(workload.partitions[p].granules, exclusive_share(c, p));
    if (std::isfinite(d_eff)) k2n_over_d += kp * kp * population[c] / d_eff;
  }
}

// Holder stalls at end-of-file pages (sequence_stall.hpp; docs/locking.md "Holder stalls at an
// end-of-file page", issue #13): the mean values have a lower operating point, but the queue of
// inserters leaves it within the horizon - a metastable collapse, reported as thrashing.
void LockModel::check_sequence_stalls(LockContention& out) const {
  for (std::size_t p = 0; p < np; ++p) {
    if (workload.partitions[p].sequence_batch <= 0) continue;
    SequenceStallInput in = sequence_stall_input(p, sequence_hold[p]);
    in.horizon_s = options.sequence_stall_horizon_s;
    const SequenceStallResult r = sequence_stall_stability(in);
    if (r.sustainable) continue;
    out.thrashing = true;
    out.bottleneck = workload.partitions[p].name;
    out.diagnosis =
        r.lower_state
            ? fmt::format(
                  "no lasting operating point (holder stalls): the {:.4g} transactions queued for "
                  "the end-of-file pages of partition '{}' reach {:.4g}, beyond which their "
                  "holders' stalls make the queue grow, in {:.3g} s on average (< {:.4g} s)",
                  r.lower_waiters, out.bottleneck, r.middle_waiters, r.passage_time_s, in.horizon_s)
            : fmt::format(
                  "no stable operating point (holder stalls): the holders of the end-of-file "
                  "pages of partition '{}' stall behind the transactions queued for them "
                  "without bound",
                  out.bottleneck);
    return;
  }
}

// The lock-seconds per second and granule that the inputs put on each partition, without lock
// waits: sum over classes of throughput x lock-seconds per transaction / granules (throughput: the
// arrival rate, or N over the response time without waits). A function of the model alone, the
// same on every iteration path (diagnose names a saturated queue by it).
std::vector<double> LockModel::no_wait_granule_load(bool open_only) const {
  std::vector<double> load(np, 0.0);
  Holding h;
  for (std::size_t c = 0; c < nc; ++c) {
    if (open_only && !is_open(c)) continue;
    const LockClass& cls = workload.classes[c];
    const double r0 =
        holding_profile(totals[c].requests, totals[c].step_s, 0.0, cls).response_time_s;
    const double x0 =
        is_open(c) ? cls.arrival_rate_per_s : (r0 > 0 ? cls.concurrent_transactions / r0 : 0.0);
    h.reset(np);
    no_wait_holdings(c, h);
    for (std::size_t p = 0; p < np; ++p) load[p] += x0 * (h.x[p] + h.s[p]);
  }
  for (std::size_t p = 0; p < np; ++p) load[p] /= workload.partitions[p].granules;
  return load;
}

// True when the open classes alone, without lock waits, hold some granule of a non-sequence
// partition all the time (no_wait_granule_load over the open classes >= 1): their lock-seconds
// only grow with the waits, so the lock queue there is full at every state - no operating point,
// whatever the path (analyze_lock_contention then does not follow the load up from zero).
bool LockModel::open_load_fills_a_queue() const {
  if (open_load_full_) return *open_load_full_;
  const std::vector<double> open_load = no_wait_granule_load(true);
  open_load_full_ = false;
  for (std::size_t p = 0; p < np; ++p)
    if (workload.partitions[p].sequence_batch <= 0 && open_load[p] >= 1) open_load_full_ = true;
  return *open_load_full_;
}

// Which saturated hot lock queue to name (issue #16). The name must not depend on the iteration
// path: when the waits diverge, the state where they blow up differs between a plain, an
// accelerated and a warm-started solve (after one to thousands of steps), and its utilizations
// named any of several equal hot spots, or a large or a less loaded partition (its full queues
// are all hot spots there, e.g. all 13 partitions of the real-load model at 1e5 - 1e6). So the
// name comes from the inputs: the queue that fills first is the one with the fewest granules to
// spread over (as before), then the one whose granules the inputs load most, the lock-seconds per
// second and granule without waits (no_wait_granule_load; waits stretch all holding times alike,
// to first order), then the first declared. Queues of as many granules loaded alike (to 1e-9) are
// equal: `equal` gets the others.
// With `by_granules` false the granules do not count (diagnose: the partition named when the
// waits diverge without a full queue).
std::size_t LockModel::saturated_queue(const std::vector<std::size_t>& candidates,
                                       std::vector<std::size_t>& equal,
                                       const std::vector<double>& load, bool by_granules) const {
  constexpr double kSameLoad = 1e-9;
  const auto granules = [&](std::size_t p) {
    return by_granules ? workload.partitions[p].granules : 0.0;
  };
  double fewest = std::numeric_limits<double>::infinity(), most = 0;
  for (const std::size_t p : candidates) fewest = std::min(fewest, granules(p));
  for (const std::size_t p : candidates)
    if (granules(p) == fewest) most = std::max(most, load[p]);
  std::size_t named = np;
  equal.clear();
  for (const std::size_t p : candidates) {  // in declaration order
    if (granules(p) != fewest || load[p] < most * (1 - kSameLoad)) continue;
    if (named == np) {
      named = p;
    } else {
      equal.push_back(p);
    }
  }
  return named;
}

// "; loaded alike: 'B', 'C'" for the partitions `equal` to the one named, or "".
std::string LockModel::loaded_alike(const std::vector<std::size_t>& equal) const {
  std::string s;
  for (std::size_t i = 0; i < equal.size(); ++i)
    s += (i ? ", '" : "; loaded alike: '") + workload.partitions[equal[i]].name + "'";
  return s;
}

// The verdict of diverged waits (issue 16, docs/locking.md "One verdict for every path"): the
// hot spots without lock waits - the non-sequence partitions that some class uses whose
// hot-spot share at their no_wait_granule_load is at least 1/2 (min(1, locks held per granule);
// 1 for a single granule). When the waits diverge and there is one, its lock queue is what fills
// (a queue of its granules, already shared by several requesters at zero waits); without one,
// the contention spread over many granules feeds back on itself: thrashing. The blown-up state
// where the waits diverge depends on the iteration path (a plain, an accelerated and a
// warm-started solve stop after 1 to thousands of steps), and its utilizations made a full queue
// of one path thrashing on another.
std::vector<std::size_t> LockModel::hot_at_zero_waits(const std::vector<double>& load) const {
  std::vector<std::size_t> hot;
  for (std::size_t p = 0; p < np; ++p) {
    if (workload.partitions[p].sequence_batch > 0) continue;
    const double granules = workload.partitions[p].granules;
    if (load[p] > 0 && hot_spot_share(load[p] * granules, granules) >= 0.5) hot.push_back(p);
  }
  return hot;
}

// The diagnosis: a saturated hot lock queue, thrashing (divergence or Thomasian's alpha) or no
// convergence.
void LockModel::diagnose(LockContention& out) const {
  // A hot granule whose lock queue is (nearly) full: saturation of a queue, named as such. The
  // waits are capped just below utilization 1 (queue_wait_factor), so a saturated queue shows
  // as a utilization at or above 0.99. At a fixed point the full queues are candidates; when
  // the waits diverge, the hot spots without lock waits (hot_at_zero_waits: the blown-up state
  // says neither whether a queue is full nor which, saturated_queue).
  std::vector<std::size_t> full;
  const std::vector<double> load = diverged ? no_wait_granule_load() : std::vector<double>{};
  if (diverged) {
    full = hot_at_zero_waits(load);
  } else {
    for (std::size_t p = 0; p < np; ++p) {
      if (share_hot[p] < 0.5 || workload.partitions[p].sequence_batch > 0) continue;
      if (granule_rho[p] >= 0.99) full.push_back(p);
    }
  }
  if (!full.empty()) {
    std::vector<std::size_t> equal;
    const std::size_t hot_worst =
        saturated_queue(full, equal, diverged ? load : no_wait_granule_load());
    out.lock_queue_saturated = true;
    out.thrashing = true;
    out.bottleneck = workload.partitions[hot_worst].name;
    std::ostringstream s;
    s.precision(3);
    s << "no stable operating point (lock queue saturated): the lock queue on partition '"
      << out.bottleneck << "' is full";
    if (diverged) {
      s << " (hot spot; without lock waits its granules are held " << load[hot_worst]
        << " of the time)";
    } else {
      s << ", its granules are held " << granule_rho[hot_worst] << " of the time (hot spot)";
    }
    out.diagnosis = s.str() + loaded_alike(equal);
  } else if (diverged) {
    // Likewise the partition of highest conflict probability: in the blown-up state many are at
    // 1 (the first of them was named); without waits a partition's conflict probability is the
    // locks held per granule, its no_wait_granule_load.
    std::vector<std::size_t> used, equal;
    for (std::size_t p = 0; p < np; ++p)
      for (std::size_t c = 0; c < nc; ++c)
        if (totals[c].requests_on[p] > 0) {
          used.push_back(p);
          break;
        }
    if (!used.empty()) {
      const std::size_t worst = saturated_queue(used, equal, load, false);
      out.bottleneck = workload.partitions[worst].name;
    }
    out.diagnosis = "no stable operating point (thrashing): " + divergence_reason +
                    "; highest conflict probability on partition '" + out.bottleneck + "'" +
                    loaded_alike(equal);
  } else if (!out.thomasian_beta) {
    // At a fixed point: the partitions of the same conflict probability (to 1e-9) are listed.
    std::vector<std::size_t> equal;
    double named_p = -1;
    for (const PartitionContention& pc : out.partitions)
      if (pc.name == out.bottleneck) named_p = pc.exclusive_conflict_probability;
    for (std::size_t p = 0; p < np; ++p) {
      const double cp = out.partitions[p].exclusive_conflict_probability;
      if (out.partitions[p].name != out.bottleneck && named_p > 0 &&
          std::abs(cp - named_p) <= 1e-9 * named_p)
        equal.push_back(p);
    }
    out.diagnosis = fmt::format(
        "thrashing: Thomasian's alpha = {:.3g} >= {:.3g}; highest conflict probability on "
        "partition '{}'{}",
        out.thomasian_alpha, thomasian_alpha_threshold(), out.bottleneck, loaded_alike(equal));
  } else if (!out.converged) {
    out.diagnosis = "lock model did not converge within " + std::to_string(options.max_iterations) +
                    " iterations";
  }
}

}  // namespace

namespace {

// The lock model from the options' start; with `open_load_full`, whether the open classes alone
// fill a lock queue, and with `queue_fell`, whether a hot queue's utilization fell after a
// damped step (LockModel::queue_fell; both only asked when the waits diverged).
LockContention solve_lock_model(const LockWorkload& workload, const LockOptions& options,
                                bool* open_load_full = nullptr, bool* queue_fell = nullptr) {
  LockModel model(workload, options);
  model.iterate();
  LockContention out = model.results();
  if (!out.converged) {
    if (open_load_full && out.state.wait_per_request.empty())  // diverged
      *open_load_full = model.open_load_fills_a_queue();
    if (queue_fell) *queue_fell = model.queue_fell();
  }
  return out;
}

// The damping of a following after a queue fell (open classes): 0.2 follows the four-hot-spot
// model with open classes to 13.3 (with 0.5 the following gave up at 12.2 ... 13.0 and reached
// 13.3; the plain iteration with damping 0.2 keeps an operating point to 13.7).
constexpr double kSwingDamping = 0.2;

// Whether a diverged solve is always checked by following the load up from zero: with a closed
// class. Closed transactions hold fewer locks as their waits grow (they queue instead), so the
// plain map is not order-preserving and its first steps - from zero waits, or from a lower load's
// operating point far below (a warm start from 0.3 of the load) - swing past an operating point
// (docs/locking.md "One verdict for every path"); with open classes alone the following cost the
// 10^4-partition model 15-30 % (its search's first probe is far beyond the limit) and the gap is
// left (docs). `tpeval eval` builds open lock classes only (its closed workloads load the lock
// model at the arrival theorem's rate), so its searches never pay for the warm check.
bool follow_diverged(const LockWorkload& workload) {
  return std::any_of(workload.classes.begin(), workload.classes.end(),
                     [](const LockClass& c) { return c.concurrent_transactions > 0; });
}

}  // namespace

LockContention analyze_lock_contention(const LockWorkload& workload, const LockOptions& options) {
  validate(workload);
  bool open_load_full = false, queue_fell = false;
  LockContention out = solve_lock_model(workload, options, &open_load_full, &queue_fell);
  // Waits that diverged, from zero waits or from a warm start: the first steps can overshoot a
  // hot lock queue where an operating point exists; the verdict is that of the load followed up
  // from zero (load_continuation.hpp, docs/locking.md "One verdict for every path"). With open
  // classes alone only where a hot queue's utilization fell on the way (the overshoot's mark;
  // where the queues only rose, as in every diverged solve of the 10^4-partition model, the
  // divergence stands without the cost of a following), and then with the damping at most
  // kSwingDamping; so also a solve that did not converge within its iterations after a queue
  // fell (with damping 0.5 the plain steps can cycle between two states around an operating
  // point: four hot spots, open classes, from 12.285 on).
  const bool closed = follow_diverged(workload);
  const bool diverged = !out.converged && out.state.wait_per_request.empty();
  const bool stuck = !out.converged && !diverged;
  if (!open_load_full &&
      ((diverged && (closed || queue_fell)) || (stuck && queue_fell && !closed))) {
    const LockSolve solve = [](const LockWorkload& w, const LockOptions& o) {
      return solve_lock_model(w, o);
    };
    LockOptions follow = options;
    if (!closed) follow.damping = std::min(follow.damping, kSwingDamping);
    if (auto followed = follow_load_from_zero(workload, follow, solve)) {
      return std::move(*followed);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------

double effective_granules(const std::vector<double>& access_weights) {
  double sum = 0, sum_sq = 0;
  for (std::size_t i = 0; i < access_weights.size(); ++i) {
    const double w = access_weights[i];
    if (!finite_non_negative(w)) {
      throw io::InputError(io::element_path("access_weights", i), "must be a non-negative number");
    }
    sum += w;
  }
  if (sum <= 0) throw io::InputError("access_weights", "must not all be 0");
  for (double w : access_weights) sum_sq += (w / sum) * (w / sum);
  return 1.0 / sum_sq;
}

double effective_granules_hot_cold(double granules, double hot_access_share,
                                   double hot_granule_share) {
  if (!std::isfinite(granules) || granules < 1) {
    throw io::InputError("granules", "must be a finite number >= 1");
  }
  if (!(hot_access_share >= 0 && hot_access_share <= 1)) {
    throw io::InputError("hot_access_share", "must be in [0, 1]");
  }
  if (!(hot_granule_share > 0 && hot_granule_share < 1)) {
    throw io::InputError("hot_granule_share", "must be in (0, 1)");
  }
  const double hot = granules * hot_granule_share;
  const double cold = granules - hot;
  // sum p_i^2 = hot * (a / hot)^2 + cold * ((1 - a) / cold)^2
  const double a = hot_access_share;
  return 1.0 / (a * a / hot + (1 - a) * (1 - a) / cold);
}

double effective_granules_shared(double granules, double exclusive_share) {
  const double read = 1.0 - exclusive_share;
  const double collide = 1.0 - read * read;
  return collide > 0 ? granules / collide : std::numeric_limits<double>::infinity();
}

double tay_conflict_probability(double transactions, double locks, double granules) {
  return std::max(transactions - 1.0, 0.0) * locks / (2.0 * granules);
}

double tay_workload(double transactions, double locks, double granules) {
  return locks * locks * transactions / granules;
}

namespace {
// alpha(beta) of Thomasian's cubic; increasing on [0, beta*], with its maximum at beta*.
double thomasian_alpha_of_beta(double beta) {
  return beta * (1 - beta) * (1 - beta) / (1 - 1.5 * beta * (1 - beta));
}
double thomasian_fold() {
  // Golden-section search for the maximum of alpha(beta) on [0, 1]: a few dozen evaluations,
  // no library needed for a one-dimensional unimodal maximum.
  double lo = 0.0, hi = 1.0;
  const double g = (std::sqrt(5.0) - 1) / 2;
  for (int i = 0; i < 200; ++i) {
    const double a = hi - g * (hi - lo), b = lo + g * (hi - lo);
    if (thomasian_alpha_of_beta(a) < thomasian_alpha_of_beta(b)) {
      lo = a;
    } else {
      hi = b;
    }
  }
  return 0.5 * (lo + hi);
}
}  // namespace

double thomasian_beta_at_threshold() {
  static const double beta = thomasian_fold();
  return beta;
}

double thomasian_alpha_threshold() {
  return thomasian_alpha_of_beta(thomasian_beta_at_threshold());
}

std::optional<double> thomasian_beta(double alpha) {
  if (!(alpha >= 0) || !std::isfinite(alpha)) return std::nullopt;
  if (alpha >= thomasian_alpha_threshold()) return std::nullopt;
  double lo = 0.0, hi = thomasian_beta_at_threshold();
  for (int i = 0; i < 200; ++i) {
    const double mid = 0.5 * (lo + hi);
    if (thomasian_alpha_of_beta(mid) < alpha) {
      lo = mid;
    } else {
      hi = mid;
    }
  }
  return 0.5 * (lo + hi);
}

double two_cycle_deadlock_probability(double transactions, double locks, double granules) {
  return std::max(transactions - 1.0, 0.0) * std::pow(locks, 4) / (12.0 * granules * granules);
}

double gray_wait_probability(double tps, double action_time_s, double actions, double db_size) {
  return tps * action_time_s * std::pow(actions, 3) / (2.0 * db_size);
}

double deadlock_cycle_factor(double blocked_share, double transactions) {
  const double beta = std::clamp(blocked_share, 0.0, 1.0);
  const double terms = transactions - 1.0;  // cycle lengths 2 .. n
  if (!(terms > 1.0) || !(beta > 0)) return 1.0;
  if (beta >= 1.0 - 1e-12) return terms;
  return -std::expm1(terms * std::log(beta)) / (1.0 - beta);
}

double gray_deadlock_probability(double tps, double action_time_s, double actions, double db_size) {
  return tps * action_time_s * std::pow(actions, 5) / (4.0 * db_size * db_size);
}

double gray_deadlock_rate_per_s(double tps, double action_time_s, double actions, double db_size,
                                double nodes) {
  return tps * tps * action_time_s * std::pow(actions, 5) * std::pow(nodes, 3) /
         (4.0 * db_size * db_size);
}

// ---------------------------------------------------------------------------------------------

FixedPointResult iterate_lock_fixed_point(const FixedPointUpdate& update, std::vector<double> start,
                                          const FixedPointOptions& options) {
  FixedPointResult result;
  result.value = std::move(start);
  const double damping = std::clamp(options.damping, 1e-6, 1.0);
  double start_scale = 1.0;
  for (double v : result.value) start_scale = std::max(start_scale, std::abs(v));
  const double limit = options.divergence_factor * start_scale;

  for (std::size_t it = 1; it <= options.max_iterations; ++it) {
    result.iterations = it;
    std::string reason;
    const std::optional<std::vector<double>> next = update(result.value, reason);
    if (!next) {
      result.status = FixedPointStatus::thrashing;
      const std::string prefix = "no stable operating point (thrashing)";
      if (reason.rfind(prefix, 0) == 0) {
        result.message = reason;  // the submodel already said it
      } else {
        result.message = prefix + (reason.empty() ? std::string() : ": " + reason);
      }
      return result;
    }
    if (next->size() != result.value.size()) {
      throw std::invalid_argument("iterate_lock_fixed_point: update changed the vector size");
    }
    double residual = 0;
    bool bad = false;
    for (std::size_t i = 0; i < next->size(); ++i) {
      const double v = (*next)[i];
      if (!std::isfinite(v) || v < 0 || v > limit) {
        bad = true;
        break;
      }
      const double damped = (1 - damping) * result.value[i] + damping * v;
      residual = std::max(residual,
                          std::abs(v - result.value[i]) / std::max(1.0, std::abs(result.value[i])));
      result.value[i] = damped;
    }
    if (bad) {
      result.status = FixedPointStatus::thrashing;
      result.message = "no stable operating point (thrashing): the iterates diverge" +
                       (reason.empty() ? std::string() : " (" + reason + ")");
      return result;
    }
    result.residual = residual;
    if (residual <= options.tolerance) {
      result.status = FixedPointStatus::converged;
      result.message = "converged after " + std::to_string(it) + " iterations";
      return result;
    }
  }
  result.status = FixedPointStatus::not_converged;
  result.message = fmt::format("not converged after {} iterations (residual {:.6g})",
                               options.max_iterations, result.residual);
  return result;
}

}  // namespace tpeval::solver::locking
