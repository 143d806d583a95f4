// Open multi-class product-form networks (Jackson / BCMP): stability and the mean measures.
//
// Contract: solve_open() takes a valid network whose classes are all open and returns the
// product-form solution (Lazowska et al., QSP ch. 6; peers-and-formulas.md §3.3): station k
// receives the open load a_k = sum_c lambda_c D_ck (busy-server equivalents) and behaves as an
// M/M/m queue (m = 1 is M/M/1), a delay (M/M/inf) or a load-dependent queue whose rate with j
// jobs is rate_multipliers[j-1] (birth-death queue-length distribution). Per-class results split
// the station totals in proportion to the class demands, so R_ck = D_ck * f_k; Little's law
// Q_ck = lambda_c R_ck holds for every entry. A single-server FCFS queue with service_scv != 1
// uses the multi-class M/G/1 (Pollaczek-Khinchine) waiting time instead, an approximation inside a
// network that Solution::warnings states. A network whose open load saturates any station has no
// steady state: solve_open() throws UnstableNetwork (it never returns infinities); open_stability()
// reports the bottleneck and the largest factor by which all arrival rates could be multiplied.
#pragma once

#include <Eigen/Dense>

#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "solver/network/network.hpp"

namespace tpeval::solver {

struct OpenStability {
  bool stable = true;
  /// Station with the largest open utilization, -1 when no queueing station has open load.
  int bottleneck_station = -1;
  std::string bottleneck_name;
  /// Open load over capacity at the bottleneck (capacity m, or the last rate multiplier).
  double bottleneck_utilization = 0.0;
  /// Largest factor by which all open arrival rates could be multiplied with every station
  /// still below saturation (1 / bottleneck_utilization; infinity without open queueing load;
  /// < 1 for an unstable network).
  double max_arrival_factor = std::numeric_limits<double>::infinity();
  /// Per station: open load / capacity (0 at delay stations).
  Eigen::VectorXd open_utilization;
};

/// Stability of the open classes of any network (closed classes are ignored: they cannot make a
/// product-form network unstable).
OpenStability open_stability(const Network& network);

/// Thrown by the open and mixed solvers for a network whose open load saturates a station.
class UnstableNetwork : public std::runtime_error {
 public:
  explicit UnstableNetwork(OpenStability stability);
  const OpenStability& stability() const noexcept { return stability_; }
  const std::string& station_name() const noexcept { return stability_.bottleneck_name; }
  double utilization() const noexcept { return stability_.bottleneck_utilization; }
  double max_arrival_factor() const noexcept { return stability_.max_arrival_factor; }

 private:
  OpenStability stability_;
};

/// Product-form solution of an all-open network. Throws std::invalid_argument for an invalid
/// network or one with closed classes, UnstableNetwork for a saturated one.
Solution solve_open(const Network& network);

namespace open {

/// Building block shared with the mixed solver. Fills the open-class rows of `solution`
/// (matrices already sized classes x stations, vectors sized classes) for a network whose
/// closed classes keep closed_mean_jobs[k] jobs at station k on average (all 0 for a purely open
/// network): throughput, utilization, residence time, mean jobs, class totals. Appends the
/// approximations it makes to solution.warnings. Requires a stable open load.
void fill_open_classes(const Network& network, const Eigen::VectorXd& closed_mean_jobs,
                       Solution& solution);

/// sup_j alpha(j): m, or the largest rate multiplier of a load-dependent station. Utilizations
/// are busy servers over this peak capacity (as in the closed solvers), so they stay in [0, 1].
double peak_capacity(const Station& station);

/// Fills busy_servers and station_utilization from the class throughputs (all classes).
void fill_station_totals(const Network& network, Solution& solution);

/// Mean number of jobs at a load-dependent station (rate alpha(j) = rate_multipliers[j-1], the
/// last entry holding beyond) with open load `offered_load` (< last multiplier), and the
/// probability that the station is empty.
struct LoadDependentQueue {
  double mean_jobs = 0.0;
  double probability_empty = 1.0;
};
LoadDependentQueue load_dependent_queue(const std::vector<double>& rate_multipliers,
                                        double offered_load);

}  // namespace open
}  // namespace tpeval::solver
