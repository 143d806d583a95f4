// Benchmarks of solver/cache: Che for 10^6 item classes (target <= 50 ms) and the exact LRU
// reference-string simulator (target >= 20 million references per second).
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include "solver/cache/che.hpp"
#include "solver/cache/hierarchy.hpp"
#include "solver/cache/lru_simulator.hpp"

namespace cache = tpeval::solver::cache;

namespace {

std::vector<cache::ItemClass> zipf_classes(std::size_t count) {
  std::vector<cache::ItemClass> classes(count);
  std::uint64_t state = 42;
  for (std::size_t i = 0; i < count; ++i) {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    classes[i].item_count = 1.0 + static_cast<double>(state >> 58);  // 1..64 items
    classes[i].rate_per_item = 1.0 / std::pow(static_cast<double>(i + 1), 0.8);
  }
  return classes;
}

std::vector<cache::ReferenceStream> debit_credit() {
  return {cache::independent_class("BRANCH", 500, 1.0 / 500, 1.0),
          cache::repeat_stream("TELLER", 1.0, 1.0),
          cache::independent_class("ACCOUNT", 5e6, 1.0 / 5e6, 1.0),
          cache::sequential_stream("HISTORY", 1.0, 20, 1.0)};
}

void BM_CheMillionClasses(benchmark::State& state) {
  const auto classes = zipf_classes(static_cast<std::size_t>(state.range(0)));
  double items = 0.0;
  for (const auto& c : classes) items += c.item_count;
  for (auto _ : state) benchmark::DoNotOptimize(cache::lru_hit_ratio(classes, 0.1 * items));
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_CheMillionClasses)->Arg(1'000'000)->Unit(benchmark::kMillisecond);

void BM_CheDebitCreditHierarchy(benchmark::State& state) {
  const auto streams = debit_credit();
  cache::HierarchyConfig config;
  config.level1_items = 1000;
  config.level2 = cache::Level2Kind::nonvolatile_disk_cache;
  config.level2_items = 1000;
  for (auto _ : state) benchmark::DoNotOptimize(cache::che_hierarchy(streams, config));
}
BENCHMARK(BM_CheDebitCreditHierarchy)->Unit(benchmark::kMicrosecond);

// Stream-driven simulation of the Debit-Credit mix (random numbers, stream choice, LRU).
void BM_SimulateDebitCredit(benchmark::State& state) {
  const auto streams = debit_credit();
  cache::HierarchyConfig config;
  config.level1_items = 2000;
  if (state.range(0) == 1) {
    config.level2 = cache::Level2Kind::extended_memory;
    config.level2_items = 1000;
  }
  const std::uint64_t references = 10'000'000;
  for (auto _ : state)
    benchmark::DoNotOptimize(cache::simulate_hierarchy(streams, config, references, 0, 1));
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(references));
}
BENCHMARK(BM_SimulateDebitCredit)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

// Raw LRU buffer: uniform references over 10^6 items into a 10^5-item buffer (90 % misses).
void BM_LruBufferUniform(benchmark::State& state) {
  cache::LruBuffer buffer(100'000);
  std::uint64_t x = 7;
  for (auto _ : state) {
    for (int i = 0; i < 1'000'000; ++i) {
      x = x * 6364136223846793005ull + 1442695040888963407ull;
      const cache::ItemId item = (x >> 33) % 1'000'000;
      if (!buffer.touch(item)) buffer.insert(item, 0);
    }
  }
  state.SetItemsProcessed(state.iterations() * 1'000'000);
}
BENCHMARK(BM_LruBufferUniform)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
