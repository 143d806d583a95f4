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

void print_table(const model::sim::TxSimReport& r, std::ostream& out) {
  out << "Model: " << r.model_name << " (simulated)\n";
  out << "Arrival rate " << fixed(r.arrival_rate_per_s, 2) << "/s";
  if (r.saturated) out << ": SATURATED - " << r.saturation_reason;
  out << '\n';
  print_how(r, out);
  out << '\n';
  Table t({"section", "name", "metric", "mean", "+- 95 %", "+- %"});
  for (const auto& m : r.metrics) {
    const double rel =
        m.estimate.mean != 0.0 ? m.estimate.half_width / std::abs(m.estimate.mean) : 0.0;
    t.add_row({m.section, m.owner, m.metric, general(m.estimate.mean, 6),
               general(m.estimate.half_width, 3), percent(rel, 2)});
  }
  t.print(out, "Metrics (names as in `tpeval eval --format csv`)");
}

void print_csv(const model::sim::TxSimReport& r, std::ostream& out) {
  Table t({"section", "name", "metric", "mean", "half_width"});
  for (const auto& m : r.metrics)
    t.add_row({m.section, m.owner, m.metric, general(m.estimate.mean, 10),
               general(m.estimate.half_width, 10)});
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

nlohmann::json simulation_report_json(const model::sim::TxSimReport& r) {
  nlohmann::json out;
  out["model"] = r.model_name;
  out["arrival_rate_per_s"] = r.arrival_rate_per_s;
  out["saturated"] = r.saturated;
  if (r.saturated) out["saturation_reason"] = r.saturation_reason;
  nlohmann::json metrics = nlohmann::json::array();
  for (const auto& m : r.metrics)
    metrics.push_back({{"section", m.section},
                       {"name", m.owner},
                       {"metric", m.metric},
                       {"mean", m.estimate.mean},
                       {"half_width", m.estimate.half_width}});
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
      print_table(report, out);
      break;
    case OutputFormat::json:
      out << simulation_report_json(report).dump(2) << '\n';
      break;
    case OutputFormat::csv:
      print_csv(report, out);
      break;
  }
  if (report.saturated) {
    std::cerr << "tpeval: warning: " << model_source_name(args.file) << ": "
              << report.saturation_reason << '\n';
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
