// Single open queues with Poisson arrivals: M/M/1, M/M/m (Erlang C), M/G/1 (Pollaczek-Khinchine)
// and M/M/inf, plus the Erlang B and C formulas.
//
// Contract: every function takes an arrival rate lambda >= 0 (per second), a mean service time
// S > 0 (seconds) and the server count or service-time SCV, and returns the steady-state mean
// measures of one queue (peers-and-formulas.md §3.3; Kleinrock vol. 1 ch. 3, 5). Utilization is
// per server (rho = lambda S / m). A queue with rho >= 1 has no steady state: the functions throw
// std::domain_error naming the utilization instead of returning infinities; bad arguments
// (negative rates, S <= 0, m < 1, negative SCV, non-finite values) throw std::invalid_argument.
// Erlang B/C cost O(1) in m (the incomplete gamma function of Boost.Math, a continued fraction far
// above the server count) and stay finite and accurate to ~1e-14 relative for any int m.
#pragma once

namespace tpeval::solver::open {

/// Mean measures of one queue in steady state. All times in seconds.
struct QueueMeasures {
  double utilization = 0.0;             ///< per-server utilization rho = lambda S / m
  double busy_servers = 0.0;            ///< mean number of busy servers, lambda S
  double probability_of_waiting = 0.0;  ///< P(an arrival has to queue)
  double waiting_time_s = 0.0;          ///< W_q, mean time in the queue before service
  double response_time_s = 0.0;         ///< W = W_q + S
  double mean_jobs_in_queue = 0.0;      ///< L_q = lambda W_q (Little)
  double mean_jobs_in_system = 0.0;     ///< L = lambda W (Little)
};

/// Erlang B blocking probability B(m, a) for m servers and offered load a = lambda S (>= 0).
double erlang_b(int servers, double offered_load);
/// Erlang C probability of waiting C(m, a) of an M/M/m queue; requires a < m.
double erlang_c(int servers, double offered_load);

QueueMeasures mm1(double arrival_rate_per_s, double service_time_s);
QueueMeasures mmm(double arrival_rate_per_s, double service_time_s, int servers);
/// M/G/1 FCFS with service-time squared coefficient of variation `service_scv` (1 = exponential).
QueueMeasures mg1(double arrival_rate_per_s, double service_time_s, double service_scv);
/// M/M/inf (pure delay): no waiting, L = lambda S.
QueueMeasures mm_inf(double arrival_rate_per_s, double service_time_s);

}  // namespace tpeval::solver::open
