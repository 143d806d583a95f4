// The transaction-model path of `tpeval simulate`: simulates a model in the `tpeval eval` JSON
// format (or the embedded Debit-Credit default) as TPSIM did (model/sim/simulate.hpp) and prints
// every metric of the analytic report with its 95 % confidence interval and how it was obtained.
//
// Contract: run_model_simulation() prints the result to `out` as a table, JSON or CSV and returns
// the exit code: 0 when the requested precision was reached, 1 when results were printed but the
// run stopped at a limit or the system saturated (a warning on stderr says which). Bad input
// (unreadable file, invalid model, bad --set) and impossible runs (unstable model, zero arrival
// rate, limits too short to pass the warm-up) throw io::InputError (exit 2) with a clear reason. A
// progress line goes to stderr only when stderr is a terminal. The `tpeval simulate` command calls
// it for files that is_transaction_model() recognises and when no file is given.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <limits>
#include <string>
#include <vector>

#include "model/description.hpp"
#include "model/sim/simulate.hpp"
#include "solver/des/network_simulation.hpp"

namespace tpeval::cli {

struct ModelSimulationArgs {
  std::string file;               ///< model JSON file; empty = embedded default
  std::vector<std::string> sets;  ///< --set PATH=VALUE, applied in order
  std::uint64_t seed = 1;
  double precision = 0.02;
  double confidence = 0.95;
  double max_time_s = std::numeric_limits<double>::infinity();  ///< inf = 3600 s
  double min_time_s = 0.0;
  std::uint64_t max_events = 1'000'000'000;
  int replications = 1;
  int jobs = 0;  ///< threads for replications (0: all cores)
  std::string format = "table";
  bool warm_start = false;  ///< model::sim::TxSimOptions::warm_start
};

/// True when `document` is a transaction-system model (top-level "nodes", "database" or
/// "workload"), false for a queueing network in the `tpeval solve` format.
bool is_transaction_model(const nlohmann::json& document);

/// The model of `file` (or the default) with every "PATH=VALUE" of `sets` applied, validated.
model::SystemModel load_model_with_sets(const std::string& file,
                                        const std::vector<std::string>& sets);

/// The simulators' progress callback: one line on stderr starting with `prefix`, redrawn in
/// place each round; empty (no progress) when stderr is not a terminal. Shared by the network and
/// the model path of `tpeval simulate` and by `tpeval validate`.
std::function<void(const solver::des::SimulationProgress&)> terminal_progress(std::string prefix);

/// The simulation options the arguments ask for (progress on stderr when it is a terminal).
model::sim::TxSimOptions simulation_options(const ModelSimulationArgs& args);

/// Simulates the model `args` name and prints the report; returns the exit code (see above).
int run_model_simulation(const ModelSimulationArgs& args, std::ostream& out);

/// The report as JSON: the metrics by their registry names (model/metrics_registry.hpp) with
/// unit, mean and half_width, plus a "simulation" object (method).
nlohmann::json simulation_report_json(const model::SystemModel& model,
                                      const model::sim::TxSimReport& report);

}  // namespace tpeval::cli
