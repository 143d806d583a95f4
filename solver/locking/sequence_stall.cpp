#include "solver/locking/sequence_stall.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <utility>

#include "solver/locking/hot_spot.hpp"

namespace tpeval::solver::locking {
namespace {

/// Mean wait per request and the time a stalled holder waits for a queued transaction at
/// holding time h: that one's remaining wait plus its own holding time to its commit, when it
/// releases the lock the holder wants.
struct QueueAt {
  double wait_s = 0;
  double stall_s = 0;
};

/// The remaining wait of a transaction queued in the chain's state (issue #13, docs/locking.md
/// "The stall length"). Given the state, the queued transactions are those of the pages in
/// service, lambda h of them (Little), m = W / h per page on average (W the mean wait per
/// request); one picked at random (the blocker: each queued transaction holds a BRANCH page with
/// the same chance, whatever its place) waits for the holder's residual E[h^2] / (2 E[h]) and for
/// those ahead of it at its page, (m_u - 1) / 2 holdings on average, m_u the size-biased number
/// at a page. A page takes its inserters during its fill and serves them one per holding, so its
/// number waiting rises and falls linearly and is uniform over time: m_u = 4/3 m (at least 1, a
/// blocker is itself queued). Remaining wait = max(2/3 W, h/2) + c^2 h / 2. Not the stationary
/// residual E[W^2] / (2 E[W]) of the wait at h(n): its spread of the waits over the states is
/// what the chain carries by its state n; counting it again made the stalls up to 47 % too long
/// (the simulator, measured per state: the remaining wait 0.59-0.67 of the state's mean wait).
double state_residual_wait(const LockQueueWait& w, double hold_s, double hold_scv) {
  return std::max(2.0 / 3.0 * w.mean_wait_s, 0.5 * hold_s) + 0.5 * hold_scv * hold_s;
}

QueueAt queue_at(const SequenceStallInput& in, double hold_s) {
  const LockQueueWait w =
      sequence_granule_wait(in.request_rate_per_s, hold_s, in.hold_scv, in.batch);
  QueueAt q;
  q.wait_s = w.mean_wait_s;
  q.stall_s = (w.mean_wait_s > 0 ? state_residual_wait(w, hold_s, in.hold_scv) : 0.0) + hold_s;
  return q;
}

/// h(n): the root of h = hold + a n stall(h), starting above `from` (h grows with n). None when
/// the stalls feed back without bound (no finite holding time at this state).
std::optional<double> hold_at_state(const SequenceStallInput& in, double n, double from,
                                    double relative_tolerance = 1e-9) {
  const double a = in.stalls_per_waiter * n;
  if (a >= 1.0) return std::nullopt;  // stall(h) >= h: h >= hold + a h has no root
  const auto excess = [&](double h) { return in.hold_mean_s + a * queue_at(in, h).stall_s - h; };
  double lo = std::max(in.hold_mean_s, from);
  double f_lo = excess(lo);
  if (f_lo <= 0) return lo;
  // The stall grows about linearly with h (the queue of a page grows like batch x h), so the
  // root exists when a times that slope stays below 1; bracket it by steps that double (from
  // an eighth of `from`: the next state's root lies close to the last one's).
  double step = lo / 8, hi = lo + step, f_hi = excess(hi);
  for (int i = 0; f_hi > 0; ++i) {
    if (i > 60) return std::nullopt;
    lo = hi;
    f_lo = f_hi;
    step *= 2;
    hi = lo + step;
    f_hi = excess(hi);
  }
  // Regula falsi with the Illinois modification (Dowell & Jarratt, BIT 11, 1971): superlinear,
  // a few evaluations of the Lindley recursion per state instead of bisection's 30.
  int kept = 0;  // which end was kept last: -1 hi, +1 lo
  double x = hi;
  for (int i = 0; i < 100 && hi - lo > relative_tolerance * hi; ++i) {
    x = (lo * f_hi - hi * f_lo) / (f_hi - f_lo);
    const double fx = excess(x);
    if (fx == 0) return x;
    if (fx > 0) {
      lo = x;
      f_lo = fx;
      if (kept == -1) f_hi /= 2;
      kept = -1;
    } else {
      hi = x;
      f_hi = fx;
      if (kept == 1) f_lo /= 2;
      kept = 1;
    }
  }
  return 0.5 * (lo + hi);
}

double log_add(double a, double b) {
  if (a < b) std::swap(a, b);
  if (b == -std::numeric_limits<double>::infinity()) return a;
  return a + std::log1p(std::exp(b - a));
}

}  // namespace

double sequence_stall_departure_rate(const SequenceStallInput& in, double waiters) {
  const auto h = hold_at_state(in, waiters, in.hold_mean_s);
  if (!h) return 0.0;
  const double wait = queue_at(in, *h).wait_s;
  return wait > 0 ? waiters / wait : std::numeric_limits<double>::infinity();
}

SequenceStallResult sequence_stall_stability(const SequenceStallInput& in) {
  SequenceStallResult r;
  const double lambda = in.request_rate_per_s;
  r.lower_hold_s = in.hold_mean_s;
  if (lambda <= 0 || in.hold_mean_s <= 0 || in.stalls_per_waiter <= 0 || in.batch <= 1) return r;
  // Birth-death chain: pi_k = pi_{k-1} lambda / mu(k), pi_0 = 1 (logs). The mean first passage
  // from n1 to n2 is sum_{k=n1}^{n2-1} (sum_{j<=k} pi_j) / (lambda pi_k) (Karlin & Taylor 1975,
  // birth and death processes; docs/sources.md); once it exceeds the horizon the scan stops (each
  // further term only adds).
  // The states far below the lower one carry no mass: stalls only lower the death rates, so
  // pi_j / pi_n0 is below the Poisson(n0) ratio, n0 = lambda W(hold) <= n1; the chain starts 12
  // standard deviations below n0 (a relative mass of e^-70 left out), reflecting there.
  const double n0 = lambda * queue_at(in, in.hold_mean_s).wait_s;
  const double start = std::max(1.0, std::floor(n0 - 12 * std::sqrt(n0)));
  if (!(start <= static_cast<double>(in.max_states))) return r;  // not examined
  const auto first = static_cast<std::size_t>(start);
  double log_pi = 0, log_mass = 0, hold = in.hold_mean_s, passage = 0;
  bool lower = false;
  for (std::size_t n = first; n <= in.max_states; ++n) {
    const auto h = hold_at_state(in, static_cast<double>(n), hold);
    const double wait = h ? queue_at(in, *h).wait_s : 0.0;
    if (h && wait <= 0) return r;  // nobody waits: no queue to grow
    const double mu = h ? static_cast<double>(n) / wait : 0.0;
    if (!lower) {
      if (!h) {  // no lower state: the stalls diverge before the queue can settle
        r.lower_state = r.sustainable = false;
        return r;
      }
      hold = *h;
      if (mu < lambda) {
        log_pi += std::log(lambda / mu);
        log_mass = log_add(log_mass, log_pi);
        continue;
      }
      lower = true;
      r.lower_waiters = static_cast<double>(n);
      r.lower_hold_s = *h;
    } else if (mu < lambda) {  // the middle state: from here the queue drifts upwards
      r.middle_waiters = static_cast<double>(n);
      r.passage_time_s = passage;
      r.sustainable = passage >= in.horizon_s;
      return r;
    }
    hold = *h;
    // State n (>= n1, death rate >= births): pi_n, then its term of the passage sum.
    log_pi += std::log(lambda / mu);
    log_mass = log_add(log_mass, log_pi);
    passage += std::exp(log_mass - log_pi) / lambda;
    if (passage >= in.horizon_s) {
      r.passage_time_s = passage;
      return r;
    }
  }
  // No lower or no middle state within max_states: nothing examined beyond, nothing claimed.
  r.passage_time_s = std::numeric_limits<double>::infinity();
  return r;
}

namespace {

/// Mean and second moment of a stall at holding time `hold_s` with page wait `w` there: the
/// blocker's remaining wait in the chain's state (state_residual_wait, the rule of the chain)
/// plus its holding time to its commit; the second moment that of an exponential, 2 E[D]^2, as
/// measured (docs/locking.md "The stall length": the within-state spread of a page's places
/// alone gives 1.5 E[R]^2 and leaves out the stalls nested in the holdings ahead).
std::pair<double, double> stall_moments(const SequenceStallInput& in, double hold_s,
                                        const LockQueueWait& w) {
  const double d1 =
      (w.mean_wait_s > 0 ? state_residual_wait(w, hold_s, in.hold_scv) : 0.0) + hold_s;
  return {d1, 2.0 * d1 * d1};
}

}  // namespace

LockQueueWait sequence_stall_wait(const SequenceStallInput& in) {
  const LockQueueWait plain =
      sequence_granule_wait(in.request_rate_per_s, in.hold_mean_s, in.hold_scv, in.batch);
  const double lambda = in.request_rate_per_s;
  if (lambda <= 0 || in.hold_mean_s <= 0 || in.stalls_per_waiter <= 0 || in.batch <= 1)
    return plain;
  // The chain of sequence_stall_stability: pi_n (logs, relative to the first state) up to its
  // middle state or until the states carry no mass (e^-30 below the largest), from 8 standard
  // deviations below the mean-value queue without stalls (a Poisson tail of e^-32 left out): the
  // truncation moves the wait by less than the fixed point's tolerance.
  const double n0 = lambda * queue_at(in, in.hold_mean_s).wait_s;
  const double start = std::max(1.0, std::floor(n0 - 8 * std::sqrt(n0)));
  if (!(start <= static_cast<double>(in.max_states))) return plain;
  double log_pi = 0, log_top = 0, hold = in.hold_mean_s;
  double mass = 0, stall1 = 0, stall2 = 0;
  bool lower = false;
  for (auto n = static_cast<std::size_t>(start); n <= in.max_states; ++n) {
    const double waiters = static_cast<double>(n);
    // The holding time to 1e-11: the page wait feeds the lock model's fixed point, solved to
    // 1e-10 in the tests; a coarser root would make its map noisy.
    const auto h = hold_at_state(in, waiters, hold, 1e-11);
    if (!h) break;  // no holding time beyond: the chain cannot pass here
    hold = *h;
    const LockQueueWait w = sequence_granule_wait(lambda, hold, in.hold_scv, in.batch);
    if (w.mean_wait_s <= 0) return plain;
    const double mu = waiters / w.mean_wait_s;
    if (lower && mu < lambda) break;  // the middle state: beyond it the collapsed state
    if (mu >= lambda) lower = true;
    log_pi += std::log(lambda / mu);  // pi_n = pi_{n-1} lambda / mu_n
    if (log_pi > log_top) log_top = log_pi;
    if (lower && log_pi < log_top - 30) break;
    const double weight = std::exp(log_pi);
    const auto [d1, d2] = stall_moments(in, hold, w);
    const double stalls = std::min(1.0, in.stalls_per_waiter * waiters);
    mass += weight;
    stall1 += weight * stalls * d1;
    stall2 += weight * stalls * d2;
    // Keep the weights finite: rescale once the logs grow large (the ratios are what count).
    if (log_pi > 600) {
      const double scale = std::exp(-600.0);
      mass *= scale, stall1 *= scale, stall2 *= scale;
      log_pi -= 600, log_top -= 600;
    }
  }
  if (!lower || !(mass > 0)) return plain;
  stall1 /= mass;
  stall2 /= mass;
  const double h1 = in.hold_mean_s + stall1;
  const double h2 = in.hold_mean_s * in.hold_mean_s * (1.0 + in.hold_scv) +
                    2.0 * in.hold_mean_s * stall1 + stall2;
  return sequence_granule_wait(lambda, h1, std::max(0.0, h2 / (h1 * h1) - 1.0), in.batch);
}

namespace {

/// Requests and exclusive requests of `cls` on partition q, and the expected number of them made
/// after its request on p (positions: see PartitionAccess::request_position).
struct RequestsOn {
  double requests = 0, exclusive = 0, after = 0;
};

double position_on(const LockClass& cls, std::size_t p) {
  for (const PartitionAccess& a : cls.accesses)
    if (a.partition == p && a.lock_requests > 0) return a.request_position;
  return -1;
}

/// P(a request at position u_q comes after one at u_p); negative positions are spread evenly.
double after_share(double u_p, double u_q) {
  if (u_p < 0 && u_q < 0) return 0.5;
  if (u_q < 0) return 1.0 - u_p;
  if (u_p < 0) return u_q;
  return u_q > u_p ? 1.0 : (u_q < u_p ? 0.0 : 0.5);
}

RequestsOn requests_on(const LockClass& cls, std::size_t p, std::size_t q) {
  RequestsOn r;
  const double u_p = position_on(cls, p);
  for (const PartitionAccess& a : cls.accesses) {
    if (a.partition != q || a.lock_requests <= 0) continue;
    r.requests += a.lock_requests;
    r.exclusive += a.lock_requests * a.exclusive_share;
    r.after += a.lock_requests * after_share(u_p, a.request_position);
  }
  return r;
}

}  // namespace

double sequence_stalls_per_waiter(const LockWorkload& workload, std::size_t p,
                                  const std::vector<double>& throughput_per_s, double own_share) {
  const std::size_t nc = workload.classes.size(), np = workload.partitions.size();
  std::vector<double> weight(nc, 0.0);
  double total = 0;
  for (std::size_t c = 0; c < nc; ++c) {
    for (const PartitionAccess& a : workload.classes[c].accesses)
      if (a.partition == p) weight[c] += throughput_per_s[c] * a.lock_requests;
    total += weight[c];
  }
  if (total <= 0) return 0.0;
  for (double& w : weight) w /= total;
  double stalls = 0;
  for (std::size_t q = 0; q < np; ++q) {
    const LockPartition& part = workload.partitions[q];
    if (q == p || part.sequence_batch > 0 || part.granules <= 0) continue;
    // Held by the queued transactions: all granules of q taken before p (any mode), and those
    // held exclusively; conflict = 1 - (1 - e_c)(1 - e_o) splits into these two sums.
    double held_any = 0, held_shared = 0;
    for (std::size_t o = 0; o < nc; ++o) {
      if (weight[o] <= 0) continue;
      const RequestsOn r = requests_on(workload.classes[o], p, q);
      if (r.requests <= 0) continue;
      const double before = r.requests - r.after;
      held_any += weight[o] * before;
      held_shared += weight[o] * before * (1.0 - r.exclusive / r.requests);
    }
    if (held_any <= 0) continue;
    for (std::size_t c = 0; c < nc; ++c) {
      if (weight[c] <= 0) continue;
      const RequestsOn r = requests_on(workload.classes[c], p, q);
      if (r.requests <= 0) continue;
      const double shared_c = 1.0 - r.exclusive / r.requests;
      stalls += weight[c] * r.after * (held_any - shared_c * held_shared) / part.granules;
    }
  }
  return stalls * std::clamp(1.0 - own_share, 0.0, 1.0);
}

}  // namespace tpeval::solver::locking
