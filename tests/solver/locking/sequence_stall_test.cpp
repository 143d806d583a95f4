// Holder stalls at an end-of-file lock queue (solver/locking/sequence_stall.hpp, docs/locking.md
// "Holder stalls at an end-of-file page", issue #13).
#include <doctest/doctest.h>

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "solver/locking/hot_spot.hpp"
#include "solver/locking/lock_contention.hpp"
#include "solver/locking/sequence_stall.hpp"

using namespace tpeval::solver::locking;

namespace {

/// Page-locked HISTORY of the Debit-Credit default near 160 TPS: 20 records per page, a page
/// lock held about 35 ms, one BRANCH page of 500 locked before or after it (1/2 each), so a
/// holder stalls with 0.5 x 0.5 / 500 per queued inserter (less those at its own page).
SequenceStallInput history_like(double rate) {
  SequenceStallInput in;
  in.request_rate_per_s = rate;
  in.hold_mean_s = 0.035;
  in.hold_scv = 1.0;
  in.batch = 20;
  in.stalls_per_waiter = 0.25 / 500 * (1.0 - 1.0 / (rate * 0.035));
  return in;
}

/// Mean first-passage time from `from` to `to` of the birth-death chain with births `lambda`
/// and deaths `mu[k]` (reflecting at 0), by the linear system of the hitting times
/// (lambda + mu_k) T_k = 1 + lambda T_{k+1} + mu_k T_{k-1}, T_to = 0: independent of the
/// product-form sum the unit uses.
double hitting_time(double lambda, const std::vector<double>& mu, int from, int to) {
  const int n = to;  // unknowns T_0 .. T_{to-1}
  Eigen::MatrixXd a = Eigen::MatrixXd::Zero(n, n);
  Eigen::VectorXd b = Eigen::VectorXd::Ones(n);
  for (int k = 0; k < n; ++k) {
    const double m = k == 0 ? 0.0 : mu[static_cast<std::size_t>(k)];
    a(k, k) = lambda + m;
    if (k + 1 < n) a(k, k + 1) = -lambda;
    if (k > 0) a(k, k - 1) = -m;
  }
  const Eigen::VectorXd t = a.partialPivLu().solve(b);
  return t(from);
}

}  // namespace

TEST_CASE("sequence stalls: without stalls every rate is sustainable") {
  SequenceStallInput in = history_like(160);
  in.stalls_per_waiter = 0;
  const SequenceStallResult r = sequence_stall_stability(in);
  CHECK(r.sustainable);
  CHECK(r.lower_state);
}

TEST_CASE("sequence stalls: the lower state is the mean-value queue (Little)") {
  // Few stalls: the lower state is the first n >= lambda W(h) with h barely above the bare
  // holding time.
  SequenceStallInput in = history_like(100);
  in.stalls_per_waiter = 1e-7;
  const SequenceStallResult r = sequence_stall_stability(in);
  const double w = sequence_granule_wait(100, 0.035, 1.0, 20).mean_wait_s;
  CHECK(r.sustainable);
  CHECK(r.lower_waiters == doctest::Approx(std::ceil(100 * w)).epsilon(0.03));
  CHECK(r.lower_hold_s == doctest::Approx(0.035).epsilon(1e-3));
}

TEST_CASE("sequence stalls: passage time against the hitting-time equations") {
  // A chain whose middle state is near (strong stalls), horizon out of reach, so the unit sums
  // the whole passage from n1 to n2.
  SequenceStallInput in = history_like(100);
  in.stalls_per_waiter = 0.001;
  in.horizon_s = std::numeric_limits<double>::infinity();
  const SequenceStallResult r = sequence_stall_stability(in);
  REQUIRE(r.lower_state);
  REQUIRE(r.middle_waiters > r.lower_waiters);
  const int n2 = static_cast<int>(r.middle_waiters);
  std::vector<double> mu(static_cast<std::size_t>(n2) + 1, 0.0);
  for (int k = 1; k <= n2; ++k)
    mu[static_cast<std::size_t>(k)] = sequence_stall_departure_rate(in, k);
  // The states of the result: the first death rate >= births, the next one below.
  const int n1 = static_cast<int>(r.lower_waiters);
  CHECK(mu[static_cast<std::size_t>(n1)] >= 100);
  CHECK(mu[static_cast<std::size_t>(n1 - 1)] < 100);
  CHECK(mu[static_cast<std::size_t>(n2)] < 100);
  const double expected = hitting_time(100, mu, n1, n2);
  MESSAGE("n1 " << n1 << ", n2 " << n2 << ", passage " << r.passage_time_s << " s");
  CHECK(r.passage_time_s == doctest::Approx(expected).epsilon(1e-6));
}

TEST_CASE("sequence stalls: the time to collapse falls with the rate and crosses the horizon") {
  double last = std::numeric_limits<double>::infinity();
  bool crossed = false;
  // The synthetic chain (hold 35 ms at every rate) crosses the hour between 220 and 230 TPS
  // (with the stationary residual as the stall, below 220).
  for (double rate = 170; rate <= 260; rate += 10) {
    SequenceStallInput in = history_like(rate);
    in.horizon_s = std::numeric_limits<double>::infinity();
    const SequenceStallResult r = sequence_stall_stability(in);
    const double t = r.lower_state ? r.passage_time_s : 0.0;
    CHECK((t < last || t == 0.0));
    last = t;
    in.horizon_s = 3600;
    crossed = crossed || !sequence_stall_stability(in).sustainable;
  }
  CHECK(crossed);
}

TEST_CASE("sequence stalls: beyond the fold there is no lower state") {
  // Stalls so frequent that the holding time has no finite value once a few transactions queue.
  SequenceStallInput in = history_like(100);
  in.stalls_per_waiter = 0.2;
  const SequenceStallResult r = sequence_stall_stability(in);
  CHECK_FALSE(r.lower_state);
  CHECK_FALSE(r.sustainable);
  CHECK(sequence_stall_departure_rate(in, 10) == 0.0);
}

TEST_CASE("sequence stalls: states beyond max_states are not examined, nor claimed") {
  // The lower state (about 34 queued) lies beyond a chain of 10 states: no verdict of collapse.
  SequenceStallInput in = history_like(100);
  in.stalls_per_waiter = 0.001;
  in.max_states = 10;
  const SequenceStallResult r = sequence_stall_stability(in);
  CHECK(r.sustainable);
  CHECK(r.lower_waiters == 0.0);
  // A queue that cannot even start is not examined either (no UB on a huge lower bound).
  in.request_rate_per_s = 1e300;
  CHECK(sequence_stall_stability(in).sustainable);
}

TEST_CASE("sequence stalls: stalls per waiter from the request order") {
  LockWorkload w;
  w.partitions = {{"BRANCH", 500, 0}, {"HISTORY", 0, 20}, {"ACCOUNT", 1e7, 0}};
  LockClass c;
  c.name = "debit_credit";
  c.arrival_rate_per_s = 100;
  c.accesses = {{0, 1, 1.0}, {1, 1, 1.0}, {2, 1, 1.0}};
  w.classes = {c};
  const std::vector<double> x = {100};
  // Random order: BRANCH after HISTORY for the holder (1/2), before it for a queued one (1/2).
  CHECK(sequence_stalls_per_waiter(w, 1, x, 0.0) ==
        doctest::Approx(0.25 / 500 + 0.25 / 1e7).epsilon(1e-12));
  CHECK(sequence_stalls_per_waiter(w, 1, x, 0.2) ==
        doctest::Approx(0.8 * (0.25 / 500 + 0.25 / 1e7)).epsilon(1e-12));
  // BRANCH always first: no holder requests it later; always last: no queued one holds it.
  w.classes[0].accesses[0].request_position = 0;
  w.classes[0].accesses[1].request_position = 0.5;
  w.classes[0].accesses[2].request_position = 1;
  CHECK(sequence_stalls_per_waiter(w, 1, x, 0.0) == doctest::Approx(0.0));
  // Shared BRANCH locks do not block each other: only ACCOUNT (exclusive) is left.
  w.classes[0].accesses[0].request_position = -1;
  w.classes[0].accesses[1].request_position = -1;
  w.classes[0].accesses[2].request_position = -1;
  w.classes[0].accesses[0].exclusive_share = 0;
  CHECK(sequence_stalls_per_waiter(w, 1, x, 0.0) == doctest::Approx(0.25 / 1e7).epsilon(1e-12));
}

namespace {

/// The blocker's remaining wait in the chain's state at holding time h with page wait w: the
/// holder's residual h (1 + c^2) / 2 and half of the size-biased 4/3 W / h at its page ahead
/// (at least none), i.e. max(2/3 W, h/2) + c^2 h / 2 - or, `stationary`, the residual
/// E[W^2] / (2 E[W]) of the stationary wait the chain had before (issue #13).
double remaining_wait(const SequenceStallInput& in, double h, const LockQueueWait& w,
                      bool stationary = false) {
  if (w.mean_wait_s <= 0) return 0.0;
  if (stationary) return w.wait_second_moment_s2 / (2 * w.mean_wait_s);
  const double ahead = std::max(0.0, 4.0 / 3.0 * w.mean_wait_s / h - 1.0) / 2.0;
  return h * (1 + in.hold_scv) / 2 + ahead * h;
}

/// The holding time at state n, h = hold + a n (R(h) + h), R the blocker's remaining wait:
/// bisection (the unit uses regula falsi).
double hold_by_bisection(const SequenceStallInput& in, double n, bool stationary = false) {
  const auto excess = [&](double h) {
    const LockQueueWait w = sequence_granule_wait(in.request_rate_per_s, h, in.hold_scv, in.batch);
    return in.hold_mean_s + in.stalls_per_waiter * n * (remaining_wait(in, h, w, stationary) + h) -
           h;
  };
  double lo = in.hold_mean_s, hi = 2 * in.hold_mean_s;
  while (excess(hi) > 0) hi *= 2;
  for (int i = 0; i < 200; ++i) {
    const double mid = 0.5 * (lo + hi);
    (excess(mid) > 0 ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

/// The stall wait computed independently of the unit: the chain's stationary distribution from
/// the balance equations of its generator (states 1 .. middle - 1, Eigen), the stall moments
/// (mean: remaining wait plus holding time; second moment: an exponential's), the page queue at
/// the stalled holding time.
LockQueueWait stall_wait_by_balance(const SequenceStallInput& in) {
  const double lambda = in.request_rate_per_s;
  std::vector<double> mu = {0.0}, hold = {in.hold_mean_s};
  bool lower = false;
  for (int n = 1;; ++n) {
    const double h = hold_by_bisection(in, n);
    const double m = n / sequence_granule_wait(lambda, h, in.hold_scv, in.batch).mean_wait_s;
    if (lower && m < lambda) break;
    lower = lower || m >= lambda;
    mu.push_back(m);
    hold.push_back(h);
  }
  const int states = static_cast<int>(mu.size()) - 1;  // 1 .. states
  // pi Q = 0 with births lambda (none out of the last state) and deaths mu_n (none out of the
  // first), one equation replaced by sum pi = 1.
  Eigen::MatrixXd q = Eigen::MatrixXd::Zero(states, states);
  for (int i = 0; i < states; ++i) {
    if (i + 1 < states) q(i, i + 1) = lambda, q(i, i) -= lambda;
    if (i > 0) q(i, i - 1) = mu[static_cast<std::size_t>(i + 1)], q(i, i) -= q(i, i - 1);
  }
  Eigen::MatrixXd a = q.transpose();
  a.row(states - 1).setOnes();
  Eigen::VectorXd b = Eigen::VectorXd::Zero(states);
  b(states - 1) = 1;
  const Eigen::VectorXd pi = a.partialPivLu().solve(b);
  double s1 = 0, s2 = 0;
  for (int i = 0; i < states; ++i) {
    const double n = i + 1, h = hold[static_cast<std::size_t>(i + 1)];
    const LockQueueWait w = sequence_granule_wait(lambda, h, in.hold_scv, in.batch);
    const double d = remaining_wait(in, h, w) + h;
    const double p = std::min(1.0, in.stalls_per_waiter * n);
    s1 += pi(i) * p * d;
    s2 += pi(i) * p * 2 * d * d;
  }
  const double h1 = in.hold_mean_s + s1;
  const double h2 =
      in.hold_mean_s * in.hold_mean_s * (1 + in.hold_scv) + 2 * in.hold_mean_s * s1 + s2;
  return sequence_granule_wait(lambda, h1, h2 / (h1 * h1) - 1.0, in.batch);
}

}  // namespace

TEST_CASE("sequence stalls: a stall lasts the remaining wait of a transaction in the state") {
  // The death rate n / W(h(n)) against the holding time solved by bisection with the state's
  // remaining wait max(2/3 W, h/2) + c^2 h / 2. Issue #13 (50 BRANCH pages at 64 TPS, measured per
  // state): the simulator's remaining wait is 0.59-0.67 of the state's mean wait, where the
  // stationary residual E[W^2] / (2 E[W]) at h(n) was 0.75-0.79 of it; the shorter stall keeps
  // the death rate above the births over more states.
  SequenceStallInput in = history_like(64);
  in.batch = 20;
  in.hold_mean_s = 0.030;
  in.hold_scv = 0.7;
  in.stalls_per_waiter = 0.00239;
  for (const int n : {5, 10, 20, 30, 39}) {
    CAPTURE(n);
    const double h = hold_by_bisection(in, n);
    const LockQueueWait w = sequence_granule_wait(64, h, in.hold_scv, in.batch);
    CHECK(sequence_stall_departure_rate(in, n) == doctest::Approx(n / w.mean_wait_s).epsilon(1e-7));
    const double ratio = remaining_wait(in, h, w) / w.mean_wait_s;
    CHECK(ratio > 0.6);
    CHECK(ratio < 0.75);
    CHECK(remaining_wait(in, h, w) < remaining_wait(in, h, w, true));
    const double h_stationary = hold_by_bisection(in, n, true);
    CHECK(h < h_stationary);
  }
  // Below a holding time of wait there is nobody ahead: the holder's residual alone.
  const LockQueueWait short_wait{0.5, 0.3, 0.01, 0.0002, true};
  CHECK(remaining_wait(in, 0.03, short_wait) == doctest::Approx(0.03 * 1.7 / 2));
}

TEST_CASE("sequence stall waits: without stalls the plain page queue") {
  SequenceStallInput in = history_like(148);
  in.stalls_per_waiter = 0;
  const LockQueueWait plain = sequence_granule_wait(148, 0.035, 1.0, 20);
  const LockQueueWait w = sequence_stall_wait(in);
  CHECK(w.mean_wait_s == plain.mean_wait_s);
  CHECK(w.wait_second_moment_s2 == plain.wait_second_moment_s2);
  CHECK(w.wait_probability == plain.wait_probability);
  in = history_like(148);
  in.batch = 1;  // a granule per request: nobody waits
  CHECK(sequence_stall_wait(in).mean_wait_s == 0.0);
}

TEST_CASE("sequence stall waits: the stalls over the chain's stationary distribution") {
  // Against the balance equations of the chain's generator solved directly (and the holding
  // time of each state by bisection): the unit's product form from 12 standard deviations below
  // the mean-value queue leaves out a negligible mass.
  for (const double rate : {100.0, 130.0, 148.0, 155.0}) {
    CAPTURE(rate);
    const SequenceStallInput in = history_like(rate);
    const LockQueueWait expected = stall_wait_by_balance(in);
    const LockQueueWait w = sequence_stall_wait(in);
    CHECK(w.mean_wait_s == doctest::Approx(expected.mean_wait_s).epsilon(1e-6));
    CHECK(w.wait_second_moment_s2 == doctest::Approx(expected.wait_second_moment_s2).epsilon(1e-6));
  }
}

TEST_CASE("sequence stall waits: longer and more variable than without stalls") {
  // Issue #13, page-locked HISTORY at 148 TPS: a stall (2.4 % of the holdings, about 250 ms)
  // raised the simulated holding time's SCV from about 0.8 to 2.4 and the page wait's spread;
  // the stalls grow with the queue, so their share grows with the rate.
  double last_ratio = 1.0;
  for (const double rate : {100.0, 130.0, 148.0}) {
    CAPTURE(rate);
    SequenceStallInput in = history_like(rate);
    const LockQueueWait w = sequence_stall_wait(in);
    in.stalls_per_waiter = 0;
    const LockQueueWait plain = sequence_stall_wait(in);
    CHECK(w.mean_wait_s > plain.mean_wait_s);
    const double spread = w.wait_second_moment_s2 / (w.mean_wait_s * w.mean_wait_s);
    const double plain_spread =
        plain.wait_second_moment_s2 / (plain.mean_wait_s * plain.mean_wait_s);
    CHECK(spread > plain_spread);
    const double ratio = w.mean_wait_s / plain.mean_wait_s;
    CHECK(ratio > last_ratio);
    last_ratio = ratio;
  }
}

TEST_CASE("sequence stall waits: no lower state gives the plain page queue") {
  // Beyond the fold the stability check reports the collapse; the wait stays the plain one.
  SequenceStallInput in = history_like(100);
  in.stalls_per_waiter = 0.2;
  const LockQueueWait w = sequence_stall_wait(in);
  const LockQueueWait plain = sequence_granule_wait(100, 0.035, 1.0, 20);
  CHECK(w.mean_wait_s == plain.mean_wait_s);
  CHECK(w.wait_second_moment_s2 == plain.wait_second_moment_s2);
}
