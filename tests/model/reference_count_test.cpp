// The reference count's law (model/reference_count.hpp) against the simulator's draw.
#include <doctest/doctest.h>

#include <cmath>
#include <map>

#include "model/reference_count.hpp"

using namespace tpeval::model;

namespace {

TransactionType drawn(double mean, double scv) {
  TransactionType t;
  t.references = mean;
  t.reference_count.scv = scv;
  return t;
}

double law_mean(const std::vector<CountClass>& classes, double* total = nullptr) {
  double mean = 0.0, sum = 0.0;
  for (const auto& c : classes) {
    mean += c.probability * c.references;
    sum += c.probability;
  }
  if (total) *total = sum;
  return mean;
}

}  // namespace

TEST_CASE("reference count law: the simulator's rounded draws, value by value") {
  for (const double scv : {0.3, 0.5, 1.0, 1.5, 4.0}) {
    CAPTURE(scv);
    const TransactionType type = drawn(4.0, scv);
    const auto classes = count_classes(type);
    REQUIRE(classes.size() <= kMaxCountClasses);
    double total = 0.0;
    CHECK(law_mean(classes, &total) == doctest::Approx(4.0).epsilon(1e-6));
    CHECK(total == doctest::Approx(1.0).epsilon(1e-9));
    // 4 x 10^5 draws of the simulator's rule.
    const ReferenceCountDraw draw(type);
    tpeval::solver::des::RandomStream stream(7, "reference_count_test");
    constexpr int kDraws = 400000;
    std::map<std::size_t, int> seen;
    double half_powers = 0.0;
    for (int i = 0; i < kDraws; ++i) {
      const std::size_t k = draw.draw(stream);
      ++seen[k];
      half_powers += std::pow(0.5, static_cast<double>(k));
    }
    for (const auto& c : classes) {
      if (c.references != std::floor(c.references)) continue;  // a grouped tail class
      const double p = c.probability;
      const double observed = seen[static_cast<std::size_t>(c.references)] / double(kDraws);
      CAPTURE(c.references);
      CHECK(std::abs(observed - p) <= 5.0 * std::sqrt(p * (1.0 - p) / kDraws) + 1e-5);
    }
    CHECK(count_generating_function(type, 0.5) ==
          doctest::Approx(half_powers / kDraws).epsilon(0.01));
  }
  // Before issue #13 the lock model took a two-point law: at SCV 1.5 counts 0 and 10 only; the
  // law has P(K = 0) of about 0.13 and a tail beyond 20 references.
  const auto classes = count_classes(drawn(4.0, 1.5));
  CHECK(classes.front().references == 0.0);
  CHECK(classes.front().probability == doctest::Approx(0.13).epsilon(0.1));
  CHECK(classes.back().references > 20.0);
}

TEST_CASE("reference count law: wide laws grouped into at most kMaxCountClasses classes") {
  for (const auto& law : {std::pair{1000.0, 0.5}, std::pair{50.0, 100.0}, std::pair{1e6, 2.0},
                          std::pair{300.0, 0.001}}) {
    // (no structured binding: clang 14 cannot capture one in CAPTURE's lambda)
    const double mean = law.first;
    const double scv = law.second;
    CAPTURE(mean);
    CAPTURE(scv);
    const auto classes = count_classes(drawn(mean, scv));
    REQUIRE(classes.size() <= kMaxCountClasses);
    REQUIRE(classes.size() >= 2);
    double total = 0.0;
    // (the draw stops at 10^6 references: the law's mean is that of the capped draw)
    CHECK(law_mean(classes, &total) <= mean * (1.0 + 1e-6));
    CHECK(law_mean(classes, &total) >= (mean < 1e5 ? mean * (1.0 - 1e-6) : 0.5 * mean));
    CHECK(total == doctest::Approx(1.0).epsilon(1e-9));
    for (std::size_t i = 1; i < classes.size(); ++i)
      CHECK(classes[i].references > classes[i - 1].references);
  }
}

TEST_CASE("reference count law: listed values and fixed counts") {
  TransactionType listed;
  listed.references = 4.5;
  listed.reference_count.values = {2, 4, 8};
  listed.reference_count.probabilities = {0.25, 0.5, 0.25};
  const auto classes = count_classes(listed);
  REQUIRE(classes.size() == 3);
  CHECK(classes[2].references == 8.0);
  CHECK(classes[2].probability == 0.25);
  CHECK(count_generating_function(listed, 0.5) ==
        doctest::Approx(0.25 * 0.25 + 0.5 / 16.0 + 0.25 / 256.0));
  // Many listed values: grouped, mean kept.
  TransactionType many;
  double mean = 0.0;
  for (int v = 0; v < 1000; ++v) {
    many.reference_count.values.push_back(v);
    many.reference_count.probabilities.push_back(1.0 / 1000.0);
    mean += v / 1000.0;
  }
  many.references = mean;
  const auto grouped = count_classes(many);
  CHECK(grouped.size() <= kMaxCountClasses);
  CHECK(law_mean(grouped) == doctest::Approx(mean));
  // A fixed mean of 4.5: floor and ceiling, as the simulator rounds it.
  TransactionType fixed;
  fixed.references = 4.5;
  const auto two = count_classes(fixed);
  REQUIRE(two.size() == 2);
  CHECK(two[0].references == 4.0);
  CHECK(two[1].probability == doctest::Approx(0.5));
  fixed.references = 4.0;
  CHECK(count_classes(fixed).size() == 1);
}
