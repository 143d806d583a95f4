// Mixed product-form networks: open and closed classes sharing the stations.
//
// Contract: solve_mixed() takes a valid network with open and/or closed classes and returns the
// mixed-network solution of Lazowska et al. (QSP ch. 7) / Bolch et al. (§8.3; Octave `qnmix`):
// (1) the open classes alone fix their utilizations U_open,k = a_k / m_k; a network whose open
// load saturates a station throws UnstableNetwork; (2) the closed classes are solved by
// solve_closed() (method and tolerances from `options`) on the network whose queueing-station
// demands are inflated to D_ck / (1 - U_open,k); (3) the open classes then see the closed jobs:
// R_ck = D_ck (1 + Q_closed,k) / (1 - U_open,k) at a single-server queue, D_ck at a delay. For
// an m-server station visited by both kinds the open-class residence time is approximated by
// R_ck = D_ck (1 + (C(m,a_k) + Q_closed,k) / (m (1 - U_open,k))), exact for m = 1, and
// Solution::warnings says so. Load-dependent stations visited by both open and closed classes are
// not supported (std::invalid_argument). Closed-class utilizations use the original demands.
#pragma once

#include "solver/mva/closed.hpp"
#include "solver/network/network.hpp"

namespace tpeval::solver {

Solution solve_mixed(const Network& network, const ClosedOptions& options = {});

/// The closed classes of `network` alone, on stations slowed down by the open load: queueing-
/// station demands D_ck / (1 - U_open,k). In a product-form mixed network the closed classes
/// behave exactly as in this closed network (QSP ch. 7), so its bounds and solution hold for
/// them. Class order is kept (open classes dropped). Throws UnstableNetwork like solve_mixed().
Network closed_equivalent(const Network& network);

}  // namespace tpeval::solver
