// tpeval's command line: registers the subcommands and maps outcomes to exit codes (app.hpp).
#include "cli/app.hpp"

#include <CLI/CLI.hpp>

#include <exception>
#include <iostream>
#include <new>

#include "cli/command.hpp"
#include "solver/io/json_input.hpp"

namespace tpeval::cli {

int run_tpeval(int argc, char** argv) {
  CLI::App app{
      "tpeval - performance evaluator for high-performance transaction-processing systems.\n"
      "Answers what-if questions analytically (queueing networks + buffer/lock submodels) and\n"
      "cross-checks them by discrete-event simulation.",
      "tpeval"};
  app.set_version_flag("--version", std::string("tpeval ") + TPEVAL_VERSION);
  app.require_subcommand(1);
  app.fallthrough(false);
  Context context;

  // One line per subcommand (cli/cmd_<name>.cpp).
  add_solve_command(app, context);
  add_eval_command(app, context);
  add_whatif_command(app, context);
  add_model_command(app, context);
  add_simulate_command(app, context);
  add_study_command(app, context);
  add_cache_command(app, context);
  add_raid_command(app, context);
  add_locks_command(app, context);
  add_validate_command(app, context);
  add_completion_command(app, context);
  add_metrics_command(app, context);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : 2;
  } catch (const io::InputError& e) {
    std::cerr << "tpeval: error: " << e.what() << '\n';
    return 2;
  } catch (const std::bad_alloc&) {
    // The documented input limits (docs/model.md, docs/network-format.md) should refuse every
    // input that needs this much memory before it is allocated; this is the last line.
    std::cerr << "tpeval: error: the input needs more memory than this machine has; see the input "
                 "limits in docs/model.md and docs/network-format.md\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "tpeval: internal error: " << e.what() << '\n';
    return 3;
  }
  return context.exit_code;
}

}  // namespace tpeval::cli
