// The error of one study point, named by the study's own paths (issue #16).
//
// Contract: a point's model document is the base model with its configuration's overrides (which
// parse_study() has already checked) plus its sweep values. When parse_model() or the simulator
// refuses that document, point_error() returns a PointError whose path is the study path to blame
// -- the sweep value "sweep[i].values[j]" (or both axes' values when only their combination fails,
// or "configurations[c]" for a study without a sweep) -- and whose reason keeps the model's own
// path and reason and names the configuration. Only the error path pays for finding the blame (one
// parse_model() per axis). The CLI prefixes the study file, like every other input error.
#pragma once

#include <string>

#include "model/study/study.hpp"
#include "solver/io/json_input.hpp"

namespace tpeval::model::study {

/// An input error of one point: path() is a study path, reason() the model's path and reason.
class PointError : public io::InputError {
 public:
  using io::InputError::InputError;
};

/// The JSON value an axis value is set as in a point's model document (integral values as
/// integers, so page and server counts pass as such); defined with expand_points() (parse.cpp).
nlohmann::json axis_value_json(double v);

/// The study path to blame for `cause` at `point` and the reason to print (see the contract).
PointError point_error(const Point& point, const Study& study, const io::InputError& cause);

}  // namespace tpeval::model::study
