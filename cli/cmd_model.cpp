// `tpeval model --print-default | --schema | --example NAME`: the model documents and their
// schema (model/debit_credit.hpp, model/schema.hpp).
#include <iostream>
#include <string>

#include "cli/command.hpp"
#include "model/debit_credit.hpp"
#include "model/schema.hpp"

namespace tpeval::cli {

void add_model_command(CLI::App& app, Context& /*context*/) {
  auto* cmd =
      app.add_subcommand("model", "Print the default model, an example model or the schema");
  auto print_default = std::make_shared<bool>(false);
  auto schema = std::make_shared<bool>(false);
  auto example = std::make_shared<std::string>();
  auto* d = cmd->add_flag("--print-default", *print_default,
                          "Print the embedded default model (Debit-Credit, Tab. 6-6)");
  auto* s = cmd->add_flag("--schema", *schema, "Print the JSON Schema of model documents");
  auto* x = cmd->add_option("--example", *example, "Print a ready-made model")
                ->check(CLI::IsMember(
                    {"debit_credit", "debit_credit_cluster", "real_load", "lock_experiment"}));
  d->excludes(s)->excludes(x);
  s->excludes(x);
  cmd->callback([print_default, schema, example]() {
    if (*schema) {
      std::cout << model::model_schema().dump(2) << '\n';
    } else if (!example->empty()) {
      const auto doc = *example == "real_load"              ? model::real_load_model()
                       : *example == "lock_experiment"      ? model::lock_experiment_model()
                       : *example == "debit_credit_cluster" ? model::debit_credit_cluster_model()
                                                            : model::debit_credit_model();
      std::cout << doc.dump(2) << '\n';
    } else if (*print_default) {
      std::cout << model::default_model().dump(2) << '\n';
    } else {
      throw CLI::CallForHelp();
    }
  });
}

}  // namespace tpeval::cli
