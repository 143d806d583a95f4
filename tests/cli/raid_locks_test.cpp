// `tpeval raid` and `tpeval locks` end to end: runs the built executable (TPEVAL_BINARY) and
// checks exit codes, key numbers and error messages.
#include <doctest/doctest.h>

#include <string>

#include <nlohmann/json.hpp>

#include "tests/support/cli_run.hpp"

namespace {
using Run = tpeval::test::CliRun;
using tpeval::test::run_tpeval;
}  // namespace

TEST_CASE("cli raid: Tab. 5-2 row G = 10, MTTR = 5 h as JSON (Rahm L1636)") {
  const Run r = run_tpeval("raid --disks 100 --group 10 --mttf 5y --mttr 5h --format json");
  REQUIRE(r.exit_code == 0);
  const auto j = nlohmann::json::parse(r.out);
  CHECK(j["total_disks"].get<double>() == 110);
  CHECK(j["groups"].get<int>() == 10);
  CHECK(j["capacity_overhead"].get<double>() == doctest::Approx(0.1));
  CHECK(std::round(j["mttdl_years"].get<double>()) == 40);  // book: 40 years
  CHECK(j["io_multipliers"]["small_write"].get<double>() == 4);
  CHECK(j["io_multipliers"]["full_stripe_write"].get<double>() == 11);
  CHECK_FALSE(j.contains("exact"));
}

TEST_CASE("cli raid: --exact puts the CTMC next to the closed form (mirroring, table, csv)") {
  Run r = run_tpeval("raid --disks 100 --group 1 --mttf 5y --mttr 1h --exact --format json");
  REQUIRE(r.exit_code == 0);
  auto j = nlohmann::json::parse(r.out);
  CHECK(j["scheme"] == "mirroring");
  CHECK(j["total_disks"].get<double>() == 200);
  CHECK(std::round(j["mttdl_years"].get<double>() / 100) == 11);  // book: 1100 years
  CHECK(j["exact"]["ratio_to_closed_form"].get<double>() == doctest::Approx(1).epsilon(1e-3));
  CHECK(j["io_multipliers"]["small_write"].get<double>() == 2);

  r = run_tpeval("raid --disks 100 --group 100 --mttf 5y --mttr 5h");
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("total disks N + N/G") != std::string::npos);
  CHECK(r.out.find("4.337") != std::string::npos);  // 4.3 years in Tab. 5-2
  r = run_tpeval("raid --disks 100 --group 10 --mttf 43800h --mttr 0.2083333333d --format csv");
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("quantity,value,unit") == 0);

  r = run_tpeval(
      "raid --disks 100 --group 10 --mttf 5y --mttr 48h --exact --hot-spares 1 "
      "--rebuild 1h --spare-replacement 2d --format json");
  REQUIRE(r.exit_code == 0);
  j = nlohmann::json::parse(r.out);
  CHECK(j["exact"]["mttdl_h"].get<double>() > 5 * j["mttdl_h"].get<double>());
}

TEST_CASE("cli raid: bad units and values exit 2 with a clear message") {
  Run r = run_tpeval("raid --disks 100 --group 10 --mttf 5 --mttr 5h");
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("--mttf: '5' needs a unit: h (hours), d (days) or y (years)") !=
        std::string::npos);
  r = run_tpeval("raid --disks 100 --group 10 --mttf 5x --mttr 5h");
  CHECK(r.exit_code == 2);
  r = run_tpeval("raid --disks 100 --group 10 --mttf -5y --mttr 5h");
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("--mttf:") != std::string::npos);
  r = run_tpeval("raid --disks 100 --group 7 --mttf 5y --mttr 5h");
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("--group: must divide --disks") != std::string::npos);
  r = run_tpeval("raid --disks ten --mttf 5y --mttr 5h");
  CHECK(r.exit_code == 2);
  r = run_tpeval("raid --disks 100 --mttf 5y --mttr 5h --hot-spares 1");
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("--hot-spares: needs --exact") != std::string::npos);
}

TEST_CASE("cli locks: command-line workload, Tay's closed form at low contention") {
  const Run r = run_tpeval(
      "locks --transactions 10 --locks 4 --granules 1000000000 --step-ms 10 "
      "--format json");
  REQUIRE(r.exit_code == 0);
  const auto j = nlohmann::json::parse(r.out);
  // (N - 1) k / (2 D) = 9 * 4 / 2e9.
  CHECK(j["classes"][0]["conflict_probability"].get<double>() ==
        doctest::Approx(1.8e-8).epsilon(1e-6));
  CHECK(j["thrashing"] == false);
  CHECK(j["thomasian_alpha_threshold"].get<double>() == doctest::Approx(0.226).epsilon(1e-3));
}

TEST_CASE("cli locks: thrashing is a result (exit 0) that names the partition") {
  Run r = run_tpeval("locks --transactions 100 --locks 16 --granules 10000 --hold-ms 100");
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("thrashing") != std::string::npos);
  CHECK(r.out.find("partition 'data'") != std::string::npos);
  r = run_tpeval("locks --transactions 100 --locks 16 --granules 10000 --hold-ms 100 --format csv");
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("section,name,metric,value\n") == 0);
}

TEST_CASE("cli locks: JSON workload with two partitions and path-aware errors") {
  const std::string good = R"({
    "partitions": [{"name": "small", "granules": 1000}, {"name": "large", "granules": 10000}],
    "classes": [{"name": "update", "arrival_rate_per_s": 100, "step_time_s": 0.01,
                 "commit_time_s": 0.01,
                 "accesses": [{"partition": "small", "lock_requests": 8},
                              {"partition": "large", "lock_requests": 2}]}]})";
  Run r = run_tpeval("locks '" + tpeval::test::write_scratch_file("good.json", good).string() +
                     "' --format json");
  REQUIRE(r.exit_code == 0);
  const auto j = nlohmann::json::parse(r.out);
  CHECK(j["bottleneck"] == "small");
  CHECK(j["classes"][0]["concurrent_transactions"].get<double>() > 100 * 0.11);  // Little

  const std::string typo = R"({"partitions": [{"name": "a", "granules": 10}],
    "classes": [{"arrival_rate_per_s": 1, "step_time_s": 0.01,
                 "accesses": [{"partition": "a", "lock_request": 2}]}]})";
  const std::string typo_file = tpeval::test::write_scratch_file("typo.json", typo).string();
  r = run_tpeval("locks '" + typo_file + "'");
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("classes[0].accesses[0].lock_request: unknown key") != std::string::npos);
  CHECK(r.err.rfind("tpeval: error: " + typo_file + ": classes[0]", 0) == 0);  // names the file

  const std::string missing = R"({"partitions": [{"name": "a", "granules": 10}],
    "classes": [{"arrival_rate_per_s": 1, "step_time_s": 0.01,
                 "accesses": [{"partition": "b", "lock_requests": 2}]}]})";
  r = run_tpeval("locks '" + tpeval::test::write_scratch_file("missing.json", missing).string() +
                 "'");
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("classes[0].accesses[0].partition: no partition named 'b'") !=
        std::string::npos);

  const std::string share = R"({"partitions": [{"name": "a", "granules": 10}],
    "classes": [{"concurrent_transactions": 3, "step_time_s": 0.01,
                 "accesses": [{"partition": 0, "lock_requests": 2, "exclusive_share": 2}]}]})";
  r = run_tpeval("locks '" + tpeval::test::write_scratch_file("share.json", share).string() + "'");
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("classes[0].accesses[0].exclusive_share:") != std::string::npos);

  // A damping that cannot converge within the iteration limit is refused up front (issue #16).
  const std::string damping = R"({"partitions": [{"name": "a", "granules": 10}],
    "classes": [{"arrival_rate_per_s": 1, "step_time_s": 0.01,
                 "accesses": [{"partition": "a", "lock_requests": 2}]}],
    "options": {"damping": 1e-9}})";
  r = run_tpeval("locks '" + tpeval::test::write_scratch_file("damping.json", damping).string() +
                 "'");
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("options.damping: must be in [0.01, 1]") != std::string::npos);
}

TEST_CASE("cli locks: bad options exit 2") {
  Run r = run_tpeval("locks --locks 4 --granules 100 --step-ms 1");
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("--transactions: give exactly one of") != std::string::npos);
  r = run_tpeval("locks --transactions 5 --locks 4 --granules 100 --step-ms 1 --write-share 2");
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("--write-share: must be in [0, 1]") != std::string::npos);
  r = run_tpeval("locks --transactions 5 --locks 4 --granules 0.5 --step-ms 1");
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("--granules:") != std::string::npos);
}

TEST_CASE("cli locks: steps of different length and their variability lengthen the waits") {
  // The lock experiment's shape (Sect. 6.5.2.7): 8 short CPU steps on the buffered small
  // partition, 2 long disk steps on the large one (docs/locking.md). Variable steps make a
  // blocked request wait a length-biased residual, so the wait per conflict grows with the SCV.
  const auto file = [](const std::string& name, double scv) {
    const std::string doc =
        R"({"partitions": [{"name": "small", "granules": 1000}, {"name": "large", "granules": 10000}],
        "classes": [{"name": "update", "arrival_rate_per_s": 60, "step_time_s": 0.005,
                     "step_time_scv": )" +
        std::to_string(scv) + R"(, "commit_time_s": 0.01, "commit_time_scv": )" +
        std::to_string(scv) + R"(,
                     "accesses": [{"partition": "small", "lock_requests": 8, "step_time_s": 0.002},
                                  {"partition": "large", "lock_requests": 2, "step_time_s": 0.03,
                                   "step_time_scv": )" +
        std::to_string(scv) + R"(}]}]})";
    return tpeval::test::write_scratch_file(name, doc).string();
  };
  const auto wait_ms = [](const std::string& path) {
    const Run r = run_tpeval("locks '" + path + "' --format json");
    REQUIRE(r.exit_code == 0);
    const auto j = nlohmann::json::parse(r.out);
    CHECK(j["classes"][0]["lock_holding_time_s"].get<double>() > 0.0);
    return 1000.0 * j["classes"][0]["wait_per_conflict_s"].get<double>();
  };
  const double fixed = wait_ms(file("fixed.json", 0.0));
  const double exponential = wait_ms(file("exponential.json", 1.0));
  CAPTURE(fixed);
  CAPTURE(exponential);
  CHECK(exponential > fixed);

  const Run bad = run_tpeval("locks '" +
                             tpeval::test::write_scratch_file(
                                 "scv.json", R"({"partitions": [{"name": "a", "granules": 10}],
    "classes": [{"arrival_rate_per_s": 1, "step_time_s": 0.01, "step_time_scv": -1,
                 "accesses": [{"partition": "a", "lock_requests": 2}]}]})")
                                 .string() +
                             "'");
  CHECK(bad.exit_code == 2);
  CHECK(bad.err.find("classes[0].step_time_scv:") != std::string::npos);
}
