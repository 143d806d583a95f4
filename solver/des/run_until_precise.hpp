// The one run-until-precise driver of tpeval's simulators (the network simulator,
// solver/des/network_simulation, and the transaction simulator, model/sim/simulate): it advances
// the replications in rounds, analyses their interval counters, and stops when every stopping
// measure is precise enough or a limit is reached. Domain-free: it knows replications, counters
// and measures, not stations or transactions.
//
// Contract: run_until_precise() is a function of its arguments; the replications are the
// caller's (built with the caller's seed, one per replication number) and hold all state. Round k
// advances every replication to min(T_k, max_time_s), T_1 = 512 observation intervals,
// T_{k+1} = 2 T_k, on `threads` threads (solver/parallel/parallel_for: the first exception of any
// replication is rethrown in the caller once the others have stopped). Each replication's rows go
// to an IntervalSeries (512-1024 rows). Then, per replication, the model's warm-up and MSER-5
// (steady_state_analysis.hpp) give the first kept row; the first round whose MSER-5 cut is
// reliable fixes the cut in simulated time for the rest of the run, because re-optimising it on the
// grown run deletes whatever stationary stretch happens to lie high at the start and biases the
// mean low (measured on M/M/1 at rho = 0.8: -2.3 % at precision 0.1, coverage 84 %). A round is
// precise when the cut is reliable, the batches are independent, every stopping measure's
// relative half-width is <= precision, and the min limits are met. The run stops with
// precision_reached when two consecutive rounds are precise: stopping at the first precise round
// favours runs whose estimate happens to be low (the variance grows with the mean), which cost
// about 5 points of coverage (M/M/1, rho = 0.8: 89.5 % -> 95 % with the confirmation; Law §9.5.3
// on the coverage of sequential procedures). Otherwise it stops at the first limit: the model
// stopping a replication (model_stop), the event budget (max_events over all replications, split
// evenly), max_time_s, or max_wall_time_s (whose result depends on the machine). The same
// replications and settings give bit-identical results whatever the thread count (unless the wall
// time stops the run).
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "solver/des/output_analysis.hpp"
#include "solver/des/replication.hpp"
#include "solver/des/steady_state_analysis.hpp"

namespace tpeval::solver::des {

/// An impossible or meaningless simulation request; what() says why in the user's terms.
class SimulationError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Where a run stands after one analysis round (for a progress line).
struct SimulationProgress {
  int round = 0;
  double simulated_time_s = 0.0;  ///< per replication
  std::uint64_t events = 0;       ///< over all replications
  double widest_relative_half_width = 0.0;
  double precision = 0.0;
};

struct PrecisionSettings {
  double precision = 0.02;   ///< target relative half-width of the stopping measures
  double confidence = 0.95;  ///< two-sided confidence level of every interval
  int batches = 32;          ///< batch means with one replication
  int threads = 0;           ///< 0: all hardware threads
  double interval_s = 1.0;   ///< the replications' observation interval
  double min_time_s = 0.0;   ///< kept (post-warm-up) simulated seconds per replication
  double max_time_s = std::numeric_limits<double>::infinity();  ///< per replication
  std::uint64_t min_events = 0;                                 ///< over all replications
  std::uint64_t max_events = 200'000'000;                       ///< over all replications
  double max_wall_time_s = std::numeric_limits<double>::infinity();
  SeriesLayout layout;
  /// Called after every round from the calling thread (may be empty).
  std::function<void(const SimulationProgress&)> progress;
};

enum class StopCause { precision, model_stop, event_limit, time_limit, wall_time_limit };

struct PreciseRun {
  std::vector<Estimate> estimates;  ///< one per measure (empty when !estimable)
  bool estimable = false;           ///< enough kept intervals to form every interval
  bool warmup_over = false;         ///< every replication's MSER-5 cut is reliable
  bool batches_independent = false;
  bool precision_reached = false;
  StopCause cause = StopCause::precision;
  std::string shortage;         ///< why !estimable
  std::string interval_method;  ///< "batch means" or "independent replications"
  int batches = 0;              ///< batches, or replications
  int degrees_of_freedom = 0;
  double observation_interval_s = 0.0;    ///< one kept row (several of the replication's)
  std::vector<double> simulated_time_s;   ///< per replication
  std::vector<double> truncated_time_s;   ///< warm-up removed, per replication
  std::vector<long> truncated_intervals;  ///< rows removed, per replication
  std::uint64_t events = 0;               ///< over all replications
  double widest_relative_half_width = 0.0;
  int widest_measure = -1;  ///< index into the measures, -1 when none
  int rounds = 0;
};

/// Throws SimulationError for settings that cannot work (precision, confidence, batches, limits).
void check_precision_settings(const PrecisionSettings& settings);

PreciseRun run_until_precise(std::span<Replication* const> replications,
                             std::span<const Measure> measures, const PrecisionSettings& settings);

}  // namespace tpeval::solver::des
