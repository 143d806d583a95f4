// Running a model evaluation with errors that name the input (issue #16).
//
// Contract: evaluate_input(source, evaluate) runs the evaluation of an input that has already
// been parsed. Every io::InputError raised there comes from a solver's check of a value the model
// derived (a non-finite time from an extreme speed, say): its path is the solver's, not the
// file's, so the error becomes "SOURCE: cannot be evaluated: ... (failed check '...')"
// (io::derived_value_reason), still exit code 2.
#pragma once

#include <string>
#include <utility>

#include "solver/io/derived_value.hpp"

namespace tpeval::cli {

template <class Evaluate>
auto evaluate_input(const std::string& source, Evaluate&& evaluate) -> decltype(evaluate()) {
  try {
    return std::forward<Evaluate>(evaluate)();
  } catch (const io::InputError& e) {
    throw io::InputError(source, io::derived_value_reason(e));
  }
}

}  // namespace tpeval::cli
