// Study files: parsing with path-naming errors, expansion into points, expectation checks,
// resuming from the journal, and the exit codes of `tpeval study`.
#include <doctest/doctest.h>
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "model/study/expectations.hpp"
#include "model/study/output.hpp"
#include "model/study/runner.hpp"
#include "model/study/study.hpp"
#include "solver/io/json_input.hpp"
#include "tests/support/input_error.hpp"

using tpeval::testing::error_of;
namespace st = tpeval::model::study;
using nlohmann::json;
using tpeval::io::InputError;

namespace {

// A small study on the embedded Debit-Credit default: two log allocations, arrival-rate and
// buffer-size axes.
json small_study() {
  return json::parse(R"({
    "name": "small",
    "configurations": [
      {"name": "disk_log", "overrides": {"nodes[0].log.device": "log_disk"}},
      {"name": "ssd_log", "label": "SSD log", "overrides": {"nodes[0].log.device": "ssd"}}
    ],
    "sweep": [
      {"name": "rate", "parameter": "workload.arrival_rate_per_s", "values": [10, 50, 100]},
      {"name": "hs_pages", "parameter": "nodes[0].buffer.pages", "range": {"from": 1000, "to": 2000, "step": 1000}}
    ],
    "metrics": ["response_time_ms", "hs_hit_pct"],
    "expectations": [
      {"id": "T1", "source": "test", "statement": "SSD log faster", "kind": "ordering",
       "metric": "response_time_ms", "configurations": ["ssd_log", "disk_log"]}
    ]
  })");
}

std::string parse_error(json doc) {
  return error_of([&] { st::parse_study(doc); });
}

// A synthetic result (expectation tests need no model evaluation).
st::PointResult point(const std::string& conf, double rate, std::optional<double> rt,
                      std::optional<double> max_tps = std::nullopt, std::string limited_by = "") {
  st::PointResult r;
  r.configuration = conf;
  r.axis_values = {{"rate", rate}};
  r.analytic = true;
  r.saturated = !rt.has_value();
  r.bottleneck = rt ? "" : "log_disk.disk";
  r.limited_by = std::move(limited_by);
  r.values["response_time_ms"] = rt;
  r.values["max_throughput_per_s"] = max_tps;
  return r;
}

// A study whose only use is to carry expectations over configurations a, b, c and axis "rate".
st::Study expectation_study(const json& expectations) {
  json doc = json::parse(R"({
    "name": "x",
    "configurations": [{"name": "a"}, {"name": "b"}, {"name": "c"}],
    "sweep": [{"name": "rate", "parameter": "workload.arrival_rate_per_s", "values": [10, 100, 200]}],
    "metrics": ["response_time_ms"]
  })");
  doc["expectations"] = expectations;
  for (auto& x : doc["expectations"]) {
    x["id"] = "X";
    x["source"] = "test";
    x["statement"] = "s";
  }
  return st::parse_study(doc);
}

st::Verdict analytic_verdict(const json& expectation, const std::vector<st::PointResult>& results) {
  const auto study = expectation_study(json::array({expectation}));
  return st::evaluate_expectations(study, results).at(0).analytic.verdict;
}

std::string temp_dir(const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() / ("tpeval_study_test_" + name);
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir.string();
}

int run(const std::string& command) {
  const int status = std::system((command + " >/dev/null 2>&1").c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace

TEST_CASE("study: a valid study parses with its configurations, axes and metrics") {
  const auto s = st::parse_study(small_study());
  CHECK(s.name == "small");
  REQUIRE(s.configurations.size() == 2);
  CHECK(s.configurations[0].label == "disk_log");  // label defaults to the name
  CHECK(s.configurations[1].label == "SSD log");
  REQUIRE(s.axes.size() == 2);
  CHECK(s.axes[1].values == std::vector<double>{1000, 2000});
  CHECK(s.mode == st::Mode::analytic);
  CHECK_FALSE(s.needs_max_throughput);
}

TEST_CASE("study: parsing errors name the JSON path") {
  json d = small_study();
  d["sweeps"] = json::array();
  CHECK(parse_error(d) == "sweeps: unknown key (did you mean 'sweep'?)");

  d = small_study();
  d["configurations"][1]["overrides"] = {{"nodes[0].bufer.pages", 10}};
  CHECK(parse_error(d).rfind("configurations[1].overrides.nodes[0].bufer.pages: unknown parameter",
                             0) == 0);

  d = small_study();
  d["configurations"][1]["overrides"] = {{"nodes[0].buffer.pages", -5}};
  CHECK(parse_error(d).rfind("configurations[1].overrides: ", 0) == 0);  // the model rejects it

  d = small_study();
  d["metrics"][1] = "hs_hit_pc";
  CHECK(parse_error(d) == "metrics[1]: unknown metric 'hs_hit_pc'; did you mean 'hs_hit_pct'?");

  d = small_study();
  d["expectations"][0]["configurations"][1] = "disk_lgo";
  CHECK(parse_error(d) ==
        "expectations[0].configurations[1]: no configuration named 'disk_lgo'; did you mean "
        "'disk_log'?");

  d = small_study();
  d["expectations"][0]["where"] = {{"rte", 10}};
  CHECK(parse_error(d) ==
        "expectations[0].where.rte: no sweep axis named 'rte'; did you mean 'rate'?");

  d = small_study();
  d["expectations"][0]["where"] = {{"rate", 11}};
  CHECK(parse_error(d) == "expectations[0].where.rate: is not one of the values of axis 'rate'");

  d = small_study();
  d["expectations"][0]["kind"] = "value";
  CHECK(parse_error(d) == "expectations[0]: needs 'target' and 'tolerance', or 'min' and/or 'max'");

  d = small_study();
  d["expectations"][0]["source"] = "";
  CHECK(parse_error(d) == "expectations[0].source: must cite the book figure/table and line");

  d = small_study();
  d["sweep"][0]["range"] = {{"from", 1}, {"to", 2}, {"step", 1}};
  CHECK(parse_error(d) == "sweep[0]: needs exactly one of 'values' and 'range'");

  d = small_study();
  d["configurations"][1]["name"] = "disk_log";
  CHECK(parse_error(d) == "configurations[1].name: duplicate configuration name");

  d = small_study();
  d["base"] = {{"file", "no/such/model.json"}};
  CHECK(parse_error(d).rfind("base.file: ", 0) == 0);
}

TEST_CASE("study: simulation.warm_start is read, checked and part of the fingerprint when set") {
  json d = small_study();
  CHECK_FALSE(st::parse_study(d).simulation.warm_start);  // cold, as the shipped studies
  const auto point = st::expand_points(st::parse_study(d)).front();
  const std::string cold = st::fingerprint(point, st::parse_study(d), st::Mode::simulate);
  d["simulation"] = {{"warm_start", true}};
  const auto warm_study = st::parse_study(d);
  CHECK(warm_study.simulation.warm_start);
  CHECK(st::fingerprint(point, warm_study, st::Mode::simulate) != cold);
  // The analytic part of a point does not depend on it.
  CHECK(st::fingerprint(point, warm_study, st::Mode::analytic) ==
        st::fingerprint(point, st::parse_study(small_study()), st::Mode::analytic));
  d["simulation"] = {{"warm_start", "yes"}};
  CHECK(parse_error(d).rfind("simulation.warm_start: ", 0) == 0);
  d["simulation"] = {{"warm_strat", true}};
  CHECK(parse_error(d).rfind("simulation.warm_strat: unknown key", 0) == 0);
}

TEST_CASE("study: expansion is configurations x axis 1 x axis 2 with the values set") {
  const auto s = st::parse_study(small_study());
  const auto points = st::expand_points(s);
  REQUIRE(points.size() == 2 * 3 * 2);
  CHECK(points[0].key() == "disk_log|rate=10|hs_pages=1000");
  CHECK(points[1].key() == "disk_log|rate=10|hs_pages=2000");
  CHECK(points[6].key() == "ssd_log|rate=10|hs_pages=1000");
  const auto& doc = points[7].document;
  CHECK(doc["nodes"][0]["log"]["device"] == "ssd");
  CHECK(doc["nodes"][0]["buffer"]["pages"] == 2000);
  CHECK(doc["nodes"][0]["buffer"]["pages"].is_number_integer());
  CHECK(doc["workload"]["arrival_rate_per_s"] == 10);
  // Quick variant: at most four values per axis, first and last kept.
  json big = small_study();
  big["sweep"][0] = {{"name", "rate"},
                     {"parameter", "workload.arrival_rate_per_s"},
                     {"range", {{"from", 10}, {"to", 700}, {"step", 10}}}};
  const auto quick = st::expand_points(st::parse_study(big), true);
  CHECK(quick.size() == 2 * 4 * 2);
  CHECK(quick[0].axis_values[0].second == 10);
  CHECK(quick[6].axis_values[0].second == 700);
}

TEST_CASE("study: value expectations are met inside the bounds and missed outside") {
  const std::vector<st::PointResult> r = {point("a", 10, 20.0), point("a", 100, 25.0),
                                          point("a", 200, std::nullopt)};
  json x = {{"kind", "value"},      {"metric", "response_time_ms"},
            {"configuration", "a"}, {"where", {{"rate", 100}}},
            {"target", 24.0},       {"tolerance", 1.0}};
  CHECK(analytic_verdict(x, r) == st::Verdict::met);
  x["tolerance"] = 0.5;
  CHECK(analytic_verdict(x, r) == st::Verdict::missed);
  // Without 'where' every point counts; the saturated one has no response time: missed.
  json all = {
      {"kind", "value"}, {"metric", "response_time_ms"}, {"configuration", "a"}, {"max", 30}};
  CHECK(analytic_verdict(all, r) == st::Verdict::missed);
  all["where"] = {{"rate", 10}};
  CHECK(analytic_verdict(all, r) == st::Verdict::met);
}

TEST_CASE("study: orderings hold at every common point, saturated counts as slowest") {
  std::vector<st::PointResult> r = {point("a", 10, 5.0),  point("b", 10, 6.0),
                                    point("c", 10, 7.0),  point("a", 100, 5.5),
                                    point("b", 100, 6.5), point("c", 100, std::nullopt)};
  const json x = {
      {"kind", "ordering"}, {"metric", "response_time_ms"}, {"configurations", {"a", "b", "c"}}};
  CHECK(analytic_verdict(x, r) == st::Verdict::met);
  r[4].values["response_time_ms"] = 5.4;  // b faster than a at rate 100
  CHECK(analytic_verdict(x, r) == st::Verdict::missed);
  const auto study = expectation_study(json::array({x}));
  const auto outcome = st::evaluate_expectations(study, r).at(0);
  CHECK(outcome.analytic.measured.find("rate=100") != std::string::npos);
  // Restricted to rate 10 it holds again.
  json at10 = x;
  at10["where"] = {{"rate", 10}};
  CHECK(analytic_verdict(at10, r) == st::Verdict::met);
}

TEST_CASE("study: saturation windows check the throughput limit and its bottleneck") {
  const std::vector<st::PointResult> r = {point("a", 10, 20.0, 195.0, "log_disk.disk"),
                                          point("a", 100, 30.0, 195.0, "log_disk.disk")};
  json x = {{"kind", "saturation"}, {"configuration", "a"}, {"min", 180}, {"max", 200}};
  CHECK(analytic_verdict(x, r) == st::Verdict::met);
  x["limited_by"] = "log_disk";
  CHECK(analytic_verdict(x, r) == st::Verdict::met);
  x["limited_by"] = "cpu";
  CHECK(analytic_verdict(x, r) == st::Verdict::missed);
  x.erase("limited_by");
  x["max"] = 190;
  CHECK(analytic_verdict(x, r) == st::Verdict::missed);
}

TEST_CASE("study: differences, monotonic curves and crossings") {
  const std::vector<st::PointResult> r = {point("a", 10, 10.0),  point("a", 100, 11.0),
                                          point("a", 200, 30.0), point("b", 10, 11.5),
                                          point("b", 100, 11.2), point("b", 200, 11.1)};
  const json diff = {{"kind", "difference"},
                     {"metric", "response_time_ms"},
                     {"points",
                      {{{"configuration", "b"}, {"where", {{"rate", 10}}}},
                       {{"configuration", "a"}, {"where", {{"rate", 10}}}}}},
                     {"target", 1.5},
                     {"tolerance", 0.2}};
  CHECK(analytic_verdict(diff, r) == st::Verdict::met);
  json diff2 = diff;
  diff2["target"] = 1.0;
  CHECK(analytic_verdict(diff2, r) == st::Verdict::missed);

  json mono = {{"kind", "monotonic"},
               {"metric", "response_time_ms"},
               {"configuration", "a"},
               {"axis", "rate"},
               {"direction", "increasing"}};
  CHECK(analytic_verdict(mono, r) == st::Verdict::met);
  mono["configuration"] = "b";
  CHECK(analytic_verdict(mono, r) == st::Verdict::missed);
  mono["direction"] = "decreasing";
  CHECK(analytic_verdict(mono, r) == st::Verdict::met);

  // a reaches 2x its first value at rate 200; expected in [150, 250].
  json cross = {{"kind", "crossing"},
                {"metric", "response_time_ms"},
                {"configuration", "a"},
                {"axis", "rate"},
                {"factor", 2.0},
                {"min", 150},
                {"max", 250}};
  CHECK(analytic_verdict(cross, r) == st::Verdict::met);
  cross["max"] = 180;
  CHECK(analytic_verdict(cross, r) == st::Verdict::missed);
  // b never doubles: with an upper bound that is a miss.
  cross["configuration"] = "b";
  CHECK(analytic_verdict(cross, r) == st::Verdict::missed);
}

TEST_CASE("study: expectations without matching points are not evaluated, not missed") {
  const std::vector<st::PointResult> r = {point("a", 10, 10.0)};
  const json x = {
      {"kind", "value"}, {"metric", "response_time_ms"}, {"configuration", "b"}, {"max", 100}};
  CHECK(analytic_verdict(x, r) == st::Verdict::not_evaluated);
  const auto study = expectation_study(json::array({x}));
  CHECK_FALSE(st::any_missed(st::evaluate_expectations(study, r)));
}

TEST_CASE("study: a resumed run reuses finished points and recomputes changed ones") {
  const std::string dir = temp_dir("resume");
  const std::string journal = dir + "/journal.jsonl";
  json doc = small_study();
  st::RunOptions options;
  options.jobs = 2;
  options.journal_file = journal;
  const auto first = st::run_study(st::parse_study(doc), options);
  REQUIRE(first.size() == 12);
  for (const auto& r : first) CHECK_FALSE(r.reused);

  // Simulate an interruption: drop the last three journal lines and garble the one before.
  std::vector<std::string> lines;
  {
    std::ifstream in(journal);
    for (std::string l; std::getline(in, l);) lines.push_back(l);
  }
  REQUIRE(lines.size() == 12);
  {
    std::ofstream out(journal, std::ios::trunc);
    for (std::size_t i = 0; i < 8; ++i) out << lines[i] << '\n';
    out << lines[8].substr(0, lines[8].size() / 2);  // a half-written line
  }
  const auto second = st::run_study(st::parse_study(doc), options);
  std::size_t reused = 0;
  for (const auto& r : second) reused += r.reused ? 1 : 0;
  CHECK(reused == 8);
  for (std::size_t i = 0; i < 12; ++i)
    CHECK(second[i].value("response_time_ms") == first[i].value("response_time_ms"));

  // A third run reuses everything; changing one configuration recomputes only its six points.
  const auto third = st::run_study(st::parse_study(doc), options);
  for (const auto& r : third) CHECK(r.reused);
  doc["configurations"][1]["overrides"]["nodes[0].cpu.mips"] = 60.0;
  const auto fourth = st::run_study(st::parse_study(doc), options);
  for (const auto& r : fourth) CHECK(r.reused == (r.configuration == "disk_log"));
  std::filesystem::remove_all(dir);
}

TEST_CASE("study: the result files hold every point and one summary line per expectation") {
  const auto study = st::parse_study(small_study());
  const auto results = st::run_study(study, {});
  const auto outcomes = st::evaluate_expectations(study, results);
  const std::string csv = st::results_csv(study, results);
  std::istringstream lines(csv);
  std::string header;
  std::getline(lines, header);
  CHECK(header ==
        "configuration,label,rate,hs_pages,saturated,bottleneck,limited_by,response_time_ms,"
        "hs_hit_pct,sim_saturated");
  std::size_t rows = 0;
  for (std::string l; std::getline(lines, l);) ++rows;
  CHECK(rows == results.size());
  const std::string md = st::summary_markdown(study, outcomes, {});
  CHECK(md.find("| T1 | test | SSD log faster |") != std::string::npos);
}

TEST_CASE("study CLI: exit 0 when met, 1 when an expectation is missed, 2 on bad input") {
  const std::string dir = temp_dir("cli");
  json doc = small_study();
  const auto write = [&](const json& d) { std::ofstream(dir + "/s.json") << d.dump(2); };
  const std::string cmd =
      std::string(TPEVAL_BINARY) + " study " + dir + "/s.json --out " + dir + "/out";
  write(doc);
  CHECK(run(cmd) == 0);
  for (const char* f : {"results.csv", "results.json", "summary.md", "journal.jsonl"})
    CHECK(std::filesystem::exists(dir + "/out/" + f));
  // The same ordering reversed cannot hold: exit 1, and the summary says missed.
  doc["expectations"][0]["configurations"] = {"disk_log", "ssd_log"};
  write(doc);
  CHECK(run(cmd) == 1);
  std::ifstream summary(dir + "/out/summary.md");
  const std::string text((std::istreambuf_iterator<char>(summary)),
                         std::istreambuf_iterator<char>());
  CHECK(text.find("**missed**") != std::string::npos);
  doc["metrics"] = json::array({"no_such_metric"});
  write(doc);
  CHECK(run(cmd) == 2);
  std::filesystem::remove_all(dir);
}

TEST_CASE("study: simulated checks are missed only when the 95 % interval contradicts them") {
  const auto simulated = [](const std::string& conf, double mean, double half_width) {
    st::PointResult r = point(conf, 10, mean + 100.0);  // analytic values far from the bounds
    st::SimulatedPoint sp;
    sp.metrics["response_time_ms"] = {mean, half_width};
    r.simulated = sp;
    return r;
  };
  const auto sim_check = [](const json& x, const std::vector<st::PointResult>& r) {
    const auto study = expectation_study(json::array({x}));
    return *st::evaluate_expectations(study, r).at(0).simulated;
  };
  std::vector<st::PointResult> r = {simulated("a", 10.0, 1.0)};
  json x = {{"kind", "value"},
            {"metric", "response_time_ms"},
            {"configuration", "a"},
            {"target", 11.5},
            {"tolerance", 0.2}};
  CHECK(sim_check(x, r).verdict == st::Verdict::missed);  // [9, 11] vs [11.3, 11.7]
  x["target"] = 10.8;
  x["tolerance"] = 0.1;
  auto c = sim_check(x, r);
  CHECK(c.verdict == st::Verdict::met);  // the mean misses [10.7, 10.9], the interval meets it
  CHECK(c.within_interval);
  x["target"] = 10.0;
  c = sim_check(x, r);
  CHECK(c.verdict == st::Verdict::met);
  CHECK_FALSE(c.within_interval);

  const json order = {
      {"kind", "ordering"}, {"metric", "response_time_ms"}, {"configurations", {"a", "b"}}};
  r = {simulated("a", 10.0, 1.0), simulated("b", 9.5, 1.0)};  // reversed by 0.5 < 1.41
  c = sim_check(order, r);
  CHECK(c.verdict == st::Verdict::met);
  CHECK(c.within_interval);
  r = {simulated("a", 10.0, 0.1), simulated("b", 9.5, 0.1)};  // reversed by 0.5 > 0.14
  CHECK(sim_check(order, r).verdict == st::Verdict::missed);
}

TEST_CASE(
    "study: a difference of two gaps uses four points - three points or relative are refused") {
  // Gap b - a at rate 200 (19) minus gap b - a at rate 10 (-1.5): the gap grows by 20.5.
  const std::vector<st::PointResult> r = {point("a", 10, 10.0), point("b", 10, 8.5),
                                          point("a", 200, 30.0), point("b", 200, 49.0)};
  const auto at = [](const std::string& conf, int rate) {
    return json{{"configuration", conf}, {"where", {{"rate", rate}}}};
  };
  json gap = {{"kind", "difference"},
              {"metric", "response_time_ms"},
              {"points", {at("b", 200), at("a", 200), at("b", 10), at("a", 10)}},
              {"target", 20.5},
              {"tolerance", 0.01}};
  CHECK(analytic_verdict(gap, r) == st::Verdict::met);
  const auto study = expectation_study(json::array({gap}));
  const auto outcome = st::evaluate_expectations(study, r).at(0);
  REQUIRE(outcome.analytic.value);
  CHECK(*outcome.analytic.value == doctest::Approx(20.5));
  gap["min"] = 21.0;
  gap.erase("target");
  gap.erase("tolerance");
  CHECK(analytic_verdict(gap, r) == st::Verdict::missed);

  json three = gap;
  three["points"].erase(3);
  CHECK(error_of([&] {
          expectation_study(json::array({three}));
        }).find("needs two points (first - second) or four") != std::string::npos);
  json relative = gap;
  relative["relative"] = true;
  CHECK(error_of([&] {
          expectation_study(json::array({relative}));
        }).find("a relative difference needs two points") != std::string::npos);
}

TEST_CASE("study: points the simulator refuses make their simulated checks 'not simulated'") {
  // a and b at rate 10 are simulated; b at rate 100 is a model the simulator refuses.
  const auto simulated = [](const std::string& conf, double rate, double mean) {
    st::PointResult r = point(conf, rate, mean);
    st::SimulatedPoint sp;
    sp.metrics["response_time_ms"] = {mean, 0.1};
    r.simulated = sp;
    return r;
  };
  st::PointResult refused = point("b", 100, 20.0);
  refused.simulated = st::SimulatedPoint{};
  refused.simulated->not_simulated = "cluster.nodes: the transaction simulator runs one node";
  const std::vector<st::PointResult> r = {simulated("a", 10, 10.0), simulated("b", 10, 12.0),
                                          point("a", 100, 15.0), refused};
  const json everywhere = {
      {"kind", "ordering"}, {"metric", "response_time_ms"}, {"configurations", {"a", "b"}}};
  json at10 = everywhere;
  at10["where"] = {{"rate", 10}};
  const auto study = expectation_study(json::array({everywhere, at10}));
  const auto outcomes = st::evaluate_expectations(study, r);
  // One refused point decides: a check on the other points alone would not be the expectation.
  CHECK(outcomes[0].analytic.verdict == st::Verdict::met);
  REQUIRE(outcomes[0].simulated);
  CHECK(outcomes[0].simulated->verdict == st::Verdict::not_simulated);
  CHECK(outcomes[0].simulated->measured.find("not simulated (cluster.nodes: the transaction") == 0);
  CHECK(outcomes[0].simulated->measured.find("1 of 4 points refused") != std::string::npos);
  // Where no refused point is involved, the simulated check is made as usual.
  REQUIRE(outcomes[1].simulated);
  CHECK(outcomes[1].simulated->verdict == st::Verdict::met);
  CHECK_FALSE(st::any_missed(outcomes));
  st::StudyRunInfo info;
  info.mode = st::Mode::both;
  info.simulation_available = true;
  const std::string summary = st::summary_markdown(study, outcomes, info);
  CHECK(summary.find("met / sim not simulated") != std::string::npos);
  CHECK(summary.find("Simulated checks: 1 not simulated") != std::string::npos);
}

TEST_CASE("study: a point the simulator refused is recomputed, not reused from the journal") {
  const std::string dir = temp_dir("refused");
  json doc = small_study();
  doc["configurations"].erase(1);
  doc["sweep"].erase(1);
  doc["expectations"] = json::array();
  st::RunOptions options;
  options.mode = st::Mode::both;
  options.jobs = 1;
  options.journal_file = dir + "/journal.jsonl";
  int calls = 0;
  bool accept = false;
  options.simulator = [&](const tpeval::model::SystemModel&, const st::SimulationSettings&,
                          const std::vector<std::string>&) {
    ++calls;
    st::SimulatedPoint p;
    if (accept)
      p.metrics["response_time_ms"] = {50.0, 1.0};
    else
      p.not_simulated = "cluster.nodes: not yet";
    return p;
  };
  const auto first = st::run_study(st::parse_study(doc), options);
  REQUIRE(first.size() == 3);
  CHECK(calls == 3);
  REQUIRE(first[0].simulated);
  CHECK(first[0].simulated->not_simulated == "cluster.nodes: not yet");
  // The refusal survives the journal's JSON round trip ...
  const auto back = st::point_from_json(st::to_json(first[0]));
  REQUIRE(back.simulated);
  CHECK(back.simulated->not_simulated == "cluster.nodes: not yet");
  // ... but a later run (with a simulator that now accepts the model) recomputes every point.
  accept = true;
  const auto second = st::run_study(st::parse_study(doc), options);
  CHECK(calls == 6);
  for (const auto& p : second) {
    CHECK_FALSE(p.reused);
    REQUIRE(p.simulated);
    CHECK(p.simulated->not_simulated.empty());
  }
  // Simulated points are reused as before.
  const auto third = st::run_study(st::parse_study(doc), options);
  CHECK(calls == 6);
  for (const auto& p : third) CHECK(p.reused);
  // A finished run leaves one journal line per point, however often points were recomputed.
  std::ifstream journal(options.journal_file);
  std::size_t lines = 0;
  for (std::string l; std::getline(journal, l);) ++lines;
  CHECK(lines == 3);
  std::filesystem::remove_all(dir);
}
