// Che approximation and King's exact method (peers-and-formulas.md §3.4; ch6-5.md A8/A9).
#include <doctest/doctest.h>

#include <chrono>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "debit_credit.hpp"
#include "solver/cache/che.hpp"
#include "solver/cache/king.hpp"
#include "solver/cache/lru_simulator.hpp"
#include "solver/io/json_input.hpp"
#include "tests/support/input_error.hpp"

using tpeval::testing::error_of;

namespace cache = tpeval::solver::cache;

namespace {
std::vector<double> zipf(int items, double exponent) {
  std::vector<double> p;
  for (int i = 1; i <= items; ++i) p.push_back(1.0 / std::pow(i, exponent));
  return p;
}
std::vector<cache::ReferenceStream> single_items(const std::vector<double>& p) {
  std::vector<cache::ReferenceStream> s;
  for (std::size_t i = 0; i < p.size(); ++i)
    s.push_back(cache::independent_class("item" + std::to_string(i), 1, p[i]));
  return s;
}
double che_hit(const std::vector<double>& p, double buffer) {
  return cache::che_lru(single_items(p), buffer).hit_ratio;
}
}  // namespace

TEST_CASE("king: exact LRU check values of peers-and-formulas §3.4") {
  const std::vector<double> p{0.4, 0.3, 0.2, 0.1};
  CHECK(cache::king_lru_hit_ratio(p, 2) == doctest::Approx(0.58056).epsilon(1e-5));
  CHECK(cache::king_lru_hit_ratio(zipf(8, 0.8), 3) == doctest::Approx(0.47877).epsilon(1e-5));
  // Trivial bounds: an empty buffer never hits, a buffer holding everything always does.
  CHECK(cache::king_lru_hit_ratio(p, 0) == 0.0);
  CHECK(cache::king_lru_hit_ratio(p, 4) == 1.0);
  // Per-class attribution sums back to the total.
  const auto per_item = cache::king_stream_hit_ratios(single_items(p), 2);
  double total = 0.0;
  for (std::size_t i = 0; i < p.size(); ++i) total += p[i] * per_item[i];
  CHECK(total == doctest::Approx(0.58056).epsilon(1e-5));
  CHECK(per_item[0] > per_item[3]);  // hotter items are buffered more often
}

TEST_CASE("king: more than 10^5 stack states are refused up front (issue #16)") {
  const std::vector<double> p(18, 1.0);  // 18 items: C = 4 -> 73,440 states, C = 5 -> 1,028,160
  CHECK(cache::king_lru_hit_ratio(p, 4) == doctest::Approx(4.0 / 18.0));
  CHECK_THROWS_AS(cache::king_lru_hit_ratio(p, 5), tpeval::io::InputError);
  CHECK_THROWS_AS(cache::king_stream_hit_ratios({cache::independent_class("a", 18, 1.0)}, 5),
                  tpeval::io::InputError);
}

TEST_CASE("che: close to King on the check cases (§3.4: 0.57301 and 0.47491)") {
  CHECK(che_hit({0.4, 0.3, 0.2, 0.1}, 2) == doctest::Approx(0.57301).epsilon(1e-4));
  CHECK(che_hit(zipf(8, 0.8), 3) == doctest::Approx(0.47491).epsilon(1e-4));
  CHECK(std::abs(che_hit(zipf(8, 0.8), 3) - cache::king_lru_hit_ratio(zipf(8, 0.8), 3)) < 0.01);
}

TEST_CASE("che: a uniform class of 10^8 items gives exactly C/N and costs O(1)") {
  const auto start = std::chrono::steady_clock::now();
  const std::vector<cache::ReferenceStream> s{cache::independent_class("huge", 1e8, 2.5e-8, 0.0)};
  const auto r = cache::che_lru(s, 12'345);
  const double elapsed_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  CHECK(r.hit_ratio == doctest::Approx(12'345 / 1e8).epsilon(1e-9));
  CHECK(r.streams[0].occupancy_items == doctest::Approx(12'345).epsilon(1e-12));
  CHECK(elapsed_s < 0.01);
}

TEST_CASE("che: everything fits -> infinite characteristic time, all hits, empty buffer -> none") {
  const std::vector<cache::ReferenceStream> s{cache::independent_class("a", 10, 1.0),
                                              cache::independent_class("b", 30, 0.1),
                                              cache::repeat_stream("again", 1.0)};
  const auto all = cache::che_lru(s, 40);
  CHECK(all.all_items_fit);
  CHECK(std::isinf(all.characteristic_time));
  CHECK(all.hit_ratio == 1.0);
  const auto none = cache::che_lru(s, 0);
  CHECK(none.hit_ratio == 0.0);
  // Monotone in the buffer size.
  double previous = 0.0;
  for (double c : {1.0, 5.0, 10.0, 20.0, 39.0}) {
    const double h = cache::che_lru(s, c).hit_ratio;
    CHECK(h > previous);
    previous = h;
  }
}

TEST_CASE("che: Debit-Credit HS hit ratios of Tab. 6-7 within 1.0 point (A9)") {
  for (std::size_t j = 0; j < dc::kHsSizes.size(); ++j) {
    const auto r = cache::che_lru(dc::streams(), dc::kHsSizes[j]);
    CAPTURE(dc::kHsSizes[j]);
    CHECK(std::abs(100.0 * r.hit_ratio - dc::kHsHit[j]) <= 1.0);
    // A8: TELLER always hits, ACCOUNT practically never, HISTORY 19 of 20.
    CHECK(r.streams[1].hit_ratio == 1.0);
    CHECK(r.streams[2].hit_ratio < 0.001);
    CHECK(r.streams[3].hit_ratio == doctest::Approx(0.95).epsilon(1e-3));
  }
  // V39: beyond 2000 pages no notable improvement; the ceiling is (1 + 0.95 + 1 + 0) / 4.
  CHECK(100.0 * cache::che_lru(dc::streams(), 5000).hit_ratio ==
        doctest::Approx(73.75).epsilon(0.002));
}

TEST_CASE("che: sequential, one-touch and repeat streams match the exact simulation") {
  const std::vector<cache::ReferenceStream> s{
      cache::independent_class("hot", 200, 0.01), cache::independent_class("warm", 5000, 0.0002),
      cache::one_touch_stream("scan", 1.0), cache::sequential_stream("append", 0.5, 8),
      cache::repeat_stream("again", 0.3)};
  for (double buffer : {100.0, 400.0, 1500.0}) {
    const auto analytic = cache::che_lru(s, buffer);
    cache::HierarchyConfig config;
    config.level1_items = buffer;
    const auto simulated = cache::simulate_hierarchy(s, config, 3'000'000, 500'000, 11);
    CAPTURE(buffer);
    for (std::size_t i = 0; i < s.size(); ++i) {
      CAPTURE(s[i].name);
      CHECK(std::abs(analytic.streams[i].hit_ratio - simulated.streams[i].level1_hit_ratio) < 0.01);
    }
    CHECK(analytic.streams[2].hit_ratio == 0.0);  // one-touch items never hit
    CHECK(analytic.streams[4].hit_ratio == 1.0);  // immediate re-references always hit
  }
}

TEST_CASE("che: lean item classes agree with streams, bad input names the field") {
  std::vector<cache::ItemClass> classes{{100, 0.5}, {1000, 0.01}, {1e6, 1e-6}};
  std::vector<cache::ReferenceStream> streams;
  for (const auto& c : classes)
    streams.push_back(cache::independent_class("c", c.item_count, c.rate_per_item));
  CHECK(cache::lru_hit_ratio(classes, 500) ==
        doctest::Approx(cache::che_lru(streams, 500).hit_ratio).epsilon(1e-12));
  auto bad = streams;
  bad[1].item_count = 0.5;
  CHECK(error_of([&] { cache::che_lru(bad, 10); }) ==
        "streams[1].item_count: must be a finite number >= 1");
  bad = streams;
  bad[2].reference_rate = std::numeric_limits<double>::quiet_NaN();
  CHECK(error_of([&] { cache::che_lru(bad, 10); }) ==
        "streams[2].reference_rate: must be a finite number >= 0");
  CHECK(error_of([&] { cache::che_lru(streams, -1); }) ==
        "buffer_items: must be a finite number >= 0");
  CHECK(error_of([&] { cache::che_lru({}, 1); }) ==
        "streams: must list at least one reference stream");
}
