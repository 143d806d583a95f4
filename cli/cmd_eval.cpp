// `tpeval eval [MODEL.json] [--format table|json|csv]`: analytic evaluation of a transaction
// system model (model/evaluate.hpp). Without a file the embedded Debit-Credit default (Rahm 1993
// Tab. 6-6) is evaluated. Saturation is stated plainly with the bottleneck; never NaN.
#include <iostream>
#include <sstream>
#include <string>

#include "cli/command.hpp"
#include "cli/format.hpp"
#include "model/document.hpp"
#include "model/evaluate.hpp"
#include "model/parse.hpp"
#include "model/result_json.hpp"

namespace tpeval::cli {
namespace {

std::string ms(double seconds) {
  return fixed(seconds * 1000.0, 3);
}

std::string servers_text(int servers) {
  return servers > 0 ? std::to_string(servers) : "enough";
}

void print_table(const model::Evaluation& e, std::ostream& out) {
  out << "Model: " << e.model_name << '\n';
  out << "Arrival rate " << fixed(e.arrival_rate_per_s, 2) << "/s";
  if (e.saturated) {
    out << ": SATURATED - bottleneck " << e.bottleneck << " (" << e.saturation_reason
        << "); no steady state, response times undefined\n";
  } else {
    out << ", throughput " << fixed(e.throughput_per_s, 2) << "/s, mean response time "
        << ms(*e.mean_response_time_s) << " ms, " << fixed(e.mean_active_transactions, 2)
        << " transactions active on average\n";
  }
  if (e.max_throughput_per_s)
    out << "Maximum sustainable throughput " << fixed(*e.max_throughput_per_s, 2)
        << "/s, limited by " << e.max_throughput_limited_by << '\n';
  out << "Hit ratios per record reference: HS " << percent(e.hs_hit_ratio) << " %, EH "
      << percent(e.eh_hit_ratio) << " %, disk cache " << percent(e.dc_hit_ratio) << " %\n\n";

  Table types({"type", "rate/s", "response ms", "cpu ms", "cpu wait ms", "EH ms", "I/O ms",
               "lock wait ms", "commit ms", "input queue ms"});
  for (const auto& t : e.types) {
    if (!t.response_time_s) {
      types.add_row({t.name, fixed(t.arrival_rate_per_s, 2), "saturated"});
      continue;
    }
    const auto& b = t.breakdown;
    double io = 0.0;
    for (const auto& [dev, s] : b.io_s) io += s;
    types.add_row({t.name, fixed(t.arrival_rate_per_s, 2), ms(*t.response_time_s),
                   ms(b.cpu_service_s), ms(b.cpu_wait_s), ms(b.extended_memory_s), ms(io),
                   ms(b.lock_wait_s), ms(b.commit_io_s), ms(b.input_queue_s)});
  }
  types.print(out, "Response time per transaction type (reference-phase I/O by device below)");
  out << '\n';

  Table io({"type", "device", "I/O ms"});
  for (const auto& t : e.types)
    for (const auto& [dev, s] : t.breakdown.io_s) io.add_row({t.name, dev, ms(s)});
  if (!io.empty()) {
    io.print(out, "Reference-phase I/O time per device pool");
    out << '\n';
  }

  Table counts({"type", "misses", "reads", "victim wr", "FORCE wr", "log wr", "sync wr", "async wr",
                "EH acc", "I/Os", "instructions", "conflict P", "deadlock P"});
  for (const auto& t : e.types)
    counts.add_row({t.name, fixed(t.page_misses, 3), fixed(t.reads, 3), fixed(t.victim_writes, 3),
                    fixed(t.force_writes, 3), fixed(t.log_writes, 3),
                    fixed(t.synchronous_writes, 3), fixed(t.asynchronous_writes, 3),
                    fixed(t.eh_accesses, 3), fixed(t.io_operations, 3),
                    fixed(t.cpu_instructions, 0), general(t.conflict_probability, 4),
                    general(t.deadlock_probability, 4)});
  counts.print(out, "Per transaction");
  out << '\n';

  Table servers({"server", "kind", "servers", "offered load", "utilization %"});
  for (const auto& s : e.servers) {
    if (s.offered_load <= 0) continue;
    servers.add_row({s.name, model::station_kind_name(s.kind), servers_text(s.servers),
                     fixed(s.offered_load, 4), s.servers > 0 ? percent(s.utilization) : "-"});
  }
  servers.print(out, "Servers (\"enough\" pools never queue; offered load = mean busy devices)");
  out << '\n';

  Table parts({"partition", "refs/s", "HS hit %", "EH hit %", "DC hit %", "dirty victim P",
               "lock conflict P"});
  for (const auto& p : e.partitions)
    parts.add_row({p.name, fixed(p.references_per_s, 2), percent(p.hs_hit_ratio),
                   percent(p.eh_hit_ratio), percent(p.dc_hit_ratio),
                   fixed(p.dirty_victim_probability, 3), general(p.lock_conflict_probability, 4)});
  parts.print(out, "Partitions");
  out << "\nLocks: conflict probability per request " << general(e.conflict_probability, 4)
      << ", deadlocks " << general(e.deadlock_rate_per_s, 4) << "/s, blocked share "
      << percent(e.blocked_share) << " %\n";
  for (const auto& w : e.warnings) out << "warning: " << w << '\n';
}

void print_csv(const model::Evaluation& e, std::ostream& out) {
  // Long format: one value per line, easy to filter in tools.
  Table t({"section", "name", "metric", "value"});
  const auto row = [&](const std::string& s, const std::string& n, const std::string& m,
                       const std::string& v) {
    t.add_row({s, n, m, v});
  };
  row("system", e.model_name, "arrival_rate_per_s", general(e.arrival_rate_per_s, 10));
  row("system", e.model_name, "saturated", e.saturated ? "true" : "false");
  row("system", e.model_name, "bottleneck", e.saturated ? e.bottleneck : "");
  row("system", e.model_name, "throughput_per_s", general(e.throughput_per_s, 10));
  row("system", e.model_name, "mean_response_time_s",
      e.mean_response_time_s ? general(*e.mean_response_time_s, 10) : "");
  row("system", e.model_name, "max_throughput_per_s",
      e.max_throughput_per_s ? general(*e.max_throughput_per_s, 10) : "");
  row("system", e.model_name, "max_throughput_limited_by", e.max_throughput_limited_by);
  row("system", e.model_name, "hs_hit_ratio", general(e.hs_hit_ratio, 10));
  row("system", e.model_name, "eh_hit_ratio", general(e.eh_hit_ratio, 10));
  row("system", e.model_name, "dc_hit_ratio", general(e.dc_hit_ratio, 10));
  row("system", e.model_name, "conflict_probability", general(e.conflict_probability, 10));
  row("system", e.model_name, "deadlock_rate_per_s", general(e.deadlock_rate_per_s, 10));
  for (const auto& ty : e.types) {
    row("type", ty.name, "response_time_s",
        ty.response_time_s ? general(*ty.response_time_s, 10) : "");
    row("type", ty.name, "throughput_per_s", general(ty.throughput_per_s, 10));
    row("type", ty.name, "cpu_service_s", general(ty.breakdown.cpu_service_s, 10));
    row("type", ty.name, "cpu_wait_s", general(ty.breakdown.cpu_wait_s, 10));
    row("type", ty.name, "extended_memory_s", general(ty.breakdown.extended_memory_s, 10));
    for (const auto& [dev, s] : ty.breakdown.io_s)
      row("type", ty.name, "io_s." + dev, general(s, 10));
    row("type", ty.name, "lock_wait_s", general(ty.breakdown.lock_wait_s, 10));
    row("type", ty.name, "commit_io_s", general(ty.breakdown.commit_io_s, 10));
    row("type", ty.name, "input_queue_s", general(ty.breakdown.input_queue_s, 10));
    row("type", ty.name, "page_misses", general(ty.page_misses, 10));
    row("type", ty.name, "reads", general(ty.reads, 10));
    row("type", ty.name, "synchronous_writes", general(ty.synchronous_writes, 10));
    row("type", ty.name, "asynchronous_writes", general(ty.asynchronous_writes, 10));
    row("type", ty.name, "log_writes", general(ty.log_writes, 10));
    row("type", ty.name, "conflict_probability", general(ty.conflict_probability, 10));
  }
  for (const auto& s : e.servers) {
    row("server", s.name, "offered_load", general(s.offered_load, 10));
    row("server", s.name, "utilization", general(s.utilization, 10));
  }
  for (const auto& p : e.partitions) {
    row("partition", p.name, "hs_hit_ratio", general(p.hs_hit_ratio, 10));
    row("partition", p.name, "eh_hit_ratio", general(p.eh_hit_ratio, 10));
    row("partition", p.name, "dc_hit_ratio", general(p.dc_hit_ratio, 10));
  }
  for (const auto& w : e.warnings) row("warning", e.model_name, "message", w);
  t.print_csv(out);
}

}  // namespace

static void print_evaluation(const model::Evaluation& e, OutputFormat format, std::ostream& out) {
  switch (format) {
    case OutputFormat::table:
      print_table(e, out);
      break;
    case OutputFormat::json:
      out << model::to_json(e).dump(2) << '\n';
      break;
    case OutputFormat::csv:
      print_csv(e, out);
      break;
  }
}

void add_eval_command(CLI::App& app, Context& /*context*/) {
  auto* cmd = app.add_subcommand(
      "eval", "Evaluate a transaction-system model analytically (default: Debit-Credit, Tab. 6-6)");
  auto file = std::make_shared<std::string>();
  auto format = std::make_shared<std::string>("table");
  cmd->add_option("model", *file, "Model JSON file (omit for the embedded default)");
  cmd->add_option("--format", *format, "Output format")
      ->check(CLI::IsMember({"table", "json", "csv"}));
  cmd->callback([file, format]() {
    const auto e = parse_input_file(model_source_name(*file), [&] {
      return model::evaluate(model::parse_model(model::load_model_document(*file)));
    });
    print_evaluation(e, parse_format(*format), std::cout);
  });
}

}  // namespace tpeval::cli
