// Discrete-event simulation of a queueing network in the `tpeval solve` format (Network), with
// confidence intervals for every measure the analytic solvers report.
//
// Contract: simulate_network() validates the network, refuses impossible runs with a
// SimulationError that says why (an open class saturates a station, nothing arrives and nobody is
// in the system, a closed class with zero think time and zero demand, limits too small to form an
// interval), and otherwise returns means and 95 % half-widths in the Solution shape plus a report
// of how the intervals were obtained. Model: open classes arrive as Poisson streams; closed classes
// cycle between an exponential think time (an implicit delay, Z_c) and the stations. Routing is
// *geometric*: after each visit (and on arrival) a job of class c goes to station k with
// probability V_ck / (1 + V_c) and leaves with probability 1 / (1 + V_c), V_c = sum_k V_ck — the
// Markov routing matrix whose traffic equations give exactly the visit ratios V_ck (so mean
// measures of BCMP stations are those of the product form). A visit to k needs work S_ck = D_ck /
// V_ck drawn from make_distribution(S_ck, scv_k). Queue stations are FCFS (m servers or
// load-dependent) or PS; delay stations are infinite servers. The run-until-precise driver
// (run_until_precise.hpp: warm-up, batch means or replications, independence check, stop rule,
// threads) stops each run when the relative half-width of every *stopping measure* (class
// throughput, class response time, station busy servers and station mean jobs, wherever they are
// not identically zero) is <= precision in two consecutive rounds and min lengths are met; or at
// the limits (precision_reached = false). Replications run on `threads` threads; the result does
// not depend on the thread count, and the same seed gives bit-identical results.
#pragma once

#include <Eigen/Dense>

#include <cstdint>
#include <functional>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "solver/des/run_until_precise.hpp"
#include "solver/network/network.hpp"

namespace tpeval::solver::des {

struct SimulationOptions {
  std::uint64_t seed = 1;
  double precision = 0.02;       ///< target relative half-width of the stopping measures
  double confidence = 0.95;      ///< two-sided confidence level of every interval
  int replications = 1;          ///< 1: batch means on one run; >= 2: independent replications
  int threads = 0;               ///< 0: all hardware threads
  int batches = 32;              ///< batches for batch means
  std::uint64_t min_events = 0;  ///< over all replications
  std::uint64_t max_events = 200'000'000;  ///< over all replications
  double min_time_s = 0.0;                 ///< simulated seconds per replication after the warm-up
  double max_time_s =
      std::numeric_limits<double>::infinity();  ///< simulated seconds per replication
  /// Called after every analysis round from the calling thread (may be empty).
  std::function<void(const SimulationProgress&)> progress;
};

/// Means (in `solution`, method "simulation") and half-widths (same shapes) of every measure.
/// Utilization is work-based: work served / (capacity x time), capacity = servers or, for a
/// load-dependent station, its largest rate multiplier (as the analytic solvers define it).
struct SimulationResult {
  Solution solution;
  Eigen::MatrixXd throughput_half_width;
  Eigen::MatrixXd utilization_half_width;
  Eigen::MatrixXd mean_jobs_half_width;
  Eigen::MatrixXd residence_time_half_width;
  Eigen::VectorXd class_throughput_half_width;
  Eigen::VectorXd class_response_time_half_width;
  Eigen::VectorXd busy_servers_half_width;
  Eigen::VectorXd station_utilization_half_width;
  Eigen::VectorXd class_mean_jobs_half_width;    ///< jobs of class c in the system (sum over k)
  Eigen::VectorXd station_mean_jobs_half_width;  ///< jobs at station k (sum over c)

  // How the intervals were obtained.
  std::string interval_method;  ///< "batch means" or "independent replications"
  int batches = 0;              ///< batches (batch means) or replications
  int degrees_of_freedom = 0;
  double confidence = 0.95;
  double observation_interval_s =
      0.0;  ///< width of one observation (batch means: 1 batch = several)
  std::vector<double> simulated_time_s;      ///< per replication
  std::vector<double> truncated_time_s;      ///< warm-up deleted by MSER-5, per replication
  std::vector<long> truncated_observations;  ///< observation intervals deleted, per replication
  std::uint64_t events = 0;                  ///< over all replications
  bool precision_reached = false;
  std::string stop_reason;                  ///< why the run stopped
  double widest_relative_half_width = 0.0;  ///< over the stopping measures
  std::string widest_measure;               ///< e.g. "response time of class 'batch'"
};

SimulationResult simulate_network(const Network& network, const SimulationOptions& options = {});

}  // namespace tpeval::solver::des
