// The CPU visits of a transaction: how often it queues for a CPU of its node, one rule for both
// engines. The analytic model (model/device_demand, model/cluster_demand, model/evaluate) gives
// every visit the FCFS queueing delay of its node's CPU; the simulator
// (model/sim/transaction_engine) queues for a CPU exactly at these points and holds the CPU it
// has otherwise.
//
// Contract: pure functions of the model. A transaction makes CPU requests at BOT, one per
// reference and at commit (TPSIM, Rahm 1993 L2350-2360; ch6-5.md §1.5). A synchronous
// (G)EH access keeps the CPU busy for its duration and is charged on top of the CPU requests
// (ch6-5.md §1.11 rule 1, L2376; ch7.md §1.9): the GEH lock-table entry accesses of a lock
// request (read, compare-and-swap; L3039-3041) are made with the CPU of the burst before them
// (BOT or the previous reference) still held, and so are the release accesses after the commit
// burst - unless the commit's log write comes between (an updating transaction, locks are
// released after the log write, L2356-2360): then the transaction queues for a CPU once more.
// Messages are CPU visits of their own at the sender and the receiver (model/cluster_demand).
#pragma once

#include <cstddef>

#include "model/description.hpp"

namespace tpeval::model {

/// CPU requests of a transaction of `type` itself: BOT, one per reference, commit.
inline double transaction_cpu_bursts(const TransactionType& type) {
  return 2.0 + type.references;
}

/// GEH lock-table entry accesses of one lock request and of releasing one lock (L3064-3066:
/// >= 2 each; a duplicated GLT writes twice, +1 each).
inline double geh_acquire_entries(const GehLockTable& g) {
  return g.accesses_per_acquire + (g.duplicated ? 1.0 : 0.0);
}
inline double geh_release_entries(const GehLockTable& g) {
  return g.accesses_per_release + (g.duplicated ? 1.0 : 0.0);
}

/// CPU visits of the GEH release accesses of a transaction that holds global locks: 1 when its
/// log write lies between the commit burst and the release, else 0 (the commit burst's CPU).
/// With group commit the last member of a group writes the log page and releases the locks of
/// every member in that one visit, and the others complete with it (L1352): 1 / g visits per
/// transaction, each waited for by all g members.
inline double geh_release_cpu_visits(bool writes_log, int group_commit_size = 1) {
  return writes_log ? 1.0 / static_cast<double>(group_commit_size) : 0.0;
}

}  // namespace tpeval::model
