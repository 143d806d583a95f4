// Reading a model description (JSON, documented in docs/model.md and schemas/model.schema.json).
//
// Contract: parse_model() returns a SystemModel satisfying every invariant of
// model/description.hpp or throws io::InputError naming the JSON path and the reason (unknown keys
// are rejected with the closest allowed key; references to unknown partitions or devices name the
// closest existing one). Absent optional keys take the documented defaults (Tab. 6-6 values and
// the choices for the parameters the book leaves open, docs/model.md).
#pragma once

#include <nlohmann/json.hpp>

#include "model/description.hpp"

namespace tpeval::model {

SystemModel parse_model(const nlohmann::json& document);

}  // namespace tpeval::model
