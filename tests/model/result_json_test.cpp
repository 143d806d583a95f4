// The streamed evaluation document (model::write_json) is the tree-built one (model::to_json)
// printed by nlohmann, byte for byte: nulls of saturated points, clusters, closed workloads,
// many transaction types (owner names whose order differs from their numbers').
#include <doctest/doctest.h>

#include <sstream>
#include <string>

#include "model/result_json.hpp"
#include "scenarios.hpp"

using namespace tpeval::model;
using namespace tpeval::model::testing;

namespace {

/// Streamed and tree-built text of one evaluation; the streamed text also parses to the tree.
void check_same_document(const Evaluation& e) {
  std::ostringstream out;
  write_json(e, out);
  const nlohmann::json tree = to_json(e);
  CHECK(out.str() == tree.dump(2));
  CHECK(nlohmann::json::parse(out.str()) == tree);
  std::ostringstream metrics;
  tpeval::io::JsonStreamWriter writer(metrics, 2);
  write_metrics_json(e, writer);
  writer.finish();
  CHECK(metrics.str() == metrics_json(e).dump(2));
}

}  // namespace

TEST_CASE("result_json: the streamed document is the tree's text, nulls of saturation included") {
  SUBCASE("the default") {
    check_same_document(eval_default({}));
  }
  SUBCASE("saturated: no response times, no throughput") {
    const auto e = eval_default({{"workload.arrival_rate_per_s", 1000}});
    REQUIRE(e.saturated);
    check_same_document(e);
    std::ostringstream out;
    write_json(e, out);
    const auto doc = nlohmann::json::parse(out.str());
    CHECK(doc["throughput_per_s"].is_null());
    CHECK(doc["metrics"]["response_time_ms"]["value"].is_null());
  }
  SUBCASE("page-locked HISTORY") {
    check_same_document(eval_default({{"database.partitions[HISTORY].lock_granularity", "page"}}));
  }
  SUBCASE("no maximum throughput asked") {
    check_same_document(eval_default({}, false));
  }
  SUBCASE("real load") {
    check_same_document(eval(example("real_load.json")));
  }
  SUBCASE("lock experiment") {
    check_same_document(eval(example("lock_experiment.json")));
  }
  SUBCASE("a 5-node cluster") {
    const auto e = eval(with(example("debit_credit_cluster.json"), {{"cluster.nodes", 5}}));
    REQUIRE(e.nodes.size() == 5);
    check_same_document(e);
  }
  SUBCASE("terminals") {
    check_same_document(eval_default({{"workload.arrival_rate_per_s", nullptr},
                                      {"workload.terminals", 1000},
                                      {"workload.think_time_ms", 10000}}));
  }
  SUBCASE("120 types: owners T10 before T2, as std::map orders them") {
    const auto e = eval(repeated_types(120), false);
    REQUIRE(e.types.size() == 120);
    check_same_document(e);
  }
}
