#include <doctest/doctest.h>

#include "solver/io/json_input.hpp"
#include "tests/support/input_error.hpp"

using tpeval::io::InputError;
using tpeval::io::JsonNode;
using tpeval::testing::error_of;

TEST_CASE("json_input: accessors name the JSON path and the reason") {
  const auto doc =
      nlohmann::json::parse(R"({"classes":[{"population":3},{"population":-1,"think":"x"}]})");
  const JsonNode root(doc, "");
  const auto classes = root.at("classes").elements();
  CHECK(classes[0].at("population").as_integer(0) == 3);
  CHECK(error_of([&] { classes[1].at("population").as_integer(0); }) ==
        "classes[1].population: must be a non-negative integer");
  CHECK(error_of([&] { classes[1].at("think").as_number(); }) ==
        "classes[1].think: must be a number, not a string");
  CHECK(error_of([&] { classes[0].at("rate"); }) == "classes[0].rate: is required");
}

TEST_CASE("json_input: unknown keys are errors that suggest the closest allowed key") {
  const auto doc = nlohmann::json::parse(R"({"populaton":3})");
  const JsonNode root(doc, "classes[0]");
  CHECK(error_of([&] {
          root.expect_only({"population", "think_time_s"});
        }) == "classes[0].populaton: unknown key (did you mean 'population'?)");
  CHECK(error_of([&] { root.expect_only({"x"}); }) == "classes[0].populaton: unknown key");
}

TEST_CASE("json_input: malformed JSON reports line and column") {
  const std::string msg =
      error_of([] { tpeval::io::parse_json_text("{\n  \"a\": 1,\n  ]", "net.json"); });
  CHECK(msg.rfind("net.json: malformed JSON at line 3", 0) == 0);
}

TEST_CASE("json_input: numeric constraints") {
  const auto doc = nlohmann::json::parse(R"({"p":1.5,"r":0,"i":2.5,"c":"lifo"})");
  const JsonNode root(doc, "");
  CHECK(error_of([&] { root.at("p").as_probability(); }) == "p: must be between 0 and 1");
  CHECK(error_of([&] { root.at("r").as_positive(); }) == "r: must be positive");
  CHECK(root.at("r").as_non_negative() == 0.0);
  CHECK(error_of([&] { root.at("i").as_integer(1); }) == "i: must be a positive integer");
  CHECK(error_of([&] {
          root.at("c").as_choice({"fcfs", "ps"});
        }) == "c: must be one of 'fcfs', 'ps', not 'lifo'");
}
