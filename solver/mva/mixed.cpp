#include "solver/mva/mixed.hpp"

#include <stdexcept>
#include <vector>

#include "solver/open/open_network.hpp"

namespace tpeval::solver {

Network closed_equivalent(const Network& network) {
  validate(network);
  const OpenStability stability = open_stability(network);
  if (!stability.stable) throw UnstableNetwork(stability);
  const int stations = network.station_count();
  std::vector<int> closed_classes;
  for (int c = 0; c < network.class_count(); ++c)
    if (network.classes[c].kind == ClassKind::closed) closed_classes.push_back(c);
  for (int k = 0; k < stations; ++k) {
    if (!network.stations[k].load_dependent()) continue;
    bool open_visits = false, closed_visits = false;
    for (int c = 0; c < network.class_count(); ++c) {
      const bool visits = network.demand_s(c, k) > 0;
      (network.classes[c].kind == ClassKind::open ? open_visits : closed_visits) |= visits;
    }
    // No product-form reduction is known to us for this case (QSP ch. 7 covers load-independent
    // stations); refuse rather than return a number without a basis.
    if (open_visits && closed_visits)
      throw std::invalid_argument("station '" + network.stations[k].name +
                                  "': a load-dependent station visited by both open and closed "
                                  "classes is not supported");
  }
  Network closed;
  closed.stations = network.stations;
  const int n_closed = static_cast<int>(closed_classes.size());
  closed.demand_s = Eigen::MatrixXd::Zero(n_closed, stations);
  closed.visits = Eigen::MatrixXd::Zero(n_closed, stations);
  for (int j = 0; j < n_closed; ++j) {
    const int c = closed_classes[j];
    closed.classes.push_back(network.classes[c]);
    for (int k = 0; k < stations; ++k) {
      const double inflation = network.stations[k].kind == StationKind::queue
                                   ? 1.0 / (1.0 - stability.open_utilization(k))
                                   : 1.0;
      closed.demand_s(j, k) = network.demand_s(c, k) * inflation;
      closed.visits(j, k) = network.visits.size() ? network.visits(c, k) : 1.0;
    }
  }
  return closed;
}

Solution solve_mixed(const Network& network, const ClosedOptions& options) {
  validate(network);
  const OpenStability stability = open_stability(network);
  if (!stability.stable) throw UnstableNetwork(stability);

  const int classes = network.class_count(), stations = network.station_count();
  std::vector<int> closed_classes;
  for (int c = 0; c < classes; ++c)
    if (network.classes[c].kind == ClassKind::closed) closed_classes.push_back(c);

  Solution solution;
  solution.throughput_per_s = Eigen::MatrixXd::Zero(classes, stations);
  solution.utilization = Eigen::MatrixXd::Zero(classes, stations);
  solution.mean_jobs = Eigen::MatrixXd::Zero(classes, stations);
  solution.residence_time_s = Eigen::MatrixXd::Zero(classes, stations);
  solution.class_throughput_per_s = Eigen::VectorXd::Zero(classes);
  solution.class_response_time_s = Eigen::VectorXd::Zero(classes);
  Eigen::VectorXd closed_mean_jobs = Eigen::VectorXd::Zero(stations);
  std::string closed_method;

  if (!closed_classes.empty()) {
    // Step 2: the closed classes on stations slowed down by the open load (QSP ch. 7).
    const Network closed = closed_equivalent(network);
    const int n_closed = static_cast<int>(closed_classes.size());
    const Solution part = solve_closed(closed, options);
    closed_method = part.method;
    solution.iterations = part.iterations;
    solution.residual = part.residual;
    solution.converged = part.converged;
    solution.warnings = part.warnings;
    for (int j = 0; j < n_closed; ++j) {
      const int c = closed_classes[j];
      solution.class_throughput_per_s(c) = part.class_throughput_per_s(j);
      solution.class_response_time_s(c) = part.class_response_time_s(j);
      for (int k = 0; k < stations; ++k) {
        const Station& station = network.stations[k];
        solution.throughput_per_s(c, k) = part.throughput_per_s(j, k);
        solution.residence_time_s(c, k) = part.residence_time_s(j, k);
        solution.mean_jobs(c, k) = part.mean_jobs(j, k);
        // Utilization from the true demand, not the inflated one.
        if (station.kind == StationKind::queue)
          solution.utilization(c, k) = part.class_throughput_per_s(j) * network.demand_s(c, k) /
                                       open::peak_capacity(station);
        closed_mean_jobs(k) += part.mean_jobs(j, k);
      }
    }
  }

  // Step 3: the open classes, conditioned on the closed queue lengths.
  if (network.has_open_classes()) open::fill_open_classes(network, closed_mean_jobs, solution);
  open::fill_station_totals(network, solution);

  if (closed_classes.empty())
    solution.method = "open-product-form";
  else if (!network.has_open_classes())
    solution.method = closed_method;
  else
    solution.method = "mixed(" + closed_method + ")";
  return solution;
}

}  // namespace tpeval::solver
