// Test helper: the message of the io::InputError a callable throws, or "no error".
// Bad input must be reported with its JSON path and reason (docs/conventions.md); tests compare
// the whole "<path>: <reason>" text this returns.
#pragma once

#include <string>

#include "solver/io/json_input.hpp"

namespace tpeval::testing {

std::string error_of(auto&& f) {
  try {
    f();
  } catch (const tpeval::io::InputError& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace tpeval::testing
