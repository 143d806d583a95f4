// `tpeval whatif [MODEL.json] --set PATH=VALUE ... [--sweep AXIS ...] [--compare VARIANT ...]
// [--metrics a,b,c] [--goal 'METRIC<=X' [--minimize PATH | --maximize PATH]] [--plot FILE]
// [--format table|json|csv]`: the capacity planner's questions in one command.
//
// - Parameters change by JSON path (model/overrides.hpp); unknown paths name the closest one.
// - A sweep axis is numeric (PATH=START:STOP:STEP) or categorical (PATH=a,b,c); at most two.
// - A variant is "NAME: PATH=VALUE, PATH=VALUE" (or unnamed "PATH=VALUE;PATH=VALUE"); with a
//   sweep, every variant is swept.
// - Columns are metric names of the registry (model/metrics_registry.hpp) in their units, plus
//   the text columns "bottleneck" and "limited_by"; the default adds the response time of every
//   transaction type and the utilization of every server pool in use.
// - Goal seeking: the largest value of a continuous parameter (default: the arrival rate) or the
//   smallest value of an integer parameter (--minimize nodes[0].cpu.count) that meets every goal,
//   by bisection; printed with the metric values at the answer, the margin to each goal and the
//   binding resource (the busiest server at the answer).
// - --plot draws the first metric over the first numeric sweep axis with gnuplot (Debian package
//   gnuplot-nox: a plotting program, not a library, so the binary needs no Python or graphics
//   library at run time; without it --plot is refused with exit 2), one line per variant.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "cli/command.hpp"
#include "cli/evaluate_input.hpp"
#include "cli/format.hpp"
#include "model/document.hpp"
#include "model/evaluate.hpp"
#include "model/metrics_registry.hpp"
#include "model/overrides.hpp"
#include "model/parse.hpp"
#include "solver/io/json_input.hpp"

namespace tpeval::cli {
namespace {

using nlohmann::json;
using ordered = nlohmann::ordered_json;  // outputs keep the column order

/// Explanations of bottlenecks, printed once below a table instead of in every cell:
/// "log_disk.disk (its queueing lengthens lock holding: ...)" becomes the cell "log_disk.disk"
/// and a note "log_disk.disk: its queueing lengthens lock holding: ...".
class Notes {
 public:
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

// ---------------------------------------------------------------- axes and variants ----------

struct Axis {
  std::string path;
  std::vector<json> values;
  bool numeric = true;
};

/// Splits "a, b; c" at ',' and ';' outside brackets and quotes (values may be JSON arrays).
std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> out{""};
  int depth = 0;
  bool quoted = false;
  for (char c : text) {
    if (c == '"') quoted = !quoted;
    if (!quoted && (c == '[' || c == '{')) ++depth;
    if (!quoted && (c == ']' || c == '}')) --depth;
    if (!quoted && depth == 0 && (c == ',' || c == ';')) {
      out.emplace_back();
      continue;
    }
    out.back() += c;
  }
  for (auto& s : out) {
    const auto b = s.find_first_not_of(' '), e = s.find_last_not_of(' ');
    s = b == std::string::npos ? "" : s.substr(b, e - b + 1);
  }
  out.erase(std::remove(out.begin(), out.end(), ""), out.end());
  return out;
}

/// "PATH=START:STOP:STEP" (numeric) or "PATH=a,b,c" (categorical; values as in --set).
Axis parse_axis(const std::string& text, std::size_t max_points) {
  const std::size_t eq = text.find('=');
  if (eq == std::string::npos || eq == 0)
    throw io::InputError("--sweep",
                         "expected PATH=START:STOP:STEP or PATH=a,b,c, got '" + text + "'");
  Axis a;
  a.path = text.substr(0, eq);
  const std::string rhs = text.substr(eq + 1);
  if (std::count(rhs.begin(), rhs.end(), ':') == 2 && rhs.find(',') == std::string::npos) {
    for (double v : model::parse_sweep(text, max_points).values) a.values.emplace_back(v);
    return a;
  }
  for (const auto& item : split_list(rhs)) {
    a.values.push_back(model::parse_assignment(a.path + "=" + item).value);
    if (!a.values.back().is_number()) a.numeric = false;
  }
  if (a.values.empty()) throw io::InputError(a.path, "the sweep has no values");
  if (a.values.size() > max_points)
    throw io::InputError(a.path, "sweep has " + std::to_string(a.values.size()) +
                                     " points; at most " + std::to_string(max_points) + " allowed");
  return a;
}

struct Variant {
  std::string name;
  json doc;
};

/// "NAME: PATH=VALUE, PATH=VALUE" or "PATH=VALUE;PATH=VALUE" (named by its text).
Variant parse_variant(const std::string& text, const json& base) {
  Variant v{text, base};
  std::string settings = text;
  const std::size_t colon = text.find(':'), eq = text.find('=');
  if (colon != std::string::npos && (eq == std::string::npos || colon < eq)) {
    v.name = text.substr(0, colon);
    settings = text.substr(colon + 1);
    const auto b = v.name.find_first_not_of(' '), e = v.name.find_last_not_of(' ');
    v.name = b == std::string::npos ? "" : v.name.substr(b, e - b + 1);
    if (v.name.empty()) throw io::InputError("--compare", "empty variant name in '" + text + "'");
  }
  const auto parts = split_list(settings);
  if (parts.empty()) throw io::InputError("--compare", "variant '" + text + "' sets nothing");
  for (const auto& part : parts) {
    const auto as = model::parse_assignment(part);
    model::set_parameter(v.doc, as.path, as.value);
  }
  return v;
}

// ---------------------------------------------------------------- columns --------------------

struct Column {
  std::string name;
  std::string unit;  ///< empty for the text columns
};

bool is_text_column(const std::string& name) {
  return name == "bottleneck" || name == "limited_by";
}

std::vector<Column> default_columns(const model::Evaluation& e, bool with_max_throughput) {
  std::vector<std::string> names = {"arrival_rate_per_s", "throughput_per_s", "response_time_ms",
                                    "bottleneck"};
  if (with_max_throughput) {
    names.emplace_back("max_throughput_per_s");
    names.emplace_back("limited_by");
  }
  for (const char* n : {"cpu_utilization_pct", "hs_hit_pct", "eh_hit_pct", "dc_hit_pct",
                        "ios_per_tx", "writes_per_tx", "conflict_probability"})
    names.emplace_back(n);
  if (e.types.size() > 1)
    for (const auto& t : e.types) names.push_back("response_time_ms:" + t.name);
  for (const auto& s : e.servers)
    if (s.servers > 0 && s.offered_load > 0.0 && s.kind != model::StationKind::cpu)
      names.push_back("utilization_pct:" + s.name);
  std::vector<Column> out;
  for (const auto& n : names)
    out.push_back({n, is_text_column(n) ? "" : model::resolve_metric(n, "--metrics").spec->unit});
  return out;
}

std::vector<Column> chosen_columns(const std::string& list) {
  std::vector<Column> out;
  for (const auto& n : split_list(list)) {
    if (is_text_column(n)) {
      out.push_back({n, ""});
      continue;
    }
    out.push_back({n, model::resolve_metric(n, "--metrics").spec->unit});
  }
  if (out.empty()) throw io::InputError("--metrics", "names no metric");
  return out;
}

bool needs_max_throughput(const std::vector<Column>& columns) {
  for (const auto& c : columns)
    if (c.name == "limited_by" ||
        (!is_text_column(c.name) &&
         model::resolve_metric(c.name, "--metrics").spec->needs_max_throughput))
      return true;
  return false;
}

/// A chosen per-type/server/partition metric must name an owner of the (first) evaluation.
void check_owners(const std::vector<Column>& columns, const model::Evaluation& e) {
  for (const auto& c : columns)
    if (!is_text_column(c.name)) (void)model::analytic_metric(e, c.name);
}

struct Cell {
  std::string text;
  json value;
};

Cell cell(const Column& c, const model::Evaluation& e, Notes& notes, bool table) {
  if (c.name == "bottleneck")
    return {e.saturated ? notes.cell(e.bottleneck, table)
            : table     ? "-"
                        : "",
            e.saturated ? json(e.bottleneck) : json(nullptr)};
  if (c.name == "limited_by") {
    if (e.max_throughput_limited_by.empty()) return {table ? "-" : "", nullptr};
    return {notes.cell(e.max_throughput_limited_by, table), e.max_throughput_limited_by};
  }
  // Owners absent in this variant (a device pool it does not have) give an empty cell.
  const model::MetricRef ref = model::resolve_metric(c.name, "--metrics");
  const std::optional<double> v = ref.spec->analytic(e, ref.owner);
  // CSV leaves a value that does not exist empty; tables say why.
  if (!v) return {!table ? "" : e.saturated ? "saturated" : "-", nullptr};
  return {table ? metric_text(*v, c.unit) : general(*v, 10), *v};
}

std::string header(const Column& c) {
  return c.unit.empty() || c.name.find(c.unit) != std::string::npos ||
                 (c.unit == "%" && c.name.find("_pct") != std::string::npos) ||
                 (c.unit == "1/s" && c.name.find("_per_s") != std::string::npos) ||
                 (c.unit == "per tx" && c.name.find("_per_tx") != std::string::npos)
             ? c.name
             : c.name + " [" + c.unit + "]";
}

// ---------------------------------------------------------------- evaluation -----------------

struct Evaluator {
  std::string source;
  model::Evaluation operator()(const json& doc, bool max_throughput) const {
    const model::SystemModel m = parse_input_file(source, [&] { return model::parse_model(doc); });
    model::EvaluateOptions o;
    o.find_max_throughput = max_throughput;
    return evaluate_input(source, [&] { return model::evaluate(m, o); });
  }
};

std::string value_text(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number()) return general(v.get<double>(), 8);
  return v.dump();
}

void emit(const Table& table, std::size_t keys, const ordered& j, OutputFormat format,
          const std::string& title, const Notes& notes) {
  switch (format) {
    case OutputFormat::table:
      table.print_wrapped(std::cout, title, keys);
      notes.print(std::cout);
      break;
    case OutputFormat::csv:
      table.print_csv(std::cout);
      break;
    case OutputFormat::json:
      std::cout << j.dump(2) << '\n';
      break;
  }
}

// ---------------------------------------------------------------- goal seeking ---------------

struct Goal {
  std::string metric;
  bool at_most = true;
  double threshold = 0.0;
  std::string text;
};

Goal parse_goal(const std::string& text) {
  Goal g;
  g.text = text;
  std::size_t op = text.find("<=");
  std::size_t len = 2;
  if (op == std::string::npos) {
    op = text.find(">=");
    g.at_most = false;
  }
  if (op == std::string::npos) {
    op = text.find_first_of("<>");
    len = 1;
    if (op != std::string::npos) g.at_most = text[op] == '<';
  }
  if (op == std::string::npos || op == 0)
    throw io::InputError("--goal", "expected METRIC<=VALUE or METRIC>=VALUE, got '" + text + "'");
  g.metric = text.substr(0, op);
  g.metric.erase(std::remove(g.metric.begin(), g.metric.end(), ' '), g.metric.end());
  model::check_metric_name(g.metric, "--goal");
  const std::string number = text.substr(op + len);
  char* end = nullptr;
  g.threshold = std::strtod(number.c_str(), &end);
  if (number.empty() || end == number.c_str() || !std::isfinite(g.threshold) ||
      std::string(end).find_first_not_of(' ') != std::string::npos)
    throw io::InputError("--goal", "'" + number + "' is not a number");
  return g;
}

/// Margin to the goal in the metric's unit (>= 0 when met), nullopt when the metric has no value.
std::optional<double> margin(const Goal& g, const model::Evaluation& e) {
  const auto v = model::analytic_metric(e, g.metric);
  if (!v) return std::nullopt;
  return g.at_most ? g.threshold - *v : *v - g.threshold;
}

bool meets(const std::vector<Goal>& goals, const model::Evaluation& e) {
  if (e.saturated) return false;
  for (const auto& g : goals) {
    const auto m = margin(g, e);
    if (!m || *m < 0.0) return false;
  }
  return true;
}

/// The busiest server: what limits the answer (a saturated point names its bottleneck).
std::pair<std::string, double> binding_resource(const model::Evaluation& e) {
  if (e.saturated) return {e.bottleneck, 100.0};
  std::pair<std::string, double> best{"-", 0.0};
  for (const auto& s : e.servers)
    if (s.servers > 0 && 100.0 * s.utilization > best.second)
      best = {s.name, 100.0 * s.utilization};
  return best;
}

struct SeekResult {
  std::optional<double> answer;
  std::string why_not;
  std::optional<model::Evaluation> at_answer;
  int evaluations = 0;
};

struct Seeker {
  const Evaluator& evaluate;
  const std::vector<Goal>& goals;
  std::string path;
  int evaluations = 0;

  model::Evaluation at(const json& doc, double x) {
    json d = doc;
    model::set_parameter(d, path, x);
    ++evaluations;
    return evaluate(d, false);
  }
  // An out-of-range value (a CPU count the model refuses) cannot meet the goal.
  bool ok(const json& doc, double x) {
    try {
      return meets(goals, at(doc, x));
    } catch (const io::InputError&) {
      return false;
    }
  }

  /// The largest x meeting the goals (continuous), by bracketing and bisection to 1e-6 relative.
  SeekResult maximize(const json& doc, bool arrival_rate) {
    SeekResult r;
    double hi = 1.0;
    if (arrival_rate) {
      // The saturation limit bounds the answer from above.
      ++evaluations;
      const auto e = evaluate(doc, true);
      if (!e.max_throughput_per_s) {
        r.why_not = "the model has no sustainable arrival rate";
        return r;
      }
      hi = *e.max_throughput_per_s;
    } else {
      for (int i = 0; i < 60 && ok(doc, hi); ++i) hi *= 2.0;
      if (ok(doc, hi)) {
        r.why_not = "the goal holds for every value tried up to " + general(hi, 6);
        return r;
      }
    }
    double lo = hi;
    for (int i = 0; i < 40 && !ok(doc, lo); ++i) lo /= 2.0;
    if (!ok(doc, lo)) {
      r.why_not = "no value of " + path + " down to " + general(lo, 3) + " meets the goal";
      return r;
    }
    while (hi - lo > 1e-6 * hi) {
      const double mid = 0.5 * (lo + hi);
      (ok(doc, mid) ? lo : hi) = mid;
    }
    r.answer = lo;
    r.at_answer = at(doc, lo);
    return r;
  }

  /// The smallest integer x >= 1 meeting the goals, by doubling and bisection.
  SeekResult minimize(const json& doc) {
    SeekResult r;
    long lo = 0, hi = 1;  // invariant: lo fails (0 = below the range), hi is being tried
    constexpr long kLimit = 1L << 20;
    while (!ok(doc, static_cast<double>(hi))) {
      lo = hi;
      hi *= 2;
      if (hi > kLimit) {
        r.why_not = "no value of " + path + " up to " + std::to_string(kLimit) + " meets the goal";
        return r;
      }
    }
    while (hi - lo > 1) {
      const long mid = lo + (hi - lo) / 2;
      (ok(doc, static_cast<double>(mid)) ? hi : lo) = mid;
    }
    r.answer = static_cast<double>(hi);
    r.at_answer = at(doc, static_cast<double>(hi));
    return r;
  }
};

void goal_seek(const std::vector<Variant>& variants, const std::vector<Goal>& goals,
               const std::string& minimize, const std::string& maximize, const Evaluator& evaluate,
               OutputFormat format) {
  const bool integer = !minimize.empty();
  const std::string path = integer ? minimize : maximize;
  // A goal on a type, server or partition the model does not have is an input error.
  const model::Evaluation first = evaluate(variants.front().doc, false);
  for (const auto& g : goals) (void)model::analytic_metric(first, g.metric);
  const bool rate = path == "workload.arrival_rate_per_s";
  std::vector<std::string> headers{"variant", path};
  for (const auto& g : goals) {
    headers.push_back(g.metric);
    headers.push_back("margin");
  }
  headers.insert(headers.end(), {"binding resource", "utilization %"});
  Table t(headers);
  ordered out = ordered::array();
  for (const auto& v : variants) {
    Seeker s{evaluate, goals, path};
    const SeekResult r = integer ? s.minimize(v.doc) : s.maximize(v.doc, rate);
    ordered jv = {{"variant", v.name}, {"parameter", path}, {"evaluations", s.evaluations}};
    std::vector<std::string> row{v.name};
    if (!r.answer || !r.at_answer) {
      jv["answer"] = nullptr;
      jv["reason"] = r.why_not;
      row.push_back("none: " + r.why_not);
      t.add_row(row);
      out.push_back(jv);
      continue;
    }
    jv["answer"] = *r.answer;
    row.push_back(integer ? fixed(*r.answer, 0) : general(*r.answer, 6));
    json metrics = json::object(), margins = json::object();
    for (const auto& g : goals) {
      const auto value = model::analytic_metric(*r.at_answer, g.metric);
      const auto m = margin(g, *r.at_answer);
      const std::string unit = model::resolve_metric(g.metric, "--goal").spec->unit;
      metrics[g.metric] = value ? json(*value) : json(nullptr);
      margins[g.metric] = m ? json(*m) : json(nullptr);
      row.push_back(value ? metric_text(*value, unit) : "-");
      row.push_back(m ? metric_text(*m, unit) : "-");
    }
    const auto [resource, utilization] = binding_resource(*r.at_answer);
    jv["metrics"] = metrics;
    jv["margin"] = margins;
    jv["binding_resource"] = resource;
    jv["binding_utilization_pct"] = utilization;
    row.insert(row.end(), {resource, fixed(utilization, 1)});
    t.add_row(row);
    out.push_back(jv);
  }
  std::string title = std::string(integer ? "Smallest " : "Largest ") + path + " meeting";
  for (const auto& g : goals) title += " " + g.text;
  const Notes none;
  ordered goal_texts = ordered::array();
  for (const auto& g : goals) goal_texts.push_back(g.text);
  emit(t, 1, ordered{{"goals", goal_texts}, {"results", out}}, format, title, none);
}

// ---------------------------------------------------------------- plot -----------------------

struct PlotSeries {
  std::string name;
  std::vector<std::pair<double, std::optional<double>>> points;
  std::optional<double> first_saturated_x;
};

std::string gnuplot_quote(const std::string& s) {
  std::string q;
  for (char c : s) q += (c == '"' || c == '\\') ? std::string("\\") + c : std::string(1, c);
  return q;
}

void write_plot(const std::string& file, const std::string& x_label, const Column& y,
                const std::vector<PlotSeries>& series) {
  const std::filesystem::path out(file);
  const std::string ext = out.extension().string();
  if (ext != ".png" && ext != ".svg")
    throw io::InputError("--plot", "FILE must end in .png or .svg, got '" + file + "'");
  if (std::system("command -v gnuplot >/dev/null 2>&1") != 0)
    throw io::InputError("--plot", "needs gnuplot (Debian package gnuplot-nox)");
  const auto dir = std::filesystem::temp_directory_path() /
                   ("tpeval_plot_" + std::to_string(std::hash<std::string>{}(file)) + "_" +
                    std::to_string(series.size()));
  std::filesystem::create_directories(dir);
  std::ofstream script(dir / "plot.gp");
  script << (ext == ".png" ? "set terminal pngcairo size 900,600 noenhanced\n"
                           : "set terminal svg size 900,600 noenhanced\n")
         << "set output \"" << gnuplot_quote(file) << "\"\n"
         << "set xlabel \"" << gnuplot_quote(x_label) << "\"\nset ylabel \""
         << gnuplot_quote(header(y)) << "\"\nset key outside right top\nset grid\n"
         << "set datafile missing \"NaN\"\n";
  for (std::size_t i = 0; i < series.size(); ++i) {
    std::ofstream data(dir / ("series" + std::to_string(i) + ".dat"));
    for (const auto& [x, v] : series[i].points)
      data << general(x, 12) << ' ' << (v ? general(*v, 12) : std::string("NaN")) << '\n';
    if (series[i].first_saturated_x)
      script << "set arrow from " << general(*series[i].first_saturated_x, 12) << ", graph 0 to "
             << general(*series[i].first_saturated_x, 12)
             << ", graph 1 nohead dashtype 2 linecolor " << i + 1 << "\nset label \"saturated ("
             << gnuplot_quote(series[i].name) << ")\" at "
             << general(*series[i].first_saturated_x, 12) << ", graph " << 0.95 - 0.05 * i
             << " right offset -0.5,0 textcolor lt " << i + 1 << "\n";
  }
  script << "plot ";
  for (std::size_t i = 0; i < series.size(); ++i)
    script << (i ? ", " : "") << '"'
           << gnuplot_quote((dir / ("series" + std::to_string(i) + ".dat")).string())
           << "\" using 1:2 with linespoints linecolor " << i + 1 << " title \""
           << gnuplot_quote(series[i].name) << '"';
  script << '\n';
  script.close();
  const std::string cmd =
      "gnuplot '" + (dir / "plot.gp").string() + "' 2>'" + (dir / "gnuplot.err").string() + "'";
  const int rc = std::system(cmd.c_str());
  std::filesystem::remove_all(dir);
  if (rc != 0) throw io::InputError("--plot", "gnuplot failed to write '" + file + "'");
}

// ---------------------------------------------------------------- sweep ----------------------

void sweep(const std::vector<Variant>& variants, const std::vector<Axis>& axes,
           std::vector<Column> columns, bool custom_columns, const Evaluator& evaluate,
           OutputFormat format, const std::string& plot_file) {
  const bool table = format == OutputFormat::table;
  Notes notes;
  // Check every path once before the loop so that a typo fails fast.
  for (const auto& v : variants)
    for (const auto& a : axes) {
      json probe = v.doc;
      model::set_parameter(probe, a.path, a.values.front());
    }
  const bool max_throughput = custom_columns ? needs_max_throughput(columns) : true;
  const bool named = variants.size() > 1;
  std::vector<std::vector<std::string>> cells;
  ordered rows = ordered::array();
  std::vector<PlotSeries> series;
  const std::vector<json> second = axes.size() > 1 ? axes[1].values : std::vector<json>{json()};
  for (const auto& v : variants) {
    for (const auto& v1 : second) {
      PlotSeries ps;
      ps.name = v.name;
      if (axes.size() > 1) ps.name += (named ? ", " : "") + axes[1].path + "=" + value_text(v1);
      for (const auto& v0 : axes[0].values) {
        json doc = v.doc;
        model::set_parameter(doc, axes[0].path, v0);
        if (axes.size() > 1) model::set_parameter(doc, axes[1].path, v1);
        const model::Evaluation e = evaluate(doc, max_throughput);
        if (!custom_columns && columns.empty()) columns = default_columns(e, max_throughput);
        if (custom_columns && cells.empty()) check_owners(columns, e);
        std::vector<std::string> row;
        ordered jr = ordered::object();
        if (named) {
          row.push_back(v.name);
          jr["variant"] = v.name;
        }
        row.push_back(value_text(v0));
        jr[axes[0].path] = v0;
        if (axes.size() > 1) {
          row.push_back(value_text(v1));
          jr[axes[1].path] = v1;
        }
        for (const auto& c : columns) {
          Cell x = cell(c, e, notes, table);
          row.push_back(std::move(x.text));
          jr[c.name] = std::move(x.value);
        }
        if (axes[0].numeric && !plot_file.empty()) {
          const auto& y = columns.front();
          const ordered& yv = jr[y.name];
          ps.points.emplace_back(v0.get<double>(), yv.is_number()
                                                       ? std::optional<double>(yv.get<double>())
                                                       : std::nullopt);
          if (e.saturated && !ps.first_saturated_x) ps.first_saturated_x = v0.get<double>();
        }
        cells.push_back(std::move(row));
        rows.push_back(std::move(jr));
      }
      series.push_back(std::move(ps));
    }
  }
  std::vector<std::string> headers;
  if (named) headers.emplace_back("variant");
  headers.push_back(axes[0].path);
  if (axes.size() > 1) headers.push_back(axes[1].path);
  const std::size_t keys = headers.size();
  for (const auto& c : columns) headers.push_back(table ? header(c) : c.name);
  Table t(headers);
  for (auto& r : cells) t.add_row(std::move(r));
  if (!plot_file.empty()) {
    if (!axes[0].numeric)
      throw io::InputError("--plot", "needs a numeric first sweep axis (" + axes[0].path + ")");
    if (is_text_column(columns.front().name))
      throw io::InputError("--plot", "plots the first --metrics column, which must be numeric");
    write_plot(plot_file, axes[0].path, columns.front(), series);
  }
  emit(t, keys, rows, format, named ? "Sweep per variant" : "Sweep", notes);
}

// ---------------------------------------------------------------- compare --------------------

void compare(const std::vector<Variant>& variants, std::vector<Column> columns, bool custom_columns,
             const Evaluator& evaluate, OutputFormat format, bool has_compares) {
  const bool table = format == OutputFormat::table;
  Notes notes;
  const bool max_throughput = custom_columns ? needs_max_throughput(columns) : true;
  std::vector<model::Evaluation> results;
  for (const auto& v : variants) results.push_back(evaluate(v.doc, max_throughput));
  if (custom_columns) check_owners(columns, results.front());
  if (!custom_columns) {
    // The union of the default columns of every variant, in first-seen order.
    for (const auto& e : results)
      for (const auto& c : default_columns(e, true))
        if (std::none_of(columns.begin(), columns.end(),
                         [&](const Column& x) { return x.name == c.name; }))
          columns.push_back(c);
  }
  std::vector<std::string> headers{"metric"};
  for (const auto& v : variants) headers.push_back(v.name);
  Table t(headers);
  ordered out = ordered::array();
  std::vector<ordered> per_variant(variants.size(), ordered::object());
  for (const auto& c : columns) {
    std::vector<std::string> row{table ? header(c) : c.name};
    for (std::size_t i = 0; i < variants.size(); ++i) {
      Cell x = cell(c, results[i], notes, table);
      row.push_back(std::move(x.text));
      per_variant[i][c.name] = std::move(x.value);
    }
    t.add_row(std::move(row));
  }
  for (std::size_t i = 0; i < variants.size(); ++i) {
    ordered jv = {{"variant", variants[i].name}};
    jv.update(per_variant[i]);
    out.push_back(std::move(jv));
  }
  emit(t, 1, out, format, has_compares ? "Variants" : "What-if", notes);
}

}  // namespace

void add_whatif_command(CLI::App& app, Context& /*context*/) {
  auto* cmd = app.add_subcommand(
      "whatif", "Change model parameters by JSON path; sweep, compare variants, seek a goal, plot");
  struct Args {
    std::string file;
    std::vector<std::string> sets, sweeps, compares, goals;
    std::string metrics, minimize, maximize, plot;
    std::string format = "table";
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("model", a->file, "Model JSON file (omit for the embedded default)");
  cmd->add_option("--set", a->sets, "PATH=VALUE, e.g. workload.arrival_rate_per_s=300")
      ->allow_extra_args(false);
  cmd->add_option("--sweep", a->sweeps,
                  "PATH=START:STOP:STEP or PATH=a,b,c (one or two; swept in every variant)")
      ->allow_extra_args(false);
  cmd->add_option("--compare", a->compares,
                  "A variant: 'NAME: PATH=VALUE, PATH=VALUE' or 'PATH=VALUE;PATH=VALUE'")
      ->allow_extra_args(false);
  cmd->add_option("--metrics", a->metrics,
                  "Columns: metric names (tpeval eval --format csv lists them), bottleneck, "
                  "limited_by");
  cmd->add_option("--goal", a->goals,
                  "METRIC<=VALUE or METRIC>=VALUE, e.g. 'response_time_ms<=100' (all must hold)")
      ->allow_extra_args(false);
  cmd->add_option("--minimize", a->minimize,
                  "With --goal: the smallest integer parameter meeting it, e.g. "
                  "nodes[0].cpu.count");
  cmd->add_option("--maximize", a->maximize,
                  "With --goal: the largest parameter meeting it (default: "
                  "workload.arrival_rate_per_s)");
  cmd->add_option("--plot", a->plot, "With --sweep: draw the first metric to FILE.png|FILE.svg");
  cmd->add_option("--format", a->format, "Output format")
      ->check(CLI::IsMember({"table", "json", "csv"}));
  cmd->callback([a]() {
    const OutputFormat format = parse_format(a->format);
    const Evaluator evaluate{model_source_name(a->file)};
    json base = model::load_model_document(a->file);
    for (const auto& s : a->sets) {
      const auto as = model::parse_assignment(s);
      model::set_parameter(base, as.path, as.value);
    }
    if (a->sweeps.size() > 2) throw io::InputError("--sweep", "at most two sweeps");
    std::vector<Variant> variants{{"base", base}};
    for (const auto& c : a->compares) variants.push_back(parse_variant(c, base));
    const bool custom = !a->metrics.empty();
    const std::vector<Column> columns = custom ? chosen_columns(a->metrics) : std::vector<Column>{};

    if (!a->goals.empty()) {
      if (!a->sweeps.empty()) throw io::InputError("--goal", "cannot be combined with --sweep");
      if (!a->minimize.empty() && !a->maximize.empty())
        throw io::InputError("--minimize", "give either --minimize or --maximize");
      std::vector<Goal> goals;
      for (const auto& g : a->goals) goals.push_back(parse_goal(g));
      const std::string maximize =
          a->maximize.empty() ? std::string("workload.arrival_rate_per_s") : a->maximize;
      for (const auto& p : {a->minimize, maximize}) {
        if (p.empty()) continue;
        json probe = base;
        model::set_parameter(probe, p, 1);
      }
      goal_seek(variants, goals, a->minimize, maximize, evaluate, format);
      return;
    }
    if (!a->minimize.empty() || !a->maximize.empty())
      throw io::InputError(a->minimize.empty() ? "--maximize" : "--minimize", "needs --goal");
    if (!a->sweeps.empty()) {
      // 1,000,000 evaluations at most over all variants and axes.
      std::vector<Axis> axes;
      for (const auto& s : a->sweeps) axes.push_back(parse_axis(s, 100'000));
      double points = static_cast<double>(variants.size());
      for (const auto& ax : axes) points *= static_cast<double>(ax.values.size());
      if (points > 1e6)
        throw io::InputError("--sweep", "the sweep has " + general(points, 6) +
                                            " points over all variants; at most 1000000 allowed");
      sweep(variants, axes, columns, custom, evaluate, format, a->plot);
      return;
    }
    if (!a->plot.empty()) throw io::InputError("--plot", "needs --sweep");
    compare(variants, columns, custom, evaluate, format, !a->compares.empty());
  });
}

}  // namespace tpeval::cli
