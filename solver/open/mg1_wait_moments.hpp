// The spread of an M/G/1 FCFS wait among the customers that wait: its second moment over its
// squared mean, for the percentiles of a wait in a hot lock queue.
//
// Contract: mg1_waited_moment_ratio(rho, c2) returns E[W^2 | W > 0] / E[W | W > 0]^2 of the
// waiting time W of an M/G/1 FCFS queue at utilization rho (0 <= rho < 1) whose service time is
// gamma-distributed with squared coefficient of variation c2 >= 0 (its third moment from the
// gamma fit). Derivation: P(W > 0) = rho; E[W] = rho E[R] / (1 - rho) (Pollaczek-Khinchine,
// Kleinrock 1975 eq. 5.72, R the residual service time, E[R] = E[S^2] / 2E[S]); E[W^2] =
// 2 E[W]^2 + lambda E[S^3] / (3 (1 - rho)) (Takacs' recurrence, Kleinrock 1975 §5.7), and
// lambda E[S^3] / 3 = rho E[R^2] with E[R^2] = E[S^3] / 3E[S]; so the ratio is
// 2 rho + (1 - rho) E[R^2] / E[R]^2, with E[R^2] / E[R]^2 = 4 (1 + 2 c2) / (3 (1 + c2)) for a
// gamma S. It runs from the residual's ratio at rho -> 0 (4/3 for fixed service, 2 for
// exponential) to 2 (an exponential waited time) as rho -> 1; M/M/1 gives 2 at every rho.
// Pure function; rho outside [0, 1), c2 < 0 or non-finite arguments throw std::invalid_argument.
#pragma once

namespace tpeval::solver::open {

/// E[R^2] / E[R]^2 of the residual R of a gamma service time of SCV `service_scv`.
double gamma_residual_moment_ratio(double service_scv);

/// E[W^2 | W > 0] / E[W | W > 0]^2 of the M/G/1 FCFS wait (gamma service of SCV `service_scv`).
double mg1_waited_moment_ratio(double utilization, double service_scv);

}  // namespace tpeval::solver::open
