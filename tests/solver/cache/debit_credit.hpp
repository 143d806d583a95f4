// Test helper: the Debit-Credit buffer reference streams of Rahm 1993, Sect. 6.5.2.5 (ch6-5.md
// §1.10 and A8-A10) and ch. 7 (ch7.md §1.10), plus Tab. 6-7 as published (L2542-2553).
// Per transaction (time unit = one transaction): BRANCH page (500 pages, uniform, updated),
// TELLER record in the same page (a guaranteed second hit), ACCOUNT page (5,000,000 pages,
// uniform: practically one-touch), HISTORY record appended (20 per page). Hit ratios are per
// record reference (A8: per-page counting cannot reach the published 72.5 %).
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "solver/cache/lru_simulator.hpp"
#include "solver/cache/reference_stream.hpp"

namespace dc {

namespace cache = tpeval::solver::cache;

constexpr double kBranchPages = 500;
constexpr double kAccountPages = 5'000'000;
constexpr double kHistoryPerPage = 20;

inline std::vector<cache::ReferenceStream> streams() {
  return {cache::independent_class("BRANCH", kBranchPages, 1.0 / kBranchPages, 1.0),
          cache::repeat_stream("TELLER", 1.0, 1.0),
          cache::independent_class("ACCOUNT", kAccountPages, 1.0 / kAccountPages, 1.0),
          cache::sequential_stream("HISTORY", 1.0, kHistoryPerPage, 1.0)};
}

// Tab. 6-7 (ch6-5.md §2.4): HS hit ratio row and the second-level rows, in %.
constexpr std::array<double, 4> kHsSizes{200, 500, 1000, 2000};
constexpr std::array<double, 4> kHsHit{53.7, 59.6, 66.7, 72.5};

struct Row {
  const char* label;
  cache::Level2Kind level2;
  double level2_items;
  cache::WriteStrategy strategy;
  std::array<double, 4> level2_hit;
};

inline const std::array<Row, 7>& table_6_7() {
  using cache::Level2Kind;
  using cache::WriteStrategy;
  static const std::array<Row, 7> rows{{
      {"NOFORCE volatile disk cache 1000",
       Level2Kind::volatile_disk_cache,
       1000,
       WriteStrategy::noforce,
       {12.8, 5.6, 0.0, 0.0}},
      {"NOFORCE non-volatile disk cache 1000",
       Level2Kind::nonvolatile_disk_cache,
       1000,
       WriteStrategy::noforce,
       {13.0, 7.4, 3.8, 0.8}},
      {"NOFORCE EH buffer 1000",
       Level2Kind::extended_memory,
       1000,
       WriteStrategy::noforce,
       {14.8, 11.0, 5.7, 1.1}},
      {"NOFORCE EH buffer 500",
       Level2Kind::extended_memory,
       500,
       WriteStrategy::noforce,
       {9.2, 7.1, 3.9, 0.8}},
      {"FORCE volatile disk cache 1000",
       Level2Kind::volatile_disk_cache,
       1000,
       WriteStrategy::force,
       {12.4, 6.9, 0.1, 0.0}},
      {"FORCE non-volatile disk cache 1000",
       Level2Kind::nonvolatile_disk_cache,
       1000,
       WriteStrategy::force,
       {12.8, 7.0, 0.1, 0.0}},
      {"FORCE EH buffer 1000",
       Level2Kind::extended_memory,
       1000,
       WriteStrategy::force,
       {13.1, 7.2, 3.4, 0.6}},
  }};
  return rows;
}

struct Simulated {
  double level1_hit_percent = 0.0;
  double level2_hit_percent = 0.0;
};

// Transaction-structured reference string as in bufsim.py: B, T (same page), A, H per
// transaction, all updated; under FORCE the three modified pages are written at commit.
inline Simulated simulate(const cache::HierarchyConfig& config, std::uint64_t transactions,
                          std::uint64_t warmup, std::uint64_t seed) {
  cache::HierarchySimulator simulator(config, 4);
  std::uint64_t state = seed * 0x9E3779B97F4A7C15ull + 1;
  auto next = [&state] {  // splitmix64
    std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  };
  auto below = [&](double n) {
    return static_cast<std::uint64_t>(static_cast<double>(next() >> 11) * 0x1.0p-53 * n);
  };
  const bool force = config.write_strategy == cache::WriteStrategy::force;
  for (std::uint64_t t = 0; t < warmup + transactions; ++t) {
    if (t == warmup) simulator.reset_counts();
    const cache::ItemId branch = (1ull << 40) | below(kBranchPages);
    const cache::ItemId account = (2ull << 40) | below(kAccountPages);
    const cache::ItemId history = (3ull << 40) | (t / static_cast<std::uint64_t>(kHistoryPerPage));
    simulator.reference(branch, true, 0);
    simulator.reference(branch, true, 1);  // TELLER: same page, just referenced
    simulator.reference(account, true, 2);
    simulator.reference(history, true, 3);
    if (force) {
      simulator.commit_write(branch, 0);
      simulator.commit_write(account, 2);
      simulator.commit_write(history, 3);
    }
  }
  double references = 0, level1 = 0, level2 = 0;
  for (const auto& c : simulator.counts()) {
    references += c.references;
    level1 += c.level1_hits;
    level2 += c.level2_hits;
  }
  return {100.0 * level1 / references, 100.0 * level2 / references};
}

}  // namespace dc
