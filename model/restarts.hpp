// Deadlock restarts in the analytic model: how many, and the references they repeat.
//
// Contract: a deadlock victim is rolled back and restarted at once with the same references
// (L2364; the simulator's TransactionEngine::abort_and_restart). With p the lock model's deadlock
// probability of one pass through a transaction's requests (an attempt), the attempts are
// geometric: restarts_per_transaction() = p / (1 - p), nullopt for p >= 1 (no attempt completes).
// A restart repeats the references made before the request that closed the cycle. References
// come in a random order (L2315; model/update_shares.hpp, fixed_reference_counts), and the cycle
// needs one lock held before that request: of the transaction's other references, each precedes
// it with probability 2/3 by symmetry (of the orders of the three - the held reference, the
// victim request, the other one - with the held one first, two put the other one before the
// victim). kRepeatedShare applies that share to every reference; for the two references of the
// cycle (held: 1, victim: 0; their partitions hit anyway, being locked hot) it counts 1/3 of
// a reference too many per restart. Issue #13, 50 BRANCH pages, page-locked HISTORY, seeds 1-3,
// 55 / 60 TPS, 3600 s: the simulator repeats 0.70-0.72 ACCOUNT references per restart (a held
// lock's chance to close a cycle grows with its holding time, which an ACCOUNT I/O between
// lengthens), HISTORY 0.87-0.88 and BRANCH 0.12-0.13 (together the one held lock).
// The repeated references were fixed a moment before (a restart follows at once; the LRU's
// characteristic time is seconds to minutes on every model the tool accepts), so they hit in HS:
// they add hits and references, not misses, I/O or victims (restart_hit_ratio and
// add_restart_references). The repeated CPU work of a restart is not modelled yet (docs/model.md).
#pragma once

#include <cstddef>
#include <optional>
#include <vector>

#include "model/buffer_model.hpp"
#include "model/description.hpp"
#include "model/evaluate.hpp"

namespace tpeval::model {

/// Share of a transaction's references a restart repeats (see the contract above).
inline constexpr double kRepeatedShare = 2.0 / 3.0;

/// Restarts per completed transaction from the deadlock probability per attempt.
std::optional<double> restarts_per_transaction(double deadlock_probability);

/// One transaction class (a type, on one node) with its arrival rate and restarts per transaction.
struct ClassRestarts {
  std::size_t type = 0;
  double rate_per_s = 0.0;
  double restarts_per_tx = 0.0;
};

/// Per partition: references repeated by restarts per reference of the first attempts,
/// sum_c rate_c r_c share k_tp / sum_c rate_c k_tp over the classes given (0 without references).
std::vector<double> restart_references(const SystemModel& model,
                                       const std::vector<ClassRestarts>& classes);

/// A partition's result with `per_reference` repeated references that hit in HS: more
/// references; per-reference ratios of the others (EH, disk cache, reads, page requests) lower.
void add_restart_references(PartitionResult& r, double per_reference);

/// Overall hit ratios of `levels` (HS, EH, disk cache) with the repeated references `extra`.
struct HitRatios {
  double hs = 0.0, eh = 0.0, dc = 0.0;
};
HitRatios restart_hit_ratios(const BufferLevels& levels, const std::vector<double>& extra);

}  // namespace tpeval::model
