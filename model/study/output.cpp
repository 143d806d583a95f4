// Result files of a study (see output.hpp).
#include "model/study/output.hpp"

#include <fmt/format.h>

#include <cmath>
#include <fstream>
#include <set>
#include <sstream>

#include "solver/io/json_input.hpp"

namespace tpeval::model::study {
namespace {

using nlohmann::json;

std::string num(double v) {
  return fmt::format("{:.10g}", v);
}

std::string csv_cell(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

// Markdown table cells must not contain '|' or newlines.
std::string md(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '|')
      out += "\\|";
    else if (c == '\n')
      out += ' ';
    else
      out += c;
  }
  return out;
}

std::vector<std::string> simulated_metrics(const Study& study,
                                           const std::vector<PointResult>& results) {
  std::set<std::string> seen;
  for (const auto& r : results)
    if (r.simulated)
      for (const auto& [m, e] : r.simulated->metrics) seen.insert(m);
  std::vector<std::string> out;
  for (const auto& m : study.metrics)
    if (seen.count(m)) out.push_back(m);
  return out;
}

std::string label_of(const Study& study, const std::string& configuration) {
  for (const auto& c : study.configurations)
    if (c.name == configuration) return c.label;
  return configuration;
}

std::string verdict_cell(const Check& c) {
  switch (c.verdict) {
    case Verdict::met:
      return c.within_interval ? "met within CI" : "met";
    case Verdict::missed:
      return "**missed**";
    case Verdict::not_evaluated:
      return "not evaluated";
    case Verdict::unchecked:
      return "unchecked";
    case Verdict::not_simulated:
      return "not simulated";
  }
  return "";
}

}  // namespace

std::string results_csv(const Study& study, const std::vector<PointResult>& results) {
  const auto sim = simulated_metrics(study, results);
  std::ostringstream out;
  out << "configuration,label";
  for (const auto& a : study.axes) out << ',' << a.name;
  out << ",saturated,bottleneck,limited_by";
  for (const auto& m : study.metrics) out << ',' << csv_cell(m);
  out << ",sim_saturated";
  for (const auto& m : sim) out << ',' << csv_cell(m + "_sim") << ',' << csv_cell(m + "_sim_hw");
  out << '\n';
  for (const auto& r : results) {
    out << csv_cell(r.configuration) << ',' << csv_cell(label_of(study, r.configuration));
    for (const auto& a : study.axes) {
      out << ',';
      for (const auto& [name, v] : r.axis_values)
        if (name == a.name) out << num(v);
    }
    out << ',' << (r.analytic ? (r.saturated ? "1" : "0") : "") << ',' << csv_cell(r.bottleneck)
        << ',' << csv_cell(r.limited_by);
    for (const auto& m : study.metrics) {
      out << ',';
      if (const auto v = r.value(m)) out << num(*v);
    }
    const bool simulated = r.simulated && r.simulated->not_simulated.empty();
    out << ',' << (simulated ? (r.simulated->saturated ? "1" : "0") : "");
    for (const auto& m : sim) {
      out << ',';
      const Estimate* e = nullptr;
      if (r.simulated && !r.simulated->saturated) {
        const auto it = r.simulated->metrics.find(m);
        if (it != r.simulated->metrics.end()) e = &it->second;
      }
      if (e)
        out << num(e->mean) << ',' << num(e->half_width);
      else
        out << ',';
    }
    out << '\n';
  }
  return out.str();
}

json results_json(const Study& study, const std::vector<PointResult>& results,
                  const std::vector<Outcome>& outcomes, const StudyRunInfo& info) {
  json axes = json::array();
  for (const auto& a : study.axes)
    axes.push_back(
        {{"name", a.name}, {"label", a.label}, {"parameters", a.parameters}, {"values", a.values}});
  json configurations = json::array();
  for (const auto& c : study.configurations) {
    json overrides = json::object();
    for (const auto& o : c.overrides) overrides[o.path] = o.value;
    configurations.push_back({{"name", c.name}, {"label", c.label}, {"overrides", overrides}});
  }
  json points = json::array();
  for (const auto& r : results) points.push_back(to_json(r));
  const auto check_json = [](const Check& c) {
    json j = {{"verdict", verdict_name(c.verdict)},
              {"within_interval", c.within_interval},
              {"measured", c.measured}};
    j["value"] = c.value ? json(*c.value) : json(nullptr);
    j["half_width"] = c.half_width ? json(*c.half_width) : json(nullptr);
    return j;
  };
  json expectations = json::array();
  for (const auto& o : outcomes) {
    const auto& x = o.expectation;
    json j = {{"id", x.id},
              {"source", x.source},
              {"statement", x.statement},
              {"note", x.note},
              {"kind", kind_name(x.kind)},
              {"metric", x.metric},
              {"expected", o.expected},
              {"analytic", check_json(o.analytic)}};
    j["simulated"] = o.simulated ? check_json(*o.simulated) : json(nullptr);
    expectations.push_back(std::move(j));
  }
  return {{"study", study.name},
          {"title", study.title},
          {"source", study.source},
          {"base", study.base_description},
          {"mode", mode_name(info.mode)},
          {"simulation_available", info.simulation_available},
          {"quick", info.quick},
          {"metrics", study.metrics},
          {"axes", axes},
          {"configurations", configurations},
          {"points", points},
          {"expectations", expectations}};
}

std::string summary_markdown(const Study& study, const std::vector<Outcome>& outcomes,
                             const StudyRunInfo& info) {
  std::size_t met = 0, missed = 0, other = 0, refused = 0;
  for (const auto& o : outcomes) {
    if (o.simulated && o.simulated->verdict == Verdict::not_simulated) ++refused;
    const bool miss = o.analytic.verdict == Verdict::missed ||
                      (o.simulated && o.simulated->verdict == Verdict::missed);
    if (miss)
      ++missed;
    else if (o.analytic.verdict == Verdict::met)
      ++met;
    else
      ++other;
  }
  std::ostringstream out;
  out << "## " << study.title << "\n\n";
  if (!study.source.empty()) out << "Source: " << study.source << ".  \n";
  out << "Study file: `studies/" << study.name << ".json`; base model: " << study.base_description
      << "; mode: " << mode_name(info.mode);
  if (info.mode != Mode::analytic && !info.simulation_available)
    out << " (no transaction simulator in this build: analytic only)";
  if (info.quick) out << "; **quick variant** (reduced sweeps)";
  out << ".\n\n";
  if (!study.description.empty()) out << study.description << "\n\n";
  out << "Expectations: " << met << " met, " << missed << " missed, " << other
      << " not checked or not evaluated.\n\n";
  if (refused > 0)
    out << "Simulated checks: " << refused
        << " not simulated: the simulator refused a model they need (the reason is in each row); "
           "their analytic verdicts stand.\n\n";
  out << "| id | source | book statement | expected | analytic | simulated (95 % CI) | verdict | "
         "note |\n";
  out << "|---|---|---|---|---|---|---|---|\n";
  for (const auto& o : outcomes) {
    const auto& x = o.expectation;
    std::string verdict = verdict_cell(o.analytic);
    std::string simulated = "—";
    if (o.simulated) {
      simulated = o.simulated->measured;
      if (o.simulated->verdict == Verdict::missed || o.simulated->verdict == Verdict::met ||
          o.simulated->verdict == Verdict::not_simulated)
        verdict += " / sim " + verdict_cell(*o.simulated);
    } else if (info.mode != Mode::analytic && x.kind != ExpectationKind::unchecked) {
      simulated = "not simulated";
    }
    out << "| " << md(x.id) << " | " << md(x.source) << " | " << md(x.statement) << " | "
        << md(o.expected) << " | " << md(o.analytic.measured) << " | " << md(simulated) << " | "
        << verdict << " | " << md(x.note) << " |\n";
  }
  out << '\n';
  return out.str();
}

void write_study_outputs(const std::string& directory, const Study& study,
                         const std::vector<PointResult>& results,
                         const std::vector<Outcome>& outcomes, const StudyRunInfo& info) {
  const auto write = [&](const std::string& name, const std::string& text) {
    const std::string file = directory + "/" + name;
    std::ofstream out(file);
    if (!out) throw io::InputError(file, "cannot write the file");
    out << text;
    if (!out) throw io::InputError(file, "write failed");
  };
  write("results.csv", results_csv(study, results));
  write("results.json", results_json(study, results, outcomes, info).dump(1) + "\n");
  write("summary.md", summary_markdown(study, outcomes, info));
}

}  // namespace tpeval::model::study
