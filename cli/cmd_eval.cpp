// `tpeval eval [MODEL.json] [--set PATH=VALUE ...] [--format table|json|csv]`: analytic evaluation
// of a transaction system model (model/evaluate.hpp). Without a file the embedded Debit-Credit
// default (Rahm 1993 Tab. 6-6) is evaluated. Saturation is stated plainly with the bottleneck;
// never NaN.
#include <iostream>
#include <sstream>
#include <string>

#include "cli/command.hpp"
#include "cli/evaluate_input.hpp"
#include "cli/format.hpp"
#include "cli/simulate_model.hpp"
#include "model/document.hpp"
#include "model/evaluate.hpp"
#include "model/metrics_registry.hpp"
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

/// Clusters (docs/cluster.md): one row per node, then the B/T-style ratios per partition.
void print_cluster(const model::Evaluation& e, std::ostream& out) {
  if (e.nodes.empty()) return;
  out << '\n';
  Table nodes({"node", "rate/s", "response ms", "CPU %", "HS hit %", "messages/tx",
               "page requests/tx", "GEH entries/tx", "local locks %"});
  for (const auto& n : e.nodes)
    nodes.add_row({n.name, fixed(n.arrival_rate_per_s, 2),
                   n.response_time_s ? ms(*n.response_time_s) : "-", percent(n.cpu_utilization),
                   percent(n.hs_hit_ratio), fixed(n.messages_per_tx, 3),
                   fixed(n.page_requests_per_tx, 3), fixed(n.geh_entry_accesses_per_tx, 2),
                   n.local_lock_share ? percent(*n.local_lock_share) : "-"});
  nodes.print(out, "Nodes");
  out << '\n';
  Table parts({"partition", "HS hit %", "page request %", "disk read %"});
  for (const auto& p : e.partitions)
    parts.add_row({p.name, percent(p.hs_hit_ratio), percent(p.page_request_ratio),
                   percent(p.disk_read_ratio)});
  parts.print(out, "Where a referenced page comes from (all nodes)");
  if (e.page_request_time_s)
    out << "Page request (request to reply): " << ms(*e.page_request_time_s) << " ms\n";
  if (e.max_throughput_per_node_at_cpu_cap_per_s)
    out << "Maximum throughput per node at " << percent(e.cpu_utilization_cap)
        << " % CPU: " << fixed(*e.max_throughput_per_node_at_cpu_cap_per_s, 2) << "/s\n";
}

void print_table(const model::Evaluation& e, std::ostream& out) {
  out << "Model: " << e.model_name << '\n';
  if (e.terminals)  // closed workload: the arrival rate is the terminals' throughput
    out << e.terminals->count << " terminals, think time " << general(e.terminals->think_time_ms, 6)
        << " ms, arrival rate";
  else
    out << "Arrival rate";
  out << " " << fixed(e.arrival_rate_per_s, 2) << "/s";
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
  types.print_wrapped(
      out, "Response time per transaction type (reference-phase I/O by device below)", 1);
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
  counts.print_wrapped(out, "Per transaction", 1);
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
  parts.print_wrapped(out, "Partitions", 1);
  print_cluster(e, out);
  out << "\nLocks: conflict probability per request " << general(e.conflict_probability, 4)
      << ", deadlocks " << general(e.deadlock_rate_per_s, 4) << "/s, blocked share "
      << percent(e.blocked_share) << " %\n";
  for (const auto& w : e.warnings) out << "warning: " << w << '\n';
}

void print_csv(const model::Evaluation& e, std::ostream& out) {
  // Long format: one value per line, easy to filter in tools. Every metric of the registry
  // (model/metrics_registry.hpp) in its unit; a value that does not exist is an empty cell.
  Table t({"section", "name", "metric", "unit", "value"});
  t.add_row({"system", e.model_name, "bottleneck", "text", e.saturated ? e.bottleneck : ""});
  t.add_row(
      {"system", e.model_name, "max_throughput_limited_by", "text", e.max_throughput_limited_by});
  // Names are not built here (10^4 types: 2x10^5 metrics, issue #16).
  model::for_each_analytic_metric(e, [&t, &e](const model::MetricSpec& m, const std::string& owner,
                                              std::optional<double> value) {
    t.add_row({model::metric_scope_name(m.scope), owner.empty() ? e.model_name : owner, m.name,
               m.unit, value ? general(*value, 10) : ""});
  });
  for (const auto& w : e.warnings) t.add_row({"warning", e.model_name, "message", "text", w});
  t.print_csv(out);
}

}  // namespace

static void print_evaluation(const model::Evaluation& e, OutputFormat format, std::ostream& out) {
  switch (format) {
    case OutputFormat::table:
      print_table(e, out);
      break;
    case OutputFormat::json:
      model::write_json(e, out);  // streamed: 10^4 types make a tree of 10^6 nodes (issue #16)
      out << '\n';
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
  auto sets = std::make_shared<std::vector<std::string>>();
  cmd->add_option("model", *file, "Model JSON file (omit for the embedded default)");
  cmd->add_option("--set", *sets, "PATH=VALUE, e.g. workload.arrival_rate_per_s=300")
      ->allow_extra_args(false);
  cmd->add_option("--format", *format, "Output format")
      ->check(CLI::IsMember({"table", "json", "csv"}));
  cmd->callback([file, format, sets]() {
    const model::SystemModel m = load_model_with_sets(*file, *sets);
    const auto e = evaluate_input(model_source_name(*file), [&] { return model::evaluate(m); });
    print_evaluation(e, parse_format(*format), std::cout);
  });
}

}  // namespace tpeval::cli
