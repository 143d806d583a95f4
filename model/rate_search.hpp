// The rate searches of the analytic evaluation: the maximum sustainable throughput (a bisection
// on "not saturated" over the point solve, replayed with probes at the estimated limit), the
// throughput a closed workload's terminals generate (the root of X (R + Z) = N), and, in a
// cluster, the throughput at a CPU utilization cap. docs/model.md "How the model is evaluated"
// item 6 (maximum sustainable throughput) and "Closed workloads".
//
// Contract: internal to the analytic evaluation (model/evaluate.cpp); not a public API. The
// searches return the plain bisection's answer (EvaluateOptions::plain_rate_searches runs it,
// for the tests) in fewer solves; EvaluateOptions::search_cost receives their cost.
#pragma once

#include "model/evaluate.hpp"
#include "model/point_solve.hpp"

namespace tpeval::model::detail {

/// The point of a closed workload `t`: its throughput X in `throughput`; saturated (with the
/// terminals' excess wait) when locks or the MPL limit it below the terminals' load.
Point solve_closed(const Prepared& pr, const Terminals& t, const EvaluateOptions& options,
                   double& throughput);

/// Evaluation::max_throughput_per_s and what limits it.
void report_max_throughput(const Prepared& pr, const EvaluateOptions& options, Evaluation& ev);

/// Evaluation::max_throughput_per_node_at_cpu_cap_per_s (cluster, Abb. 7-11).
void report_cpu_cap_throughput(const Prepared& pr, double cap, Evaluation& ev);

}  // namespace tpeval::model::detail
