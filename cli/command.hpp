// The tpeval subcommands. Each lives in its own file cli/cmd_<name>.cpp and registers itself on the
// CLI11 app through one add_<name>_command function listed in main.cpp. A command reports bad
// input by throwing io::InputError (exit code 2); a command whose checks fail (validate, study)
// sets context.exit_code = 1. Every command that reads an input file (a model, network, study,
// cache or lock workload) parses it through parse_input_file(), so each message names the file.
#pragma once

#include <CLI/CLI.hpp>

#include <string>
#include <utility>

#include "solver/io/json_input.hpp"

namespace tpeval::cli {

struct Context {
  int exit_code = 0;
};

/// How messages name a transaction-model input: its file, or the embedded default.
inline std::string model_source_name(const std::string& file) {
  return file.empty() ? "default model" : file;
}

/// Runs `parse` (which reads and validates the input `source`, usually a file name) and names the
/// source in its errors: an io::InputError "nodes: is required" becomes "FILE: nodes: is
/// required", still exit 2. An error that already names the source (io::read_json_file's "cannot
/// open file" and "malformed JSON at line L") passes unchanged, so `parse` may read the file too.
template <class Parse>
auto parse_input_file(const std::string& source, Parse&& parse) -> decltype(parse()) {
  try {
    return std::forward<Parse>(parse)();
  } catch (const io::InputError& e) {
    if (e.path() == source) throw;
    throw io::InputError(e.path().empty() ? source : source + ": " + e.path(), e.reason());
  }
}

void add_solve_command(CLI::App& app, Context& context);
void add_eval_command(CLI::App& app, Context& context);
void add_whatif_command(CLI::App& app, Context& context);
void add_model_command(CLI::App& app, Context& context);
void add_simulate_command(CLI::App& app, Context& context);
void add_study_command(CLI::App& app, Context& context);
void add_cache_command(CLI::App& app, Context& context);
void add_raid_command(CLI::App& app, Context& context);
void add_locks_command(CLI::App& app, Context& context);
void add_validate_command(CLI::App& app, Context& context);
void add_completion_command(CLI::App& app, Context& context);
void add_metrics_command(CLI::App& app, Context& context);

}  // namespace tpeval::cli
