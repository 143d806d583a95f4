// Expectation checks (see expectations.hpp).
#include "model/study/expectations.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

namespace tpeval::model::study {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

std::string num(double v) {
  if (std::isinf(v)) return v > 0 ? "∞" : "-∞";
  return fmt::format("{:.4g}", v);
}

std::string where_text(const std::vector<std::pair<std::string, double>>& axes) {
  std::string s;
  for (const auto& [name, value] : axes) {
    if (!s.empty()) s += ", ";
    s += name;
    s += '=';
    s += num(value);
  }
  return s;
}

std::string at_text(const PointResult& r) {
  const std::string w = where_text(r.axis_values);
  return r.configuration + (w.empty() ? "" : " @ " + w);
}

/// One metric of one point, from the analytic or the simulated part.
struct Sample {
  bool available = false;       ///< the part exists and measures this metric
  std::optional<double> value;  ///< nullopt: the point is saturated
  double half_width = 0.0;
  std::string bottleneck;
};

Sample sample(const PointResult& r, const std::string& metric, bool simulated) {
  Sample s;
  if (!simulated) {
    if (!r.analytic) return s;
    const auto it = r.values.find(metric);
    if (it == r.values.end()) return s;
    s.available = true;
    s.value = it->second;
    s.bottleneck = r.bottleneck;
    return s;
  }
  if (!r.simulated) return s;
  if (r.simulated->saturated) {
    s.available = true;
    s.bottleneck = r.simulated->bottleneck;
    return s;
  }
  const auto it = r.simulated->metrics.find(metric);
  if (it == r.simulated->metrics.end()) return s;
  s.available = true;
  s.value = it->second.mean;
  s.half_width = it->second.half_width;
  return s;
}

bool matches(const PointResult& r, const std::string& configuration, const Where& where) {
  if (r.configuration != configuration) return false;
  for (const auto& [axis, values] : where) {
    bool found = false;
    for (const auto& [name, v] : r.axis_values)
      if (name == axis)
        for (double w : values) found = found || same_value(v, w);
    if (!found) return false;
  }
  return true;
}

std::string where_text(const Where& where) {
  std::string s;
  for (const auto& [name, values] : where) {
    if (!s.empty()) s += ", ";
    s += name;
    s += '=';
    for (std::size_t i = 0; i < values.size(); ++i) {
      if (i) s += '/';
      s += num(values[i]);
    }
  }
  return s;
}

std::vector<const PointResult*> select(const std::vector<PointResult>& results,
                                       const std::string& configuration, const Where& where) {
  std::vector<const PointResult*> out;
  for (const auto& r : results)
    if (matches(r, configuration, where)) out.push_back(&r);
  return out;
}

double axis_value(const PointResult& r, const std::string& axis) {
  for (const auto& [name, v] : r.axis_values)
    if (name == axis) return v;
  return 0.0;
}

/// The axis values of `r` without `axis` (the group a monotonic/crossing curve belongs to).
std::string group_key(const PointResult& r, const std::string& axis) {
  std::vector<std::pair<std::string, double>> rest;
  for (const auto& av : r.axis_values)
    if (av.first != axis) rest.push_back(av);
  return where_text(rest);
}

std::string saturated_text(const Sample& s) {
  return "saturated" + (s.bottleneck.empty() ? std::string() : " (" + s.bottleneck + ")");
}

Check not_evaluated(const std::string& why) {
  Check c;
  c.verdict = Verdict::not_evaluated;
  c.measured = why;
  return c;
}

Check check_value(const Expectation& x, const std::vector<PointResult>& results, bool sim) {
  Check c;
  c.verdict = Verdict::met;
  std::size_t n = 0;
  const PointResult* worst = nullptr;
  double worst_distance = -kInf;
  Sample worst_sample;
  for (const auto& conf : x.configurations) {
    for (const PointResult* r : select(results, conf, x.where)) {
      const Sample s = sample(*r, x.metric, sim);
      if (!s.available) continue;
      ++n;
      double distance;
      if (!s.value) {
        distance = kInf;
      } else if (x.bounds.contains(*s.value)) {
        // Inside: rank by closeness to the edge (negative distances), to report the tightest.
        const double lo =
            x.bounds.target
                ? *x.bounds.target -
                      x.bounds.tolerance *
                          (x.bounds.relative_tolerance ? std::fabs(*x.bounds.target) : 1.0)
                : x.bounds.min.value_or(-kInf);
        const double hi =
            x.bounds.target
                ? *x.bounds.target +
                      x.bounds.tolerance *
                          (x.bounds.relative_tolerance ? std::fabs(*x.bounds.target) : 1.0)
                : x.bounds.max.value_or(kInf);
        distance = -std::min(*s.value - lo, hi - *s.value);
      } else {
        distance = 1.0 + std::fabs(*s.value);
      }
      if (!worst || distance > worst_distance) {
        worst = r;
        worst_distance = distance;
        worst_sample = s;
      }
      if (!s.value || !x.bounds.contains(*s.value, s.half_width))
        c.verdict = Verdict::missed;
      else if (!x.bounds.contains(*s.value))
        c.within_interval = true;
    }
  }
  if (n == 0) return not_evaluated("no matching point");
  if (!worst_sample.value) {
    c.measured = saturated_text(worst_sample) + " at " + at_text(*worst);
    return c;
  }
  c.value = worst_sample.value;
  if (sim) c.half_width = worst_sample.half_width;
  c.measured = num(*worst_sample.value) +
               (sim ? " ± " + num(worst_sample.half_width) : std::string()) + " at " +
               at_text(*worst) + (n > 1 ? " (tightest of " + std::to_string(n) + " points)" : "");
  return c;
}

Check check_ordering(const Expectation& x, const std::vector<PointResult>& results, bool sim) {
  // Group the points by their axis values; in each group the configurations must ascend.
  std::map<std::string, std::vector<Sample>> groups;
  std::map<std::string, const PointResult*> group_point;
  const std::size_t k = x.configurations.size();
  for (std::size_t i = 0; i < k; ++i) {
    for (const PointResult* r : select(results, x.configurations[i], x.where)) {
      const Sample s = sample(*r, x.metric, sim);
      if (!s.available) continue;
      const std::string key = where_text(r->axis_values);
      auto& g = groups[key];
      g.resize(k);
      g[i] = s;
      group_point[key] = r;
    }
  }
  Check c;
  c.verdict = Verdict::met;
  std::size_t compared = 0, skipped = 0, violated = 0;
  double tightest = kInf;
  std::string tightest_at, violation;
  for (const auto& [key, g] : groups) {
    if (std::any_of(g.begin(), g.end(), [](const Sample& s) { return !s.available; })) continue;
    bool all_saturated_pair = false;
    for (std::size_t i = 0; i + 1 < k; ++i)
      if (!g[i].value && !g[i + 1].value) all_saturated_pair = true;
    if (all_saturated_pair) {
      ++skipped;  // both saturated: no order to check
      continue;
    }
    ++compared;
    bool group_ok = true;
    for (std::size_t i = 0; i + 1 < k; ++i) {
      const double a = g[i].value.value_or(kInf);
      const double b = g[i + 1].value.value_or(kInf);
      const bool ok_mean = x.strict ? a < b : a <= b;
      const double slack =
          g[i].value && g[i + 1].value ? std::hypot(g[i].half_width, g[i + 1].half_width) : 0.0;
      const bool ok = ok_mean || (slack > 0.0 && a - b <= slack);
      if (ok && !ok_mean) c.within_interval = true;
      const std::string here = key.empty() ? std::string() : " @ " + key;
      if (!ok) group_ok = false;
      if (!ok && violation.empty()) {
        violation = x.configurations[i] + " = " + (g[i].value ? num(a) : saturated_text(g[i])) +
                    " vs " + x.configurations[i + 1] + " = " +
                    (g[i + 1].value ? num(b) : saturated_text(g[i + 1])) + here;
        c.value = a - b;
      }
      if (ok && b - a < tightest) {
        tightest = b - a;
        tightest_at = x.configurations[i] + " < " + x.configurations[i + 1] + here;
      }
    }
    if (!group_ok) ++violated;
  }
  if (compared == 0) return not_evaluated("no point where all configurations were measured");
  const std::string counts =
      std::to_string(compared) + " point(s) compared" +
      (skipped ? ", " + std::to_string(skipped) + " with both saturated" : "");
  if (!violation.empty()) {
    c.verdict = Verdict::missed;
    c.measured = "violated at " + std::to_string(violated) + " of " + std::to_string(compared) +
                 " point(s), first: " + violation + (skipped ? " (" + counts + ")" : std::string());
  } else {
    if (std::isfinite(tightest)) c.value = tightest;
    c.measured = "holds; smallest gap " + num(tightest) + " (" + tightest_at + "; " + counts + ")";
  }
  return c;
}

Check check_saturation(const Expectation& x, const std::vector<PointResult>& results, bool sim) {
  Check c;
  c.verdict = Verdict::met;
  std::vector<std::string> parts;
  bool any = false;
  for (const auto& conf : x.configurations) {
    auto pts = select(results, conf, x.where);
    if (pts.empty()) continue;
    double limit = 0.0;
    std::string limited_by, text;
    if (!sim) {
      const PointResult* r = pts.front();
      if (!r->analytic) continue;
      const auto v = r->value("max_throughput_per_s");
      if (!v) continue;
      limit = *v;
      limited_by = r->limited_by;
      text = conf + ": " + num(limit) + " TPS" +
             (limited_by.empty() ? std::string() : " (limited by " + limited_by + ")");
    } else {
      // Along the first axis (the arrival rate in every saturation study).
      const std::string axis =
          pts.front()->axis_values.empty() ? std::string() : pts.front()->axis_values[0].first;
      std::sort(pts.begin(), pts.end(), [&](const PointResult* a, const PointResult* b) {
        return axis_value(*a, axis) < axis_value(*b, axis);
      });
      std::optional<double> last_stable, first_saturated;
      for (const PointResult* r : pts) {
        // A point without an estimate (the run's limits stopped it) says nothing about stability.
        if (!r->simulated || (!r->simulated->saturated && r->simulated->metrics.empty())) continue;
        if (r->simulated->saturated) {
          if (!first_saturated) {
            first_saturated = axis_value(*r, axis);
            limited_by = r->simulated->bottleneck;
          }
        } else if (!first_saturated) {
          last_stable = axis_value(*r, axis);
        }
      }
      if (!last_stable && !first_saturated) continue;
      if (!first_saturated) {
        limit = kInf;
        text = conf + ": stable up to " + num(*last_stable) + " TPS";
      } else {
        const double lo = last_stable.value_or(0.0);
        limit = 0.5 * (lo + *first_saturated);
        c.half_width = 0.5 * (*first_saturated - lo);
        text = conf + ": between " + num(lo) + " and " + num(*first_saturated) + " TPS" +
               (limited_by.empty() ? std::string() : " (" + limited_by + ")");
      }
    }
    any = true;
    bool ok;
    if (std::isinf(limit))
      ok = !x.bounds.max && !x.bounds.target;  // never saturated
    else
      ok = x.bounds.contains(limit);
    if (ok && !x.limited_by.empty() && !std::isinf(limit) &&
        limited_by.find(x.limited_by) == std::string::npos)
      ok = false;
    if (!ok) c.verdict = Verdict::missed;
    if (!c.value || !ok) c.value = limit;
    parts.push_back(text);
  }
  if (!any) return not_evaluated("no matching point with a throughput limit");
  for (const auto& p : parts) c.measured += (c.measured.empty() ? "" : "; ") + p;
  if (c.value && std::isinf(*c.value)) c.value.reset();
  return c;
}

Check check_difference(const Expectation& x, const std::vector<PointResult>& results, bool sim) {
  const std::size_t n = x.points.size();  // 2 or 4 (parse.cpp)
  std::vector<Sample> s(n);
  std::vector<const PointResult*> at(n, nullptr);
  for (std::size_t i = 0; i < n; ++i) {
    const auto pts = select(results, x.points[i].configuration, x.points[i].where);
    if (pts.size() != 1)
      return not_evaluated("point " + std::to_string(i + 1) + " matches " +
                           std::to_string(pts.size()) + " results");
    at[i] = pts.front();
    s[i] = sample(*pts.front(), x.metric, sim);
    if (!s[i].available) return not_evaluated("not measured");
  }
  Check c;
  for (std::size_t i = 0; i < n; ++i)
    if (!s[i].value) {
      c.verdict = Verdict::missed;
      c.measured = saturated_text(s[i]) + " at " + at_text(*at[i]);
      return c;
    }
  const auto term = [&](std::size_t i) { return num(*s[i].value) + " at " + at_text(*at[i]); };
  double d = *s[0].value - *s[1].value;
  double hw2 = 0.0;
  for (const auto& e : s) hw2 += e.half_width * e.half_width;
  double hw = std::sqrt(hw2);
  std::string parts = term(0) + " − " + term(1);
  if (n == 4) {
    d -= *s[2].value - *s[3].value;
    parts = "(" + parts + ") − (" + term(2) + " − " + term(3) + ")";
  }
  if (x.relative) {
    const double b = *s[1].value;
    if (b == 0.0) {
      c.verdict = Verdict::missed;
      c.measured = "relative difference undefined: second value is 0";
      return c;
    }
    d /= b;
    hw /= std::fabs(b);
  }
  c.value = d;
  if (sim) c.half_width = hw;
  c.verdict = x.bounds.contains(d, sim ? hw : 0.0) ? Verdict::met : Verdict::missed;
  c.within_interval = c.verdict == Verdict::met && !x.bounds.contains(d);
  c.measured = num(d) + (sim ? " ± " + num(hw) : std::string()) + " (" + parts + ")";
  return c;
}

/// Points of one configuration grouped by the other axes, each group sorted along `axis`.
std::map<std::string, std::vector<const PointResult*>> curves(
    const std::vector<PointResult>& results, const std::string& conf, const Expectation& x) {
  std::map<std::string, std::vector<const PointResult*>> out;
  for (const PointResult* r : select(results, conf, x.where))
    out[group_key(*r, x.axis)].push_back(r);
  for (auto& [key, pts] : out)
    std::sort(pts.begin(), pts.end(), [&](const PointResult* a, const PointResult* b) {
      return axis_value(*a, x.axis) < axis_value(*b, x.axis);
    });
  return out;
}

Check check_monotonic(const Expectation& x, const std::vector<PointResult>& results, bool sim) {
  Check c;
  c.verdict = Verdict::met;
  std::size_t steps = 0;
  std::string violation;
  for (const auto& conf : x.configurations) {
    for (const auto& [key, pts] : curves(results, conf, x)) {
      std::optional<double> prev;
      double prev_hw = 0.0;
      const PointResult* prev_point = nullptr;
      for (const PointResult* r : pts) {
        const Sample s = sample(*r, x.metric, sim);
        if (!s.available) continue;
        const double v = s.value.value_or(kInf);
        if (prev) {
          ++steps;
          const double a = *prev, b = v;
          bool ok_mean;
          if (x.increasing)
            ok_mean = x.strict ? a < b : a <= b;
          else
            ok_mean = x.strict ? a > b : a >= b;
          const double slack =
              std::isfinite(a) && std::isfinite(b) ? std::hypot(prev_hw, s.half_width) : 0.0;
          const bool ok = ok_mean || (slack > 0.0 && (x.increasing ? a - b : b - a) <= slack);
          if (ok && !ok_mean) c.within_interval = true;
          if (!ok && violation.empty()) {
            violation =
                num(a) + " at " + at_text(*prev_point) + " → " + num(b) + " at " + at_text(*r);
            c.value = b - a;
          }
        }
        prev = v;
        prev_hw = s.half_width;
        prev_point = r;
      }
    }
  }
  if (steps == 0) return not_evaluated("fewer than two points along '" + x.axis + "'");
  if (!violation.empty()) {
    c.verdict = Verdict::missed;
    c.measured = "violated: " + violation;
  } else {
    c.measured = std::string(x.increasing ? "increasing" : "decreasing") + " over " +
                 std::to_string(steps) + " step(s)";
  }
  return c;
}

Check check_crossing(const Expectation& x, const std::vector<PointResult>& results, bool sim) {
  Check c;
  c.verdict = Verdict::met;
  bool any = false;
  for (const auto& conf : x.configurations) {
    for (const auto& [key, pts] : curves(results, conf, x)) {
      std::optional<double> base;
      std::optional<double> crossed_at;
      double ratio_at_cross = 0.0;
      double last_axis = 0.0;
      for (const PointResult* r : pts) {
        const Sample s = sample(*r, x.metric, sim);
        if (!s.available) continue;
        const double v = s.value.value_or(kInf);
        last_axis = axis_value(*r, x.axis);
        if (!base) {
          if (!s.value || *s.value <= 0.0) break;  // no finite positive reference value
          base = v;
          continue;
        }
        const double ratio = v / *base;
        if (x.factor > 1.0 ? ratio >= x.factor : ratio <= x.factor) {
          crossed_at = last_axis;
          ratio_at_cross = ratio;
          break;
        }
      }
      if (!base) continue;
      any = true;
      const std::string where = conf + (key.empty() ? "" : " @ " + key);
      std::string text;
      bool ok;
      if (crossed_at) {
        ok = x.bounds.contains(*crossed_at);
        text = where + ": " + x.axis + " = " + num(*crossed_at) + " (ratio " + num(ratio_at_cross) +
               ")";
        if (!c.value || !ok) c.value = *crossed_at;
      } else {
        ok = !x.bounds.max && !x.bounds.target;
        text = where + ": never within " + x.axis + " ≤ " + num(last_axis);
      }
      if (!ok) c.verdict = Verdict::missed;
      c.measured += (c.measured.empty() ? "" : "; ") + text;
    }
  }
  if (!any) return not_evaluated("no curve with a finite first value");
  return c;
}

Check check(const Expectation& x, const std::vector<PointResult>& results, bool sim) {
  switch (x.kind) {
    case ExpectationKind::value:
      return check_value(x, results, sim);
    case ExpectationKind::ordering:
      return check_ordering(x, results, sim);
    case ExpectationKind::saturation:
      return check_saturation(x, results, sim);
    case ExpectationKind::difference:
      return check_difference(x, results, sim);
    case ExpectationKind::monotonic:
      return check_monotonic(x, results, sim);
    case ExpectationKind::crossing:
      return check_crossing(x, results, sim);
    case ExpectationKind::unchecked:
      break;
  }
  Check c;
  c.verdict = Verdict::unchecked;
  c.measured = x.reason;
  return c;
}

/// The points an expectation looks at (its configurations and `where`, or its two points).
std::vector<const PointResult*> points_of(const Expectation& x,
                                          const std::vector<PointResult>& results) {
  std::vector<const PointResult*> out;
  if (x.kind == ExpectationKind::difference) {
    for (const auto& p : x.points)
      for (const PointResult* r : select(results, p.configuration, p.where)) out.push_back(r);
  } else {
    for (const auto& conf : x.configurations)
      for (const PointResult* r : select(results, conf, x.where)) out.push_back(r);
  }
  return out;
}

/// The simulated check when the simulator refused some point it needs, else nullopt.
std::optional<Check> refused_check(const Expectation& x, const std::vector<PointResult>& results) {
  const auto pts = points_of(x, results);
  std::size_t refused = 0;
  std::string reason;
  for (const PointResult* r : pts)
    if (r->simulated && !r->simulated->not_simulated.empty()) {
      if (refused++ == 0) reason = r->simulated->not_simulated;
    }
  if (refused == 0) return std::nullopt;
  Check c;
  c.verdict = Verdict::not_simulated;
  c.measured = "not simulated (" + reason + ")" +
               (pts.size() > 1 ? "; " + std::to_string(refused) + " of " +
                                     std::to_string(pts.size()) + " points refused"
                               : std::string());
  return c;
}

std::string expected_text(const Expectation& x) {
  std::string list;
  for (const auto& c : x.configurations) list += (list.empty() ? "" : ", ") + c;
  const std::string where = x.where.empty() ? std::string() : " @ " + where_text(x.where);
  switch (x.kind) {
    case ExpectationKind::value:
      return x.metric + " " + x.bounds.describe() + " (" + list + where + ")";
    case ExpectationKind::ordering: {
      std::string chain;
      for (const auto& c : x.configurations)
        chain += (chain.empty() ? "" : (x.strict ? " < " : " ≤ ")) + c;
      return x.metric + ": " + chain + (where.empty() ? " at every point" : where);
    }
    case ExpectationKind::saturation:
      return "throughput limit " + x.bounds.describe() + " TPS (" + list + ")" +
             (x.limited_by.empty() ? "" : ", limited by " + x.limited_by);
    case ExpectationKind::difference: {
      const auto at = [&](std::size_t i) {
        return x.points[i].configuration +
               (x.points[i].where.empty() ? "" : " @ " + where_text(x.points[i].where));
      };
      std::string terms = at(0) + " − " + at(1);
      if (x.points.size() == 4) terms = "(" + terms + ") − (" + at(2) + " − " + at(3) + ")";
      return x.metric + (x.relative ? " relative difference " : " difference ") + terms + " " +
             x.bounds.describe();
    }
    case ExpectationKind::monotonic:
      return x.metric + (x.strict ? " strictly " : " ") +
             (x.increasing ? "increasing" : "decreasing") + " along " + x.axis + " (" + list +
             where + ")";
    case ExpectationKind::crossing:
      return "first " + x.axis + " where " + x.metric + " reaches " + num(x.factor) +
             " × its first value " + x.bounds.describe() + " (" + list + where + ")";
    case ExpectationKind::unchecked:
      return "—";
  }
  return "";
}

}  // namespace

const char* verdict_name(Verdict verdict) {
  switch (verdict) {
    case Verdict::met:
      return "met";
    case Verdict::missed:
      return "missed";
    case Verdict::not_evaluated:
      return "not evaluated";
    case Verdict::unchecked:
      return "unchecked";
    case Verdict::not_simulated:
      return "not simulated";
  }
  return "";
}

std::vector<Outcome> evaluate_expectations(const Study& study,
                                           const std::vector<PointResult>& results) {
  const bool simulated = std::any_of(results.begin(), results.end(),
                                     [](const PointResult& r) { return r.simulated.has_value(); });
  const bool analytic =
      std::any_of(results.begin(), results.end(), [](const PointResult& r) { return r.analytic; });
  std::vector<Outcome> out;
  for (const auto& x : study.expectations) {
    Outcome o;
    o.expectation = x;
    o.expected = expected_text(x);
    o.analytic = analytic || x.kind == ExpectationKind::unchecked
                     ? check(x, results, false)
                     : not_evaluated("analytic part not run");
    if (simulated && x.kind != ExpectationKind::unchecked) {
      const auto refused = refused_check(x, results);
      o.simulated = refused ? *refused : check(x, results, true);
    }
    out.push_back(std::move(o));
  }
  return out;
}

bool any_missed(const std::vector<Outcome>& outcomes) {
  for (const auto& o : outcomes) {
    if (o.analytic.verdict == Verdict::missed) return true;
    if (o.simulated && o.simulated->verdict == Verdict::missed) return true;
  }
  return false;
}

}  // namespace tpeval::model::study
