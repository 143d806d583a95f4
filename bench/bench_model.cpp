// Benchmarks of the analytic model (issue 4 targets): `tpeval eval` of the default model
// <= 20 ms wall including process start, and a 1,000-point `whatif --sweep` <= 1 s. The CLI
// figures time the built binary (TPEVAL_BINARY) through std::system, so they include process
// start, JSON parsing and output; the in-process figures isolate the evaluation itself.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <string>

#include "model/debit_credit.hpp"
#include "model/evaluate.hpp"
#include "model/parse.hpp"

namespace {

void run_or_fail(benchmark::State& state, const std::string& arguments) {
  const std::string command = std::string("'") + TPEVAL_BINARY + "' " + arguments + " >/dev/null";
  if (std::system(command.c_str()) != 0) state.SkipWithError(("failed: " + command).c_str());
}

void BM_EvalDefaultProcess(benchmark::State& state) {
  for (auto _ : state) run_or_fail(state, "eval");
}
BENCHMARK(BM_EvalDefaultProcess)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_WhatifSweep1000Process(benchmark::State& state) {
  // 1,000 arrival rates from 0.2 to 200 TPS, each with its maximum-throughput search.
  for (auto _ : state) run_or_fail(state, "whatif --sweep workload.arrival_rate_per_s=0.2:200:0.2");
}
BENCHMARK(BM_WhatifSweep1000Process)->Unit(benchmark::kMillisecond)->UseRealTime();

// Issue 10 targets: the 10-node Tab. 7-2 cluster <= 20 ms, and 1,000 points over nodes x rate
// <= 2 s (10 node counts x 100 rates per node).
const std::string kCluster = std::string("'") + TPEVAL_SOURCE_DIR +
                             "/examples/models/debit_credit_cluster.json' ";

void BM_EvalCluster10Process(benchmark::State& state) {
  for (auto _ : state) run_or_fail(state, "whatif " + kCluster + "--set cluster.nodes=10");
}
BENCHMARK(BM_EvalCluster10Process)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_WhatifClusterSweep1000Process(benchmark::State& state) {
  for (auto _ : state)
    run_or_fail(state, "whatif " + kCluster +
                           "--sweep cluster.nodes=1:10:1 --sweep workload.arrival_rate_per_s=1:100:1");
}
BENCHMARK(BM_WhatifClusterSweep1000Process)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_WhatifGoalSeekProcess(benchmark::State& state) {
  // Issue 14: the highest arrival rate meeting a response-time goal, <= 50 ms wall.
  for (auto _ : state) run_or_fail(state, "whatif --goal 'response_time_ms<=100'");
}
BENCHMARK(BM_WhatifGoalSeekProcess)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_WhatifMinimizeCpusProcess(benchmark::State& state) {
  for (auto _ : state)
    run_or_fail(state,
                "whatif --set workload.arrival_rate_per_s=150 --goal 'response_time_ms<=45' "
                "--minimize 'nodes[0].cpu.count'");
}
BENCHMARK(BM_WhatifMinimizeCpusProcess)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_WhatifSweep1000ThreeVariantsProcess(benchmark::State& state) {
  // Issue 14: a 1,000-point sweep in each of 3 named variants (plus the base: 4,000 points, each
  // with its maximum-throughput search), <= 2 s wall.
  for (auto _ : state)
    run_or_fail(state,
                "whatif --sweep workload.arrival_rate_per_s=0.2:200:0.2 "
                "--compare 'ssd-log: nodes[0].log.device=ssd' "
                "--compare 'force: policies.update_strategy=force' "
                "--compare 'big-buffer: nodes[0].buffer.pages=4000, nodes[0].cpu.count=8'");
}
BENCHMARK(BM_WhatifSweep1000ThreeVariantsProcess)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_EvaluateDefaultInProcess(benchmark::State& state) {
  const auto& doc = tpeval::model::default_model();
  for (auto _ : state) {
    auto e = tpeval::model::evaluate(tpeval::model::parse_model(doc));
    benchmark::DoNotOptimize(e);
  }
}
BENCHMARK(BM_EvaluateDefaultInProcess)->Unit(benchmark::kMicrosecond);

void BM_EvaluateLockExperimentInProcess(benchmark::State& state) {
  const auto doc = tpeval::model::lock_experiment_model();
  for (auto _ : state) {
    auto e = tpeval::model::evaluate(tpeval::model::parse_model(doc));
    benchmark::DoNotOptimize(e);
  }
}
BENCHMARK(BM_EvaluateLockExperimentInProcess)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
