// Deadlock restarts in the analytic model: how many, and the references they repeat.
//
// Contract: a deadlock victim is rolled back and restarted at once with the same references
// (L2364; the simulator's TransactionEngine::abort_and_restart). With p the lock model's deadlock
// probability of one pass through a transaction's requests (an attempt), the attempts are
// geometric: restarts_per_transaction() = p / (1 - p), nullopt for p >= 1 (no attempt completes).
// A restart repeats the references made before the request that closed the cycle, and that
// depends on which locks form the cycle (issue #13). The lock model splits each class's deadlock
// sum by the partition on which the victim - the transaction whose request closes the cycle -
// holds its lock of the cycle (H_p) and the one on which it makes that request (V_p), as shares
// of its deadlocks (solver/locking LockContention::deadlock_held_on, deadlock_requested_on).
// The simulator makes a transaction's references in a random order (L2315; fixed counts: a
// random permutation, a clustered reference right after its host's first one, TELLER after its
// BRANCH, model/sim/reference_generator.cpp), and the held lock's reference precedes the closing
// request. So per restart a partition repeats
//   R_p = H_p + kRepeatedShare (k_p - H_p - V_p):
// the held reference (made: repeated), not the refused one (the deadlock is found at the lock
// request, before the page is touched), and each of its other k_p - H_p - V_p references with
// probability 2/3 - of the three orders of (held, closing request, other one) with the held one
// first, two put the other one before the closing request. A clustered partition glued to its
// host (fixed counts) shares the host's first reference's fate: the host's block takes the
// H and V of both, and the glued partition repeats the host's share per reference. Without the
// split (no lock partition of the cycle known) R_p = 2/3 k_p. On page-locked HISTORY with 50
// BRANCH pages (60 TPS) the cycles are HISTORY + BRANCH: the lock model puts the victim's held
// lock on HISTORY in 0.961 of them (HISTORY's queue: a transaction that holds the hot page
// requests the BRANCH page of one queued behind it), on BRANCH in 0.039; simulated (seeds 1-3,
// 55 / 60 TPS, 3600 s): HISTORY 0.874-0.881, BRANCH (and TELLER) 0.119-0.127 references per
// restart (the lock model's split, not this rule, is the difference), ACCOUNT 0.703-0.715 (2/3
// here: a held lock's chance to close a cycle grows with the time until the closing request,
// which an ACCOUNT I/O between lengthens; not modelled).
// The repeated references were fixed a moment before (a restart follows at once; the LRU's
// characteristic time is seconds to minutes on every model the tool accepts), so they hit in HS:
// they add hits and references, not misses, I/O or victims (restart_hit_ratio and
// add_restart_references). Its work (restart_work): the transaction's BOT instructions and the
// per-reference instructions of the repeated references (hits: no I/O overhead), and the lock
// requests of the repeated references plus the refused one, which the simulator counts as a
// request (transaction_engine.cpp next_reference). These are the work counts a transaction
// reports (cpu_instructions_per_tx, lock_requests_per_tx), and the analytic evaluation loads
// them (model/point_solve.cpp solve_at, docs/model.md "Deadlock restarts"): the aborted attempts'
// CPU work on the CPU, their held lock requests as a lock class of their own, their time in the
// response time.
#pragma once

#include <cstddef>
#include <optional>
#include <vector>

#include "model/buffer_model.hpp"
#include "model/description.hpp"
#include "model/evaluate.hpp"

namespace tpeval::model {

/// Share of a transaction's references outside the cycle that a restart repeats (see the
/// contract above).
inline constexpr double kRepeatedShare = 2.0 / 3.0;

/// Restarts per completed transaction from the deadlock probability per attempt.
std::optional<double> restarts_per_transaction(double deadlock_probability);

/// One transaction class (a type, on one node) with its arrival rate and restarts per transaction.
struct ClassRestarts {
  std::size_t type = 0;
  double rate_per_s = 0.0;
  double restarts_per_tx = 0.0;
  /// Per model partition, the shares H_p and V_p of the class's deadlocks whose victim holds /
  /// requests its lock of the cycle there (the contract above); empty: not known.
  std::vector<double> held_share, requested_share;
};

/// Per partition of `model`, the references one restart of a transaction of type `type` repeats
/// (R_p of the contract above; `held_share` and `requested_share` per partition, or empty).
std::vector<double> repeated_per_restart(const SystemModel& model, std::size_t type,
                                         const std::vector<double>& held_share,
                                         const std::vector<double>& requested_share);

/// The work one restart repeats (see the contract above).
struct RestartWork {
  double cpu_instructions = 0.0;
  double lock_requests = 0.0;
};

/// The work of one restart of type `type` that repeats `per_restart` references per partition
/// (repeated_per_restart); `lock_requests_per_tx`: per partition, the lock requests of one
/// attempt (those that can conflict and those that cannot).
RestartWork restart_work(const SystemModel& model, std::size_t type,
                         const std::vector<double>& per_restart,
                         const std::vector<double>& lock_requests_per_tx);

/// Per partition, the lock requests an aborted attempt of type `type` made and held before its
/// refused one (restart_work's, without the refused request): a partition's requests of one
/// attempt in proportion to its repeated references, `per_restart[p] / k_p`.
std::vector<double> repeated_lock_requests(const SystemModel& model, std::size_t type,
                                           const std::vector<double>& per_restart,
                                           const std::vector<double>& lock_requests_per_tx);

/// Per partition: references repeated by restarts per reference of the first attempts,
/// sum_c rate_c r_c R_cp / sum_c rate_c k_cp over the classes given (0 without references).
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
