// Test support for the MVA solvers: random product-form networks, an independent brute-force
// CTMC solution of them, and the operational laws every solver output must satisfy.
//
// The CTMC is the independent reference: every class routes uniformly at random among the nodes
// it visits (its stations with D_ck > 0 and a think node with mean Z_c), with mean service time
// S_ck = D_ck per visit, so each node is visited once per cycle and the product-form solution has
// exactly the demands D_ck (BCMP; queueing stations are processor-sharing with the total rate
// alpha(n_k) shared in proportion to the class counts). The generator is solved with Eigen's
// SparseLU.
#pragma once

#include <doctest/doctest.h>

#include <Eigen/Dense>
#include <Eigen/SparseLU>

#include <cmath>
#include <cstdio>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "solver/network/network.hpp"

namespace tpeval::test {

using solver::ClassKind;
using solver::Network;
using solver::Solution;
using solver::Station;
using solver::StationKind;

/// "s3" etc.; snprintf because g++ 12 warns falsely (-Wrestrict, GCC bug 105651) on "s" +
/// to_string.
inline std::string numbered(const char* prefix, int i) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%s%d", prefix, i);
  return buffer;
}

inline Station queue_station(const std::string& name, int servers = 1) {
  Station s;
  s.name = name;
  s.servers = servers;
  return s;
}

inline Station delay_station(const std::string& name) {
  Station s;
  s.name = name;
  s.kind = StationKind::delay;
  return s;
}

struct CtmcResult {
  Eigen::VectorXd throughput;  ///< per class
  Eigen::MatrixXd mean_jobs;   ///< classes x stations
  double smallest_probability = 1.0;
};

inline CtmcResult solve_ctmc(const Network& net) {
  const int classes = net.class_count(), stations = net.station_count();
  const int think_node = stations;  // node index of the think "station"
  std::vector<std::vector<int>> nodes(classes);
  for (int c = 0; c < classes; ++c) {
    for (int k = 0; k < stations; ++k)
      if (net.demand_s(c, k) > 0) nodes[c].push_back(k);
    if (net.classes[c].think_time_s > 0) nodes[c].push_back(think_node);
  }
  // State: jobs of class c at node k, flattened [c * (stations+1) + k]; enumerate recursively.
  const int width = stations + 1;
  std::vector<std::vector<int>> states;
  std::vector<int> cur(static_cast<std::size_t>(classes * width), 0);
  auto fill = [&](auto&& self, int c, int pos, int left) -> void {
    if (c == classes) {
      states.push_back(cur);
      return;
    }
    const auto& visited = nodes[c];
    const int pop = static_cast<int>(net.classes[c].population);
    if (visited.empty() || pop == 0)
      return self(self, c + 1, 0,
                  c + 1 < classes ? static_cast<int>(net.classes[c + 1].population) : 0);
    if (pos == static_cast<int>(visited.size()) - 1) {
      cur[c * width + visited[pos]] = left;
      self(self, c + 1, 0, c + 1 < classes ? static_cast<int>(net.classes[c + 1].population) : 0);
      cur[c * width + visited[pos]] = 0;
      return;
    }
    for (int v = 0; v <= left; ++v) {
      cur[c * width + visited[pos]] = v;
      self(self, c, pos + 1, left - v);
    }
    cur[c * width + visited[pos]] = 0;
  };
  fill(fill, 0, 0, classes ? static_cast<int>(net.classes[0].population) : 0);
  std::map<std::vector<int>, int> index;
  for (int i = 0; i < static_cast<int>(states.size()); ++i) index[states[i]] = i;
  const int n = static_cast<int>(states.size());
  std::vector<Eigen::Triplet<double>> entries;  // of Q^T, with the last row replaced by ones
  std::vector<double> outflow(static_cast<std::size_t>(n), 0.0);
  Eigen::MatrixXd completion =
      Eigen::MatrixXd::Zero(n, classes);  // class completion rate per state
  for (int i = 0; i < n; ++i) {
    const auto& s = states[i];
    for (int c = 0; c < classes; ++c) {
      const auto& visited = nodes[c];
      for (int from : visited) {
        const int here = s[c * width + from];
        if (here == 0) continue;
        double rate;
        if (from == think_node) {
          rate = here / net.classes[c].think_time_s;
        } else {
          const Station& st = net.stations[from];
          const double service = net.demand_s(c, from);
          if (st.kind == StationKind::delay) {
            rate = here / service;
          } else {
            int total = 0;
            for (int cc = 0; cc < classes; ++cc) total += s[cc * width + from];
            rate = st.rate_multiplier(total) * here / total / service;
          }
        }
        completion(i, c) += rate;
        for (int to : visited) {
          const double r = rate / static_cast<double>(visited.size());
          if (to == from) continue;
          auto t = s;
          --t[c * width + from];
          ++t[c * width + to];
          const int j = index.at(t);
          if (j != n - 1) entries.emplace_back(j, i, r);
          outflow[i] += r;
        }
      }
    }
  }
  for (int i = 0; i < n; ++i) {
    if (i != n - 1) entries.emplace_back(i, i, -outflow[i]);
    entries.emplace_back(n - 1, i, 1.0);
  }
  Eigen::SparseMatrix<double> a(n, n);
  a.setFromTriplets(entries.begin(), entries.end());  // duplicates are summed
  Eigen::SparseLU<Eigen::SparseMatrix<double>> lu(a);
  REQUIRE(lu.info() == Eigen::Success);
  Eigen::VectorXd b = Eigen::VectorXd::Zero(n);
  b(n - 1) = 1.0;
  const Eigen::VectorXd pi = lu.solve(b);
  CtmcResult r;
  r.throughput = Eigen::VectorXd::Zero(classes);
  r.mean_jobs = Eigen::MatrixXd::Zero(classes, stations);
  r.smallest_probability = pi.minCoeff();
  for (int i = 0; i < n; ++i)
    for (int c = 0; c < classes; ++c) {
      if (!nodes[c].empty())
        r.throughput(c) += pi(i) * completion(i, c) / static_cast<double>(nodes[c].size());
      for (int k = 0; k < stations; ++k) r.mean_jobs(c, k) += pi(i) * states[i][c * width + k];
    }
  return r;
}

struct RandomNetworkOptions {
  int max_classes = 3;
  int max_population = 3;
  int max_stations = 4;
  bool multi_server = true;
  bool load_dependent = true;
  bool delay = true;
  bool think = true;
};

/// A random closed network; demands in [0.05, 1] s, some entries zero.
inline Network random_network(std::mt19937_64& rng, const RandomNetworkOptions& o) {
  std::uniform_int_distribution<int> class_count(1, o.max_classes),
      station_count(2, o.max_stations), pop(0, o.max_population), servers(2, 3), kind(0, 5),
      list_length(1, 3);
  std::uniform_real_distribution<double> demand(0.05, 1.0), unit(0.0, 1.0), multiplier(0.5, 3.0);
  Network net;
  const int classes = class_count(rng), stations = station_count(rng);
  for (int k = 0; k < stations; ++k) {
    Station s;
    s.name = numbered("s", k);
    const int what = kind(rng);
    if (what == 0 && o.delay) {
      s.kind = StationKind::delay;
    } else if (what == 1 && o.multi_server) {
      s.servers = servers(rng);
    } else if (what == 2 && o.load_dependent) {
      const int len = list_length(rng);
      for (int j = 0; j < len; ++j) s.rate_multipliers.push_back(multiplier(rng));
    }
    net.stations.push_back(s);
  }
  net.demand_s = Eigen::MatrixXd::Zero(classes, stations);
  for (int c = 0; c < classes; ++c) {
    solver::JobClass jc;
    jc.name = numbered("c", c);
    jc.population = pop(rng);
    jc.think_time_s = o.think && unit(rng) < 0.5 ? 5 * demand(rng) : 0.0;
    net.classes.push_back(jc);
    for (int k = 0; k < stations; ++k)
      if (unit(rng) < 0.8 || k == c % stations) net.demand_s(c, k) = demand(rng);
  }
  net.visits = Eigen::MatrixXd::Ones(classes, stations);
  return net;
}

/// Operational laws on a solver's output (Lazowska et al., QSP ch. 3): Little's law per station
/// and for the whole class cycle, the utilization law, the forced-flow law.
/// `exact`: the solution is a product-form one, so no station can be loaded beyond capacity
/// (approximate MVA may overshoot slightly near saturation, which is a property of the method).
inline void check_operational_laws(const Network& net, const Solution& s, double tol = 1e-9,
                                   bool exact = true) {
  const int classes = net.class_count(), stations = net.station_count();
  REQUIRE(s.mean_jobs.rows() == classes);
  REQUIRE(s.mean_jobs.cols() == stations);
  CHECK(s.mean_jobs.allFinite());
  CHECK(s.residence_time_s.allFinite());
  CHECK(s.utilization.allFinite());
  CHECK(s.class_throughput_per_s.allFinite());
  CHECK((s.mean_jobs.array() >= 0).all());
  for (int c = 0; c < classes; ++c) {
    const double x = s.class_throughput_per_s(c);
    const double n = static_cast<double>(net.classes[c].population);
    // Little's law over the whole cycle: N_c = X_c (Z_c + R_c).
    CHECK(x * (net.classes[c].think_time_s + s.class_response_time_s(c)) ==
          doctest::Approx(n).epsilon(tol));
    CHECK(s.mean_jobs.row(c).sum() + x * net.classes[c].think_time_s ==
          doctest::Approx(n).epsilon(tol));
    for (int k = 0; k < stations; ++k) {
      CHECK(s.mean_jobs(c, k) ==
            doctest::Approx(x * s.residence_time_s(c, k)).epsilon(tol));  // Little
      CHECK(s.throughput_per_s(c, k) ==
            doctest::Approx(x * net.visits(c, k)).epsilon(tol));  // forced flow
      if (net.stations[k].kind == StationKind::queue) {
        const double capacity = net.stations[k].load_dependent()
                                    ? *std::max_element(net.stations[k].rate_multipliers.begin(),
                                                        net.stations[k].rate_multipliers.end())
                                    : net.stations[k].servers;
        CHECK(s.utilization(c, k) ==
              doctest::Approx(x * net.demand_s(c, k) / capacity).epsilon(tol));
      }
    }
  }
  for (int k = 0; k < stations; ++k) {
    if (net.stations[k].kind == StationKind::delay) continue;
    CHECK(s.busy_servers(k) ==
          doctest::Approx((s.class_throughput_per_s.transpose() * net.demand_s.col(k))(0))
              .epsilon(tol));
    if (exact) CHECK(s.station_utilization(k) <= 1.0 + 1e-9);
  }
}

}  // namespace tpeval::test
