// Correlation of the waits of two arrivals at an M/M/m FCFS queue that lie a given time apart
// (issue #13). A customer that visits the same queue several times - a transaction's CPU bursts
// - meets a queue whose length changes slowly near saturation: a long queue stays long for
// longer than the customer's absence between visits, so its waits are positively correlated and
// their sum varies more than the sum of independent waits. Near 90 % CPU the simulator's waits
// of one transaction's visits correlate at 0.7-0.8 (docs/cluster.md), and the sum's variance is
// about five times the independent one's.
//
// Method: the queue length N(t) is the M/M/m birth-death process (arrival rate lambda, service
// rate mu per server). A Poisson arrival that finds n waits E[W | n] = (n - m + 1) / (m mu) for
// n >= m, else 0, with E[W^2 | n] = (n - m + 1)(n - m + 2) / (m mu)^2 (Erlang). Two arrivals t
// apart, both seeing the stationary process (PASTA), have
//   Cov(W_0, W_t) = sum_n pi_n f(n) (e^{Qt} f)(n) - E[W]^2,   f(n) = E[W | n],
// (the service draws behind each wait are independent given the queue lengths), so their
// correlation is Cov(W_0, W_t) / Var(W). e^{Qt} f is computed by uniformization (Jensen 1953;
// Grassmann 1977) on the state space truncated where the geometric tail of pi is below 1e-10.
// At t -> 0 the correlation is Var(E[W | N]) / Var(W) < 1 (the Erlang spread is not shared);
// it decays with the queue's relaxation time, about 1 / (mu (1 - sqrt(rho))^2) at m = 1 (Morse
// 1955; Cohen 1982 §II.2.3).
//
// Contract: servers >= 1, 0 <= offered_load < servers (offered load lambda / mu), mean service
// time > 0, lags >= 0 and finite; else std::invalid_argument. Returns one correlation in [0, 1]
// per lag (0 when the queue never waits: offered load 0). The cost is O(states x Lambda t_max)
// with Lambda = lambda + m mu and t_max the largest lag; a queue so close to saturation that the
// truncated state space would exceed 200,000 states throws std::invalid_argument naming it.
// Pure.
#pragma once

#include <vector>

namespace tpeval::solver::open {

std::vector<double> mmm_wait_correlation(int servers, double offered_load, double mean_service_s,
                                         const std::vector<double>& lags_s);

/// The same correlation as r(t) = r(0) exp(-t / tau), in O(states): r(0) exact and tau such that
/// the integral over t is exact (the integral of a birth-death process's autocovariance is a
/// sum over its states, Whitt 1992). The queue length's correlation falls faster at first and
/// slower later than one exponential: at 88-91 % of 4 servers the fit is within 0.1 of
/// mmm_wait_correlation over lags up to a transaction's life (tests/solver/open). For callers
/// that need it in every solve (the exact form costs states x events).
struct WaitCorrelationFit {
  double at_zero = 0.0;          ///< r(0)
  double time_constant_s = 0.0;  ///< tau, s (0: no correlation)
  double at(double lag_s) const;
};
WaitCorrelationFit mmm_wait_correlation_fit(int servers, double offered_load,
                                            double mean_service_s);

}  // namespace tpeval::solver::open
