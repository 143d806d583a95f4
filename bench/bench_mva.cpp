// Closed-network MVA benchmarks for the four performance targets of issue 2
// (peers-and-formulas.md §4):
//   exact single-class, N = 100,000, 100 single-server stations      <= 50 ms
//   exact multi-class, 3 classes x 30 jobs x 10 stations               <= 20 ms
//   exact multi-class, 5 classes x 20 jobs x 10 stations (4.1e6 vectors) <= 1 s, <= 300 MB peak RSS
//   Linearizer, 20 classes x 50 stations x 50 jobs per class           <= 10 ms
// All demands follow D(c,k) = 0.01 (1 + ((3c + 7k) mod 11)) s with think time 1 s per class, the
// same formula bench/peers/octave_mva_peer.m uses for the peer run (bench/run_mva.sh). Counters
// report class throughputs (for comparison with the peer), iterations and peak RSS (getrusage).
#include <benchmark/benchmark.h>

#include <sys/resource.h>

#include "solver/mva/closed.hpp"
#include "solver/mva/exact_multi.hpp"
#include "solver/mva/exact_single.hpp"
#include "solver/mva/linearizer.hpp"

using namespace tpeval::solver;

namespace {

Network model(int classes, long population, int stations, double think_s = 1.0) {
  Network net;
  for (int k = 0; k < stations; ++k) {
    Station s;
    s.name = "s";
    net.stations.push_back(s);
  }
  net.demand_s.resize(classes, stations);
  for (int c = 0; c < classes; ++c) {
    net.classes.push_back({"c", ClassKind::closed, 0.0, population, think_s});
    for (int k = 0; k < stations; ++k) net.demand_s(c, k) = 0.01 * (1 + (3 * c + 7 * k) % 11);
  }
  net.visits = Eigen::MatrixXd::Ones(classes, stations);
  return net;
}

double peak_rss_mb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;  // ru_maxrss is in KiB on Linux
}

void report(benchmark::State& state, const Solution& s) {
  for (int c = 0; c < std::min<int>(3, static_cast<int>(s.class_throughput_per_s.size())); ++c)
    state.counters["X_c" + std::to_string(c)] = s.class_throughput_per_s(c);
  state.counters["iterations"] = s.iterations;
  state.counters["peak_rss_MB"] = peak_rss_mb();
}

void BM_exact_single_N100000_M100(benchmark::State& state) {
  const Network net = model(1, 100'000, 100, 0.0);
  Solution s;
  for (auto _ : state) {
    s = solve_exact_single(net, 0);
    benchmark::DoNotOptimize(s.class_throughput_per_s.data());
  }
  report(state, s);
}
BENCHMARK(BM_exact_single_N100000_M100)->Unit(benchmark::kMillisecond);

void BM_exact_multi_C3_N30_M10(benchmark::State& state) {
  const Network net = model(3, 30, 10);
  Solution s;
  for (auto _ : state) {
    s = solve_exact_multi(net);
    benchmark::DoNotOptimize(s.class_throughput_per_s.data());
  }
  report(state, s);
}
BENCHMARK(BM_exact_multi_C3_N30_M10)->Unit(benchmark::kMillisecond);

void BM_exact_multi_C5_N20_M10(benchmark::State& state) {
  const Network net = model(5, 20, 10);
  Solution s;
  for (auto _ : state) {
    s = solve_exact_multi(net);
    benchmark::DoNotOptimize(s.class_throughput_per_s.data());
  }
  report(state, s);
  state.counters["lattice"] = static_cast<double>(population_lattice_size(net));
}
BENCHMARK(BM_exact_multi_C5_N20_M10)->Unit(benchmark::kMillisecond)->Iterations(3);

void BM_linearizer_C20_N50_M50(benchmark::State& state) {
  const Network net = model(20, 50, 50);
  Solution s;
  for (auto _ : state) {
    s = solve_linearizer(net, 1e-8);
    benchmark::DoNotOptimize(s.class_throughput_per_s.data());
  }
  report(state, s);
  state.counters["converged"] = s.converged;
}
BENCHMARK(BM_linearizer_C20_N50_M50)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
