// Reading study documents and expanding them into points (see study.hpp).
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <set>

#include "model/debit_credit.hpp"
#include "model/document.hpp"
#include "model/parse.hpp"
#include "model/study/metrics.hpp"
#include "model/study/point_error.hpp"
#include "model/study/study.hpp"
#include "solver/io/json_input.hpp"

namespace tpeval::model::study {
namespace {

using io::InputError;
using io::JsonNode;
using nlohmann::json;

}  // namespace

// Integral axis values become JSON integers: page counts and server counts must be integers in a
// model document, and 2000.0 would not pass as one everywhere.
json axis_value_json(double v) {
  if (std::floor(v) == v && std::fabs(v) < 1e15) return json(static_cast<std::int64_t>(v));
  return json(v);
}

namespace {

// Re-throws a model error raised while building a configuration, keeping both paths.
[[noreturn]] void rethrow_in(const std::string& path, const InputError& e) {
  throw InputError(path, (e.path().empty() ? std::string() : e.path() + ": ") + e.reason());
}

std::vector<Assignment> read_overrides(const JsonNode& node, const json& base) {
  std::vector<Assignment> out;
  for (const auto& [key, value] : node.members()) {
    json probe = base;
    try {
      set_parameter(probe, key, value.json());
    } catch (const InputError& e) {
      throw InputError(value.path(), e.reason());
    }
    out.push_back({key, value.json()});
  }
  return out;
}

std::string identifier(const JsonNode& node) {
  const std::string s = node.as_string();
  if (s.empty()) node.fail("must not be empty");
  for (char c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.'))
      node.fail("must consist of letters, digits, '_', '-' or '.' (it names files and columns)");
  return s;
}

std::vector<double> read_range(const JsonNode& node) {
  node.expect_only({"from", "to", "step"});
  const double from = node.at("from").as_number();
  const double to = node.at("to").as_number();
  const double step = node.at("step").as_positive();
  if (to < from) node.at("to").fail("must be >= from");
  const double count = std::floor((to - from) / step + 1e-9) + 1.0;
  if (count > 10'000) node.fail("more than 10000 values");
  std::vector<double> values;
  for (int i = 0; i < static_cast<int>(count); ++i) values.push_back(from + i * step);
  // Include `to` when the step does not land on it exactly (within rounding it does).
  if (!same_value(values.back(), to) && values.back() < to)
    values.push_back(to);
  else
    values.back() = std::min(values.back(), to);
  return values;
}

Axis read_axis(const JsonNode& node, const json& base) {
  node.expect_only({"name", "label", "parameter", "values", "range", "quick_values"});
  Axis a;
  a.name = identifier(node.at("name"));
  a.label = node.find("label") ? node.at("label").as_string() : a.name;
  const JsonNode p = node.at("parameter");
  if (p.is_string())
    a.parameters.push_back(p.as_string());
  else if (p.is_array()) {
    for (const auto& e : p.elements()) a.parameters.push_back(e.as_string());
    if (a.parameters.empty()) p.fail("must name at least one parameter path");
  } else {
    p.fail("must be a parameter path or an array of them");
  }
  const bool has_values = node.has("values");
  const bool has_range = node.has("range");
  if (has_values == has_range) node.fail("needs exactly one of 'values' and 'range'");
  if (has_values && node.at("values").is_array() && node.at("values").json().size() > 10'000)
    node.at("values").fail("more than 10000 values");
  a.values = has_values ? node.at("values").as_number_array() : read_range(node.at("range"));
  if (a.values.empty()) node.at(has_values ? "values" : "range").fail("must not be empty");
  for (std::size_t i = 0; i < a.values.size(); ++i)
    for (std::size_t j = 0; j < i; ++j)
      if (same_value(a.values[i], a.values[j]))
        node.fail("value " + std::to_string(a.values[i]) + " appears twice");
  if (auto q = node.find("quick_values")) {
    a.quick_values = q->as_number_array();
    for (std::size_t i = 0; i < a.quick_values.size(); ++i)
      if (std::none_of(a.values.begin(), a.values.end(),
                       [&](double v) { return same_value(v, a.quick_values[i]); }))
        q->elements()[i].fail("is not one of the axis values");
  }
  // Check the paths now so a typo fails before any point runs.
  for (std::size_t i = 0; i < a.parameters.size(); ++i) {
    json probe = base;
    try {
      set_parameter(probe, a.parameters[i], axis_value_json(a.values.front()));
    } catch (const InputError& e) {
      throw InputError(p.is_array() ? p.elements()[i].path() : p.path(), e.reason());
    }
  }
  return a;
}

Bounds read_bounds(const JsonNode& node, bool required) {
  Bounds b;
  if (auto t = node.find("target")) {
    b.target = t->as_number();
    if (auto tol = node.find("tolerance"))
      b.tolerance = tol->as_non_negative();
    else
      node.fail("a 'target' needs a 'tolerance'");
    if (auto r = node.find("relative_tolerance")) b.relative_tolerance = r->as_bool();
    if (node.has("min") || node.has("max")) node.fail("give either 'target' or 'min'/'max'");
  } else {
    if (node.has("tolerance")) node.at("tolerance").fail("only allowed with 'target'");
    if (auto m = node.find("min")) b.min = m->as_number();
    if (auto m = node.find("max")) b.max = m->as_number();
    if (b.min && b.max && *b.min > *b.max) node.at("max").fail("must be >= min");
    if (required && !b.min && !b.max)
      node.fail("needs 'target' and 'tolerance', or 'min' and/or 'max'");
  }
  return b;
}

struct StudyContext {
  std::set<std::string> configurations;
  const std::vector<Axis>* axes;
};

void check_configuration(const JsonNode& node, const StudyContext& ctx) {
  const std::string name = node.as_string();
  if (ctx.configurations.count(name)) return;
  std::vector<std::string> known(ctx.configurations.begin(), ctx.configurations.end());
  std::string reason = "no configuration named '" + name + "'";
  const std::string close = io::closest_name(name, known);
  if (!close.empty()) reason += "; did you mean '" + close + "'?";
  node.fail(reason);
}

const Axis* find_axis(const std::vector<Axis>& axes, const std::string& name) {
  for (const auto& a : axes)
    if (a.name == name) return &a;
  return nullptr;
}

Where read_where(const JsonNode& node, const StudyContext& ctx) {
  Where out;
  for (const auto& [key, value] : node.members()) {
    const Axis* axis = find_axis(*ctx.axes, key);
    if (!axis) {
      std::vector<std::string> names;
      for (const auto& a : *ctx.axes) names.push_back(a.name);
      std::string reason = "no sweep axis named '" + key + "'";
      if (names.empty())
        reason += " (the study has no sweep)";
      else {
        const std::string close = io::closest_name(key, names);
        if (!close.empty()) reason += "; did you mean '" + close + "'?";
      }
      value.fail(reason);
    }
    std::vector<JsonNode> items;
    if (value.is_array())
      items = value.elements();
    else
      items.push_back(value);
    if (items.empty()) value.fail("must name at least one value");
    std::vector<double> values;
    for (const auto& item : items) {
      const double v = item.as_number();
      if (std::none_of(axis->values.begin(), axis->values.end(),
                       [&](double x) { return same_value(x, v); }))
        item.fail("is not one of the values of axis '" + key + "'");
      values.push_back(v);
    }
    out.emplace_back(key, std::move(values));
  }
  return out;
}

std::vector<std::string> read_configurations(const JsonNode& node, const StudyContext& ctx) {
  std::vector<std::string> out;
  if (auto c = node.find("configuration")) {
    if (node.has("configurations")) node.fail("give 'configuration' or 'configurations', not both");
    check_configuration(*c, ctx);
    out.push_back(c->as_string());
  } else if (auto cs = node.find("configurations")) {
    for (const auto& e : cs->elements()) {
      check_configuration(e, ctx);
      out.push_back(e.as_string());
    }
    if (out.empty()) cs->fail("must not be empty");
  } else {
    node.fail("needs 'configuration' or 'configurations'");
  }
  return out;
}

/// Reads one expectation: the common fields, then the fields of its kind. One object per
/// expectation; `metrics` collects the metrics the expectations need.
class ExpectationReader {
 public:
  ExpectationReader(const JsonNode& node, const StudyContext& ctx,
                    std::vector<std::string>& metrics)
      : node_(node), ctx_(ctx), metrics_(metrics) {}

  Expectation read() {
    if (!node_.is_object()) node_.fail("must be an object");
    const std::string kind = node_.at("kind").as_choice(
        {"value", "ordering", "saturation", "difference", "monotonic", "crossing", "unchecked"});
    x_.path = node_.path();
    x_.id = node_.at("id").as_string();
    x_.source = node_.at("source").as_string();
    x_.statement = node_.at("statement").as_string();
    if (x_.id.empty()) node_.at("id").fail("must not be empty");
    if (x_.source.empty()) node_.at("source").fail("must cite the book figure/table and line");
    if (auto n = node_.find("note")) x_.note = n->as_string();
    if (kind == "value")
      value();
    else if (kind == "ordering")
      ordering();
    else if (kind == "saturation")
      saturation();
    else if (kind == "difference")
      difference();
    else if (kind == "monotonic")
      monotonic();
    else if (kind == "crossing")
      crossing();
    else
      unchecked();
    return x_;
  }

 private:
  /// The keys of the kind besides the common ones; anything else is refused.
  void keys(std::initializer_list<const char*> kind_keys) {
    std::vector<std::string> allowed = {"id", "source", "statement", "note", "kind"};
    for (const char* k : kind_keys) allowed.emplace_back(k);
    node_.expect_only(allowed);
  }
  void need_metric(const std::string& name) {
    if (std::find(metrics_.begin(), metrics_.end(), name) == metrics_.end())
      metrics_.push_back(name);
  }
  void metric() {
    const JsonNode m = node_.at("metric");
    x_.metric = m.as_string();
    check_metric_name(x_.metric, m.path());
    need_metric(x_.metric);
  }
  void axis_name() {
    const JsonNode a = node_.at("axis");
    x_.axis = a.as_string();
    if (!find_axis(*ctx_.axes, x_.axis)) a.fail("no sweep axis named '" + x_.axis + "'");
  }
  void where_opt() {
    if (auto w = node_.find("where")) x_.where = read_where(*w, ctx_);
  }

  void value() {
    x_.kind = ExpectationKind::value;
    keys({"metric", "configuration", "configurations", "where", "target", "tolerance",
          "relative_tolerance", "min", "max"});
    metric();
    x_.configurations = read_configurations(node_, ctx_);
    where_opt();
    x_.bounds = read_bounds(node_, true);
  }
  void ordering() {
    x_.kind = ExpectationKind::ordering;
    keys({"metric", "configurations", "where", "strict"});
    metric();
    x_.configurations = read_configurations(node_, ctx_);
    if (x_.configurations.size() < 2) node_.at("configurations").fail("needs at least two");
    where_opt();
    if (auto s = node_.find("strict")) x_.strict = s->as_bool();
  }
  void saturation() {
    x_.kind = ExpectationKind::saturation;
    keys({"configuration", "configurations", "where", "min", "max", "limited_by"});
    x_.metric = "max_throughput_per_s";
    need_metric(x_.metric);
    x_.configurations = read_configurations(node_, ctx_);
    where_opt();
    x_.bounds = read_bounds(node_, true);
    if (auto l = node_.find("limited_by")) x_.limited_by = l->as_string();
  }
  void difference() {
    x_.kind = ExpectationKind::difference;
    keys({"metric", "points", "relative", "target", "tolerance", "relative_tolerance", "min",
          "max"});
    metric();
    const JsonNode pts = node_.at("points");
    const auto elements = pts.elements();
    // Two points: first - second. Four: (first - second) - (third - fourth), the change of a
    // gap (e.g. "the FORCE penalty grows with n", Rahm 1993 L3248).
    if (elements.size() != 2 && elements.size() != 4)
      pts.fail("needs two points (first - second) or four ((first - second) - (third - fourth))");
    for (const auto& p : elements) x_.points.push_back(point(p));
    if (auto r = node_.find("relative")) {
      x_.relative = r->as_bool();
      if (x_.relative && x_.points.size() == 4)
        r->fail("a relative difference needs two points, not four");
    }
    x_.bounds = read_bounds(node_, true);
  }
  /// One point of a difference: a configuration and a 'where' that fixes every axis.
  PointSelector point(const JsonNode& p) const {
    p.expect_only({"configuration", "where"});
    PointSelector s;
    check_configuration(p.at("configuration"), ctx_);
    s.configuration = p.at("configuration").as_string();
    if (auto w = p.find("where")) s.where = read_where(*w, ctx_);
    bool single = s.where.size() == ctx_.axes->size();
    for (const auto& w : s.where) single = single && w.second.size() == 1;
    if (!single) p.fail("'where' must fix every sweep axis to one value (one point)");
    return s;
  }
  void monotonic() {
    x_.kind = ExpectationKind::monotonic;
    keys({"metric", "configuration", "configurations", "axis", "direction", "strict", "where"});
    metric();
    x_.configurations = read_configurations(node_, ctx_);
    axis_name();
    x_.increasing = node_.at("direction").as_choice({"increasing", "decreasing"}) == "increasing";
    if (auto s = node_.find("strict")) x_.strict = s->as_bool();
    where_opt();  // may also restrict the values along `axis` itself
  }
  void crossing() {
    x_.kind = ExpectationKind::crossing;
    keys({"metric", "configuration", "configurations", "axis", "factor", "where", "min", "max"});
    metric();
    x_.configurations = read_configurations(node_, ctx_);
    axis_name();
    x_.factor = node_.at("factor").as_positive();
    if (x_.factor == 1.0) node_.at("factor").fail("must differ from 1 (> 1: rising, < 1: falling)");
    where_opt();
    x_.bounds = read_bounds(node_, true);
  }
  void unchecked() {
    x_.kind = ExpectationKind::unchecked;
    keys({"reason"});
    x_.reason = node_.at("reason").as_string();
    if (x_.reason.empty()) node_.at("reason").fail("must say why the target is not checked");
  }

  const JsonNode& node_;
  const StudyContext& ctx_;
  std::vector<std::string>& metrics_;
  Expectation x_;
};

json builtin_model(const JsonNode& node) {
  const std::string name = node.as_choice({"debit_credit", "real_load", "lock_experiment"});
  if (name == "real_load") return real_load_model();
  if (name == "lock_experiment") return lock_experiment_model();
  return debit_credit_model();
}

}  // namespace

const char* mode_name(Mode mode) {
  switch (mode) {
    case Mode::analytic:
      return "analytic";
    case Mode::simulate:
      return "simulate";
    case Mode::both:
      return "both";
  }
  return "analytic";
}

const char* kind_name(ExpectationKind kind) {
  switch (kind) {
    case ExpectationKind::value:
      return "value";
    case ExpectationKind::ordering:
      return "ordering";
    case ExpectationKind::saturation:
      return "saturation";
    case ExpectationKind::difference:
      return "difference";
    case ExpectationKind::monotonic:
      return "monotonic";
    case ExpectationKind::crossing:
      return "crossing";
    case ExpectationKind::unchecked:
      return "unchecked";
  }
  return "value";
}

bool same_value(double a, double b) {
  return std::fabs(a - b) <= 1e-9 * std::max({1.0, std::fabs(a), std::fabs(b)});
}

bool Bounds::contains(double value) const {
  if (target) {
    const double tol = relative_tolerance ? tolerance * std::fabs(*target) : tolerance;
    // A hair of slack for the decimal representation of the bound itself, not a loosening.
    return std::fabs(value - *target) <= tol * (1.0 + 1e-12) + 1e-12;
  }
  if (min && value < *min) return false;
  if (max && value > *max) return false;
  return true;
}

bool Bounds::contains(double value, double slack) const {
  if (contains(value)) return true;
  if (!(slack > 0.0)) return false;
  if (target) {
    const double tol = relative_tolerance ? tolerance * std::fabs(*target) : tolerance;
    return std::fabs(value - *target) <= tol + slack;
  }
  if (min && value + slack < *min) return false;
  if (max && value - slack > *max) return false;
  return true;
}

std::string Bounds::describe() const {
  const auto num = [](double v) { return fmt::format("{:.6g}", v); };
  if (target)
    return num(*target) + " ± " +
           (relative_tolerance ? num(100.0 * tolerance) + " %" : num(tolerance));
  if (min && max) return "in [" + num(*min) + ", " + num(*max) + "]";
  if (min) return "≥ " + num(*min);
  if (max) return "≤ " + num(*max);
  return "any";
}

namespace {

/// Base model: a built-in document or a file; the embedded default when absent. Study-level
/// overrides are applied and the result checked.
void read_base(const JsonNode& root, const std::string& study_dir, Study& s) {
  if (auto b = root.find("base")) {
    b->expect_only({"builtin", "file"});
    if (b->has("builtin") == b->has("file")) b->fail("needs exactly one of 'builtin' and 'file'");
    if (auto builtin = b->find("builtin")) {
      s.base_document = builtin_model(*builtin);
      s.base_description = "built-in " + builtin->as_string();
    } else {
      const JsonNode f = b->at("file");
      std::filesystem::path file = f.as_string();
      if (file.is_relative()) file = std::filesystem::path(study_dir) / file;
      try {
        s.base_document = load_model_document(file.string());
      } catch (const InputError& e) {
        rethrow_in(f.path(), e);
      }
      s.base_description = f.as_string();
    }
  } else {
    s.base_document = default_model();
    s.base_description = "embedded default (Debit-Credit, Tab. 6-6)";
  }
  if (auto o = root.find("overrides")) {
    for (const auto& a : read_overrides(*o, s.base_document))
      set_parameter(s.base_document, a.path, a.value);
    try {
      (void)parse_model(s.base_document);
    } catch (const InputError& e) {
      rethrow_in(o->path(), e);
    }
  }
}

/// The configurations: names unique, each one's overrides give a valid model.
void read_configuration_list(const JsonNode& configs, Study& s, StudyContext& ctx) {
  for (const auto& c : configs.elements()) {
    c.expect_only({"name", "label", "overrides"});
    Configuration conf;
    conf.name = identifier(c.at("name"));
    if (ctx.configurations.count(conf.name)) c.at("name").fail("duplicate configuration name");
    conf.label = c.find("label") ? c.at("label").as_string() : conf.name;
    json doc = s.base_document;
    if (auto o = c.find("overrides")) {
      conf.overrides = read_overrides(*o, s.base_document);
      for (const auto& a : conf.overrides) set_parameter(doc, a.path, a.value);
      try {
        (void)parse_model(doc);
      } catch (const InputError& e) {
        rethrow_in(o->path(), e);
      }
    }
    ctx.configurations.insert(conf.name);
    s.configurations.push_back(std::move(conf));
  }
  if (s.configurations.empty()) configs.fail("needs at least one configuration");
}

void read_sweep(const JsonNode& sw, Study& s) {
  for (const auto& a : sw.elements()) s.axes.push_back(read_axis(a, s.base_document));
  if (s.axes.size() > 2) sw.fail("at most two sweep axes");
  if (s.axes.size() == 2 && s.axes[0].values.size() * s.axes[1].values.size() > 100'000)
    sw.fail("the two axes give " + std::to_string(s.axes[0].values.size()) + " x " +
            std::to_string(s.axes[1].values.size()) + " points; at most 100000 allowed");
  if (s.axes.size() == 2 && s.axes[0].name == s.axes[1].name)
    sw.elements()[1].at("name").fail("duplicate axis name");
}

void read_metric_list(const JsonNode& metrics, Study& s) {
  for (const auto& m : metrics.elements()) {
    const std::string name = m.as_string();
    check_metric_name(name, m.path());
    if (std::find(s.metrics.begin(), s.metrics.end(), name) != s.metrics.end())
      m.fail("metric listed twice");
    s.metrics.push_back(name);
  }
  if (s.metrics.empty()) metrics.fail("needs at least one metric");
}

void read_simulation_settings(const JsonNode& sim, Study& s) {
  sim.expect_only({"seed", "precision", "max_time_s", "max_wall_time_s", "warm_start"});
  if (auto v = sim.find("seed")) s.simulation.seed = static_cast<std::uint64_t>(v->as_integer(0));
  if (auto v = sim.find("precision")) {
    s.simulation.precision = v->as_positive();
    if (s.simulation.precision >= 1.0) v->fail("must be a relative half-width below 1");
  }
  if (auto v = sim.find("max_time_s")) s.simulation.max_time_s = v->as_positive();
  if (auto v = sim.find("max_wall_time_s")) s.simulation.max_wall_time_s = v->as_positive();
  if (auto v = sim.find("warm_start")) s.simulation.warm_start = v->as_bool();
}

}  // namespace

Study parse_study(const json& document, const std::string& study_dir) {
  const JsonNode root(document, "");
  if (!root.is_object()) root.fail("a study must be a JSON object");
  root.expect_only({"$schema", "name", "title", "description", "source", "base", "overrides",
                    "configurations", "sweep", "metrics", "mode", "simulation", "expectations"});
  Study s;
  s.name = identifier(root.at("name"));
  s.title = root.find("title") ? root.at("title").as_string() : s.name;
  if (auto d = root.find("description")) s.description = d->as_string();
  if (auto d = root.find("source")) s.source = d->as_string();
  read_base(root, study_dir, s);

  StudyContext ctx;
  read_configuration_list(root.at("configurations"), s, ctx);
  if (auto sw = root.find("sweep")) read_sweep(*sw, s);
  ctx.axes = &s.axes;
  read_metric_list(root.at("metrics"), s);
  if (auto m = root.find("mode")) {
    const std::string mode = m->as_choice({"analytic", "simulate", "both"});
    s.mode = mode == "simulate" ? Mode::simulate : mode == "both" ? Mode::both : Mode::analytic;
  }
  if (auto sim = root.find("simulation")) read_simulation_settings(*sim, s);
  if (auto ex = root.find("expectations")) {
    for (const auto& e : ex->elements())
      s.expectations.push_back(ExpectationReader(e, ctx, s.metrics).read());
  }
  for (const auto& m : s.metrics)
    if (metric_needs_max_throughput(m)) s.needs_max_throughput = true;
  return s;
}

Study read_study_file(const std::string& file_name) {
  const json doc = io::read_json_file(file_name);
  const auto dir = std::filesystem::path(file_name).parent_path();
  return parse_study(doc, dir.empty() ? std::string(".") : dir.string());
}

std::string Point::key() const {
  std::string k = configuration;
  for (const auto& [name, value] : axis_values) {
    k += fmt::format("|{}={:.12g}", name, value);
  }
  return k;
}

namespace {

std::vector<double> quick(const Axis& a) {
  if (!a.quick_values.empty()) return a.quick_values;
  if (a.values.size() <= 4) return a.values;
  std::vector<double> out;
  const std::size_t n = a.values.size();
  for (std::size_t i = 0; i < 4; ++i) out.push_back(a.values[i * (n - 1) / 3]);
  return out;
}

}  // namespace

std::vector<Point> expand_points(const Study& study, bool quick_variant) {
  std::vector<std::vector<double>> values;
  for (const auto& a : study.axes) values.push_back(quick_variant ? quick(a) : a.values);
  std::vector<Point> points;
  for (const auto& c : study.configurations) {
    json doc = study.base_document;
    for (const auto& o : c.overrides) set_parameter(doc, o.path, o.value);
    const std::size_t n0 = values.empty() ? 1 : values[0].size();
    const std::size_t n1 = values.size() < 2 ? 1 : values[1].size();
    for (std::size_t i = 0; i < n0; ++i) {
      for (std::size_t j = 0; j < n1; ++j) {
        Point p;
        p.index = points.size();
        p.configuration = c.name;
        p.document = doc;
        for (std::size_t a = 0; a < study.axes.size(); ++a) {
          const double v = values[a][a == 0 ? i : j];
          p.axis_values.emplace_back(study.axes[a].name, v);
          for (const auto& path : study.axes[a].parameters)
            set_parameter(p.document, path, axis_value_json(v));
        }
        points.push_back(std::move(p));
      }
    }
  }
  return points;
}

}  // namespace tpeval::model::study
