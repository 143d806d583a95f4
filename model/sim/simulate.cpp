// Stop rule, replications and interval estimation of the transaction simulator (see simulate.hpp).
#include "model/sim/simulate.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <memory>
#include <span>
#include <string>
#include <utility>

#include "model/buffer_model.hpp"
#include "model/cluster_buffer.hpp"
#include "model/cluster_demand.hpp"
#include "model/device_demand.hpp"
#include "model/input_limits.hpp"
#include "model/routing.hpp"
#include "model/sim/metrics.hpp"
#include "model/sim/page_directory.hpp"
#include "model/sim/saturation.hpp"
#include "model/sim/server_limits.hpp"
#include "model/sim/transaction_engine.hpp"
#include "solver/des/replication.hpp"
#include "solver/des/run_until_precise.hpp"
#include "solver/io/json_input.hpp"

namespace tpeval::model::sim {

namespace des = solver::des;

const SimulatedMetric* TxSimReport::find(const std::string& section, const std::string& owner,
                                         const std::string& metric) const {
  for (const SimulatedMetric& m : metrics)
    if (m.section == section && m.owner == owner && m.metric == metric) return &m;
  return nullptr;
}

namespace {

std::string number(double v) {
  return fmt::format("{:.4g}", v);
}

struct ClassDemands {
  DemandModel demands;
  std::vector<double> rate_per_s;  ///< per class (type x node)
};

ClassDemands class_demands(const SystemModel& model) {
  ClassDemands out;
  const auto routing = routing_fractions(model);
  if (model.nodes.size() == 1) {
    out.demands = build_demands(model, evaluate_buffers(model));
  } else {
    const auto buffers = evaluate_cluster_buffers(model, routing);
    out.demands = build_demands(model, buffers, routing);
    add_cluster_work(model, buffers, routing, out.demands);
  }
  for (const TypeDemand& d : out.demands.types)
    out.rate_per_s.push_back(model.type_arrival_rate_per_s(d.type) * routing[d.type][d.node]);
  return out;
}

/// Refuses a model whose offered load reaches the capacity of a server (no steady state): the
/// per-transaction service demands of model/device_demand.hpp (and model/cluster_demand.hpp),
/// which follow the same rules.
void check_capacity(const SystemModel& model) {
  const ClassDemands cd = class_demands(model);
  const DemandModel& demands = cd.demands;
  for (std::size_t k = 0; k < demands.stations.size(); ++k) {
    const Station& st = demands.stations[k];
    if (st.servers <= 0) continue;
    double offered = 0.0;
    for (std::size_t c = 0; c < demands.types.size(); ++c) {
      offered += cd.rate_per_s[c] * station_demand_ms(demands, demands.types[c], k) / 1000.0;
    }
    if (offered >= st.servers) {
      // Never "inf" (issue #16): an overflowing load is named as such.
      const std::string load = std::isfinite(offered)
                                   ? number(offered) + " busy servers but it has " +
                                         std::to_string(st.servers) + " (utilization " +
                                         number(100.0 * offered / st.servers) + " %)"
                                   : "beyond the double range";
      throw des::SimulationError("unstable model: the offered load of server '" + st.name +
                                 "' is " + load + "; no steady state exists at arrival rate " +
                                 number(model.arrival_rate_per_s) +
                                 "/s. Lower workload.arrival_rate_per_s or add capacity.");
    }
  }
}

/// What the simulator does not model in a cluster, refused with the path and the reason.
void check_cluster(const SystemModel& model) {
  // The model refuses larger clusters up front (model/input_limits.hpp); this stays as the
  // directory's own guard.
  static_assert(PageDirectory::kMaxNodes >= kMaxNodes);
  const std::size_t n = model.nodes.size();
  if (n < 2) return;
  if (n > static_cast<std::size_t>(PageDirectory::kMaxNodes))
    throw io::InputError("cluster.nodes", "the transaction simulator runs at most " +
                                              std::to_string(PageDirectory::kMaxNodes) +
                                              " nodes, not " + std::to_string(n));
}

/// The engine as the run-until-precise driver sees it (solver/des/replication.hpp): the narrow
/// interface through which the driver advances it and reads its interval counters.
class EngineReplication final : public des::Replication {
 public:
  explicit EngineReplication(TransactionEngine& engine, std::size_t counters)
      : engine_(engine), counters_(counters) {}
  des::ReplicationStatus advance(double horizon_s, std::uint64_t max_events,
                                 des::IntervalSeries& rows) override {
    const EngineStatus status = engine_.advance(horizon_s, max_events);
    const std::vector<double>& counters = engine_.counters();
    for (; taken_ < engine_.intervals(); ++taken_)
      rows.append(std::span<const double>(counters).subspan(taken_ * counters_, counters_));
    switch (status) {
      case EngineStatus::running:
        return des::ReplicationStatus::running;
      case EngineStatus::saturated:
        return des::ReplicationStatus::stopped;
      case EngineStatus::event_budget:
        return des::ReplicationStatus::event_budget;
    }
    return des::ReplicationStatus::running;
  }
  std::size_t counters() const override { return counters_; }
  /// The buffer warm-up: no interval counts before every buffer level has been turned over.
  std::size_t first_steady_interval() const override { return engine_.warm_intervals(); }
  std::uint64_t events() const override { return engine_.events(); }
  double now_s() const override { return engine_.now_s(); }

 private:
  TransactionEngine& engine_;
  std::size_t counters_;
  std::size_t taken_ = 0;
};

/// Arrivals per second to size the observation interval: the arrival rate, or for terminals
/// N / (Z + 50 ms), their rate if a transaction took 50 ms (an upper estimate for the book's
/// systems; the interval only needs to hold a few completions).
double nominal_rate_per_s(const SystemModel& model) {
  if (!model.terminals) return model.arrival_rate_per_s;
  return static_cast<double>(model.terminals->count) /
         (model.terminals->think_time_ms / 1000.0 + 0.05);
};

/// The driver's settings for the transaction simulator: the stop rule's stopping metrics are
/// those MetricLayout marks; warm-up and independence look at transactions in the system.
des::PrecisionSettings precision_settings(const TxSimOptions& o, double interval_s) {
  des::PrecisionSettings s;
  s.precision = o.precision;
  s.confidence = o.confidence;
  s.batches = o.batches;
  s.threads = o.threads;
  s.interval_s = interval_s;
  s.min_time_s = o.min_time_s;
  s.max_time_s = o.max_time_s;
  s.max_events = o.max_events;
  s.max_wall_time_s = o.max_wall_time_s;
  s.layout.time_counter = sc_time_s;
  s.layout.congestion = {{sc_in_system_area}};
  s.progress = o.progress;
  return s;
}

std::vector<des::Measure> measures_of(const MetricLayout& layout) {
  std::vector<des::Measure> out;
  for (const MetricDefinition& d : layout.metrics())
    out.push_back({{static_cast<std::size_t>(d.numerator)},
                   static_cast<std::size_t>(d.denominator),
                   d.scale,
                   d.stopping,
                   d.counts});
  return out;
}

std::string stop_text(const des::PreciseRun& run, const TxSimOptions& o) {
  switch (run.cause) {
    case des::StopCause::precision:
      return "precision reached";
    case des::StopCause::event_limit:
      return "event limit of " + std::to_string(o.max_events) + " reached";
    case des::StopCause::wall_time_limit:
      return "wall-time limit of " + number(o.max_wall_time_s) + " s reached";
    case des::StopCause::time_limit:
    case des::StopCause::model_stop:
      break;
  }
  return "max time of " + number(o.max_time_s) + " simulated s reached";
}

/// Metrics, interval provenance and stop reason of a run that was not saturated.
void fill_report(const des::PreciseRun& run, const MetricLayout& layout, const TxSimOptions& o,
                 TxSimReport& report) {
  for (std::size_t i = 0; i < run.estimates.size(); ++i) {
    const MetricDefinition& d = layout.metrics()[i];
    report.metrics.push_back({d.section, d.owner, d.metric, run.estimates[i]});
  }
  report.batches = o.replications == 1 ? run.batches : 0;
  report.degrees_of_freedom = run.degrees_of_freedom;
  report.observation_interval_s = run.observation_interval_s;
  double truncated = 0.0;
  for (double t : run.truncated_time_s) truncated += t;
  report.truncated_time_s = truncated / static_cast<double>(run.truncated_time_s.size());
  report.events = run.events;
  report.precision_reached = run.precision_reached;
  report.widest_relative_half_width = run.widest_relative_half_width;
  if (run.widest_measure >= 0) {
    const MetricDefinition& d = layout.metrics()[static_cast<std::size_t>(run.widest_measure)];
    report.widest_measure = d.metric + " of " + d.section + " '" + d.owner + "'";
  }
  report.stop_reason = stop_text(run, o);
  if (run.cause != des::StopCause::precision)
    report.stop_reason +=
        " before the precision of " + number(100.0 * o.precision) + " % (widest interval +-" +
        number(100.0 * run.widest_relative_half_width) + " % on " + report.widest_measure + ")";
}

/// A saturated run: the busiest server or the lock-thrashing partition, from the second half of
/// the first replication (the backlog has built up there).
void mark_saturated(const SystemModel& model, const MetricLayout& layout,
                    const TransactionEngine& e, const TxSimOptions& o, TxSimReport& report) {
  report.saturated = true;
  report.bottleneck =
      saturation_bottleneck(model, layout, e.counters(), e.intervals() / 2, e.intervals());
  report.saturation_reason =
      "more than " + std::to_string(o.max_population) + " transactions in the system at " +
      number(report.simulated_time_s) + " s: the system does not keep up with " +
      number(model.arrival_rate_per_s) + " arrivals/s; bottleneck: " + report.bottleneck;
  report.stop_reason = report.saturation_reason;
}

/// The engine intervals a replication's estimates use: after the warm-up the driver removed.
struct Observation {
  std::size_t first = 0;  ///< first observed interval
  std::size_t count = 0;  ///< observed intervals
};

std::vector<Observation> observations(
    const des::PreciseRun& run, const std::vector<std::unique_ptr<TransactionEngine>>& engines,
    double interval_s) {
  std::vector<Observation> out;
  for (std::size_t r = 0; r < engines.size(); ++r) {
    const std::size_t n = engines[r]->intervals();
    const double cut_s = r < run.truncated_time_s.size() ? run.truncated_time_s[r] : 0.0;
    const auto first = std::min(n, static_cast<std::size_t>(std::llround(cut_s / interval_s)));
    out.push_back({first, n - first});
  }
  return out;
}

/// Response-time percentiles per type and over all types (model/sim/response_histogram.hpp):
/// one quantile per batch of the observed intervals, or per replication.
void add_percentiles(const SystemModel& model,
                     const std::vector<std::unique_ptr<TransactionEngine>>& engines,
                     const std::vector<Observation>& obs, const TxSimOptions& options,
                     TxSimReport& report) {
  std::vector<ResponseHistogram::Bins> batches;
  if (engines.size() == 1)
    batches = batch_histograms(engines[0]->response_histogram(), obs[0].first,
                               obs[0].first + obs[0].count, options.batches);
  else
    for (std::size_t r = 0; r < engines.size(); ++r)
      batches.push_back(merge_blocks(engines[r]->response_histogram(), obs[r].first,
                                     obs[r].first + obs[r].count));
  for (const auto& pe :
       response_percentiles(batches, model.transaction_types.size(), options.confidence)) {
    const bool all = pe.type < 0;
    report.metrics.push_back(
        {all ? "system" : "type",
         all ? model.name : model.transaction_types[static_cast<std::size_t>(pe.type)].name,
         percentile_metric_name(pe.p), pe.estimate});
  }
}

}  // namespace

TxSimReport simulate_transactions(const SystemModel& model, const TxSimOptions& options) {
  const auto wall_start = std::chrono::steady_clock::now();
  if (options.replications < 1) throw des::SimulationError("replications must be >= 1");
  if (!model.terminals && !(model.arrival_rate_per_s > 0.0))
    throw des::SimulationError(
        "the arrival rate is zero: no transaction would ever arrive, so there is nothing to "
        "simulate (set workload.arrival_rate_per_s > 0)");
  check_cluster(model);
  // A closed workload is always stable: at most one transaction per terminal.
  if (options.check_capacity && !model.terminals) check_capacity(model);
  check_id_limits(model);          // packed page/lock ids (reference_generator.hpp)
  check_simulated_servers(model);  // one resource per disk (server_limits.hpp)
  // The page buffers are exact LRU lists (solver/cache/lru_buffer.hpp) of fewer than 2^31 pages.
  const Storage& storage = model.storage;
  constexpr long kMaxPages = (1L << 31) - 1;
  long hs_pages = 0;
  for (const Node& node : model.nodes) hs_pages = std::max(hs_pages, node.buffer_pages);
  const std::pair<const char*, long> buffers[] = {
      {"nodes[0].buffer.pages", hs_pages},
      {"nodes[0].extended_memory.buffer_pages", storage.extended_memory.buffer_pages},
      {"nodes[0].disk_cache.pages", storage.disk_cache.pages}};
  for (const auto& [path, pages] : buffers)
    if (pages >= kMaxPages)
      throw io::InputError(path, "the simulator holds at most 2^31 - 2 pages per buffer, not " +
                                     std::to_string(pages));

  const MetricLayout layout(model);
  const std::size_t nc = layout.counter_count();
  EngineSettings settings;
  settings.service_scv = options.service_scv;
  settings.max_population = options.max_population;
  settings.warm_start = options.warm_start;
  settings.interval_s = options.interval_s > 0.0
                            ? options.interval_s
                            : std::clamp(20.0 / nominal_rate_per_s(model), 0.005, 2.0);
  const int reps = options.replications;
  std::vector<std::unique_ptr<TransactionEngine>> engines;
  std::vector<std::unique_ptr<EngineReplication>> adapters;
  std::vector<des::Replication*> replications;
  for (int r = 0; r < reps; ++r) {
    engines.push_back(
        std::make_unique<TransactionEngine>(model, layout, settings, options.seed, r));
    adapters.push_back(std::make_unique<EngineReplication>(*engines.back(), nc));
    replications.push_back(adapters.back().get());
  }

  TxSimReport report;
  report.model_name = model.name;
  report.arrival_rate_per_s = model.arrival_rate_per_s;
  report.replications = reps;
  report.confidence = options.confidence;
  report.interval_method = reps == 1 ? "batch means" : "independent replications";
  if (options.warm_start)
    report.warmup_method = "buffers filled before the start + " + report.warmup_method;
  const std::vector<des::Measure> measures = measures_of(layout);
  const des::PreciseRun run = des::run_until_precise(
      replications, measures, precision_settings(options, settings.interval_s));
  report.simulated_time_s = engines.front()->now_s();
  report.events = run.events;
  if (run.cause == des::StopCause::model_stop) {
    fill_report(run, layout, options, report);
    report.precision_reached = false;
    mark_saturated(model, layout, *engines.front(), options, report);
  } else if (!run.estimable) {
    bool warm = true;
    for (const auto& e : engines) warm = warm && e->warm_intervals() < e->intervals();
    throw des::SimulationError(
        stop_text(run, options) + ": too short to " +
        (warm ? std::string("form confidence intervals")
              : std::string("get past the warm-up (the buffers were not yet turned over)")) +
        " after " + number(report.simulated_time_s) +
        " simulated s; raise --max-time (or the event / wall-time limits)");
  } else {
    fill_report(run, layout, options, report);
  }
  if (!report.metrics.empty())
    add_percentiles(model, engines, observations(run, engines, settings.interval_s), options,
                    report);
  for (const auto& e : engines) report.transactions += e->completed_transactions();
  report.wall_time_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  return report;
}

}  // namespace tpeval::model::sim
