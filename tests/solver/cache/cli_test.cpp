// `tpeval cache` end to end: parsing errors (exit 2, named option or JSON path) and results that
// agree with the library.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <cmath>
#include <string>

#include "tests/support/cli_run.hpp"

namespace {
using tpeval::test::CliRun;

CliRun run(const std::string& arguments) {
  return tpeval::test::run_tpeval("cache " + arguments);
}
std::string write_temp(const std::string& name, const std::string& text) {
  return tpeval::test::write_scratch_file(name, text).string();
}
}  // namespace

TEST_CASE("cli cache: Debit-Credit on the command line reproduces the HS hit ratio (A9)") {
  const auto r = run(
      "--class 500:0.002:1 --repeat 1:1 --class 5000000:2e-7:1 --sequential 1:20:1 --buffer 2000 "
      "--format json");
  REQUIRE(r.exit_code == 0);
  const auto j = nlohmann::json::parse(r.out);
  CHECK(std::abs(100 * j.at("level1_hit_ratio").get<double>() - 72.5) <= 1.0);  // Tab. 6-7
  CHECK(j.at("streams").size() == 4);
}

TEST_CASE("cli cache: second level, simulation and table/csv output") {
  const std::string dc =
      "--class 500:0.002:1 --repeat 1:1 --class 5000000:2e-7:1 --sequential 1:20:1 --buffer 500 ";
  const auto table = run(dc + "--level2 eh --level2-size 1000 --policy all");
  REQUIRE(table.exit_code == 0);
  CHECK(table.out.find("L2 hit %") != std::string::npos);
  const auto csv = run(dc + "--level2 nv-cache --level2-size 1000 --format csv");
  REQUIRE(csv.exit_code == 0);
  CHECK(csv.out.rfind("stream,kind,rate,", 0) == 0);
  const auto sim = run(dc +
                       "--level2 eh --level2-size 1000 --method simulate --references 400000 "
                       "--warmup 100000 --format json");
  REQUIRE(sim.exit_code == 0);
  const double level2 = nlohmann::json::parse(sim.out).at("level2_hit_ratio").get<double>();
  CHECK(std::abs(100 * level2 - 11.0) <= 1.0);  // Tab. 6-7, NOFORCE EH 1000 at HS 500
}

TEST_CASE("cli cache: King and cluster methods") {
  const auto king =
      run("--class 1:0.4 --class 1:0.3 --class 1:0.2 --class 1:0.1 --buffer 2 "
          "--method king --format json");
  REQUIRE(king.exit_code == 0);
  CHECK(nlohmann::json::parse(king.out).at("hit_ratio").get<double>() ==
        doctest::Approx(0.58056).epsilon(1e-5));  // peers-and-formulas.md §3.4
  const auto cluster =
      run("--class 200:0.005:1 --one-touch 1:1 --sequential 1:20:1 --buffer 200 "
          "--nodes 2 --format json");
  REQUIRE(cluster.exit_code == 0);
  const auto j = nlohmann::json::parse(cluster.out);
  CHECK(std::abs(100 * j.at("streams")[0].at("hit_ratio").get<double>() - 34) <= 2);  // ch7 V09
}

TEST_CASE("cli cache: bad arguments name the option and exit 2") {
  auto r = run("--class 500:abc --buffer 10");
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("tpeval: error: --class 500:abc: expected ITEMS:RATE_PER_ITEM") !=
        std::string::npos);
  r = run("--class 500 --buffer 10");
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("--class 500:") != std::string::npos);
  r = run("--class 500:1");
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("--buffer: the buffer size is required") != std::string::npos);
  r = run("--class 500:1:1.5 --buffer 10");
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("write_fraction must be a probability") != std::string::npos);
  r = run("--class 500:1 --buffer 10 --level2 ssd --level2-size 5");
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("--level2: must be one of") != std::string::npos);
  r = run("--class 500:1 --buffer 10 --level2 eh");
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("--level2-size") != std::string::npos);
  r = run("--class 500:1 --buffer 10 --method magic");
  CHECK(r.exit_code == 2);
}

TEST_CASE("cli cache: JSON input with path-aware errors and unknown keys rejected") {
  const auto good = write_temp("good.json", R"({
    "buffer_items": 2000,
    "streams": [
      {"name": "BRANCH", "items": 500, "rate_per_item": 0.002, "write_fraction": 1},
      {"name": "TELLER", "kind": "repeat", "rate": 1, "write_fraction": 1},
      {"name": "ACCOUNT", "kind": "one-touch", "rate": 1, "write_fraction": 1},
      {"name": "HISTORY", "kind": "sequential", "rate": 1, "references_per_item": 20}
    ],
    "level2": {"kind": "eh", "items": 1000, "policy": "all"}
  })");
  const auto ok = run(good + " --format json");
  REQUIRE(ok.exit_code == 0);
  const auto j = nlohmann::json::parse(ok.out);
  CHECK(std::abs(100 * j.at("level2_hit_ratio").get<double>() - 1.1) <= 1.0);  // Tab. 6-7
  CHECK(j.at("streams")[1].at("name") == "TELLER");

  const std::string unknown =
      write_temp("unknown.json", R"({"buffer_items": 10, "streams": [{"items": 5,
      "rate_per_item": 1, "rate_per_itme": 2}]})");
  auto r = run(unknown);
  CHECK(r.exit_code == 2);
  CHECK(r.err.rfind("tpeval: error: " + unknown + ": streams[0]", 0) == 0);  // names the file
  CHECK(r.err.find("streams[0]") != std::string::npos);
  CHECK(r.err.find("rate_per_itme") != std::string::npos);
  r = run(write_temp("range.json",
                     R"({"buffer_items": 10, "streams": [{"items": 5, "rate_per_item": -1}]})"));
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("streams[0].rate_per_item") != std::string::npos);
  r = run(write_temp("level2.json", R"({"buffer_items": 10, "streams": [{"items": 5,
      "rate_per_item": 1}], "level2": {"kind": "tape", "items": 3}})"));
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("level2.kind") != std::string::npos);
  r = run("/nonexistent/cache.json");
  CHECK(r.exit_code == 2);
}

TEST_CASE("cli cache: the cost limits refuse up front and name the file (issue #16)") {
  // King over 18 items with a buffer of 5 enumerates 18·17·16·15·14 = 1,028,160 stack states
  // (10^5 at most); a buffer of 4 (73,440) is still exact. The solver's error names the file.
  const auto king = [&](int buffer) {
    return write_temp("king" + std::to_string(buffer) + ".json",
                      R"({"buffer_items": )" + std::to_string(buffer) +
                          R"(, "streams": [{"items": 18, "rate_per_item": 1}], "method": "king"})");
  };
  auto r = run(king(4) + " --format json");
  CHECK(r.exit_code == 0);
  const std::string big = king(5);
  r = run(big);
  CHECK(r.exit_code == 2);
  CHECK(r.err.rfind("tpeval: error: " + big + ": buffer_items: King's exact method", 0) == 0);
  CHECK(r.err.find("limit 10^5") != std::string::npos);
  // A cluster of more than 1,024 nodes (O(nodes^2) per iteration), in the file and as an option.
  const std::string nodes = write_temp(
      "nodes.json",
      R"({"buffer_items": 10, "streams": [{"items": 100, "rate_per_item": 1, "shared": true}],
          "cluster": {"nodes": 1025}})");
  r = run(nodes);
  CHECK(r.exit_code == 2);
  CHECK(r.err.find(nodes + ": cluster.nodes") != std::string::npos);
  r = run("--class 100:1 --buffer 10 --nodes 100000");
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("--nodes: must be in [1, 1024]") != std::string::npos);
}
