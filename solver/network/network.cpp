#include "solver/network/network.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace tpeval::solver {

double Station::rate_multiplier(long jobs) const {
  if (jobs <= 0) return 0.0;
  if (!rate_multipliers.empty()) {
    const auto index = static_cast<std::size_t>(std::min<long>(jobs, static_cast<long>(rate_multipliers.size())));
    return rate_multipliers[index - 1];
  }
  return static_cast<double>(std::min<long>(jobs, servers));
}

bool Network::has_open_classes() const {
  return std::any_of(classes.begin(), classes.end(), [](const JobClass& c) { return c.kind == ClassKind::open; });
}

bool Network::has_closed_classes() const {
  return std::any_of(classes.begin(), classes.end(), [](const JobClass& c) { return c.kind == ClassKind::closed; });
}

void validate(const Network& n) {
  const auto fail = [](const std::string& why) { throw std::invalid_argument("invalid network: " + why); };
  if (n.stations.empty()) fail("no stations");
  if (n.classes.empty()) fail("no classes");
  if (n.demand_s.rows() != n.class_count() || n.demand_s.cols() != n.station_count())
    fail("demand matrix must be classes x stations");
  if (n.visits.size() != 0 && (n.visits.rows() != n.class_count() || n.visits.cols() != n.station_count()))
    fail("visit matrix must be classes x stations");
  if (!n.demand_s.allFinite() || (n.demand_s.array() < 0).any()) fail("demands must be finite and >= 0");
  if (n.visits.size() != 0 && (!n.visits.allFinite() || (n.visits.array() < 0).any()))
    fail("visits must be finite and >= 0");
  for (const auto& s : n.stations) {
    if (s.servers < 1) fail("station '" + s.name + "' needs at least one server");
    if (s.load_dependent() && s.servers != 1) fail("station '" + s.name + "' is load-dependent and multi-server");
    for (double a : s.rate_multipliers)
      if (!(a > 0) || !std::isfinite(a)) fail("station '" + s.name + "' has a non-positive rate multiplier");
    if (!(s.service_scv >= 0) || !std::isfinite(s.service_scv)) fail("station '" + s.name + "' has a bad SCV");
  }
  for (const auto& c : n.classes) {
    if (c.kind == ClassKind::open && (!(c.arrival_rate_per_s >= 0) || !std::isfinite(c.arrival_rate_per_s)))
      fail("class '" + c.name + "' needs a finite arrival rate >= 0");
    if (c.kind == ClassKind::closed && (c.population < 0 || !(c.think_time_s >= 0) || !std::isfinite(c.think_time_s)))
      fail("class '" + c.name + "' needs population >= 0 and think time >= 0");
  }
}

double Solution::response_time_per_visit_s(const Network& network, int c, int k) const {
  const double v = network.visits.size() ? network.visits(c, k) : 1.0;
  return v > 0 ? residence_time_s(c, k) / v : 0.0;
}

}  // namespace tpeval::solver
