// Queueing-network value types shared by every solver in solver/.
//
// Contract: a Network is a plain value (stations, classes, and a class x station demand matrix in
// seconds). Solvers take it by const reference and return a Solution; they keep no state between
// calls. Demand D_ck = visits V_ck x service time S_ck (Lazowska et al., QSP ch. 3); the visit
// matrix is kept only so per-visit response times can be reported. validate() checks the
// invariants every solver relies on; readers (solver/io/network_json) report violations with a
// JSON path instead.
#pragma once

#include <Eigen/Dense>

#include <string>
#include <vector>

namespace tpeval::solver {

enum class StationKind { queue, delay };
enum class Discipline { fcfs, ps };

struct Station {
  std::string name;
  StationKind kind = StationKind::queue;
  Discipline discipline = Discipline::fcfs;
  /// Number of identical servers m >= 1 (ignored for delay stations).
  int servers = 1;
  /// Load-dependent service: with j jobs present the station works at rate_multipliers[j-1] times
  /// the rate of one server (the last entry holds for all larger j). Empty = not load-dependent;
  /// then the multiplier is min(j, servers). When given, servers must be 1.
  std::vector<double> rate_multipliers;
  /// Squared coefficient of variation of the service time (1 = exponential). Used by M/G/1 and
  /// the simulation; product-form solvers assume exponential FCFS service.
  double service_scv = 1.0;

  bool load_dependent() const { return !rate_multipliers.empty(); }
  /// Service-rate multiplier alpha(j) for j >= 1 jobs present.
  double rate_multiplier(long jobs) const;
};

enum class ClassKind { open, closed };

struct JobClass {
  std::string name;
  ClassKind kind = ClassKind::closed;
  double arrival_rate_per_s = 0.0;  ///< open classes
  long population = 0;              ///< closed classes
  double think_time_s = 0.0;        ///< closed classes
};

struct Network {
  std::vector<Station> stations;
  std::vector<JobClass> classes;
  Eigen::MatrixXd demand_s;  ///< classes x stations, total service demand per job (s)
  Eigen::MatrixXd visits;    ///< classes x stations, visits per job (1 where only demand was given)

  int station_count() const { return static_cast<int>(stations.size()); }
  int class_count() const { return static_cast<int>(classes.size()); }
  bool has_open_classes() const;
  bool has_closed_classes() const;
};

/// Throws std::invalid_argument naming the first violated invariant (shape, signs, m >= 1, ...).
void validate(const Network& network);

/// Results of one solution. Matrices are classes x stations.
struct Solution {
  std::string method;       ///< e.g. "exact-mva", "linearizer", "open-product-form", "mixed"
  int iterations = 0;       ///< fixed-point iterations (0 for direct methods)
  double residual = 0.0;    ///< max relative change of queue lengths in the last iteration
  bool converged = true;
  std::vector<std::string> warnings;

  Eigen::MatrixXd throughput_per_s;  ///< X_ck = X_c V_ck (completions at station k per second)
  /// Per-server utilization share of class c at station k: X_c D_ck / m (0 at delay stations).
  Eigen::MatrixXd utilization;
  Eigen::MatrixXd mean_jobs;         ///< Q_ck, mean number of class-c jobs at station k
  Eigen::MatrixXd residence_time_s;  ///< R_ck over all visits of one job (= Q_ck / X_c)

  Eigen::VectorXd class_throughput_per_s;  ///< X_c (system throughput of class c)
  Eigen::VectorXd class_response_time_s;   ///< sum_k R_ck, excluding think time

  /// Mean number of busy servers at station k, sum_c X_c D_ck (for a delay station: mean jobs).
  Eigen::VectorXd busy_servers;
  /// Per-server utilization of station k, busy_servers / m (0 for delay stations).
  Eigen::VectorXd station_utilization;

  /// Per-visit response time of class c at station k, R_ck / V_ck (0 where V_ck = 0).
  double response_time_per_visit_s(const Network& network, int c, int k) const;
};

}  // namespace tpeval::solver
