// The share of a granule's lock queue that a conflicting request waits for on top of the
// holder's residual: the weight s of the M/G/1 factor 1 + s rho / (1 - rho)
// (queue_wait_factor in hot_spot.hpp).
//
// Contract: a pure function of plain numbers, no state. queue_ahead_share() returns, in [0, 1],
// the larger of the hot-spot share (hot_spot_share in hot_spot.hpp: 1 for a hot granule) and
// the share of the partition's lock requests that are their transaction's first on it,
// sum_c X_c min(1, k_c) / sum_c X_c k_c (X_c throughput, k_c lock requests per transaction of
// class c on the partition; `first_requests_per_s` and `requests_per_s` are these two sums). A
// transaction queued at a granule that holds no other lock of the partition is a plain customer
// of that granule's FCFS queue (Pollaczek-Khinchine: a request waits the holder's residual and
// the whole holding time of each one queued before it); one that already holds locks of the
// partition is a link of a conflict chain, which the contention model's thrashing bound
// (Thomasian's alpha, whose cubic counts the waits behind blocked transactions) and its fixed
// point already carry. For the mean wait that second part is a compensation, not a derivation:
// the simulator waits behind queued many-lock transactions too, and the model's residual there is
// too long by about as much. docs/locking.md "Hot spots" ("Wait behind those queued") gives the
// rule, what was measured and what it leaves.
#pragma once

namespace tpeval::solver::locking {

/// max(hot_spot_share, first_requests_per_s / requests_per_s), in [0, 1]; 0 without requests.
double queue_ahead_share(double hot_spot_share, double first_requests_per_s, double requests_per_s);

}  // namespace tpeval::solver::locking
