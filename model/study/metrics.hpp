// The metrics a study can record, taken from an analytic Evaluation.
//
// Contract: a metric name is one of metric_names() or a per-server / per-partition form
// "utilization:<server>", "hs_hit_pct:<partition>", "eh_hit_pct:<partition>",
// "dc_hit_pct:<partition>". check_metric_name() rejects anything else (io::InputError with the
// given path and the list of names). metric_value() returns nullopt when the metric has no value
// at that point (the response time of a saturated model) and throws io::InputError when a server
// or partition name does not exist in the evaluation. Per-transaction counts are weighted by the
// arrival share of each transaction type; times are in ms, hit ratios and utilizations in percent
// (as Tab. 6-7 prints them). Pure functions.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "model/evaluate.hpp"

namespace tpeval::model::study {

/// The plain metric names with their meaning, for docs and error messages.
struct MetricInfo {
  const char* name;
  const char* meaning;
};
const std::vector<MetricInfo>& metric_names();

void check_metric_name(const std::string& name, const std::string& path);

/// True when the metric needs Evaluation::max_throughput_per_s (a bisection; costly).
bool metric_needs_max_throughput(const std::string& name);

std::optional<double> metric_value(const Evaluation& evaluation, const std::string& name);

}  // namespace tpeval::model::study
