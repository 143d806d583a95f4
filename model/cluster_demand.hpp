// The work a cluster adds to each transaction: global locking (GEH lock-table entry accesses,
// primary-copy or central lock messages), page requests to other nodes, broadcast invalidation,
// each with its CPU cost at both ends and its network time (Rahm 1993 §7.6.2.1, Tab. 7-2,
// L3185-3211; ch7.md §1.6-1.9).
//
// Contract: add_cluster_work() is pure given its inputs and changes only the classes' demands:
// messages cost `short/long_instructions` to send and to receive, queued on the CPUs with the
// transactions' own bursts (ch7.md §1.9 "mostly CPU time including waiting"); the network is a
// station with the configured bandwidth. What the transaction waits for (lock requests and
// grants, page requests) is waited time - the invalidation acknowledgements of a broadcast are
// timed by the evaluator as a fork-join (model/point_solve.cpp broadcast_wait_s); releases are sent
// after commit and only load the CPUs and the network. Work for another node goes to that node's
// CPU: the GLM node (node 0) for central locking, otherwise spread evenly over the other nodes (the
// partner of a random reference is any other node). With one node it does nothing.
#pragma once

#include <vector>

#include "model/buffer_model.hpp"
#include "model/description.hpp"
#include "model/device_demand.hpp"

namespace tpeval::model {

void add_cluster_work(const SystemModel& model, const std::vector<BufferLevels>& buffers,
                      const std::vector<std::vector<double>>& routing, DemandModel& demand);

}  // namespace tpeval::model
