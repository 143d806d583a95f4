// `tpeval simulate` end to end: output formats, reproducibility, and the exit codes of bad input,
// impossible runs and unreached precision.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <cmath>
#include <string>

#include "tests/support/cli_run.hpp"

namespace {

using tpeval::test::CliRun;

CliRun run(const std::string& args) {
  return tpeval::test::run_tpeval("simulate " + args);
}

std::string write(const std::string& name, const std::string& text) {
  return tpeval::test::write_scratch_file(name + ".json", text).string();
}

const char* kMM1 = R"({
  "stations": [{"name": "cpu", "kind": "queue", "discipline": "fcfs"}],
  "classes": [{"name": "tx", "arrival_rate_per_s": 50,
               "demands_s": {"cpu": 0.01}}]
})";

}  // namespace

TEST_CASE("des cli: JSON output has intervals, provenance, and is reproducible by seed") {
  const std::string file = write("mm1", kMM1);
  const CliRun a = run(file + " --seed 3 --precision 0.05 --format json");
  INFO(a.err);
  REQUIRE(a.exit_code == 0);
  const auto doc = nlohmann::json::parse(a.out);
  CHECK(doc["format"] == "tpeval-simulation/1");
  CHECK(doc["simulation"]["precision_reached"] == true);
  CHECK(doc["simulation"]["interval_method"] == "batch means");
  CHECK(doc["simulation"]["warmup_method"] == "MSER-5");
  const double u = doc["stations"][0]["utilization"];
  const double hw = doc["stations"][0]["utilization_half_width"];
  CHECK(hw > 0);
  CHECK(std::abs(u - 0.5) <= 3 * hw);  // rho = 50 x 0.01
  const CliRun b = run(file + " --seed 3 --precision 0.05 --format json");
  CHECK(a.out == b.out);
  const CliRun c = run(file + " --seed 4 --precision 0.05 --format json");
  CHECK(a.out != c.out);
}

TEST_CASE("des cli: table and CSV formats") {
  const std::string file = write("mm1", kMM1);
  const CliRun t = run(file + " --precision 0.05");
  REQUIRE(t.exit_code == 0);
  CHECK(t.out.find("Intervals: batch means (32 batches") != std::string::npos);
  CHECK(t.out.find("warm-up truncated by MSER-5") != std::string::npos);
  const CliRun csv = run(file + " --precision 0.05 --format csv --replications 3 --jobs 2");
  REQUIRE(csv.exit_code == 0);
  CHECK(csv.out.rfind("class,station,measure,mean,half_width\n", 0) == 0);
  CHECK(csv.out.find("tx,cpu,residence_time_s,") != std::string::npos);
}

TEST_CASE("des cli: impossible runs exit 2 with the reason, unreached precision exits 1") {
  const std::string unstable = write("unstable", R"({
    "stations": [{"name": "cpu"}],
    "classes": [{"name": "tx", "arrival_rate_per_s": 200, "demands_s": {"cpu": 0.01}}]})");
  const CliRun u = run(unstable);
  CHECK(u.exit_code == 2);
  CHECK(u.err.find("unstable: the open classes load station 'cpu' to utilization 2") !=
        std::string::npos);
  const std::string file = write("mm1", kMM1);
  const CliRun short_time = run(file + " --max-time 0.5");
  CHECK(short_time.exit_code == 2);
  CHECK(short_time.err.find("too small to form confidence intervals") != std::string::npos);
  const CliRun imprecise = run(file + " --precision 0.0001 --max-events 200000 --format csv");
  CHECK(imprecise.exit_code == 1);
  CHECK(imprecise.err.find("tpeval: warning:") != std::string::npos);
  CHECK(imprecise.err.find("stopped at max events (200000)") != std::string::npos);
  const CliRun bad = run(file + " --precision -1");
  CHECK(bad.exit_code == 2);
  const CliRun missing = run("/nonexistent/net.json");
  CHECK(missing.exit_code == 2);
}

TEST_CASE(
    "des cli: --warm-start fills a transaction model's buffers and is refused for a network") {
  const std::string file = write("mm1", kMM1);
  const CliRun network = run(file + " --warm-start");
  CHECK(network.exit_code == 2);
  CHECK(network.err.find(file + ": --warm-start fills a transaction model's buffers") !=
        std::string::npos);
  const CliRun model = run("--warm-start --max-time 20 --format json");
  INFO(model.err);
  REQUIRE(model.exit_code <= 1);  // 1: the precision not reached within 20 s
  const auto doc = nlohmann::json::parse(model.out);
  CHECK(doc["simulation"]["warmup_method"] ==
        "buffers filled before the start + buffer turnover + MSER-5");
  // Lock thrashing of a cold open run gets a note naming the option (the lock experiment at 300
  // TPS, about twice its limit: saturated within 70 simulated s); a warm run does not.
  const std::string thrashing = std::string(TPEVAL_SOURCE_DIR) +
                                "/examples/models/lock_experiment.json --set "
                                "workload.arrival_rate_per_s=300 --max-time 300 --format json";
  const CliRun cold = run(thrashing);
  CHECK(cold.exit_code == 1);
  CHECK(cold.err.find("lock thrashing on small") != std::string::npos);
  CHECK(cold.err.find("--warm-start shows the warm system") != std::string::npos);
  const CliRun warm = run(thrashing + " --warm-start");
  CHECK(warm.exit_code == 1);
  CHECK(warm.err.find("lock thrashing on small") != std::string::npos);
  CHECK(warm.err.find("--warm-start shows") == std::string::npos);
  const CliRun validate =
      tpeval::test::run_tpeval("validate --warm-start --max-time 20 --format json");
  CHECK(validate.exit_code <= 1);
  CHECK(validate.out.find("buffers filled before the start") != std::string::npos);
}
