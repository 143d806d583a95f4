// `tpeval solve` end to end: runs the built executable (TPEVAL_BINARY) and checks exit codes,
// stdout and stderr.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "tests/support/cli_run.hpp"

namespace fs = std::filesystem;

namespace {
using Run = tpeval::test::CliRun;
using tpeval::test::run_tpeval;
}  // namespace

TEST_CASE("cli solve: --example succeeds in every format") {
  const Run table = run_tpeval("solve --example");
  CHECK(table.exit_code == 0);
  CHECK(table.err.empty());
  CHECK(table.out.find("Method: exact-mva") != std::string::npos);
  CHECK(table.out.find("oltp") != std::string::npos);
  CHECK(table.out.find("utilization_%_per_server") != std::string::npos);
  CHECK(table.out.find("nan") == std::string::npos);

  const Run json = run_tpeval("solve --example --format json");
  CHECK(json.exit_code == 0);
  const auto doc = nlohmann::json::parse(json.out);
  CHECK(doc["format"] == "tpeval-solution/1");
  CHECK(doc["network"] == "central-server");
  CHECK(doc["classes"].size() == 2);
  CHECK(doc["stations"].size() == 3);
  CHECK(doc["class_stations"].size() == 6);

  const Run csv = run_tpeval("solve --example --format csv");
  CHECK(csv.exit_code == 0);
  CHECK(csv.out.rfind("section,class,station,metric,value\n", 0) == 0);
  CHECK(csv.out.find("class,oltp,,throughput_per_s,") != std::string::npos);
  CHECK(csv.out.find("class_station,batch,disk2,residence_time_s,") != std::string::npos);
}

TEST_CASE("cli solve: methods and bounds") {
  for (const char* method : {"auto", "exact", "linearizer", "schweitzer"}) {
    CAPTURE(method);
    const Run r = run_tpeval(std::string("solve --example --format json --method ") + method);
    CHECK(r.exit_code == 0);
    if (r.exit_code == 0) {
      const auto doc = nlohmann::json::parse(r.out);
      // Throughputs of all methods agree with exact MVA to a few percent on this model.
      CHECK(doc["classes"][0]["throughput_per_s"].get<double>() > 0);
    }
  }
  CHECK(run_tpeval("solve --example --method magic").exit_code == 2);

  const Run bounds = run_tpeval("solve --example --bounds --format json");
  REQUIRE(bounds.exit_code == 0);
  const auto doc = nlohmann::json::parse(bounds.out);
  const auto& b = doc["bounds"]["closed_classes"][0];
  const double x = doc["classes"][0]["throughput_per_s"].get<double>();
  CHECK(b["class"] == "oltp");
  // The class-alone upper bound holds for the class in the mix as well.
  CHECK(x <= b["throughput_upper_per_s"].get<double>());
  CHECK(b["knee_population"].get<double>() > 0);
  const Run table = run_tpeval("solve --example --bounds");
  CHECK(table.exit_code == 0);
  CHECK(table.out.find("knee_N*") != std::string::npos);
}

TEST_CASE("cli solve: bad input exits 2 naming the file and the JSON path") {
  const Run missing = run_tpeval("solve /nonexistent/net.json");
  CHECK(missing.exit_code == 2);
  CHECK(missing.err == "tpeval: error: /nonexistent/net.json: cannot open file\n");

  const fs::path bad = tpeval::test::write_scratch_file(
      "bad.json",
      R"({"stations":[{"name":"cpu"}],"classes":[{"name":"a","population":2.5,"demands_s":{"cpu":1}}]})");
  const Run r = run_tpeval("solve '" + bad.string() + "'");
  CHECK(r.exit_code == 2);
  CHECK(r.out.empty());
  CHECK(r.err == "tpeval: error: " + bad.string() +
                     ": classes[0].population: must be a non-negative integer\n");

  const fs::path malformed =
      tpeval::test::write_scratch_file("malformed.json", "{\"stations\": [\n}");
  const Run m = run_tpeval("solve '" + malformed.string() + "'");
  CHECK(m.exit_code == 2);
  CHECK(m.err.find("malformed JSON at line 2") != std::string::npos);

  CHECK(run_tpeval("solve").exit_code == 2);
  CHECK(run_tpeval("solve --example '" + bad.string() + "'").exit_code == 2);
}

TEST_CASE("cli solve: an unstable open model exits 2 with the bottleneck and headroom") {
  const fs::path unstable = tpeval::test::write_scratch_file("unstable.json", R"({
    "stations": [{"name": "cpu", "servers": 2}, {"name": "disk"}],
    "classes": [{"name": "tx", "arrival_rate_per_s": 50, "demands_s": {"cpu": 0.02, "disk": 0.025}}]
  })");
  const Run r = run_tpeval("solve '" + unstable.string() + "'");
  CHECK(r.exit_code == 2);
  CHECK(r.out.empty());
  CHECK(r.err == "tpeval: error: " + unstable.string() +
                     ": unstable network: station 'disk' would be saturated (utilization 1.25); "
                     "arrival rates can be at most 0.8 times the given ones\n");
}

TEST_CASE("cli solve: every example network solves, open and mixed methods are named") {
  for (const char* name : {"central_server", "mixed_bolch_8_6", "open_qsp_p113", "web_tier_open"}) {
    CAPTURE(name);
    const Run r = run_tpeval(std::string("solve --format json --bounds '") + TPEVAL_SOURCE_DIR +
                             "/examples/networks/" + name + ".json'");
    REQUIRE(r.exit_code == 0);
    const auto doc = nlohmann::json::parse(r.out);
    const std::string method = doc["method"];
    if (std::string(name) == "open_qsp_p113") CHECK(method == "open-product-form");
    if (std::string(name) == "mixed_bolch_8_6") CHECK(method.rfind("mixed(", 0) == 0);
  }
  const Run example = run_tpeval("solve --print-example");
  CHECK(example.exit_code == 0);
  CHECK(nlohmann::json::parse(example.out)["name"] == "central-server");
}

TEST_CASE("cli solve: a JMVA file solves like its JSON equivalent, refusals name the XPath") {
  const std::string dir = std::string(TPEVAL_SOURCE_DIR) + "/tests/solver/io/jmva/";
  const Run jmva = run_tpeval("solve --format json '" + dir + "load_dependent.jmva'");
  const Run json = run_tpeval("solve --format json '" + dir + "load_dependent_equivalent.json'");
  REQUIRE(jmva.exit_code == 0);
  REQUIRE(json.exit_code == 0);
  auto a = nlohmann::json::parse(jmva.out);
  auto b = nlohmann::json::parse(json.out);
  b.erase("network");  // the JSON file has a name, the JMVA file none
  CHECK(a["class_stations"].size() == 6);
  for (std::size_t i = 0; i < a["class_stations"].size(); ++i)
    CHECK(a["class_stations"][i]["mean_jobs"].get<double>() ==
          doctest::Approx(b["class_stations"][i]["mean_jobs"].get<double>()).epsilon(1e-10));

  const Run sweep = run_tpeval("solve --format json '" + dir + "mixed_whatif.jmva'");
  REQUIRE(sweep.exit_code == 0);
  const auto doc = nlohmann::json::parse(sweep.out);
  CHECK(doc["format"] == "tpeval-what-if/1");
  CHECK(doc["class"] == "open1");
  CHECK(doc["points"].size() == 3);
  CHECK(doc["points"][1]["solution"]["classes"][0]["arrival_rate_per_s"] == 0.3);

  const fs::path bad = tpeval::test::scratch_dir() / "bad.jmva";
  std::ofstream(bad)
      << "<model><parameters><classes><closedclass name=\"c\" population=\"1\"/>"
         "</classes><stations><holstation name=\"h\"/></stations></parameters></model>";
  const Run refused = run_tpeval("solve '" + bad.string() + "'");
  CHECK(refused.exit_code == 2);
  CHECK(refused.err == "tpeval: error: " + bad.string() +
                           ": /model/parameters/stations/holstation: priority stations (PRS/HOL) "
                           "are not product-form; tpeval does not solve them\n");
}

TEST_CASE("cli solve: --export jmva and --export json convert, the exported files solve alike") {
  const fs::path dir = tpeval::test::scratch_dir();
  const std::string jmva = (dir / "central.jmva").string();
  const std::string back = (dir / "central.json").string();
  REQUIRE(run_tpeval("solve --example --export jmva --with-results -o '" + jmva + "'").exit_code ==
          0);
  const std::string xml = tpeval::test::slurp(jmva);
  CHECK(xml.find("<solutions algCount=\"1\" ok=\"true\" solutionMethod=\"analytical\">") !=
        std::string::npos);
  CHECK(xml.find("<delaystation name=\"think_time\">") != std::string::npos);
  REQUIRE(run_tpeval("solve '" + jmva + "' --export json -o '" + back + "'").exit_code == 0);
  const auto network = nlohmann::json::parse(tpeval::test::slurp(back));
  CHECK(network["stations"][0]["name"] == "think_time");
  CHECK(network["stations"][0]["kind"] == "delay");
  // The example solved directly and through JMVA and back: same OLTP throughput.
  const auto direct = nlohmann::json::parse(run_tpeval("solve --example --format json").out);
  const auto via = nlohmann::json::parse(run_tpeval("solve '" + back + "' --format json").out);
  CHECK(via["classes"][0]["throughput_per_s"].get<double>() ==
        doctest::Approx(direct["classes"][0]["throughput_per_s"].get<double>()).epsilon(1e-12));
  CHECK(run_tpeval("solve --example --export json --with-results").exit_code == 2);
  CHECK(run_tpeval("solve --example --export xml").exit_code == 2);
}
