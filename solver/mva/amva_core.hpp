// Shared core of the approximate MVA solvers (Bard–Schweitzer and Linearizer).
//
// Contract: AmvaModel is the closed network as the approximate solvers see it: the classes with
// jobs, their think times (plus all delay-station demand), and each queueing station split by the
// Seidmann, Schweitzer & Shalev-Oren (1987) approximation into a single-server queue with demand
// D_ck / alpha(L) and a pure delay D_ck (1/alpha(1) - 1/alpha(L)) (m servers: D/m and D (m-1)/m;
// peers-and-formulas.md §3.2). amva_core() runs the fixed point of Chandy & Neuse (CACM 25(2)
// 1982) at one population vector: the queue length seen on arrival at a queue is estimated as
// Q_k(n - 1_c) = sum_c' (n - 1_c)_c' [Q_kc'(n) / n_c' + F_kc'(c)], where F = 0 gives
// Bard–Schweitzer. For fixed throughputs these equations are linear in Q, so the core first solves
// the C-dimensional system for X by Newton's method (analytic Jacobian, backtracking; see
// amva_core.cpp) and then runs Gauss–Seidel fixed-point sweeps from that point, which also take
// over from the start values if Newton fails. It stops when the largest relative change of any
// queue-part Q_kc in a sweep falls below the tolerance or after the iteration cap; Newton steps
// count as iterations, and at least one sweep always measures the residual.
#pragma once

#include <string>
#include <vector>

#include "solver/network/network.hpp"

namespace tpeval::solver {

struct AmvaModel {
  std::vector<int> classes;          ///< network class index of each active class
  std::vector<int> stations;         ///< network station index of each queueing station kept
  std::vector<double> think_s;       ///< per active class: Z_c + delay-station demand
  std::vector<double> queue_demand;  ///< [k * C + c]: D_ck / alpha_k(L)
  std::vector<double> delay_demand;  ///< [k * C + c]: Seidmann delay part of station k
  std::vector<std::string> warnings;
  int class_count() const { return static_cast<int>(classes.size()); }
  int station_count() const { return static_cast<int>(stations.size()); }
};

AmvaModel amva_model(const Network& network);

/// The AMVA cores hold populations as int; larger ones are refused (std::invalid_argument).
inline constexpr long kMaxApproximatePopulation = 1'000'000'000;

/// Populations of the model's classes (in model.classes order), checked against the limit.
std::vector<int> amva_populations(const Network& network, const AmvaModel& model);

struct AmvaState {
  std::vector<double> queue_jobs;  ///< [k * C + c]: queue-part Q_kc
  std::vector<double> throughput;  ///< per active class
  int iterations = 0;
  double residual = 0.0;
  bool converged = false;
};

/// Runs the core at `population`; `state.queue_jobs` holds the start values (filled with an even
/// spread when empty). `correction` is F as [(k * C + c') * C + c] or empty for Bard–Schweitzer.
void amva_core(const AmvaModel& model, const std::vector<int>& population,
               const std::vector<double>& correction, double tolerance, int max_iterations,
               AmvaState& state);

/// Turns a converged state at the full population into a Solution (queue part plus delay part).
Solution amva_solution(const Network& network, const AmvaModel& model, const AmvaState& state,
                       const std::string& method);

}  // namespace tpeval::solver
