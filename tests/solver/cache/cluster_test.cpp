// Multi-node hit ratios with on-request invalidation: Rahm 1993 ch. 7, E1/E2 (L3242-3271;
// ch7.md §1.10, V09, V12, V21) — random routing, 100 TPS per node, Debit-Credit.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdio>
#include <vector>

#include "solver/cache/cluster.hpp"
#include "solver/cache/lru_simulator.hpp"
#include "solver/io/json_input.hpp"

namespace cache = tpeval::solver::cache;

namespace {
// Per node and transaction: one B/T page (shared, 100 n pages, always updated), one new ACCOUNT
// page, one HISTORY record (20 per page). B/T hit ratios are per B/T page reference.
std::vector<cache::ReferenceStream> streams(int nodes) {
  const double pages = 100.0 * nodes;
  return {cache::independent_class("B/T", pages, 1.0 / pages, 1.0),
          cache::one_touch_stream("ACCOUNT", 1.0, 1.0),
          cache::sequential_stream("HISTORY", 1.0, 20, 1.0)};
}

cache::ClusterConfig config(int nodes, double buffer) {
  cache::ClusterConfig c;
  c.node_count = nodes;
  c.buffer_items_per_node = buffer;
  return c;
}

struct Target {
  int nodes;
  double buffer;
  double hit_percent;           // book; < 0: not stated
  double page_request_percent;  // book; < 0: not stated
  double tolerance;             // points
};
// V09 (200 pages: 71/34/13/<7), V12 (33 % / 57 %), V20/V21 (1000 pages: ~100, ~50, 12).
const std::vector<Target> kTargets{{1, 200, 71, -1, 2},  {2, 200, 34, 33, 2},
                                   {5, 200, 13, -1, 2},  {10, 200, -1, 57, 2},
                                   {2, 1000, 50, -1, 2}, {10, 1000, 12, -1, 2}};
}  // namespace

TEST_CASE("cluster: ch. 7 B/T hit ratios and page-request shares, analytic") {
  for (const auto& t : kTargets) {
    const auto r = cache::che_cluster(streams(t.nodes), config(t.nodes, t.buffer));
    const auto& bt = r.streams[0];
    CAPTURE(t.nodes);
    CAPTURE(t.buffer);
    MESSAGE("n=" << t.nodes << " B=" << t.buffer << ": hit " << 100 * bt.hit_ratio
                 << " page requests " << 100 * bt.page_request_ratio << " disk "
                 << 100 * bt.disk_read_ratio);
    CHECK(bt.hit_ratio + bt.page_request_ratio + bt.disk_read_ratio == doctest::Approx(1.0));
    if (t.nodes == 10 && t.buffer == 1000) {
      // Book: 12 % (L3271). Under i.i.d. random routing a node's copy is valid only if the last
      // update was its own, so h <= 1/n = 10 %; the model gives 10.0 and the simulation agrees.
      // The 2-point tolerance is met only at its edge; we check the ceiling and record the gap.
      CHECK(100 * bt.hit_ratio <= 10.0 + 1e-9);
      CHECK(100 * bt.hit_ratio >= 9.9);
      WARN_MESSAGE(std::abs(100 * bt.hit_ratio - t.hit_percent) <= t.tolerance,
                   "known miss: book 12 %, model " << 100 * bt.hit_ratio << " % (ceiling 1/n)");
      continue;
    }
    if (t.hit_percent >= 0) CHECK(std::abs(100 * bt.hit_ratio - t.hit_percent) <= t.tolerance);
    if (t.page_request_percent >= 0)
      CHECK(std::abs(100 * bt.page_request_ratio - t.page_request_percent) <= t.tolerance);
  }
  // n = 10, 200 pages: "< 7 %" (V09).
  CHECK(cache::che_cluster(streams(10), config(10, 200)).streams[0].hit_ratio < 0.07);
  // V20: one node with 1000 pages buffers all B/T pages.
  CHECK(cache::che_cluster(streams(1), config(1, 1000)).streams[0].hit_ratio > 0.99);
  // FORCE: no page requests, every miss is a disk read (L3246).
  auto force = config(2, 200);
  force.write_strategy = cache::WriteStrategy::force;
  const auto f = cache::che_cluster(streams(2), force).streams[0];
  CHECK(f.page_request_ratio == 0.0);
  CHECK(f.disk_read_ratio == doctest::Approx(1.0 - f.hit_ratio));
}

TEST_CASE("cluster: more than kMaxClusterNodes identical nodes are refused up front (#16)") {
  // The identical-node model costs O(nodes^2) per iteration: 10^4 nodes took 26 s in Release.
  CHECK(cache::kMaxClusterNodes == 1024);
  CHECK_THROWS_AS(cache::che_cluster(streams(1025), config(1025, 200)), tpeval::io::InputError);
  CHECK_THROWS_AS(cache::che_cluster(streams(10'000), config(10'000, 200)), tpeval::io::InputError);
  CHECK(cache::che_cluster(streams(64), config(64, 200)).streams[0].hit_ratio > 0.0);
}

TEST_CASE("cluster: ch. 7 targets by the exact multi-node simulation") {
  for (const auto& t : kTargets) {
    const auto analytic = cache::che_cluster(streams(t.nodes), config(t.nodes, t.buffer));
    const auto s = cache::simulate_cluster(streams(t.nodes), config(t.nodes, t.buffer), 3'000'000,
                                           1'000'000, 5 + t.nodes);
    const auto& bt = s.streams[0];
    CAPTURE(t.nodes);
    CAPTURE(t.buffer);
    MESSAGE("sim n=" << t.nodes << " B=" << t.buffer << ": hit " << 100 * bt.hit_ratio
                     << " page requests " << 100 * bt.page_request_ratio);
    CHECK(std::abs(bt.hit_ratio - analytic.streams[0].hit_ratio) < 0.01);
    CHECK(std::abs(bt.page_request_ratio - analytic.streams[0].page_request_ratio) < 0.01);
    if (t.nodes == 10 && t.buffer == 1000) {
      CHECK(100 * bt.hit_ratio <= 10.3);  // the 1/n ceiling again; book 12 % (see above)
      continue;
    }
    if (t.hit_percent >= 0) CHECK(std::abs(100 * bt.hit_ratio - t.hit_percent) <= t.tolerance);
    if (t.page_request_percent >= 0)
      CHECK(std::abs(100 * bt.page_request_ratio - t.page_request_percent) <= t.tolerance);
  }
}

TEST_CASE("cluster: broadcast invalidation and read-mostly sharing agree with the simulation") {
  std::vector<cache::ReferenceStream> s{cache::independent_class("shared", 400, 0.002, 0.2),
                                        cache::independent_class("private", 2000, 0.0003, 0.5),
                                        cache::one_touch_stream("scan", 0.5)};
  for (auto invalidation : {cache::Invalidation::on_request, cache::Invalidation::broadcast}) {
    auto c = config(4, 300);
    c.invalidation = invalidation;
    const auto a = cache::che_cluster(s, c);
    const auto m = cache::simulate_cluster(s, c, 4'000'000, 1'000'000, 3);
    CAPTURE(cache::to_string(invalidation));
    for (std::size_t i = 0; i < s.size(); ++i) {
      CAPTURE(i);
      CHECK(std::abs(a.streams[i].hit_ratio - m.streams[i].hit_ratio) < 0.015);
      CHECK(std::abs(a.streams[i].page_request_ratio - m.streams[i].page_request_ratio) < 0.015);
    }
  }
}

TEST_CASE(
    "cluster: a level-2 buffer per node (extended buffer, L3173) agrees with the simulation") {
  // Exclusive level 2 behind each node's LRU: every victim enters it; a copy found there is
  // valid unless another node wrote the item since. Shared, private and scan streams.
  std::vector<cache::ReferenceStream> s{cache::independent_class("shared", 600, 0.002, 0.3),
                                        cache::independent_class("private", 2000, 0.0004, 0.5),
                                        cache::one_touch_stream("scan", 0.3)};
  for (int nodes : {1, 2, 4}) {
    for (auto invalidation : {cache::Invalidation::on_request, cache::Invalidation::broadcast}) {
      auto c = config(nodes, 200);
      c.level2_items_per_node = 300;
      c.invalidation = invalidation;
      const auto a = cache::che_cluster(s, c);
      const auto m = cache::simulate_cluster(s, c, 2'000'000, 500'000, 11);
      CAPTURE(nodes);
      CAPTURE(cache::to_string(invalidation));
      for (std::size_t i = 0; i < s.size(); ++i) {
        CAPTURE(i);
        CHECK(std::abs(a.streams[i].hit_ratio - m.streams[i].hit_ratio) < 0.015);
        CHECK(std::abs(a.streams[i].level2_hit_ratio - m.streams[i].level2_hit_ratio) < 0.015);
        CHECK(std::abs(a.streams[i].page_request_ratio - m.streams[i].page_request_ratio) < 0.015);
      }
      // Level 2 adds hits where the copies stay valid long enough.
      CHECK(a.streams[1].level2_hit_ratio > 0.05);
      auto plain = c;
      plain.level2_items_per_node = 0;
      const auto without = cache::che_cluster(s, plain);
      CHECK(a.streams[0].hit_ratio == doctest::Approx(without.streams[0].hit_ratio));
      CHECK(a.streams[0].disk_read_ratio < without.streams[0].disk_read_ratio);
    }
  }
}

TEST_CASE(
    "cluster: a storage cache shared by the nodes (disk cache, L3173) against the simulation") {
  // Shared B/T-like pages, private pages and a written scan; the cache sees storage reads,
  // write-backs of modified victims (NOFORCE) or commit writes (FORCE). Worst error printed.
  std::vector<cache::ReferenceStream> s{cache::independent_class("shared", 800, 0.002, 0.3),
                                        cache::independent_class("private", 3000, 0.0004, 0.5),
                                        cache::one_touch_stream("scan", 0.2, 1.0)};
  double worst = 0.0;
  for (int nodes : {1, 2, 4})
    for (bool nonvolatile : {true, false})
      for (auto strategy : {cache::WriteStrategy::noforce, cache::WriteStrategy::force})
        for (double items : {1500.0, 6000.0}) {  // below and above the pages ever read
          auto c = config(nodes, 200);
          c.storage_cache_items = items;
          CAPTURE(items);
          c.storage_cache_nonvolatile = nonvolatile;
          c.write_strategy = strategy;
          const auto a = cache::che_cluster(s, c);
          const auto m = cache::simulate_cluster(s, c, 1'200'000, 300'000, 17);
          CAPTURE(nodes);
          CAPTURE(nonvolatile);
          CAPTURE(cache::to_string(strategy));
          for (std::size_t i = 0; i < 2; ++i) {
            CAPTURE(i);
            const double err = std::abs(a.streams[i].storage_cache_hit_ratio -
                                        m.streams[i].storage_cache_hit_ratio);
            worst = std::max(worst, err);
            CHECK(err < 0.025);  // measured worst 2.2 points (n = 4, NOFORCE)
            CHECK(std::abs(a.streams[i].hit_ratio - m.streams[i].hit_ratio) < 0.015);
          }
          CHECK(a.streams[2].storage_cache_hit_ratio == 0.0);  // a scan never re-reads a page
        }
  MESSAGE("storage cache: worst hit-ratio error " << 100 * worst << " points");
}
