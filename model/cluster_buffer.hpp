// The buffer submodel of a cluster: per node and partition, the share of references that hit a
// valid local copy, that are served by another node (page request, or a page shipped with a lock
// grant), and that are read from the shared storage (Rahm 1993 §7.6.2, L3242-3271; ch7.md §1.10).
//
// Contract: evaluate_cluster_buffers() is a pure function of a model with two or more nodes and
// the routing fractions (model/routing.hpp). Each node has a private LRU main-memory buffer; a
// random-access partition is one population shared by the nodes that reference it (a write at
// one node invalidates the others' copies: on-request or broadcast invalidation, per
// cluster.coherence), or, under key affinity, n key ranges each owned by one node (with the
// other-node share of references going to the other ranges). Append partitions are private per
// node (each node appends to its own end-of-file page), clustered partitions repeat their host's
// page. solver/cache/cluster.hpp (che_cluster_nodes) computes the ratios. The result has the
// fields of the one-node model (model/buffer_model.hpp) per node, so demands are built by the
// same rules; read_miss_ratio counts the reads from storage, page_request_ratio the rest.
#pragma once

#include <vector>

#include "model/buffer_model.hpp"
#include "model/description.hpp"

namespace tpeval::model {

/// Per node: BufferLevels whose references_per_tx are per transaction of that node's mix.
std::vector<BufferLevels> evaluate_cluster_buffers(const SystemModel& model,
                                                   const std::vector<std::vector<double>>& routing);

}  // namespace tpeval::model
