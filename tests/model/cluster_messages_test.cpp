// The per-event message rule of the cluster protocols (model/cluster_messages.hpp), which both
// engines use: central locking with and without write authorisations (Rahm 1993 L2933-2951),
// broadcast invalidation (L2971-2973).
#include <doctest/doctest.h>

#include "model/cluster_messages.hpp"
#include "model/debit_credit.hpp"
#include "model/parse.hpp"
#include "scenarios.hpp"

using namespace tpeval::model;
using tpeval::model::testing::with;

TEST_CASE("central lock messages: local, request and grant, 4 with a revocation (L2951)") {
  static_assert(kGlobalLockManagerNode == 0);
  // The write authorisation is here: granted locally.
  CentralLockMessages m = central_lock_messages(2, 2, true);
  CHECK(m.local);
  CHECK_FALSE(m.request_grant);
  CHECK(m.revoked_from == -1);
  // Held by the GLM itself: request and grant only.
  m = central_lock_messages(2, 0, true);
  CHECK_FALSE(m.local);
  CHECK(m.request_grant);
  CHECK(m.revoked_from == -1);
  // Held by a third node: request, revocation, return, grant (Abb. 7-4).
  m = central_lock_messages(2, 3, true);
  CHECK(m.request_grant);
  CHECK(m.revoked_from == 3);
  CHECK_FALSE(m.release);
  // The GLM node asks for a lock another node holds: the revocation only.
  m = central_lock_messages(0, 3, true);
  CHECK_FALSE(m.local);
  CHECK_FALSE(m.request_grant);
  CHECK(m.revoked_from == 3);
  // Nobody holds it: the GLM grants it to the requester.
  CHECK(central_lock_messages(0, -1, true).local);
  CHECK(central_lock_messages(1, -1, true).request_grant);
}

TEST_CASE("central lock messages without write authorisations: every other node's lock") {
  CentralLockMessages m = central_lock_messages(0, -1, false);
  CHECK(m.local);
  CHECK_FALSE(m.release);
  m = central_lock_messages(4, -1, false);
  CHECK(m.request_grant);
  CHECK(m.release);  // released by its own message after commit (L2933)
  CHECK(m.revoked_from == -1);
}

TEST_CASE("broadcast invalidation: one message to every other node, none on request") {
  const auto doc = debit_credit_cluster_model();
  CHECK(invalidation_messages(parse_model(with(doc, {{"cluster.nodes", 5}}))) == 0);
  CHECK(invalidation_messages(parse_model(
            with(doc, {{"cluster.nodes", 5}, {"cluster.coherence", "broadcast"}}))) == 4);
  CHECK(invalidation_messages(parse_model(
            with(doc, {{"cluster.nodes", 2}, {"cluster.coherence", "broadcast"}}))) == 1);
}
