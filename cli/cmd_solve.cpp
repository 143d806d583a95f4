// `tpeval solve`: solve an open, closed or mixed queueing network given as JSON
// (docs/network-format.md) or as a JMT JMVA file, and print the mean performance measures as a
// table, JSON or CSV; or convert between the two formats (--export).
#include <algorithm>
#include <cctype>
#include <cmath>
#include <fstream>
#include <iostream>
#include <limits>
#include <memory>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "cli/command.hpp"
#include "cli/format.hpp"
#include "solver/bounds/bounds.hpp"
#include "solver/io/jmva.hpp"
#include "solver/io/network_json.hpp"
#include "solver/mva/mixed.hpp"
#include "solver/solve.hpp"

namespace tpeval::cli {

namespace {

using solver::ClassKind;
using solver::Network;
using solver::Solution;
using solver::StationKind;

struct SolveArguments {
  std::string network_file;
  bool example = false;
  bool print_example = false;
  std::string method = "auto";
  bool bounds = false;
  std::string format = "table";
  std::string export_format;  ///< "", "jmva" or "json"
  bool with_results = false;
  std::string output_file;
};

solver::ClosedMethod parse_method(const std::string& name) {
  if (name == "exact") return solver::ClosedMethod::exact;
  if (name == "linearizer") return solver::ClosedMethod::linearizer;
  if (name == "schweitzer") return solver::ClosedMethod::schweitzer;
  return solver::ClosedMethod::automatic;
}

/// What --bounds adds: ABA/BJB per closed class, and the open-load headroom.
struct BoundsReport {
  std::vector<solver::ClassBounds> closed;
  std::optional<solver::OpenStability> open;
  bool closed_inflated =
      false;  ///< closed bounds computed on the mixed network's closed equivalent
};

BoundsReport compute_bounds(const Network& network) {
  BoundsReport report;
  if (network.has_open_classes()) report.open = solver::open_stability(network);
  if (network.has_closed_classes()) {
    if (network.has_open_classes()) {
      // The closed classes of a mixed product-form network behave as the closed network with
      // demands inflated by 1 / (1 - U_open) (QSP ch. 7), so its bounds hold for them.
      const Network closed = solver::closed_equivalent(network);
      report.closed = solver::closed_bounds(closed);
      std::vector<int> closed_index;
      for (int c = 0; c < network.class_count(); ++c)
        if (network.classes[c].kind == ClassKind::closed) closed_index.push_back(c);
      for (auto& b : report.closed) b.class_index = closed_index[b.class_index];
      report.closed_inflated = true;
    } else {
      report.closed = solver::closed_bounds(network);
    }
  }
  return report;
}

std::string number(double value) {
  return general(value, 5);
}
std::string or_dash(bool applies, double value) {
  return applies ? number(value) : "-";
}

nlohmann::json finite_or_null(double value) {
  return std::isfinite(value) ? nlohmann::json(value) : nlohmann::json(nullptr);
}

nlohmann::json bounds_to_json(const Network& network, const BoundsReport& report) {
  nlohmann::json out;
  nlohmann::json classes = nlohmann::json::array();
  for (const auto& b : report.closed) {
    classes.push_back({
        {"class", b.class_name},
        {"population", b.population},
        {"throughput_lower_per_s", b.throughput_lower_per_s},
        {"throughput_upper_per_s", b.throughput_upper_per_s},
        {"response_time_lower_s", b.response_time_lower_s},
        {"response_time_upper_s", b.response_time_upper_s},
        {"knee_population", finite_or_null(b.knee_population)},
        {"bottleneck_station", b.bottleneck_station >= 0
                                   ? nlohmann::json(network.stations[b.bottleneck_station].name)
                                   : nlohmann::json(nullptr)},
        {"balanced_bounds_applied", b.balanced_bounds_applied},
        {"open_load_included", report.closed_inflated},
    });
  }
  out["closed_classes"] = std::move(classes);
  if (report.open) {
    const auto& s = *report.open;
    out["open_load"] = {
        {"bottleneck_station",
         s.bottleneck_station >= 0 ? nlohmann::json(s.bottleneck_name) : nlohmann::json(nullptr)},
        {"bottleneck_utilization", s.bottleneck_utilization},
        {"max_arrival_factor", finite_or_null(s.max_arrival_factor)},
    };
  } else {
    out["open_load"] = nullptr;
  }
  return out;
}

void print_table(std::ostream& out, const std::string& title, const Network& network,
                 const Solution& solution, const std::optional<BoundsReport>& bounds) {
  out << "Network " << title << ": " << network.class_count() << " classes, "
      << network.station_count() << " stations\n";
  out << "Method: " << solution.method << " (iterations " << solution.iterations << ", residual "
      << general(solution.residual, 3) << ", "
      << (solution.converged ? "converged" : "NOT CONVERGED") << ")\n\n";

  Table classes({"class", "kind", "population", "think_time_s", "arrival_rate_per_s",
                 "throughput_per_s", "response_time_s", "mean_jobs"});
  for (int c = 0; c < network.class_count(); ++c) {
    const auto& cls = network.classes[c];
    const bool closed = cls.kind == ClassKind::closed;
    classes.add_row(
        {cls.name, closed ? "closed" : "open", closed ? std::to_string(cls.population) : "-",
         or_dash(closed, cls.think_time_s), or_dash(!closed, cls.arrival_rate_per_s),
         number(solution.class_throughput_per_s(c)), number(solution.class_response_time_s(c)),
         number(solution.mean_jobs.row(c).sum())});
  }
  classes.print(out, "Classes (response time excludes think time)");
  out << '\n';

  // The station and class x station tables have a row per station: their rows are formatted
  // as they are printed, not kept (10^5 stations, issue #16).
  print_generated_table(
      out, "Stations (utilization per server = busy servers / servers)",
      {"station", "kind", "servers", "utilization_%_per_server", "busy_servers", "mean_jobs",
       "throughput_per_s"},
      static_cast<std::size_t>(network.station_count()), [&](std::size_t row, RowCells& cells) {
        const int k = static_cast<int>(row);
        const auto& st = network.stations[k];
        const bool queue = st.kind == StationKind::queue;
        std::string kind =
            queue ? (st.discipline == solver::Discipline::ps ? "queue/ps" : "queue/fcfs") : "delay";
        if (st.load_dependent()) kind += "/ld";
        cells.assign({st.name, kind, queue ? std::to_string(st.servers) : "infinite",
                      queue ? percent(solution.station_utilization(k)) : "-",
                      number(solution.busy_servers(k)), number(solution.mean_jobs.col(k).sum()),
                      number(solution.throughput_per_s.col(k).sum())});
      });
  out << '\n';

  std::vector<std::pair<int, int>> shown;  // (class, station) pairs with a demand
  for (int c = 0; c < network.class_count(); ++c)
    for (int k = 0; k < network.station_count(); ++k) {
      if (network.demand_s(c, k) <= 0) continue;
      shown.emplace_back(c, k);
    }
  print_generated_table(
      out, "Class x station (residence time = all visits of one job)",
      {"class", "station", "visits", "demand_s", "residence_time_s", "response_time_per_visit_s",
       "mean_jobs", "utilization_%"},
      shown.size(), [&](std::size_t row, RowCells& cells) {
        const auto [c, k] = shown[row];
        cells.assign({network.classes[c].name, network.stations[k].name,
                      number(network.visits.size() ? network.visits(c, k) : 1.0),
                      number(network.demand_s(c, k)), number(solution.residence_time_s(c, k)),
                      number(solution.response_time_per_visit_s(network, c, k)),
                      number(solution.mean_jobs(c, k)),
                      network.stations[k].kind == StationKind::queue
                          ? percent(solution.utilization(c, k))
                          : "-"});
      });

  if (bounds) {
    if (!bounds->closed.empty()) {
      out << '\n';
      Table b({"class", "population", "throughput_lower_per_s", "throughput_upper_per_s",
               "response_lower_s", "response_upper_s", "knee_N*", "bottleneck", "bounds"});
      for (const auto& cb : bounds->closed)
        b.add_row({cb.class_name, std::to_string(cb.population), number(cb.throughput_lower_per_s),
                   number(cb.throughput_upper_per_s), number(cb.response_time_lower_s),
                   number(cb.response_time_upper_s), number(cb.knee_population),
                   cb.bottleneck_station >= 0 ? network.stations[cb.bottleneck_station].name : "-",
                   cb.balanced_bounds_applied ? "ABA+BJB" : "ABA"});
      b.print(out, bounds->closed_inflated
                       ? "Bounds per closed class, each class alone (demands inflated by the open "
                         "load)"
                       : "Bounds per closed class, each class alone");
    }
    if (bounds->open) {
      const auto& s = *bounds->open;
      out << "\nOpen load: ";
      if (s.bottleneck_station < 0)
        out << "no queueing station carries open load\n";
      else
        out << "bottleneck '" << s.bottleneck_name << "' at " << percent(s.bottleneck_utilization)
            << "% per server; all arrival rates can grow by a factor below "
            << general(s.max_arrival_factor, 4) << " before it saturates\n";
    }
  }

  if (!solution.warnings.empty()) {
    out << "\nWarnings:\n";
    for (const auto& w : solution.warnings) out << "  - " << w << '\n';
  }
}

void print_csv(std::ostream& out, const Network& network, const Solution& solution,
               const std::optional<BoundsReport>& bounds) {
  // One long table: section, class, station, metric, value (docs/network-format.md).
  CsvWriter t(out, {"section", "class", "station", "metric", "value"});
  const auto num = [](double v) { return general(v, 10); };
  t.add_row({"solution", "", "", "method", solution.method});
  t.add_row({"solution", "", "", "iterations", std::to_string(solution.iterations)});
  t.add_row({"solution", "", "", "residual", num(solution.residual)});
  t.add_row({"solution", "", "", "converged", solution.converged ? "true" : "false"});
  for (const auto& w : solution.warnings) t.add_row({"warning", "", "", "message", w});
  for (int c = 0; c < network.class_count(); ++c) {
    const auto& name = network.classes[c].name;
    t.add_row({"class", name, "", "throughput_per_s", num(solution.class_throughput_per_s(c))});
    t.add_row({"class", name, "", "response_time_s", num(solution.class_response_time_s(c))});
    t.add_row({"class", name, "", "mean_jobs", num(solution.mean_jobs.row(c).sum())});
  }
  for (int k = 0; k < network.station_count(); ++k) {
    const auto& name = network.stations[k].name;
    t.add_row({"station", "", name, "utilization", num(solution.station_utilization(k))});
    t.add_row({"station", "", name, "busy_servers", num(solution.busy_servers(k))});
    t.add_row({"station", "", name, "mean_jobs", num(solution.mean_jobs.col(k).sum())});
    t.add_row(
        {"station", "", name, "throughput_per_s", num(solution.throughput_per_s.col(k).sum())});
  }
  for (int c = 0; c < network.class_count(); ++c)
    for (int k = 0; k < network.station_count(); ++k) {
      const auto& cn = network.classes[c].name;
      const auto& sn = network.stations[k].name;
      t.add_row(
          {"class_station", cn, sn, "throughput_per_s", num(solution.throughput_per_s(c, k))});
      t.add_row({"class_station", cn, sn, "utilization", num(solution.utilization(c, k))});
      t.add_row(
          {"class_station", cn, sn, "residence_time_s", num(solution.residence_time_s(c, k))});
      t.add_row({"class_station", cn, sn, "response_time_per_visit_s",
                 num(solution.response_time_per_visit_s(network, c, k))});
      t.add_row({"class_station", cn, sn, "mean_jobs", num(solution.mean_jobs(c, k))});
    }
  if (bounds) {
    for (const auto& b : bounds->closed) {
      t.add_row(
          {"bounds", b.class_name, "", "throughput_lower_per_s", num(b.throughput_lower_per_s)});
      t.add_row(
          {"bounds", b.class_name, "", "throughput_upper_per_s", num(b.throughput_upper_per_s)});
      t.add_row(
          {"bounds", b.class_name, "", "response_time_lower_s", num(b.response_time_lower_s)});
      t.add_row(
          {"bounds", b.class_name, "", "response_time_upper_s", num(b.response_time_upper_s)});
      t.add_row({"bounds", b.class_name, "", "knee_population", num(b.knee_population)});
    }
    if (bounds->open && bounds->open->bottleneck_station >= 0) {
      t.add_row({"open_load", "", bounds->open->bottleneck_name, "bottleneck_utilization",
                 num(bounds->open->bottleneck_utilization)});
      t.add_row({"open_load", "", bounds->open->bottleneck_name, "max_arrival_factor",
                 num(bounds->open->max_arrival_factor)});
    }
  }
}

/// The input of `tpeval solve`: a network with its name and description, and the JMVA what-if
/// sweep when the file is a JMVA model.
struct SolveInput {
  io::JmvaModel model;
  std::string name;
  bool jmva = false;
};

/// JMVA by name (.jmva, .xml) or, for names other than .json, by a first character '<'.
bool is_jmva_file(const std::string& file) {
  const auto dot = file.rfind('.');
  std::string ext = dot == std::string::npos ? "" : file.substr(dot);
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  if (ext == ".jmva" || ext == ".xml") return true;
  if (ext == ".json") return false;
  std::ifstream in(file, std::ios::binary);
  char c = 0;
  while (in.get(c))
    if (!std::isspace(static_cast<unsigned char>(c))) return c == '<';
  return false;
}

/// JMVA models are read whole into memory; larger files are refused up front.
constexpr std::size_t max_jmva_bytes = 64u << 20;

std::string read_jmva_text(const std::string& file) {
  std::ifstream in(file, std::ios::binary | std::ios::ate);
  if (!in) throw io::InputError(file, "cannot open file");
  const auto size = static_cast<std::size_t>(std::max<std::streamoff>(in.tellg(), 0));
  if (size > max_jmva_bytes)
    throw io::InputError(file, "file is larger than the 64 MiB limit for JMVA models");
  in.seekg(0);
  std::string text(size, '\0');
  in.read(text.data(), static_cast<std::streamsize>(size));
  return text;
}

SolveInput read_input(const SolveArguments& args, const std::string& source) {
  SolveInput input;
  if (!args.example && is_jmva_file(args.network_file)) {
    const std::string text = read_jmva_text(args.network_file);
    input.jmva = true;
    input.model = parse_input_file(source, [&] { return io::parse_jmva(text); });
    return input;
  }
  const std::string text =
      args.example ? io::example_network_json() : io::read_input_text(args.network_file);
  io::NetworkDocument doc =
      parse_input_file(source, [&] { return io::parse_network_text(text, source); });
  input.model.network = std::move(doc.network);
  input.name = std::move(doc.name);
  input.model.description = std::move(doc.description);
  return input;
}

bool solution_is_finite(const Solution& s) {
  return std::isfinite(s.residual) && s.throughput_per_s.allFinite() && s.utilization.allFinite() &&
         s.mean_jobs.allFinite() && s.residence_time_s.allFinite() &&
         s.class_throughput_per_s.allFinite() && s.class_response_time_s.allFinite() &&
         s.busy_servers.allFinite() && s.station_utilization.allFinite();
}

Solution solve_checked(const Network& network, const SolveArguments& args,
                       const std::string& source, std::optional<BoundsReport>* bounds) {
  solver::SolveOptions options;
  options.closed.method = parse_method(args.method);
  try {
    Solution solution = solver::solve(network, options);
    if (bounds && args.bounds) *bounds = compute_bounds(network);
    // Results beyond the double range (huge rates or demands) are refused the same way in every
    // format, before anything is printed: the exit code must not depend on --format.
    if (!solution_is_finite(solution))
      throw io::InputError(source,
                           "the results exceed the double range (rates or demands too "
                           "large); rescale the time unit or the rates");
    return solution;
  } catch (const solver::UnstableNetwork& e) {
    throw io::InputError(source, e.what());
  } catch (const std::invalid_argument& e) {
    // Networks the solvers reject (e.g. unsupported combinations) are bad input, not bugs.
    throw io::InputError(source, e.what());
  }
}

void emit(const SolveArguments& args, const std::string& text) {
  if (args.output_file.empty()) {
    std::cout << text;
    return;
  }
  std::ofstream out(args.output_file, std::ios::binary);
  if (!out) throw io::InputError(args.output_file, "cannot write file");
  out << text;
}

/// --export: JSON network file or JMVA document (with tpeval's results in <solutions>).
void run_export(const SolveArguments& args, const SolveInput& input, const std::string& source) {
  if (args.export_format == "json") {
    if (args.with_results) throw io::InputError("--with-results", "applies to --export jmva only");
    if (input.model.has_what_if)
      std::cerr << "tpeval: note: the <whatIf> sweep of " << source
                << " has no place in a network file; only the base model is written\n";
    emit(args,
         io::network_to_json(input.model.network, input.name, input.model.description).dump(2) +
             "\n");
    return;
  }
  const io::JmvaModel model = input.jmva ? input.model : parse_input_file(source, [&] {
    return io::to_jmva(input.model.network, input.model.description);
  });
  std::vector<io::JmvaResult> results;
  if (args.with_results)
    for (auto& point : parse_input_file(source, [&] { return io::expand_what_if(model); })) {
      Solution solution = solve_checked(point.network, args, source, nullptr);
      results.push_back(io::JmvaResult{std::move(point.network), std::move(solution), point.value});
    }
  emit(args, parse_input_file(source, [&] { return io::write_jmva(model, results); }));
}

void run_solve(const SolveArguments& args) {
  if (args.print_example) {
    std::cout << io::example_network_json();
    return;
  }
  if (!args.example && args.network_file.empty())
    throw io::InputError("", "give a network file (tpeval solve NETWORK.json) or --example");
  const std::string source = args.example ? "example" : args.network_file;
  SolveInput input = read_input(args, source);
  if (!args.export_format.empty()) {
    run_export(args, input, source);
    return;
  }
  if (args.with_results) throw io::InputError("--with-results", "applies to --export jmva only");
  if (!args.output_file.empty()) throw io::InputError("--output", "applies to --export only");

  const bool sweep = input.model.has_what_if;
  // Without a sweep the one network is moved, not copied (10^5 stations, issue #16). Not through
  // a braced list: a vector copies the elements of its initializer_list.
  std::vector<io::JmvaPoint> points;
  if (sweep)
    points = parse_input_file(source, [&] { return io::expand_what_if(input.model); });
  else
    points.push_back({std::numeric_limits<double>::quiet_NaN(), std::move(input.model.network)});
  std::string title = "'" + source + "'";
  if (!input.name.empty()) title = "'" + input.name + "' (" + source + ")";
  // One network is printed straight to stdout (solved and checked before anything is printed;
  // no copy of a 10^5-station output in memory, issue #16); a sweep is collected first, so that
  // a point that fails prints nothing.
  std::ostringstream buffer;
  std::ostream& out = sweep ? buffer : std::cout;
  nlohmann::json sweep_json = nlohmann::json::array();
  for (std::size_t i = 0; i < points.size(); ++i) {
    const Network& network = points[i].network;
    std::optional<BoundsReport> bounds;
    const Solution solution = solve_checked(network, args, source, &bounds);
    const std::string what_if =
        sweep ? "what-if " + input.model.what_if.type + " = " + general(points[i].value, 10) : "";
    switch (parse_format(args.format)) {
      case OutputFormat::table:
        if (i > 0) out << "\n";
        print_table(out, sweep ? title + ", " + what_if : title, network, solution, bounds);
        break;
      case OutputFormat::json: {
        if (!sweep) {
          // One point: written entry by entry (large networks, docs/network-format.md).
          nlohmann::json extra = nlohmann::json::object();
          if (!input.name.empty()) extra["network"] = input.name;
          if (bounds) extra["bounds"] = bounds_to_json(network, *bounds);
          io::write_solution_json(out, network, solution, extra);
        } else {
          nlohmann::json one = io::solution_to_json(network, solution);
          if (!input.name.empty()) one["network"] = input.name;
          if (bounds) one["bounds"] = bounds_to_json(network, *bounds);
          sweep_json.push_back({{"value", points[i].value}, {"solution", std::move(one)}});
        }
        break;
      }
      case OutputFormat::csv: {
        if (!sweep) {
          print_csv(out, network, solution, bounds);
          break;
        }
        // A sweep prefixes each row with the what-if value (one header for all points).
        std::ostringstream one;
        print_csv(one, network, solution, bounds);
        std::istringstream lines(one.str());
        std::string line;
        bool header = true;
        while (std::getline(lines, line)) {
          if (!sweep)
            out << line << '\n';
          else if (header && i == 0)
            out << "what_if_value," << line << '\n';
          else if (!header)
            out << general(points[i].value, 10) << ',' << line << '\n';
          header = false;
        }
        break;
      }
    }
  }
  if (sweep && parse_format(args.format) == OutputFormat::json) {
    nlohmann::json doc = io::what_if_json(input.model);
    doc["points"] = std::move(sweep_json);
    out << doc.dump(2) << '\n';
  }
  if (sweep) std::cout << buffer.view();
}

}  // namespace

void add_solve_command(CLI::App& app, Context& /*context*/) {
  auto args = std::make_shared<SolveArguments>();
  CLI::App* cmd = app.add_subcommand(
      "solve",
      "Solve an open, closed or mixed product-form queueing network (mean-value analysis).\n"
      "File format: docs/network-format.md (JSON, or a JMT JMVA .jmva file); try `tpeval solve "
      "--example`.");
  auto* file = cmd->add_option("network", args->network_file,
                               "Network file: JSON, or JMVA XML (.jmva, .xml) from JMT");
  cmd->add_flag("--example", args->example, "Solve the built-in example (a central-server model)")
      ->excludes(file);
  cmd->add_flag("--print-example", args->print_example,
                "Print the built-in example network as JSON (a starting point for your own)");
  cmd->add_option("--method", args->method,
                  "Closed-class method: auto (exact MVA while affordable, else Linearizer), "
                  "exact, linearizer, schweitzer")
      ->check(CLI::IsMember({"auto", "exact", "linearizer", "schweitzer"}))
      ->capture_default_str();
  cmd->add_flag("--bounds", args->bounds,
                "Also print asymptotic (ABA) and balanced-job (BJB) bounds and the knee N* per "
                "closed class, and the open-load headroom");
  cmd->add_option("--format", args->format, "Output format")
      ->check(CLI::IsMember({"table", "json", "csv"}))
      ->capture_default_str();
  cmd->add_option("--export", args->export_format,
                  "Convert instead of solving: 'jmva' writes a JMT JMVA file, 'json' a tpeval "
                  "network file")
      ->check(CLI::IsMember({"jmva", "json"}));
  cmd->add_flag("--with-results", args->with_results,
                "With --export jmva: write tpeval's results into <solutions>, as JMT does");
  cmd->add_option("-o,--output", args->output_file,
                  "With --export: write to this file, not stdout");
  cmd->callback([args] { run_solve(*args); });
}

}  // namespace tpeval::cli
