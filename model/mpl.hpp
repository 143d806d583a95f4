// Step 4 of the analytic point solve: a multiprogramming level (policies.mpl) per node. The open
// solve's times give each node's closed network behind its MPL (a single-class network of the
// node's transactions, other nodes' work as open load) and its flow-equivalent server
// (Lazowska et al. QSP ch. 8); its population distribution cuts the stations' waits and the rate
// the lock model sees, and the open queue in front of it is the input queue. docs/model.md "How
// the model is evaluated" item 5 (MPL).
//
// Contract: internal to the point solve (model/point_solve.cpp solve_once); not a public API.
// Pure functions of a Prepared and a Point.
#pragma once

#include <cstddef>
#include <optional>
#include <vector>

#include "model/point_solve.hpp"
#include "solver/network/network.hpp"
#include "solver/open/flow_equivalent.hpp"

namespace tpeval::model::detail {

/// One node behind its MPL: the closed network of its transactions (node_mpl_network), its
/// throughputs X(1..MPL) and the input queue in front of the flow-equivalent server
/// (solver/open/flow_equivalent.hpp; Lazowska et al. QSP ch. 8); `fes` is empty when the node's
/// arrival rate reaches X(MPL).
struct NodeMpl {
  solver::Network network;
  std::vector<int> model_station;
  double rate_per_s = 0.0;
  std::vector<double> throughput;
  std::optional<solver::open::FlowEquivalentMeasures> fes;
};

/// What an MPL changes inside a node (solve_once): the stations' waits (Point::mpl_wait_factor)
/// and the arrival rate the lock model sees (Point::lock_rate_factor); empty for nothing.
struct MplCut {
  std::vector<double> wait_factor;
  std::vector<double> lock_rate_factor;
};

/// NodeMpl of every node with transactions (nullopt for a node without any).
std::vector<std::optional<NodeMpl>> node_mpls(const Prepared& pr, const Point& pt,
                                              double total_rate);

/// Marks `pt` saturated when a node's arrival rate reaches its MPL-limited throughput; true then.
bool mpl_saturated(const Prepared& pr, const std::vector<std::optional<NodeMpl>>& nodes, Point& pt);

/// Step 4a (issue #13): the MPL caps the population inside a node, so its stations' queues are
/// those of the closed network at the flow-equivalent server's population distribution,
/// sum_n P(n) Q_k(n) (solver::mean_jobs_over_population), not the open network's. Per model
/// station, the factor by which that cuts the queueing wait: the closed wait over the open
/// product-form wait of the same demand at the same rate, (L_k / lambda - D_k) / (D_k (R/S - 1)),
/// weighted over the nodes by their load there. It scales the station's wait as the open solve
/// models it (Erlang C, E_g/M/1 group commit, fed-back visits), service times untouched. Until
/// now one factor scaled every part of the response time, CPU service included, and left the
/// conflicts at their open values: the cluster example with MPL 10 per node at 100 TPS per
/// node had a CPU wait of 7.4 against 3.3 ms simulated, the response +19 % (bench/RESULTS.md
/// "Off-grid validate sweep 2"). 1 where the MPL changes nothing.
std::vector<double> mpl_wait_factors(const Prepared& pr,
                                     const std::vector<std::optional<NodeMpl>>& nodes);

/// Step 4b: the wait for an MPL slot, from the flow-equivalent server of each node's closed
/// network with the waits inside already cut (mpl_wait_factors); every node has its own MPL and
/// input queue (ch7.md §2.1). The flow-equivalent server is exponential; the simulated slots free
/// up more regularly. The wait is scaled by (1 + C^2) / 2 with an effective SCV C^2 between two
/// limits, weighted by the subsystem's efficiency e = X(N) / (N X(1)):
///  * e = 1, a subsystem whose throughput grows with its population (mostly delay, or MPL 1):
///    C^2 of the time inside (inside_time_scv) - exact for MPL 1, the M/G/1 queue's
///    Pollaczek-Khinchine mean against M/M/1; Allen-Cunneen's approximation for M/G/m (Allen,
///    Probability, Statistics and Queueing Theory, 2nd ed. 1990, §6.4);
///  * e -> 0, one saturated station: C^2 of the transaction's service there
///    (bottleneck_service_scv), the heavy-traffic limit of the M/G/1 queue it becomes (Kingman).
/// Issue #13: the exponential server's wait was +60 % at MPL 10, 120 TPS (3.42 against 2.14 ms
/// simulated) and +85 % in the cluster example at MPL 10 per node (37.2 against 20.1 ms); the
/// time inside's C^2 alone (0.33) cut the log-disk-bound MPL 20 at 170 TPS to -23 %.
/// Adds the input queue to each class's response time.
void mpl_input_queue(const Prepared& pr, Point& pt, double total_rate);

/// Step 4c (issue #13): the others a transaction meets at its locks. The open lock model puts a
/// Poisson number of others beside it, as many as the mean number active; behind an MPL a
/// transaction inside a node with n inside meets n - 1 others of its node (the arrival theorem
/// of the closed subsystem, QSP §6.4), so on average E[n (n - 1)] / E[n] over the
/// flow-equivalent server's distribution, plus the other nodes' mean numbers inside. Per node,
/// that over the open count (the sum of the means): the share of the arrival rate the lock
/// model sees, as the closed workloads' arrival-theorem rate (closed_point). At MPL 5 and 100
/// TPS, always full, a transaction meets 4 others, not 5: the conflicts were +25 % (0.00312
/// against 0.00249 simulated).
std::vector<double> mpl_lock_rate_factors(const std::vector<std::optional<NodeMpl>>& nodes);

}  // namespace tpeval::model::detail
