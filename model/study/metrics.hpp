// The metrics a study can record: names, units and values come from the metric registry
// (model/metrics_registry.hpp); this header keeps the study's vocabulary for them.
//
// Contract: check_metric_name() accepts every registry name ("response_time_ms",
// "utilization_pct:<server>", "hs_hit_pct:<partition>", "response_time_ms:<type>", ...) and throws
// io::InputError with the given path and the closest name otherwise. metric_value() returns
// nullopt when the metric has no value at that point (the response time of a saturated model) and
// throws io::InputError when an owner (type, server, partition) does not exist. Pure functions.
#pragma once

#include <optional>
#include <string>

#include "model/evaluate.hpp"

namespace tpeval::model::study {

void check_metric_name(const std::string& name, const std::string& path);

/// True when the metric needs Evaluation::max_throughput_per_s (a bisection; costly).
bool metric_needs_max_throughput(const std::string& name);

std::optional<double> metric_value(const Evaluation& evaluation, const std::string& name);

}  // namespace tpeval::model::study
