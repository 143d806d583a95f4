// The stations of a transaction system (see station_layout.hpp).
#include "model/station_layout.hpp"

#include "model/device_pool.hpp"

namespace tpeval::model {
namespace {

int add(StationLayout& layout, Station s) {
  layout.stations.push_back(std::move(s));
  return static_cast<int>(layout.stations.size()) - 1;
}

PoolStations add_pool(StationLayout& layout, const DevicePool& pool, int pool_index,
                      const std::string& prefix, int node) {
  PoolStations ps;
  const std::string base = prefix + pool.name;
  // The device stage: disks, and SSDs with a latency (model/device_pool.hpp).
  if (has_device_stage(pool))
    ps.disk = add(layout, {prefix + device_stage_name(pool), StationKind::disk, pool.name,
                           pool.count ? *pool.count : 0, 0, pool_index, node});
  ps.controller = add(layout, {base + ".controller", StationKind::controller, pool.name,
                               pool.controllers ? *pool.controllers : 0, 0, pool_index, node});
  // The book does not say whether the transfer is a queued resource (ch6-5.md §1.8): it is
  // modelled as a pure delay.
  ps.transfer =
      add(layout, {base + ".transfer", StationKind::transfer, pool.name, 0, 0, pool_index, node});
  return ps;
}

}  // namespace

StationLayout build_station_layout(const SystemModel& model) {
  StationLayout layout;
  const std::size_t n = model.nodes.size();
  const bool cluster = n > 1;
  for (std::size_t i = 0; i < n; ++i) {
    const Node& node = model.nodes[i];
    layout.cpu.push_back(add(layout, {cluster ? node.name + ".cpu" : "cpu", StationKind::cpu, "",
                                      node.cpu_count, 0, -1, static_cast<int>(i)}));
  }
  layout.extended_memory = add(layout, {"extended_memory", StationKind::extended_memory, "",
                                        model.storage.extended_memory.servers, 0, -1, -1});
  const auto& pools = model.storage.devices;
  layout.pools.assign(n, std::vector<PoolStations>(pools.size()));
  for (std::size_t p = 0; p < pools.size(); ++p) {
    bool private_log = false;
    for (const auto& node : model.nodes) private_log |= cluster && node.log.device == pools[p].name;
    if (!private_log) {
      const PoolStations shared = add_pool(layout, pools[p], static_cast<int>(p), "", -1);
      for (std::size_t i = 0; i < n; ++i) layout.pools[i][p] = shared;
      continue;
    }
    for (std::size_t i = 0; i < n; ++i)
      layout.pools[i][p] = add_pool(layout, pools[p], static_cast<int>(p),
                                    model.nodes[i].name + ".", static_cast<int>(i));
  }
  // The network: one link of the bandwidth of Tab. 7-2 per node (a message occupies its
  // sender's link for size / bandwidth, L3168); a single shared 10 MB/s medium would saturate
  // at 1000 TPS with primary copy, which the book's 10-node runs did not (L3323).
  if (cluster)
    layout.network =
        add(layout, {"network", StationKind::network, "", static_cast<int>(n), 0, -1, -1});
  return layout;
}

}  // namespace tpeval::model
