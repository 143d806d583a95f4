// Lock workloads shared by the lock-model tests (acceleration, warm starts, the fold).
#pragma once

#include <cstddef>
#include <string>

#include "solver/locking/lock_contention.hpp"

namespace tpeval::solver::locking::testing {

/// Seven open and closed classes on a hot partition of `hot_granules`, a medium one, a large one
/// and an end-of-file sequence partition, with per-access steps and shared/exclusive mixes;
/// `load` scales the arrival rates and closed populations (about 1 is close to thrashing at 8
/// hot granules).
inline LockWorkload hot_spot_workload(double load, double hot_granules = 8) {
  LockWorkload w;
  w.partitions = {{"hot", hot_granules}, {"branch", 50}, {"account", 20000}, {"history", 1, 4}};
  for (int i = 0; i < 7; ++i) {
    LockClass c;
    c.name = "c" + std::to_string(i);
    c.accesses = {{0, 1.0, i % 3 == 0 ? 1.0 : 0.6, i % 2 ? 1.0 : -1.0},
                  {1, 0.5 * i, 0.3 + 0.1 * i},
                  {2, 3.0 + i, 0.5, -1, 0.01 * (1 + i % 3), 0.5 * i},
                  {3, i % 2 ? 1.0 : 0.0, 1.0}};
    if (i % 2) {
      c.concurrent_transactions = 1.0 + load * i;
    } else {
      c.arrival_rate_per_s = load * (20.0 + 5 * i);
    }
    c.step_time_s = 0.003 + 0.001 * i;
    c.commit_time_s = 0.004;
    c.step_time_scv = 0.2 * i;
    c.commit_time_scv = 1;
    w.classes.push_back(c);
  }
  return w;
}

/// Sixty partitions (the real-load model split into partitions, bench/run_scaling.sh, at a small
/// size): every sixth a hot spot of `hot_pages(p)` pages, the others 40 .. 220 pages; two classes
/// (60 and 30 TPS x `load`, 90 % and 30 % exclusive) request `requests(p)` times 0.05 locks of
/// partition p.
template <class HotPages, class Requests>
LockWorkload sixty_partitions_workload(double load, HotPages hot_pages, Requests requests) {
  LockWorkload w;
  for (int p = 0; p < 60; ++p)
    w.partitions.push_back(
        {"q" + std::to_string(p), p % 6 == 5 ? hot_pages(p) : 40.0 + 30 * (p % 7)});
  for (int i = 0; i < 2; ++i) {
    LockClass c;
    c.name = "t" + std::to_string(i);
    for (std::size_t p = 0; p < w.partitions.size(); ++p)
      c.accesses.push_back({p, 0.05 * requests(p), i ? 0.3 : 0.9});
    c.arrival_rate_per_s = load * (i ? 30.0 : 60.0);
    c.step_time_s = 0.004;
    c.commit_time_s = 0.01;
    c.step_time_scv = 0.5;
    c.commit_time_scv = 1;
    c.own_step_held = 1;
    w.classes.push_back(c);
  }
  return w;
}

/// Tight solver options for comparing solution paths: tolerance 1e-10, up to 200,000 iterations,
/// Anderson depth `anderson_depth` (0: the plain damped iteration), warm-started from `start`.
inline LockOptions path_options(std::size_t anderson_depth,
                                const LockIterationState* start = nullptr) {
  LockOptions o;
  o.tolerance = 1e-10;
  o.max_iterations = 200'000;
  o.anderson_depth = anderson_depth;
  o.start = start;
  return o;
}

}  // namespace tpeval::solver::locking::testing
