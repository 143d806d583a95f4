// The agreement rule of tpeval validate (see agreement.hpp).
#include "model/agreement.hpp"

#include <cmath>

namespace tpeval::model {

double agreement_floor(AgreementFloor floor, double scale_ms) {
  switch (floor) {
    case AgreementFloor::none:
      return 0.0;
    case AgreementFloor::small_count:
      return 0.01;
    case AgreementFloor::small_probability:
      return 0.001;
    case AgreementFloor::small_percent:
      return 0.5;
    case AgreementFloor::response_part:
      return 0.01 * scale_ms;
    case AgreementFloor::percentile:
      // a two-moment approximation (docs/model.md "Response-time percentiles")
      return 0.15 * scale_ms;
  }
  return 0.0;
}

AgreementClause agreement(double analytic, const MetricEstimate& simulated, double tolerance,
                          double floor) {
  const double diff = std::abs(analytic - simulated.mean);
  if (diff <= tolerance * std::abs(simulated.mean)) return AgreementClause::tolerance;
  if (diff <= simulated.half_width) return AgreementClause::interval;
  if (diff <= floor) return AgreementClause::floor;
  return AgreementClause::none;
}

std::vector<MetricComparison> compare_metrics(const Evaluation& e, const SystemModel& m,
                                              const sim::TxSimReport& report, double tolerance) {
  const SimulationView view{m, report};
  std::vector<MetricComparison> rows;
  for (const auto& spec : metric_registry()) {
    if (!spec.simulated) continue;
    for (const auto& owner : metric_owners(e, spec.scope)) {
      if (spec.scope == MetricScope::server) {
        const auto load = analytic_metric(e, "offered_load:" + owner);
        if (!load || *load <= 0.0) continue;  // a station this model does not use
      }
      const auto analytic = spec.analytic(e, owner);
      const auto simulated = spec.simulated(view, owner);
      if (!analytic || !simulated) continue;
      // Parts of a type's response time are judged against that type's response time.
      const auto response = analytic_metric(
          e, spec.scope == MetricScope::type ? "response_time_ms:" + owner : "response_time_ms");
      // (a percentile's floor is a share of the analytic percentile itself)
      const double scale_ms =
          spec.floor == AgreementFloor::percentile ? *analytic : response.value_or(0.0);
      MetricComparison r{metric_scope_name(spec.scope),
                         owner.empty() ? e.model_name : owner,
                         spec.name,
                         spec.unit,
                         *analytic,
                         *simulated,
                         agreement_floor(spec.floor, scale_ms),
                         true,
                         ""};
      r.passed_by = to_string(agreement(r.analytic, r.simulated, tolerance, r.floor));
      r.pass = !r.passed_by.empty();
      rows.push_back(std::move(r));
    }
  }
  return rows;
}

std::string to_string(AgreementClause clause) {
  switch (clause) {
    case AgreementClause::tolerance:
      return "tolerance";
    case AgreementClause::interval:
      return "interval";
    case AgreementClause::floor:
      return "floor";
    case AgreementClause::none:
      break;
  }
  return "";
}

}  // namespace tpeval::model
