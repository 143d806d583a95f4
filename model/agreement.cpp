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
