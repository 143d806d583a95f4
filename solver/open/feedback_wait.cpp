#include "solver/open/feedback_wait.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>

#include "solver/open/single_queue.hpp"

namespace tpeval::solver::open {

namespace {

void require_stable(int servers, double offered_load, double mean_service_s) {
  if (servers < 1 || !(offered_load >= 0.0) || !(offered_load < servers) ||
      !(mean_service_s > 0.0) || !std::isfinite(mean_service_s))
    throw std::invalid_argument("feedback wait: need 0 <= offered load < servers, service > 0");
}

}  // namespace

double relaxation_time_s(int servers, double offered_load, double mean_service_s) {
  require_stable(servers, offered_load, mean_service_s);
  const double rho = offered_load / servers;
  const double gap = 1.0 - std::sqrt(rho);
  return mean_service_s / (servers * gap * gap);
}

double independent_share(double mean_absence_s, double relaxation_time_s) {
  if (!(mean_absence_s >= 0.0) || !(relaxation_time_s > 0.0))
    throw std::invalid_argument("independent share: need absence >= 0, relaxation time > 0");
  if (std::isinf(mean_absence_s)) return 1.0;
  return mean_absence_s / (mean_absence_s + relaxation_time_s);
}

double feedback_mgm_wait_s(int servers, double offered_load, double mean_service_s,
                           double service_scv, double share) {
  require_stable(servers, offered_load, mean_service_s);
  if (!(service_scv >= 0.0) || !(share >= 0.0) || !(share <= 1.0))
    throw std::invalid_argument("feedback wait: need service SCV >= 0, share in [0, 1]");
  if (offered_load == 0.0) return 0.0;
  const double mmm_wait_s =
      erlang_c(servers, offered_load) / (servers - offered_load) * mean_service_s;
  return mmm_wait_s * (1.0 + 0.5 * (service_scv - 1.0) * share);
}

}  // namespace tpeval::solver::open
