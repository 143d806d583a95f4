// E_k/M/1 wait probability and residence factor (see erlang_arrivals.hpp).
#include "solver/open/erlang_arrivals.hpp"

#include <cmath>
#include <stdexcept>

namespace tpeval::solver::open {

double ek_m1_wait_probability(int k, double utilization) {
  if (k < 1) throw std::invalid_argument("ek_m1_wait_probability: k must be >= 1");
  if (!std::isfinite(utilization) || utilization < 0.0 || utilization >= 1.0)
    throw std::invalid_argument("ek_m1_wait_probability: utilization must lie in [0, 1)");
  if (utilization == 0.0) return 0.0;
  if (k == 1) return utilization;
  // The map A(sigma) = A*(mu (1 - sigma)) is increasing and convex on [0, 1] and crosses the
  // diagonal at the root below 1 with slope A' < 1 (Kleinrock 1975 §6.4). Newton's steps on the
  // convex f = A - sigma, started at 0, stay below that root and rise to it monotonically.
  const double kd = k;
  double sigma = 0.0;
  for (int i = 0; i < 100; ++i) {
    const double base = kd / (kd + (1.0 - sigma) / utilization);
    const double a = std::pow(base, kd);
    const double slope = a * base / utilization;  // dA / dsigma
    const double f = a - sigma;
    if (f < 1e-15) break;
    sigma += f / (1.0 - slope);
  }
  return sigma;
}

double ek_m1_residence_factor(int k, double utilization) {
  return 1.0 / (1.0 - ek_m1_wait_probability(k, utilization));
}

}  // namespace tpeval::solver::open
