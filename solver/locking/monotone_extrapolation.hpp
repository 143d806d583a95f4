// What two successive steps of a plain fixed-point iteration tell about the steps to come, for an
// order-preserving, order-convex map (the lock model's iteration, lock_contention.cpp
// `monotone_extrapolation`; docs/locking.md "Beyond the fold: monotone extrapolation").
//
// Contract: for x_{n+1} = G(x_n) with G order-preserving and order-convex (Jacobian J >= 0,
// growing along increasing paths), started below every fixed point, and two steps
// d_{n-1} = x_n - x_{n-1} >= 0, d_n = x_{n+1} - x_n >= 0 with q = min_i d_n,i / d_{n-1},i (over
// d_{n-1},i > 0), every later step is at least q^{k+1} d_{n-1}. monotone_step_bound(q) says
// what follows: q >= 1, the iteration diverges (no fixed point above x_n; `divergent`); q < 1,
// the iterates pass x_{n+1} + steps d_{n-1} with steps = q^2 / (1 - q), which therefore lies below
// every fixed point. Pure; q must not be NaN (returns no claim then).
//
// plain_iteration_blows_up turns the same lower bound into the plain iteration's own verdict
// for one component: from x_{n+1} = `value`, with d_{n-1} = `step` > 0 and the ratio q, the
// iterates are at least value + step (q^2 + ... + q^{K+1}) after K more steps. It is true iff
// that lower bound exceeds `threshold` (where the iteration declares a blow-up) after some
// K <= `steps_left`, while every lower-bound step up to it, q^{j+1} step, is larger than
// `least_step` (the smallest step the iteration's stopping rule does not take for convergence).
// Then the plain iteration neither converges nor reaches its iteration limit before it blows
// up: its verdict (docs/locking.md "Beyond the fold: the blow-up proven early"). Conservative
// in rounding (K rounded up by one more step). Pure; any NaN gives false.
#pragma once

#include <cstddef>

namespace tpeval::solver::locking {

struct MonotoneStepBound {
  bool divergent = false;  ///< q >= 1: no fixed point lies above the iterates
  double steps = 0;        ///< q < 1: multiples of d_{n-1} the iterates still pass
};

MonotoneStepBound monotone_step_bound(double q);

bool plain_iteration_blows_up(double q, double value, double step, double threshold,
                              double least_step, std::size_t steps_left);

}  // namespace tpeval::solver::locking
