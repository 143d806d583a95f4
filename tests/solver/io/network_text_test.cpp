// parse_network_text(): the one-pass reader of network files agrees with the reference reader
// (parse_json_text + parse_network) on valid files and leaves every other file to it, so the
// errors are the reference reader's, word for word.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "solver/io/network_json.hpp"

using tpeval::io::InputError;
using tpeval::io::parse_network_text;
using tpeval::io::parse_network_text_fast;

namespace {

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

/// The reference reader's error for `text`, or "no error".
std::string reference_error(const std::string& text) {
  try {
    tpeval::io::parse_network(tpeval::io::parse_json_text(text, "net.json"));
  } catch (const InputError& e) {
    return e.what();
  }
  return "no error";
}

std::string text_error(const std::string& text) {
  try {
    parse_network_text(text, "net.json");
  } catch (const InputError& e) {
    return e.what();
  }
  return "no error";
}

void check_same_network(const tpeval::solver::Network& a, const tpeval::solver::Network& b) {
  REQUIRE(a.station_count() == b.station_count());
  REQUIRE(a.class_count() == b.class_count());
  for (int k = 0; k < a.station_count(); ++k) {
    CHECK(a.stations[k].name == b.stations[k].name);
    CHECK(a.stations[k].kind == b.stations[k].kind);
    CHECK(a.stations[k].discipline == b.stations[k].discipline);
    CHECK(a.stations[k].servers == b.stations[k].servers);
    CHECK(a.stations[k].rate_multipliers == b.stations[k].rate_multipliers);
    CHECK(a.stations[k].service_scv == b.stations[k].service_scv);
  }
  for (int c = 0; c < a.class_count(); ++c) {
    CHECK(a.classes[c].name == b.classes[c].name);
    CHECK(a.classes[c].kind == b.classes[c].kind);
    CHECK(a.classes[c].arrival_rate_per_s == b.classes[c].arrival_rate_per_s);
    CHECK(a.classes[c].population == b.classes[c].population);
    CHECK(a.classes[c].think_time_s == b.classes[c].think_time_s);
  }
  CHECK(a.demand_s == b.demand_s);
  CHECK(a.visits == b.visits);
}

const char* const full_document = R"({
  "$schema": "x", "name": "t", "description": "d",
  "stations": [
    {"name": "think", "kind": "delay", "service_scv": 2, "description": "terminals"},
    {"name": "cpu", "kind": "queue", "discipline": "ps", "servers": 4},
    {"name": "pool", "rate_multipliers": [1, 1.5, 2]},
    {"name": "disk", "discipline": "fcfs", "service_scv": 0}
  ],
  "classes": [
    {"name": "a", "population": 7, "think_time_s": 1.5, "demands_s": {"cpu": 0.2, "pool": 0.1, "disk": 0}},
    {"name": "b", "arrival_rate_per_s": 2.5, "description": "open",
     "visits": {"think": 1, "cpu": 3, "disk": 0}, "service_times_s": {"think": 4, "cpu": 0.01, "disk": 0.5}},
    {"name": "c", "population": 0, "demands_s": {"disk": 1e-3}}
  ]})";

}  // namespace

TEST_CASE("network_text: the one-pass reader reads every example network as parse_network does") {
  const std::filesystem::path dir = std::filesystem::path(TPEVAL_SOURCE_DIR) / "examples/networks";
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    INFO(entry.path().string());
    const std::string text = read_file(entry.path());
    const auto fast = parse_network_text_fast(text);
    REQUIRE(fast.has_value());
    const nlohmann::json doc = nlohmann::json::parse(text);
    check_same_network(fast->network, tpeval::io::parse_network(doc));
    CHECK(fast->name == doc.value("name", std::string()));
    CHECK(fast->description == doc.value("description", std::string()));
    ++files;
  }
  CHECK(files >= 4);
  const auto fast = parse_network_text_fast(tpeval::io::example_network_json());
  REQUIRE(fast.has_value());
  CHECK(fast->name == "central-server");
}

TEST_CASE("network_text: every member of the format is read as parse_network reads it") {
  const auto fast = parse_network_text_fast(full_document);
  REQUIRE(fast.has_value());
  check_same_network(fast->network,
                     tpeval::io::parse_network(nlohmann::json::parse(full_document)));
  CHECK(fast->name == "t");
  CHECK(fast->description == "d");
}

TEST_CASE("network_text: what the one-pass reader does not accept gets the reference error") {
  // Each is refused by the reference reader; the one-pass reader must leave it to it.
  const std::vector<std::string> refused = {
      "",
      "[]",
      "{\"stations\": [{\"name\": \"a\"}], \"classes\": [{\"name\": \"x\", \"population\": 1, "
      "\"demands_s\": {\"a\": 1}}]} trailing",
      R"({"stations": [], "classes": []})",
      R"({"stations": [{"name": ""}], "classes": [{"name": "x", "population": 1, "demands_s": {"a": 1}}]})",
      R"({"stations": [{"name": "a"}, {"name": "a"}], "classes": [{"name": "x", "population": 1, "demands_s": {"a": 1}}]})",
      R"({"stations": [{"name": "a", "kind": "delay", "servers": 2}], "classes": [{"name": "x", "population": 1, "demands_s": {"a": 1}}]})",
      R"({"stations": [{"name": "a", "servers": 0}], "classes": [{"name": "x", "population": 1, "demands_s": {"a": 1}}]})",
      R"({"stations": [{"name": "a", "servers": 2.5}], "classes": [{"name": "x", "population": 1, "demands_s": {"a": 1}}]})",
      R"({"stations": [{"name": "a", "servers": 2, "rate_multipliers": [1, 2]}], "classes": [{"name": "x", "population": 1, "demands_s": {"a": 1}}]})",
      R"({"stations": [{"name": "a", "rate_multipliers": []}], "classes": [{"name": "x", "population": 1, "demands_s": {"a": 1}}]})",
      R"({"stations": [{"name": "a", "rate_multipliers": [0]}], "classes": [{"name": "x", "population": 1, "demands_s": {"a": 1}}]})",
      R"({"stations": [{"name": "a", "service_scv": -1}], "classes": [{"name": "x", "population": 1, "demands_s": {"a": 1}}]})",
      R"({"stations": [{"name": "a", "discipline": "lcfs"}], "classes": [{"name": "x", "population": 1, "demands_s": {"a": 1}}]})",
      R"({"stations": [{"name": "a", "colour": 1}], "classes": [{"name": "x", "population": 1, "demands_s": {"a": 1}}]})",
      R"({"stations": [{"name": "a"}], "classes": [{"name": "x", "population": 1, "demands_s": {"b": 1}}]})",
      R"({"stations": [{"name": "a"}], "classes": [{"name": "x", "population": 1, "demands_s": {"a": 0}}]})",
      R"({"stations": [{"name": "a"}], "classes": [{"name": "x", "population": 1, "demands_s": {"a": -1}}]})",
      R"({"stations": [{"name": "a"}], "classes": [{"name": "x", "population": 1, "demands_s": {"a": "1"}}]})",
      R"({"stations": [{"name": "a"}], "classes": [{"name": "x", "population": -1, "demands_s": {"a": 1}}]})",
      R"({"stations": [{"name": "a"}], "classes": [{"name": "x", "population": 1e10, "demands_s": {"a": 1}}]})",
      R"({"stations": [{"name": "a"}], "classes": [{"name": "x", "population": 1, "arrival_rate_per_s": 1, "demands_s": {"a": 1}}]})",
      R"({"stations": [{"name": "a"}], "classes": [{"name": "x", "demands_s": {"a": 1}}]})",
      R"({"stations": [{"name": "a"}], "classes": [{"name": "x", "arrival_rate_per_s": 1, "think_time_s": 1, "demands_s": {"a": 1}}]})",
      R"({"stations": [{"name": "a"}], "classes": [{"name": "x", "population": 1}]})",
      R"({"stations": [{"name": "a"}], "classes": [{"name": "x", "population": 1, "visits": {"a": 1}}]})",
      R"({"stations": [{"name": "a"}], "classes": [{"name": "x", "population": 1, "visits": {"a": 1}, "service_times_s": {}}]})",
      R"({"stations": [{"name": "a"}, {"name": "b"}], "classes": [{"name": "x", "population": 1, "visits": {"a": 1}, "service_times_s": {"a": 1, "b": 1}}]})",
      R"({"stations": [{"name": "a"}], "classes": [{"name": "x", "population": 1, "visits": {"a": 1e200}, "service_times_s": {"a": 1e200}}]})",
      R"({"stations": [{"name": "a"}], "classes": [{"name": "x", "population": 1, "demands_s": {"a": 1}, "visits": {"a": 1}}]})",
      R"({"stations": [{"name": "a"}], "classes": [{"name": "x", "population": 1, "demands_s": {"a": 1}}, {"name": "x", "population": 1, "demands_s": {"a": 1}}]})",
      R"({"stations": [{"name": "a"}], "classes": [{"name": "x", "population": 1, "demands_s": {"a": 1e400}}]})",
      R"({"name": 3, "stations": [{"name": "a"}], "classes": [{"name": "x", "population": 1, "demands_s": {"a": 1}}]})",
      R"({"extra": 3, "stations": [{"name": "a"}], "classes": [{"name": "x", "population": 1, "demands_s": {"a": 1}}]})",
  };
  for (const auto& text : refused) {
    INFO(text);
    CHECK_FALSE(parse_network_text_fast(text).has_value());
    const std::string expected = reference_error(text);
    CHECK(expected != "no error");
    CHECK(text_error(text) == expected);
  }
}

TEST_CASE("network_text: valid forms the one-pass reader leaves to parse_network are still read") {
  // Duplicate keys (the last one wins), classes before stations, a float server count, a
  // non-string description: valid, but not the one-pass reader's form.
  const std::vector<std::string> valid = {
      R"({"stations": [{"name": "a", "name": "b"}], "classes": [{"name": "x", "population": 1, "demands_s": {"b": 1, "b": 2}}]})",
      R"({"classes": [{"name": "x", "population": 1, "demands_s": {"a": 1}}], "stations": [{"name": "a"}]})",
      R"({"stations": [{"name": "a", "servers": 2.0, "description": {"room": 4}}], "classes": [{"name": "x", "population": 1e1, "demands_s": {"a": 1}}]})",
      R"({"$schema": null, "stations": [{"name": "a"}], "classes": [{"name": "x", "population": 1, "demands_s": {"a": 1}}]})",
  };
  for (const auto& text : valid) {
    INFO(text);
    CHECK_FALSE(parse_network_text_fast(text).has_value());
    const auto doc = parse_network_text(text, "net.json");
    check_same_network(doc.network, tpeval::io::parse_network(nlohmann::json::parse(text)));
  }
}
