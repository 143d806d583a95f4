// Studies on a cluster: `tpeval study --shard K/N` on every shard, then `--merge`, gives the
// files of one run on one machine byte for byte (analytic and simulated points); broken shard
// sets are refused with the file and the reason (exit 2).
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "model/study/shard.hpp"
#include "model/study/study.hpp"
#include "tests/support/cli_run.hpp"
#include "tests/support/input_error.hpp"

namespace st = tpeval::model::study;
using nlohmann::json;
using tpeval::test::run_tpeval;
using tpeval::test::slurp;
using tpeval::testing::error_of;
namespace fs = std::filesystem;

namespace {

// Two log allocations x three arrival rates, simulated as well (common random numbers: one seed),
// with a coarse precision so the six simulations are quick. Six points over four shards leave the
// shards unequal (2, 2, 1, 1 points).
json sharded_study() {
  return json::parse(R"({
    "name": "sharded",
    "configurations": [
      {"name": "disk_log", "overrides": {"nodes[0].log.device": "log_disk"}},
      {"name": "ssd_log", "label": "SSD log", "overrides": {"nodes[0].log.device": "ssd"}}
    ],
    "sweep": [{"name": "rate", "parameter": "workload.arrival_rate_per_s", "values": [50, 80, 120]}],
    "metrics": ["response_time_ms", "throughput_per_s", "hs_hit_pct"],
    "mode": "both",
    "simulation": {"seed": 7, "precision": 0.2, "max_time_s": 300, "max_wall_time_s": 600},
    "expectations": [
      {"id": "T1", "source": "test", "statement": "SSD log faster", "kind": "ordering",
       "metric": "response_time_ms", "configurations": ["ssd_log", "disk_log"]}
    ]
  })");
}

fs::path fresh_dir(const std::string& name) {
  const fs::path dir = tpeval::test::scratch_dir() / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

}  // namespace

TEST_CASE("study shards: merging 4 shards gives the files of a single run, byte for byte") {
  const fs::path dir = fresh_dir("shards");
  std::ofstream(dir / "s.json") << sharded_study().dump(2);
  const std::string study = (dir / "s.json").string();
  const auto single = run_tpeval("study " + study + " --jobs 2 --out " + (dir / "single").string());
  REQUIRE(single.exit_code == 0);
  // Shards 1, 3 and 4 share a directory, shard 2 has its own: both layouts merge.
  for (const char* k : {"1", "2", "3", "4"}) {
    const std::string out = (dir / (std::string(k) == "2" ? "b" : "a")).string();
    const auto r = run_tpeval("study " + study + " --jobs 1 --shard " + k + "/4 --out " + out);
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    CHECK(fs::exists(out + "/shard-" + k + "-of-4.json"));
    CHECK_FALSE(fs::exists(out + "/results.csv"));
  }
  const auto shard1 = json::parse(slurp(dir / "a" / "shard-1-of-4.json"));
  REQUIRE(shard1.at("points").size() == 2);
  CHECK(shard1["points"][0]["index"] == 0);
  CHECK(shard1["points"][1]["index"] == 4);
  // Every point has a simulated estimate, so the comparison below covers simulated values.
  for (const auto& p : shard1["points"])
    CHECK(p["result"]["simulated"]["metrics"].contains("response_time_ms"));

  const auto merged = run_tpeval("study --merge " + (dir / "a").string() + " " +
                                 (dir / "b").string() + " --out " + (dir / "merged").string());
  REQUIRE_MESSAGE(merged.exit_code == 0, merged.err);
  for (const char* f : {"results.csv", "results.json", "summary.md"}) {
    CAPTURE(f);
    const std::string a = slurp(dir / "single" / f), b = slurp(dir / "merged" / f);
    CHECK_FALSE(a.empty());
    CHECK(a == b);
  }
  // The merged summary is printed as a single run prints it.
  CHECK(merged.out.find("| T1 | test | SSD log faster |") != std::string::npos);
  fs::remove_all(dir);
}

TEST_CASE("study shards: a missing, duplicated or foreign shard is refused with exit 2") {
  const fs::path dir = fresh_dir("bad_shards");
  json doc = sharded_study();
  doc["mode"] = "analytic";
  std::ofstream(dir / "s.json") << doc.dump(2);
  const std::string study = (dir / "s.json").string();
  for (const char* k : {"1", "2"})
    REQUIRE(run_tpeval("study " + study + " --shard " + std::string(k) + "/2 --out " +
                       (dir / "a").string())
                .exit_code == 0);
  fs::remove(dir / "a" / "shard-2-of-2.json");
  auto r = run_tpeval("study --merge " + (dir / "a").string() + " --out " + (dir / "m").string());
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("shard 2/2 is missing") != std::string::npos);

  // A shard of an edited study does not merge with the others.
  doc["configurations"][1]["overrides"]["nodes[0].cpu.mips"] = 60.0;
  std::ofstream(dir / "s.json") << doc.dump(2);
  REQUIRE(run_tpeval("study " + study + " --shard 2/2 --out " + (dir / "b").string()).exit_code ==
          0);
  r = run_tpeval("study --merge " + (dir / "a").string() + " " + (dir / "b").string() + " --out " +
                 (dir / "m").string());
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("the study differs") != std::string::npos);

  // The same shard twice.
  REQUIRE(run_tpeval("study " + study + " --shard 2/2 --out " + (dir / "c").string()).exit_code ==
          0);
  r = run_tpeval("study --merge " + (dir / "b").string() + " " + (dir / "c").string() + " --out " +
                 (dir / "m").string());
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("is also in") != std::string::npos);

  // Bad K/N and a study file together with --merge are argument errors.
  CHECK(run_tpeval("study " + study + " --shard 3/2").exit_code == 2);
  CHECK(run_tpeval("study " + study + " --shard 0/2").exit_code == 2);
  CHECK(run_tpeval("study " + study + " --shard 2").exit_code == 2);
  CHECK(run_tpeval("study " + study + " --merge " + (dir / "a").string()).exit_code == 2);
  CHECK(run_tpeval("study").exit_code == 2);
  fs::remove_all(dir);
}

TEST_CASE("study shards: K/N parsing and the every-N-th assignment") {
  const auto s = st::parse_shard("2/4");
  CHECK(s.index == 2);
  CHECK(s.count == 4);
  CHECK(s.contains(1));
  CHECK(s.contains(5));
  CHECK_FALSE(s.contains(2));
  CHECK(error_of([] { st::parse_shard("5/4"); }) == "--shard: K must be in [1, N] = [1, 4], not 5");
  CHECK(error_of([] { st::parse_shard("1/0"); }).find("N must be in [1,") != std::string::npos);
  CHECK(error_of([] { st::parse_shard("x"); }).find("is not K/N") != std::string::npos);
}
