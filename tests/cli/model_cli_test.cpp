// `tpeval eval`, `tpeval whatif` and `tpeval model` end to end: runs the built executable
// (TPEVAL_BINARY) and checks exit codes, key numbers and error messages.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "tests/support/cli_run.hpp"

namespace fs = std::filesystem;

namespace {
using Run = tpeval::test::CliRun;
using tpeval::test::run_tpeval;
}  // namespace

TEST_CASE("tpeval eval evaluates the embedded default in every format") {
  const Run table = run_tpeval("eval");
  CHECK(table.exit_code == 0);
  CHECK(table.out.find("Debit-Credit") != std::string::npos);
  CHECK(table.out.find("Maximum sustainable throughput") != std::string::npos);
  CHECK(table.out.find("nan") == std::string::npos);

  const Run json = run_tpeval("eval --format json");
  REQUIRE(json.exit_code == 0);
  const auto j = nlohmann::json::parse(json.out);
  CHECK(j["saturated"] == false);
  CHECK(j["arrival_rate_per_s"] == 100.0);
  CHECK(j["hit_ratios"]["hs"].get<double>() > 0.7);
  CHECK(j["max_throughput_per_s"].get<double>() > 180.0);
  CHECK(j["transaction_types"][0]["response_time_s"].get<double>() > 0.0);

  const Run csv = run_tpeval("eval --format csv");
  CHECK(csv.exit_code == 0);
  CHECK(csv.out.rfind("section,name,metric,unit,value", 0) == 0);
  CHECK(csv.out.find("system,") != std::string::npos);
}

TEST_CASE("tpeval eval reads a model file and states saturation plainly") {
  const fs::path file = tpeval::test::scratch_dir() / "saturated.json";
  auto doc = nlohmann::json::parse(run_tpeval("model --print-default").out);
  doc["workload"]["arrival_rate_per_s"] = 500;  // beyond the single log disk (200 TPS)
  std::ofstream(file) << doc.dump();
  const Run r = run_tpeval("eval '" + file.string() + "'");
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("SATURATED - bottleneck log_disk.disk") != std::string::npos);
  const Run j = run_tpeval("eval '" + file.string() + "' --format json");
  const auto jj = nlohmann::json::parse(j.out);
  CHECK(jj["saturated"] == true);
  CHECK(jj["mean_response_time_s"].is_null());
}

TEST_CASE("tpeval model prints the default, the examples and the schema") {
  const Run d = run_tpeval("model --print-default");
  CHECK(d.exit_code == 0);
  CHECK(nlohmann::json::parse(d.out)["nodes"][0]["cpu"]["count"] == 4);
  const Run s = run_tpeval("model --schema");
  CHECK(s.exit_code == 0);
  CHECK(nlohmann::json::parse(s.out)["title"] == "tpeval transaction-processing system model");
  CHECK(run_tpeval("model --example lock_experiment").exit_code == 0);
  CHECK(run_tpeval("model --example nope").exit_code == 2);
}

TEST_CASE("tpeval whatif --set changes a parameter by its path") {
  const Run r = run_tpeval(
      "whatif --set workload.arrival_rate_per_s=300 --set "
      "nodes[0].log.device=ssd --format json");
  REQUIRE(r.exit_code == 0);
  const auto j = nlohmann::json::parse(r.out);
  CHECK(j[0]["arrival_rate_per_s"] == 300.0);
  CHECK(j[0]["throughput_per_s"] == 300.0);
  CHECK(j[0]["bottleneck"].is_null());
}

TEST_CASE("tpeval whatif --sweep tabulates one or two parameters") {
  const Run one = run_tpeval("whatif --sweep workload.arrival_rate_per_s=50:250:50 --format csv");
  REQUIRE(one.exit_code == 0);
  std::istringstream lines(one.out);
  std::string line;
  int count = 0;
  while (std::getline(lines, line)) ++count;
  CHECK(count == 6);  // header + 5 rows
  // 200 and 250 TPS exceed the log disk: no throughput or response time (empty), the bottleneck.
  CHECK(one.out.find("\n200,200,,,log_disk.disk,") != std::string::npos);
  const Run two = run_tpeval(
      "whatif --sweep workload.arrival_rate_per_s=50:100:50 --sweep "
      "nodes[0].buffer.pages=500:2000:500 "
      "--format json");
  REQUIRE(two.exit_code == 0);
  const auto j = nlohmann::json::parse(two.out);
  CHECK(j.size() == 8);
  // A larger buffer never lowers the HS hit ratio.
  CHECK(j[3]["hs_hit_pct"].get<double>() > j[0]["hs_hit_pct"].get<double>());
}

TEST_CASE("tpeval whatif --compare puts variants side by side") {
  const Run r = run_tpeval(
      "whatif --compare policies.update_strategy=force "
      "--compare 'nodes[0].log.device=extended_memory;nodes[0].buffer.pages=4000'"
      " --format json");
  REQUIRE(r.exit_code == 0);
  const auto j = nlohmann::json::parse(r.out);
  REQUIRE(j.size() == 3);
  CHECK(j[0]["variant"] == "base");
  CHECK(j[1]["writes_per_tx"].get<double>() > j[0]["writes_per_tx"].get<double>() + 1.5);
  CHECK(j[2]["response_time_ms"].get<double>() < j[0]["response_time_ms"].get<double>());
  // The default's limit is the log disk alone: lock waits are not a material share of the
  // response time there (issue #13).
  CHECK(j[0]["limited_by"] == "log_disk.disk");

  // With DB and log on SSD the CPU limits, and lock waits are material: JSON keeps the whole
  // explanation of what limits the throughput ...
  const std::string ssd =
      " --set 'database.partitions[BRANCH].allocation.device=ssd'"
      " --set 'database.partitions[TELLER].allocation.device=ssd'"
      " --set 'database.partitions[ACCOUNT].allocation.device=ssd'"
      " --set 'database.partitions[HISTORY].allocation.device=ssd' --set nodes[0].log.device=ssd";
  const Run js = run_tpeval("whatif --compare policies.update_strategy=force --format json" + ssd);
  REQUIRE(js.exit_code == 0);
  const std::string limited = nlohmann::json::parse(js.out)[0]["limited_by"];
  CHECK(limited.rfind("cpu (", 0) == 0);

  // ... while the table names only the bottleneck in its cells and explains it once below.
  const Run table = run_tpeval("whatif --compare policies.update_strategy=force" + ssd);
  REQUIRE(table.exit_code == 0);
  CHECK(table.out.find(limited) == std::string::npos);
  const std::string why = "\nWhy:\n  cpu: " + limited.substr(5, limited.size() - 6);
  CHECK(table.out.find(why) != std::string::npos);
  const auto row = table.out.find("\nlimited_by ");
  REQUIRE(row != std::string::npos);
  const std::string line = table.out.substr(row + 1, table.out.find('\n', row + 1) - row - 1);
  CHECK(line.find("cpu") != std::string::npos);
  CHECK(line.find('(') == std::string::npos);
}

TEST_CASE("tpeval whatif: an unknown path names the closest valid path, exit 2") {
  const Run r = run_tpeval("whatif --set workload.arrival_rate=300");
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("tpeval: error: workload.arrival_rate: unknown parameter 'arrival_rate'; the "
                   "closest valid path is 'workload.arrival_rate_per_s'") != std::string::npos);
  const Run s = run_tpeval("whatif --sweep nodes[0].bufer.pages=1:2:1");
  CHECK(s.exit_code == 2);
  CHECK(s.err.find("'nodes[0].buffer'") != std::string::npos);
  const Run v = run_tpeval("whatif --set nodes[0].cpu.count=0");
  CHECK(v.exit_code == 2);
  CHECK(v.err.find("nodes[0].cpu.count: must be a positive integer") != std::string::npos);
  const Run f = run_tpeval("eval /nonexistent/model.json");
  CHECK(f.exit_code == 2);
  // io::read_json_file names the file already; the file name must not appear twice.
  CHECK(f.err == "tpeval: error: /nonexistent/model.json: cannot open file\n");
}

TEST_CASE("eval, whatif, simulate and validate name the model file in input errors, exit 2") {
  // The same message as `tpeval solve FILE`: "FILE: JSON path: reason" (cli/command.hpp).
  auto doc = nlohmann::json::parse(run_tpeval("model --print-default").out);
  doc.erase("nodes");
  const std::string file = tpeval::test::write_scratch_file("no_nodes.json", doc.dump()).string();
  const std::string expected = "tpeval: error: " + file + ": nodes: is required\n";
  for (const std::string& command :
       {"eval '" + file + "'", "eval '" + file + "' --format json",
        "whatif '" + file + "' --set workload.arrival_rate_per_s=300",
        "whatif '" + file + "' --sweep workload.arrival_rate_per_s=50:100:50",
        "whatif '" + file + "' --compare workload.arrival_rate_per_s=50", "simulate '" + file + "'",
        "validate '" + file + "'"}) {
    const Run r = run_tpeval(command);
    INFO(command);
    CHECK(r.exit_code == 2);
    CHECK(r.err == expected);
  }
  // A value that --set makes invalid is still reported against the file it was applied to.
  const fs::path good =
      tpeval::test::write_scratch_file("good.json", run_tpeval("model --print-default").out);
  const Run v = run_tpeval("whatif '" + good.string() + "' --set nodes[0].cpu.count=0");
  CHECK(v.exit_code == 2);
  CHECK(v.err.rfind("tpeval: error: " + good.string() + ": nodes[0].cpu.count: must be", 0) == 0);
  // A malformed file is named once, by the reader.
  const fs::path broken = tpeval::test::write_scratch_file("broken.json", "{\"nodes\": [");
  const Run b = run_tpeval("whatif '" + broken.string() + "'");
  CHECK(b.exit_code == 2);
  CHECK(b.err.rfind("tpeval: error: " + broken.string() + ": malformed JSON at line 1", 0) == 0);
}

TEST_CASE("study names the study file in input errors, exit 2") {
  const fs::path study = tpeval::test::write_scratch_file(
      "bad_study.json",
      R"({"name": "s", "configurations": [{"name": "base"}], "metrics": ["hs_hit_pc"]})");
  const Run r = run_tpeval("study '" + study.string() + "' --out '" +
                           (tpeval::test::scratch_dir() / "study_out").string() + "'");
  CHECK(r.exit_code == 2);
  CHECK(r.err.rfind("tpeval: error: " + study.string() + ": metrics[0]: unknown metric", 0) == 0);
}
