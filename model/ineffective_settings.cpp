#include "model/ineffective_settings.hpp"

namespace tpeval::model {
namespace {

bool on_disk_pool(const Storage& node, const std::string& device) {
  const int d = find_device(node, device);
  return d >= 0 && node.devices[static_cast<std::size_t>(d)].type == DeviceType::disk;
}

std::string partition_path(const Partition& part, const std::string& key) {
  return "database.partitions[" + part.name + "].allocation." + key;
}

}  // namespace

std::vector<std::string> ineffective_settings(const SystemModel& model) {
  std::vector<std::string> out;
  // Storage is written in nodes[0] (docs/cluster.md); the logs are each node's own.
  const Storage& node = model.storage;
  const std::string np = "nodes[0].";
  const bool nv = node.disk_cache.type == DiskCacheType::non_volatile;
  const bool any_cache = node.disk_cache.type != DiskCacheType::none;

  // Who would use a disk cache: write buffers (NV only) and cached partitions on disk pools.
  bool dc_write_buffer = model.nodes.front().log.write_buffer == WriteBuffer::disk_cache &&
                         on_disk_pool(node, model.nodes.front().log.device);
  bool dc_cached = false;
  for (const auto& part : model.partitions) {
    if (!on_disk_pool(node, part.allocation.device)) continue;
    dc_write_buffer = dc_write_buffer || part.allocation.write_buffer == WriteBuffer::disk_cache;
    dc_cached = dc_cached || (part.allocation.disk_cache && !part.clustered_with);
  }
  if (any_cache && !(nv && dc_write_buffer) && !(node.disk_cache.pages > 0 && dc_cached)) {
    out.push_back(np + "disk_cache.type: the disk cache has no effect: " +
                  std::string(nv ? "no partition or log on a disk pool uses it as a write buffer "
                                   "(allocation.write_buffer or log.write_buffer = \"disk_cache\") "
                                   "and "
                                 : "") +
                  (node.disk_cache.pages > 0
                       ? "no partition on a disk pool is cached (allocation.disk_cache)"
                       : "it caches no pages (" + np + "disk_cache.pages = 0)"));
  }

  // "disk_cache" write buffers on a pool without a disk cache (parse already refuses them
  // without a non-volatile disk cache).
  const auto check_dc_buffer = [&](const std::string& path, WriteBuffer wb,
                                   const std::string& device) {
    if (wb == WriteBuffer::disk_cache && !on_disk_pool(node, device))
      out.push_back(path + ": \"disk_cache\" has no effect: device '" + device +
                    "' is not a disk pool (only disks have a disk cache)");
  };
  check_dc_buffer(np + "log.write_buffer", model.nodes.front().log.write_buffer,
                  model.nodes.front().log.device);
  for (const auto& part : model.partitions)
    check_dc_buffer(partition_path(part, "write_buffer"), part.allocation.write_buffer,
                    part.allocation.device);

  // Extended memory buffers with no pages.
  for (const auto& part : model.partitions) {
    if (part.allocation.extended_buffer && node.extended_memory.buffer_pages == 0)
      out.push_back(partition_path(part, "extended_buffer") +
                    ": has no effect: the EH buffer has 0 pages (" + np +
                    "extended_memory.buffer_pages)");
  }

  // SSD pools: count only matters with a device stage.
  for (std::size_t d = 0; d < node.devices.size(); ++d) {
    const auto& pool = node.devices[d];
    if (pool.type == DeviceType::ssd && pool.count && !(pool.access_time_ms > 0))
      out.push_back(np + "devices[" + pool.name +
                    "].count: has no effect on an SSD pool with access_time_ms = 0 (give its "
                    "latency per page to model its IOPS limit)");
  }
  return out;
}

}  // namespace tpeval::model
