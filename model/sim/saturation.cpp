// Bottleneck of a saturated run (see saturation.hpp).
#include "model/sim/saturation.hpp"

#include <fmt/format.h>

namespace tpeval::model::sim {
namespace {

// A thrashing system blocks most lock requests (87-100 % in the Sect. 6.5.2.7 runs); below this
// share the locks are not what holds the backlog.
constexpr double kThrashingConflictShare = 0.10;

std::string percent(double share) {
  return fmt::format("{:.1f} %", 100.0 * share);
}

}  // namespace

std::string saturation_bottleneck(const SystemModel& model, const MetricLayout& layout,
                                  const std::vector<double>& rows, std::size_t first,
                                  std::size_t intervals, double busy_threshold) {
  const std::size_t nc = layout.counter_count();
  const auto sum = [&](int counter) {
    double s = 0.0;
    for (std::size_t i = first; i < intervals; ++i)
      s += rows[i * nc + static_cast<std::size_t>(counter)];
    return s;
  };
  const double time_s = sum(sc_time_s);
  if (!(time_s > 0.0)) return "no interval observed";

  // The busiest server group with a finite number of servers ("enough" never queues).
  const auto& stations = layout.stations();
  int busiest = -1;
  double busiest_utilization = 0.0;
  for (std::size_t s = 0; s < stations.size(); ++s) {
    if (stations[s].servers <= 0) continue;
    const double u = sum(layout.station(s)) / (time_s * stations[s].servers);
    if (u > busiest_utilization) {
      busiest_utilization = u;
      busiest = static_cast<int>(s);
    }
  }
  if (busiest >= 0 && busiest_utilization >= busy_threshold)
    return stations[static_cast<std::size_t>(busiest)].name + " (utilization " +
           percent(busiest_utilization) + ")";

  // No server is saturated. With an MPL the backlog may be the input queue in front of a full
  // set of active transactions.
  if (model.policies.mpl) {
    const double active = sum(sc_active_area) / time_s;
    // every node admits up to the MPL (ch7.md §2.1)
    const auto mpl = static_cast<double>(*model.policies.mpl) * model.node_count();
    if (active >= 0.95 * mpl) {
      return fmt::format("mpl ({:.2f} of {:.0f} transactions active on average)", active, mpl);
    }
  }

  // Otherwise the backlog waits for locks.
  int hottest = -1;
  double hottest_share = 0.0;
  for (std::size_t p = 0; p < model.partitions.size(); ++p) {
    const int base = layout.partition_base(p);
    const double requests = sum(base + pc_lock_requests);
    if (requests <= 0.0) continue;
    const double share = sum(base + pc_lock_conflicts) / requests;
    if (share > hottest_share) {
      hottest_share = share;
      hottest = static_cast<int>(p);
    }
  }
  const std::string busiest_text =
      busiest >= 0 ? "; busiest server " + stations[static_cast<std::size_t>(busiest)].name +
                         " at " + percent(busiest_utilization)
                   : std::string();
  if (hottest >= 0 && hottest_share >= kThrashingConflictShare)
    return "lock thrashing on " + model.partitions[static_cast<std::size_t>(hottest)].name + " (" +
           percent(hottest_share) + " of its lock requests conflict" + busiest_text + ")";
  return "no server above " + percent(busy_threshold) + " busy and no lock hot spot" +
         (hottest >= 0 ? " (highest conflict share " + percent(hottest_share) + " on " +
                             model.partitions[static_cast<std::size_t>(hottest)].name + ")"
                       : std::string()) +
         busiest_text;
}

}  // namespace tpeval::model::sim
