// An open queue in front of a flow-equivalent server: the population-limited (MPL) subsystem is
// replaced by one load-dependent server whose service rate with n customers is the throughput
// X(min(n, N)) of the closed subsystem with n customers (Lazowska et al., Quantitative System
// Performance, 1984, ch. 8.4 "Flow-equivalent service centers").
//
// Contract: flow_equivalent_queue() takes X(1..N) (throughput_by_population[n-1], per second,
// positive and non-decreasing in practice) and a Poisson arrival rate. The birth-death chain has
// p_n proportional to prod_{i<=n} lambda / X(min(i, N)), geometric beyond N. It returns nullopt
// when lambda >= X(N) (no steady state); otherwise the mean number in the system (queue + inside),
// the mean number inside the subsystem and the distribution of the number inside, min(n, N).
// Cost O(N).
#pragma once

#include <optional>
#include <vector>

namespace tpeval::solver::open {

struct FlowEquivalentMeasures {
  double mean_in_system = 0.0;  ///< waiting for admission + inside the subsystem
  double mean_inside = 0.0;     ///< inside the population-limited subsystem (<= N)
  /// P(min(n, N) = i) for i = 0..N: the subsystem's population (its last entry holds every state
  /// with a queue in front).
  std::vector<double> inside_probability;
};

std::optional<FlowEquivalentMeasures> flow_equivalent_queue(
    const std::vector<double>& throughput_by_population, double arrival_rate_per_s);

}  // namespace tpeval::solver::open
