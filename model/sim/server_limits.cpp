// Refusing server counts the simulator cannot hold (see server_limits.hpp).
#include "model/sim/server_limits.hpp"

#include <optional>
#include <string>

#include "solver/io/json_input.hpp"

namespace tpeval::model::sim {

namespace {

void check(const std::optional<int>& servers, const std::string& path) {
  if (servers && *servers > kMaxSimulatedServers)
    throw io::InputError(path, "the simulator holds at most " +
                                   std::to_string(kMaxSimulatedServers) + " servers, not " +
                                   std::to_string(*servers) +
                                   " (the analytic evaluation has no such limit)");
}

}  // namespace

void check_simulated_servers(const SystemModel& model) {
  // The storage (EH and device pools) is written in the first node entry (docs/cluster.md).
  const std::string storage = io::element_path("nodes", 0);
  check(model.storage.extended_memory.servers,
        io::child_path(io::child_path(storage, "extended_memory"), "servers"));
  for (std::size_t d = 0; d < model.storage.devices.size(); ++d) {
    const auto& pool = model.storage.devices[d];
    const std::string path = io::element_path(io::child_path(storage, "devices"), d);
    check(pool.count, io::child_path(path, "count"));
    check(pool.controllers, io::child_path(path, "controllers"));
  }
  for (std::size_t n = 0; n < model.nodes.size(); ++n)
    check(model.nodes[n].cpu_count,
          io::child_path(io::child_path(io::element_path("nodes", n), "cpu"), "count"));
}

}  // namespace tpeval::model::sim
