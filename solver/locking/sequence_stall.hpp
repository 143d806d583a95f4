// Metastable collapse of an end-of-file lock queue through holder stalls (issue #13).
//
// Contract: a pure function of plain numbers. Granules taken in turn by `batch` consecutive
// requests (end-of-file inserts with page locks, sequence_granule_wait in hot_spot.hpp) are
// held `hold_mean_s` each when their holders do not stall. A holder stalls when it later requests
// a lock (another partition's granule) held by one of the transactions queued for the sequence
// partition: it then holds its page until that one has passed its queue and committed. With n
// transactions queued the chance of a stall per holding is `stalls_per_waiter` x n, the stall
// lasts the blocker's remaining wait in that state, max(2/3 W(h), h/2) + c^2 h / 2 (a queued
// transaction picked at random among those of the pages in service, c^2 = `hold_scv`), plus one
// holding time, and the holding time h(n) solves h = hold + stalls_per_waiter n (remaining(h) +
// h). The queued transactions are a birth-death chain: births at the request rate, deaths at
// n / W(h(n)) (Little's law at state n, W the mean wait of sequence_granule_wait at holding
// time h(n)). Its lower state n1 (first n with death rate >= request rate) is the operating
// point the mean-value model finds, its middle state n2 (the next n with death rate < request
// rate, or the first n without a holding time) the unstable one beyond which the queue grows
// without bound. The rate is sustainable when the chain has a lower state and its mean
// first-passage time from n1 to n2 is at least `horizon_s`; it is not when the holding time
// diverges before the lower state. States beyond `max_states` are not examined (and no
// collapse is claimed). docs/locking.md "Holder stalls at an end-of-file page" and "The stall
// length" give the argument, the measurements and the sources.
#pragma once

#include <cstddef>
#include <vector>

#include "solver/locking/hot_spot.hpp"
#include "solver/locking/lock_contention.hpp"

namespace tpeval::solver::locking {

struct SequenceStallInput {
  double request_rate_per_s = 0;  ///< requests on the sequence partition (births of the chain)
  double hold_mean_s = 0;         ///< holding time of a granule without stalls
  double hold_scv = 0;            ///< its squared coefficient of variation
  double batch = 1;               ///< requests per granule (blocking factor), >= 1
  /// Stalls per holding and per transaction queued for the partition (>= 0; 0: no stalls).
  double stalls_per_waiter = 0;
  double horizon_s = 3600;           ///< how long the lower state must last to count as sustainable
  std::size_t max_states = 100'000;  ///< beyond this many queued transactions: not examined
};

struct SequenceStallResult {
  bool sustainable = true;
  bool lower_state = true;    ///< false: the stalls diverge before deaths reach the births
  double lower_waiters = 0;   ///< n1 (0 when there is none)
  double middle_waiters = 0;  ///< n2; 0 when the scan stopped before it (passage >= horizon)
  double passage_time_s = 0;  ///< mean first passage n1 -> n2 (a lower bound when stopped)
  double lower_hold_s = 0;    ///< h(n1): the holding time with the stalls at the lower state
};

/// The birth-death chain of the transactions queued for a sequence partition (see above).
SequenceStallResult sequence_stall_stability(const SequenceStallInput& in);

/// Its death rate at `waiters` >= 1 queued transactions, n / W(h(n)) per second; 0 when the
/// stalls admit no finite holding time there.
double sequence_stall_departure_rate(const SequenceStallInput& in, double waiters);

/// The wait of a request on the sequence partition at the chain's lower state, with the holder
/// stalls in the holding time (docs/locking.md "Holder stalls at an end-of-file page", "The
/// waits at the lower state"): over the chain's stationary distribution pi_n below its middle
/// state, a holding stalls with probability a n for D(n) = the blocker's remaining wait plus its
/// holding time, as in the chain (E[D^2] = 2 E[D]^2, as measured); the stall's mean and second
/// moment, averaged over pi, are added to the holding time of `hold_mean_s` and `hold_scv`, and
/// the wait is sequence_granule_wait at that holding time. Without stalls (a = 0, batch <= 1,
/// no rate) or without a lower state (the stability check reports that) it is the plain
/// sequence_granule_wait. The scan covers the states from 8 standard deviations below the
/// mean-value queue without stalls to e^-30 below the largest weight (or the middle state, or
/// `max_states`), each state's holding time to 1e-11; `horizon_s` is not used.
LockQueueWait sequence_stall_wait(const SequenceStallInput& in);

/// Stalls per holding of a granule of sequence partition `p` and per transaction queued for it,
/// from the workload's requests: a holder of class c stalls on a later request of partition q
/// (q != p, not a sequence partition) when the granule is held, in a conflicting mode, by a
/// queued transaction of class o that made its request on q before its request on p:
///   sum_c w_c sum_q k_cq P(q after p | c) sum_o w_o k_oq P(q before p | o) conflict / D_q,
/// w_c = X_c k_cp / sum_o X_o k_op the share of class c among p's requesters (the queued ones
/// and the holders alike), P(after) 1/2 for requests spread over the sequence (random order)
/// and from `request_position` otherwise, conflict = 1 - (1 - e_cq)(1 - e_oq) with e the
/// exclusive shares. Requests on q by transactions queued at the holder's own granule close a
/// cycle instead (a deadlock: the holder restarts and releases the granule, L2364): they are
/// left out with the share `own_share` of the queued transactions that queue there.
/// O(classes x partitions).
double sequence_stalls_per_waiter(const LockWorkload& workload, std::size_t p,
                                  const std::vector<double>& throughput_per_s, double own_share);

}  // namespace tpeval::solver::locking
