// Anderson acceleration and warm starts of the lock model (LockOptions::anderson_depth, start;
// issue #16): the same operating point as the plain damped substitution, in fewer iterations, and
// the same thrashing verdicts.
#include <doctest/doctest.h>

#include <cmath>
#include <cstddef>
#include <string>
#include <vector>

#include "solver/fixed_point/anderson_acceleration.hpp"
#include "solver/locking/lock_contention.hpp"
#include "workloads.hpp"

using namespace tpeval::solver::locking;
using tpeval::solver::fixed_point::AndersonAcceleration;
using tpeval::solver::locking::testing::hot_spot_workload;

namespace {

LockOptions plain(double tolerance) {
  LockOptions o;
  o.tolerance = tolerance;
  o.max_iterations = 200'000;
  return o;
}

LockOptions accelerated(double tolerance) {
  LockOptions o = plain(tolerance);
  o.anderson_depth = 5;
  return o;
}

/// Two solutions of one workload agree to `epsilon` relative in every reported figure.
void check_same(const LockContention& a, const LockContention& b, double epsilon) {
  const auto same = [epsilon](double x) { return doctest::Approx(x).epsilon(epsilon); };
  REQUIRE(a.classes.size() == b.classes.size());
  for (std::size_t c = 0; c < a.classes.size(); ++c) {
    CAPTURE(c);
    CHECK(a.classes[c].conflict_probability == same(b.classes[c].conflict_probability));
    CHECK(a.classes[c].wait_per_conflict_s == same(b.classes[c].wait_per_conflict_s));
    CHECK(a.classes[c].response_time_s == same(b.classes[c].response_time_s));
    CHECK(a.classes[c].blocking_time_s == same(b.classes[c].blocking_time_s));
    CHECK(a.classes[c].deadlock_probability == same(b.classes[c].deadlock_probability));
  }
  for (std::size_t p = 0; p < a.partitions.size(); ++p)
    CHECK(a.partitions[p].queue_utilization == same(b.partitions[p].queue_utilization));
  CHECK(a.blocked_share == same(b.blocked_share));
  CHECK(a.deadlock_rate_per_s == same(b.deadlock_rate_per_s));
  CHECK(a.thomasian_alpha == same(b.thomasian_alpha));
}

/// The highest load (to 1e-3) at which the plain solution does not thrash.
double thrashing_load() {
  double lo = 0.01, hi = 10.0;
  while (hi - lo > 1e-3) {
    const double mid = 0.5 * (lo + hi);
    (analyze_lock_contention(hot_spot_workload(mid), plain(1e-10)).thrashing ? hi : lo) = mid;
  }
  return lo;
}

}  // namespace

TEST_CASE("Anderson acceleration solves a slowly contracting linear fixed point in a few steps") {
  // x = A x + b with spectral radius 0.999: damped substitution needs ~10^4 steps to 1e-10.
  const double a11 = 0.999, a12 = 0.0005, a22 = 0.5, b1 = 1.0, b2 = 2.0;
  const double x2 = b2 / (1 - a22), x1 = (b1 + a12 * x2) / (1 - a11);
  AndersonAcceleration aa(3, {1.0, 1.0});
  std::vector<double> x{0.0, 0.0}, next;
  int steps = 0;
  for (; steps < 50; ++steps) {
    const std::vector<double> g{a11 * x[0] + a12 * x[1] + b1, a22 * x[1] + b2};
    if (std::abs(g[0] - x[0]) + std::abs(g[1] - x[1]) < 1e-10 * x1) break;
    aa.next(x, g, next);
    x = next;
  }
  CHECK(steps < 10);
  CHECK(x[0] == doctest::Approx(x1).epsilon(1e-9));
  CHECK(x[1] == doctest::Approx(x2).epsilon(1e-9));
}

TEST_CASE("lock model: accelerated and plain solutions agree, far from and near thrashing") {
  const double limit = thrashing_load();
  CHECK(limit > 0.05);
  for (const double share : {0.1, 0.5, 0.9, 0.99}) {
    CAPTURE(share);
    const LockWorkload w = hot_spot_workload(share * limit);
    // Both to a tight tolerance: the same fixed point to 1e-9.
    const auto p = analyze_lock_contention(w, plain(1e-13));
    const auto a = analyze_lock_contention(w, accelerated(1e-13));
    REQUIRE(p.converged);
    REQUIRE(a.converged);
    CHECK_FALSE(a.thrashing);
    check_same(a, p, 1e-9);
    // At the default tolerance each is within its stopping error of that point, and the
    // accelerated solve takes fewer iterations.
    const auto pd = analyze_lock_contention(w, plain(1e-10));
    const auto ad = analyze_lock_contention(w, accelerated(1e-10));
    check_same(ad, p, 1e-6);
    check_same(pd, p, 1e-6);
    CHECK(ad.iterations <= pd.iterations);
  }
  // Near thrashing the damped iteration contracts slowly; acceleration cuts the iterations.
  const LockWorkload near = hot_spot_workload(0.999 * limit);
  const auto pd = analyze_lock_contention(near, plain(1e-10));
  const auto ad = analyze_lock_contention(near, accelerated(1e-10));
  MESSAGE("iterations at 0.999 of the thrashing load: plain " << pd.iterations << ", accelerated "
                                                              << ad.iterations);
  CHECK(ad.converged);
  CHECK(ad.iterations * 3 < pd.iterations);
}

TEST_CASE("lock model: the same thrashing verdict with acceleration, and a warm start") {
  const double limit = thrashing_load();
  const auto below = analyze_lock_contention(hot_spot_workload(0.9 * limit), accelerated(1e-10));
  REQUIRE_FALSE(below.thrashing);
  for (const double share : {1.01, 1.1, 2.0, 5.0}) {
    CAPTURE(share);
    const LockWorkload w = hot_spot_workload(share * limit);
    CHECK(analyze_lock_contention(w, plain(1e-10)).thrashing);
    CHECK(analyze_lock_contention(w, accelerated(1e-10)).thrashing);
    LockOptions warm = accelerated(1e-10);
    warm.start = &below.state;
    const auto r = analyze_lock_contention(w, warm);
    CHECK(r.thrashing);
    CHECK(r.state.wait_per_request.empty());  // no state to continue from
    // Only the diagnosis when asked for no more: the deadlock sums are skipped.
    warm.results_when_thrashing = false;
    const auto named = analyze_lock_contention(w, warm);
    CHECK(named.thrashing);
    CHECK(named.bottleneck == r.bottleneck);
    CHECK(named.diagnosis == r.diagnosis);
    for (const auto& c : named.classes) CHECK(c.deadlock_probability == 0.0);
  }
}

TEST_CASE("lock model: a warm start from a lower load reaches the cold start's operating point") {
  const double limit = thrashing_load();
  const auto lower = analyze_lock_contention(hot_spot_workload(0.95 * limit), accelerated(1e-10));
  REQUIRE(lower.converged);
  REQUIRE(lower.state.wait_per_request.size() == 7);
  for (const double share : {0.96, 0.99, 0.999}) {
    CAPTURE(share);
    const LockWorkload w = hot_spot_workload(share * limit);
    const auto cold = analyze_lock_contention(w, plain(1e-13));
    LockOptions o = accelerated(1e-10);
    o.start = &lower.state;
    const auto warm = analyze_lock_contention(w, o);
    CHECK(warm.converged);
    check_same(warm, cold, 1e-6);
    // Fewer iterations than the plain cold solve (near 0.999 the accelerated warm solve may land on
    // the unstable twin of the operating point, find it unstable and continue plainly).
    CHECK(warm.iterations < analyze_lock_contention(w, plain(1e-10)).iterations);
    // The plain iteration from the same start reaches the same point.
    LockOptions damped = plain(1e-10);
    damped.start = &lower.state;
    check_same(analyze_lock_contention(w, damped), cold, 1e-6);
  }
  // A state of another workload's shape is ignored: the cold solution, iteration for iteration.
  LockWorkload other = hot_spot_workload(0.5 * limit);
  other.partitions.push_back({"extra", 100});
  LockOptions o = plain(1e-10);
  o.start = &lower.state;
  const auto ignored = analyze_lock_contention(other, o);
  const auto cold = analyze_lock_contention(other, plain(1e-10));
  CHECK(ignored.iterations == cold.iterations);
  check_same(ignored, cold, 1e-15);
}

TEST_CASE("lock model: warm starts on a sweep of loads around thrashing keep the plain verdicts") {
  // The search for the maximum throughput starts each solve from the last sustainable one's
  // state; its stability test (lock_contention.cpp `stable_above_warm_start`) must neither
  // accept an unstable twin nor reject the stable point (issue #16).
  const double limit = thrashing_load();  // plain verdict: sustainable here, thrashing at +1e-3
  const auto start = analyze_lock_contention(hot_spot_workload(0.98 * limit), accelerated(1e-10));
  REQUIRE(start.converged);
  std::size_t warm_iterations = 0, plain_iterations = 0;
  for (const double load : {0.99 * limit, 0.997 * limit, 0.999 * limit, 0.9999 * limit, limit,
                            limit + 1e-3, 1.001 * (limit + 1e-3), 1.01 * limit, 1.1 * limit}) {
    CAPTURE(load / limit);
    const LockWorkload w = hot_spot_workload(load);
    const auto plain_default = analyze_lock_contention(w, plain(1e-10));
    LockOptions o = accelerated(1e-10);
    o.start = &start.state;
    const auto warm = analyze_lock_contention(w, o);
    CHECK(warm.thrashing == plain_default.thrashing);
    CHECK(warm.bottleneck == plain_default.bottleneck);
    if (plain_default.thrashing) continue;
    CHECK(warm.converged);
    check_same(warm, analyze_lock_contention(w, plain(1e-13)), 1e-6);
    warm_iterations += warm.iterations;
    plain_iterations += plain_default.iterations;
  }
  MESSAGE("iterations of the sustainable loads: warm accelerated "
          << warm_iterations << ", plain cold " << plain_iterations);
  CHECK(warm_iterations * 3 < plain_iterations);
}

TEST_CASE("lock model: a bisection with warm starts finds the plain bisection's limit") {
  // As model/rate_search.cpp bisect_rate: each solve starts from the highest sustainable one's state.
  double lo = 0.01, hi = 10.0;
  LockContention at_lo;
  while (hi - lo > 1e-3) {
    const double mid = 0.5 * (lo + hi);
    LockOptions o = accelerated(1e-8);
    if (!at_lo.state.wait_per_request.empty()) o.start = &at_lo.state;
    auto r = analyze_lock_contention(hot_spot_workload(mid), o);
    if (r.thrashing) {
      hi = mid;
    } else {
      lo = mid;
      at_lo = std::move(r);
    }
  }
  CHECK(lo == thrashing_load());
}
