#include <doctest/doctest.h>

#include <cmath>
#include <fstream>
#include <sstream>
#include <string>

#include "solver/io/network_json.hpp"
#include "solver/solve.hpp"

using tpeval::io::InputError;
using tpeval::io::parse_network;

namespace {

/// The what() of the InputError parsing `text` throws, or "no error".
std::string error_of(const std::string& text) {
  try {
    parse_network(tpeval::io::parse_json_text(text, "net.json"));
  } catch (const InputError& e) {
    return e.what();
  }
  return "no error";
}

/// A valid two-station document with `class_json` as its only class.
std::string with_class(const std::string& class_json) {
  return R"({"stations":[{"name":"cpu"},{"name":"disk","discipline":"fcfs"}],"classes":[)" +
         class_json + "]}";
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

}  // namespace

TEST_CASE("network_json: a full document becomes the network it describes") {
  const auto n = parse_network(nlohmann::json::parse(R"({
    "name": "t", "description": "d",
    "stations": [
      {"name": "think", "kind": "delay", "service_scv": 2},
      {"name": "cpu", "kind": "queue", "discipline": "ps", "servers": 4},
      {"name": "pool", "rate_multipliers": [1, 1.5, 2]}
    ],
    "classes": [
      {"name": "a", "population": 7, "think_time_s": 1.5, "demands_s": {"cpu": 0.2, "pool": 0.1}},
      {"name": "b", "arrival_rate_per_s": 2.5,
       "visits": {"think": 1, "cpu": 3}, "service_times_s": {"think": 4, "cpu": 0.01}}
    ]})"));
  REQUIRE(n.station_count() == 3);
  REQUIRE(n.class_count() == 2);
  CHECK(n.stations[0].kind == tpeval::solver::StationKind::delay);
  CHECK(n.stations[0].service_scv == 2.0);
  CHECK(n.stations[1].discipline == tpeval::solver::Discipline::ps);
  CHECK(n.stations[1].servers == 4);
  CHECK(n.stations[2].rate_multipliers == std::vector<double>{1, 1.5, 2});
  CHECK(n.classes[0].kind == tpeval::solver::ClassKind::closed);
  CHECK(n.classes[0].population == 7);
  CHECK(n.classes[0].think_time_s == 1.5);
  CHECK(n.classes[1].kind == tpeval::solver::ClassKind::open);
  CHECK(n.classes[1].arrival_rate_per_s == 2.5);
  CHECK(n.demand_s(0, 1) == doctest::Approx(0.2));
  CHECK(n.demand_s(0, 0) == 0.0);
  CHECK(n.visits(0, 1) == 1.0);
  CHECK(n.demand_s(1, 1) == doctest::Approx(0.03));
  CHECK(n.visits(1, 1) == 3.0);
  CHECK(n.demand_s(1, 0) == doctest::Approx(4.0));
  CHECK(n.demand_s(1, 2) == 0.0);
}

TEST_CASE("network_json: malformed JSON and wrong types name the place") {
  CHECK(error_of("{\"stations\": [}").rfind("net.json: malformed JSON at line 1", 0) == 0);
  CHECK(error_of(R"([])") == "must be an object, not an array");
  CHECK(error_of(R"({"stations":{},"classes":[]})") == "stations: must be an array, not an object");
  CHECK(error_of(R"({"stations":[{"name":3}],"classes":[]})") ==
        "stations[0].name: must be a string, not a number");
  CHECK(error_of(R"({"stations":[{"name":"a","servers":"2"}],"classes":[]})") ==
        "stations[0].servers: must be a positive integer, not a string");
  CHECK(error_of(with_class(R"({"name":"x","population":2,"demands_s":{"cpu":"fast"}})")) ==
        "classes[0].demands_s.cpu: must be a number, not a string");
  CHECK(error_of(with_class(R"({"name":"x","population":2,"demands_s":[0.1]})")) ==
        "classes[0].demands_s: must be an object, not an array");
  CHECK(error_of(R"({"stations":[{"name":"a","kind":"fifo"}],"classes":[]})") ==
        "stations[0].kind: must be one of 'queue', 'delay', not 'fifo'");
}

TEST_CASE("network_json: negative and out-of-range numbers") {
  CHECK(error_of(with_class(R"({"name":"x","arrival_rate_per_s":-1,"demands_s":{"cpu":1}})")) ==
        "classes[0].arrival_rate_per_s: must be non-negative");
  CHECK(error_of(
            with_class(R"({"name":"x","population":1,"think_time_s":-2,"demands_s":{"cpu":1}})")) ==
        "classes[0].think_time_s: must be non-negative");
  CHECK(error_of(with_class(R"({"name":"x","population":1,"demands_s":{"cpu":-0.5}})")) ==
        "classes[0].demands_s.cpu: must be non-negative");
  CHECK(error_of(with_class(
            R"({"name":"x","population":1,"visits":{"cpu":2},"service_times_s":{"cpu":0}})")) ==
        "classes[0].service_times_s.cpu: must be positive");
  CHECK(error_of(R"({"stations":[{"name":"a","servers":0}],"classes":[]})") ==
        "stations[0].servers: must be a positive integer");
  CHECK(error_of(R"({"stations":[{"name":"a","rate_multipliers":[1,0]}],"classes":[]})") ==
        "stations[0].rate_multipliers[1]: must be positive");
  CHECK(error_of(R"({"stations":[{"name":"a","rate_multipliers":[]}],"classes":[]})") ==
        "stations[0].rate_multipliers: must list at least one rate multiplier");
  CHECK(error_of(R"({"stations":[{"name":"a","service_scv":-1}],"classes":[]})") ==
        "stations[0].service_scv: must be non-negative");
}

TEST_CASE("network_json: population must be a non-negative integer") {
  CHECK(error_of(with_class(R"({"name":"x","population":2.5,"demands_s":{"cpu":1}})")) ==
        "classes[0].population: must be a non-negative integer");
  CHECK(error_of(with_class(R"({"name":"x","population":-1,"demands_s":{"cpu":1}})")) ==
        "classes[0].population: must be a non-negative integer");
  CHECK(error_of(R"({"stations":[{"name":"cpu"}],"classes":[
          {"name":"a","population":1,"demands_s":{"cpu":1}},
          {"name":"b","population":"many","demands_s":{"cpu":1}}]})") ==
        "classes[1].population: must be a non-negative integer, not a string");
}

TEST_CASE("network_json: unknown keys are errors with a suggestion") {
  CHECK(error_of(R"({"station":[],"classes":[]})") ==
        "station: unknown key (did you mean 'stations'?)");
  CHECK(error_of(R"({"stations":[{"name":"a","server":2}],"classes":[]})") ==
        "stations[0].server: unknown key (did you mean 'servers'?)");
  CHECK(error_of(with_class(R"({"name":"x","populaton":2,"demands_s":{"cpu":1}})")) ==
        "classes[0].populaton: unknown key (did you mean 'population'?)");
}

TEST_CASE("network_json: unknown station names name the closest station") {
  CHECK(error_of(with_class(R"({"name":"x","population":1,"demands_s":{"dsk":1}})")) ==
        "classes[0].demands_s.dsk: unknown station (did you mean 'disk'?)");
  CHECK(error_of(with_class(R"({"name":"x","population":1,"demands_s":{"printer":1}})")) ==
        "classes[0].demands_s.printer: unknown station");
  CHECK(error_of(with_class(
            R"({"name":"x","population":1,"visits":{"cpu":1},"service_times_s":{"cpus":1}})")) ==
        "classes[0].service_times_s.cpus: unknown station (did you mean 'cpu'?)");
}

TEST_CASE("network_json: missing or conflicting demands") {
  CHECK(error_of(with_class(R"({"name":"x","population":1})")) ==
        "classes[0].demands_s: is required (or give 'visits' and 'service_times_s')");
  CHECK(error_of(with_class(R"({"name":"x","population":1,"visits":{"cpu":1}})")) ==
        "classes[0].service_times_s: is required with 'visits'");
  CHECK(error_of(with_class(R"({"name":"x","population":1,"service_times_s":{"cpu":1}})")) ==
        "classes[0].visits: is required with 'service_times_s'");
  CHECK(
      error_of(with_class(
          R"({"name":"x","population":1,"visits":{"cpu":1,"disk":2},"service_times_s":{"cpu":1}})")) ==
      "classes[0].service_times_s.disk: is required (the class visits 'disk')");
  CHECK(
      error_of(with_class(
          R"({"name":"x","population":1,"visits":{"cpu":1},"service_times_s":{"cpu":1,"disk":2}})")) ==
      "classes[0].visits.disk: is required (a service time is given for 'disk')");
  CHECK(error_of(with_class(
            R"({"name":"x","population":1,"demands_s":{"cpu":1},"visits":{"cpu":1}})")) ==
        "classes[0].visits: give either 'demands_s' or 'visits' with 'service_times_s', not both");
  CHECK(error_of(with_class(R"({"name":"x","population":1,"demands_s":{"cpu":0}})")) ==
        "classes[0].demands_s: the class must have a positive demand at one station at least");
}

TEST_CASE("network_json: class kind, duplicates and structural rules") {
  CHECK(error_of(with_class(R"({"name":"x","demands_s":{"cpu":1}})")) ==
        "classes[0]: needs 'arrival_rate_per_s' (an open class) or 'population' (a closed class)");
  CHECK(error_of(with_class(
            R"({"name":"x","population":1,"arrival_rate_per_s":1,"demands_s":{"cpu":1}})")) ==
        "classes[0].population: a class is either open ('arrival_rate_per_s') or closed "
        "('population'), not both");
  CHECK(error_of(with_class(
            R"({"name":"x","arrival_rate_per_s":1,"think_time_s":1,"demands_s":{"cpu":1}})")) ==
        "classes[0].think_time_s: only closed classes have a think time");
  CHECK(error_of(R"({"stations":[{"name":"a"},{"name":"a"}],"classes":[]})") ==
        "stations[1].name: duplicate station name 'a' (also stations[0])");
  CHECK(error_of(R"({"stations":[{"name":"a"}],"classes":[
          {"name":"x","population":1,"demands_s":{"a":1}},
          {"name":"x","population":1,"demands_s":{"a":1}}]})") ==
        "classes[1].name: duplicate class name 'x' (also classes[0])");
  CHECK(error_of(R"({"stations":[],"classes":[]})") == "stations: must list at least one station");
  CHECK(error_of(R"({"stations":[{"name":"a"}],"classes":[]})") ==
        "classes: must list at least one class");
  CHECK(error_of(R"({"stations":[{"name":"a"}]})") == "classes: is required");
  CHECK(error_of(R"({"stations":[{"name":""}],"classes":[]})") ==
        "stations[0].name: must not be empty");
  CHECK(error_of(R"({"stations":[{"name":"z","kind":"delay","servers":2}],"classes":[]})") ==
        "stations[0].servers: not allowed for a delay station (it has infinitely many servers)");
  CHECK(error_of(
            R"({"stations":[{"name":"z","servers":2,"rate_multipliers":[1,2]}],"classes":[]})") ==
        "stations[0].servers: must be 1 for a load-dependent station (rate_multipliers already "
        "say how many jobs are served at once)");
}

TEST_CASE("network_json: the embedded example equals examples/networks/central_server.json") {
  const auto embedded = nlohmann::json::parse(tpeval::io::example_network_json());
  auto file =
      nlohmann::json::parse(read_file(TPEVAL_SOURCE_DIR "/examples/networks/central_server.json"));
  CHECK(file.contains("$schema"));  // the shipped file names its schema for editors
  file.erase("$schema");
  CHECK(embedded == file);
  const auto n = parse_network(embedded);
  CHECK(n.class_count() == 2);
  CHECK(n.has_closed_classes());
  CHECK_FALSE(n.has_open_classes());
}

TEST_CASE("network_json: every example network parses and solves with finite results") {
  for (const char* name : {"central_server", "mixed_bolch_8_6", "open_qsp_p113", "web_tier_open"}) {
    CAPTURE(name);
    const auto doc = nlohmann::json::parse(
        read_file(std::string(TPEVAL_SOURCE_DIR "/examples/networks/") + name + ".json"));
    const auto n = parse_network(doc);
    const auto s = tpeval::solver::solve(n);
    const auto out = tpeval::io::solution_to_json(n, s);
    CHECK(out["classes"].size() == static_cast<std::size_t>(n.class_count()));
    CHECK(out.dump().find("null") == std::string::npos);
    CHECK((s.station_utilization.array() < 1.0).all());
  }
}

TEST_CASE("network_json: solution_to_json is the documented form") {
  const auto doc = nlohmann::json::parse(tpeval::io::example_network_json());
  const auto n = parse_network(doc);
  const auto s = tpeval::solver::solve(n);
  const auto out = tpeval::io::solution_to_json(n, s);
  CHECK(out["format"] == "tpeval-solution/1");
  CHECK(out["method"] == s.method);
  for (const char* key :
       {"iterations", "residual", "converged", "warnings", "classes", "stations", "class_stations"})
    CHECK(out.contains(key));
  CHECK(out["class_stations"].size() == 6);
  const auto& oltp = out["classes"][0];
  CHECK(oltp["name"] == "oltp");
  CHECK(oltp["kind"] == "closed");
  CHECK(oltp["population"] == 20);
  CHECK(oltp["throughput_per_s"].get<double>() == doctest::Approx(s.class_throughput_per_s(0)));
  // Little's law on the interactive class: N = X (Z + R).
  CHECK(20.0 == doctest::Approx(oltp["throughput_per_s"].get<double>() *
                                (2.0 + oltp["response_time_s"].get<double>())));
  const auto& cpu = out["stations"][0];
  CHECK(cpu["servers"] == 1);
  CHECK(cpu["discipline"] == "ps");
  CHECK(cpu["utilization"].get<double>() == doctest::Approx(s.station_utilization(0)));
  const auto& pair = out["class_stations"][1];  // oltp at disk1
  CHECK(pair["class"] == "oltp");
  CHECK(pair["station"] == "disk1");
  CHECK(pair["visits"] == 5.0);
  CHECK(pair["response_time_per_visit_s"].get<double>() ==
        doctest::Approx(pair["residence_time_s"].get<double>() / 5.0));
  CHECK(pair["mean_jobs"].get<double>() ==
        doctest::Approx(pair["throughput_per_s"].get<double>() *
                        pair["response_time_per_visit_s"].get<double>()));
}
