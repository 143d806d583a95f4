#include "solver/mva/solution_fill.hpp"

#include <stdexcept>

#include "solver/mva/rate_profile.hpp"

namespace tpeval::solver {

void complete_solution(const Network& network, Solution& s) {
  const int classes = network.class_count();
  const int stations = network.station_count();
  s.residence_time_s = Eigen::MatrixXd::Zero(classes, stations);
  s.throughput_per_s = Eigen::MatrixXd::Zero(classes, stations);
  s.utilization = Eigen::MatrixXd::Zero(classes, stations);
  s.class_response_time_s = Eigen::VectorXd::Zero(classes);
  s.busy_servers = Eigen::VectorXd::Zero(stations);
  s.station_utilization = Eigen::VectorXd::Zero(stations);
  for (int c = 0; c < classes; ++c) {
    const double x = s.class_throughput_per_s(c);
    if (network.classes[c].population == 0)
      s.warnings.push_back("class '" + network.classes[c].name +
                           "' has zero population: throughput 0, response time not defined (0)");
    for (int k = 0; k < stations; ++k) {
      const double d = network.demand_s(c, k);
      const double v = network.visits.size() ? network.visits(c, k) : (d > 0 ? 1.0 : 0.0);
      s.throughput_per_s(c, k) = x * v;
      if (x > 0) s.residence_time_s(c, k) = s.mean_jobs(c, k) / x;
      s.busy_servers(k) +=
          network.stations[k].kind == StationKind::delay ? s.mean_jobs(c, k) : x * d;
    }
    s.class_response_time_s(c) = s.residence_time_s.row(c).sum();
  }
  for (int k = 0; k < stations; ++k) {
    if (network.stations[k].kind == StationKind::delay) continue;
    const double capacity = peak_rate(network.stations[k]);
    s.station_utilization(k) = s.busy_servers(k) / capacity;
    for (int c = 0; c < classes; ++c)
      s.utilization(c, k) = s.class_throughput_per_s(c) * network.demand_s(c, k) / capacity;
  }
}

void check_closed_network(const Network& network) {
  validate(network);
  for (int c = 0; c < network.class_count(); ++c) {
    const JobClass& job_class = network.classes[c];
    if (job_class.kind != ClassKind::closed)
      throw std::invalid_argument("invalid network: class '" + job_class.name +
                                  "' is open; closed MVA needs closed classes only");
    if (job_class.population > 0 && job_class.think_time_s <= 0 &&
        network.demand_s.row(c).sum() <= 0)
      throw std::invalid_argument("invalid network: closed class '" + job_class.name +
                                  "' has zero demand and zero think time");
  }
}

}  // namespace tpeval::solver
