// What limits a saturated simulation run, read from its interval counters.
//
// Contract: saturation_bottleneck() looks at the intervals [first, intervals) of one engine's
// counter rows (MetricLayout order) and names the server group whose utilization is highest when
// it is at least `busy_threshold` ("cpu (utilization 99.1 %)"): a queue that grows without bound
// sits in front of a server that is always busy. Otherwise, with an MPL whose slots are (95 %)
// full, the input queue is the backlog ("mpl (1.98 of 2 transactions active on average)").
// Otherwise the backlog waits for locks (strict 2PL thrashing, ch6-5.md §1.6): it names the
// partition with the highest share of conflicting lock requests when that share is at least
// 10 % ("lock thrashing on small (87 % of its lock requests conflict)"); below that it says
// that no server and no lock hot spot stands out. The analytic
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
