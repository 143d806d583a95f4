// The simulation step (see simulation_step.hpp): adapts model/sim/simulate.hpp to the study
// runner. Metric names and how the simulator obtains each are the metric registry's
// (model/metrics_registry.hpp): sums of simulated counters get the sum of the half-widths, and
// system-wide per-transaction metrics are measured only for models with one transaction type.
#include "model/study/simulation_step.hpp"

#include <functional>

#include "model/metrics_registry.hpp"
#include "model/sim/simulate.hpp"
#include "solver/des/network_simulation.hpp"
#include "solver/io/json_input.hpp"

namespace tpeval::model::study {
namespace {

using sim::TxSimReport;

std::optional<Estimate> simulated_metric(const SystemModel& model, const TxSimReport& r,
                                         const std::string& name) {
  const auto v = model::simulated_metric(SimulationView{model, r}, name);
  if (!v) return std::nullopt;
  return Estimate{v->mean, v->half_width};
}

SimulatedPoint simulate_point(const SystemModel& model, const SimulationSettings& settings,
                              const std::vector<std::string>& metrics) {
  sim::TxSimOptions o;
  o.seed = settings.seed;  // the same seed at every point: common random numbers
  o.precision = settings.precision;
  o.max_time_s = settings.max_time_s;
  o.max_wall_time_s = settings.max_wall_time_s;
  o.warm_start = settings.warm_start;
  o.threads = 1;  // the runner already runs one point per core
  SimulatedPoint p;
  TxSimReport report;
  try {
    report = sim::simulate_transactions(model, o);
  } catch (const io::InputError& e) {
    // The model passed parse_model() and the analytic evaluation, so this is the simulator
    // refusing what it does not support (e.g. several nodes): the point is "not simulated",
    // not a failed study (docs/studies.md).
    p.not_simulated = (e.path().empty() ? std::string() : e.path() + ": ") + e.reason();
    return p;
  } catch (const solver::des::SimulationError& e) {
    const std::string why = e.what();
    if (why.rfind("unstable model", 0) == 0) {
      // Offered load at or above some server's capacity: no steady state to simulate.
      p.saturated = true;
      p.bottleneck = why;
    } else {
      // The limits stopped the run before it could form intervals: no estimate at this point
      // (the checks treat its metrics as not measured), which is not saturation.
      p.bottleneck = "no estimate: " + why;
    }
    return p;
  }
  if (report.saturated) {
    p.saturated = true;
    p.bottleneck = report.saturation_reason;
    return p;
  }
  for (const auto& m : metrics)
    if (const auto e = simulated_metric(model, report, m)) p.metrics[m] = *e;
  return p;
}

}  // namespace

std::optional<Simulator> transaction_simulator() {
  return Simulator(simulate_point);
}

}  // namespace tpeval::model::study
