// Settings that do nothing in the described system, said as warnings.
//
// Contract: ineffective_settings() inspects a parsed SystemModel and returns one sentence per
// setting that has no effect on either engine, naming the setting by its parameter path and the
// missing setting that would make it work: a non-volatile disk cache that no partition or log uses
// as a write buffer and that caches no pages; a "disk_cache" write buffer on a pool that has no
// disk cache (SSD; parse refuses one without a non-volatile cache); an extended DB buffer with 0
// pages; an SSD pool `count` with access_time_ms = 0. The rules
// mirror the write paths of model/device_demand.cpp and the simulator (ch6-5.md §1.11 rules 2-5).
// Pure; the default model gives none.
#pragma once

#include <string>
#include <vector>

#include "model/description.hpp"

namespace tpeval::model {

std::vector<std::string> ineffective_settings(const SystemModel& model);

}  // namespace tpeval::model
