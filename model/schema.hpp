// The JSON Schema of a model description (shipped as schemas/model.schema.json).
//
// Contract: model_schema() returns the schema document (JSON Schema 2020-12) describing every key
// parse_model() accepts, with defaults and units in the descriptions. It is also the map of valid
// parameter paths used by `tpeval whatif --set` (model/overrides.hpp). A test keeps
// schemas/model.schema.json identical to it.
#pragma once

#include <nlohmann/json.hpp>

namespace tpeval::model {

const nlohmann::json& model_schema();

}  // namespace tpeval::model
