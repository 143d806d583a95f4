// FCFS waits of visits that their own customers feed back (issue #11): a transaction queues for
// a CPU, leaves for a disk I/O or a remote round trip, and queues again. Such a stream is not
// Poisson, and with visits of unequal length the M/G/m two-moment wait (Lee & Longton) is wrong
// in both directions: short visits fed back between long ones arrive less often while a long
// queue holds their transactions (less wait, down to 0.55 of M/G/m), long ones fed back come in
// runs (more, up to 1.1) - tests/solver/des/core_test.cpp measures both.
//
// The departure-epoch rule: mean-value equations of one FCFS server with exponential visit
// lengths, an m-server station taken as one server m times as fast (the heavy-traffic
// equivalence of GI/G/m and GI/G/1, Köllerström 1974):
//  - the mean work in the queue is the residual of the visit in service plus the waiting ones,
//    V = sum r s^2 + sum r W_v s (Little's law per visit);
//  - a Poisson visit (a first visit, another customer's) sees V (PASTA);
//  - a visit fed back from visit p finds, at p's departure, the work that arrived during p's
//    stay, rho (W_p + s_p) (FCFS drains the work in arrival order); during the absence Z before
//    it comes back that work relaxes as a reflected Brownian motion with the queue's drift
//    -(1 - rho) and stationary mean V, started from an exponential distribution of that mean
//    (Harrison 1985 §1.8 for the transition function; the exponential is RBM's stationary shape).
// Against simulated FCFS queues (core_test.cpp) it is within 10 % at one server and at four at
// 81 % load over absences of 0-30 ms, where Lee & Longton is up to 45 % off; at four servers and
// 70 % load with 10 ms absences it is 12-15 % high. The cluster model (model/point_solve.cpp
// visit_waits) multiplies its CPU waits by these ratios and by the arrival-theorem factor
// (N - 1) / N for the transactions blocked on locks; alone, the ratios moved the GEH and
// affinity configurations 8-22 % high (docs/cluster.md, "The CPU-wait gap").
//
// The fixed point of the waits is found by Anderson acceleration (solver/fixed_point) of the
// plain map, 7-9 steps on the 10-node cluster's CPUs (the damped plain iteration took 60-1,950).
//
// Contract: fed_back_wait_ratios() returns for every visit its mean wait divided by the wait of
// a Poisson stream of the same visits (M/G/1 on the fast server), so a caller multiplies its
// M/G/m wait by it; all 1 when the station is saturated or has no load. Pure; visits' `from`
// shares sum to <= 1 (the rest arrives as Poisson), indices in range, absences >= 0; else
// std::invalid_argument.
#pragma once

#include <cstddef>
#include <vector>

namespace tpeval::solver::open {

struct FedBackVisit {
  struct From {
    std::size_t visit = 0;   ///< index of the visit this one follows
    double share = 0.0;      ///< share of this visit's arrivals that follow it
    double absence_s = 0.0;  ///< mean absence between that visit's departure and this arrival
  };
  double rate_per_s = 0.0;  ///< arrivals per second
  double mean_s = 0.0;      ///< mean length (taken exponential)
  std::vector<From> from;   ///< empty: a Poisson stream
};

std::vector<double> fed_back_wait_ratios(int servers, const std::vector<FedBackVisit>& visits);

/// E[Z(t)] of canonical reflected Brownian motion (drift -1, variance 1) started from an
/// exponential distribution of mean `start_mean` (0: from 0); t >= 0. Closed-form transition
/// mean (Harrison 1985 §1.8) averaged by 16-point Gauss-Laguerre quadrature.
double rbm_mean_from_exponential(double t, double start_mean);

}  // namespace tpeval::solver::open
