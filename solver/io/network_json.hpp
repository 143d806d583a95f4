// The network file format of `tpeval solve` / `tpeval simulate` (docs/network-format.md,
// schemas/network.schema.json): JSON in, Network out; Solution out as JSON.
//
// Contract: parse_network() either returns a Network that passes validate() or throws
// io::InputError naming the JSON path and the reason (unknown keys, wrong types, negative rates,
// missing demands, unknown station names, ...).
#pragma once

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "solver/io/json_input.hpp"
#include "solver/network/network.hpp"

namespace tpeval::io {

/// Input limits of the network file (docs/network-format.md, "Limits"): beyond them a solver's
/// memory or time would explode, or a value would not fit the solver's integer types.
namespace network_limits {
inline constexpr std::int64_t max_servers = 1'000'000;
inline constexpr std::int64_t max_population = 1'000'000'000;
/// Classes x stations: the demand and visit matrices are dense (16 bytes per entry).
inline constexpr std::int64_t max_class_station_pairs = 10'000'000;
}  // namespace network_limits

solver::Network parse_network(const JsonNode& root);
inline solver::Network parse_network(const nlohmann::json& doc) {
  return parse_network(JsonNode(doc, ""));
}

/// A network file's content: the network and the file's optional name and description.
struct NetworkDocument {
  solver::Network network;
  std::string name;
  std::string description;
};

/// Reads network-file text (`source_name` names it in errors): the same result and the same
/// errors as parse_network(parse_json_text(text, source_name)), whose JSON-path errors it throws
/// unprefixed. Valid files are read in one SAX pass without a DOM (a 10^5-station network in a
/// fraction of the time); anything else is left to parse_network (solver/io/network_text.cpp).
NetworkDocument parse_network_text(std::string_view text, std::string_view source_name);
/// The one-pass reader alone: the document when it recognises the text as a valid network file
/// of the common form, nullopt otherwise (then parse_network decides). Exposed for the tests and
/// the fuzz target, which check that it never accepts what parse_network refuses.
std::optional<NetworkDocument> parse_network_text_fast(std::string_view text);

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
