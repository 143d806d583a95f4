// Input limits that hold for every JSON reader (issue #16): nesting depth, number literals beyond
// the double range, directories and oversized inputs, integer ranges, and the network reader's
// documented caps. Each case is the minimal input of a class of failure found by fuzzing.
#include <doctest/doctest.h>

#include <filesystem>
#include <sstream>
#include <string>

#include "solver/io/json_input.hpp"
#include "solver/io/network_json.hpp"
#include "solver/solve.hpp"
#include "tests/support/input_error.hpp"

using tpeval::io::JsonNode;
using tpeval::io::kMaxJsonDepth;
using tpeval::io::parse_json_text;
using tpeval::testing::error_of;

namespace {
std::string nested_arrays(std::size_t depth) {
  return std::string(depth, '[') + std::string(depth, ']');
}

std::string network_with(const std::string& class_fields) {
  return R"({"stations":[{"name":"cpu"}],"classes":[{"name":"a",)" + class_fields +
         R"(,"demands_s":{"cpu":0.1}}]})";
}
}  // namespace

TEST_CASE(
    "input limits: nesting up to the limit is read, one level deeper is refused with a path") {
  CHECK(parse_json_text(nested_arrays(kMaxJsonDepth), "x.json").is_array());
  const std::string deep =
      error_of([] { parse_json_text(nested_arrays(kMaxJsonDepth + 1), "x.json"); });
  CHECK(deep.rfind("x.json: [0][0]", 0) == 0);
  CHECK(deep.find("nested deeper than 256 levels") != std::string::npos);
  CHECK(error_of([] {
          parse_json_text(R"({"a":{"b":[1,)" + nested_arrays(300) + "]}}", "m.json");
        }).rfind("m.json: a.b[1][0]", 0) == 0);
}

TEST_CASE("input limits: a 150,000-deep array is refused without exhausting the stack") {
  CHECK(error_of([] {
          parse_json_text(nested_arrays(150'000), "deep.json");
        }).find("nested deeper than") != std::string::npos);
}

TEST_CASE("input limits: number literals beyond the double range are input errors with a path") {
  CHECK(error_of([] { parse_json_text(R"({"a":[1,1e400]})", "n.json"); }) ==
        "n.json: a[1]: number out of range (beyond +-1.8e308)");
  CHECK(error_of([] { parse_json_text("-1e999", "n.json"); }) ==
        "n.json: number out of range (beyond +-1.8e308)");
  // A syntax error stays a syntax error (JsonSyntaxError) with line and column.
  CHECK_THROWS_AS(parse_json_text("{\"a\":}", "n.json"), tpeval::io::JsonSyntaxError);
}

TEST_CASE("input limits: a directory is refused as such, not as malformed JSON") {
  const std::string dir = std::filesystem::temp_directory_path().string();
  CHECK(error_of([&] { tpeval::io::read_json_file(dir); }) ==
        dir + ": is a directory, not a JSON file");
}

TEST_CASE("input limits: a character device that never ends is refused at the size limit") {
  CHECK(error_of([] { tpeval::io::read_json_file("/dev/zero"); }) ==
        "/dev/zero: larger than the input limit of 64 MiB");
}

TEST_CASE("input limits: integers in a range are checked exactly, never truncated") {
  const auto doc = nlohmann::json::parse(
      R"({"big":4294967297,"u":18446744073709551615,"f":3e9,"neg":-1,"frac":2.5,"ok":7,"okf":7.0})");
  const JsonNode root(doc, "");
  CHECK(root.at("ok").as_int_in_range(1, 100) == 7);
  CHECK(root.at("okf").as_int_in_range(1, 100) == 7);
  CHECK(error_of([&] { root.at("big").as_int_in_range(1, 100000); }) ==
        "big: must be at most 100000");
  CHECK(error_of([&] { root.at("u").as_int_in_range(0, INT64_MAX); }) ==
        "u: must be at most 9223372036854775807");
  CHECK(error_of([&] { root.at("big").as_int_in_range(1, 4294967296); }) ==
        "big: must be at most 4294967296");
  CHECK(error_of([&] { root.at("f").as_int_in_range(0, 2147483647); }) ==
        "f: must be at most 2147483647");
  CHECK(error_of([&] { root.at("neg").as_int_in_range(0, 10); }) ==
        "neg: must be a non-negative integer");
  CHECK(error_of([&] { root.at("frac").as_int_in_range(0, 10); }) ==
        "frac: must be a non-negative integer");
}

TEST_CASE("input limits: network populations, servers and sizes have documented ranges") {
  const auto parse = [](const std::string& text) {
    tpeval::io::parse_network(parse_json_text(text, "net.json"));
  };
  CHECK(error_of([&] { parse(network_with(R"("population":3000000000)")); }) ==
        "classes[0].population: must be at most 1000000000");
  CHECK(error_of([&] {
          parse(R"({"stations":[{"name":"cpu","servers":4294967297}],"classes":[{"name":"a",
                   "population":1,"demands_s":{"cpu":1}}]})");
        }) == "stations[0].servers: must be at most 1000000");
  CHECK(error_of([&] { parse(network_with(R"("population":1000000000)")); }) == "no error");
}

TEST_CASE("input limits: duplicate and unknown station names are still found with hashed lookups") {
  const auto parse = [](const std::string& text) {
    tpeval::io::parse_network(parse_json_text(text, "net.json"));
  };
  CHECK(error_of([&] {
          parse(R"({"stations":[{"name":"cpu"},{"name":"d"},{"name":"cpu"}],"classes":[]})");
        }) == "stations[2].name: duplicate station name 'cpu' (also stations[0])");
  CHECK(error_of([&] {
          parse(R"({"stations":[{"name":"cpu"}],"classes":[{"name":"a","population":1,
                   "demands_s":{"cpx":1}}]})");
        }) == "classes[0].demands_s.cpx: unknown station (did you mean 'cpu'?)");
}

TEST_CASE("input limits: the streamed solution JSON is the documented document") {
  // write_solution_json keeps a 10^5-station output out of memory; it must say the same as
  // solution_to_json (plus the extra members).
  const auto network =
      tpeval::io::parse_network(parse_json_text(tpeval::io::example_network_json(), "example"));
  const auto solution = tpeval::solver::solve(network);
  std::ostringstream out;
  tpeval::io::write_solution_json(out, network, solution, {{"network", "central-server"}});
  nlohmann::json expected = tpeval::io::solution_to_json(network, solution);
  expected["network"] = "central-server";
  CHECK(nlohmann::json::parse(out.str()) == expected);
}
