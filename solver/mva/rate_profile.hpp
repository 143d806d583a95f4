// The service-rate profile of a station as the MVA solvers use it.
//
// Contract: a queueing station serves at alpha(j) times one server's rate with j jobs present
// (Station::rate_multiplier). Every station in tpeval has a profile that becomes constant after a
// finite number of jobs L: alpha(j) = alpha(L) for j >= L (L = 1 for a single server, L = m for m
// servers, L = |rate_multipliers| for a load-dependent station). The solvers need the marginal
// queue-length probabilities p(j) only for j < L - 1 because of this (Reiser & Lavenberg 1980,
// generalised from the multi-server case; see exact_multi.hpp). Delay stations have no profile.
#pragma once

#include <algorithm>
#include <vector>

#include "solver/network/network.hpp"

namespace tpeval::solver {

struct RateProfile {
  /// alpha(1..L) of a load-dependent station; empty for m identical servers, whose alpha(j) =
  /// min(j, m) is not stored, so 10^9 servers cost no memory (issue #16).
  std::vector<double> alpha;
  int servers = 1;  ///< m when alpha is empty
  int limit() const { return alpha.empty() ? servers : static_cast<int>(alpha.size()); }
  double tail_rate() const { return alpha.empty() ? static_cast<double>(servers) : alpha.back(); }
  /// alpha(j) for j >= 1.
  double at(long jobs) const {
    if (alpha.empty()) return static_cast<double>(std::min<long>(jobs, servers));
    return jobs >= limit() ? alpha.back() : alpha[static_cast<std::size_t>(jobs - 1)];
  }
  bool simple() const { return limit() == 1 && tail_rate() == 1.0; }
};

/// Profile of a queueing station (must not be called for delay stations).
RateProfile rate_profile(const Station& station);

/// sup_j alpha(j): the station's capacity in units of one server (m for m servers).
double peak_rate(const Station& station);

}  // namespace tpeval::solver
