// The simulation step (see simulation_step.hpp): adapts model/sim/simulate.hpp to the study
// runner. Metric names map onto the simulator's report, which names its metrics as the analytic
// report does (model/sim/metrics.hpp); times become ms and ratios percent, as in
// model/study/metrics.cpp. Sums of simulated metrics (l2_hit_pct, total_hit_pct, io_delay_ms, ...)
// get the sum of the half-widths: a conservative interval, since the parts are correlated.
// Per-transaction metrics are taken from the transaction type when the model has exactly one;
// with several types they are left out (the analytic column still has them).
#include "model/study/simulation_step.hpp"

#include <functional>

#include "model/sim/simulate.hpp"
#include "solver/des/network_simulation.hpp"

namespace tpeval::model::study {
namespace {

using sim::TxSimReport;

std::optional<Estimate> get(const TxSimReport& r, const std::string& section,
                            const std::string& owner, const std::string& metric, double scale) {
  const auto* m = r.find(section, owner, metric);
  if (!m) return std::nullopt;
  return Estimate{scale * m->estimate.mean, scale * m->estimate.half_width};
}

std::optional<Estimate> sum(const std::vector<std::optional<Estimate>>& parts,
                            double sign_last = 1.0) {
  Estimate total;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (!parts[i]) return std::nullopt;
    const double sign = i + 1 == parts.size() ? sign_last : 1.0;
    total.mean += sign * parts[i]->mean;
    total.half_width += parts[i]->half_width;
  }
  return total;
}

std::optional<Estimate> simulated_metric(const SystemModel& model, const TxSimReport& r,
                                         const std::string& name) {
  const std::string& sys = r.model_name;
  const auto colon = name.find(':');
  if (colon != std::string::npos) {
    const std::string prefix = name.substr(0, colon), which = name.substr(colon + 1);
    if (prefix == "utilization") return get(r, "server", which, "utilization", 100.0);
    const std::string ratio = prefix == "hs_hit_pct"   ? "hs_hit_ratio"
                              : prefix == "eh_hit_pct" ? "eh_hit_ratio"
                                                       : "dc_hit_ratio";
    return get(r, "partition", which, ratio, 100.0);
  }
  if (name == "response_time_ms") return get(r, "system", sys, "mean_response_time_s", 1000.0);
  if (name == "throughput_per_s") return get(r, "system", sys, "throughput_per_s", 1.0);
  if (name == "cpu_utilization_pct") return get(r, "server", "cpu", "utilization", 100.0);
  if (name == "hs_hit_pct") return get(r, "system", sys, "hs_hit_ratio", 100.0);
  if (name == "eh_hit_pct") return get(r, "system", sys, "eh_hit_ratio", 100.0);
  if (name == "dc_hit_pct") return get(r, "system", sys, "dc_hit_ratio", 100.0);
  if (name == "l2_hit_pct")
    return sum({get(r, "system", sys, "eh_hit_ratio", 100.0),
                get(r, "system", sys, "dc_hit_ratio", 100.0)});
  if (name == "total_hit_pct")
    return sum({get(r, "system", sys, "hs_hit_ratio", 100.0),
                get(r, "system", sys, "eh_hit_ratio", 100.0),
                get(r, "system", sys, "dc_hit_ratio", 100.0)});
  if (name == "conflict_probability") return get(r, "system", sys, "conflict_probability", 1.0);
  if (name == "mean_active_transactions")
    return get(r, "system", sys, "mean_active_transactions", 1.0);
  if (model.transaction_types.size() != 1) return std::nullopt;
  const std::string& t = model.transaction_types.front().name;
  const auto type = [&](const std::string& metric, double scale = 1.0) {
    return get(r, "type", t, metric, scale);
  };
  if (name == "page_misses_per_tx") return type("page_misses");
  if (name == "reads_per_tx") return type("reads");
  if (name == "device_reads_per_tx") return type("device_reads");
  if (name == "victim_writes_per_tx") return type("victim_writes");
  if (name == "force_writes_per_tx") return type("force_writes");
  if (name == "log_writes_per_tx") return type("log_writes");
  if (name == "synchronous_writes_per_tx") return type("synchronous_writes");
  if (name == "asynchronous_writes_per_tx") return type("asynchronous_writes");
  if (name == "writes_per_tx")
    return sum({type("synchronous_writes"), type("asynchronous_writes")});
  if (name == "ios_per_tx") return type("io_operations");
  if (name == "db_ios_per_tx") return sum({type("io_operations"), type("log_writes")}, -1.0);
  if (name == "eh_accesses_per_tx") return type("eh_accesses");
  if (name == "cpu_ms") return sum({type("cpu_service_s", 1000.0), type("cpu_wait_s", 1000.0)});
  if (name == "cpu_service_ms") return type("cpu_service_s", 1000.0);
  if (name == "cpu_wait_ms") return type("cpu_wait_s", 1000.0);
  if (name == "commit_io_ms") return type("commit_io_s", 1000.0);
  if (name == "lock_wait_ms") return type("lock_wait_s", 1000.0);
  if (name == "input_queue_ms") return type("input_queue_s", 1000.0);
  if (name == "io_delay_ms") {
    std::vector<std::optional<Estimate>> parts = {type("extended_memory_s", 1000.0),
                                                  type("commit_io_s", 1000.0)};
    for (const auto& pool : model.storage.devices)
      parts.push_back(type("io_s." + pool.name, 1000.0));
    return sum(parts);
  }
  return std::nullopt;  // saturated, max_throughput_per_s, io_delay_share_pct: analytic only
}

SimulatedPoint simulate_point(const SystemModel& model, const SimulationSettings& settings,
                              const std::vector<std::string>& metrics) {
  sim::TxSimOptions o;
  o.seed = settings.seed;  // the same seed at every point: common random numbers
  o.precision = settings.precision;
  o.max_time_s = settings.max_time_s;
  o.max_wall_time_s = settings.max_wall_time_s;
  o.threads = 1;  // the runner already runs one point per core
  SimulatedPoint p;
  TxSimReport report;
  try {
    report = sim::simulate_transactions(model, o);
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
