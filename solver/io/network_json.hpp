// The network file format of `tpeval solve` / `tpeval simulate` (docs/network-format.md,
// schemas/network.schema.json): JSON in, Network out; Solution out as JSON.
//
// Contract: parse_network() either returns a Network that passes validate() or throws
// io::InputError naming the JSON path and the reason (unknown keys, wrong types, negative rates,
// missing demands, unknown station names, ...).
#pragma once

#include <iosfwd>

#include <nlohmann/json.hpp>

#include "solver/io/json_input.hpp"
#include "solver/network/network.hpp"

namespace tpeval::io {

solver::Network parse_network(const JsonNode& root);
inline solver::Network parse_network(const nlohmann::json& doc) {
  return parse_network(JsonNode(doc, ""));
}

/// The documented, stable JSON form of a solution (per class, per station, per class x station).
nlohmann::json solution_to_json(const solver::Network& network, const solver::Solution& solution);

/// The network file of `network` (the inverse of parse_network): stations with their kind,
/// discipline, servers, rate multipliers and SCV where not the default; classes with visits and
/// per-visit service times at the stations they visit. `name`/`description` are written when
/// not empty.
nlohmann::json network_to_json(const solver::Network& network, const std::string& name,
                               const std::string& description);

/// Writes the same document as solution_to_json(), plus the members of `extra` (an object), to
/// `out` entry by entry, so that memory stays proportional to the network, not to the output.
void write_solution_json(std::ostream& out, const solver::Network& network,
                         const solver::Solution& solution, const nlohmann::json& extra);

/// The embedded example network used by `tpeval solve --example`.
const char* example_network_json();

}  // namespace tpeval::io
