// The streaming JSON writer prints what nlohmann::json::dump(indent) prints for the same
// document (solver/io/json_writer.hpp), and refuses a document it would print differently.
#include <doctest/doctest.h>

#include <functional>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <string>

#include "solver/io/json_writer.hpp"

using nlohmann::json;
using tpeval::io::JsonStreamWriter;

namespace {

/// Writes `doc` through the writer, containers member by member (leaves as single values).
void stream(const json& doc, JsonStreamWriter& w) {
  if (doc.is_object()) {
    w.begin_object();
    for (const auto& [k, v] : doc.items()) {
      w.key(k);
      stream(v, w);
    }
    w.end();
  } else if (doc.is_array()) {
    w.begin_array();
    for (const auto& v : doc) stream(v, w);
    w.end();
  } else {
    w.value(doc);
  }
}

std::string streamed(const json& doc, int indent) {
  std::ostringstream out;
  JsonStreamWriter w(out, indent);
  stream(doc, w);
  w.finish();
  return out.str();
}

json sample_document() {
  json doc = json::parse(R"({
    "zeta": [1, -2, 3.5, 1e300, 1e-300, 0.1, 100.0, -0.0, 12345678901234567890],
    "alpha": {"b": true, "a": null, "c": "tab\t quote\" backslash\\ newline\n \u00e9 \u0001"},
    "empty_object": {}, "empty_array": [], "nested": [[], {}, [{}], {"x": []}],
    "text": "", "M": {"Z": 1, "A": {"k": [null]}}
  })");
  doc["max"] = std::numeric_limits<double>::max();
  doc["min_positive"] = std::numeric_limits<double>::denorm_min();
  doc["third"] = 1.0 / 3.0;
  doc["unsigned"] = std::numeric_limits<std::uint64_t>::max();
  doc["negative"] = std::numeric_limits<std::int64_t>::min();
  return doc;
}

}  // namespace

TEST_CASE("json_writer: the same text as nlohmann's dump for every kind of value and indent") {
  const json doc = sample_document();
  for (int indent : {0, 1, 2, 4}) {
    CAPTURE(indent);
    CHECK(streamed(doc, indent) == doc.dump(indent));
  }
  // Top-level scalars and empty containers.
  for (const json& v : {json(nullptr), json(2.5), json("x"), json::object(), json::array()})
    CHECK(streamed(v, 2) == v.dump(2));
}

TEST_CASE("json_writer: keys and strings that need escapes are escaped as nlohmann escapes them") {
  // Plain printable ASCII is copied directly; everything else goes through nlohmann's escaping.
  json doc = json::object();
  const std::string pieces[] = {
      "plain key:T1", "quote\"",           "back\\slash",  "tab\t",  std::string(1, '\x01'),
      "del\x7f",      "\xc3\xa9t\xc3\xa9", "~ tilde {}[]", " space", ""};
  for (const std::string& p : pieces) {
    doc[p] = p;
    doc["k " + p] = json::array({p, json::object({{p, p}})});
  }
  for (int indent : {0, 2}) {
    CAPTURE(indent);
    CHECK(streamed(doc, indent) == doc.dump(indent));
  }
  for (const std::string& p : pieces) CHECK(streamed(json(p), 2) == json(p).dump(2));
  // Invalid UTF-8 is refused as dump() refuses it (nlohmann's type_error 316).
  CHECK_THROWS_AS(streamed(json("bad \xff byte"), 2), json::type_error);
  CHECK_THROWS_AS(streamed(json::object({{"bad \xff key", 1}}), 2), json::type_error);
}

TEST_CASE("json_writer: every byte at every place of a word is copied or escaped as dump() does") {
  // Plain text is recognised eight bytes at a time: each of the 256 bytes at each position of
  // strings across one and two words (and the tail) must give dump()'s text or its refusal.
  const auto text_or_refusal = [](const std::function<std::string()>& write) {
    try {
      return write();
    } catch (const json::type_error&) {
      return std::string("type_error");
    }
  };
  int differing = 0;
  for (std::size_t length : {1U, 7U, 8U, 9U, 16U, 19U}) {
    for (std::size_t at = 0; at < length; ++at) {
      for (int byte = 0; byte < 256; ++byte) {
        std::string s(length, 'a');
        s[at] = static_cast<char>(byte);
        const json as_value(s);
        const json as_key = json::object({{s, 1}});
        if (text_or_refusal([&] { return streamed(as_value, 2); }) !=
                text_or_refusal([&] { return as_value.dump(2); }) ||
            text_or_refusal([&] { return streamed(as_key, 2); }) !=
                text_or_refusal([&] { return as_key.dump(2); }))
          ++differing;
      }
    }
  }
  CHECK(differing == 0);
}

TEST_CASE("json_writer: a document larger than the write block is written whole and in order") {
  json doc = json::object();
  for (int k = 0; k < 20000; ++k)
    doc["name:" + std::to_string(k)] = {{"unit", "ms"}, {"value", k * 0.001}};
  const std::string text = streamed(doc, 2);
  CHECK(text.size() > 100000);
  CHECK(text == doc.dump(2));
}

TEST_CASE("json_writer: a key out of std::map order or an unbalanced document is refused") {
  std::ostringstream out;
  {
    JsonStreamWriter w(out, 2);
    w.begin_object();
    w.member("b", 1);
    CHECK_THROWS_AS(w.key("a"), std::logic_error);  // nlohmann would print "a" first
    CHECK_THROWS_AS(w.key("b"), std::logic_error);  // nlohmann keeps one of equal keys
    w.member("c", 2);
    CHECK_THROWS_AS(w.finish(), std::logic_error);  // the object is still open
    w.end();
    CHECK_THROWS_AS(w.end(), std::logic_error);
    CHECK_THROWS_AS(w.value(3), std::logic_error);  // a second top-level value
    w.finish();
  }
  CHECK(out.str() == json{{"b", 1}, {"c", 2}}.dump(2));
  JsonStreamWriter w(out, 2);
  w.begin_object();
  CHECK_THROWS_AS(w.value(1), std::logic_error);  // a member without its key
  w.key("a");
  CHECK_THROWS_AS(w.key("b"), std::logic_error);  // two keys in a row
  CHECK_THROWS_AS(w.end(), std::logic_error);     // a key without its value
  w.begin_array();
  CHECK_THROWS_AS(w.key("x"), std::logic_error);  // a key inside an array
  CHECK_THROWS_AS(JsonStreamWriter(out, -1), std::logic_error);
}
