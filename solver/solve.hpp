// The entry point of the analytic solver: one call for open, closed and mixed networks.
//
// Contract: solve() validates the network (std::invalid_argument naming the violated invariant)
// and dispatches: all classes closed -> solve_closed() with options.closed (exact MVA,
// Linearizer or Bard-Schweitzer); all open -> solve_open(); otherwise solve_mixed(). Solution::
// method names what ran; iterations, residual, converged and warnings come from the method. An
// open load that saturates a station throws UnstableNetwork (solver/open/open_network.hpp).
#pragma once

#include "solver/mva/closed.hpp"
#include "solver/network/network.hpp"
#include "solver/open/open_network.hpp"

namespace tpeval::solver {

struct SolveOptions {
  ClosedOptions closed;
};

Solution solve(const Network& network, const SolveOptions& options = {});

}  // namespace tpeval::solver
