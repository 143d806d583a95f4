// `tpeval simulate [FILE]`: discrete-event simulation with confidence intervals.
//
// FILE is either a network in the `tpeval solve` format (it has "stations"), simulated by
// solver/des, or a transaction-system model in the `tpeval eval` format (top-level "nodes",
// "database" or "workload"; no FILE = the embedded Debit-Credit default), simulated as TPSIM did by
// model/sim through cli/simulate_model.hpp. Both share the options below; --set applies to models
// only. For networks, results go
// to stdout as a table, JSON (the `tpeval solve` shape plus *_half_width keys and a "simulation"
// object saying how the intervals were obtained) or tidy CSV (one row per measure). A progress line
// goes to stderr only when stderr is a terminal. Exit codes: 2 for bad input or an impossible run
// (unstable, nothing to simulate, limits too small to form intervals), 1 when results were printed
// but the requested precision was not reached within the limits.

#include <cstdio>
#include <iostream>
#include <limits>
#include <sstream>
#include <string>

#include "cli/command.hpp"
#include "cli/format.hpp"
#include "cli/simulate_model.hpp"
#include "solver/des/network_simulation.hpp"
#include "solver/io/json_input.hpp"
#include "solver/io/network_json.hpp"

namespace tpeval::cli {

namespace {

using solver::des::SimulationOptions;
using solver::des::SimulationResult;

struct SimulateArguments {
  std::string file;
  std::vector<std::string> sets;
  bool max_events_given = false;
  bool warm_start = false;
  std::uint64_t seed = 1;
  double precision = 0.02;
  double confidence = 0.95;
  double max_time_s = std::numeric_limits<double>::infinity();
  double min_time_s = 0.0;
  std::uint64_t max_events = 200'000'000;
  std::uint64_t min_events = 0;
  int replications = 1;
  int jobs = 0;
  std::string format = "table";
};

SimulationOptions to_options(const SimulateArguments& a) {
  SimulationOptions o;
  o.seed = a.seed;
  o.precision = a.precision;
  o.confidence = a.confidence;
  o.max_time_s = a.max_time_s;
  o.min_time_s = a.min_time_s;
  o.max_events = a.max_events;
  o.min_events = a.min_events;
  o.replications = a.replications;
  o.threads = a.jobs;
  o.progress = terminal_progress("tpeval simulate: ");
  return o;
}

std::string hw(double v) {
  return general(v, 3);
}

void print_table(const solver::Network& n, const SimulationResult& r, std::ostream& out) {
  const auto& s = r.solution;
  Table classes({"class", "throughput_per_s", "+-", "response_time_s", "+-", "mean_jobs", "+-"});
  for (int c = 0; c < n.class_count(); ++c)
    classes.add_row({n.classes[c].name, general(s.class_throughput_per_s(c)),
                     hw(r.class_throughput_half_width(c)), general(s.class_response_time_s(c)),
                     hw(r.class_response_time_half_width(c)), general(s.mean_jobs.row(c).sum()),
                     hw(r.class_mean_jobs_half_width(c))});
  classes.print(out, "Classes (95 % half-widths after +-)");
  out << '\n';
  Table stations({"station", "utilization", "+-", "busy_servers", "+-", "mean_jobs", "+-"});
  for (int k = 0; k < n.station_count(); ++k)
    stations.add_row({n.stations[k].name, general(s.station_utilization(k)),
                      hw(r.station_utilization_half_width(k)), general(s.busy_servers(k)),
                      hw(r.busy_servers_half_width(k)), general(s.mean_jobs.col(k).sum()),
                      hw(r.station_mean_jobs_half_width(k))});
  stations.print(out, "Stations");
  out << '\n';
  Table pairs({"class", "station", "throughput_per_s", "+-", "utilization", "+-", "mean_jobs", "+-",
               "residence_time_s", "+-"});
  for (int c = 0; c < n.class_count(); ++c)
    for (int k = 0; k < n.station_count(); ++k)
      pairs.add_row({n.classes[c].name, n.stations[k].name, general(s.throughput_per_s(c, k)),
                     hw(r.throughput_half_width(c, k)), general(s.utilization(c, k)),
                     hw(r.utilization_half_width(c, k)), general(s.mean_jobs(c, k)),
                     hw(r.mean_jobs_half_width(c, k)), general(s.residence_time_s(c, k)),
                     hw(r.residence_time_half_width(c, k))});
  pairs.print(out, "Class x station");
  out << '\n';
  std::ostringstream how;
  how << "Intervals: " << r.interval_method << " (" << r.batches << (r.batches == 1 ? "" : "")
      << " " << (r.interval_method == "batch means" ? "batches" : "replications") << ", "
      << r.degrees_of_freedom << " degrees of freedom, Student t, " << percent(r.confidence, 0)
      << " %)\n";
  for (std::size_t i = 0; i < r.simulated_time_s.size(); ++i) {
    how << "  "
        << (r.simulated_time_s.size() > 1 ? "replication " + std::to_string(i + 1) + ": " : "")
        << "simulated " << general(r.simulated_time_s[i])
        << " s, warm-up truncated by MSER-5: " << general(r.truncated_time_s[i]) << " s ("
        << r.truncated_observations[i] << " observations of " << general(r.observation_interval_s)
        << " s)\n";
  }
  how << "  events: " << r.events << "; " << r.stop_reason << "; widest relative half-width "
      << percent(r.widest_relative_half_width, 2) << " % (" << r.widest_measure << ")\n";
  out << how.str();
}

void print_csv(const solver::Network& n, const SimulationResult& r, std::ostream& out) {
  const auto& s = r.solution;
  Table t({"class", "station", "measure", "mean", "half_width"});
  const auto row = [&](const std::string& c, const std::string& k, const std::string& m, double v,
                       double h) {
    t.add_row({c, k, m, general(v, 10), general(h, 6)});
  };
  for (int c = 0; c < n.class_count(); ++c) {
    const std::string& cn = n.classes[c].name;
    row(cn, "", "throughput_per_s", s.class_throughput_per_s(c), r.class_throughput_half_width(c));
    row(cn, "", "response_time_s", s.class_response_time_s(c), r.class_response_time_half_width(c));
    row(cn, "", "mean_jobs", s.mean_jobs.row(c).sum(), r.class_mean_jobs_half_width(c));
  }
  for (int k = 0; k < n.station_count(); ++k) {
    const std::string& kn = n.stations[k].name;
    row("", kn, "utilization", s.station_utilization(k), r.station_utilization_half_width(k));
    row("", kn, "busy_servers", s.busy_servers(k), r.busy_servers_half_width(k));
    row("", kn, "mean_jobs", s.mean_jobs.col(k).sum(), r.station_mean_jobs_half_width(k));
  }
  for (int c = 0; c < n.class_count(); ++c)
    for (int k = 0; k < n.station_count(); ++k) {
      const std::string& cn = n.classes[c].name;
      const std::string& kn = n.stations[k].name;
      row(cn, kn, "throughput_per_s", s.throughput_per_s(c, k), r.throughput_half_width(c, k));
      row(cn, kn, "utilization", s.utilization(c, k), r.utilization_half_width(c, k));
      row(cn, kn, "mean_jobs", s.mean_jobs(c, k), r.mean_jobs_half_width(c, k));
      row(cn, kn, "residence_time_s", s.residence_time_s(c, k), r.residence_time_half_width(c, k));
    }
  t.print_csv(out);
}

nlohmann::json to_json(const solver::Network& n, const SimulationResult& r,
                       const SimulateArguments& a) {
  nlohmann::json out = io::solution_to_json(n, r.solution);
  out["format"] = "tpeval-simulation/1";
  for (int c = 0; c < n.class_count(); ++c) {
    auto& e = out["classes"][static_cast<std::size_t>(c)];
    e["throughput_per_s_half_width"] = r.class_throughput_half_width(c);
    e["response_time_s_half_width"] = r.class_response_time_half_width(c);
    e["mean_jobs_half_width"] = r.class_mean_jobs_half_width(c);
  }
  for (int k = 0; k < n.station_count(); ++k) {
    auto& e = out["stations"][static_cast<std::size_t>(k)];
    e["utilization_half_width"] = r.station_utilization_half_width(k);
    e["busy_servers_half_width"] = r.busy_servers_half_width(k);
    e["mean_jobs_half_width"] = r.station_mean_jobs_half_width(k);
  }
  for (int c = 0; c < n.class_count(); ++c)
    for (int k = 0; k < n.station_count(); ++k) {
      auto& e = out["class_stations"][static_cast<std::size_t>(c * n.station_count() + k)];
      e["throughput_per_s_half_width"] = r.throughput_half_width(c, k);
      e["utilization_half_width"] = r.utilization_half_width(c, k);
      e["mean_jobs_half_width"] = r.mean_jobs_half_width(c, k);
      e["residence_time_s_half_width"] = r.residence_time_half_width(c, k);
    }
  nlohmann::json sim;
  sim["seed"] = a.seed;
  sim["precision"] = a.precision;
  sim["confidence"] = r.confidence;
  sim["interval_method"] = r.interval_method;
  sim[r.interval_method == "batch means" ? "batches" : "replications"] = r.batches;
  sim["degrees_of_freedom"] = r.degrees_of_freedom;
  sim["warmup_method"] = "MSER-5";
  sim["observation_interval_s"] = r.observation_interval_s;
  sim["simulated_time_s"] = r.simulated_time_s;
  sim["truncated_time_s"] = r.truncated_time_s;
  sim["truncated_observations"] = r.truncated_observations;
  sim["events"] = r.events;
  sim["precision_reached"] = r.precision_reached;
  sim["stop_reason"] = r.stop_reason;
  sim["widest_relative_half_width"] = r.widest_relative_half_width;
  sim["widest_measure"] = r.widest_measure;
  sim["routing"] = "geometric (Markov routing with the given visit ratios)";
  out["simulation"] = std::move(sim);
  return out;
}

int simulate_model(const SimulateArguments& a) {
  ModelSimulationArgs m;
  m.file = a.file;
  m.sets = a.sets;
  m.seed = a.seed;
  m.precision = a.precision;
  m.confidence = a.confidence;
  m.max_time_s = a.max_time_s;
  m.min_time_s = a.min_time_s;
  if (a.max_events_given) m.max_events = a.max_events;  // else the model simulator's own bound
  m.replications = a.replications;
  m.jobs = a.jobs;
  m.format = a.format;
  m.warm_start = a.warm_start;
  return run_model_simulation(m, std::cout);
}

void simulate_file(const SimulateArguments& a, Context& context) {
  if (a.file.empty()) {
    context.exit_code = simulate_model(a);
    return;
  }
  const nlohmann::json doc = io::read_json_file(a.file);
  if (is_transaction_model(doc)) {
    context.exit_code = simulate_model(a);
    return;
  }
  if (!a.sets.empty())
    throw io::InputError(a.file, "--set applies to transaction-model files, not to networks");
  if (a.warm_start)
    throw io::InputError(a.file,
                         "--warm-start fills a transaction model's buffers; a network has none");
  const solver::Network network = parse_input_file(a.file, [&] { return io::parse_network(doc); });
  SimulationResult result;
  const SimulationOptions options = to_options(a);
  try {
    result = solver::des::simulate_network(network, options);
  } catch (const solver::des::SimulationError& e) {
    if (options.progress) std::cerr << '\n';
    throw io::InputError(a.file, e.what());
  }
  if (options.progress) std::cerr << '\n';
  switch (parse_format(a.format)) {
    case OutputFormat::table:
      print_table(network, result, std::cout);
      break;
    case OutputFormat::json:
      std::cout << to_json(network, result, a).dump(2) << '\n';
      break;
    case OutputFormat::csv:
      print_csv(network, result, std::cout);
      break;
  }
  if (!result.precision_reached) {
    std::cerr << "tpeval: warning: " << a.file << ": " << result.stop_reason << '\n';
    context.exit_code = 1;
  }
}

}  // namespace

void add_simulate_command(CLI::App& app, Context& context) {
  auto args = std::make_shared<SimulateArguments>();
  CLI::App* cmd = app.add_subcommand(
      "simulate",
      "Simulate a transaction-system model (default: the embedded Debit-Credit "
      "model) or a queueing network (the `tpeval solve` JSON format) by discrete "
      "events, with 95 % confidence intervals, MSER-5 warm-up removal and a "
      "relative-precision stop rule");
  cmd->add_option("file", args->file,
                  "Model or network JSON file (omitted: the embedded default model)");
  cmd->add_option("--set", args->sets, "PATH=VALUE override of a model parameter (repeatable)");
  cmd->add_option("--seed", args->seed, "Random seed; the same seed gives identical results")
      ->capture_default_str();
  cmd->add_option("--precision", args->precision,
                  "Target relative half-width of the stopping measures")
      ->check(CLI::Range(1e-6, 1.0))
      ->capture_default_str();
  cmd->add_option("--confidence", args->confidence, "Confidence level of the intervals")
      ->check(CLI::Range(0.5, 0.9999))
      ->capture_default_str();
  cmd->add_option("--max-time", args->max_time_s, "Max simulated seconds per replication")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--min-time", args->min_time_s, "Min simulated seconds per replication")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--max-events", args->max_events, "Max events over all replications")
      ->check(CLI::Range(std::uint64_t{1}, std::numeric_limits<std::uint64_t>::max()))
      ->capture_default_str();
  cmd->add_option("--min-events", args->min_events, "Min events over all replications");
  cmd->add_option("--replications", args->replications,
                  "1: batch means on one run; >= 2: independent replications (run in parallel)")
      ->check(CLI::Range(1, 10000))
      ->capture_default_str();
  cmd->add_option("--jobs,-j", args->jobs, "Threads for replications (0: all cores)")
      ->check(CLI::Range(0, 1024))
      ->capture_default_str();
  cmd->add_option("--format", args->format, "Output format")
      ->check(CLI::IsMember({"table", "json", "csv"}))
      ->capture_default_str();
  cmd->add_flag("--warm-start", args->warm_start,
                "Fill the buffers before the first arrival (an untimed pass of the reference "
                "strings), so that a cold start's misses cannot tip a run near a lock limit into "
                "lock thrashing");
  cmd->callback([args, cmd, &context] {
    args->max_events_given = cmd->count("--max-events") > 0;
    simulate_file(*args, context);
  });
}

}  // namespace tpeval::cli
