// The one way tpeval runs independent work items on several threads: simulation replications
// (solver/des/network_simulation, model/sim/simulate) and the points of a study
// (model/study/runner).
//
// Contract: parallel_for(count, threads, step) calls step(i) exactly once for every i in
// [0, count) unless an exception stops it, on min(threads, count) threads (threads <= 0: the
// hardware concurrency; 1: inline on the caller's thread, no thread started). Items are handed
// out in ascending order from one shared counter, so a slow item does not hold up the others.
// step must only touch state owned by item i (or guard shared state itself); the result then does
// not depend on the schedule. The first exception thrown by any step is captured, no further
// items are started, the running ones finish, and the exception is rethrown in the caller, so a
// failure in a worker reaches the CLI's error handling instead of terminating the process.
//
// Why not a library: the work is a few to a few hundred coarse, independent items per call, each
// milliseconds to minutes long; this needs no task graph, work stealing or nested parallelism.
// oneTBB (Debian libtbb-dev) would add a run-time library and a global scheduler whose thread
// count must be capped per call (task_arena) to honour --jobs and the simulators' threads
// option, for the same behaviour as these few lines of std::thread.
#pragma once

#include <cstddef>
#include <functional>

namespace tpeval::solver {

/// The number of threads `threads` stands for (<= 0: hardware concurrency, at least 1).
int resolve_thread_count(int threads);

void parallel_for(std::size_t count, int threads, const std::function<void(std::size_t)>& step);

}  // namespace tpeval::solver
