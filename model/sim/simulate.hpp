// Simulation of a transaction-system model (the JSON model of `tpeval eval`) as TPSIM did it, with
// confidence intervals for every metric of the analytic report.
//
// Contract: simulate_transactions() refuses impossible runs with solver::des::SimulationError
// saying why in the user's terms (zero arrival rate; an offered load at or above the capacity of
// some CPU, EH or device server - checked from the model's own service demands - unless
// check_capacity is off; limits too small to pass the buffer warm-up and form an interval) and
// otherwise returns, for every metric named as in the analytic report (model/sim/metrics.hpp), the
// mean and the half-width of its two-sided interval at `confidence`, plus how the intervals were
// obtained. Warm-up: every observation interval before the buffers have been turned over
// (engine warm-up; with warm_start the buffers are filled before the first arrival, so this is
// at once) and then MSER-5 on the number of transactions in the system are discarded.
// One replication uses batch means (`batches` batches of whole intervals); R >= 2 use independent
// replications; both use the ratio-estimator interval of sum(numerator) / sum(denominator). The
// run-until-precise driver (solver/des/run_until_precise.hpp, shared with the network simulator)
// grows the run in rounds until the relative half-width of every stopping metric (throughput and
// mean response time; per type when there are several) is <= precision in two consecutive rounds
// and min_time_s is observed, or until a limit (max_time_s, max_events, max_wall_time_s) stops it
// (precision_reached = false). An exception in any replication is rethrown in the caller.
// When more than max_population transactions are in the system the model is saturated (typically
// lock thrashing, which no capacity check sees): the report says so and carries what was measured.
// Replications run on `threads` threads, each in its own engine: the result does not depend on
// the thread count, and the same seed gives bit-identical results (unless the wall-time limit
// stops the run, which the report states).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "model/description.hpp"
#include "solver/des/network_simulation.hpp"
#include "solver/des/output_analysis.hpp"

namespace tpeval::model::sim {

struct TxSimOptions {
  std::uint64_t seed = 1;
  double precision = 0.02;  ///< target relative half-width of the stopping metrics
  double confidence = 0.95;
  int replications = 1;  ///< 1: batch means; >= 2: independent replications
  int threads = 0;       ///< 0: all hardware threads
  int batches = 32;
  double min_time_s = 0.0;     ///< observed simulated seconds per replication (after warm-up)
  double max_time_s = 3600.0;  ///< simulated seconds per replication, warm-up included
  std::uint64_t max_events = 1'000'000'000;  ///< over all replications
  double max_wall_time_s = 900.0;
  double service_scv = 1.0;  ///< SCV of CPU bursts and device service times (1: exponential)
  long max_population = 20'000;
  bool check_capacity = true;
  double interval_s = 0.0;  ///< observation interval; 0: about 20 arrivals
  /// Fill the buffers before the first arrival by an untimed pass of the reference strings on
  /// their own stream (model/sim/warm_start.cpp); false: every run starts with empty buffers.
  bool warm_start = false;
  /// Called after every round from the calling thread (may be empty).
  std::function<void(const solver::des::SimulationProgress&)> progress;
};

struct SimulatedMetric {
  std::string section;  ///< "system", "type", "server", "partition"
  std::string owner;
  std::string metric;
  solver::des::Estimate estimate;
};

struct TxSimReport {
  std::string model_name;
  double arrival_rate_per_s = 0.0;
  std::vector<SimulatedMetric> metrics;

  /// The metric (section, owner, metric), or nullptr.
  const SimulatedMetric* find(const std::string& section, const std::string& owner,
                              const std::string& metric) const;
  /// System metric by name (owner = the model name), or nullptr.
  const SimulatedMetric* system(const std::string& metric) const {
    return find("system", model_name, metric);
  }

  // How the intervals were obtained.
  std::string interval_method;  ///< "batch means" or "independent replications"
  std::string warmup_method = "buffer turnover + MSER-5";
  int replications = 1;
  int batches = 0;
  int degrees_of_freedom = 0;
  double confidence = 0.95;
  double observation_interval_s = 0.0;
  double simulated_time_s = 0.0;   ///< per replication
  double truncated_time_s = 0.0;   ///< mean warm-up removed per replication
  std::uint64_t events = 0;        ///< over all replications
  std::uint64_t transactions = 0;  ///< committed, over all replications, warm-up included
  double wall_time_s = 0.0;
  bool precision_reached = false;
  std::string stop_reason;
  double widest_relative_half_width = 0.0;
  std::string widest_measure;
  bool saturated = false;
  std::string saturation_reason;
  /// Saturated runs: the busiest server (utilization >= 95 %) or the lock-thrashing partition.
  std::string bottleneck;
};

TxSimReport simulate_transactions(const SystemModel& model, const TxSimOptions& options = {});

}  // namespace tpeval::model::sim
