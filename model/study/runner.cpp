// Running the points of a study (see runner.hpp).
#include "model/study/runner.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <unordered_map>

#include "model/evaluate.hpp"
#include "model/parse.hpp"
#include "model/study/metrics.hpp"
#include "model/study/point_error.hpp"
#include "solver/io/derived_value.hpp"
#include "solver/io/json_input.hpp"
#include "solver/parallel/parallel_for.hpp"

namespace tpeval::model::study {
namespace {

using nlohmann::json;

std::uint64_t fnv1a(const std::string& text) {
  std::uint64_t h = 14695981039346656037ull;
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

json optional_json(const std::optional<double>& v) {
  return v ? json(*v) : json(nullptr);
}

PointResult evaluate_point(const Point& point, const Study& study, const RunOptions& options,
                           const std::string& print) {
  PointResult r;
  r.configuration = point.configuration;
  r.axis_values = point.axis_values;
  r.fingerprint = print;
  SystemModel model;
  try {
    model = parse_model(point.document);
  } catch (const io::InputError& e) {
    throw point_error(point, study, e);
  }
  const bool analytic = options.mode != Mode::simulate;
  const bool simulate = options.mode != Mode::analytic && options.simulator.has_value();
  if (analytic) {
    EvaluateOptions eo;
    eo.find_max_throughput = study.needs_max_throughput;
    Evaluation e;
    try {
      e = evaluate(model, eo);
    } catch (const io::InputError& error) {  // a solver's check of a derived value
      throw point_error(point, study, io::InputError("", io::derived_value_reason(error)));
    }
    r.analytic = true;
    r.saturated = e.saturated;
    r.bottleneck = e.saturated ? e.bottleneck : std::string();
    r.limited_by = e.max_throughput_limited_by;
    for (const auto& m : study.metrics) r.values[m] = metric_value(e, m);
  }
  try {
    if (simulate) r.simulated = (*options.simulator)(model, study.simulation, study.metrics);
  } catch (const io::InputError& e) {
    throw point_error(point, study, e);  // a simulator limit (model/sim) at this point
  }
  return r;
}

}  // namespace

std::optional<double> PointResult::value(const std::string& metric) const {
  const auto it = values.find(metric);
  if (it == values.end()) return std::nullopt;
  return it->second;
}

std::string fingerprint(const Point& point, const Study& study, Mode mode) {
  json f = {{"document", point.document},
            {"metrics", study.metrics},
            {"mode", mode_name(mode)},
            {"max_throughput", study.needs_max_throughput}};
  if (mode != Mode::analytic)
    f["simulation"] = {{"seed", study.simulation.seed},
                       {"precision", study.simulation.precision},
                       {"max_time_s", study.simulation.max_time_s},
                       {"max_wall_time_s", study.simulation.max_wall_time_s}};
  // Only when set: the fingerprints of cold points stay what they were.
  if (mode != Mode::analytic && study.simulation.warm_start) f["simulation"]["warm_start"] = true;
  return fmt::format("{:016x}", fnv1a(f.dump()));
}

json to_json(const PointResult& r) {
  json axes = json::object();
  for (const auto& [name, value] : r.axis_values) axes[name] = value;
  json j = {{"configuration", r.configuration}, {"axes", axes}, {"fingerprint", r.fingerprint}};
  if (r.analytic) {
    json values = json::object();
    for (const auto& [m, v] : r.values) values[m] = optional_json(v);
    j["analytic"] = {{"saturated", r.saturated},
                     {"bottleneck", r.bottleneck},
                     {"limited_by", r.limited_by},
                     {"metrics", values}};
  } else {
    j["analytic"] = nullptr;
  }
  if (r.simulated) {
    json values = json::object();
    for (const auto& [m, e] : r.simulated->metrics)
      values[m] = {{"mean", e.mean}, {"half_width", e.half_width}};
    j["simulated"] = {{"saturated", r.simulated->saturated},
                      {"bottleneck", r.simulated->bottleneck},
                      {"metrics", values}};
    if (!r.simulated->not_simulated.empty())
      j["simulated"]["not_simulated"] = r.simulated->not_simulated;
  } else {
    j["simulated"] = nullptr;
  }
  return j;
}

PointResult point_from_json(const json& j) {
  PointResult r;
  r.configuration = j.at("configuration").get<std::string>();
  for (const auto& [name, value] : j.at("axes").items())
    r.axis_values.emplace_back(name, value.get<double>());
  r.fingerprint = j.at("fingerprint").get<std::string>();
  const json& a = j.at("analytic");
  if (!a.is_null()) {
    r.analytic = true;
    r.saturated = a.at("saturated").get<bool>();
    r.bottleneck = a.at("bottleneck").get<std::string>();
    r.limited_by = a.at("limited_by").get<std::string>();
    for (const auto& [m, v] : a.at("metrics").items())
      r.values[m] = v.is_null() ? std::nullopt : std::optional<double>(v.get<double>());
  }
  const json& s = j.at("simulated");
  if (!s.is_null()) {
    SimulatedPoint sp;
    sp.saturated = s.at("saturated").get<bool>();
    sp.bottleneck = s.at("bottleneck").get<std::string>();
    for (const auto& [m, v] : s.at("metrics").items())
      sp.metrics[m] = {v.at("mean").get<double>(), v.at("half_width").get<double>()};
    if (s.contains("not_simulated")) sp.not_simulated = s.at("not_simulated").get<std::string>();
    r.simulated = std::move(sp);
  }
  return r;
}

namespace {

/// The study journal (`--journal`): one JSON line per finished point, so an interrupted study
/// resumes where it stopped. The last line per point key wins; unreadable lines (an interrupted
/// write) are skipped, so the worst an interruption costs is the point being written.
class Journal {
 public:
  explicit Journal(std::string file) : file_(std::move(file)) {
    if (file_.empty()) return;
    std::ifstream in(file_);
    std::string line;
    while (std::getline(in, line)) {
      json j = json::parse(line, nullptr, /*allow_exceptions=*/false);
      if (j.is_object() && j.contains("key") && j.contains("result") && j["key"].is_string())
        entries_[j["key"].get<std::string>()] = std::move(j["result"]);
    }
  }

  /// The journal's result for a point, if it is there, readable, of the same fingerprint and not
  /// a refused simulation (a newer simulator may accept it).
  std::optional<PointResult> reusable(const Point& point, const std::string& print) const {
    const auto it = entries_.find(point.key());
    if (it == entries_.end()) return std::nullopt;
    try {
      PointResult r = point_from_json(it->second);
      const bool refused = r.simulated && !r.simulated->not_simulated.empty();
      if (r.fingerprint != print || refused) return std::nullopt;
      r.reused = true;
      return r;
    } catch (const json::exception&) {
      return std::nullopt;  // a malformed entry is recomputed
    }
  }

  void open_for_append() {
    if (file_.empty()) return;
    // An interrupted write leaves a last line without its newline: end it first, so the next
    // entry starts on a line of its own instead of being glued to the fragment.
    bool needs_newline = false;
    {
      std::ifstream last(file_, std::ios::binary | std::ios::ate);
      if (last && last.tellg() > 0) {
        last.seekg(-1, std::ios::end);
        needs_newline = last.get() != '\n';
      }
    }
    out_.open(file_, std::ios::app);
    if (!out_) throw io::InputError(file_, "cannot write the journal file");
    if (needs_newline) out_ << '\n';
  }

  void append(const Point& point, const PointResult& r) {
    if (!out_.is_open()) return;
    out_ << line(point, r) << '\n';
    out_.flush();
  }

  /// Compacts the journal to one line per point of this run: refused simulations are recomputed
  /// (and appended) on every run, so the appended history would otherwise grow without bound.
  /// The new journal is written beside the old one and renamed over it, so an interruption
  /// leaves one of the two whole.
  void compact(const std::vector<Point>& points,
               const std::vector<std::optional<PointResult>>& results,
               const std::vector<std::size_t>& selected) {
    if (!out_.is_open()) return;
    out_.close();
    const std::string compacted = file_ + ".tmp";
    {
      std::ofstream tmp(compacted, std::ios::trunc);
      for (const std::size_t i : selected) tmp << line(points[i], *results[i]) << '\n';
      if (!tmp) throw io::InputError(compacted, "cannot write the journal file");
    }
    std::error_code ec;
    std::filesystem::rename(compacted, file_, ec);
    if (ec) throw io::InputError(file_, "cannot replace the journal: " + ec.message());
  }

 private:
  static std::string line(const Point& point, const PointResult& r) {
    return json{{"key", point.key()}, {"result", to_json(r)}}.dump();
  }

  std::string file_;
  std::unordered_map<std::string, json> entries_;
  std::ofstream out_;
};

}  // namespace

std::vector<PointResult> run_study(const Study& study, const RunOptions& options) {
  if (options.mode == Mode::simulate && !options.simulator)
    throw io::InputError("mode",
                         "simulation of transaction-system models is not available in "
                         "this build (use mode 'analytic')");
  if (options.shard.count < 1 || options.shard.index < 1 ||
      options.shard.index > options.shard.count)
    throw io::InputError("--shard", "K/N needs 1 <= K <= N");
  const std::vector<Point> points = expand_points(study, options.quick);
  // The fingerprint records whether a simulation step ran, so adding one later recomputes.
  const Mode effective =
      options.mode == Mode::both && !options.simulator ? Mode::analytic : options.mode;
  Journal journal(options.journal_file);

  std::vector<std::optional<PointResult>> results(points.size());
  std::vector<std::string> prints(points.size());
  std::vector<std::size_t> todo;
  Progress progress;
  std::vector<std::size_t> selected;
  for (std::size_t i = 0; i < points.size(); ++i)
    if (options.shard.contains(i)) selected.push_back(i);
  progress.total = selected.size();
  for (const std::size_t i : selected) {
    prints[i] = fingerprint(points[i], study, effective);
    if (auto r = journal.reusable(points[i], prints[i])) {
      results[i] = std::move(r);
      ++progress.reused;
      ++progress.done;
    } else {
      todo.push_back(i);
    }
  }

  journal.open_for_append();
  std::mutex mutex;  // guards the journal and progress
  if (options.progress) options.progress(progress);
  solver::parallel_for(todo.size(), options.jobs, [&](std::size_t k) {
    const std::size_t i = todo[k];
    PointResult r = evaluate_point(points[i], study, options, prints[i]);
    const std::lock_guard<std::mutex> lock(mutex);
    journal.append(points[i], r);
    results[i] = std::move(r);
    ++progress.done;
    if (options.progress) options.progress(progress);
  });
  journal.compact(points, results, selected);

  std::vector<PointResult> out;
  out.reserve(selected.size());
  for (const std::size_t i : selected) out.push_back(std::move(*results[i]));
  return out;
}

}  // namespace tpeval::model::study
