// Derives the remaining Solution fields from class throughputs and mean queue lengths.
//
// Contract: given class_throughput_per_s (X_c) and mean_jobs (Q_ck) already set for a closed
// network, complete_solution() fills residence times by Little's law (R_ck = Q_ck / X_c, 0 for a
// class with zero throughput), class response times (sum over stations), station throughputs
// X_ck = X_c V_ck (V_ck = 1 where the network gives demands only), per-server utilization shares
// X_c D_ck / capacity (capacity = m servers, or sup_j alpha(j) for a load-dependent station, and
// 0 at delay stations), busy_servers = sum_c X_c D_ck (utilization law; mean jobs at a delay
// station) and station_utilization = busy_servers / capacity. Zero-population classes get a
// warning that their response times are not defined.
#pragma once

#include "solver/network/network.hpp"

namespace tpeval::solver {

void complete_solution(const Network& network, Solution& solution);

/// Throws std::invalid_argument unless the network is valid, every class is closed, and every
/// populated class has positive total demand or think time.
void check_closed_network(const Network& network);

}  // namespace tpeval::solver
