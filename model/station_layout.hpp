// The stations of a transaction system: the one list both engines use.
//
// Contract: build_station_layout() is a pure function of the model. Every node has its CPU (a
// multi-server station); the extended memory (the GEH of a cluster), the device pools and, with
// more than one node, the network are shared by all nodes (Rahm 1993 §7.6.1, L3168-3175). A pool
// that holds a node's log is private to that node in a cluster (each node writes its own log,
// L3087), so it appears once per node. Names: with one node "cpu", "extended_memory",
// "<pool>.disk|controller|transfer" (the names of the one-node model, unchanged); with n nodes
// "<node>.cpu", "<node>.<log pool>.disk", ..., and "network" (one link per node). Transfers are
// pure delays (servers 0), as are pools with "enough" devices. The analytic demands
// (model/device_demand) and the simulator's stations (model/sim/metrics) are both built from this
// layout.
#pragma once

#include <string>
#include <vector>

#include "model/description.hpp"

namespace tpeval::model {

enum class StationKind { cpu, extended_memory, controller, disk, transfer, network };

struct Station {
  std::string name;  ///< e.g. "cpu", "extended_memory", "log_disk.disk", "db_disks.controller"
  StationKind kind = StationKind::cpu;
  std::string device;  ///< device pool name (empty for cpu / extended_memory / network)
  int servers = 1;     ///< 0 = "enough": infinite servers, no queueing
  /// Capacity of the write buffer in front of this disk (0 = none): pages awaiting their write.
  long write_buffer_pages = 0;
  int pool = -1;  ///< index into storage.devices (-1 for cpu / extended_memory / network)
  int node = -1;  ///< owning node for a CPU or a private log pool, -1 when shared
};

/// Stations of one device pool as seen from one node (-1 when the pool has no such station).
struct PoolStations {
  int disk = -1;
  int controller = -1;
  int transfer = -1;
};

struct StationLayout {
  std::vector<Station> stations;
  std::vector<int> cpu;  ///< per node
  int extended_memory = -1;
  int network = -1;                              ///< -1 with one node
  std::vector<std::vector<PoolStations>> pools;  ///< [node][pool]; shared pools are the same
};

StationLayout build_station_layout(const SystemModel& model);

}  // namespace tpeval::model
