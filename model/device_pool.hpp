// The stages a page I/O passes on a device pool, one rule for both engines.
//
// Contract: every pool has a controller stage (`controllers` servers) and a transfer delay. A
// magnetic-disk pool also has a disk stage (`count` disks, `access_time_ms` per page) unless a
// disk-cache hit serves the I/O. An SSD pool has a device stage when its `access_time_ms` > 0:
// the flash latency per page, served by `count` devices in parallel, for every read and write
// (there is no disk cache in front of an SSD). With `access_time_ms` = 0 (the default, the
// book's SSD, ch6-5.md §1.11 rule 2) only controller and transfer count. NVMe: describe it as an
// SSD pool with its latency as access_time_ms and its internal parallelism (queues x channels
// the device serves at once) as `count` (docs/model.md "SSD and NVMe").
#pragma once

#include <string>

#include "model/description.hpp"

namespace tpeval::model {

bool has_device_stage(const DevicePool& pool);

/// Station name of the device stage: "<pool>.disk" or "<pool>.ssd".
std::string device_stage_name(const DevicePool& pool);

/// Whether an I/O occupies the device stage; `disk_needed` is false for a disk-cache hit.
bool occupies_device(const DevicePool& pool, bool disk_needed);

}  // namespace tpeval::model
