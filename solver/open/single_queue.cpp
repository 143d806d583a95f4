#include "solver/open/single_queue.hpp"

#include <fmt/format.h>

#include <cmath>
#include <stdexcept>
#include <string>

namespace tpeval::solver::open {

namespace {

void check_arguments(double arrival_rate_per_s, double service_time_s) {
  if (!std::isfinite(arrival_rate_per_s) || arrival_rate_per_s < 0)
    throw std::invalid_argument("arrival rate must be finite and >= 0");
  if (!std::isfinite(service_time_s) || !(service_time_s > 0))
    throw std::invalid_argument("service time must be finite and > 0");
}

void check_stable(double utilization) {
  if (utilization >= 1.0) {
    throw std::domain_error(
        fmt::format("queue is unstable (utilization {:.4g} >= 1)", utilization));
  }
}

// Fills the Little's-law quantities from lambda, S and W_q.
QueueMeasures complete(double lambda, double s, double busy, double utilization, double p_wait,
                       double wq) {
  QueueMeasures q;
  q.utilization = utilization;
  q.busy_servers = busy;
  q.probability_of_waiting = p_wait;
  q.waiting_time_s = wq;
  q.response_time_s = wq + s;
  q.mean_jobs_in_queue = lambda * wq;
  q.mean_jobs_in_system = lambda * q.response_time_s;
  return q;
}

}  // namespace

double erlang_b(int servers, double offered_load) {
  if (servers < 1) throw std::invalid_argument("Erlang B needs at least one server");
  if (!std::isfinite(offered_load) || offered_load < 0)
    throw std::invalid_argument("offered load must be finite and >= 0");
  // B_0 = 1, B_k = a B_{k-1} / (k + a B_{k-1}): every term lies in [0, 1], so there is no
  // overflow of a^m / m! however large m is (the direct formula overflows near m = 170).
  double b = 1.0;
  for (int k = 1; k <= servers; ++k) b = offered_load * b / (k + offered_load * b);
  return b;
}

double erlang_c(int servers, double offered_load) {
  const double b = erlang_b(servers, offered_load);
  const double rho = offered_load / servers;
  if (rho >= 1.0) throw std::domain_error("Erlang C needs offered load below the server count");
  // C = B / (1 - rho (1 - B)) (Kleinrock vol. 1 eq. 3.44 rearranged); the denominator is >= 1 - rho
  // > 0.
  return b / (1.0 - rho * (1.0 - b));
}

QueueMeasures mm1(double arrival_rate_per_s, double service_time_s) {
  check_arguments(arrival_rate_per_s, service_time_s);
  const double rho = arrival_rate_per_s * service_time_s;
  check_stable(rho);
  // W_q = rho S / (1 - rho) (peers-and-formulas.md §3.3).
  return complete(arrival_rate_per_s, service_time_s, rho, rho, rho,
                  rho * service_time_s / (1.0 - rho));
}

QueueMeasures mmm(double arrival_rate_per_s, double service_time_s, int servers) {
  check_arguments(arrival_rate_per_s, service_time_s);
  if (servers < 1) throw std::invalid_argument("an M/M/m queue needs at least one server");
  const double a = arrival_rate_per_s * service_time_s;
  const double rho = a / servers;
  check_stable(rho);
  const double c = erlang_c(servers, a);
  // W_q = C(m, a) / (m mu - lambda) = C S / (m (1 - rho)) (peers-and-formulas.md §3.3).
  return complete(arrival_rate_per_s, service_time_s, a, rho, c,
                  c * service_time_s / (servers * (1.0 - rho)));
}

QueueMeasures mg1(double arrival_rate_per_s, double service_time_s, double service_scv) {
  check_arguments(arrival_rate_per_s, service_time_s);
  if (!std::isfinite(service_scv) || service_scv < 0)
    throw std::invalid_argument("service-time SCV must be finite and >= 0");
  const double rho = arrival_rate_per_s * service_time_s;
  check_stable(rho);
  // Pollaczek-Khinchine: W_q = rho S (1 + C_s^2) / (2 (1 - rho)) (peers-and-formulas.md §3.3).
  return complete(arrival_rate_per_s, service_time_s, rho, rho, rho,
                  rho * service_time_s * (1.0 + service_scv) / (2.0 * (1.0 - rho)));
}

QueueMeasures mm_inf(double arrival_rate_per_s, double service_time_s) {
  check_arguments(arrival_rate_per_s, service_time_s);
  const double a = arrival_rate_per_s * service_time_s;
  // Infinitely many servers: per-server utilization is 0 and nobody waits.
  return complete(arrival_rate_per_s, service_time_s, a, 0.0, 0.0, 0.0);
}

}  // namespace tpeval::solver::open
