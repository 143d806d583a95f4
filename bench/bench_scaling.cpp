// Benchmarks of inputs that scale (issue 16): parse + solve + print of a 10^5-station open
// network <= 0.5 s and <= 200 MB (BM_Solve100kStationsProcess; peak RSS with
// bench/run_scaling.sh), and `tpeval eval` of 10^4 transaction types or 10^4 partitions <= 1 s
// (BM_EvalTypesProcess, BM_EvalPartitionsProcess: the real-load model, Tab. 6-5, with its types
// repeated or its partitions split, as bench/run_scaling.sh builds them; the 20,000 types x
// partitions of model/input_limits.hpp admit 1,500 of its types and 10^4 partitions with its
// first 2 types; BM_EvalDebitCreditTypesProcess: 10^4 types of the Debit-Credit default on its
// BRANCH and ACCOUNT partitions). The in-process
// BM_LockContention* figures isolate one solve of the lock model, where that evaluation spends
// its time. The CLI figures run the built binary (TPEVAL_BINARY) through std::system.
#include <benchmark/benchmark.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "solver/locking/lock_contention.hpp"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

void run_or_fail(benchmark::State& state, const std::string& arguments) {
  const std::string command = std::string("'") + TPEVAL_BINARY + "' " + arguments + " >/dev/null";
  if (std::system(command.c_str()) != 0) state.SkipWithError(("failed: " + command).c_str());
}

fs::path scratch_file(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / "tpeval_bench_scaling";
  fs::create_directories(dir);
  return dir / name;
}

void write_json(const fs::path& file, const json& doc) {
  std::ofstream(file) << doc.dump();
}

/// One open class over `n` FCFS stations (the network of bench/run_scaling.sh).
fs::path open_network(int n) {
  const fs::path file = scratch_file("open-" + std::to_string(n) + ".json");
  json stations = json::array();
  json demands = json::object();
  for (int k = 0; k < n; ++k) {
    const std::string name = "s" + std::to_string(k);
    stations.push_back({{"name", name}, {"discipline", "fcfs"}});
    demands[name] = 0.5 / n * (1 + k % 7) / 4;
  }
  write_json(
      file,
      {{"name", "open-" + std::to_string(n)},
       {"stations", stations},
       {"classes",
        json::array({{{"name", "tx"}, {"arrival_rate_per_s", 1.0}, {"demands_s", demands}}})}});
  return file;
}

json real_load() {
  std::ifstream in(std::string(TPEVAL_SOURCE_DIR) + "/examples/models/real_load.json");
  return json::parse(in);
}

/// The real-load model with its types repeated to `n` types (the same mix per copy).
fs::path repeated_types(int n) {
  json doc = real_load();
  const json types = doc["workload"]["transaction_types"];
  json out = json::array();
  for (int k = 0; k < n; ++k) {
    json t = types[static_cast<std::size_t>(k) % types.size()];
    t["name"] = "T" + std::to_string(k);
    out.push_back(std::move(t));
  }
  doc["workload"]["transaction_types"] = std::move(out);
  const fs::path file = scratch_file("types-" + std::to_string(n) + ".json");
  write_json(file, doc);
  return file;
}

/// The real-load model with its partitions split into `n` (records spread over the copies;
/// every type references every copy), and its first `types` types.
fs::path split_partitions(int n, std::size_t types) {
  json doc = real_load();
  auto& all_types = doc["workload"]["transaction_types"];
  if (all_types.size() > types)
    all_types.erase(all_types.begin() + static_cast<long>(types), all_types.end());
  const json parts = doc["database"]["partitions"];
  json out = json::array();
  for (int k = 0; k < n; ++k) {
    json p = parts[static_cast<std::size_t>(k) % parts.size()];
    p["name"] = "Q" + std::to_string(k);
    p["clustered_with"] = nullptr;
    p["records"] = std::max(1.0, p["records"].get<double>() * parts.size() / n);
    out.push_back(std::move(p));
  }
  doc["database"]["partitions"] = std::move(out);
  json shares = json::object();
  for (int k = 0; k < n; ++k) shares["Q" + std::to_string(k)] = 1.0 + k % 5;
  for (auto& t : doc["workload"]["transaction_types"]) {
    t["reference_shares"] = shares;
    t.erase("update_shares");
  }
  const fs::path file = scratch_file("partitions-" + std::to_string(n) + ".json");
  write_json(file, doc);
  return file;
}

void BM_Solve100kStationsProcess(benchmark::State& state) {
  static const fs::path file = open_network(100'000);
  const char* format = state.range(0) == 0 ? "table" : state.range(0) == 1 ? "json" : "csv";
  state.SetLabel(format);
  for (auto _ : state) run_or_fail(state, "solve '" + file.string() + "' --format " + format);
}
BENCHMARK(BM_Solve100kStationsProcess)
    ->DenseRange(0, 2)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

/// One evaluation each of 10^2, 10^3 and 10^4 types or partitions.
void many_items(benchmark::internal::Benchmark* b) {
  b->Arg(100)->Arg(1'000)->Arg(10'000)->Iterations(1)->Unit(benchmark::kMillisecond)->UseRealTime();
}

/// The real load's types repeated; 1,500 stand for 10^4 (13 partitions admit at most 1,538).
void BM_EvalTypesProcess(benchmark::State& state) {
  const int n = static_cast<int>(std::min<std::int64_t>(state.range(0), 1'500));
  state.SetLabel(std::to_string(n) + " types x 13 partitions");
  const fs::path file = repeated_types(n);
  for (auto _ : state) run_or_fail(state, "eval '" + file.string() + "' --format json");
}
BENCHMARK(BM_EvalTypesProcess)->Apply(many_items);

/// The Debit-Credit default on its BRANCH and ACCOUNT partitions, its type repeated.
void BM_EvalDebitCreditTypesProcess(benchmark::State& state) {
  const auto n = static_cast<int>(state.range(0));
  std::ifstream in(std::string(TPEVAL_SOURCE_DIR) + "/examples/models/debit_credit_default.json");
  json doc = json::parse(in);
  json kept = json::array();
  for (const auto& p : doc["database"]["partitions"])
    if (p["name"] == "BRANCH" || p["name"] == "ACCOUNT") kept.push_back(p);
  doc["database"]["partitions"] = std::move(kept);
  json type = doc["workload"]["transaction_types"][0];
  type["reference_shares"] = {{"BRANCH", 0.5}, {"ACCOUNT", 0.5}};
  type.erase("update_shares");
  json out = json::array();
  for (int k = 0; k < n; ++k) {
    json t = type;
    t["name"] = "T" + std::to_string(k);
    out.push_back(std::move(t));
  }
  doc["workload"]["transaction_types"] = std::move(out);
  const fs::path file = scratch_file("debit-credit-types-" + std::to_string(n) + ".json");
  write_json(file, doc);
  for (auto _ : state) run_or_fail(state, "eval '" + file.string() + "' --format json");
}
BENCHMARK(BM_EvalDebitCreditTypesProcess)->Apply(many_items);

/// The real load's partitions split; with 10^4 partitions its first 2 types (of 12).
void BM_EvalPartitionsProcess(benchmark::State& state) {
  const auto n = static_cast<int>(state.range(0));
  const std::size_t types = n > 1'666 ? 2 : 12;
  state.SetLabel(std::to_string(types) + " types");
  const fs::path file = split_partitions(n, types);
  for (auto _ : state) run_or_fail(state, "eval '" + file.string() + "' --format json");
}
BENCHMARK(BM_EvalPartitionsProcess)->Apply(many_items);

/// `classes` open classes over `partitions` partitions: each class locks four partitions (one
/// small, hot one among the first eight) with per-class rates, mixes and step times, far below
/// thrashing; one solve of the mean-value lock model.
namespace lk = tpeval::solver::locking;
lk::LockWorkload lock_workload(int classes, int partitions) {
  lk::LockWorkload w;
  for (int p = 0; p < partitions; ++p)
    w.partitions.push_back({"p" + std::to_string(p), p < 8 ? 200.0 * (p + 1) : 1e5 + 100.0 * p});
  for (int c = 0; c < classes; ++c) {
    lk::LockClass cls;
    cls.name = "c" + std::to_string(c);
    const auto part = [&](int i) {
      return static_cast<std::size_t>((c * 7 + i * 13) % partitions);
    };
    cls.accesses = {{static_cast<std::size_t>(c % std::min(8, partitions)), 1.0, 1.0},
                    {part(1), 2.0 + c % 3, 0.5},
                    {part(2), 4.0, 0.2},
                    {part(3), 1.0 + c % 2, 1.0}};
    cls.arrival_rate_per_s = 100.0 / classes * (1 + c % 4);
    cls.step_time_s = 0.002 + 0.001 * (c % 5);
    cls.commit_time_s = 0.004;
    cls.step_time_scv = 0.5;
    w.classes.push_back(std::move(cls));
  }
  return w;
}

void BM_LockContentionClasses(benchmark::State& state) {
  const lk::LockWorkload w = lock_workload(static_cast<int>(state.range(0)), 13);
  for (auto _ : state) benchmark::DoNotOptimize(lk::analyze_lock_contention(w));
  state.counters["iterations"] = static_cast<double>(lk::analyze_lock_contention(w).iterations);
}
BENCHMARK(BM_LockContentionClasses)
    ->Arg(12)
    ->Arg(1'000)
    ->Arg(10'000)
    ->Unit(benchmark::kMillisecond);

void BM_LockContentionPartitions(benchmark::State& state) {
  const int partitions = static_cast<int>(state.range(0));
  lk::LockWorkload w = lock_workload(12, partitions);
  // Every class locks every partition (as in BM_EvalPartitionsProcess).
  for (auto& cls : w.classes) {
    cls.accesses.clear();
    for (int p = 0; p < partitions; ++p)
      cls.accesses.push_back({static_cast<std::size_t>(p), 12.0 / partitions, 0.5});
  }
  for (auto _ : state) benchmark::DoNotOptimize(lk::analyze_lock_contention(w));
  state.counters["iterations"] = static_cast<double>(lk::analyze_lock_contention(w).iterations);
}
BENCHMARK(BM_LockContentionPartitions)
    ->Arg(13)
    ->Arg(1'000)
    ->Arg(10'000)
    ->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
