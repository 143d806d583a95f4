// tpeval validate's agreement rule between an analytic value and a simulated estimate, in one
// place for the command and the tests (docs/simulation.md "Validation").
//
// Contract: a metric agrees when |analytic - simulated| <= tolerance x |simulated| (the relative
// difference), OR the analytic value lies inside the simulation's interval (difference <=
// half-width), OR - only for metrics that can be near zero - the difference is below the metric's
// absolute floor (AgreementFloor in model/metrics_registry.hpp: 0.01 per transaction, 0.001 for
// probabilities, 0.5 percentage points, 1 % of the response time for its parts, 15 % of the
// analytic value for response-time percentiles). The three are
// alternatives, not added up. Pure functions. compare_metrics() pairs every registry metric both
// engines report (per owner: system, type, node, partition, server in use) and judges it: the
// list `tpeval validate` prints and the tests check.
#pragma once

#include <string>
#include <vector>

#include "model/metrics_registry.hpp"

namespace tpeval::model {

/// Which clause a metric agrees by; `none` when it disagrees.
enum class AgreementClause { none, tolerance, interval, floor };

/// The absolute floor of a metric in its unit. `scale_ms`: the response time for its parts, the
/// analytic percentile for a response-time percentile (15 % of it).
double agreement_floor(AgreementFloor floor, double scale_ms);

AgreementClause agreement(double analytic, const MetricEstimate& simulated, double tolerance,
                          double floor);

/// "tolerance", "interval", "floor" or "" (disagrees).
std::string to_string(AgreementClause clause);

/// One metric of both engines, judged.
struct MetricComparison {
  std::string section, owner, metric, unit;
  double analytic = 0.0;
  MetricEstimate simulated;
  double floor = 0.0;
  bool pass = true;
  std::string passed_by;  ///< "tolerance", "interval", "floor" or "" (failed)
};

/// Every registry metric both engines report, analytic value next to the simulated estimate.
std::vector<MetricComparison> compare_metrics(const Evaluation& evaluation,
                                              const SystemModel& model,
                                              const sim::TxSimReport& report, double tolerance);

}  // namespace tpeval::model
