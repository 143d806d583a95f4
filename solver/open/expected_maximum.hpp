// The expected maximum of k independent, identically distributed normal variables: the response
// of a fork-join whose k branches run in parallel and whose join waits for the last of them
// (Nelson & Tantawi 1988 treat fork-join queues; a branch that is a sum of several waits and
// services is taken as normal by the central limit theorem).
//
// Contract: expected_max_standard_normal(k) is E[max(Z_1..Z_k)] for k >= 1 independent standard
// normal Z_i (0 for k = 1; 0.5642, 0.8463, 1.0294, ... as Harter 1961 tabulates), computed by
// Gauss-Kronrod quadrature of k x phi(x) Phi(x)^(k-1) (Boost.Math); k < 1 throws
// std::invalid_argument. expected_max_normal(k, mean, sd) = mean + sd x that; sd >= 0.
#pragma once

namespace tpeval::solver::open {

double expected_max_standard_normal(int k);

inline double expected_max_normal(int k, double mean, double sd) {
  return mean + sd * expected_max_standard_normal(k);
}

}  // namespace tpeval::solver::open
