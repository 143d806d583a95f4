// An Evaluation as JSON (the `--format json` output of `tpeval eval`).
//
// Contract: to_json() maps every field of Evaluation to a JSON value with the same name; optional
// values that are absent (response times of a saturated model) become null, never NaN; times are
// in seconds, utilizations and hit ratios are fractions. Its "metrics" object holds every metric
// of the registry (model/metrics_registry.hpp) by name as {"value", "unit"}, in the unit the name
// says, null where the quantity does not exist.
#pragma once

#include <nlohmann/json.hpp>

#include "model/evaluate.hpp"

namespace tpeval::model {

nlohmann::json to_json(const Evaluation& evaluation);

/// {"response_time_ms": {"value": 12.3, "unit": "ms"}, ...}: every registry metric.
nlohmann::json metrics_json(const Evaluation& evaluation);

/// "cpu", "extended_memory", "controller", "disk", "transfer".
const char* station_kind_name(StationKind kind);

}  // namespace tpeval::model
