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
#pragma once

namespace tpeval::solver::locking {

struct MonotoneStepBound {
  bool divergent = false;  ///< q >= 1: no fixed point lies above the iterates
  double steps = 0;        ///< q < 1: multiples of d_{n-1} the iterates still pass
};

MonotoneStepBound monotone_step_bound(double q);

}  // namespace tpeval::solver::locking
