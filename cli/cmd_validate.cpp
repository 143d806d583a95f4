// `tpeval validate [MODEL.json] [--set PATH=VALUE ...]`: the analytic evaluation and the
// simulation of the same model side by side (the book trusts an analytic answer only when a
// simulation agrees, Rahm 1993 Sect. 6.5).
//
// Per metric it prints the analytic value, the simulated mean with its 95 % interval, the relative
// difference and whether the analytic value lies within the tolerance: |analytic - simulated| <=
// half-width + tolerance x |simulated| (+ an absolute floor: 0.01 for ratios, probabilities and
// counts per transaction, and tolerance x the response time for the parts of the response time,
// so that parts of a few microseconds are not judged by their relative error). Exit code 1 if any
// judged metric fails, 2 for bad input or an impossible run. A model the analytic evaluation calls
// saturated passes only when the simulation finds it unstable or saturated too.
#include <cmath>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/command.hpp"
#include "cli/format.hpp"
#include "cli/simulate_model.hpp"
#include "model/evaluate.hpp"
#include "solver/des/network_simulation.hpp"
#include "solver/io/json_input.hpp"

namespace tpeval::cli {
namespace {

struct ValidateArgs {
  ModelSimulationArgs sim;
  double tolerance = 0.10;
};

struct Row {
  std::string section, owner, metric;
  double analytic = 0.0;
  model::sim::SimulatedMetric simulated;
  double floor = 0.0;
  bool pass = true;
};

/// The analytic counterparts of the simulated metrics (section, owner, metric -> value, floor).
struct Pair {
  std::string section, owner, metric;
  double analytic;
  double floor;
};

std::vector<Pair> analytic_pairs(const model::Evaluation& e, double tolerance) {
  std::vector<Pair> p;
  const std::string& m = e.model_name;
  const double r = e.mean_response_time_s.value_or(0.0);
  p.push_back({"system", m, "throughput_per_s", e.throughput_per_s, 0.0});
  if (e.mean_response_time_s) p.push_back({"system", m, "mean_response_time_s", r, 0.0});
  p.push_back({"system", m, "hs_hit_ratio", e.hs_hit_ratio, 0.01});
  p.push_back({"system", m, "eh_hit_ratio", e.eh_hit_ratio, 0.01});
  p.push_back({"system", m, "dc_hit_ratio", e.dc_hit_ratio, 0.01});
  p.push_back({"system", m, "conflict_probability", e.conflict_probability, 0.01});
  for (const auto& t : e.types) {
    const double rt = t.response_time_s.value_or(0.0);
    const double part = tolerance * rt;
    p.push_back({"type", t.name, "throughput_per_s", t.throughput_per_s, 0.0});
    if (t.response_time_s) {
      p.push_back({"type", t.name, "response_time_s", rt, 0.0});
      const auto& b = t.breakdown;
      p.push_back({"type", t.name, "cpu_service_s", b.cpu_service_s, part});
      p.push_back({"type", t.name, "cpu_wait_s", b.cpu_wait_s, part});
      p.push_back({"type", t.name, "extended_memory_s", b.extended_memory_s, part});
      for (const auto& [dev, s] : b.io_s) p.push_back({"type", t.name, "io_s." + dev, s, part});
      p.push_back({"type", t.name, "lock_wait_s", b.lock_wait_s, part});
      p.push_back({"type", t.name, "commit_io_s", b.commit_io_s, part});
      p.push_back({"type", t.name, "input_queue_s", b.input_queue_s, part});
    }
    p.push_back({"type", t.name, "page_misses", t.page_misses, 0.01});
    p.push_back({"type", t.name, "reads", t.reads, 0.01});
    p.push_back({"type", t.name, "victim_writes", t.victim_writes, 0.01});
    p.push_back({"type", t.name, "force_writes", t.force_writes, 0.01});
    p.push_back({"type", t.name, "log_writes", t.log_writes, 0.01});
    p.push_back({"type", t.name, "synchronous_writes", t.synchronous_writes, 0.01});
    p.push_back({"type", t.name, "asynchronous_writes", t.asynchronous_writes, 0.01});
    p.push_back({"type", t.name, "eh_accesses", t.eh_accesses, 0.01});
    p.push_back({"type", t.name, "io_operations", t.io_operations, 0.01});
    p.push_back({"type", t.name, "cpu_instructions", t.cpu_instructions, 0.0});
    p.push_back({"type", t.name, "conflict_probability", t.conflict_probability, 0.01});
  }
  for (const auto& s : e.servers) {
    if (s.offered_load <= 0.0) continue;
    if (s.servers > 0)
      p.push_back({"server", s.name, "utilization", s.utilization, 0.01});
    else
      p.push_back({"server", s.name, "offered_load", s.offered_load, 0.01});
  }
  for (const auto& pr : e.partitions) {
    p.push_back({"partition", pr.name, "hs_hit_ratio", pr.hs_hit_ratio, 0.01});
    p.push_back({"partition", pr.name, "eh_hit_ratio", pr.eh_hit_ratio, 0.01});
    p.push_back({"partition", pr.name, "dc_hit_ratio", pr.dc_hit_ratio, 0.01});
  }
  return p;
}

void validate(const ValidateArgs& a, Context& context) {
  const std::string source = model_source_name(a.sim.file);
  const model::SystemModel m = load_model_with_sets(a.sim.file, a.sim.sets);
  model::EvaluateOptions eo;
  eo.find_max_throughput = false;
  const model::Evaluation e = model::evaluate(m, eo);
  const model::sim::TxSimOptions options = simulation_options(a.sim);
  std::optional<model::sim::TxSimReport> report;
  std::string refusal;
  try {
    // Limits of the simulator (packed ids, buffer sizes) name the file like parse errors do.
    report =
        parse_input_file(source, [&] { return model::sim::simulate_transactions(m, options); });
  } catch (const solver::des::SimulationError& err) {
    refusal = err.what();
  }
  if (options.progress) std::cerr << '\n';
  std::ostream& out = std::cout;
  const OutputFormat format = parse_format(a.sim.format);

  if (e.saturated || !report || report->saturated) {
    // No steady state on at least one side: they agree only if both say so.
    const bool sim_saturated = !report || report->saturated;
    if (!report && !e.saturated) throw io::InputError(source, refusal);
    const bool agree = e.saturated && sim_saturated;
    out << "Model: " << e.model_name << "\nAnalytic: "
        << (e.saturated ? "SATURATED (" + e.bottleneck + ": " + e.saturation_reason + ")"
                        : std::string("not saturated"))
        << "\nSimulation: "
        << (!report             ? "refused: " + refusal
            : report->saturated ? "SATURATED (" + report->saturation_reason + ")"
                                : std::string("not saturated"))
        << "\nValidation "
        << (agree ? "PASSED: both find no steady state" : "FAILED: they disagree") << '\n';
    if (!agree) context.exit_code = 1;
    return;
  }

  std::vector<Row> rows;
  for (const Pair& p : analytic_pairs(e, a.tolerance)) {
    const model::sim::SimulatedMetric* s = report->find(p.section, p.owner, p.metric);
    if (s == nullptr) continue;
    Row r{p.section, p.owner, p.metric, p.analytic, *s, p.floor, true};
    const double diff = std::abs(p.analytic - s->estimate.mean);
    r.pass = diff <= s->estimate.half_width + a.tolerance * std::abs(s->estimate.mean) + p.floor;
    rows.push_back(std::move(r));
  }
  int failed = 0;
  for (const Row& r : rows) failed += r.pass ? 0 : 1;
  if (failed > 0) context.exit_code = 1;

  const auto rel = [](const Row& r) {
    return r.simulated.estimate.mean != 0.0
               ? (r.analytic - r.simulated.estimate.mean) / std::abs(r.simulated.estimate.mean)
               : 0.0;
  };
  if (format == OutputFormat::json) {
    nlohmann::json j;
    j["model"] = e.model_name;
    j["tolerance"] = a.tolerance;
    j["passed"] = failed == 0;
    j["failed_metrics"] = failed;
    nlohmann::json list = nlohmann::json::array();
    for (const Row& r : rows)
      list.push_back({{"section", r.section},
                      {"name", r.owner},
                      {"metric", r.metric},
                      {"analytic", r.analytic},
                      {"simulated", r.simulated.estimate.mean},
                      {"half_width", r.simulated.estimate.half_width},
                      {"relative_difference", rel(r)},
                      {"absolute_floor", r.floor},
                      {"pass", r.pass}});
    j["metrics"] = std::move(list);
    j["simulation"] = simulation_report_json(*report)["simulation"];
    out << j.dump(2) << '\n';
    return;
  }
  Table t({"section", "name", "metric", "analytic", "simulated", "+- 95 %", "diff %", "ok"});
  for (const Row& r : rows)
    t.add_row({r.section, r.owner, r.metric, general(r.analytic, 6),
               general(r.simulated.estimate.mean, 6), general(r.simulated.estimate.half_width, 3),
               percent(rel(r), 1), r.pass ? "yes" : "NO"});
  if (format == OutputFormat::csv) {
    t.print_csv(out);
    return;
  }
  out << "Model: " << e.model_name << ", arrival rate " << fixed(e.arrival_rate_per_s, 2)
      << "/s\nPass: |analytic - simulated| <= half-width + " << percent(a.tolerance, 0)
      << " % x |simulated| (+ floor 0.01 for ratios and counts, " << percent(a.tolerance, 0)
      << " % of the response time for its parts)\nSimulation: " << report->interval_method << ", "
      << general(report->simulated_time_s, 5) << " simulated s, stop: " << report->stop_reason
      << "\n\n";
  t.print(out, "Analytic vs simulated");
  out << '\n'
      << (failed == 0 ? "Validation PASSED: all " + std::to_string(rows.size()) + " metrics agree"
                      : "Validation FAILED: " + std::to_string(failed) + " of " +
                            std::to_string(rows.size()) + " metrics outside the tolerance")
      << '\n';
}

}  // namespace

void add_validate_command(CLI::App& app, Context& context) {
  auto args = std::make_shared<ValidateArgs>();
  CLI::App* cmd = app.add_subcommand(
      "validate",
      "Evaluate a transaction-system model analytically and by simulation side by side; exit 1 "
      "if a metric disagrees beyond the tolerance (default model: Debit-Credit, Tab. 6-6)");
  cmd->add_option("model", args->sim.file, "Model JSON file (omit for the embedded default)");
  cmd->add_option("--set", args->sim.sets, "PATH=VALUE, e.g. workload.arrival_rate_per_s=300");
  cmd->add_option("--tolerance", args->tolerance, "Relative tolerance beyond the 95 % interval")
      ->check(CLI::Range(0.0, 10.0))
      ->capture_default_str();
  cmd->add_option("--seed", args->sim.seed, "Random seed; the same seed gives identical results")
      ->capture_default_str();
  cmd->add_option("--precision", args->sim.precision,
                  "Target relative half-width of throughput and response time")
      ->check(CLI::Range(1e-6, 1.0))
      ->capture_default_str();
  cmd->add_option("--max-time", args->sim.max_time_s, "Max simulated seconds per replication")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--replications", args->sim.replications,
                  "1: batch means; >= 2: independent replications (in parallel)")
      ->check(CLI::Range(1, 10000))
      ->capture_default_str();
  cmd->add_option("--jobs,-j", args->sim.jobs, "Threads for replications (0: all cores)")
      ->check(CLI::Range(0, 1024));
  cmd->add_option("--format", args->sim.format, "Output format")
      ->check(CLI::IsMember({"table", "json", "csv"}))
      ->capture_default_str();
  cmd->callback([args, &context] { validate(*args, context); });
}

}  // namespace tpeval::cli
