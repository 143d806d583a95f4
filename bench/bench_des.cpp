// Speed of the discrete-event simulation core (solver/des). Targets (peers-and-formulas.md §4):
// >= 10^7 calendar events per second, >= 5 million M/M/1 customers per second single-threaded, and
// >= 35x SimPy on the same M/M/1 (bench/run_des.sh runs bench/peers/simpy_mm1.py alongside).
//
//  * BM_CalendarHold: the classic "hold" model — pop the next event, push one at now + Exp(1) —
//    with a calendar of the given size; items = events.
//  * BM_MM1Core: an M/M/1 queue (rho = 0.8) built from the core pieces a simulator uses
//    (Simulation, FcfsStation with its statistics, one RandomStream per source); items = customers.
//  * BM_MM1Network: the same queue through simulate_network() (routing, snapshots, MSER-5, batch
//    means included), run for a fixed event budget; items = services at the station.
#include <benchmark/benchmark.h>

#include <memory>

#include "solver/des/event_calendar.hpp"
#include "solver/des/fcfs_station.hpp"
#include "solver/des/network_simulation.hpp"
#include "solver/des/random_stream.hpp"
#include "solver/des/simulation.hpp"

using namespace tpeval::solver::des;

static void BM_CalendarHold(benchmark::State& state) {
  EventCalendar calendar;
  RandomStream stream(1);
  for (int i = 0; i < state.range(0); ++i) calendar.schedule(stream.exponential(1.0), 0, 0, 0);
  for (auto _ : state) {
    const Event e = calendar.pop();
    calendar.schedule(e.time_s + stream.exponential(1.0), 0, 0, e.payload);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_CalendarHold)->Arg(2)->Arg(64)->Arg(4096);

namespace {
/// Poisson arrivals into one FCFS server; counts departures.
struct MM1 final : EventHandler, ResourceClient {
  Simulation simulation;
  RandomStream arrivals{7, "arrival/jobs"};
  RandomStream service{7, "service/jobs/server"};
  FcfsStation server{simulation, *this, 0, 1, 1};
  std::uint32_t self = simulation.add_handler(*this);
  double mean_interarrival_s;
  std::uint64_t departures = 0;

  explicit MM1(double rho) : mean_interarrival_s(1.0 / rho) {
    simulation.schedule_in(arrivals.exponential(mean_interarrival_s), self, 0, 0);
  }
  void handle(Simulation& sim, const Event& e) override {
    sim.schedule_in(arrivals.exponential(mean_interarrival_s), self, 0, e.payload + 1);
    server.arrive(sim, static_cast<JobId>(e.payload), 0, service.exponential(1.0));
  }
  void service_completed(Simulation&, int, JobId) override { ++departures; }
};
}  // namespace

static void BM_MM1Core(benchmark::State& state) {
  const std::uint64_t customers_per_iteration = 1'000'000;
  std::uint64_t customers = 0;
  double mean_jobs = 0.0;
  for (auto _ : state) {
    MM1 model(0.8);
    // Two events per customer.
    model.simulation.run_until(1e300, 2 * customers_per_iteration);
    customers += model.departures;
    model.server.close_areas(model.simulation.now_s());
    mean_jobs = model.server.jobs_area(0) / model.simulation.now_s();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(customers));
  state.counters["mean_jobs"] = mean_jobs;  // M/M/1 at rho = 0.8: 4
}
BENCHMARK(BM_MM1Core)->Unit(benchmark::kMillisecond);

static void BM_MM1Network(benchmark::State& state) {
  tpeval::solver::Network n;
  tpeval::solver::Station s;
  s.name = "server";
  n.stations = {s};
  tpeval::solver::JobClass c;
  c.name = "jobs";
  c.kind = tpeval::solver::ClassKind::open;
  c.arrival_rate_per_s = 0.8;
  n.classes = {c};
  n.demand_s = Eigen::MatrixXd::Constant(1, 1, 1.0);
  n.visits = Eigen::MatrixXd::Constant(1, 1, 1.0);
  SimulationOptions o;
  o.precision = 1e-6;  // unreachable: the event budget ends the run
  o.max_events = 4'000'000;
  o.threads = 1;
  std::uint64_t customers = 0;
  for (auto _ : state) {
    const SimulationResult r = simulate_network(n, o);
    // Geometric routing: visits per job are geometric with mean V = 1, so the station sees the
    // M/M/1 load; count its services (one arrival and one completion event each).
    customers +=
        static_cast<std::uint64_t>(r.solution.throughput_per_s(0, 0) * r.simulated_time_s[0]);
    benchmark::DoNotOptimize(r.solution.mean_jobs(0, 0));
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(customers));
}
BENCHMARK(BM_MM1Network)->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
