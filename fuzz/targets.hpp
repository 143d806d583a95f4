// Fuzz targets: one per input reader (issue #16), shared by the libFuzzer harnesses
// (fuzz/fuzz_main.cpp) and the unit test that replays the regression corpus (tests/fuzz/).
//
// Contract: a target feeds `data` to one reader (and, where cheap, to the computation behind it).
// It returns normally when the input was accepted or refused as bad input (io::InputError, the
// CLI's exit code 2). Anything else escapes: a FuzzFinding when a promise of the CLI is broken
// (exit code 3, NaN/inf in an output, an error message without the file), or the exception or
// sanitizer report itself. So a finding is always a failing run, under libFuzzer and under doctest.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace tpeval::fuzz {

struct FuzzFinding : std::logic_error {
  using std::logic_error::logic_error;
};

void network_target(std::string_view data);  ///< network file: parse, solve small ones, print
void model_target(std::string_view data);    ///< model file: parse and evaluate
void study_target(std::string_view data);    ///< study file: parse (base models resolved)
void set_target(std::string_view data);      ///< lines of --set PATH=VALUE on the default model
void cache_target(std::string_view data);    ///< `tpeval cache FILE` in every format
void locks_target(std::string_view data);    ///< `tpeval locks FILE` in every format

struct Target {
  const char* name;
  void (*run)(std::string_view data);
};
/// All targets by name (the directory names under fuzz/corpus/ and fuzz/regressions/).
const std::vector<Target>& targets();

/// True when `text` holds a standalone nan or inf token (any case), e.g. "inf", "-nan", "Infinity".
bool has_non_finite_token(std::string_view text);

}  // namespace tpeval::fuzz
