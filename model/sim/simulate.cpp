// Stop rule, replications and interval estimation of the transaction simulator (see simulate.hpp).
#include "model/sim/simulate.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <memory>
#include <string>
#include <utility>

#include "model/buffer_model.hpp"
#include "model/device_demand.hpp"
#include "model/sim/metrics.hpp"
#include "model/sim/saturation.hpp"
#include "model/sim/server_limits.hpp"
#include "model/sim/transaction_engine.hpp"
#include "solver/io/json_input.hpp"
#include "solver/parallel/parallel_for.hpp"

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

/// Refuses a model whose offered load reaches the capacity of a server (no steady state): the
/// per-transaction service demands of model/device_demand.hpp, which follow the same rules.
void check_capacity(const SystemModel& model) {
  const BufferLevels buffers = evaluate_buffers(model);
  const DemandModel demands = build_demands(model, buffers);
  for (std::size_t k = 0; k < demands.stations.size(); ++k) {
    const Station& st = demands.stations[k];
    if (st.servers <= 0) continue;
    double offered = 0.0;
    for (std::size_t t = 0; t < demands.types.size(); ++t) {
      double load_ms = demands.types[t].load_ms[k];
      if (static_cast<int>(k) == demands.cpu)
        load_ms += (demands.types[t].cpu_instructions[0] + demands.types[t].cpu_instructions[1]) *
                   demands.ms_per_instruction;
      offered += model.type_arrival_rate_per_s(t) * load_ms / 1000.0;
    }
    if (offered >= st.servers)
      throw des::SimulationError(
          "unstable model: the offered load of server '" + st.name + "' is " + number(offered) +
          " busy servers but it has " + std::to_string(st.servers) + " (utilization " +
          number(100.0 * offered / st.servers) + " %); no steady state exists at arrival rate " +
          number(model.arrival_rate_per_s) +
          "/s. Lower workload.arrival_rate_per_s or add capacity.");
  }
}

struct Observation {
  std::size_t first = 0;  ///< first observed interval
  std::size_t count = 0;  ///< observed intervals
  bool ready = false;
};

/// Warm-up of one replication: the engine's buffer warm-up, then MSER-5 on the mean number of
/// transactions in the system per interval (White 1997; peers-and-formulas.md §2 #13).
Observation observe(const TransactionEngine& e, std::size_t counters) {
  Observation o;
  const std::size_t n = e.intervals();
  const std::size_t warm = e.warm_intervals();
  if (warm >= n) return o;
  std::vector<double> series;
  series.reserve(n - warm);
  const auto& rows = e.counters();
  for (std::size_t i = warm; i < n; ++i)
    series.push_back(rows[i * counters + sc_in_system_area] / rows[i * counters + sc_time_s]);
  const des::Mser5Result m = des::mser5_truncation(series);
  // An unreliable MSER-5 point (in the second half) means the run is still too short; estimates
  // made at a limit then drop the first half of the post-warm-up series.
  o.first = warm + (m.reliable ? m.truncated : series.size() / 2);
  o.count = n - o.first;
  o.ready = m.reliable;
  return o;
}

}  // namespace

TxSimReport simulate_transactions(const SystemModel& model, const TxSimOptions& options) {
  const auto wall_start = std::chrono::steady_clock::now();
  if (!(options.precision > 0.0)) throw des::SimulationError("precision must be positive");
  if (options.replications < 1) throw des::SimulationError("replications must be >= 1");
  if (options.batches < 2) throw des::SimulationError("batches must be >= 2");
  if (!(options.max_time_s > 0.0)) throw des::SimulationError("max time must be positive");
  if (!(model.arrival_rate_per_s > 0.0))
    throw des::SimulationError(
        "the arrival rate is zero: no transaction would ever arrive, so there is nothing to "
        "simulate (set workload.arrival_rate_per_s > 0)");
  // The transaction simulator runs one node; a cluster is evaluated analytically only until
  // the multi-node simulator exists (docs/cluster.md "Limits").
  if (model.nodes.size() > 1)
    throw io::InputError("cluster.nodes",
                         "the transaction simulator runs one node, not " +
                             std::to_string(model.nodes.size()) +
                             "; multi-node models are evaluated analytically (tpeval eval, "
                             "tpeval whatif)");
  if (options.check_capacity) check_capacity(model);
  check_id_limits(model);          // packed page/lock ids (reference_generator.hpp)
  check_simulated_servers(model);  // one resource per disk (server_limits.hpp)
  // The page buffers are exact LRU lists (solver/cache/lru_buffer.hpp) of fewer than 2^31 pages.
  const Node& node = model.nodes.front();
  const Storage& storage = model.storage;
  constexpr long kMaxPages = (1L << 31) - 1;
  const std::pair<const char*, long> buffers[] = {
      {"nodes[0].buffer.pages", node.buffer_pages},
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
  settings.interval_s = options.interval_s > 0.0
                            ? options.interval_s
                            : std::clamp(20.0 / model.arrival_rate_per_s, 0.005, 2.0);
  const int reps = options.replications;
  std::vector<std::unique_ptr<TransactionEngine>> engines;
  for (int r = 0; r < reps; ++r)
    engines.push_back(
        std::make_unique<TransactionEngine>(model, layout, settings, options.seed, r));
  const int threads = solver::resolve_thread_count(options.threads);
  const std::uint64_t events_per_rep = std::max<std::uint64_t>(1, options.max_events / reps);

  TxSimReport report;
  report.model_name = model.name;
  report.arrival_rate_per_s = model.arrival_rate_per_s;
  report.replications = reps;
  report.confidence = options.confidence;
  report.observation_interval_s = settings.interval_s;
  report.interval_method = reps == 1 ? "batch means" : "independent replications";

  const std::size_t min_observed = reps == 1 ? static_cast<std::size_t>(4 * options.batches) : 20;
  double horizon = std::min(options.max_time_s, settings.interval_s * 2.0 * min_observed);
  std::vector<EngineStatus> status(static_cast<std::size_t>(reps), EngineStatus::running);
  std::vector<Observation> obs(static_cast<std::size_t>(reps));
  int round = 0;
  for (;;) {
    ++round;
    solver::parallel_for(engines.size(), threads, [&](std::size_t r) {
      status[r] = engines[r]->advance(horizon, events_per_rep);
    });
    std::uint64_t events = 0;
    bool saturated = false, budget = false, ready = true;
    for (std::size_t r = 0; r < engines.size(); ++r) {
      events += engines[r]->events();
      saturated = saturated || status[r] == EngineStatus::saturated;
      budget = budget || status[r] == EngineStatus::event_budget;
      obs[r] = observe(*engines[r], nc);
      const double observed_s = static_cast<double>(obs[r].count) * settings.interval_s;
      ready =
          ready && obs[r].ready && obs[r].count >= min_observed && observed_s >= options.min_time_s;
    }
    report.events = events;
    report.simulated_time_s = engines.front()->now_s();
    const double wall =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();

    // Estimates from what is there (needed for the stop rule and for every way of stopping).
    report.metrics.clear();
    report.widest_relative_half_width = 0.0;
    report.widest_measure.clear();
    bool estimable = true;
    for (std::size_t r = 0; r < engines.size(); ++r)
      estimable =
          estimable && obs[r].count >= (reps == 1 ? static_cast<std::size_t>(options.batches) : 1);
    if (estimable) {
      std::vector<double> num, den;
      std::size_t batch = 0, skip = 0;
      if (reps == 1) {
        batch = obs[0].count / static_cast<std::size_t>(options.batches);
        skip = obs[0].count % static_cast<std::size_t>(options.batches);
      }
      for (const MetricDefinition& d : layout.metrics()) {
        num.clear();
        den.clear();
        if (reps == 1) {
          const auto& rows = engines[0]->counters();
          const std::size_t start = obs[0].first + skip;
          for (int b = 0; b < options.batches; ++b) {
            double sn = 0.0, sd = 0.0;
            for (std::size_t i = 0; i < batch; ++i) {
              const std::size_t row = (start + static_cast<std::size_t>(b) * batch + i) * nc;
              sn += rows[row + static_cast<std::size_t>(d.numerator)];
              sd += rows[row + static_cast<std::size_t>(d.denominator)];
            }
            num.push_back(sn);
            den.push_back(sd);
          }
        } else {
          for (std::size_t r = 0; r < engines.size(); ++r) {
            const auto& rows = engines[r]->counters();
            double sn = 0.0, sd = 0.0;
            for (std::size_t i = obs[r].first; i < obs[r].first + obs[r].count; ++i) {
              sn += rows[i * nc + static_cast<std::size_t>(d.numerator)];
              sd += rows[i * nc + static_cast<std::size_t>(d.denominator)];
            }
            num.push_back(sn);
            den.push_back(sd);
          }
        }
        double total_den = 0.0;
        for (double v : den) total_den += v;
        des::Estimate e;
        e.degrees_of_freedom = static_cast<int>(num.size()) - 1;
        if (total_den > 0.0) e = des::ratio_interval(num, den, options.confidence);
        e.mean *= d.scale;
        e.half_width *= d.scale;
        if (!std::isfinite(e.half_width)) e.half_width = 0.0;
        report.degrees_of_freedom = e.degrees_of_freedom;
        if (d.stopping) {
          const double rel = e.mean != 0.0 ? e.half_width / std::abs(e.mean) : 0.0;
          if (rel >= report.widest_relative_half_width) {
            report.widest_relative_half_width = rel;
            report.widest_measure = d.metric + " of " + d.section + " '" + d.owner + "'";
          }
        }
        report.metrics.push_back({d.section, d.owner, d.metric, e});
      }
      report.batches = reps == 1 ? options.batches : 0;
      double truncated = 0.0;
      for (const Observation& o : obs) truncated += static_cast<double>(o.first);
      report.truncated_time_s = truncated / reps * settings.interval_s;
    }
    if (options.progress)
      options.progress(des::SimulationProgress{round, report.simulated_time_s, events,
                                               report.widest_relative_half_width,
                                               options.precision});

    const bool precise =
        ready && estimable && report.widest_relative_half_width <= options.precision;
    std::string stop;
    if (saturated) {
      report.saturated = true;
      // Name the bottleneck from the second half of the run (the backlog has built up there).
      const TransactionEngine& e = *engines.front();
      report.bottleneck =
          saturation_bottleneck(model, layout, e.counters(), e.intervals() / 2, e.intervals());
      report.saturation_reason =
          "more than " + std::to_string(options.max_population) +
          " transactions in the system at " + number(report.simulated_time_s) +
          " s: the system does not keep up with " + number(model.arrival_rate_per_s) +
          " arrivals/s; bottleneck: " + report.bottleneck;
      stop = report.saturation_reason;
    } else if (precise) {
      report.precision_reached = true;
      stop = "precision reached";
    } else if (budget) {
      stop = "event limit of " + std::to_string(options.max_events) + " reached";
    } else if (wall >= options.max_wall_time_s) {
      stop = "wall-time limit of " + number(options.max_wall_time_s) + " s reached";
    } else if (horizon >= options.max_time_s) {
      stop = "max time of " + number(options.max_time_s) + " simulated s reached";
    }
    if (!stop.empty()) {
      report.stop_reason = stop;
      if (!report.precision_reached && !report.saturated) {
        report.stop_reason += " before the precision of " + number(100.0 * options.precision) +
                              " % (widest interval +-" +
                              number(100.0 * report.widest_relative_half_width) + " % on " +
                              report.widest_measure + ")";
      }
      if (!estimable && !report.saturated) {
        bool warm = true;
        for (const auto& e : engines) warm = warm && e->warm_intervals() < e->intervals();
        throw des::SimulationError(
            report.stop_reason.substr(0, stop.size()) + ": too short to " +
            (warm ? std::string("form confidence intervals")
                  : std::string("get past the warm-up (the buffers were not yet turned over)")) +
            " after " + number(report.simulated_time_s) +
            " simulated s; raise --max-time (or the event / wall-time limits)");
      }
      break;
    }
    // Next round: grow geometrically so the analysis costs O(log) rounds.
    horizon = std::min(options.max_time_s, horizon * 1.6);
  }
  for (const auto& e : engines) report.transactions += e->completed_transactions();
  report.wall_time_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  return report;
}

}  // namespace tpeval::model::sim
