// The tpeval subcommands. Each lives in its own file cli/cmd_<name>.cpp and registers itself on the
// CLI11 app through one add_<name>_command function listed in main.cpp. A command reports bad
// input by throwing io::InputError (exit code 2); a command whose checks fail (validate, study)
// sets context.exit_code = 1.
#pragma once

#include <CLI/CLI.hpp>

namespace tpeval::cli {

struct Context {
  int exit_code = 0;
};

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

}  // namespace tpeval::cli
