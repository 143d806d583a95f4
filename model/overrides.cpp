// Parameter paths for whatif (see overrides.hpp).
#include "model/overrides.hpp"

#include <cmath>
#include <cstdlib>

#include "model/schema.hpp"
#include "solver/io/json_input.hpp"

namespace tpeval::model {
namespace {

using nlohmann::json;

struct Segment {
  std::string key;                   // member name
  std::vector<std::string> indexes;  // [0] or [NAME] selectors after it
};

std::vector<Segment> split_path(const std::string& path) {
  std::vector<Segment> out;
  std::size_t i = 0;
  while (i < path.size()) {
    Segment s;
    while (i < path.size() && path[i] != '.' && path[i] != '[') s.key += path[i++];
    while (i < path.size() && path[i] == '[') {
      const std::size_t close = path.find(']', i);
      if (close == std::string::npos) throw io::InputError(path, "missing ']' in parameter path");
      s.indexes.push_back(path.substr(i + 1, close - i - 1));
      i = close + 1;
    }
    if (s.key.empty()) throw io::InputError(path, "empty name in parameter path");
    out.push_back(std::move(s));
    if (i < path.size()) {
      if (path[i] != '.') throw io::InputError(path, "malformed parameter path");
      ++i;
      if (i == path.size()) throw io::InputError(path, "parameter path ends with '.'");
    }
  }
  if (out.empty()) throw io::InputError(path, "empty parameter path");
  return out;
}

/// All paths the schema allows below `schema`, with "[i]" for arrays (for suggestions).
void schema_paths(const json& schema, const std::string& prefix, std::vector<std::string>& out) {
  if (schema.contains("properties")) {
    for (const auto& [key, sub] : schema["properties"].items()) {
      if (key == "$schema") continue;
      const std::string p = prefix.empty() ? key : prefix + "." + key;
      out.push_back(p);
      schema_paths(sub, p, out);
    }
  }
  if (schema.contains("items")) schema_paths(schema["items"], prefix + "[0]", out);
}

std::string strip_indexes(const std::string& p) {
  std::string out;
  int depth = 0;
  for (char c : p) {
    if (c == '[') ++depth;
    if (depth == 0) out += c;
    if (c == ']') --depth;
  }
  return out;
}

/// Every path in `document`, arrays of named objects indexed by name ("nodes[0].devices[log]").
void named_paths(const json& j, const std::string& prefix, std::vector<std::string>& out) {
  if (!prefix.empty()) out.push_back(prefix);
  if (j.is_object()) {
    for (const auto& [k, v] : j.items()) named_paths(v, prefix.empty() ? k : prefix + "." + k, out);
  } else if (j.is_array()) {
    for (std::size_t i = 0; i < j.size(); ++i) {
      // Nodes keep their index, as the documents write them ("nodes[0]"); other arrays (devices,
      // partitions, transaction types) are addressed by name.
      const bool by_index =
          prefix == "nodes" ||
          (prefix.size() > 6 && prefix.compare(prefix.size() - 6, 6, ".nodes") == 0);
      const bool named =
          !by_index && j[i].is_object() && j[i].contains("name") && j[i]["name"].is_string();
      if (!j[i].is_object()) continue;
      named_paths(
          j[i], prefix + "[" + (named ? j[i]["name"].get<std::string>() : std::to_string(i)) + "]",
          out);
    }
  }
}

/// A valid path that ends with `path` (a path given without its "nodes[0]." prefix), or "".
std::string full_path_for_suffix(const std::string& path, const json& document) {
  const std::string tail = "." + strip_indexes(path);
  const auto ends = [&](const std::string& c) {
    const std::string p = strip_indexes(c);
    return p.size() > tail.size() && p.compare(p.size() - tail.size(), tail.size(), tail) == 0;
  };
  std::vector<std::string> candidates;
  named_paths(document, "", candidates);
  for (const auto& c : candidates)
    if (ends(c)) return c;
  candidates.clear();
  schema_paths(model_schema(), "", candidates);
  for (const auto& c : candidates)
    if (ends(c)) return c;
  return "";
}

[[noreturn]] void unknown(const std::string& path, const std::string& known_prefix,
                          const std::string& bad_key, const json& schema_here,
                          const json& document) {
  std::vector<std::string> candidates;
  std::vector<std::string> all;
  schema_paths(model_schema(), "", all);
  std::vector<std::string> local;
  if (schema_here.contains("properties"))
    for (const auto& [key, sub] : schema_here["properties"].items()) local.push_back(key);
  std::string reason = "unknown parameter '" + bad_key + "'";
  std::string suggestion = full_path_for_suffix(path, document);
  if (!suggestion.empty()) {
    // A path given without its prefix: the full path ("buffer.pages" -> "nodes[0].buffer.pages").
  } else if (suggestion = io::closest_name(bad_key, local); !suggestion.empty()) {
    suggestion = known_prefix.empty() ? suggestion : known_prefix + "." + suggestion;
  } else {
    // Compare the whole path against every valid path (index-free) as a fallback.
    std::string plain;
    for (char c : path) plain += c;
    suggestion = io::closest_name(plain, all);
  }
  if (!suggestion.empty()) reason += "; the closest valid path is '" + suggestion + "'";
  throw io::InputError(path, reason);
}

}  // namespace

Assignment parse_assignment(const std::string& text) {
  const std::size_t eq = text.find('=');
  if (eq == std::string::npos || eq == 0) throw io::InputError(text, "expected PATH=VALUE");
  Assignment a;
  a.path = text.substr(0, eq);
  const std::string value = text.substr(eq + 1);
  if (value.empty()) throw io::InputError(a.path, "missing value after '='");
  // A value that is not JSON is taken as a string (--set log.device=ssd). A JSON value that breaks
  // an input limit (nesting depth, 1e400) is an error naming the path, not a string.
  try {
    a.value = io::parse_json_text(value, a.path);
  } catch (const io::JsonSyntaxError&) {
    a.value = value;
  }
  return a;
}

Sweep parse_sweep(const std::string& text, std::size_t max_points) {
  const std::size_t eq = text.find('=');
  if (eq == std::string::npos || eq == 0)
    throw io::InputError(text, "expected PATH=START:STOP:STEP");
  Sweep s;
  s.path = text.substr(0, eq);
  const std::string range = text.substr(eq + 1);
  double v[3];
  std::size_t pos = 0;
  for (int i = 0; i < 3; ++i) {
    const std::size_t end = i < 2 ? range.find(':', pos) : range.size();
    if (end == std::string::npos) throw io::InputError(s.path, "expected START:STOP:STEP");
    const std::string part = range.substr(pos, end - pos);
    char* stop = nullptr;
    v[i] = std::strtod(part.c_str(), &stop);
    if (part.empty() || stop != part.c_str() + part.size() || !std::isfinite(v[i]))
      throw io::InputError(s.path, "'" + part + "' in START:STOP:STEP is not a number");
    pos = end + 1;
  }
  const double start = v[0], stop = v[1], step = v[2];
  if (step == 0 || (stop - start) * step < 0)
    throw io::InputError(s.path, "STEP must be non-zero and lead from START to STOP");
  const double n = std::floor((stop - start) / step + 1e-9) + 1;
  if (n > static_cast<double>(max_points))
    throw io::InputError(s.path, "sweep has " + std::to_string(static_cast<long long>(n)) +
                                     " points; at most " + std::to_string(max_points) + " allowed");
  for (long i = 0; i < static_cast<long>(n); ++i) s.values.push_back(start + i * step);
  return s;
}

void set_parameter(json& document, const std::string& path, const json& value) {
  const auto segments = split_path(path);
  const json* schema = &model_schema();
  json* node = &document;
  std::string known;  // the valid prefix so far
  for (std::size_t si = 0; si < segments.size(); ++si) {
    const auto& seg = segments[si];
    if (!node->is_object()) {
      if (node->is_null())
        *node = json::object();
      else
        throw io::InputError(path, "'" + known + "' is not an object");
    }
    const json* sub = nullptr;
    if (schema->contains("properties") && (*schema)["properties"].contains(seg.key))
      sub = &(*schema)["properties"][seg.key];
    else if (schema->contains("additionalProperties") &&
             (*schema)["additionalProperties"].is_object())
      sub = &(*schema)["additionalProperties"];
    if (!sub) unknown(path, known, seg.key, *schema, document);
    known = known.empty() ? seg.key : known + "." + seg.key;
    schema = sub;
    node = &(*node)[seg.key];
    for (const auto& index : seg.indexes) {
      if (!schema->contains("items")) throw io::InputError(path, "'" + known + "' is not an array");
      if (!node->is_array())
        throw io::InputError(path, "'" + known + "' is not present as an array");
      char* end = nullptr;
      const long i = std::strtol(index.c_str(), &end, 10);
      std::size_t chosen = node->size();
      if (!index.empty() && end == index.c_str() + index.size()) {
        if (i < 0 || static_cast<std::size_t>(i) >= node->size())
          throw io::InputError(path, "index " + index + " out of range ('" + known + "' has " +
                                         std::to_string(node->size()) + " elements)");
        chosen = static_cast<std::size_t>(i);
      } else {
        std::vector<std::string> names;
        for (std::size_t e = 0; e < node->size(); ++e) {
          const auto& el = (*node)[e];
          if (el.is_object() && el.contains("name") && el["name"].is_string()) {
            names.push_back(el["name"].get<std::string>());
            if (names.back() == index) chosen = e;
          }
        }
        if (chosen == node->size()) {
          std::string reason = "no element named '" + index + "' in '" + known + "'";
          std::string s = io::closest_name(index, names);
          // A wrong device name ("log_ssd"): the closest name by edit distance, else the first
          // name sharing a word with it, else the list of names.
          for (std::size_t n = 0; s.empty() && n < names.size(); ++n)
            for (const auto& word :
                 {index.substr(0, index.find('_')), index.substr(index.rfind('_') + 1)})
              if (word.size() >= 2 && names[n].find(word) != std::string::npos) s = names[n];
          if (!s.empty()) {
            std::string rest;
            for (std::size_t r = si + 1; r < segments.size(); ++r) rest += "." + segments[r].key;
            reason += "; the closest valid path is '" + known + "[" + s + "]" + rest + "'";
          } else {
            std::string list;
            for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
            reason += " (elements: " + list + ")";
          }
          throw io::InputError(path, reason);
        }
      }
      known += "[" + index + "]";
      schema = &(*schema)["items"];
      node = &(*node)[chosen];
    }
  }
  *node = value;
}

std::vector<std::string> parameter_paths(const json& document) {
  std::vector<std::string> out;
  const auto walk = [&](const auto& self, const json& j, const std::string& prefix) -> void {
    if (j.is_object()) {
      for (const auto& [k, v] : j.items()) self(self, v, prefix.empty() ? k : prefix + "." + k);
    } else if (j.is_array() && !j.empty() && j.front().is_object()) {
      for (std::size_t i = 0; i < j.size(); ++i)
        self(self, j[i], prefix + "[" + std::to_string(i) + "]");
    } else {
      out.push_back(prefix);
    }
  };
  walk(walk, document, "");
  return out;
}

}  // namespace tpeval::model
