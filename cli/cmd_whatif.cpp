// `tpeval whatif [MODEL.json] --set PATH=VALUE ... [--sweep PATH=START:STOP:STEP ...]
// [--compare PATH=VALUE[;PATH=VALUE] ...] [--format table|json|csv]`: change parameters of a
// model by their JSON path (model/overrides.hpp), sweep one or two of them into a table, or put
// variants side by side. Unknown paths are errors naming the closest valid path (exit 2).
#include <algorithm>
#include <iostream>
#include <ostream>
#include <string>
#include <vector>

#include "cli/command.hpp"
#include "cli/format.hpp"
#include "model/document.hpp"
#include "model/evaluate.hpp"
#include "model/overrides.hpp"
#include "model/parse.hpp"
#include "solver/io/json_input.hpp"

namespace tpeval::cli {
namespace {

struct Metric {
  std::string name;
  std::string text;  // formatted for tables
  nlohmann::json value;
};

/// Explanations of bottlenecks, printed once below a table instead of in every cell:
/// "log_disk.disk (its queueing lengthens lock holding: ...)" becomes the cell "log_disk.disk"
/// and a note "log_disk.disk: its queueing lengthens lock holding: ...".
class Notes {
 public:
  /// The cell text for `full`; remembers the explanation when the format is a table.
  std::string cell(const std::string& full, bool table) {
    const std::size_t open = full.find(" (");
    if (!table || open == std::string::npos || full.back() != ')') return full;
    const std::string head = full.substr(0, open);
    const std::string note = head + ": " + full.substr(open + 2, full.size() - open - 3);
    if (std::find(notes_.begin(), notes_.end(), note) == notes_.end()) notes_.push_back(note);
    return head;
  }
  void print(std::ostream& out) const {
    if (notes_.empty()) return;
    out << "\nWhy:\n";
    for (const auto& n : notes_) out << "  " << n << '\n';
  }

 private:
  std::vector<std::string> notes_;
};

std::vector<Metric> summary(const model::Evaluation& e, Notes& notes, bool table) {
  std::vector<Metric> m;
  const auto num = [&](const std::string& name, double v, int digits, double scale = 1.0) {
    m.push_back({name, fixed(v * scale, digits), v});
  };
  const auto opt = [&](const std::string& name, const std::optional<double>& v, int digits,
                       double scale = 1.0) {
    if (v)
      m.push_back({name, fixed(*v * scale, digits), *v});
    else
      m.push_back({name, "saturated", nullptr});
  };
  num("arrival_rate_per_s", e.arrival_rate_per_s, 2);
  num("throughput_per_s", e.throughput_per_s, 2);
  opt("response_time_ms", e.mean_response_time_s, 3, 1000.0);
  m.push_back({"bottleneck", e.saturated ? notes.cell(e.bottleneck, table) : "-",
               e.saturated ? nlohmann::json(e.bottleneck) : nlohmann::json(nullptr)});
  opt("max_throughput_per_s", e.max_throughput_per_s, 2);
  m.push_back(
      {"limited_by", notes.cell(e.max_throughput_limited_by, table), e.max_throughput_limited_by});
  double cpu = 0.0;
  for (const auto& s : e.servers)
    if (s.kind == model::StationKind::cpu) cpu = s.utilization;
  num("cpu_utilization_pct", cpu, 1, 100.0);
  num("hs_hit_pct", e.hs_hit_ratio, 2, 100.0);
  num("eh_hit_pct", e.eh_hit_ratio, 2, 100.0);
  num("dc_hit_pct", e.dc_hit_ratio, 2, 100.0);
  double io = 0.0, writes = 0.0;
  for (const auto& t : e.types) {
    const double share =
        e.arrival_rate_per_s > 0 ? t.arrival_rate_per_s / e.arrival_rate_per_s : 0.0;
    io += share * t.io_operations;
    writes += share * (t.synchronous_writes + t.asynchronous_writes);
  }
  num("ios_per_tx", io, 3);
  num("writes_per_tx", writes, 3);
  num("conflict_probability", e.conflict_probability, 5);
  return m;
}

// Errors of a variant are errors of the model file it was derived from (with --set applied).
model::Evaluation run(const nlohmann::json& doc, const std::string& source) {
  return parse_input_file(source, [&] { return model::evaluate(model::parse_model(doc)); });
}

void emit(const Table& table, const nlohmann::json& json, OutputFormat format,
          const std::string& title, const Notes& notes) {
  switch (format) {
    case OutputFormat::table:
      table.print(std::cout, title);
      notes.print(std::cout);
      break;
    case OutputFormat::csv:
      table.print_csv(std::cout);
      break;
    case OutputFormat::json:
      std::cout << json.dump(2) << '\n';
      break;
  }
}

}  // namespace

void add_whatif_command(CLI::App& app, Context& /*context*/) {
  auto* cmd = app.add_subcommand("whatif",
                                 "Change model parameters by JSON path; sweep or compare variants");
  struct Args {
    std::string file;
    std::vector<std::string> sets, sweeps, compares;
    std::string format = "table";
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("model", a->file, "Model JSON file (omit for the embedded default)");
  cmd->add_option("--set", a->sets, "PATH=VALUE, e.g. workload.arrival_rate_per_s=300")
      ->allow_extra_args(false);
  cmd->add_option("--sweep", a->sweeps, "PATH=START:STOP:STEP (one or two)")
      ->allow_extra_args(false);
  cmd->add_option("--compare", a->compares, "A variant: PATH=VALUE[;PATH=VALUE...]")
      ->allow_extra_args(false);
  cmd->add_option("--format", a->format, "Output format")
      ->check(CLI::IsMember({"table", "json", "csv"}));
  cmd->callback([a]() {
    const OutputFormat format = parse_format(a->format);
    const bool table = format == OutputFormat::table;
    Notes notes;
    const std::string source = model_source_name(a->file);
    nlohmann::json base = model::load_model_document(a->file);
    for (const auto& s : a->sets) {
      const auto as = model::parse_assignment(s);
      model::set_parameter(base, as.path, as.value);
    }
    if (a->sweeps.size() > 2) throw io::InputError("--sweep", "at most two sweeps");
    if (!a->sweeps.empty() && !a->compares.empty())
      throw io::InputError("--compare", "cannot be combined with --sweep");

    if (!a->sweeps.empty()) {
      std::vector<model::Sweep> sw;
      for (const auto& s : a->sweeps) sw.push_back(model::parse_sweep(s));
      // The same cap for one and two axes: each point is one evaluation (docs/model.md).
      if (sw.size() > 1 && sw[0].values.size() * sw[1].values.size() > 100'000)
        throw io::InputError(
            "--sweep", "the two sweeps give " + std::to_string(sw[0].values.size()) + " x " +
                           std::to_string(sw[1].values.size()) + " points; at most 100000 allowed");
      // Check the paths once before the loop so a typo fails fast.
      for (const auto& s : sw) {
        nlohmann::json probe = base;
        model::set_parameter(probe, s.path, s.values.front());
      }
      const std::vector<double> second = sw.size() > 1 ? sw[1].values : std::vector<double>{0.0};
      std::vector<std::string> headers{sw[0].path};
      if (sw.size() > 1) headers.push_back(sw[1].path);
      std::vector<Metric> first_metrics;
      nlohmann::json rows = nlohmann::json::array();
      std::vector<std::vector<std::string>> cells;
      for (double v0 : sw[0].values) {
        for (double v1 : second) {
          nlohmann::json doc = base;
          model::set_parameter(doc, sw[0].path, v0);
          if (sw.size() > 1) model::set_parameter(doc, sw[1].path, v1);
          const auto metrics = summary(run(doc, source), notes, table);
          if (first_metrics.empty()) first_metrics = metrics;
          std::vector<std::string> row{general(v0, 8)};
          nlohmann::json jr = {{sw[0].path, v0}};
          if (sw.size() > 1) {
            row.push_back(general(v1, 8));
            jr[sw[1].path] = v1;
          }
          for (const auto& m : metrics) {
            row.push_back(m.text);
            jr[m.name] = m.value;
          }
          cells.push_back(std::move(row));
          rows.push_back(std::move(jr));
        }
      }
      for (const auto& m : first_metrics) headers.push_back(m.name);
      Table t(headers);
      for (auto& r : cells) t.add_row(std::move(r));
      emit(t, rows, format, "Sweep", notes);
      return;
    }

    // Variants side by side: the base (with --set applied) and one column per --compare.
    std::vector<std::string> names{"base"};
    std::vector<nlohmann::json> docs{base};
    for (const auto& c : a->compares) {
      nlohmann::json doc = base;
      std::size_t pos = 0;
      while (pos <= c.size()) {
        const std::size_t end = std::min(c.find(';', pos), c.size());
        const std::string part = c.substr(pos, end - pos);
        if (!part.empty()) {
          const auto as = model::parse_assignment(part);
          model::set_parameter(doc, as.path, as.value);
        }
        pos = end + 1;
      }
      names.push_back(c);
      docs.push_back(std::move(doc));
    }
    std::vector<std::vector<Metric>> results;
    for (const auto& d : docs) results.push_back(summary(run(d, source), notes, table));
    std::vector<std::string> headers{"metric"};
    for (const auto& n : names) headers.push_back(n);
    Table t(headers);
    nlohmann::json out = nlohmann::json::array();
    for (std::size_t v = 0; v < docs.size(); ++v) {
      nlohmann::json jv = {{"variant", names[v]}};
      for (const auto& m : results[v]) jv[m.name] = m.value;
      out.push_back(jv);
    }
    for (std::size_t i = 0; i < results.front().size(); ++i) {
      std::vector<std::string> row{results.front()[i].name};
      for (const auto& r : results) row.push_back(r[i].text);
      t.add_row(std::move(row));
    }
    emit(t, out, format, a->compares.empty() ? "What-if" : "Variants", notes);
  });
}

}  // namespace tpeval::cli
