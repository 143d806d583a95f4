// The streamed evaluation document (model::write_json) is the tree-built one (model::to_json)
// printed by nlohmann, byte for byte: nulls of saturated points, clusters, closed workloads,
// many transaction types (owner names whose order differs from their numbers').
#include <doctest/doctest.h>

#include <sstream>
#include <string>

#include "model/metrics_registry.hpp"
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
  SUBCASE("devices out of order and one named twice: sorted, the last value kept") {
    Evaluation e = eval_default({});
    REQUIRE(!e.types.empty());
    e.types[0].breakdown.io_s = {{"log_disk", 0.25}, {"db_disks", 0.5}, {"log_disk", 0.75}};
    check_same_document(e);
    CHECK(to_json(e)["transaction_types"][0]["breakdown"]["io_s"]["log_disk"] == 0.75);
  }
  SUBCASE("120 types: owners T10 before T2, as std::map orders them") {
    const auto e = eval(repeated_types(120), false);
    REQUIRE(e.types.size() == 120);
    check_same_document(e);
  }
}

TEST_CASE("result_json: metric names compared piece by piece sort as the built strings do") {
  // Owner names with bytes just below and above ':' (0x3a) after a common prefix: the streamed
  // listing, which never builds "name:owner", must still come in the strings' byte order.
  nlohmann::json doc = repeated_types(7);
  const char* names[] = {"T", "T 1", "T:1", "T;1", "T_1", "t", "T:"};
  for (int k = 0; k < 7; ++k) doc["workload"]["transaction_types"][k]["name"] = names[k];
  const auto e = eval(doc, false);
  REQUIRE(e.types.size() == 7);
  check_same_document(e);
}

TEST_CASE("metrics_registry: no metric name has a ':' (NAME:OWNER splits at the first)") {
  // write_metrics_json orders the listing by "name" / "name:" and then the owner, which is the
  // order of the full names only when no name has a ':'.
  std::size_t with_colon = 0;
  for (const auto& m : metric_registry())
    if (m.name.find(':') != std::string::npos) ++with_colon;
  CHECK(with_colon == 0);
}

TEST_CASE("metrics_registry: the listing without names visits all_analytic_metrics in order") {
  const auto e = eval(repeated_types(30), false);
  const auto all = all_analytic_metrics(e);
  CHECK(analytic_metric_count(e) == all.size());
  std::size_t visited = 0;
  std::size_t mismatches = 0;
  for_each_analytic_metric(
      e, [&](const MetricSpec& m, const std::string& owner, std::optional<double> value) {
        if (visited >= all.size() || all[visited].spec != &m || all[visited].owner != owner ||
            all[visited].value != value || all[visited].name != metric_full_name(m, owner))
          ++mismatches;
        ++visited;
      });
  CHECK(visited == all.size());
  CHECK(mismatches == 0);
  // The listing finds each owner by position; a lookup by name (a scan) gives the same values.
  std::size_t differ = 0;
  for (const auto& m : all)
    if (analytic_metric(e, m.name) != m.value) ++differ;
  CHECK(differ == 0);
}
