// The wait behind those queued at a granule (solver/locking/queue_ahead.hpp, docs/locking.md
// "Hot spots", "Wait behind those queued").
#include <doctest/doctest.h>

#include "solver/locking/lock_contention.hpp"
#include "solver/locking/queue_ahead.hpp"

using namespace tpeval::solver::locking;

TEST_CASE("queue-ahead share: first requests on the partition, at least the hot-spot share") {
  // Every transaction requests the partition once: a plain queue customer.
  CHECK(queue_ahead_share(0.19, 260.0, 260.0) == doctest::Approx(1.0));
  // Half the transactions request it once (0.5 requests per transaction): still 1.
  CHECK(queue_ahead_share(0.05, 50.0, 50.0) == doctest::Approx(1.0));
  // 8 requests per transaction (the lock experiment's small partition): 1/8, unless the
  // hot-spot share is larger.
  CHECK(queue_ahead_share(0.10, 130.0, 1040.0) == doctest::Approx(0.125));
  CHECK(queue_ahead_share(0.30, 130.0, 1040.0) == doctest::Approx(0.30));
  // One hot granule (hot-spot share 1) stays 1; no requests: the hot-spot share.
  CHECK(queue_ahead_share(1.0, 130.0, 1040.0) == doctest::Approx(1.0));
  CHECK(queue_ahead_share(0.2, 0.0, 0.0) == doctest::Approx(0.2));
}

TEST_CASE("one lock per transaction waits Pollaczek-Khinchine's residual over 1 - rho") {
  // Open class, one exclusive request per transaction on 20 granules, held for its own step and
  // the commit phase (fixed: 50 + 50 ms), so the holding time does not depend on the waits.
  // A granule is an M/D/1 queue: rho = 40/s x 0.1 s / 20 = 0.2, P(conflict) = rho, and a
  // conflict waits the residual h / 2 = 50 ms and one whole holding time per request queued
  // before it: 50 / (1 - rho) = 62.5 ms (Kleinrock 1975 eq. 5.72). With the hot-spot share as
  // the weight (requests in flight / granules = 0.22) it was 52.8 ms.
  LockWorkload w;
  w.partitions = {{"branch", 20}};
  LockClass c;
  c.name = "debit";
  c.accesses = {{0, 1.0, 1.0}};
  c.arrival_rate_per_s = 40.0;
  c.step_time_s = 0.05;
  c.commit_time_s = 0.05;
  c.own_step_held = 1.0;
  w.classes = {c};
  const LockContention r = analyze_lock_contention(w);
  REQUIRE(r.converged);
  REQUIRE(r.classes.size() == 1);
  CHECK(r.classes[0].conflict_probability == doctest::Approx(0.2).epsilon(1e-3));
  CHECK(r.classes[0].wait_per_conflict_s == doctest::Approx(0.0625).epsilon(1e-3));
}
