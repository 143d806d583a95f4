// Second moment of the M/G/1 wait among those that wait (see mg1_wait_moments.hpp).
#include "solver/open/mg1_wait_moments.hpp"

#include <cmath>
#include <stdexcept>

namespace tpeval::solver::open {

double gamma_residual_moment_ratio(double service_scv) {
  if (!std::isfinite(service_scv) || service_scv < 0)
    throw std::invalid_argument("gamma_residual_moment_ratio: needs a finite scv >= 0");
  // E[S^2] = m^2 (1 + c2), E[S^3] = m^3 (1 + c2) (1 + 2 c2) for a gamma S of mean m.
  return 4.0 * (1.0 + 2.0 * service_scv) / (3.0 * (1.0 + service_scv));
}

double mg1_waited_moment_ratio(double utilization, double service_scv) {
  if (!std::isfinite(utilization) || utilization < 0 || utilization >= 1)
    throw std::invalid_argument("mg1_waited_moment_ratio: needs 0 <= utilization < 1");
  return 2.0 * utilization + (1.0 - utilization) * gamma_residual_moment_ratio(service_scv);
}

}  // namespace tpeval::solver::open
