// The server counts the transaction simulator can hold (issue #16).
//
// Contract: check_simulated_servers() throws io::InputError naming the model path (e.g.
// "nodes[0].devices[1].count") when a CPU, extended-memory or device pool has more servers than
// kMaxSimulatedServers. The analytic evaluation costs O(1) in the server count (Erlang formulas of
// solver/open), but the simulator holds one resource per disk and one slot per CPU or EH server
// and scans them per event, so 10^9 disks would exhaust memory instead of being refused.
#pragma once

#include "model/description.hpp"

namespace tpeval::model::sim {

/// CPUs per node, EH servers, disks and controllers per pool in a simulated model.
inline constexpr int kMaxSimulatedServers = 100'000;

void check_simulated_servers(const SystemModel& model);

}  // namespace tpeval::model::sim
