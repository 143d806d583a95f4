// The verdict of a lock-model solve whose waits diverged with a closed class, or with open classes
// alone after a hot queue's utilization fell on the way (lock_contention.cpp
// analyze_lock_contention), checked by following the operating point up from zero load (issue
// 16, docs/locking.md "One verdict for every path").
//
// Contract: scaled_load(w, t) is w with every class's load scaled by t in (0, 1]: arrival rates
// times t, and a closed population N >= 1 as 1 + t (N - 1) (one transaction meets no other of its
// class; below 1, t N). follow_load_from_zero(w, options, solve) solves scaled_load(w, t) for t
// rising from 0 to 1, each solve warm-started (LockOptions::start) from the operating point of the
// one before, accelerated (Anderson depth at least kContinuationAndersonDepth); a step that finds
// no operating point (diverged, not converged within kContinuationMaxIterations, or a full lock
// queue) is halved, a step that does is doubled (kept after a halving), a step is never longer
// than the rest of the way to t = 1, and below kMinContinuationStep (or kGiveUpShare of the rest of
// the way) the load is given up. It returns the solve at t = 1 when reached (warm-started, so the
// twin test of lock_contention.cpp has accepted it), otherwise nothing: then no operating point is
// found on the way up from zero load, and the divergence stands. `solve` is the lock model without
// this check (no recursion). Pure, given `solve`.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>

#include "solver/locking/lock_contention.hpp"

namespace tpeval::solver::locking {

/// Anderson depth of the continuation's solves (that of `tpeval eval`).
inline constexpr std::size_t kContinuationAndersonDepth = 5;
/// The first step of the load scale t, and the smallest before the load is given up; a failed
/// step shorter than kGiveUpShare of the rest of the way to t = 1 gives it up too (the last
/// operating point lies well below the load: a probe far beyond it costs 5 solves, not 10-19).
inline constexpr double kFirstContinuationStep = 0.25;
inline constexpr double kMinContinuationStep = 1.0 / 64;
inline constexpr double kGiveUpShare = 1.0 / 8;
/// Iterations of one step at most (below the caller's limit): a step that needs more is near the
/// last operating point, where the plain iteration crawls (halved instead).
inline constexpr std::size_t kContinuationMaxIterations = 200;

LockWorkload scaled_load(const LockWorkload& workload, double t);

using LockSolve = std::function<LockContention(const LockWorkload&, const LockOptions&)>;

std::optional<LockContention> follow_load_from_zero(const LockWorkload& workload,
                                                    const LockOptions& options,
                                                    const LockSolve& solve);

}  // namespace tpeval::solver::locking
