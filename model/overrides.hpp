// Changing a model document by parameter path: the machinery behind `tpeval whatif`.
//
// Contract: a parameter path names a value in the model document in JSON-path style,
// e.g. "workload.arrival_rate_per_s", "nodes[0].buffer.pages", or with an array element chosen
// by its name, "database.partitions[ACCOUNT].allocation.device". set_parameter() checks the path
// against the model schema (model/schema.hpp), creates missing optional objects and keys, and
// replaces the value; the new document is validated later by parse_model(). An unknown path is an
// io::InputError whose path is the given path and whose reason names the closest valid path.
// Pure functions on JSON values; no model knowledge beyond the schema.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace tpeval::model {

struct Assignment {
  std::string path;
  nlohmann::json value;
};

/// "PATH=VALUE"; VALUE is JSON when it parses as JSON (numbers, true, null, "text", [..]),
/// otherwise taken as a plain string (so `policies.update_strategy=force` works).
Assignment parse_assignment(const std::string& text);

/// A numeric range START:STOP:STEP (inclusive of STOP within rounding).
struct Sweep {
  std::string path;
  std::vector<double> values;
};
/// "PATH=START:STOP:STEP"; at most `max_points` values.
Sweep parse_sweep(const std::string& text, std::size_t max_points = 100'000);

/// Sets `value` at `path` in `document` (see the contract above).
void set_parameter(nlohmann::json& document, const std::string& path, const nlohmann::json& value);

/// Every leaf parameter path present in `document` (arrays expanded by index), for suggestions.
std::vector<std::string> parameter_paths(const nlohmann::json& document);

}  // namespace tpeval::model
