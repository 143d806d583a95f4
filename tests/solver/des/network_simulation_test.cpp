// Simulation of whole networks against exact results: M/M/1 and M/M/m closed forms, open product
// form, and exact MVA for closed networks (Reiser & Lavenberg 1980) — the cross-check JMT, Ciw and
// queueing-tool users ask for (peers-and-formulas.md §2 #15).
//
// How agreement is judged: each measure's exact value should lie in its simulated 95 % interval
// about 95 % of the time, and measures of one run are correlated. So every test requires (a) at
// least 80 % of the (non-trivial) measures inside their intervals, and (b) every measure within
// three half-widths (a miss of that size has probability well below 1e-4 for a valid interval;
// it catches a wrong model, not noise). Seeds are fixed, so the outcome is reproducible.
#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

#include "solver/des/network_simulation.hpp"
#include "solver/des/random_stream.hpp"
#include "solver/mva/closed.hpp"
#include "solver/open/single_queue.hpp"
#include "solver/parallel/parallel_for.hpp"

using namespace tpeval::solver;
using namespace tpeval::solver::des;

namespace {

Station queue_station(std::string name, int servers = 1, Discipline d = Discipline::fcfs) {
  Station s;
  s.name = std::move(name);
  s.servers = servers;
  s.discipline = d;
  return s;
}
Station delay_station(std::string name) {
  Station s;
  s.name = std::move(name);
  s.kind = StationKind::delay;
  return s;
}
JobClass open_class(std::string name, double rate) {
  JobClass c;
  c.name = std::move(name);
  c.kind = ClassKind::open;
  c.arrival_rate_per_s = rate;
  return c;
}
JobClass closed_class(std::string name, long population, double think_s) {
  JobClass c;
  c.name = std::move(name);
  c.kind = ClassKind::closed;
  c.population = population;
  c.think_time_s = think_s;
  return c;
}

/// Tallies agreement of simulated intervals with exact values (see the file comment).
struct Agreement {
  int measures = 0;
  int inside = 0;
  int far = 0;
  std::vector<std::string> misses;
  void add(const std::string& what, double simulated, double half_width, double exact) {
    if (exact == 0.0 && simulated == 0.0) return;
    ++measures;
    const double error = std::abs(simulated - exact);
    if (error <= half_width) {
      ++inside;
    } else {
      misses.push_back(what + ": simulated " + std::to_string(simulated) + " +- " +
                       std::to_string(half_width) + ", exact " + std::to_string(exact));
      if (error > 3 * half_width) ++far;
    }
  }
  void add_all(const Network& n, const SimulationResult& r, const Solution& exact) {
    for (int c = 0; c < n.class_count(); ++c) {
      const std::string cn = n.classes[c].name;
      add("X " + cn, r.solution.class_throughput_per_s(c), r.class_throughput_half_width(c),
          exact.class_throughput_per_s(c));
      add("R " + cn, r.solution.class_response_time_s(c), r.class_response_time_half_width(c),
          exact.class_response_time_s(c));
      for (int k = 0; k < n.station_count(); ++k) {
        const std::string w = cn + "@" + n.stations[k].name;
        add("X " + w, r.solution.throughput_per_s(c, k), r.throughput_half_width(c, k),
            exact.throughput_per_s(c, k));
        add("U " + w, r.solution.utilization(c, k), r.utilization_half_width(c, k),
            exact.utilization(c, k));
        add("Q " + w, r.solution.mean_jobs(c, k), r.mean_jobs_half_width(c, k),
            exact.mean_jobs(c, k));
        add("R " + w, r.solution.residence_time_s(c, k), r.residence_time_half_width(c, k),
            exact.residence_time_s(c, k));
      }
    }
  }
  void check() const {
    for (const auto& m : misses) MESSAGE(m);
    CHECK(measures > 0);
    CHECK(inside >= 0.8 * measures);
    CHECK(far == 0);
  }
  /// Only (b): for a single small network, whose few measures are strongly correlated (one
  /// unlucky run moves them together), a coverage fraction says little.
  void check_no_far_miss() const {
    for (const auto& m : misses) MESSAGE(m);
    CHECK(measures > 0);
    CHECK(far == 0);
  }
};

/// Open product form by hand: per station an M/M/m (FCFS with class-independent service, or PS
/// with any demands, whose queue-length distribution is the same) or M/M/inf; class shares of the
/// mean jobs in proportion to the offered load (BCMP; Lazowska et al. QSP ch. 7).
Solution open_product_form(const Network& n) {
  const int C = n.class_count(), K = n.station_count();
  Solution s;
  s.throughput_per_s = Eigen::MatrixXd::Zero(C, K);
  s.utilization = Eigen::MatrixXd::Zero(C, K);
  s.mean_jobs = Eigen::MatrixXd::Zero(C, K);
  s.residence_time_s = Eigen::MatrixXd::Zero(C, K);
  s.class_throughput_per_s = Eigen::VectorXd::Zero(C);
  s.class_response_time_s = Eigen::VectorXd::Zero(C);
  for (int k = 0; k < K; ++k) {
    double load = 0.0;
    for (int c = 0; c < C; ++c) load += n.classes[c].arrival_rate_per_s * n.demand_s(c, k);
    const Station& st = n.stations[k];
    const double jobs =
        st.kind == StationKind::delay ? load : open::mmm(load, 1.0, st.servers).mean_jobs_in_system;
    for (int c = 0; c < C; ++c) {
      const double lc = n.classes[c].arrival_rate_per_s;
      const double share = load > 0 ? lc * n.demand_s(c, k) / load : 0.0;
      s.throughput_per_s(c, k) = lc * n.visits(c, k);
      s.utilization(c, k) =
          st.kind == StationKind::delay ? 0.0 : lc * n.demand_s(c, k) / st.servers;
      s.mean_jobs(c, k) = jobs * share;
      s.residence_time_s(c, k) = lc > 0 ? s.mean_jobs(c, k) / lc : 0.0;
    }
  }
  for (int c = 0; c < C; ++c) {
    s.class_throughput_per_s(c) = n.classes[c].arrival_rate_per_s;
    s.class_response_time_s(c) = s.residence_time_s.row(c).sum();
  }
  return s;
}

/// A random product-form network: FCFS stations get one service time for all classes (BCMP),
/// PS and delay stations any demands. Structure drawn from a RandomStream (platform-independent).
Network random_network(std::uint64_t key, bool open) {
  RandomStream rs(key);
  const auto uniform = [&](double lo, double hi) { return lo + (hi - lo) * rs.uniform01(); };
  const auto pick = [&](int n) {
    return static_cast<int>(rs.next_u64() % static_cast<std::uint64_t>(n));
  };
  Network n;
  const int C = 1 + pick(2);
  const int K = 2 + pick(3);
  for (int k = 0; k < K; ++k) {
    const int type = k == 0 ? 0 : pick(4);  // 0 FCFS 1 server, 1 FCFS multi, 2 PS, 3 delay
    if (type == 0) n.stations.push_back(queue_station("q" + std::to_string(k)));
    if (type == 1) n.stations.push_back(queue_station("m" + std::to_string(k), 2 + pick(2)));
    if (type == 2)
      n.stations.push_back(queue_station("ps" + std::to_string(k), 1 + pick(2), Discipline::ps));
    if (type == 3) n.stations.push_back(delay_station("d" + std::to_string(k)));
  }
  n.visits = Eigen::MatrixXd::Zero(C, K);
  n.demand_s = Eigen::MatrixXd::Zero(C, K);
  std::vector<double> fcfs_service(K);
  for (int k = 0; k < K; ++k) fcfs_service[k] = uniform(0.05, 0.3);
  for (int c = 0; c < C; ++c) {
    for (int k = 0; k < K; ++k) {
      n.visits(c, k) = k == 0 ? uniform(0.5, 2.0) : uniform(0.0, 3.0);
      const bool fcfs =
          n.stations[k].kind == StationKind::queue && n.stations[k].discipline == Discipline::fcfs;
      n.demand_s(c, k) = n.visits(c, k) * (fcfs ? fcfs_service[k] : uniform(0.05, 0.3));
    }
    n.classes.push_back(
        open ? open_class("c" + std::to_string(c), 1.0)
             : closed_class("c" + std::to_string(c), 1 + pick(5), uniform(0.0, 2.0)));
  }
  if (open) {
    // Scale the arrival rates so the busiest queueing station runs at 50-75 % per server.
    double worst = 0.0;
    for (int k = 0; k < K; ++k) {
      if (n.stations[k].kind == StationKind::delay) continue;
      worst = std::max(worst, n.demand_s.col(k).sum() / n.stations[k].servers);
    }
    const double target = uniform(0.5, 0.75);
    for (auto& c : n.classes) c.arrival_rate_per_s = target / worst;
  }
  validate(n);
  return n;
}

}  // namespace

TEST_CASE("des network: M/M/1 against the closed form R = S / (1 - rho)") {
  Network n;
  n.stations = {queue_station("server")};
  n.classes = {open_class("jobs", 0.8)};
  n.demand_s = Eigen::MatrixXd::Constant(1, 1, 1.0);
  n.visits = Eigen::MatrixXd::Constant(1, 1, 1.0);
  SimulationOptions o;
  o.seed = 11;
  o.precision = 0.01;
  const SimulationResult r = simulate_network(n, o);
  CHECK(r.precision_reached);
  CHECK(r.interval_method == "batch means");
  CHECK(r.widest_relative_half_width <= 0.01);
  Agreement a;
  a.add_all(n, r, open_product_form(n));
  a.check();
  // Kleinrock vol. 1 §3.2: N = rho / (1 - rho) = 4, R = 5 s.
  CHECK(std::abs(r.solution.class_response_time_s(0) - 5.0) <=
        3 * r.class_response_time_half_width(0));
  CHECK(r.solution.station_utilization(0) == doctest::Approx(0.8).epsilon(0.02));
}

TEST_CASE("des network: M/M/3 against Erlang C, and the FCFS/PS queue-length equivalence") {
  for (const Discipline d : {Discipline::fcfs, Discipline::ps}) {
    Network n;
    n.stations = {queue_station("pool", 3, d)};
    n.classes = {open_class("jobs", 2.4)};
    n.demand_s = Eigen::MatrixXd::Constant(1, 1, 1.0);
    n.visits = Eigen::MatrixXd::Constant(1, 1, 1.0);
    SimulationOptions o;
    o.seed = 5;
    o.precision = 0.01;
    const SimulationResult r = simulate_network(n, o);
    CHECK(r.precision_reached);
    const auto exact = open::mmm(2.4, 1.0, 3);
    CAPTURE(static_cast<int>(d));
    // Visits are geometric (mean 1 per job), so the per-job residence time is L / lambda.
    CHECK(std::abs(r.solution.mean_jobs(0, 0) - exact.mean_jobs_in_system) <=
          3 * r.mean_jobs_half_width(0, 0));
    CHECK(std::abs(r.solution.class_response_time_s(0) - exact.mean_jobs_in_system / 2.4) <=
          3 * r.class_response_time_half_width(0));
    CHECK(std::abs(r.solution.station_utilization(0) - 0.8) <=
          3 * r.station_utilization_half_width(0));
  }
}

TEST_CASE("des network: random open product-form networks agree with the open formulas") {
  Agreement a;
  for (std::uint64_t key = 1; key <= 5; ++key) {
    const Network n = random_network(key, true);
    SimulationOptions o;
    o.seed = 100 + key;
    o.precision = 0.02;
    const SimulationResult r = simulate_network(n, o);
    CHECK(r.precision_reached);
    a.add_all(n, r, open_product_form(n));
  }
  a.check();
}

TEST_CASE("des network: random closed networks (multi-server, delay, PS) agree with exact MVA") {
  Agreement a;
  for (std::uint64_t key = 1; key <= 6; ++key) {
    const Network n = random_network(1000 + key, false);
    SimulationOptions o;
    o.seed = 200 + key;
    o.precision = 0.02;
    const SimulationResult r = simulate_network(n, o);
    CHECK(r.precision_reached);
    ClosedOptions exact_options;
    exact_options.method = ClosedMethod::exact;
    a.add_all(n, r, solve_closed(n, exact_options));
  }
  a.check();
}

TEST_CASE("des network: load-dependent station (rate multipliers) against exact MVA") {
  // Bolch et al. Ex. 8.4 shape with the 2-server station written as load-dependent alpha = (1, 2).
  Network n;
  n.stations = {queue_station("ld"), queue_station("disk"), delay_station("term")};
  n.stations[0].rate_multipliers = {1.0, 2.0};
  n.classes = {closed_class("users", 3, 0.0)};
  n.visits = Eigen::MatrixXd{{1.0, 0.5, 1.0}};
  n.demand_s = Eigen::MatrixXd{{0.5, 0.3, 1.0}};
  SimulationOptions o;
  o.seed = 9;
  o.precision = 0.01;
  const SimulationResult r = simulate_network(n, o);
  CHECK(r.precision_reached);
  ClosedOptions exact_options;
  exact_options.method = ClosedMethod::exact;
  Agreement a;
  a.add_all(n, r, solve_closed(n, exact_options));
  a.check();
}

TEST_CASE("des network: same seed gives bit-identical results, another seed differs") {
  const Network n = random_network(1003, false);
  SimulationOptions o;
  o.seed = 77;
  o.precision = 0.05;
  const SimulationResult a = simulate_network(n, o);
  const SimulationResult b = simulate_network(n, o);
  CHECK(a.solution.mean_jobs == b.solution.mean_jobs);
  CHECK(a.mean_jobs_half_width == b.mean_jobs_half_width);
  CHECK(a.solution.class_response_time_s == b.solution.class_response_time_s);
  CHECK(a.events == b.events);
  o.seed = 78;
  const SimulationResult c = simulate_network(n, o);
  CHECK(a.solution.mean_jobs != c.solution.mean_jobs);
}

TEST_CASE("des network: parallel replications equal sequential ones") {
  const Network n = random_network(3, true);
  SimulationOptions o;
  o.seed = 4;
  o.precision = 0.03;
  o.replications = 6;
  o.threads = 1;
  const SimulationResult sequential = simulate_network(n, o);
  o.threads = 3;
  const SimulationResult parallel = simulate_network(n, o);
  CHECK(sequential.interval_method == "independent replications");
  CHECK(sequential.batches == 6);
  CHECK(sequential.solution.mean_jobs == parallel.solution.mean_jobs);
  CHECK(sequential.residence_time_half_width == parallel.residence_time_half_width);
  CHECK(sequential.simulated_time_s == parallel.simulated_time_s);
  CHECK(sequential.truncated_observations == parallel.truncated_observations);
  Agreement a;
  a.add_all(n, sequential, open_product_form(n));
  a.check_no_far_miss();
}

TEST_CASE("des network: 95 % intervals cover the true M/M/1 response time in >= 93 % of 500 runs" *
          doctest::timeout(600)) {
  // 500 independent runs of M/M/1 at rho = 0.8 (R = 1 / (1 - rho) = 5 s) with the tools' method
  // (batch means, MSER-5 warm-up fixed once trusted, independence check, confirmed stop; see
  // solver/des/run_until_precise.hpp) at precision 0.1 to keep the test short; count the runs
  // whose interval holds the exact R. Measured 2026-11-30 (seeds 1000-1499): 472/500 = 94.4 %,
  // mean relative error -0.31 %; with a plain t quantile 92.4 % (29 of 38 misses low); before the
  // driver 84.5 % of 200 runs (docs/simulation.md "Interval coverage"). With 500 runs the standard
  // error of the coverage is about 1 %, so 93 % separates a valid 95 % method from one that
  // under-covers. Cost: about 22 s CPU in release, on all cores.
  Network n;
  n.stations = {queue_station("server")};
  n.classes = {open_class("jobs", 0.8)};
  n.demand_s = Eigen::MatrixXd::Constant(1, 1, 1.0);
  n.visits = Eigen::MatrixXd::Constant(1, 1, 1.0);
  const double exact = open::mm1(0.8, 1.0).mean_jobs_in_system / 0.8;
  constexpr std::size_t runs = 500;
  std::vector<char> covered(runs, 0);
  std::vector<double> relative_error(runs, 0.0);
  // One run per thread (each single-threaded and seeded by its index): the result does not depend
  // on the schedule.
  parallel_for(runs, 0, [&](std::size_t i) {
    SimulationOptions o;
    o.seed = 1000 + i;
    o.precision = 0.1;
    o.threads = 1;
    const SimulationResult r = simulate_network(n, o);
    covered[i] = std::abs(r.solution.class_response_time_s(0) - exact) <=
                 r.class_response_time_half_width(0);
    relative_error[i] = r.solution.class_response_time_s(0) / exact - 1.0;
  });
  int inside = 0;
  double bias = 0.0;
  for (std::size_t i = 0; i < runs; ++i) {
    inside += covered[i];
    bias += relative_error[i] / runs;
  }
  MESSAGE("M/M/1 rho = 0.8, precision 0.1, batch means: coverage of 95 % intervals "
          << inside << "/" << runs << " = " << 100.0 * inside / runs << " %, mean relative error "
          << 100.0 * bias << " %");
  CHECK(inside >= 465);  // 93 %
}

TEST_CASE("des network: impossible runs are refused with a reason, and every run is bounded") {
  Network n;
  n.stations = {queue_station("cpu")};
  n.classes = {open_class("jobs", 1.2)};
  n.demand_s = Eigen::MatrixXd::Constant(1, 1, 1.0);
  n.visits = Eigen::MatrixXd::Constant(1, 1, 1.0);
  const auto message = [](const Network& net, const SimulationOptions& o) -> std::string {
    try {
      simulate_network(net, o);
    } catch (const SimulationError& e) {
      return e.what();
    }
    return "no error";
  };
  CHECK(message(n, {}).find("unstable: the open classes load station 'cpu' to utilization 1.2") ==
        0);
  n.classes[0].arrival_rate_per_s = 0.0;
  CHECK(message(n, {}).find("nothing to simulate") == 0);
  n.classes[0] = closed_class("users", 2, 0.0);
  n.demand_s(0, 0) = 0.0;
  CHECK(message(n, {}).find("closed class 'users' has zero think time and zero demand") == 0);

  // Max time shorter than the first observation window: refused, naming the limit.
  n.classes[0] = open_class("jobs", 0.5);
  n.demand_s(0, 0) = 1.0;
  SimulationOptions short_time;
  short_time.max_time_s = 50.0;
  CHECK(message(n, short_time).find("max time (50 s) too small to form confidence intervals") == 0);

  // Max time enough for intervals but not for the precision: a result, flagged.
  SimulationOptions tight;
  tight.precision = 1e-4;
  tight.max_time_s = 20000.0;
  const SimulationResult r = simulate_network(n, tight);
  CHECK_FALSE(r.precision_reached);
  CHECK(r.stop_reason.find("stopped at max time (2e+04 s) before reaching precision") == 0);
  CHECK(r.simulated_time_s[0] <= 20000.0);

  // An event budget bounds the run too.
  SimulationOptions few_events;
  few_events.precision = 1e-4;
  few_events.max_events = 300'000;
  const SimulationResult e = simulate_network(n, few_events);
  CHECK_FALSE(e.precision_reached);
  CHECK(e.events <= 300'000);
  CHECK(e.stop_reason.find("stopped at max events (300000)") == 0);
}
