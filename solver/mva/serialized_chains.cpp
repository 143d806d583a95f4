#include "solver/mva/serialized_chains.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace tpeval::solver::mva {
namespace {

/// Exact MVA of n chains with delay z: the residence of a visit at population n.
double residence_at(int n, double z, double service_s, double open_utilization) {
  double queue = 0, residence = service_s / (1.0 - open_utilization);
  for (int j = 1; j <= n; ++j) {
    residence = service_s * (1.0 + queue) / (1.0 - open_utilization);
    queue = j * residence / (z + residence);
  }
  return residence;
}

/// R(n) / S at population n with each customer's cycle `cycle_s`: the delay z solves
/// z + R(n; z) = cycle (z + R increases with z: bisection).
double stretch_at(int n, double cycle_s, double service_s, double open_utilization) {
  double lo = 0, hi = cycle_s;
  if (lo + residence_at(n, lo, service_s, open_utilization) >= cycle_s)
    return std::numeric_limits<double>::infinity();  // no delay left: saturated
  for (int i = 0; i < 100 && hi - lo > 1e-12 * cycle_s; ++i) {
    const double z = 0.5 * (lo + hi);
    (z + residence_at(n, z, service_s, open_utilization) < cycle_s ? lo : hi) = z;
  }
  return residence_at(n, 0.5 * (lo + hi), service_s, open_utilization) / service_s;
}

}  // namespace

double serialized_chain_stretch(double chains, double throughput_per_s, double service_s,
                                double open_utilization, double max_chains) {
  const double n = std::max(1.0, chains);
  const double u_open = std::max(0.0, open_utilization);
  if (u_open >= 1.0) return std::numeric_limits<double>::infinity();
  if (!(throughput_per_s > 0) || !(service_s > 0)) return 1.0 / (1.0 - u_open);
  const double u_chains = throughput_per_s * service_s;
  if (n > max_chains) {
    const double free = 1.0 - u_open - u_chains * (n - 1.0) / n;
    return free > 0 ? 1.0 / free : std::numeric_limits<double>::infinity();
  }
  // Integer populations carrying the same throughput, interpolated.
  const int below = static_cast<int>(std::floor(n));
  const double low = stretch_at(below, below / throughput_per_s, service_s, u_open);
  if (static_cast<double>(below) == n) return low;
  const double high = stretch_at(below + 1, (below + 1) / throughput_per_s, service_s, u_open);
  if (!std::isfinite(high)) {  // one chain more saturates: the open-load form
    const double free = 1.0 - u_open - u_chains * (n - 1.0) / n;
    return free > 0 ? std::max(low, 1.0 / free) : std::numeric_limits<double>::infinity();
  }
  const double t = n - below;
  return (1.0 - t) * low + t * high;
}

}  // namespace tpeval::solver::mva
