// `tpeval validate [MODEL.json] [--set PATH=VALUE ...]`: the analytic evaluation and the
// simulation of the same model side by side (the book trusts an analytic answer only when a
// simulation agrees, Rahm 1993 Sect. 6.5).
//
// Per metric it prints the analytic value, the simulated mean with its 95 % interval, the relative
// difference and whether they agree. The rule (docs/simulation.md "Validation"): a metric agrees
// when |analytic - simulated| <= tolerance x |simulated| (the relative difference, default 10 %),
// OR the analytic value lies inside the simulation's interval (|analytic - simulated| <=
// half-width), OR - only for metrics that can be near zero - the difference is below the metric's
// absolute floor (model/metrics_registry.hpp AgreementFloor: 0.01 per transaction, 0.001 for
// probabilities, 0.5 percentage points, 1 % of the response time for its parts). The three are
// alternatives, not added up, so a 39 % difference of a conflict probability of 0.003 fails. Exit
// code 1 if any judged metric fails, 2 for bad input or an impossible run. A model the analytic
// evaluation calls saturated passes only when the simulation finds it unstable or saturated too.
// Response-time percentiles (a two-moment approximation) get a floor of 15 % of the analytic
// percentile.
#include <cmath>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/command.hpp"
#include "cli/evaluate_input.hpp"
#include "cli/format.hpp"
#include "cli/simulate_model.hpp"
#include "model/agreement.hpp"
#include "model/evaluate.hpp"
#include "model/metrics_registry.hpp"
#include "solver/des/network_simulation.hpp"
#include "solver/io/json_input.hpp"

namespace tpeval::cli {
namespace {

struct ValidateArgs {
  ModelSimulationArgs sim;
  double tolerance = 0.10;
};

using Row = model::MetricComparison;

/// The verdict when at least one engine finds no steady state: they agree only if both say so
/// (`report` null: the simulator refused the model, `refusal` says why). In every format;
/// returns the verdict.
bool report_no_steady_state(const model::Evaluation& e, const model::sim::TxSimReport* report,
                            const std::string& refusal, OutputFormat format, std::ostream& out) {
  const bool sim_saturated = !report || report->saturated;
  const bool agree = e.saturated && sim_saturated;
  const std::string analytic =
      e.saturated ? e.bottleneck + ": " + e.saturation_reason : std::string();
  const std::string simulated = !report             ? "refused: " + refusal
                                : report->saturated ? report->saturation_reason
                                                    : std::string();
  if (format == OutputFormat::json) {
    const auto reason = [](const std::string& r) {
      return r.empty() ? nlohmann::json(nullptr) : nlohmann::json(r);
    };
    nlohmann::json j{{"model", e.model_name},
                     {"passed", agree},
                     {"steady_state", {{"analytic", !e.saturated}, {"simulated", !sim_saturated}}},
                     {"no_steady_state_reason",
                      {{"analytic", reason(analytic)}, {"simulated", reason(simulated)}}}};
    out << j.dump(2) << '\n';
    return agree;
  }
  if (format == OutputFormat::csv) {
    Table t({"engine", "steady_state", "reason"});
    t.add_row({"analytic", e.saturated ? "no" : "yes", analytic});
    t.add_row({"simulated", sim_saturated ? "no" : "yes", simulated});
    t.print_csv(out);
    return agree;
  }
  out << "Model: " << e.model_name << "\nAnalytic: "
      << (e.saturated ? "SATURATED (" + analytic + ")" : std::string("not saturated"))
      << "\nSimulation: "
      << (!report             ? simulated
          : report->saturated ? "SATURATED (" + simulated + ")"
                              : std::string("not saturated"))
      << "\nValidation " << (agree ? "PASSED: both find no steady state" : "FAILED: they disagree")
      << '\n';
  return agree;
}

/// A hint when the simulated run of an open workload fell behind its arrivals (saturated, or a
/// throughput below 90 % of the arrival rate) while the analytic model finds a steady state and
/// the run started cold: near a lock limit a cold start's misses can tip a run into lock
/// thrashing that stays once the buffers are warm (docs/transaction-simulation.md "Cold start").
void hint_cold_start(const std::string& source, const model::SystemModel& m,
                     const model::Evaluation& e, const model::sim::TxSimReport* report,
                     const model::sim::TxSimOptions& options) {
  if (options.warm_start || m.terminals || e.saturated || !report) return;
  const model::sim::SimulatedMetric* x = report->system("throughput_per_s");
  const bool behind = report->saturated || (x && x->estimate.mean < 0.9 * e.arrival_rate_per_s);
  if (!behind) return;
  std::cerr << "tpeval: note: " << source
            << ": the simulated run fell behind its arrivals while the analytic model finds a "
               "steady state; a run that starts with empty buffers can fall into lock thrashing "
               "that stays once they are warm - try --warm-start\n";
}

void validate(const ValidateArgs& a, Context& context) {
  const std::string source = model_source_name(a.sim.file);
  const model::SystemModel m = load_model_with_sets(a.sim.file, a.sim.sets);
  model::EvaluateOptions eo;
  eo.find_max_throughput = false;
  const model::Evaluation e = evaluate_input(source, [&] { return model::evaluate(m, eo); });
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
  hint_cold_start(source, m, e, report ? &*report : nullptr, options);
  std::ostream& out = std::cout;
  const OutputFormat format = parse_format(a.sim.format);

  if (e.saturated || !report || report->saturated) {
    // No steady state on at least one side: they agree only if both say so.
    if (!report && !e.saturated) throw io::InputError(source, refusal);
    if (!report_no_steady_state(e, report ? &*report : nullptr, refusal, format, out))
      context.exit_code = 1;
    return;
  }

  const std::vector<Row> rows = model::compare_metrics(e, m, *report, a.tolerance);
  int failed = 0;
  for (const Row& r : rows) failed += r.pass ? 0 : 1;
  if (failed > 0) context.exit_code = 1;

  // Relative to the simulated value; undefined (null, "-") when only that is 0.
  const auto rel = [](const Row& r) -> std::optional<double> {
    if (r.simulated.mean != 0.0)
      return (r.analytic - r.simulated.mean) / std::abs(r.simulated.mean);
    if (r.analytic == 0.0) return 0.0;
    return std::nullopt;
  };
  if (format == OutputFormat::json) {
    nlohmann::json j;
    j["model"] = e.model_name;
    j["tolerance"] = a.tolerance;
    j["passed"] = failed == 0;
    j["failed_metrics"] = failed;
    nlohmann::json list = nlohmann::json::array();
    for (const Row& r : rows)
      list.push_back(
          {{"section", r.section},
           {"name", r.owner},
           {"metric", r.metric},
           {"unit", r.unit},
           {"analytic", r.analytic},
           {"simulated", r.simulated.mean},
           {"half_width", r.simulated.half_width},
           {"relative_difference", rel(r) ? nlohmann::json(*rel(r)) : nlohmann::json(nullptr)},
           {"absolute_floor", r.floor},
           {"pass", r.pass},
           {"passed_by", r.passed_by}});
    j["metrics"] = std::move(list);
    j["simulation"] = simulation_report_json(m, *report)["simulation"];
    out << j.dump(2) << '\n';
    return;
  }
  Table t(
      {"section", "name", "metric", "unit", "analytic", "simulated", "+- 95 %", "diff %", "ok"});
  for (const Row& r : rows)
    t.add_row({r.section, r.owner, r.metric, r.unit, general(r.analytic, 6),
               general(r.simulated.mean, 6), general(r.simulated.half_width, 3),
               rel(r) ? percent(*rel(r), 1) : "-", r.pass ? "yes (" + r.passed_by + ")" : "NO"});
  if (format == OutputFormat::csv) {
    t.print_csv(out);
    return;
  }
  out << "Model: " << e.model_name << ", arrival rate " << fixed(e.arrival_rate_per_s, 2)
      << "/s\nPass: |analytic - simulated| <= " << percent(a.tolerance, 0)
      << " % x |simulated|, or analytic inside the 95 % interval, or (near-zero metrics) "
         "below the floor: 0.01 per tx, 0.001 probability, 0.5 points, 1 % of the response "
         "time for its parts\nSimulation: "
      << report->interval_method << ", " << general(report->simulated_time_s, 5)
      << " simulated s, stop: " << report->stop_reason << "\n\n";
  t.print_wrapped(out, "Analytic vs simulated", 3);
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
  cmd->add_flag("--warm-start", args->sim.warm_start,
                "Simulate from filled buffers (see `tpeval simulate --warm-start`)");
  cmd->callback([args, &context] { validate(*args, context); });
}

}  // namespace tpeval::cli
