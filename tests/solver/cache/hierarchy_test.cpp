// Two-level buffering against Tab. 6-7 (Rahm 1993, L2542-2553; ch6-5.md §2.4, A9, A10).
#include <doctest/doctest.h>

#include <cmath>
#include <string>

#include "debit_credit.hpp"
#include "solver/cache/hierarchy.hpp"

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
