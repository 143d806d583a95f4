// An Evaluation as JSON (the `--format json` output of `tpeval eval`).
//
// Contract: to_json() maps every field of Evaluation to a JSON value with the same name; optional
// values that are absent (response times of a saturated model) become null, never NaN; times are
// in seconds, utilizations and hit ratios are fractions.
#pragma once

#include <nlohmann/json.hpp>

#include "model/evaluate.hpp"

namespace tpeval::model {

nlohmann::json to_json(const Evaluation& evaluation);

/// "cpu", "extended_memory", "controller", "disk", "transfer".
const char* station_kind_name(StationKind kind);

}  // namespace tpeval::model
