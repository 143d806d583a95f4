#include "solver/locking/hot_spot.hpp"

#include <algorithm>
#include <cmath>

namespace tpeval::solver::locking {
namespace {

/// Laplace transform E[exp(-s T)] of a gamma variable of mean `mean` and SCV `scv` (a fixed
/// time for scv = 0).
double gamma_transform(double s, double mean, double scv) {
  if (mean <= 0) return 1.0;
  if (scv <= 1e-12) return std::exp(-s * mean);
  return std::pow(1.0 + s * mean * scv, -1.0 / scv);
}

}  // namespace

LockQueueWait granule_queue_wait(double request_rate_per_s, double hold_mean_s, double hold_scv) {
  LockQueueWait q;
  q.utilization = request_rate_per_s * hold_mean_s;
  if (q.utilization <= 0) return q;
  if (q.utilization >= 1.0) {
    q.stable = false;
    q.wait_probability = 1.0;
    return q;
  }
  // Pollaczek-Khinchine: W = lambda E[h^2] / (2 (1 - rho)), E[h^2] = m^2 (1 + c^2).
  q.wait_probability = q.utilization;
  q.mean_wait_s = q.utilization * hold_mean_s * (1.0 + hold_scv) / (2.0 * (1.0 - q.utilization));
  return q;
}

LockQueueWait sequence_granule_wait(double request_rate_per_s, double hold_mean_s, double hold_scv,
                                    double batch) {
  LockQueueWait q;
  q.utilization = request_rate_per_s * hold_mean_s;
  if (q.utilization <= 0 || batch <= 1.0) return q;
  // Requester j of a page waits W_j = (T_{j-1} - A)^+ with T_{j-1} = W_{j-1} + h the time from
  // the predecessor's arrival to its release and A ~ Exp(lambda) the time between the two
  // requests (Lindley's recursion). With a gamma fit of T (mean t, second moment t2):
  //   E[(T - A)^+]   = t - (1 - L) / lambda
  //   E[(T - A)^+^2] = t2 - 2 t / lambda + 2 (1 - L) / lambda^2,   L = E[exp(-lambda T)],
  // and the wait probability is 1 - L. W_0 = 0: a page's first requester finds it free.
  const double lambda = request_rate_per_s;
  const double hold_var = hold_scv * hold_mean_s * hold_mean_s;
  const long n = static_cast<long>(std::floor(batch));
  const long computed = std::min<long>(n, 4096);  // beyond this the increments are constant
  double w1 = 0, w2 = 0, sum_w = 0, sum_w2 = 0, sum_p = 0, last_step = 0;
  for (long j = 1; j < computed; ++j) {
    const double t = w1 + hold_mean_s;
    const double var_t = std::max(0.0, w2 - w1 * w1) + hold_var;
    const double t2 = var_t + t * t;
    const double l = gamma_transform(lambda, t, t > 0 ? var_t / (t * t) : 0.0);
    const double next1 = std::max(0.0, t - (1.0 - l) / lambda);
    const double next2 =
        std::max(next1 * next1, t2 - 2.0 * t / lambda + 2.0 * (1.0 - l) / (lambda * lambda));
    last_step = next1 - w1;
    w1 = next1;
    w2 = next2;
    sum_w += w1;
    sum_w2 += w2;
    sum_p += 1.0 - l;
  }
  // Requesters beyond the computed ones continue the last increment (linear growth, or a
  // constant wait once the recursion has settled).
  const double rest = static_cast<double>(n - computed);
  if (rest > 0) {
    sum_w += rest * w1 + last_step * rest * (rest + 1.0) / 2.0;
    sum_w2 += rest * w2;  // a lower bound when the waits still grow
    sum_p += rest * (computed > 1 ? sum_p / static_cast<double>(computed - 1) : 0.0);
  }
  // A fractional batch (blocking factor 20.5) counts its partial requester with its weight.
  const double total = batch;
  q.mean_wait_s = sum_w / total;
  q.wait_second_moment_s2 = sum_w2 / total;
  q.wait_probability = std::min(1.0, sum_p / total);
  return q;
}

double hot_spot_share(double requests_in_flight, double granules) {
  if (granules <= 0 || requests_in_flight <= 0) return 0.0;
  // One granule: every request joins its queue, an M/G/1 queue at any load (Pollaczek-Khinchine
  // holds however few requests are in flight). Issue #13: one hot page at 10 TPS (0.56 requests
  // in flight) waited 8.3 ms against 9.5 simulated with the share 0.56.
  if (granules <= 1.0) return 1.0;
  return std::min(1.0, requests_in_flight / granules);
}

double queue_wait_factor(double utilization, double share) {
  const double rho = std::clamp(utilization, 0.0, 0.999);
  return 1.0 + share * rho / (1.0 - rho);
}

}  // namespace tpeval::solver::locking
