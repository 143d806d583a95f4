// `tpeval whatif` as a capacity planner uses it (issue #14): goal seeking, named variants,
// categorical sweeps, sweeps inside variants, metric columns, plots, path suggestions, units of
// the metric registry; plus --format on every command and the fixes to `locks` and `study --out`.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "model/debit_credit.hpp"
#include "model/evaluate.hpp"
#include "model/overrides.hpp"
#include "model/parse.hpp"
#include "tests/support/cli_run.hpp"

namespace fs = std::filesystem;

namespace {
using Run = tpeval::test::CliRun;
using tpeval::test::run_tpeval;

// The analytic answer at one setting of the default model, through the library.
tpeval::model::Evaluation evaluate_default(const std::string& path, double value,
                                           const std::string& path2 = "", double value2 = 0) {
  nlohmann::json doc = tpeval::model::default_model();
  tpeval::model::set_parameter(doc, path, value);
  if (!path2.empty()) tpeval::model::set_parameter(doc, path2, value2);
  tpeval::model::EvaluateOptions o;
  o.find_max_throughput = false;
  return tpeval::model::evaluate(tpeval::model::parse_model(doc), o);
}

bool meets_100ms(const tpeval::model::Evaluation& e) {
  return !e.saturated && e.mean_response_time_s && *e.mean_response_time_s * 1000.0 <= 100.0;
}

int line_count(const std::string& text) {
  std::istringstream in(text);
  std::string line;
  int n = 0;
  while (std::getline(in, line)) ++n;
  return n;
}
}  // namespace

TEST_CASE("whatif --goal: the highest arrival rate agrees with a bisection by hand") {
  const Run r = run_tpeval("whatif --goal 'response_time_ms<=100' --format json");
  REQUIRE(r.exit_code == 0);
  const auto j = nlohmann::json::parse(r.out);
  const double answer = j["results"][0]["answer"].get<double>();
  // Bisection by hand on the same model: the goal holds at lo and fails at hi.
  double lo = 1.0, hi = 1.0;
  while (meets_100ms(evaluate_default("workload.arrival_rate_per_s", hi))) hi *= 2.0;
  for (int i = 0; i < 60; ++i) {
    const double mid = 0.5 * (lo + hi);
    (meets_100ms(evaluate_default("workload.arrival_rate_per_s", mid)) ? lo : hi) = mid;
  }
  CHECK(answer == doctest::Approx(lo).epsilon(1e-5));
  CHECK(j["results"][0]["metrics"]["response_time_ms"].get<double>() <= 100.0);
  CHECK(j["results"][0]["margin"]["response_time_ms"].get<double>() >= 0.0);
  CHECK(j["results"][0]["margin"]["response_time_ms"].get<double>() < 1.0);
  CHECK(!j["results"][0]["binding_resource"].get<std::string>().empty());

  // Per transaction type: the family name works as a goal.
  const Run t = run_tpeval("whatif --goal 'response_time_ms:debit_credit<=100' --format json");
  REQUIRE(t.exit_code == 0);
  CHECK(nlohmann::json::parse(t.out)["results"][0]["answer"].get<double>() ==
        doctest::Approx(answer).epsilon(1e-5));

  // A goal below the no-load response time has no answer, and says so.
  const Run none = run_tpeval("whatif --goal 'response_time_ms<=0.001'");
  CHECK(none.exit_code == 0);
  CHECK(none.out.find("none:") != std::string::npos);
  // Malformed goals and unknown metrics exit 2.
  CHECK(run_tpeval("whatif --goal 'response_time_ms=100'").exit_code == 2);
  const Run bad = run_tpeval("whatif --goal 'respons_time_ms<=100'");
  CHECK(bad.exit_code == 2);
  CHECK(bad.err.find("did you mean 'response_time_ms'") != std::string::npos);
  const Run owner = run_tpeval("whatif --goal 'response_time_ms:nope<=100'");
  CHECK(owner.exit_code == 2);
  CHECK(owner.err.find("no type named 'nope'") != std::string::npos);
}

TEST_CASE("whatif --goal --minimize: the smallest CPU count meeting a goal at a given rate") {
  const Run r = run_tpeval(
      "whatif --set workload.arrival_rate_per_s=150 --goal 'cpu_utilization_pct<=50' "
      "--minimize nodes[0].cpu.count --format json");
  REQUIRE(r.exit_code == 0);
  const auto j = nlohmann::json::parse(r.out);
  const double n = j["results"][0]["answer"].get<double>();
  const auto cpu = [](const tpeval::model::Evaluation& e) {
    for (const auto& s : e.servers)
      if (s.kind == tpeval::model::StationKind::cpu) return 100.0 * s.utilization;
    return 1e9;
  };
  const auto at = [&](double count) {
    return evaluate_default("workload.arrival_rate_per_s", 150, "nodes[0].cpu.count", count);
  };
  CHECK(cpu(at(n)) <= 50.0);
  REQUIRE(n > 1);
  CHECK(cpu(at(n - 1)) > 50.0);
  CHECK(j["results"][0]["metrics"]["cpu_utilization_pct"].get<double>() ==
        doctest::Approx(cpu(at(n))));
}

TEST_CASE("whatif: named variants with several settings, and a sweep inside each variant") {
  const Run r = run_tpeval(
      "whatif --compare 'fast-log: nodes[0].log.device=extended_memory, nodes[0].buffer.pages=4000'"
      " --compare 'force: policies.update_strategy=force' --format json");
  REQUIRE(r.exit_code == 0);
  const auto j = nlohmann::json::parse(r.out);
  REQUIRE(j.size() == 3);
  CHECK(j[1]["variant"] == "fast-log");
  CHECK(j[2]["variant"] == "force");
  CHECK(j[1]["response_time_ms"].get<double>() < j[0]["response_time_ms"].get<double>());
  CHECK(j[1]["hs_hit_pct"].get<double>() > j[0]["hs_hit_pct"].get<double>());

  const Run s = run_tpeval(
      "whatif --compare 'force: policies.update_strategy=force' --sweep "
      "workload.arrival_rate_per_s=50:150:50 --metrics response_time_ms,writes_per_tx --format "
      "json");
  REQUIRE(s.exit_code == 0);
  const auto rows = nlohmann::json::parse(s.out);
  REQUIRE(rows.size() == 6);  // 2 variants x 3 rates
  CHECK(rows[0]["variant"] == "base");
  CHECK(rows[3]["variant"] == "force");
  CHECK(rows[3]["workload.arrival_rate_per_s"] == 50.0);
  CHECK(rows[3]["writes_per_tx"].get<double>() > rows[0]["writes_per_tx"].get<double>());
  CHECK(rows[0].size() == 4);  // variant, the axis and the two chosen metrics
}

TEST_CASE("whatif: a categorical sweep over a policy") {
  const Run r = run_tpeval("whatif --sweep policies.update_strategy=force,noforce --format json");
  REQUIRE(r.exit_code == 0);
  const auto j = nlohmann::json::parse(r.out);
  REQUIRE(j.size() == 2);
  CHECK(j[0]["policies.update_strategy"] == "force");
  CHECK(j[1]["policies.update_strategy"] == "noforce");
  CHECK(j[0]["writes_per_tx"].get<double>() > j[1]["writes_per_tx"].get<double>());
  const Run bad = run_tpeval("whatif --sweep policies.update_strategy=force,sometimes");
  CHECK(bad.exit_code == 2);
}

TEST_CASE("whatif: values in the units their names say, null where they do not exist") {
  const Run w = run_tpeval("whatif --format json");
  const Run e = run_tpeval("eval --format json");
  REQUIRE(w.exit_code == 0);
  REQUIRE(e.exit_code == 0);
  const auto wj = nlohmann::json::parse(w.out)[0];
  const auto ej = nlohmann::json::parse(e.out);
  CHECK(wj["response_time_ms"].get<double>() ==
        doctest::Approx(1000.0 * ej["mean_response_time_s"].get<double>()));
  CHECK(wj["hs_hit_pct"].get<double>() ==
        doctest::Approx(100.0 * ej["hit_ratios"]["hs"].get<double>()));
  CHECK(ej["metrics"]["response_time_ms"]["unit"] == "ms");
  CHECK(wj.contains("utilization_pct:log_disk.disk"));

  const Run sat = run_tpeval(
      "whatif --set workload.arrival_rate_per_s=500 --metrics response_time_ms,cpu_wait_ms,"
      "bottleneck --format json");
  REQUIRE(sat.exit_code == 0);
  const auto sj = nlohmann::json::parse(sat.out)[0];
  CHECK(sj["response_time_ms"].is_null());
  CHECK(sj["cpu_wait_ms"].is_null());
  CHECK(sj["bottleneck"] == "log_disk.disk");
  const Run csv = run_tpeval(
      "whatif --set workload.arrival_rate_per_s=500 --sweep nodes[0].buffer.pages=1000:1000:1 "
      "--metrics response_time_ms,saturated --format csv");
  REQUIRE(csv.exit_code == 0);
  CHECK(csv.out.find("\n1000,,1\n") != std::string::npos);
  const Run eval_csv = run_tpeval("eval --set workload.arrival_rate_per_s=500 --format csv");
  REQUIRE(eval_csv.exit_code == 0);
  CHECK(eval_csv.out.find(",response_time_ms,ms,\n") != std::string::npos);
  CHECK(eval_csv.out.find(",response_time_ms,ms,0") == std::string::npos);
}

TEST_CASE("eval --set and --metrics choose what is evaluated and shown") {
  const Run r = run_tpeval("eval --set workload.arrival_rate_per_s=150 --format json");
  REQUIRE(r.exit_code == 0);
  CHECK(nlohmann::json::parse(r.out)["arrival_rate_per_s"] == 150.0);
  const Run m = run_tpeval("whatif --metrics 'response_time_ms, utilization_pct:cpu' --format csv");
  REQUIRE(m.exit_code == 0);
  CHECK(m.out.rfind("metric,base\nresponse_time_ms,", 0) == 0);
  const Run bad = run_tpeval("whatif --metrics utilization_pct:nope");
  CHECK(bad.exit_code == 2);
  CHECK(bad.err.find("no server named 'nope'") != std::string::npos);
}

TEST_CASE("whatif --plot writes a PNG and an SVG, one line per variant") {
  const fs::path png = tpeval::test::scratch_dir() / "sweep.png";
  const fs::path svg = tpeval::test::scratch_dir() / "sweep.svg";
  fs::remove(png);
  fs::remove(svg);
  const std::string sweep =
      "whatif --sweep workload.arrival_rate_per_s=50:250:25 --compare 'ssd-log: "
      "nodes[0].log.device=extended_memory' --metrics response_time_ms --format csv --plot ";
  const Run p = run_tpeval(sweep + "'" + png.string() + "'");
  REQUIRE(p.exit_code == 0);
  std::ifstream in(png, std::ios::binary);
  char magic[8] = {};
  in.read(magic, 8);
  CHECK(std::string(magic + 1, 3) == "PNG");
  CHECK(fs::file_size(png) > 1000);
  const Run s = run_tpeval(sweep + "'" + svg.string() + "'");
  REQUIRE(s.exit_code == 0);
  const std::string text = tpeval::test::slurp(svg);
  CHECK(text.find("<svg") != std::string::npos);
  CHECK(text.find("ssd-log") != std::string::npos);
  CHECK(text.find("saturated") != std::string::npos);  // the base saturates at 200 TPS
  CHECK(run_tpeval("whatif --sweep workload.arrival_rate_per_s=50:100:50 --plot x.pdf").exit_code ==
        2);
}

TEST_CASE("parameter paths without the nodes[0] prefix or with a wrong device name") {
  const Run r = run_tpeval("whatif --set buffer.pages=100");
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("the closest valid path is 'nodes[0].buffer.pages'") != std::string::npos);
  const Run d = run_tpeval("whatif --set nodes[0].devices[log_ssd].count=2");
  CHECK(d.exit_code == 2);
  CHECK(d.err.find("'nodes[0].devices[log_disk].count'") != std::string::npos);
}

TEST_CASE("--format table|json|csv on every command") {
  const fs::path study = tpeval::test::scratch_dir() / "formats_study";
  fs::remove_all(study);
  for (const std::string& command :
       {std::string("eval"), std::string("whatif"), std::string("model --print-default"),
        std::string("locks --transactions 10 --locks 4 --granules 1000 --step-ms 10"),
        std::string("raid --disks 100 --group 10 --mttf 5y --mttr 5h"),
        std::string("solve --example"), std::string("cache --buffer 100 --class 1000:1"),
        std::string("metrics"), std::string("simulate --max-time 30"),
        std::string("validate --max-time 30"),
        "study '" + std::string(TPEVAL_SOURCE_DIR) +
            "/studies/lock_conflicts.json' --mode "
            "analytic --quick --out '" +
            study.string() + "'"}) {
    for (const std::string format : {"table", "json", "csv"}) {
      INFO(command << " --format " << format);
      const Run r = run_tpeval(command + " --format " + format);
      CHECK(r.exit_code <= 1);  // a study may miss an expectation in --quick mode
      CHECK(!r.out.empty());
      if (format == "json") CHECK(nlohmann::json::accept(r.out));
      if (format == "csv") CHECK(r.out.substr(0, r.out.find('\n')).find(',') != std::string::npos);
    }
  }
}

TEST_CASE("locks refuses impossible inputs and reports thrashing without impossible numbers") {
  const Run r = run_tpeval("locks --transactions 10 --locks 2000 --granules 1000 --step-ms 1");
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("--locks") != std::string::npos);
  const Run t = run_tpeval(
      "locks --transactions 1000 --locks 100 --granules 1000 --hold-ms 100 --format json");
  REQUIRE(t.exit_code == 0);
  const auto j = nlohmann::json::parse(t.out);
  CHECK(j["thrashing"] == true);
  CHECK(j["partitions"][0]["exclusive_locks_held"].is_null());
  CHECK(j["classes"][0]["response_time_s"].is_null());
  const Run csv = run_tpeval(
      "locks --transactions 1000 --locks 100 --granules 1000 --hold-ms 100 --format csv");
  REQUIRE(csv.exit_code == 0);
  CHECK(csv.out.rfind("section,name,metric,value\n", 0) == 0);
  CHECK(csv.out.find("\n\n") == std::string::npos);  // one table
  CHECK(csv.out.find("partition,data,exclusive_locks_held,\n") != std::string::npos);
}

TEST_CASE("two studies written to the same --out do not overwrite each other silently") {
  const fs::path out = tpeval::test::scratch_dir() / "shared_out";
  fs::remove_all(out);
  const std::string dir = std::string(TPEVAL_SOURCE_DIR) + "/studies/";
  const std::string tail = " --mode analytic --quick --out '" + out.string() + "'";
  CHECK(run_tpeval("study '" + dir + "lock_conflicts.json'" + tail).exit_code <= 1);
  const Run second = run_tpeval("study '" + dir + "log_allocation.json'" + tail);
  CHECK(second.exit_code == 2);
  CHECK(second.err.find("holds the results of study") != std::string::npos);
  CHECK(run_tpeval("study '" + dir + "log_allocation.json'" + tail + " --force").exit_code <= 1);
  CHECK(line_count(tpeval::test::slurp(out / "study-name")) == 1);
}

TEST_CASE("whatif: a sweep over the terminals of a closed workload") {
  // Issue #13: throughput is an output; X (R + Z) = N at every point (response-time law).
  const Run r = run_tpeval(
      "whatif --set workload.arrival_rate_per_s=null --set workload.think_time_ms=1000 --sweep "
      "workload.terminals=50:200:50 --metrics throughput_per_s,response_time_ms,"
      "response_time_p95_ms --format json");
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  const auto j = nlohmann::json::parse(r.out);
  REQUIRE(j.size() == 4);
  double last = 0.0;
  for (const auto& row : j) {
    const double n = row["workload.terminals"].get<double>();
    const double x = row["throughput_per_s"].get<double>();
    const double r_s = row["response_time_ms"].get<double>() / 1000.0;
    CHECK(x > last);
    CHECK(x * (r_s + 1.0) == doctest::Approx(n).epsilon(1e-3));
    CHECK(row["response_time_p95_ms"].get<double>() > row["response_time_ms"].get<double>());
    last = x;
  }
}
