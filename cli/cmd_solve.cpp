// PLACEHOLDER during set-up; replaced by the real `tpeval solve` (issue 2).
#include "cli/command.hpp"
namespace tpeval::cli {
void add_solve_command(CLI::App& app, Context&) { app.add_subcommand("solve", "Solve a queueing network"); }
}  // namespace tpeval::cli
