// The result files of a study: results.csv, results.json and summary.md.
//
// Contract: pure formatting functions plus write_study_outputs(), which writes the three files
// into an existing directory (an unwritable file is io::InputError naming it).
// results.csv is wide and tidy for pandas: one row per point with the columns configuration,
// label, one column per axis, saturated, bottleneck, limited_by, then one column per metric
// (analytic, empty when it has no value) and, when simulated results exist, <metric>_sim and
// <metric>_sim_hw (95 % half-width) for every metric the simulator measured. results.json holds
// the study's identity, the axes, configurations, every point (runner.hpp to_json) and every
// expectation outcome. summary.md has one table row per expectation: id, source, statement,
// expected, analytic measured value, simulated value with its interval, verdict, note.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "model/study/expectations.hpp"
#include "model/study/runner.hpp"
#include "model/study/study.hpp"

namespace tpeval::model::study {

struct StudyRunInfo {
  Mode mode = Mode::analytic;
  bool simulation_available = false;
  bool quick = false;
  double elapsed_s = 0.0;
  std::size_t reused_points = 0;
};

std::string results_csv(const Study& study, const std::vector<PointResult>& results);
nlohmann::json results_json(const Study& study, const std::vector<PointResult>& results,
                            const std::vector<Outcome>& outcomes, const StudyRunInfo& info);
std::string summary_markdown(const Study& study, const std::vector<Outcome>& outcomes,
                             const StudyRunInfo& info);

void write_study_outputs(const std::string& directory, const Study& study,
                         const std::vector<PointResult>& results,
                         const std::vector<Outcome>& outcomes, const StudyRunInfo& info);

}  // namespace tpeval::model::study
