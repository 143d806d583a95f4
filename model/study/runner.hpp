// Running a study: every point evaluated analytically and/or simulated, in parallel, resumable.
//
// Contract: run_study() evaluates the points of expand_points(study, options.quick) on
// options.jobs threads (each point is independent: parse_model + evaluate, and the simulation
// step when the mode asks for it). The simulation is one pluggable step: options.simulator, a
// function from a parsed model and the study's SimulationSettings to simulated metrics with 95 %
// half-widths; every point is simulated with the same seed (common random numbers across
// configurations and rates). When options.journal_file is set, each finished point is appended
// to it as one JSON line together with a fingerprint of everything that determines its result
// (the point's model document, metrics, mode and simulation settings); a later run with the same
// journal reuses every point whose fingerprint is unchanged and recomputes the rest, so an
// interrupted study resumes where it stopped; a finished run rewrites the journal with one line
// per point it returned. A point whose model (or simulation) is refused is a PointError (an
// io::InputError) naming the sweep value to blame, "sweep[i].values[j]"
// (model/study/point_error.hpp); errors in worker threads are re-thrown in the caller.
// Results come back in expand_points() order. With options.shard = K/N only the points whose
// expand_points() index i satisfies i % N == K - 1 are run and returned (still in that order):
// the assignment depends on nothing but the index, and every point keeps the study's seed, so N
// shards together compute exactly the points, with the same random numbers, of one run
// (model/study/shard.hpp writes and merges them).
#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "model/description.hpp"
#include "model/study/study.hpp"

namespace tpeval::model::study {

/// A simulated metric: mean and 95 % confidence half-width.
struct Estimate {
  double mean = 0.0;
  double half_width = 0.0;
};

struct SimulatedPoint {
  bool saturated = false;  ///< the simulation found no steady state (queues grew without bound)
  std::string bottleneck;
  std::map<std::string, Estimate> metrics;  ///< only metrics the simulator measures
  /// Non-empty: the simulator refused this (valid) model, e.g. a multi-node model while the
  /// simulator runs one node; the text is its reason. Such a point has no simulated metrics,
  /// its simulated checks read "not simulated (reason)", and a later run recomputes it instead
  /// of reusing it from the journal (a newer simulator may accept the model).
  std::string not_simulated;
};

/// The pluggable simulation step (see the contract above).
using Simulator = std::function<SimulatedPoint(const SystemModel&, const SimulationSettings&,
                                               const std::vector<std::string>& metrics)>;

struct PointResult {
  std::string configuration;
  std::vector<std::pair<std::string, double>> axis_values;
  std::string fingerprint;
  bool reused = false;  ///< taken from the journal
  // Analytic part (when the mode includes it).
  bool analytic = false;
  bool saturated = false;
  std::string bottleneck;  ///< what saturates this point ("" when it is stable)
  std::string limited_by;  ///< what limits the maximum throughput (when it was computed)
  std::map<std::string, std::optional<double>> values;  ///< metric -> value (nullopt: none)
  // Simulated part (when the mode includes it and a simulator is available).
  std::optional<SimulatedPoint> simulated;

  std::optional<double> value(const std::string& metric) const;
};

struct Progress {
  std::size_t done = 0;
  std::size_t total = 0;
  std::size_t reused = 0;
};

/// Shard K of N (1 <= K <= N); 1/1 is the whole study.
struct ShardSpec {
  std::size_t index = 1;
  std::size_t count = 1;
  bool contains(std::size_t point_index) const { return point_index % count == index - 1; }
};

struct RunOptions {
  Mode mode = Mode::analytic;
  int jobs = 0;  ///< 0 = hardware concurrency
  bool quick = false;
  std::string journal_file;  ///< empty: no journal
  ShardSpec shard;           ///< which points to run (all by default)
  std::optional<Simulator> simulator;
  std::function<void(const Progress&)> progress;  ///< called from worker threads, serialised
};

std::vector<PointResult> run_study(const Study& study, const RunOptions& options);

/// One result as JSON (the journal line body and the elements of results.json) and back.
nlohmann::json to_json(const PointResult& result);
PointResult point_from_json(const nlohmann::json& json);

/// The fingerprint of a point: FNV-1a 64 over its document, metrics, mode and simulation
/// settings, as 16 hex digits. Stable across runs and platforms.
std::string fingerprint(const Point& point, const Study& study, Mode mode);

}  // namespace tpeval::model::study
