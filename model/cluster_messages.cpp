// The messages of the cluster protocols per event (see cluster_messages.hpp).
#include "model/cluster_messages.hpp"

namespace tpeval::model {

CentralLockMessages central_lock_messages(int requester, int holder, bool write_authorizations) {
  constexpr int glm = kGlobalLockManagerNode;
  CentralLockMessages m;
  if (!write_authorizations) {
    m.local = requester == glm;
    m.request_grant = m.release = !m.local;
    return m;
  }
  if (holder == requester) {
    m.local = true;  // the write authorisation is here: R and X locks are granted locally (L2941)
    return m;
  }
  m.request_grant = requester != glm;
  // The GLM revokes the authorisation of another node; its own it gives up without a message.
  if (holder >= 0 && holder != glm) m.revoked_from = holder;
  m.local = !m.request_grant && m.revoked_from < 0;
  return m;
}

int invalidation_messages(const SystemModel& model) {
  if (model.cluster.coherence != Coherence::broadcast || model.nodes.size() < 2) return 0;
  return static_cast<int>(model.nodes.size()) - 1;
}

}  // namespace tpeval::model
