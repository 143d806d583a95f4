// Asymptotic (ABA) and balanced job bounds (BJB) on the throughput and response time of every
// closed class of a network (Lazowska et al., QSP ch. 5; peers-and-formulas.md §3.2).
//
// Contract: closed_bounds() returns one ClassBounds per closed class, in class order, each
// computed for that class *alone* (the other classes are ignored: with several classes the
// bounds are those of the class running by itself, not of the mix). Delay-station demands are
// added to the think time. A queueing station's bottleneck demand is D_ck / max_j alpha(j) (m for
// an m-server station) and its no-contention demand D_ck / max_j (alpha(j)/j); for single-server
// load-independent stations both equal D_ck. BJB is valid only when every visited queueing station
// is single-server and load-independent; otherwise only ABA is applied and
// `balanced_bounds_applied` is false. The reported lower/upper values are the tightest valid
// ones (max of the lower bounds, min of the upper bounds); response times follow from the
// interactive response-time law R = N/X - Z (think time Z excluded from R). A zero-population
// class gets throughput bounds 0 and response-time bounds equal to its no-contention demand.
// Throws std::invalid_argument if the network is invalid or a populated closed class has zero
// demand and zero think time (its throughput would be unbounded).
#pragma once

#include <limits>
#include <string>
#include <vector>

#include "solver/network/network.hpp"

namespace tpeval::solver {

struct ClassBounds {
  int class_index = 0;  ///< index into Network::classes
  std::string class_name;
  long population = 0;
  double throughput_lower_per_s = 0.0;
  double throughput_upper_per_s = 0.0;
  double response_time_lower_s = 0.0;  ///< excluding think time
  double response_time_upper_s = 0.0;  ///< excluding think time
  /// ABA knee N* = (D + Z) / D_max (infinity when no queueing station is visited).
  double knee_population = std::numeric_limits<double>::infinity();
  /// Station with the largest bottleneck demand (-1 when no queueing station is visited).
  int bottleneck_station = -1;
  bool balanced_bounds_applied = false;
  // The separate families, for reports that show both.
  double aba_throughput_lower_per_s = 0.0;
  double aba_throughput_upper_per_s = 0.0;
  double bjb_throughput_lower_per_s = 0.0;  ///< = ABA value when BJB is not applied
  double bjb_throughput_upper_per_s = 0.0;  ///< = ABA value when BJB is not applied
};

std::vector<ClassBounds> closed_bounds(const Network& network);

}  // namespace tpeval::solver
