// The mean FCFS wait of a multi-server station whose visits partly come back from customers who
// left it a short while before (a transaction's CPU visits between its disk I/Os and remote
// round trips), with visits of unequal length.
//
// Contract: pure functions of plain numbers (seconds, busy servers, SCVs). With Poisson visits
// the M/G/m two-moment form (Lee & Longton) W = C(m, a) / (m - a) * E[S] * (1 + c_s^2) / 2 holds;
// with exponential visits of one mean a network of such stations is product-form, and the M/M/m
// wait C(m, a) / (m - a) * E[S] holds whatever the feedback (Jackson 1963; an arrival sees the
// time average, Sevcik & Mitrani 1981). Only the excess (c_s^2 - 1) / 2 depends on the arrivals:
// it comes from visits that find long visits in service independently of them. A customer back
// after an absence Z has not forgotten the state its own departure left (the station's load
// correlation decays with the queue's relaxation time tau, Morse 1955; Odoni & Roth 1983), so
// only the share 1 - E[exp(-Z / tau)] of such visits sees the excess - Z / (Z + tau) for an
// exponential absence. `feedback_mgm_wait_s` scales the excess by the visits' mean share.
// Arguments out of range (offered load >= servers, negative times) throw std::invalid_argument.
#pragma once

namespace tpeval::solver::open {

/// Relaxation time of a queue of `servers` servers at `offered_load` busy servers with mean
/// service `mean_service_s`: M/M/1's 1 / (mu (1 - sqrt(rho))^2) (Morse 1955; Odoni & Roth 1983,
/// Oper. Res. 31(3)) with the servers' joint rate mu = m / E[S] and rho = a / m.
double relaxation_time_s(int servers, double offered_load, double mean_service_s);

/// Share of visits after an exponential absence of mean `mean_absence_s` that arrive independently
/// of the station's state: 1 - E[exp(-Z / tau)] = Z / (Z + tau); 1 for an infinite absence.
double independent_share(double mean_absence_s, double relaxation_time_s);

/// Mean FCFS wait, seconds: C(m, a) / (m - a) * E[S] * (1 + (c_s^2 - 1) / 2 * share), with `share`
/// in [0, 1] the visits' mean independent share (1: Lee & Longton's M/G/m form).
double feedback_mgm_wait_s(int servers, double offered_load, double mean_service_s,
                           double service_scv, double share);

}  // namespace tpeval::solver::open
