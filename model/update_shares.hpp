// Which references of a transaction type update, per partition, and whether a transaction
// updates anything at all (and so writes a log page).
//
// Contract: update_share_of() is the probability that one reference of type `type` to partition
// `p` updates its record: `transaction_types[i].update_shares[PARTITION]` where given, else the
// type's `update_share` (the default for every partition, backward compatible). Both engines use
// it: the analytic buffer/demand/lock models and the simulator's reference generator.
// fixed_reference_counts() is the simulator's rule for whole reference counts (every
// transaction makes exactly references x share references to each partition, in random order;
// otherwise each reference draws its partition). update_probability() is the probability that a
// transaction of the type updates at least one record under that rule; a transaction that
// updates nothing writes no log page (L2368: one log page per update transaction).
#pragma once

#include <cstddef>

#include "model/description.hpp"

namespace tpeval::model {

double update_share_of(const TransactionType& type, std::size_t p);

/// True when references x share is a whole number for the total and every partition.
bool fixed_reference_counts(const TransactionType& type, std::size_t partitions);

/// P(a transaction of type t updates at least one record), in [0, 1].
double update_probability(const SystemModel& model, std::size_t t);

}  // namespace tpeval::model
