// Reading the `cluster` section of a model document (docs/cluster.md): n nodes, coupling, global
// locking, coherence, routing, message and GEH lock-table costs (Rahm 1993 ch. 7, Tab. 7-2).
//
// Contract: parse_cluster() runs after nodes, partitions, workload and policies have been read.
// It expands a single `nodes` entry into n identical named nodes, derives the coupling from the
// locking protocol when not given, refuses contradictory combinations and configurations the
// multi-node model does not cover (with the JSON path and the reason), and applies the scaling
// rules (per-node arrival rate and database size, L3185). Without a `cluster` section the model
// is left exactly as the one-node format describes it.
#pragma once

#include "model/description.hpp"
#include "solver/io/json_input.hpp"

namespace tpeval::model {

void parse_cluster(const io::JsonNode& root, SystemModel& model);

}  // namespace tpeval::model
