// `tpeval raid`: mean time to data loss and I/O costs of a disk array with parity groups
// (solver/reliability/).
//
//   tpeval raid --disks 100 --group 10 --mttf 5y --mttr 5h [--exact] [--hot-spares 1
//               --rebuild 1h --spare-replacement 2d] [--format table|json|csv]
//
// --disks is N, the number of data disks, and --group G, the data disks per parity group
// (eq. 5.2, Rahm L1623): G = N is one group, G = 1 mirroring. Durations take a unit: h, d or y
// (y = 8760 h, the book's arithmetic). --exact adds the exact Markov-chain result next to the
// closed form. Bad values raise io::InputError naming the option (exit 2).
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include "cli/command.hpp"
#include "cli/format.hpp"
#include "solver/io/json_input.hpp"
#include "solver/reliability/reliability.hpp"

namespace tpeval::cli {
namespace {

namespace rel = solver::reliability;

struct RaidOptions {
  std::string disks, group, mttf, mttr;
  bool exact = false;
  std::string hot_spares = "0";
  std::optional<std::string> rebuild, spare_replacement;
  std::string format = "table";
};

/// "5y", "5 h", "2.5d" -> hours. A bare number is rejected: its unit would be a guess.
double parse_duration_h(const std::string& option, const std::string& text) {
  std::size_t end = text.find_last_not_of(" \t");
  if (text.empty() || end == std::string::npos) {
    throw io::InputError(option, "expected a duration such as 5h, 2d or 5y");
  }
  const char unit = text[end];
  double factor = 0;
  if (unit == 'h') factor = 1;
  if (unit == 'd') factor = 24;
  if (unit == 'y') factor = rel::kHoursPerYear;
  if (factor == 0) {
    throw io::InputError(option, "'" + text + "' needs a unit: h (hours), d (days) or y (years)");
  }
  const std::string number = text.substr(0, end);
  char* stop = nullptr;
  const double value = std::strtod(number.c_str(), &stop);
  const std::string rest = stop ? std::string(stop) : std::string();
  if (number.empty() || stop == number.c_str() ||
      rest.find_first_not_of(" \t") != std::string::npos || !std::isfinite(value) || value <= 0) {
    throw io::InputError(option, "'" + text + "' is not a positive duration such as 5h");
  }
  return value * factor;
}

std::int64_t parse_count(const std::string& option, const std::string& text,
                         std::int64_t min_value) {
  char* stop = nullptr;
  const long long value = std::strtoll(text.c_str(), &stop, 10);
  if (text.empty() || *stop != '\0' || value < min_value) {
    throw io::InputError(
        option, "must be an integer >= " + std::to_string(min_value) + " (got '" + text + "')");
  }
  return value;
}

/// The array as the options describe it, checked, and what tpeval computes for it.
struct RaidResult {
  std::int64_t n = 0, g = 0, groups = 0, spares = 0;
  double mttf_h = 0, mttr_h = 0, total_disks = 0, closed_h = 0, plain_h = 0;
  rel::Redundancy scheme = rel::Redundancy::raid5;
  rel::IoMultipliers io;
  std::optional<rel::MarkovMttdl> exact;
};

RaidResult evaluate_raid(const RaidOptions& o) {
  RaidResult r;
  r.n = parse_count("--disks", o.disks, 1);
  r.g = o.group.empty() ? r.n : parse_count("--group", o.group, 1);
  if (r.g > r.n) throw io::InputError("--group", "must not exceed --disks");
  if (r.n % r.g != 0) {
    throw io::InputError("--group", "must divide --disks (N/G groups of G data disks)");
  }
  r.mttf_h = parse_duration_h("--mttf", o.mttf);
  r.mttr_h = parse_duration_h("--mttr", o.mttr);
  if (r.mttr_h >= r.mttf_h) throw io::InputError("--mttr", "must be shorter than --mttf");
  r.spares = parse_count("--hot-spares", o.hot_spares, 0);
  if (r.spares > 0 && !o.exact) {
    throw io::InputError("--hot-spares", "needs --exact (the closed forms have no spares)");
  }
  if (r.spares > 0 && (!o.rebuild || !o.spare_replacement)) {
    throw io::InputError("--hot-spares", "needs --rebuild and --spare-replacement");
  }
  if (r.spares == 0 && (o.rebuild || o.spare_replacement)) {
    throw io::InputError(o.rebuild ? "--rebuild" : "--spare-replacement",
                         "only used with --hot-spares");
  }
  const auto n = static_cast<double>(r.n), g = static_cast<double>(r.g);
  r.groups = r.n / r.g;
  r.total_disks = rel::parity_array_disks(n, g);
  r.closed_h = rel::mttdl_parity_h(r.mttf_h, r.mttr_h, n, g);
  r.plain_h = rel::mttdl_no_redundancy_h(r.mttf_h, n);
  r.scheme = r.g == 1 ? rel::Redundancy::mirroring : rel::Redundancy::raid5;
  r.io = rel::io_multipliers(r.scheme, g);
  if (o.exact) {
    rel::ArrayReliabilityModel m;
    m.groups = r.groups;
    m.disks_per_group = r.g + 1;
    m.fault_tolerance = 1;
    m.mttf_h = r.mttf_h;
    m.mttr_h = r.mttr_h;
    m.hot_spares = static_cast<int>(r.spares);
    if (r.spares > 0) {
      m.rebuild_h = parse_duration_h("--rebuild", *o.rebuild);
      m.spare_replacement_h = parse_duration_h("--spare-replacement", *o.spare_replacement);
    }
    r.exact = rel::mttdl_markov(m);
  }
  return r;
}

nlohmann::json raid_json(const RaidResult& r) {
  nlohmann::json j;
  j["data_disks"] = r.n;
  j["group_data_disks"] = r.g;
  j["groups"] = r.groups;
  j["total_disks"] = r.total_disks;
  j["scheme"] = rel::to_string(r.scheme);
  j["mttf_h"] = r.mttf_h;
  j["mttr_h"] = r.mttr_h;
  j["capacity_overhead"] = r.io.capacity_overhead;
  j["mttdl_no_redundancy_h"] = r.plain_h;
  j["mttdl_h"] = r.closed_h;
  j["mttdl_years"] = r.closed_h / rel::kHoursPerYear;
  if (r.exact) {
    j["exact"] = {{"mttdl_h", r.exact->mttdl_h},
                  {"mttdl_years", r.exact->mttdl_h / rel::kHoursPerYear},
                  {"states", r.exact->states},
                  {"hot_spares", r.spares},
                  {"ratio_to_closed_form", r.exact->mttdl_h / r.closed_h}};
  }
  const rel::IoMultipliers& io = r.io;
  j["io_multipliers"] = {{"read", io.read},
                         {"small_write", io.small_write},
                         {"small_write_reads", io.small_write_reads},
                         {"full_stripe_write", io.full_stripe_write},
                         {"full_stripe_write_per_block", io.full_stripe_write_per_block},
                         {"degraded_read", io.degraded_read},
                         {"degraded_read_failed_disk", io.degraded_read_failed}};
  return j;
}

Table raid_table(const RaidResult& r) {
  const rel::IoMultipliers& io = r.io;
  Table table({"quantity", "value", "unit"});
  table.add_row({"data disks N", std::to_string(r.n), "disks"});
  table.add_row({"data disks per group G", std::to_string(r.g), "disks"});
  table.add_row({"parity groups N/G", std::to_string(r.groups), "groups"});
  table.add_row({"total disks N + N/G", general(r.total_disks), "disks"});
  table.add_row({"capacity overhead", percent(io.capacity_overhead), "%"});
  table.add_row({"MTTF per disk", general(r.mttf_h), "h"});
  table.add_row({"MTTR per disk", general(r.mttr_h), "h"});
  table.add_row({"MTTDL without redundancy (eq. 5.1)", general(r.plain_h), "h"});
  table.add_row({"MTTDL (eq. 5.2)", general(r.closed_h), "h"});
  table.add_row({"MTTDL (eq. 5.2)", general(r.closed_h / rel::kHoursPerYear, 4), "years"});
  if (r.exact) {
    const std::string label =
        r.spares > 0 ? "MTTDL exact CTMC, " + std::to_string(r.spares) + " hot spare(s)"
                     : std::string("MTTDL exact CTMC");
    table.add_row({label, general(r.exact->mttdl_h), "h"});
    table.add_row({label, general(r.exact->mttdl_h / rel::kHoursPerYear, 4), "years"});
    table.add_row({"exact / closed form", fixed(r.exact->mttdl_h / r.closed_h, 4), ""});
    table.add_row({"CTMC states", std::to_string(r.exact->states), ""});
  }
  table.add_row({"I/Os per read", general(io.read), "I/O"});
  table.add_row({"I/Os per small write", general(io.small_write), "I/O"});
  table.add_row({"  of which reads first", general(io.small_write_reads), "I/O"});
  table.add_row({"I/Os per full-group write", general(io.full_stripe_write), "I/O"});
  table.add_row({"I/Os per read, degraded group", general(io.degraded_read, 4), "I/O"});
  table.add_row({"I/Os per read of the failed disk", general(io.degraded_read_failed), "I/O"});
  return table;
}

void run_raid(const RaidOptions& o) {
  const OutputFormat format = parse_format(o.format);
  const RaidResult r = evaluate_raid(o);
  if (format == OutputFormat::json) {
    std::cout << raid_json(r).dump(2) << '\n';
    return;
  }
  const Table table = raid_table(r);
  if (format == OutputFormat::csv) {
    table.print_csv(std::cout);
  } else {
    table.print(std::cout, "Disk array " + rel::to_string(r.scheme) + ": " + std::to_string(r.n) +
                               " data disks in " + std::to_string(r.groups) + " group(s) of " +
                               std::to_string(r.g) + " + 1");
  }
}

}  // namespace

void add_raid_command(CLI::App& app, Context&) {
  auto options = std::make_shared<RaidOptions>();
  CLI::App* cmd = app.add_subcommand(
      "raid",
      "Mean time to data loss (eq. 5.1/5.2, exact Markov chain) and I/O multipliers of a disk\n"
      "array with parity groups.");
  cmd->add_option("--disks", options->disks, "N: number of data disks")->required();
  cmd->add_option("--group", options->group,
                  "G: data disks per parity group (default N: one group; 1: mirroring)");
  cmd->add_option("--mttf", options->mttf, "mean time to failure of a disk, e.g. 5y")->required();
  cmd->add_option("--mttr", options->mttr, "mean time to repair a disk, e.g. 5h")->required();
  cmd->add_flag("--exact", options->exact, "also solve the exact Markov chain of the array");
  cmd->add_option("--hot-spares", options->hot_spares, "hot spare disks (with --exact)");
  cmd->add_option("--rebuild", options->rebuild, "rebuild time onto a hot spare, e.g. 1h");
  cmd->add_option("--spare-replacement", options->spare_replacement,
                  "time to replace a consumed spare, e.g. 2d");
  cmd->add_option("--format", options->format, "table|json|csv")
      ->check(CLI::IsMember({"table", "json", "csv"}));
  cmd->callback([options] { run_raid(*options); });
}

}  // namespace tpeval::cli
