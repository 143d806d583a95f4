// Errors on values a solver was given by a model rather than read from a file (issue #16).
//
// Contract: derived_value_reason() turns an InputError that a solver raised on a value derived
// from the input (not read from it) into a reason for the input as a whole. The error's path
// names the solver's own structure ("classes[0].commit_time_scv"), which is no path in the user's
// file, so it is quoted as the failed check instead of being printed as one.
#pragma once

#include <string>

#include "solver/io/json_input.hpp"

namespace tpeval::io {

inline std::string derived_value_reason(const InputError& solver_error) {
  return "cannot be evaluated: a quantity derived from it is out of range (failed check '" +
         std::string(solver_error.what()) +
         "'); look for extreme values (times, speeds, rates or sizes near 0 or 1e300)";
}

}  // namespace tpeval::io
