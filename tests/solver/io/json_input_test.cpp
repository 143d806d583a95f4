#include <doctest/doctest.h>

#include <algorithm>
#include <cctype>
#include <random>
#include <string>
#include <vector>

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

namespace {
// Textbook Levenshtein distance, case-insensitive like closest_name (the reference for its
// banded computation).
std::size_t reference_distance(const std::string& a, const std::string& b) {
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i)
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const bool same = std::tolower(static_cast<unsigned char>(a[i - 1])) ==
                        std::tolower(static_cast<unsigned char>(b[j - 1]));
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (same ? 0 : 1)});
    }
  return d[a.size()][b.size()];
}
}  // namespace

TEST_CASE("json_input: closest_name suggests exactly the names within half the letters") {
  // Random short names over a 3-letter alphabet hit every band edge; a name is suggested iff
  // its distance is at most max(2, |name| / 2), and the first of the closest ones wins.
  std::mt19937 random(7);
  const auto random_name = [&] {
    std::string s(random() % 9, 'a');
    for (char& c : s) c = static_cast<char>("aBc"[random() % 3]);
    return s;
  };
  for (int trial = 0; trial < 3000; ++trial) {
    const std::string name = random_name();
    std::vector<std::string> allowed(1 + random() % 4);
    for (auto& a : allowed) a = random_name();
    const std::size_t limit = std::max<std::size_t>(2, name.size() / 2);
    std::string expected;
    std::size_t best = limit + 1;
    for (const auto& a : allowed)
      if (const std::size_t d = reference_distance(name, a); d < best) {
        best = d;
        expected = a;
      }
    INFO("name '", name, "' trial ", trial);
    CHECK(tpeval::io::closest_name(name, allowed) == expected);
  }
}

TEST_CASE("json_input: closest_name of a 64 KiB name is fast and suggests nothing") {
  // fuzz_set found a 64 KiB mistyped --set path compared letter by letter against every schema
  // path: more than 10 s under ASan (issue #16). Names longer than 256 letters get no suggestion.
  const std::string huge(65536, 'x');
  std::vector<std::string> allowed(2000, std::string(60000, 'x'));
  allowed.push_back("nodes[0].buffer.pages");
  CHECK(tpeval::io::closest_name(huge, allowed).empty());
  const std::string long_name(200, 'y');
  std::vector<std::string> long_allowed(500, std::string(250, 'z'));
  long_allowed.push_back(std::string(199, 'y') + "q");
  CHECK(tpeval::io::closest_name(long_name, long_allowed) == long_allowed.back());
  // 10^5 long names: the search stops at its budget instead of comparing them all.
  const std::vector<std::string> many(100000, std::string(256, 'z'));
  CHECK(tpeval::io::closest_name(long_name, many).empty());
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
