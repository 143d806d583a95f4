// `tpeval locks`: data contention under strict two-phase locking (solver/locking/).
//
//   tpeval locks --transactions 50 --locks 10 --granules 10000 --write-share 1.0
//                (--step-ms 5 | --hold-ms 60) [--commit-ms 10] [--format table|json|csv]
//   tpeval locks --arrival-rate 100 ...        (population from Little's law)
//   tpeval locks FILE.json [--format ...]
//
// The command line describes one class on one uniformly accessed partition; the JSON file any
// number of partitions and classes:
//   {"partitions": [{"name": "small", "granules": 1000}, ...],
//    "classes": [{"name": "update", "arrival_rate_per_s": 100, "step_time_s": 0.004,
//                 "step_time_scv": 1, "commit_time_s": 0.0064, "commit_time_scv": 1,
//                 "accesses": [{"partition": "small", "lock_requests": 8,
//                               "exclusive_share": 1, "request_position": 1,
//                               "step_time_s": 0.001, "step_time_scv": 1}]}],
//    "options": {"tolerance": 1e-10, "max_iterations": 10000, "damping": 0.5}}
// (damping in [0.01, 1]).
// A partition may give "access_weights" (relative access frequencies of its granules) or
// "hot_access_share" + "hot_granule_share" instead of uniform access; the model then uses the
// effective number of granules. Errors name the option or JSON path (exit 2); so do impossible
// inputs (more lock requests per transaction than granules). Thrashing is a result, reported with
// its cause (exit 0), and the quantities it leaves undefined are null / empty / "thrashing". The
// CSV is one long table (section, name, metric, value).
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cmath>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "cli/command.hpp"
#include "cli/format.hpp"
#include "solver/io/json_input.hpp"
#include "solver/locking/lock_contention.hpp"

namespace tpeval::cli {
namespace {

namespace lk = solver::locking;

struct LocksOptions {
  std::string file;
  std::optional<double> transactions, arrival_rate, locks, granules, write_share, step_ms,
      commit_ms, hold_ms, request_position;
  std::string format = "table";
};

void require(bool ok, const std::string& option, const std::string& reason) {
  if (!ok) throw io::InputError(option, reason);
}

struct Request {
  lk::LockWorkload workload;
  lk::LockOptions options;
};

Request from_options(const LocksOptions& o) {
  Request r;
  require(o.locks.has_value(), "--locks", "is required (lock requests per transaction)");
  require(o.granules.has_value(), "--granules", "is required (number of lockable granules)");
  require(o.transactions.has_value() != o.arrival_rate.has_value(), "--transactions",
          "give exactly one of --transactions and --arrival-rate");
  require(o.step_ms.has_value() != o.hold_ms.has_value(), "--step-ms",
          "give exactly one of --step-ms and --hold-ms");
  auto finite_non_negative = [](const std::optional<double>& v) {
    return !v || (std::isfinite(*v) && *v >= 0);
  };
  require(finite_non_negative(o.locks), "--locks", "must be a non-negative number");
  require(finite_non_negative(o.transactions), "--transactions", "must be a non-negative number");
  require(finite_non_negative(o.arrival_rate), "--arrival-rate", "must be a non-negative number");
  require(finite_non_negative(o.step_ms), "--step-ms", "must be a non-negative number");
  require(finite_non_negative(o.commit_ms), "--commit-ms", "must be a non-negative number");
  require(finite_non_negative(o.hold_ms), "--hold-ms", "must be a non-negative number");
  require(std::isfinite(*o.granules) && *o.granules >= 1, "--granules", "must be a number >= 1");
  // A transaction locks distinct granules: more requests than granules cannot be granted at all.
  require(*o.locks <= *o.granules, "--locks",
          "a transaction requests " + general(*o.locks, 6) + " locks but there are only " +
              general(*o.granules, 6) + " granules (--granules); it can never hold them all");
  const double write = o.write_share.value_or(1.0);
  require(write >= 0 && write <= 1, "--write-share", "must be in [0, 1]");
  const double commit_s = o.commit_ms.value_or(0.0) / 1000;
  double step_s = 0;
  if (o.step_ms) {
    step_s = *o.step_ms / 1000;
  } else {
    // --hold-ms: the transaction's execution time without lock waits, commit phase included;
    // the rest is spread evenly over the lock requests.
    const double hold_s = *o.hold_ms / 1000;
    require(hold_s > commit_s, "--hold-ms", "must exceed --commit-ms");
    require(*o.locks > 0, "--locks", "must be > 0 with --hold-ms");
    step_s = (hold_s - commit_s) / *o.locks;
  }
  r.workload.partitions = {{"data", *o.granules}};
  lk::LockClass c;
  c.name = "transactions";
  c.accesses = {{0, *o.locks, write, o.request_position.value_or(-1.0)}};
  c.concurrent_transactions = o.transactions.value_or(0.0);
  c.arrival_rate_per_s = o.arrival_rate.value_or(0.0);
  c.step_time_s = step_s;
  c.commit_time_s = commit_s;
  r.workload.classes = {c};
  try {
    lk::validate(r.workload);
  } catch (const io::InputError& e) {
    // Map solver fields back to the options people typed.
    const std::string& p = e.path();
    std::string option = "--locks";
    if (p.find("request_position") != std::string::npos) option = "--request-position";
    if (p.find("step_time_s") != std::string::npos) option = o.step_ms ? "--step-ms" : "--hold-ms";
    if (p.find("commit_time_s") != std::string::npos) option = "--commit-ms";
    if (p.find("granules") != std::string::npos) option = "--granules";
    throw io::InputError(option, e.reason());
  }
  return r;
}

/// Names of the partitions read so far, for duplicate checks and O(1) lookups.
using PartitionIndex = std::unordered_map<std::string, std::size_t>;

/// One partition: uniform granules, access weights, or a hot/cold split. `distinct_granules`
/// gets the granules before skew (the most locks a transaction can hold there).
lk::LockPartition read_lock_partition(const io::JsonNode& p, std::size_t index,
                                      double& distinct_granules) {
  p.expect_only({"name", "granules", "access_weights", "hot_access_share", "hot_granule_share"});
  lk::LockPartition part;
  part.name = p.has("name") ? p.at("name").as_string() : "partition " + std::to_string(index);
  if (p.has("access_weights")) {
    if (p.has("granules") || p.has("hot_access_share")) {
      p.at("access_weights").fail("give either access_weights or granules");
    }
    try {
      const auto weights = p.at("access_weights").as_number_array();
      distinct_granules = static_cast<double>(weights.size());
      part.granules = lk::effective_granules(weights);
    } catch (const io::InputError& e) {
      // effective_granules names "access_weights[i]"; re-root it at this partition.
      const std::string suffix = e.path().substr(std::string("access_weights").size());
      throw io::InputError(io::child_path(p.path(), "access_weights") + suffix, e.reason());
    }
    return part;
  }
  const auto g = p.at("granules");
  part.granules = g.as_number();
  if (!(part.granules >= 1)) g.fail("must be a number >= 1");
  distinct_granules = part.granules;
  if (p.has("hot_access_share") != p.has("hot_granule_share")) {
    p.fail("hot_access_share and hot_granule_share go together");
  }
  if (p.has("hot_access_share")) {
    const double a = p.at("hot_access_share").as_probability();
    const auto hg = p.at("hot_granule_share");
    const double b = hg.as_probability();
    if (b <= 0 || b >= 1) hg.fail("must be in (0, 1)");
    part.granules = lk::effective_granules_hot_cold(part.granules, a, b);
  }
  return part;
}

/// One access of a class: its partition (by name or index), lock requests and their kind.
lk::PartitionAccess read_access(const io::JsonNode& a, const lk::LockWorkload& workload,
                                const PartitionIndex& names,
                                const std::vector<double>& distinct_granules) {
  a.expect_only({"partition", "lock_requests", "exclusive_share", "request_position", "step_time_s",
                 "step_time_scv"});
  lk::PartitionAccess acc;
  const auto part = a.at("partition");
  if (part.is_string()) {
    const std::string name = part.as_string();
    const auto it = names.find(name);
    if (it == names.end()) part.fail("no partition named '" + name + "'");
    acc.partition = it->second;
  } else {
    acc.partition = static_cast<std::size_t>(part.as_integer(0));
    if (acc.partition >= workload.partitions.size()) {
      part.fail("no partition with index " + std::to_string(acc.partition));
    }
  }
  acc.lock_requests = a.at("lock_requests").as_non_negative();
  if (acc.lock_requests > distinct_granules[acc.partition])
    a.at("lock_requests")
        .fail("a transaction requests " + general(acc.lock_requests, 6) + " locks but partition '" +
              workload.partitions[acc.partition].name + "' has only " +
              general(distinct_granules[acc.partition], 6) + " granules");
  acc.exclusive_share = a.has("exclusive_share") ? a.at("exclusive_share").as_probability() : 1.0;
  if (a.has("request_position")) acc.request_position = a.at("request_position").as_probability();
  // Steps of different length: a request on a buffered partition is a short CPU step, one
  // on a disk-resident partition waits for I/O (docs/locking.md).
  if (a.has("step_time_s")) acc.step_time_s = a.at("step_time_s").as_non_negative();
  if (a.has("step_time_scv")) acc.step_time_scv = a.at("step_time_scv").as_non_negative();
  return acc;
}

lk::LockClass read_lock_class(const io::JsonNode& c, const lk::LockWorkload& workload,
                              const PartitionIndex& names,
                              const std::vector<double>& distinct_granules) {
  c.expect_only({"name", "concurrent_transactions", "arrival_rate_per_s", "step_time_s",
                 "step_time_scv", "commit_time_s", "commit_time_scv", "accesses"});
  lk::LockClass cls;
  cls.name =
      c.has("name") ? c.at("name").as_string() : "class " + std::to_string(workload.classes.size());
  if (c.has("concurrent_transactions") == c.has("arrival_rate_per_s")) {
    c.fail("give exactly one of concurrent_transactions and arrival_rate_per_s");
  }
  if (c.has("concurrent_transactions")) {
    cls.concurrent_transactions = c.at("concurrent_transactions").as_non_negative();
  } else {
    cls.arrival_rate_per_s = c.at("arrival_rate_per_s").as_non_negative();
  }
  cls.step_time_s = c.at("step_time_s").as_non_negative();
  cls.commit_time_s = c.has("commit_time_s") ? c.at("commit_time_s").as_non_negative() : 0.0;
  // Variability of the steps and of the commit phase (squared coefficients of variation;
  // 0 = deterministic, 1 = exponential): a blocked request waits the length-biased residual.
  if (c.has("step_time_scv")) cls.step_time_scv = c.at("step_time_scv").as_non_negative();
  if (c.has("commit_time_scv")) cls.commit_time_scv = c.at("commit_time_scv").as_non_negative();
  for (const io::JsonNode& a : c.at("accesses").elements())
    cls.accesses.push_back(read_access(a, workload, names, distinct_granules));
  return cls;
}

void read_lock_options(const io::JsonNode& opt, lk::LockOptions& options) {
  opt.expect_only({"tolerance", "max_iterations", "damping", "max_expansion"});
  if (opt.has("tolerance")) options.tolerance = opt.at("tolerance").as_positive();
  if (opt.has("max_iterations")) {
    options.max_iterations =
        static_cast<std::size_t>(opt.at("max_iterations").as_int_in_range(1, 1'000'000));
  }
  if (opt.has("damping")) {
    const auto d = opt.at("damping");
    // A floor: with damping q the plain iteration closes a share q of the gap per step, so
    // below 0.01 it cannot reach the tolerance within the iteration limit and only burns it
    // (fuzz_locks: damping 1e-9 ran 10^4 idle steps, 20 s under ASan; issue #16).
    options.damping = d.as_positive();
    if (options.damping < 0.01 || options.damping > 1) d.fail("must be in [0.01, 1]");
  }
  if (opt.has("max_expansion")) {
    const auto m = opt.at("max_expansion");
    options.max_expansion = m.as_positive();
    if (options.max_expansion <= 1) m.fail("must be > 1");
  }
}

Request from_file(const std::string& file) {
  Request r;
  const nlohmann::json doc = io::read_json_file(file);
  const io::JsonNode root(doc, "");
  root.expect_only({"partitions", "classes", "options"});
  const auto partitions = root.at("partitions").elements();
  if (partitions.empty()) root.at("partitions").fail("must list at least one partition");
  std::vector<double> distinct_granules;  // before skew: the most locks a transaction can hold
  PartitionIndex names;
  for (const io::JsonNode& p : partitions) {
    const std::size_t index = r.workload.partitions.size();
    double distinct = 0.0;
    lk::LockPartition part = read_lock_partition(p, index, distinct);
    if (!names.emplace(part.name, index).second)
      p.at("name").fail("duplicate partition name '" + part.name + "'");
    distinct_granules.push_back(distinct);
    r.workload.partitions.push_back(std::move(part));
  }
  const auto classes = root.at("classes").elements();
  if (classes.empty()) root.at("classes").fail("must list at least one class");
  for (const io::JsonNode& c : classes)
    r.workload.classes.push_back(read_lock_class(c, r.workload, names, distinct_granules));
  if (auto opt = root.find("options")) read_lock_options(*opt, r.options);
  lk::validate(r.workload);  // remaining checks; its paths are the JSON paths
  return r;
}

std::string ms(double seconds) {
  return fixed(seconds * 1000, 3);
}

/// At thrashing there is no operating point: the times, locks held and shares of the last
/// iterate are not results, so they are null (JSON), empty (CSV) or "thrashing" (table).
class LocksReport {
 public:
  LocksReport(const Request& req, const lk::LockContention& r) : req_(req), r_(r) {}

  nlohmann::json to_json() const {
    using nlohmann::json;
    json j;
    j["classes"] = json::array();
    for (std::size_t i = 0; i < r_.classes.size(); ++i) {
      const lk::ClassContention& c = r_.classes[i];
      j["classes"].push_back({{"name", c.name},
                              {"concurrent_transactions", n_value(c, i)},
                              {"throughput_per_s", value(c.throughput_per_s)},
                              {"lock_requests", c.lock_requests},
                              {"conflict_probability", value(c.conflict_probability)},
                              {"conflicts_per_transaction", value(c.conflicts_per_transaction)},
                              {"wait_per_conflict_s", value(c.wait_per_conflict_s)},
                              {"blocking_time_s", value(c.blocking_time_s)},
                              {"lock_holding_time_s", value(c.lock_holding_time_s)},
                              {"response_time_no_wait_s", c.response_time_no_wait_s},
                              {"response_time_s", value(c.response_time_s)},
                              {"mean_locks_held", value(c.mean_locks_held)},
                              {"deadlock_probability", value(c.deadlock_probability)},
                              {"blocked_share", value(c.blocked_share)}});
    }
    j["partitions"] = json::array();
    for (const lk::PartitionContention& p : r_.partitions) {
      j["partitions"].push_back(
          {{"name", p.name},
           {"granules", p.granules},
           {"exclusive_locks_held", value(p.exclusive_locks_held)},
           {"shared_locks_held", value(p.shared_locks_held)},
           {"exclusive_conflict_probability", value(p.exclusive_conflict_probability)},
           {"shared_conflict_probability", value(p.shared_conflict_probability)}});
    }
    j["blocked_share"] = value(r_.blocked_share);
    j["deadlock_rate_per_s"] = value(r_.deadlock_rate_per_s);
    j["tay_workload"] = r_.tay_workload;
    j["conflicts_per_transaction"] = value(r_.conflicts_per_transaction);
    j["thomasian_alpha"] = r_.thomasian_alpha;
    j["thomasian_alpha_threshold"] = lk::thomasian_alpha_threshold();
    j["thomasian_beta"] = r_.thomasian_beta ? json(*r_.thomasian_beta) : json();
    j["thrashing"] = r_.thrashing;
    j["bottleneck"] = r_.bottleneck;
    j["diagnosis"] = r_.diagnosis;
    j["converged"] = r_.converged;
    j["iterations"] = r_.iterations;
    return j;
  }

  /// One long table: section, name, metric, value (empty where no value exists).
  void print_csv(std::ostream& out) const {
    using nlohmann::json;
    const json j = to_json();
    Table t({"section", "name", "metric", "value"});
    const auto cell = [](const json& v) {
      if (v.is_null()) return std::string();
      if (v.is_number()) return general(v.get<double>(), 10);
      if (v.is_boolean()) return std::string(v.get<bool>() ? "true" : "false");
      return v.is_string() ? v.get<std::string>() : v.dump();
    };
    for (const char* section : {"classes", "partitions"})
      for (const auto& item : j[section])
        for (const auto& [k, v] : item.items())
          if (k != "name")
            t.add_row({std::string(section) == "classes" ? "class" : "partition",
                       item["name"].get<std::string>(), k, cell(v)});
    for (const auto& [k, v] : j.items())
      if (k != "classes" && k != "partitions") t.add_row({"system", "", k, cell(v)});
    t.print_csv(out);
  }

  void print_table(std::ostream& out) const {
    class_table().print_wrapped(out,
                                r_.thrashing
                                    ? "Strict 2PL lock contention: THRASHING (no operating "
                                      "point; the values below are not defined)"
                                    : "Strict 2PL lock contention (mean-value model)",
                                1);
    out << '\n';
    partition_table().print(out);
    out << '\n';
    summary_table().print(out);
    if (!r_.diagnosis.empty()) out << '\n' << r_.diagnosis << '\n';
  }

 private:
  nlohmann::json value(double v) const {
    return r_.thrashing ? nlohmann::json(nullptr) : nlohmann::json(v);
  }
  std::string text(const std::string& t) const {
    return r_.thrashing ? std::string("thrashing") : t;
  }
  /// N is an input with --transactions, a result (rate x R) with --arrival-rate.
  nlohmann::json n_value(const lk::ClassContention& c, std::size_t i) const {
    return req_.workload.classes[i].arrival_rate_per_s > 0
               ? value(c.concurrent_transactions)
               : nlohmann::json(c.concurrent_transactions);
  }

  Table class_table() const {
    Table classes({"class", "N", "X/s", "k", "P(conflict)", "conflicts/tx", "wait/conflict ms",
                   "blocking ms", "hold ms", "R no wait ms", "R ms", "blocked %", "P(deadlock)"});
    for (std::size_t i = 0; i < r_.classes.size(); ++i) {
      const lk::ClassContention& c = r_.classes[i];
      classes.add_row(
          {c.name, n_value(c, i).is_null() ? "thrashing" : general(c.concurrent_transactions, 4),
           text(general(c.throughput_per_s, 4)), general(c.lock_requests, 4),
           text(general(c.conflict_probability, 4)), text(general(c.conflicts_per_transaction, 4)),
           text(ms(c.wait_per_conflict_s)), text(ms(c.blocking_time_s)),
           text(ms(c.lock_holding_time_s)), ms(c.response_time_no_wait_s),
           text(ms(c.response_time_s)), text(percent(c.blocked_share)),
           text(general(c.deadlock_probability, 4))});
    }
    return classes;
  }

  Table partition_table() const {
    Table partitions({"partition", "granules", "X locks held", "S locks held", "P(conflict) X",
                      "P(conflict) S"});
    for (const lk::PartitionContention& p : r_.partitions) {
      partitions.add_row({p.name, general(p.granules), text(general(p.exclusive_locks_held, 4)),
                          text(general(p.shared_locks_held, 4)),
                          text(general(p.exclusive_conflict_probability, 4)),
                          text(general(p.shared_conflict_probability, 4))});
    }
    return partitions;
  }

  Table summary_table() const {
    Table summary({"indicator", "value", "limit"});
    summary.add_row({"Tay k^2 N / D", general(r_.tay_workload, 4), "~1.5"});
    summary.add_row(
        {"conflicts per transaction", text(general(r_.conflicts_per_transaction, 4)), "0.7"});
    summary.add_row({"Thomasian alpha", general(r_.thomasian_alpha, 4),
                     fixed(lk::thomasian_alpha_threshold(), 3)});
    summary.add_row(
        {"Thomasian beta", r_.thomasian_beta ? general(*r_.thomasian_beta, 4) : "-", ""});
    summary.add_row({"blocked share %", text(percent(r_.blocked_share)), ""});
    summary.add_row({"deadlocks per s", text(general(r_.deadlock_rate_per_s, 4)), ""});
    summary.add_row({"thrashing", r_.thrashing ? "yes" : "no", ""});
    return summary;
  }

  const Request& req_;
  const lk::LockContention& r_;
};

void run_locks(const LocksOptions& o) {
  const OutputFormat format = parse_format(o.format);
  const bool any_option = o.transactions || o.arrival_rate || o.locks || o.granules ||
                          o.write_share || o.step_ms || o.commit_ms || o.hold_ms ||
                          o.request_position;
  if (!o.file.empty() && any_option) {
    throw io::InputError(o.file, "give either a JSON file or workload options, not both");
  }
  const Request req = o.file.empty() ? from_options(o)
                                     : parse_input_file(o.file, [&] { return from_file(o.file); });
  const lk::LockContention r = lk::analyze_lock_contention(req.workload, req.options);
  const LocksReport report(req, r);
  if (format == OutputFormat::json)
    std::cout << report.to_json().dump(2) << '\n';
  else if (format == OutputFormat::csv)
    report.print_csv(std::cout);
  else
    report.print_table(std::cout);
}

}  // namespace

void add_locks_command(CLI::App& app, Context&) {
  auto options = std::make_shared<LocksOptions>();
  CLI::App* cmd = app.add_subcommand(
      "locks",
      "Lock contention under strict two-phase locking: conflict probability, waits, deadlocks\n"
      "and thrashing indicators (Tay, Thomasian) for a workload or a JSON file.");
  cmd->add_option("file", options->file, "JSON input (partitions, classes, options)");
  cmd->add_option("--transactions", options->transactions, "concurrent transactions N");
  cmd->add_option("--arrival-rate", options->arrival_rate,
                  "transactions per second (N = rate * R by Little's law)");
  cmd->add_option("--locks", options->locks, "lock requests per transaction k");
  cmd->add_option("--granules", options->granules, "lockable granules D");
  cmd->add_option("--write-share", options->write_share,
                  "share of exclusive (write) lock requests, default 1");
  cmd->add_option("--step-ms", options->step_ms, "time between lock requests without waits");
  cmd->add_option("--hold-ms", options->hold_ms,
                  "execution time without lock waits (alternative to --step-ms)");
  cmd->add_option("--commit-ms", options->commit_ms,
                  "commit phase holding all locks (log write), default 0");
  cmd->add_option("--request-position", options->request_position,
                  "0 = locks requested first, 1 = last; default spread evenly");
  cmd->add_option("--format", options->format, "table|json|csv")
      ->check(CLI::IsMember({"table", "json", "csv"}));
  cmd->callback([options] { run_locks(*options); });
}

}  // namespace tpeval::cli
