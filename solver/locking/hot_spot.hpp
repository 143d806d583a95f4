// Lock queues on hot granules: a granule requested by many transactions is a FCFS queue whose
// service time is the lock holding time, not a source of thrashing.
//
// Contract: pure functions of plain numbers, no state. granule_queue_wait() is the M/G/1 wait of
// one granule with Poisson requests at `request_rate_per_s` and a holding time of mean
// `hold_mean_s` and squared coefficient of variation `hold_scv` (Pollaczek-Khinchine: W = rho
// E[h^2] / (2 E[h] (1 - rho)), P(wait) = rho); `stable` is false when rho >= 1.
// sequence_granule_wait() is the mean wait when the granules are taken in turn, each by `batch`
// consecutive requests (end-of-file inserts: the records of one page are handed out one after
// the other, so a page serves at most `batch` requesters and its queue starts empty): a
// mean-value Lindley recursion over the requesters of one page with exponential inter-request
// times and a gamma fit of the predecessor's time to release; it never saturates on its own (a
// page's queue is bounded by the batch) but grows like batch x hold when rho > 1.
// hot_spot_share() is the blending weight of the queue model for a partition of `granules`
// granules with `requests_in_flight` requests of the transactions in the system: min(1, that /
// granules); 0 means many granules (the 2PL contention model alone), 1 a hot spot (every granule
// has several requesters at once). docs/locking.md "Hot spots" gives the rule and its sources.
#pragma once

namespace tpeval::solver::locking {

struct LockQueueWait {
  double utilization = 0;            ///< request rate x mean holding time (per granule)
  double wait_probability = 0;       ///< probability that a request waits at all
  double mean_wait_s = 0;            ///< mean wait per request (including those that do not wait)
  double wait_second_moment_s2 = 0;  ///< E[wait^2] per request (0 when unknown)
  bool stable = true;                ///< false: utilization >= 1 (no steady state, M/G/1 only)
};

/// M/G/1 FCFS lock queue of one granule (Pollaczek-Khinchine). All inputs >= 0.
LockQueueWait granule_queue_wait(double request_rate_per_s, double hold_mean_s, double hold_scv);

/// Granules taken in turn by `batch` >= 1 consecutive requests each (see the header comment).
LockQueueWait sequence_granule_wait(double request_rate_per_s, double hold_mean_s, double hold_scv,
                                    double batch);

/// Weight of the queue model, min(1, requests_in_flight / granules), in [0, 1].
double hot_spot_share(double requests_in_flight, double granules);

/// The wait factor 1 / (1 - rho) of a queue at utilization rho, blended by the hot-spot share s:
/// 1 + s rho / (1 - rho); rho is capped just below 1 (saturation is judged by the caller).
double queue_wait_factor(double utilization, double share);

}  // namespace tpeval::solver::locking
