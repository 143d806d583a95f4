// Which messages a cluster protocol sends per event: the one rule both engines use, the analytic
// model taking its expectation (model/cluster_demand.cpp), the simulator sending them
// (model/sim/cluster_protocol.cpp). Rahm 1993 §7.5.1, L2933-2951 (central lock manager,
// authorisations), L2971-2973 (broadcast invalidation); ch7.md §1.6.
//
// Contract: pure functions of node numbers and the model; no state. Central locking: the global
// lock manager (GLM) runs on node kGlobalLockManagerNode. With write authorisations the node that
// last referenced an object holds its write authorisation (L2941) and grants locks on it locally;
// another node's request goes to the GLM (short request and grant), and the GLM first revokes the
// authorisation from its holder (short revocation and return: 4 messages instead of 2, L2951).
// The GLM node's own request needs no request message but still the revocation. Without write
// authorisations every request of another node goes to the GLM, and each such lock is released
// by its own short message after commit (the naive protocol, L2933; releases not bundled). Every
// message is short. Broadcast invalidation: an update transaction sends at commit one short
// invalidation to every other node, each acknowledged by a short message, before it releases its
// locks (L2971-2973).
#pragma once

#include "model/description.hpp"

namespace tpeval::model {

/// The node running the global lock manager of central locking (L2933).
inline constexpr int kGlobalLockManagerNode = 0;

/// The messages of one global lock request under central locking.
struct CentralLockMessages {
  bool local = false;          ///< granted without any message
  bool request_grant = false;  ///< request to the GLM and its grant, both waited for
  int revoked_from = -1;       ///< node the GLM revokes the write authorisation from (-1: none)
  bool release = false;        ///< a release message to the GLM after commit (not waited for)
};

/// `requester` asks for a lock whose write authorisation `holder` holds (-1: nobody, or write
/// authorisations are not used).
CentralLockMessages central_lock_messages(int requester, int holder, bool write_authorizations);

/// Invalidation messages (each acknowledged) an update transaction sends at commit: n - 1 under
/// broadcast invalidation, 0 under on-request invalidation or with one node.
int invalidation_messages(const SystemModel& model);

}  // namespace tpeval::model
