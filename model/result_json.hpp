// An Evaluation as JSON (the `--format json` output of `tpeval eval`).
//
// Contract: to_json() maps every field of Evaluation to a JSON value with the same name; optional
// values that are absent (response times of a saturated model) become null, never NaN; times are
// in seconds, utilizations and hit ratios are fractions. Its "metrics" object holds every metric
// of the registry (model/metrics_registry.hpp) by name as {"value", "unit"}, in the unit the name
// says, null where the quantity does not exist. write_json() prints the same document to a stream
// as it goes, byte-identical to to_json(e).dump(2) (no trailing newline), without building the
// tree: with 10^4 transaction types the tree had 10^6 nodes (issue #16).
#pragma once

#include <nlohmann/json.hpp>

#include <ostream>

#include "model/evaluate.hpp"
#include "solver/io/json_writer.hpp"

namespace tpeval::model {

nlohmann::json to_json(const Evaluation& evaluation);

/// {"response_time_ms": {"value": 12.3, "unit": "ms"}, ...}: every registry metric.
nlohmann::json metrics_json(const Evaluation& evaluation);

/// to_json(evaluation).dump(2), written to `out` as it is produced.
void write_json(const Evaluation& evaluation, std::ostream& out);

/// metrics_json(evaluation) as the next value of `writer`.
void write_metrics_json(const Evaluation& evaluation, io::JsonStreamWriter& writer);

/// "cpu", "extended_memory", "controller", "disk", "transfer".
const char* station_kind_name(StationKind kind);

}  // namespace tpeval::model
