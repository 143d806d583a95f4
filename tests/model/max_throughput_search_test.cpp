// The maximum-throughput search (model/evaluate.cpp max_sustainable_rate) finds the plain
// bisection's limit, bottleneck and outputs in fewer full solves when the station loads limit,
// and at most one solve more when locks or the MPL limit first (issue #16).
#include <doctest/doctest.h>

#include <fstream>
#include <string>

#include "model/result_json.hpp"
#include "scenarios.hpp"

using namespace tpeval::model;
using namespace tpeval::model::testing;

namespace {

nlohmann::json example(const std::string& name) {
  std::ifstream in(std::string(TPEVAL_SOURCE_DIR) + "/examples/models/" + name);
  return nlohmann::json::parse(in);
}

struct Searched {
  Evaluation evaluation;
  int solves = 0;
};

Searched search(const nlohmann::json& doc, bool plain) {
  Searched s;
  EvaluateOptions o;
  o.plain_max_throughput_search = plain;
  o.max_throughput_solves = &s.solves;
  s.evaluation = evaluate(parse_model(doc), o);
  return s;
}

/// Both searches on one model; returns {plain solves, new solves}.
std::pair<int, int> compare_searches(const nlohmann::json& doc) {
  const Searched plain = search(doc, true);
  const Searched fast = search(doc, false);
  REQUIRE(plain.evaluation.max_throughput_per_s);
  REQUIRE(fast.evaluation.max_throughput_per_s);
  const double limit = *plain.evaluation.max_throughput_per_s;
  // The bisection's tolerance is 1e-5 of its bracket; the search takes the same steps, so the
  // limit is the same number, and so is every output.
  CHECK(*fast.evaluation.max_throughput_per_s == doctest::Approx(limit).epsilon(1e-5));
  CHECK(*fast.evaluation.max_throughput_per_s == limit);
  CHECK(fast.evaluation.max_throughput_limited_by == plain.evaluation.max_throughput_limited_by);
  CHECK(to_json(fast.evaluation) == to_json(plain.evaluation));
  CHECK(fast.solves <= plain.solves + 1);
  MESSAGE(plain.evaluation.max_throughput_limited_by << ": " << plain.solves << " -> "
                                                     << fast.solves << " solves");
  return {plain.solves, fast.solves};
}

}  // namespace

TEST_CASE("max throughput search: station-limited models take one full solve, not one per step") {
  for (const auto& doc :
       {default_model(), example("real_load.json"), example("debit_credit_cluster.json"),
        with(example("debit_credit_cluster.json"), {{"cluster.nodes", 5}}),
        with(default_model(), {{"workload.arrival_rate_per_s", 1000}})}) {
    const auto solves = compare_searches(doc);
    CHECK(solves.second == 1);
    CHECK(solves.first >= 10);
  }
}

TEST_CASE("max throughput search: limited by locks or the MPL, the plain bisection's answer") {
  for (const auto& doc :
       {with(default_model(), {{"database.partitions[HISTORY].lock_granularity", "page"}}),
        with(default_model(), {{"policies.mpl", 1}}), example("lock_experiment.json")})
    compare_searches(doc);
}
