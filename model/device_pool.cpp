#include "model/device_pool.hpp"

namespace tpeval::model {

bool has_device_stage(const DevicePool& pool) {
  return pool.type == DeviceType::disk || pool.access_time_ms > 0;
}

std::string device_stage_name(const DevicePool& pool) {
  return pool.name + (pool.type == DeviceType::disk ? ".disk" : ".ssd");
}

bool occupies_device(const DevicePool& pool, bool disk_needed) {
  if (!has_device_stage(pool)) return false;
  return pool.type == DeviceType::ssd || disk_needed;
}

}  // namespace tpeval::model
