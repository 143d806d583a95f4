// What limits a saturated simulation run, read from its interval counters.
//
// Contract: saturation_bottleneck() looks at the intervals [first, intervals) of one engine's
// counter rows (MetricLayout order) and names the server group whose utilization is highest when
// it is at least `busy_threshold` ("cpu (utilization 99.1 %)"): a queue that grows without bound
// sits in front of a server that is always busy. When no server is that busy the backlog is
// waiting for locks (strict 2PL thrashing, ch6-5.md §1.6): it names the partition with the
// highest share of conflicting lock requests ("lock thrashing on small (41 % of lock requests
// conflict)"). Without lock conflicts it says that no server and no lock stands out. The analytic
// report names its bottleneck in the same words, so studies can compare the two.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "model/description.hpp"
#include "model/sim/metrics.hpp"

namespace tpeval::model::sim {

std::string saturation_bottleneck(const SystemModel& model, const MetricLayout& layout,
                                  const std::vector<double>& rows, std::size_t first,
                                  std::size_t intervals, double busy_threshold = 0.95);

}  // namespace tpeval::model::sim
