#include "solver/mva/rate_profile.hpp"

#include <algorithm>

namespace tpeval::solver {

RateProfile rate_profile(const Station& station) {
  RateProfile profile;
  if (!station.load_dependent()) {
    profile.servers = station.servers;
    return profile;
  }
  profile.alpha = station.rate_multipliers;
  // Trailing repeats add nothing: alpha is constant from the first of them on.
  while (profile.alpha.size() > 1 &&
         profile.alpha[profile.alpha.size() - 2] == profile.alpha.back())
    profile.alpha.pop_back();
  return profile;
}

double peak_rate(const Station& station) {
  if (station.kind == StationKind::delay) return 1.0;
  if (!station.load_dependent()) return static_cast<double>(station.servers);
  return *std::max_element(station.rate_multipliers.begin(), station.rate_multipliers.end());
}

}  // namespace tpeval::solver
