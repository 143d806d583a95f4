// tpeval: what-if answers for transaction-processing systems, analytic and simulated.
// Exit codes: 0 success; 1 a check failed (validate, study expectations); 2 bad input or
// arguments; 3 an internal error (a bug: please report it with the input).
#include <CLI/CLI.hpp>

#include <exception>
#include <iostream>

#include "cli/command.hpp"
#include "solver/io/json_input.hpp"

int main(int argc, char** argv) {
  CLI::App app{
      "tpeval - performance evaluator for high-performance transaction-processing systems.\n"
      "Answers what-if questions analytically (queueing networks + buffer/lock submodels) and\n"
      "cross-checks them by discrete-event simulation.",
      "tpeval"};
  app.set_version_flag("--version", std::string("tpeval ") + TPEVAL_VERSION);
  app.require_subcommand(1);
  app.fallthrough(false);
  tpeval::cli::Context context;

  // One line per subcommand (cli/cmd_<name>.cpp).
  tpeval::cli::add_solve_command(app, context);
  tpeval::cli::add_eval_command(app, context);
  tpeval::cli::add_whatif_command(app, context);
  tpeval::cli::add_model_command(app, context);
  tpeval::cli::add_simulate_command(app, context);
  tpeval::cli::add_study_command(app, context);
  tpeval::cli::add_cache_command(app, context);
  tpeval::cli::add_raid_command(app, context);
  tpeval::cli::add_locks_command(app, context);
  tpeval::cli::add_validate_command(app, context);
  tpeval::cli::add_completion_command(app, context);
  tpeval::cli::add_metrics_command(app, context);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : 2;
  } catch (const tpeval::io::InputError& e) {
    std::cerr << "tpeval: error: " << e.what() << '\n';
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "tpeval: internal error: " << e.what() << '\n';
    return 3;
  }
  return context.exit_code;
}
