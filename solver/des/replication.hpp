// One replication of a simulation as the run-until-precise driver (run_until_precise.hpp) sees it:
// a run that advances to a simulated time and hands over one row of counters per closed
// observation interval.
//
// Contract: a Replication owns every piece of state of its run (clock, calendar, random streams
// keyed by seed and replication number), so replications never interact and the same seed gives
// the same rows whichever thread advances it. advance(horizon_s, max_events) simulates up to
// horizon_s and closes every observation interval that ends by then, unless the run's event count
// reaches max_events (event_budget) or the model ends the run (stopped, e.g. a saturated
// transaction system), and appends one row per closed interval to `rows` (the driver's series for
// this replication, so memory stays bounded however long the run). Every counter of a row is a sum
// over its interval (simulated seconds, completions, job-seconds, busy server-seconds, ...), so
// adjacent rows merge by adding them. first_steady_interval() is the first interval after a warm-up
// the model itself knows (e.g. buffers filled; 0 when it knows none, at least the closed intervals
// while not reached); the driver's own warm-up truncation (MSER-5) starts there.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "solver/des/interval_series.hpp"

namespace tpeval::solver::des {

enum class ReplicationStatus { running, stopped, event_budget };

class Replication {
 public:
  virtual ~Replication() = default;
  virtual ReplicationStatus advance(double horizon_s, std::uint64_t max_events,
                                    IntervalSeries& rows) = 0;
  virtual std::size_t counters() const = 0;
  virtual std::size_t first_steady_interval() const { return 0; }
  virtual std::uint64_t events() const = 0;
  virtual double now_s() const = 0;
};

}  // namespace tpeval::solver::des
