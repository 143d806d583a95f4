// Simulator options for tests that compare fixed-length runs: one thread, a given seed, and a
// precision that is never reached, so the run lasts exactly `seconds` of simulated time and its
// results do not depend on the stop rule.
#pragma once

#include <cstdint>

#include "model/sim/simulate.hpp"

namespace tpeval::model::sim::testing {

inline TxSimOptions fixed_length(double seconds, std::uint64_t seed = 1) {
  TxSimOptions o;
  o.seed = seed;
  o.precision = 1e-9;  // never reached: run exactly max_time_s
  o.max_time_s = seconds;
  o.threads = 1;
  return o;
}

}  // namespace tpeval::model::sim::testing
