// The E_k/M/1 queue: a single exponential server fed by every k-th customer of a Poisson stream
// (interarrival times Erlang-k, SCV 1/k), e.g. a log disk under group commit of size k, where
// the last member of each group writes the group's page.
//
// Contract: ek_m1_residence_factor(k, rho) returns R / S, mean residence over mean service, of
// the E_k/M/1 FCFS queue at utilization rho (0 <= rho < 1), k >= 1. GI/M/1 theory (Kleinrock
// 1975 §6.4; Gross & Harris, Fundamentals of Queueing Theory §6.3): an arrival finds the server
// busy with probability sigma, the root in (0, 1) of sigma = A*(mu (1 - sigma)), A* the Laplace
// transform of the interarrival time; for Erlang-k interarrivals of mean 1 / lambda,
// A*(s) = (k lambda / (k lambda + s))^k, so sigma = (k / (k + (1 - sigma) / rho))^k; the wait
// given a wait is exponential of mean S / (1 - sigma), hence R / S = 1 / (1 - sigma). k = 1 is
// M/M/1 (sigma = rho); as k grows the arrivals become regular and the queue shorter (at
// rho = 0.41, k = 8: sigma = 0.165 against 0.41). Pure function; k < 1, rho outside [0, 1) or
// non-finite throw std::invalid_argument.
#pragma once

namespace tpeval::solver::open {

/// sigma: the probability that an arrival waits in the E_k/M/1 queue at utilization rho.
double ek_m1_wait_probability(int k, double utilization);

/// Mean residence time over mean service time of the E_k/M/1 queue: 1 / (1 - sigma).
double ek_m1_residence_factor(int k, double utilization);

}  // namespace tpeval::solver::open
