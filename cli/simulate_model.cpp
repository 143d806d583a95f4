// `tpeval simulate [MODEL.json]` for transaction-system models (see simulate_model.hpp).
#include "cli/simulate_model.hpp"

#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <iostream>
#include <utility>

#include "cli/command.hpp"
#include "cli/format.hpp"
#include "model/document.hpp"
#include "model/metrics_registry.hpp"
#include "model/overrides.hpp"
#include "model/parse.hpp"
#include "solver/des/network_simulation.hpp"
#include "solver/io/json_input.hpp"

namespace tpeval::cli {

namespace {

void print_how(const model::sim::TxSimReport& r, std::ostream& out) {
  out << "How: " << r.interval_method;
  if (r.replications > 1)
    out << " (" << r.replications << " replications)";
  else
    out << " (" << r.batches << " batches)";
  out << ", Student-t " << percent(r.confidence, 0) << " % intervals with " << r.degrees_of_freedom
      << " degrees of freedom, warm-up by " << r.warmup_method << " ("
      << general(r.truncated_time_s, 4) << " s removed), " << general(r.simulated_time_s, 5)
      << " simulated s per replication, " << r.transactions << " transactions, " << r.events
      << " events, " << general(r.wall_time_s, 3) << " s wall time; stop: " << r.stop_reason
      << '\n';
}

// The simulated metrics by the registry's names and units (model/metrics_registry.hpp).
std::vector<model::NamedEstimate> named(const model::SystemModel& m,
                                        const model::sim::TxSimReport& r) {
  return model::all_simulated_metrics(model::SimulationView{m, r});
}
std::string owner_of(const model::NamedEstimate& n, const model::sim::TxSimReport& r) {
  return n.owner.empty() ? r.model_name : n.owner;
}

void print_table(const model::SystemModel& m, const model::sim::TxSimReport& r, std::ostream& out) {
  out << "Model: " << r.model_name << " (simulated)\n";
  if (m.terminals)
    out << m.terminals->count << " terminals, think time " << general(m.terminals->think_time_ms, 6)
        << " ms";
  else
    out << "Arrival rate " << fixed(r.arrival_rate_per_s, 2) << "/s";
  if (r.saturated) out << ": SATURATED - " << r.saturation_reason;
  out << '\n';
  print_how(r, out);
  out << '\n';
  Table t({"section", "name", "metric", "unit", "mean", "+- 95 %", "+- %"});
  for (const auto& n : named(m, r)) {
    const auto& e = n.estimate;
    const double rel = e.mean != 0.0 ? e.half_width / std::abs(e.mean) : 0.0;
    t.add_row({model::metric_scope_name(n.spec->scope), owner_of(n, r), n.spec->name, n.spec->unit,
               general(e.mean, 6), general(e.half_width, 3), percent(rel, 2)});
  }
  t.print_wrapped(out, "Metrics (names and units as in `tpeval eval --format csv`)", 3);
}

void print_csv(const model::SystemModel& m, const model::sim::TxSimReport& r, std::ostream& out) {
  Table t({"section", "name", "metric", "unit", "mean", "half_width"});
  for (const auto& n : named(m, r))
    t.add_row({model::metric_scope_name(n.spec->scope), owner_of(n, r), n.spec->name, n.spec->unit,
               general(n.estimate.mean, 10), general(n.estimate.half_width, 10)});
  t.print_csv(out);
}

}  // namespace

bool is_transaction_model(const nlohmann::json& document) {
  return document.is_object() && (document.contains("nodes") || document.contains("database") ||
                                  document.contains("workload"));
}

model::SystemModel load_model_with_sets(const std::string& file,
                                        const std::vector<std::string>& sets) {
  nlohmann::json doc = model::load_model_document(file);
  for (const std::string& s : sets) {
    const model::Assignment a = model::parse_assignment(s);
    model::set_parameter(doc, a.path, a.value);
  }
  return parse_input_file(model_source_name(file), [&] { return model::parse_model(doc); });
}

model::sim::TxSimOptions simulation_options(const ModelSimulationArgs& a) {
  model::sim::TxSimOptions o;
  o.seed = a.seed;
  o.precision = a.precision;
  o.confidence = a.confidence;
  o.max_time_s = std::isfinite(a.max_time_s) ? a.max_time_s : 3600.0;
  o.min_time_s = a.min_time_s;
  o.max_events = a.max_events;
  o.replications = a.replications;
  o.threads = a.jobs;
  o.warm_start = a.warm_start;
  o.progress = terminal_progress("tpeval: ");
  return o;
}

std::function<void(const solver::des::SimulationProgress&)> terminal_progress(std::string prefix) {
  if (!isatty(fileno(stderr))) return {};
  return [prefix = std::move(prefix)](const solver::des::SimulationProgress& p) {
    std::cerr << '\r' << prefix << "round " << p.round << ", " << general(p.simulated_time_s, 4)
              << " s simulated, " << p.events << " events, widest interval +-"
              << percent(p.widest_relative_half_width, 2) << "% (target " << percent(p.precision, 2)
              << "%)   " << std::flush;
  };
}

nlohmann::json simulation_report_json(const model::SystemModel& model,
                                      const model::sim::TxSimReport& r) {
  nlohmann::json out;
  out["model"] = r.model_name;
  out["arrival_rate_per_s"] = r.arrival_rate_per_s;
  out["saturated"] = r.saturated;
  if (r.saturated) out["saturation_reason"] = r.saturation_reason;
  nlohmann::json metrics = nlohmann::json::array();
  for (const auto& n : named(model, r))
    metrics.push_back({{"section", model::metric_scope_name(n.spec->scope)},
                       {"name", owner_of(n, r)},
                       {"metric", n.spec->name},
                       {"unit", n.spec->unit},
                       {"mean", n.estimate.mean},
                       {"half_width", n.estimate.half_width}});
  out["metrics"] = std::move(metrics);
  out["simulation"] = {{"interval_method", r.interval_method},
                       {"warmup_method", r.warmup_method},
                       {"confidence", r.confidence},
                       {"replications", r.replications},
                       {"batches", r.batches},
                       {"degrees_of_freedom", r.degrees_of_freedom},
                       {"observation_interval_s", r.observation_interval_s},
                       {"simulated_time_s", r.simulated_time_s},
                       {"truncated_time_s", r.truncated_time_s},
                       {"events", r.events},
                       {"transactions", r.transactions},
                       {"wall_time_s", r.wall_time_s},
                       {"precision_reached", r.precision_reached},
                       {"stop_reason", r.stop_reason},
                       {"widest_relative_half_width", r.widest_relative_half_width},
                       {"widest_measure", r.widest_measure}};
  return out;
}

int run_model_simulation(const ModelSimulationArgs& args, std::ostream& out) {
  const model::SystemModel m = load_model_with_sets(args.file, args.sets);
  const model::sim::TxSimOptions options = simulation_options(args);
  model::sim::TxSimReport report;
  try {
    report = parse_input_file(model_source_name(args.file),
                              [&] { return model::sim::simulate_transactions(m, options); });
  } catch (const solver::des::SimulationError& e) {
    if (options.progress) std::cerr << '\n';
    throw io::InputError(model_source_name(args.file), e.what());
  }
  if (options.progress) std::cerr << '\n';
  switch (parse_format(args.format)) {
    case OutputFormat::table:
      print_table(m, report, out);
      break;
    case OutputFormat::json:
      out << simulation_report_json(m, report).dump(2) << '\n';
      break;
    case OutputFormat::csv:
      print_csv(m, report, out);
      break;
  }
  if (report.saturated) {
    std::cerr << "tpeval: warning: " << model_source_name(args.file) << ": "
              << report.saturation_reason << '\n';
    // Lock thrashing of an open run that started with empty buffers may be the cold start's
    // (docs/transaction-simulation.md "Cold start"): say how to tell.
    if (!args.warm_start && !m.terminals && report.bottleneck.rfind("lock thrashing", 0) == 0)
      std::cerr << "tpeval: note: " << model_source_name(args.file)
                << ": the run started with empty buffers; if their misses tipped it into lock "
                   "thrashing, --warm-start shows the warm system\n";
    return 1;
  }
  if (!report.precision_reached) {
    std::cerr << "tpeval: warning: " << model_source_name(args.file) << ": " << report.stop_reason
              << '\n';
    return 1;
  }
  return 0;
}

}  // namespace tpeval::cli
