// Two-level buffering against Tab. 6-7 (Rahm 1993, L2542-2553; ch6-5.md §2.4, A9, A10).
#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

#include "debit_credit.hpp"
#include "solver/cache/hierarchy.hpp"
#include "solver/io/json_input.hpp"

namespace cache = tpeval::solver::cache;

TEST_CASE("hierarchy: Tab. 6-7 second-level hit ratios, analytic, within 1.0 point") {
  for (const auto& row : dc::table_6_7()) {
    for (std::size_t j = 0; j < dc::kHsSizes.size(); ++j) {
      cache::HierarchyConfig config;
      config.level1_items = dc::kHsSizes[j];
      config.level2 = row.level2;
      config.level2_items = row.level2_items;
      config.write_strategy = row.strategy;
      const auto r = cache::che_hierarchy(dc::streams(), config);
      CAPTURE(std::string(row.label));
      CAPTURE(dc::kHsSizes[j]);
      MESSAGE(std::string(row.label)
              << " HS=" << dc::kHsSizes[j] << ": HS " << 100 * r.level1_hit_ratio << " L2 "
              << 100 * r.level2_hit_ratio << " (book " << row.level2_hit[j] << ")");
      CHECK(std::abs(100.0 * r.level1_hit_ratio - dc::kHsHit[j]) <= 1.0);
      CHECK(std::abs(100.0 * r.level2_hit_ratio - row.level2_hit[j]) <= 1.0);
    }
  }
}

TEST_CASE("hierarchy: Tab. 6-7 second-level hit ratios, reference-string simulation") {
  for (const auto& row : dc::table_6_7()) {
    for (std::size_t j = 0; j < dc::kHsSizes.size(); ++j) {
      cache::HierarchyConfig config;
      config.level1_items = dc::kHsSizes[j];
      config.level2 = row.level2;
      config.level2_items = row.level2_items;
      config.write_strategy = row.strategy;
      const auto s = dc::simulate(config, 600'000, 200'000, 7 + j);
      CAPTURE(std::string(row.label));
      CAPTURE(dc::kHsSizes[j]);
      MESSAGE(std::string(row.label)
              << " HS=" << dc::kHsSizes[j] << ": sim HS " << s.level1_hit_percent << " L2 "
              << s.level2_hit_percent << " (book " << row.level2_hit[j] << ")");
      CHECK(std::abs(s.level1_hit_percent - dc::kHsHit[j]) <= 1.0);
      CHECK(std::abs(s.level2_hit_percent - row.level2_hit[j]) <= 1.0);
    }
  }
}

TEST_CASE("hierarchy: a stream that bypasses level 2 gets no level-2 hits and frees its space") {
  // Two identical IRM classes; only the first may enter level 2 (a partition on a device
  // without the disk cache, or not allocated to the EH buffer).
  const std::vector<cache::ReferenceStream> streams{cache::independent_class("a", 2000, 1e-3, 0.5),
                                                    cache::independent_class("b", 2000, 1e-3, 0.5)};
  for (const auto kind :
       {cache::Level2Kind::extended_memory, cache::Level2Kind::volatile_disk_cache,
        cache::Level2Kind::nonvolatile_disk_cache}) {
    CAPTURE(cache::to_string(kind));
    cache::HierarchyConfig both;
    both.level1_items = 500;
    both.level2 = kind;
    both.level2_items = 600;
    cache::HierarchyConfig only_a = both;
    only_a.admission = {{true, cache::MigrationPolicy::all}, {false, cache::MigrationPolicy::all}};
    const auto r_both = cache::che_hierarchy(streams, both);
    const auto r_a = cache::che_hierarchy(streams, only_a);
    CHECK(r_a.streams[1].level2_hit_ratio == 0.0);
    CHECK(r_a.streams[1].level2_occupancy_items == 0.0);
    CHECK(r_a.streams[1].level2_write_rate == 0.0);
    // Level 1 does not change, and stream a now has level 2 to itself: more hits than when shared.
    CHECK(r_a.streams[0].level1_hit_ratio == doctest::Approx(r_both.streams[0].level1_hit_ratio));
    CHECK(r_a.streams[0].level2_hit_ratio > r_both.streams[0].level2_hit_ratio + 0.01);
    // Level 2 is full in both cases (characteristic time finite): occupancy sums to its size.
    double occupancy = 0.0;
    for (const auto& s : r_a.streams) occupancy += s.level2_occupancy_items;
    CHECK(occupancy == doctest::Approx(600).epsilon(1e-6));
  }
}

TEST_CASE("hierarchy: per-stream migration policy and the victim / miss accounting") {
  const std::vector<cache::ReferenceStream> streams{cache::independent_class("a", 3000, 1e-3, 0.3),
                                                    cache::independent_class("b", 3000, 1e-3, 0.3)};
  cache::HierarchyConfig config;
  config.level1_items = 800;
  config.level2 = cache::Level2Kind::extended_memory;
  config.level2_items = 400;
  config.admission = {{true, cache::MigrationPolicy::modified},
                      {true, cache::MigrationPolicy::unmodified}};
  const auto r = cache::che_hierarchy(streams, config);
  for (std::size_t i = 0; i < 2; ++i) {
    const auto& s = r.streams[i];
    CAPTURE(i);
    // Every level-1 miss is one eviction in steady state.
    CHECK(s.level1_miss_rate == doctest::Approx(s.reference_rate * (1.0 - s.level1_hit_ratio)));
    // NOFORCE: the modified victims are exactly the dirty write-backs.
    CHECK(s.modified_victim_rate == doctest::Approx(s.dirty_writeback_rate));
    CHECK(s.level2_victim_write_rate == doctest::Approx(s.level2_write_rate));
  }
  // "modified" migrates the dirty victims, "unmodified" the clean ones (A10 rule 5).
  const auto& a = r.streams[0];
  const auto& b = r.streams[1];
  CHECK(a.level2_victim_write_rate == doctest::Approx(a.modified_victim_rate));
  CHECK(b.level2_victim_write_rate == doctest::Approx(b.level1_miss_rate - b.modified_victim_rate));
}

TEST_CASE("hierarchy: an admission list of the wrong length is an input error") {
  cache::HierarchyConfig config;
  config.level1_items = 10;
  config.level2 = cache::Level2Kind::extended_memory;
  config.level2_items = 10;
  config.admission = {{true, cache::MigrationPolicy::all}};
  CHECK_THROWS_WITH_AS(cache::che_hierarchy(dc::streams(), config), doctest::Contains("admission"),
                       tpeval::io::InputError);
}

TEST_CASE("hierarchy: a read-only sequential stream under the 'modified' EH policy never fills "
          "level 2") {
  // Found while refactoring `tpeval cache`: the never re-referenced sequential items would stay
  // forever at T2 = infinity, but none migrates (clean victims, 'modified' policy). Their share 0
  // times the infinite occupancy was NaN, and the T2 search failed with an internal error.
  const std::vector<cache::ReferenceStream> streams{
      cache::sequential_stream("seq", 0.5, 8.0), cache::independent_class("a", 1000, 0.01)};
  cache::HierarchyConfig config;
  config.level1_items = 800;
  config.level2 = cache::Level2Kind::extended_memory;
  config.level2_items = 2000;
  config.policy = cache::MigrationPolicy::modified;
  const auto r = cache::che_hierarchy(streams, config);
  CHECK(std::isinf(r.level2_characteristic_time));
  CHECK(r.level2_hit_ratio == 0.0);
  CHECK(r.streams[0].level1_hit_ratio == doctest::Approx(7.0 / 8.0));
  // The same streams with the 'all' policy do fill level 2 (the sequential victims migrate).
  config.policy = cache::MigrationPolicy::all;
  const auto all = cache::che_hierarchy(streams, config);
  CHECK(std::isfinite(all.level2_characteristic_time));
  CHECK(all.level2_hit_ratio > 0.0);
}
