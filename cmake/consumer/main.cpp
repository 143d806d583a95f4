// Solves a one-station closed network through the installed library: X = N / (D + Z) at N = 1.
#include <cmath>
#include <cstdio>

#include "solver/mva/closed.hpp"

int main() {
  tpeval::solver::Network network;
  network.stations.push_back({.name = "cpu"});
  network.classes.push_back({.name = "users", .population = 1, .think_time_s = 1.0});
  network.demand_s = Eigen::MatrixXd::Constant(1, 1, 0.25);
  network.visits = Eigen::MatrixXd::Ones(1, 1);
  const auto solution = tpeval::solver::solve_closed(network);
  const double x = solution.class_throughput_per_s(0);
  std::printf("X = %.6f\n", x);
  return std::fabs(x - 0.8) < 1e-12 ? 0 : 1;
}
