#include <doctest/doctest.h>

#include <cmath>
#include <string>

#include "solver/open/open_network.hpp"
#include "solver/open/single_queue.hpp"
#include "solver/solve.hpp"

using namespace tpeval::solver;

namespace {

Station queue(std::string name, int servers = 1, Discipline discipline = Discipline::fcfs) {
  Station s;
  s.name = std::move(name);
  s.servers = servers;
  s.discipline = discipline;
  return s;
}

JobClass open_class(std::string name, double rate) {
  JobClass c;
  c.name = std::move(name);
  c.kind = ClassKind::open;
  c.arrival_rate_per_s = rate;
  return c;
}

/// Network from class x station visits and per-visit service times.
Network make_network(std::vector<Station> stations, std::vector<JobClass> classes,
                     const Eigen::MatrixXd& visits, const Eigen::MatrixXd& service_s) {
  Network n;
  n.stations = std::move(stations);
  n.classes = std::move(classes);
  n.visits = visits;
  n.demand_s = visits.cwiseProduct(service_s);
  return n;
}

void check_little(const Network& n, const Solution& s) {
  for (int c = 0; c < n.class_count(); ++c) {
    for (int k = 0; k < n.station_count(); ++k)
      CHECK(s.mean_jobs(c, k) ==
            doctest::Approx(s.class_throughput_per_s(c) * s.residence_time_s(c, k)).epsilon(1e-12));
    CHECK(s.mean_jobs.row(c).sum() ==
          doctest::Approx(s.class_throughput_per_s(c) * s.class_response_time_s(c)).epsilon(1e-12));
    CHECK(std::isfinite(s.class_response_time_s(c)));
  }
}

}  // namespace

TEST_CASE("open_network: T11, Lazowska et al. QSP p.113 (qnos.m test)") {
  // lambda = 0.3 /s; V = [121, 70, 50]; S = [.005, .03, .027] s. Published: U_1 = 0.182,
  // X_1 = 36.3 /s, Q_1 = 0.222; Little's law holds at every station.
  Eigen::MatrixXd v(1, 3), s(1, 3);
  v << 121, 70, 50;
  s << 0.005, 0.03, 0.027;
  const Network n =
      make_network({queue("cpu"), queue("disk1"), queue("disk2")}, {open_class("tx", 0.3)}, v, s);
  const Solution sol = solve_open(n);
  CHECK(sol.method == "open-product-form");
  CHECK(std::fabs(sol.station_utilization(0) - 0.182) <= 0.0005 + 1e-12);
  CHECK(sol.throughput_per_s(0, 0) == doctest::Approx(36.3));
  CHECK(std::fabs(sol.mean_jobs(0, 0) - 0.222) <= 0.0005);
  // Every station is an M/M/1 queue with the station's visit rate and service time.
  for (int k = 0; k < 3; ++k) {
    const auto mm1 = open::mm1(0.3 * v(0, k), s(0, k));
    CHECK(sol.station_utilization(k) == doctest::Approx(mm1.utilization));
    CHECK(sol.mean_jobs(0, k) == doctest::Approx(mm1.mean_jobs_in_system));
    CHECK(sol.response_time_per_visit_s(n, 0, k) == doctest::Approx(mm1.response_time_s));
  }
  check_little(n, sol);
  CHECK(sol.warnings.empty());
}

TEST_CASE("open_network: multi-class PS multi-server station splits the M/M/m totals") {
  Eigen::MatrixXd v(2, 2), s(2, 2);
  v << 1, 2, 1, 0;
  s << 0.2, 0.05, 0.5, 0.0;
  Station delay;
  delay.name = "think";
  delay.kind = StationKind::delay;
  const Network n = make_network({queue("app", 4, Discipline::ps), delay},
                                 {open_class("a", 6.0), open_class("b", 3.0)}, v, s);
  const Solution sol = solve(n);
  // Station totals: M/M/4 with offered load 6 * 0.2 + 3 * 0.5 = 2.7.
  const double load = 2.7;
  const auto mmm = open::mmm(1.0, load, 4);  // same queue-length law, time unit scaled
  CHECK(sol.busy_servers(0) == doctest::Approx(load));
  CHECK(sol.station_utilization(0) == doctest::Approx(load / 4));
  CHECK(sol.mean_jobs.col(0).sum() == doctest::Approx(mmm.mean_jobs_in_system));
  // Shares in proportion to the demands.
  CHECK(sol.mean_jobs(0, 0) / sol.mean_jobs(1, 0) == doctest::Approx(1.2 / 1.5));
  // Delay: R = D, no utilization.
  CHECK(sol.residence_time_s(0, 1) == doctest::Approx(0.1));
  CHECK(sol.station_utilization(1) == 0.0);
  CHECK(sol.busy_servers(1) == doctest::Approx(0.6));
  check_little(n, sol);
  CHECK(sol.warnings.empty());  // PS is product form with class-dependent service times
}

TEST_CASE("open_network: FCFS with class-dependent service times is flagged") {
  Eigen::MatrixXd v(2, 1), s(2, 1);
  v << 1, 1;
  s << 0.1, 0.3;
  const Network n =
      make_network({queue("disk")}, {open_class("a", 1.0), open_class("b", 1.0)}, v, s);
  const Solution sol = solve(n);
  REQUIRE(sol.warnings.size() == 1);
  CHECK(sol.warnings[0].find("not product form") != std::string::npos);
  check_little(n, sol);
}

TEST_CASE("open_network: load-dependent station equals the M/M/m it describes") {
  Eigen::MatrixXd v(1, 1), s(1, 1);
  v << 1;
  s << 0.5;
  Station ld = queue("pool");
  ld.rate_multipliers = {1, 2, 3};
  const Network with_ld = make_network({ld}, {open_class("x", 5.0)}, v, s);
  const Network with_m = make_network({queue("pool", 3)}, {open_class("x", 5.0)}, v, s);
  const Solution a = solve(with_ld), b = solve(with_m);
  CHECK(a.mean_jobs(0, 0) == doctest::Approx(b.mean_jobs(0, 0)).epsilon(1e-12));
  CHECK(a.residence_time_s(0, 0) == doctest::Approx(b.residence_time_s(0, 0)).epsilon(1e-12));
  // M/M/1 as a one-entry multiplier list; p(0) = 1 - rho.
  const auto single = open::load_dependent_queue({1.0}, 0.6);
  CHECK(single.mean_jobs == doctest::Approx(0.6 / 0.4));
  CHECK(single.probability_empty == doctest::Approx(0.4));
  // Long multiplier lists with large terms do not overflow.
  std::vector<double> slow(2000, 0.01);
  slow.push_back(1.0);
  const auto big = open::load_dependent_queue(slow, 0.5);
  CHECK(std::isfinite(big.mean_jobs));
  CHECK(big.mean_jobs > 1990);
  check_little(with_ld, a);
}

TEST_CASE("open_network: non-exponential FCFS single server uses Pollaczek-Khinchine") {
  Eigen::MatrixXd v(1, 1), s(1, 1);
  v << 2;
  s << 0.1;
  Network n = make_network({queue("disk")}, {open_class("x", 3.0)}, v, s);
  n.stations[0].service_scv = 0.0;
  const Solution sol = solve(n);
  const auto md1 = open::mg1(6.0, 0.1, 0.0);
  CHECK(sol.response_time_per_visit_s(n, 0, 0) == doctest::Approx(md1.response_time_s));
  REQUIRE(sol.warnings.size() == 1);
  CHECK(sol.warnings[0].find("Pollaczek") != std::string::npos);
  check_little(n, sol);
  // The same station with PS is insensitive to the service distribution.
  n.stations[0].discipline = Discipline::ps;
  const Solution ps = solve(n);
  CHECK(ps.response_time_per_visit_s(n, 0, 0) ==
        doctest::Approx(open::mm1(6.0, 0.1).response_time_s));
  CHECK(ps.warnings.empty());
}

TEST_CASE("open_network: stability report and the unstable-network exception") {
  Eigen::MatrixXd v(2, 2), s(2, 2);
  v << 1, 1, 1, 1;
  s << 0.1, 0.2, 0.1, 0.3;
  // cpu: 5 * 0.1 + 2.5 * 0.1 = 0.75 of 2 servers; disk: 5 * 0.2 + 2.5 * 0.3 = 1.75 -> 1.75 / 1.
  const Network n = make_network({queue("cpu", 2), queue("disk")},
                                 {open_class("a", 5.0), open_class("b", 2.5)}, v, s);
  const OpenStability st = open_stability(n);
  CHECK_FALSE(st.stable);
  CHECK(st.bottleneck_name == "disk");
  CHECK(st.bottleneck_station == 1);
  CHECK(st.bottleneck_utilization == doctest::Approx(1.75));
  CHECK(st.max_arrival_factor == doctest::Approx(1 / 1.75));
  CHECK(st.open_utilization(0) == doctest::Approx(0.375));
  try {
    solve(n);
    FAIL("an unstable network was solved");
  } catch (const UnstableNetwork& e) {
    CHECK(e.station_name() == "disk");
    CHECK(e.utilization() == doctest::Approx(1.75));
    CHECK(std::string(e.what()) ==
          "unstable network: station 'disk' would be saturated (utilization 1.75); arrival rates "
          "can be at most 0.5714 times the given ones");
  }
  // Scaling by just under / over the reported factor flips stability.
  for (double scale : {0.999, 1.001}) {
    Network scaled = n;
    for (auto& c : scaled.classes) c.arrival_rate_per_s *= st.max_arrival_factor * scale;
    CHECK(open_stability(scaled).stable == (scale < 1));
    if (scale < 1) check_little(scaled, solve(scaled));
  }
  // Exactly saturated is unstable too.
  Network exact = n;
  for (auto& c : exact.classes) c.arrival_rate_per_s /= 1.75;
  CHECK_THROWS_AS(solve(exact), UnstableNetwork);
}
