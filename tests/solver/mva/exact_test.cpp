// Exact MVA (single-class and lattice) against textbook models and an independent CTMC.
#include <doctest/doctest.h>

#include <boost/multiprecision/cpp_bin_float.hpp>

#include "solver/mva/closed.hpp"
#include "solver/mva/exact_multi.hpp"
#include "solver/mva/exact_single.hpp"
#include "tests/solver/mva/mva_test_support.hpp"

using namespace tpeval::solver;
using tpeval::test::check_operational_laws;
using tpeval::test::delay_station;
using tpeval::test::numbered;
using tpeval::test::queue_station;
using tpeval::test::random_network;
using tpeval::test::RandomNetworkOptions;
using tpeval::test::solve_ctmc;

namespace {

Network network_of(const std::vector<double>& service_s, const std::vector<double>& visits,
                   const std::vector<int>& servers, long population, double think_s) {
  Network net;
  const int k_count = static_cast<int>(service_s.size());
  net.demand_s.resize(1, k_count);
  net.visits.resize(1, k_count);
  for (int k = 0; k < k_count; ++k) {
    Station s;
    s.name = numbered("s", k);
    if (servers[k] == 0)
      s.kind = StationKind::delay;
    else
      s.servers = servers[k];
    net.stations.push_back(s);
    net.demand_s(0, k) = service_s[k] * visits[k];
    net.visits(0, k) = visits[k];
  }
  net.classes.push_back({"c", ClassKind::closed, 0.0, population, think_s});
  return net;
}

}  // namespace

TEST_CASE("exact mva: T1 Bolch et al. 2nd ed. Example 8.3 p.331 (single class, 4 single servers)") {
  // peers-and-formulas.md §3.8 T1; published to 3 decimals (also the qncsmva.m test).
  const Network net = network_of({.02, .2, .4, .6}, {1, .4, .2, .1}, {1, 1, 1, 1}, 6, 0.0);
  for (const Solution& s :
       {solve_exact_single(net, 0), solve_exact_multi(net), solve_closed(net)}) {
    const double u[] = {.198, .794, .794, .595}, r[] = {.025, .570, 1.140, 1.244},
                 q[] = {.244, 2.261, 2.261, 1.234}, x[] = {9.920, 3.968, 1.984, .992};
    for (int k = 0; k < 4; ++k) {
      CHECK(std::abs(s.station_utilization(k) - u[k]) <= 5e-4);
      CHECK(std::abs(s.response_time_per_visit_s(net, 0, k) - r[k]) <= 5e-4);
      CHECK(std::abs(s.mean_jobs(0, k) - q[k]) <= 5e-4);
      CHECK(std::abs(s.throughput_per_s(0, k) - x[k]) <= 5e-4);
    }
    check_operational_laws(net, s);
  }
}

TEST_CASE("exact mva: T3 Gunther PPA 1998 ch.2 closed1.c (time-share, N=100, Z=300 s, D=0.63 s)") {
  const Network net = network_of({0.63}, {1}, {1}, 100, 300.0);
  const Solution s = solve_closed(net);
  CHECK(std::abs(s.class_throughput_per_s(0) - 0.3325) <= 5e-5);
  CHECK(std::abs(s.class_response_time_s(0) - 0.7943) <= 5e-5);
  CHECK(std::abs(100 * s.station_utilization(0) - 20.9445) <= 5e-5);  // published in percent
  check_operational_laws(net, s);
}

TEST_CASE("exact mva: T5 Lazowska et al. QSP p.142 two-class model (exact fractions)") {
  Network net;
  net.stations = {queue_station("cpu"), queue_station("disk")};
  net.classes = {{"a", ClassKind::closed, 0, 1, 0}, {"b", ClassKind::closed, 0, 1, 0}};
  net.visits.resize(2, 2);
  net.visits << 10, 9, 5, 4;
  Eigen::MatrixXd service(2, 2);
  service << .1, 1.0 / 3, .4, 1;
  net.demand_s = service.cwiseProduct(net.visits);
  const Solution s = solve_exact_multi(net);
  CHECK(s.class_throughput_per_s(0) == doctest::Approx(3.0 / 19).epsilon(1e-12));
  CHECK(s.class_throughput_per_s(1) == doctest::Approx(2.0 / 19).epsilon(1e-12));
  const double q[2][2] = {{4.0 / 19, 15.0 / 19}, {5.0 / 19, 14.0 / 19}};
  const double r[2][2] = {{4.0 / 3, 5}, {5.0 / 2, 7}};
  for (int c = 0; c < 2; ++c)
    for (int k = 0; k < 2; ++k) {
      CHECK(s.mean_jobs(c, k) == doctest::Approx(q[c][k]).epsilon(1e-12));
      CHECK(s.residence_time_s(c, k) == doctest::Approx(r[c][k]).epsilon(1e-12));
    }
  check_operational_laws(net, s);
}

TEST_CASE("exact mva: T7 Bolch et al. Example 8.4 p.333 (2-server station and a delay)") {
  const Network net = network_of({.5, .6, .8, 1}, {1, .5, .5, 1}, {2, 1, 1, 0}, 3, 0.0);
  const double q[] = {.624, .473, .686, 1.217};
  for (const Solution& s : {solve_exact_single(net, 0), solve_exact_multi(net)}) {
    for (int k = 0; k < 4; ++k) CHECK(std::abs(s.mean_jobs(0, k) - q[k]) <= 5e-4);
    // Published X = [1.218, .609, .609, 1.218]; the note's own recomputation gives X0 = 1.217(5)
    // and Q4 = X0 D4 = 1.217, so the published 1.218 is rounded up: accept one unit of the last
    // digit.
    const double x[] = {1.218, .609, .609, 1.218};
    for (int k = 0; k < 4; ++k) CHECK(std::abs(s.throughput_per_s(0, k) - x[k]) <= 1e-3);
    check_operational_laws(net, s);
  }
}

TEST_CASE("exact mva: single-class solver matches a brute-force CTMC on random networks") {
  std::mt19937_64 rng(20261121);
  RandomNetworkOptions o;
  o.max_classes = 1;
  o.max_population = 6;
  o.max_stations = 5;
  for (int trial = 0; trial < 60; ++trial) {
    const Network net = random_network(rng, o);
    const auto ref = solve_ctmc(net);
    const Solution s = solve_exact_single(net, 0);
    CAPTURE(trial);
    CHECK(s.class_throughput_per_s(0) == doctest::Approx(ref.throughput(0)).epsilon(1e-9));
    for (int k = 0; k < net.station_count(); ++k)
      CHECK(s.mean_jobs(0, k) == doctest::Approx(ref.mean_jobs(0, k)).epsilon(1e-9).scale(1));
    check_operational_laws(net, s);
  }
}

TEST_CASE("exact mva: lattice solver matches a brute-force CTMC on random multi-class networks") {
  std::mt19937_64 rng(42);
  RandomNetworkOptions o;  // up to 3 classes x 3 jobs, multi-server, load-dependent, delay
  int multi_class_cases = 0;
  for (int trial = 0; trial < 60; ++trial) {
    const Network net = random_network(rng, o);
    multi_class_cases += net.class_count() > 1;
    const auto ref = solve_ctmc(net);
    CAPTURE(trial);
    for (const Solution& s :
         {solve_exact_multi(net), solve_closed(net, {.method = ClosedMethod::exact})}) {
      for (int c = 0; c < net.class_count(); ++c) {
        CHECK(s.class_throughput_per_s(c) ==
              doctest::Approx(ref.throughput(c)).epsilon(1e-9).scale(1));
        for (int k = 0; k < net.station_count(); ++k)
          CHECK(s.mean_jobs(c, k) == doctest::Approx(ref.mean_jobs(c, k)).epsilon(1e-9).scale(1));
      }
      CHECK(s.warnings.size() == static_cast<std::size_t>(std::count_if(
                                     net.classes.begin(), net.classes.end(),
                                     [](const JobClass& c) { return c.population == 0; })));
      check_operational_laws(net, s);
    }
  }
  CHECK(multi_class_cases >= 20);
}

TEST_CASE("exact mva: no queueing at an m-server station while N <= m (LQNS #373 invariant)") {
  for (int m = 1; m <= 6; ++m)
    for (int n = 1; n <= m; ++n) {
      // Two classes sharing the m-server station and a delay: total population n <= m.
      Network net;
      const Station multi = queue_station("multi", m);
      const Station think = delay_station("think");
      net.stations = {multi, think};
      const long first = (n + 1) / 2, second = n / 2;
      net.classes = {{"a", ClassKind::closed, 0, first, 0},
                     {"b", ClassKind::closed, 0, second, 0.3}};
      net.demand_s.resize(2, 2);
      net.demand_s << 0.7, 0.2, 1.3, 0.0;
      net.visits = Eigen::MatrixXd::Ones(2, 2);
      const Solution s = solve_exact_multi(net);
      CAPTURE(m);
      CAPTURE(n);
      CHECK(s.residence_time_s(0, 0) == doctest::Approx(0.7).epsilon(1e-12));
      if (second > 0) CHECK(s.residence_time_s(1, 0) == doctest::Approx(1.3).epsilon(1e-12));
      Network single = net;
      single.classes[1].population = 0;
      CHECK(solve_exact_single(single, 0).residence_time_s(0, 0) ==
            doctest::Approx(0.7).epsilon(1e-12));
    }
}

namespace {

using Big = boost::multiprecision::cpp_bin_float_50;

/// Independent reference for the stability test: the normalising constant by plain convolution
/// in 50-digit floating point (no logs, no scaling), and the marginal of station `target`.
struct BigReference {
  double throughput;
  std::vector<double> marginal;  ///< p_target(j | N)
};

BigReference big_reference(const Network& net, int target) {
  const long n = net.classes[0].population;
  auto factors = [&](int k) {
    std::vector<Big> f(static_cast<std::size_t>(n + 1));
    f[0] = 1;
    for (long j = 1; j <= n; ++j)
      f[j] = f[j - 1] * Big(net.demand_s(0, k)) /
             Big(net.stations[k].kind == StationKind::delay ? static_cast<double>(j)
                                                            : net.stations[k].rate_multiplier(j));
    return f;
  };
  auto convolve = [&](const std::vector<Big>& g, const std::vector<Big>& f) {
    std::vector<Big> out(g.size(), Big(0));
    for (long a = 0; a <= n; ++a)
      for (long j = 0; j <= a; ++j) out[a] += f[j] * g[a - j];
    return out;
  };
  // The think time is one more delay term, Z^j / j!.
  std::vector<Big> rest(static_cast<std::size_t>(n + 1), Big(0));
  rest[0] = 1;
  for (long j = 1; j <= n; ++j) rest[j] = rest[j - 1] * Big(net.classes[0].think_time_s) / Big(j);
  for (int k = 0; k < net.station_count(); ++k)
    if (k != target) rest = convolve(rest, factors(k));
  const auto f_target = factors(target);
  const auto all = convolve(rest, f_target);
  BigReference r;
  r.throughput = static_cast<double>(all[n - 1] / all[n]);
  for (long j = 0; j <= n; ++j)
    r.marginal.push_back(static_cast<double>(f_target[j] * rest[n - j] / all[n]));
  return r;
}

}  // namespace

TEST_CASE("exact mva: single-class solver is stable for large m and N (Octave NEWS 1.2.2 lesson)") {
  // A 64-server station near saturation plus single-server, 8-server and delay stations: the
  // textbook p(0) = 1 - sum recursion loses all accuracy here (§2 lesson #1).
  Network net;
  net.stations = {queue_station("farm", 64), queue_station("disk"), queue_station("pool", 8),
                  delay_station("net")};
  net.classes = {{"c", ClassKind::closed, 0, 400, 2.0}};
  net.demand_s.resize(1, 4);
  net.demand_s << 6.0, 0.05, 0.6, 0.5;
  net.visits = Eigen::MatrixXd::Ones(1, 4);
  const Solution s = solve_exact_single(net, 0);
  check_operational_laws(net, s);
  const BigReference ref = big_reference(net, 0);
  CHECK(s.class_throughput_per_s(0) == doctest::Approx(ref.throughput).epsilon(1e-10));
  double q_ref = 0;
  for (std::size_t j = 0; j < ref.marginal.size(); ++j) q_ref += j * ref.marginal[j];
  CHECK(s.mean_jobs(0, 0) == doctest::Approx(q_ref).epsilon(1e-10));
  CHECK(s.station_utilization(0) > 0.9);  // the farm really is loaded
  CHECK((s.mean_jobs.array() >= 0).all());
  CHECK(s.busy_servers(0) <= 64.0 * (1 + 1e-12));
  // The lattice solver uses Reiser's p(0) subtraction; it must at least say so when it goes wrong.
  const Solution lattice = solve_exact_multi(net);
  const bool lattice_accurate =
      std::abs(lattice.class_throughput_per_s(0) - ref.throughput) <= 1e-8 * ref.throughput;
  CHECK((lattice_accurate || (!lattice.warnings.empty() && !lattice.converged)));
  MESSAGE("lattice (Reiser p(0)) solver on this model: X = " << lattice.class_throughput_per_s(0)
                                                             << " vs " << ref.throughput);

  // Two classes on the same network: solve_closed must not hand out the unstable lattice numbers.
  Network two = net;
  two.classes = {{"a", ClassKind::closed, 0, 150, 2.0}, {"b", ClassKind::closed, 0, 150, 2.0}};
  two.demand_s.resize(2, 4);
  two.demand_s << 6.0, 0.05, 0.6, 0.5, 6.0, 0.05, 0.6, 0.5;
  two.visits = Eigen::MatrixXd::Ones(2, 4);
  const Solution guarded = solve_closed(two, {.method = ClosedMethod::exact});
  if (!solve_exact_multi(two).converged) {
    CHECK(guarded.method == "linearizer");
    CHECK(guarded.warnings.front().find("unstable") != std::string::npos);
  }
  CHECK((guarded.class_throughput_per_s.array() > 0).all());
  check_operational_laws(two, guarded, 1e-9, guarded.method == "exact-mva");
  // Identical classes split the single-class throughput evenly (up to Seidmann's approximation).
  CHECK(guarded.class_throughput_per_s.sum() ==
        doctest::Approx(solve_exact_single(Network{net.stations,
                                                   {{"c", ClassKind::closed, 0, 300, 2.0}},
                                                   net.demand_s,
                                                   net.visits},
                                           0)
                            .class_throughput_per_s(0))
            .epsilon(0.02));
}

TEST_CASE("exact mva: general load-dependent station at large N matches 50-digit convolution") {
  Network net;
  Station ld = queue_station("ld");
  ld.rate_multipliers = {0.6, 1.5, 2.2, 2.9, 3.1};
  net.stations = {ld, queue_station("cpu"), delay_station("think")};
  net.classes = {{"c", ClassKind::closed, 0, 300, 0}};
  net.demand_s.resize(1, 3);
  net.demand_s << 0.9, 0.25, 20.0;
  net.visits = Eigen::MatrixXd::Ones(1, 3);
  const Solution s = solve_exact_single(net, 0);
  const BigReference ref = big_reference(net, 0);
  CHECK(s.class_throughput_per_s(0) == doctest::Approx(ref.throughput).epsilon(1e-10));
  double q_ref = 0;
  for (std::size_t j = 0; j < ref.marginal.size(); ++j) q_ref += j * ref.marginal[j];
  CHECK(s.mean_jobs(0, 0) == doctest::Approx(q_ref).epsilon(1e-10));
  check_operational_laws(net, s);
}

TEST_CASE("exact mva: zero-population classes get zero throughput and no NaN") {
  Network net;
  net.stations = {queue_station("cpu", 2), queue_station("disk")};
  net.classes = {{"busy", ClassKind::closed, 0, 4, 1.0},
                 {"idle", ClassKind::closed, 0, 0, 1.0},
                 {"other", ClassKind::closed, 0, 2, 0.0}};
  net.demand_s.resize(3, 2);
  net.demand_s << 0.2, 0.3, 0.1, 0.4, 0.5, 0.1;
  net.visits = Eigen::MatrixXd::Ones(3, 2);
  for (const ClosedMethod m :
       {ClosedMethod::exact, ClosedMethod::linearizer, ClosedMethod::schweitzer}) {
    const Solution s = solve_closed(net, {.method = m});
    CHECK(s.class_throughput_per_s(1) == 0.0);
    CHECK(s.mean_jobs.row(1).isZero());
    CHECK(s.class_response_time_s(1) == 0.0);
    check_operational_laws(net, s, 1e-6, m == ClosedMethod::exact);
  }
  Network empty = net;
  for (auto& c : empty.classes) c.population = 0;
  const Solution s = solve_closed(empty);
  CHECK(s.class_throughput_per_s.isZero());
  CHECK(s.utilization.isZero());
}

TEST_CASE("exact mva: throughput_curve equals X(n) of separate solutions and never decreases") {
  Network net;
  net.stations = {queue_station("cpu", 3), queue_station("disk")};
  net.classes = {{"c", ClassKind::closed, 0, 0, 1.5}};
  net.demand_s.resize(1, 2);
  net.demand_s << 0.3, 0.2;
  net.visits = Eigen::MatrixXd::Ones(1, 2);
  const std::vector<double> curve = throughput_curve(net, 40);
  REQUIRE(curve.size() == 40);
  for (long n = 1; n <= 40; ++n) {
    Network at = net;
    at.classes[0].population = n;
    CHECK(curve[n - 1] ==
          doctest::Approx(solve_exact_multi(at).class_throughput_per_s(0)).epsilon(1e-10));
    if (n > 1) CHECK(curve[n - 1] >= curve[n - 2]);
  }
  CHECK(curve.back() <= 1 / 0.2 + 1e-12);  // bounded by the bottleneck (disk)
}

TEST_CASE("exact mva: invalid networks are rejected, not solved") {
  Network net;
  net.stations = {queue_station("cpu")};
  net.classes = {{"c", ClassKind::closed, 0, 3, 0}};
  net.demand_s = Eigen::MatrixXd::Zero(1, 1);
  CHECK_THROWS_AS(solve_closed(net), std::invalid_argument);  // zero demand and zero think time
  net.demand_s(0, 0) = 1;
  net.classes[0].kind = ClassKind::open;
  CHECK_THROWS_AS(solve_closed(net), std::invalid_argument);
  net.classes[0].kind = ClassKind::closed;
  CHECK_THROWS_AS(throughput_curve(net, -1), std::invalid_argument);
}

// mean_jobs_over_population: the station queues of a population-limited subsystem at its
// flow-equivalent server's population distribution (Lazowska et al., QSP §8.4), issue #13.
namespace {

Network mpl_subsystem(int second_cpu_servers) {
  Network net;
  net.stations = {queue_station("cpu", 4), queue_station("disk1"), queue_station("disk2"),
                  delay_station("locks"), queue_station("remote_cpu", second_cpu_servers)};
  net.classes = {{"c", ClassKind::closed, 0, 12, 0.0}};
  net.demand_s.resize(1, 5);
  net.demand_s << 0.026, 0.012, 0.008, 0.004, 0.003;
  net.visits = Eigen::MatrixXd::Ones(1, 5);
  return net;
}

Eigen::VectorXd exact_jobs_at(Network net, long n) {
  net.classes[0].population = n;
  return solve_exact_single(net, 0).mean_jobs.row(0).transpose();
}

}  // namespace

TEST_CASE("exact mva: station queues over a population distribution, one multi-server station") {
  const Network net = mpl_subsystem(1);
  SUBCASE("a point mass at N is exact MVA at N") {
    std::vector<double> p(13, 0.0);
    p[12] = 1.0;
    const std::vector<double> jobs = mean_jobs_over_population(net, 0, p);
    const Eigen::VectorXd exact = exact_jobs_at(net, 12);
    for (int k = 0; k < 5; ++k) CHECK(jobs[k] == doctest::Approx(exact(k)).epsilon(1e-9));
  }
  SUBCASE("a distribution weights the exact queues of each population") {
    std::vector<double> p(13, 0.0);
    p[0] = 0.1, p[3] = 0.2, p[7] = 0.3, p[12] = 0.4;
    const std::vector<double> jobs = mean_jobs_over_population(net, 0, p);
    double total = 0.0;
    for (int k = 0; k < 5; ++k) {
      const double expected = 0.2 * exact_jobs_at(net, 3)(k) + 0.3 * exact_jobs_at(net, 7)(k) +
                              0.4 * exact_jobs_at(net, 12)(k);
      CHECK(jobs[k] == doctest::Approx(expected).epsilon(1e-9));
      total += jobs[k];
    }
    CHECK(total == doctest::Approx(0.2 * 3 + 0.3 * 7 + 0.4 * 12).epsilon(1e-12));
  }
}

TEST_CASE("exact mva: station queues over a population distribution, two multi-server stations") {
  // The second multi-server station (smaller demand) takes Seidmann's split; the larger one
  // holds the rest, so the population is kept exactly and the queues stay close to exact.
  const Network net = mpl_subsystem(2);
  std::vector<double> p(13, 0.0);
  p[5] = 0.5, p[12] = 0.5;
  const std::vector<double> jobs = mean_jobs_over_population(net, 0, p);
  double total = 0.0;
  for (int k = 0; k < 5; ++k) {
    const double exact = 0.5 * exact_jobs_at(net, 5)(k) + 0.5 * exact_jobs_at(net, 12)(k);
    CAPTURE(k);
    CHECK(jobs[k] == doctest::Approx(exact).epsilon(0.02));
    total += jobs[k];
  }
  CHECK(total == doctest::Approx(8.5).epsilon(1e-12));
  CHECK_THROWS_AS(mean_jobs_over_population(net, 0, {}), std::invalid_argument);
}
