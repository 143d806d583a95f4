#include "solver/locking/load_continuation.hpp"

#include <algorithm>

namespace tpeval::solver::locking {

LockWorkload scaled_load(const LockWorkload& workload, double t) {
  LockWorkload out = workload;
  for (LockClass& c : out.classes) {
    c.arrival_rate_per_s *= t;
    double& n = c.concurrent_transactions;
    n = n >= 1 ? 1 + t * (n - 1) : t * n;
  }
  return out;
}

namespace {

// An operating point to go on from: converged, with its state, and no lock queue full (beyond a
// full queue no higher load has one).
bool operating_point(const LockContention& r) {
  return r.converged && !r.state.wait_per_request.empty() && !r.lock_queue_saturated;
}

}  // namespace

// Natural-parameter continuation (Allgower & Georg, Introduction to Numerical Continuation
// Methods, SIAM 2003, ch. 1) in the load scale t: the operating point at t is a warm start below
// the one at a slightly higher load, which the plain iteration from it reaches (docs/locking.md
// "Warm starts"), where zero waits are no such start (the first steps from them overshoot).
std::optional<LockContention> follow_load_from_zero(const LockWorkload& workload,
                                                    const LockOptions& options,
                                                    const LockSolve& solve) {
  LockOptions o = options;
  o.anderson_depth = std::max(o.anderson_depth, kContinuationAndersonDepth);
  o.max_iterations = std::min(o.max_iterations, kContinuationMaxIterations);
  std::optional<LockContention> last;
  std::size_t iterations = 0;
  double t = 0, step = kFirstContinuationStep;
  bool failed = false;  // the last step found no operating point
  while (step >= kMinContinuationStep) {
    // Never past t = 1: a failed step to 1 is halved from the rest of the way, not from a step
    // beyond it (which solved t = 1 again, up to three times in a row).
    step = std::min(step, 1 - t);
    const double next = t + step >= 1 ? 1.0 : t + step;
    o.start = last ? &last->state : nullptr;
    o.results_when_thrashing = next >= 1 && options.results_when_thrashing;  // else only halved
    LockContention r = solve(next >= 1 ? workload : scaled_load(workload, next), o);
    iterations += r.iterations;
    if (next >= 1 && r.converged && !r.state.wait_per_request.empty()) {
      r.iterations = iterations;
      return r;
    }
    if (!operating_point(r)) {
      if (step < kGiveUpShare * (1 - t)) break;
      step /= 2;
      failed = true;
      continue;
    }
    last = std::move(r);
    t = next;
    // Doubled only after a success: right after a failure the doubled step reaches the load that
    // failed (solved again from a start only a little closer).
    if (!failed) step *= 2;
    failed = false;
  }
  return std::nullopt;
}

}  // namespace tpeval::solver::locking
