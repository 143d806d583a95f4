// `tpeval model --print-default | --schema | --example NAME [--format json|table|csv]`: the model
// documents and their schema (model/debit_credit.hpp, model/schema.hpp).
#include <iostream>
#include <string>

#include "cli/command.hpp"
#include "cli/format.hpp"
#include "model/debit_credit.hpp"
#include "model/schema.hpp"

namespace tpeval::cli {
namespace {

/// Every leaf of a model document as (parameter path, value), arrays of named objects indexed by
/// name as `tpeval whatif --set` accepts them ("nodes[0].devices[log_disk].count").
void flatten(const nlohmann::json& j, const std::string& path, Table& t) {
  if (j.is_object() && !j.empty()) {
    for (const auto& [k, v] : j.items()) flatten(v, path.empty() ? k : path + "." + k, t);
  } else if (j.is_array() && !j.empty() && !j.front().is_primitive()) {
    for (std::size_t i = 0; i < j.size(); ++i) {
      const bool named = j[i].is_object() && j[i].contains("name") && j[i]["name"].is_string();
      flatten(j[i],
              path + "[" + (named ? j[i]["name"].get<std::string>() : std::to_string(i)) + "]", t);
    }
  } else {
    t.add_row({path, j.is_string() ? j.get<std::string>() : j.dump()});
  }
}

void print_document(const nlohmann::json& doc, const std::string& format) {
  if (format == "json") {
    std::cout << doc.dump(2) << '\n';
    return;
  }
  Table t({"parameter", "value"});
  flatten(doc, "", t);
  if (format == "csv")
    t.print_csv(std::cout);
  else
    t.print(std::cout);
}

}  // namespace

void add_model_command(CLI::App& app, Context& /*context*/) {
  auto* cmd =
      app.add_subcommand("model", "Print the default model, an example model or the schema");
  auto print_default = std::make_shared<bool>(false);
  auto schema = std::make_shared<bool>(false);
  auto example = std::make_shared<std::string>();
  auto format = std::make_shared<std::string>("json");
  auto* d = cmd->add_flag("--print-default", *print_default,
                          "Print the embedded default model (Debit-Credit, Tab. 6-6)");
  auto* s = cmd->add_flag("--schema", *schema, "Print the JSON Schema of model documents");
  auto* x = cmd->add_option("--example", *example, "Print a ready-made model")
                ->check(CLI::IsMember(
                    {"debit_credit", "debit_credit_cluster", "real_load", "lock_experiment"}));
  cmd->add_option("--format", *format,
                  "json (default), or table/csv: one line per parameter path and value")
      ->check(CLI::IsMember({"table", "json", "csv"}));
  d->excludes(s)->excludes(x);
  s->excludes(x);
  cmd->callback([print_default, schema, example, format]() {
    if (*schema) {
      if (*format != "json") throw io::InputError("--format", "the schema is printed as JSON only");
      std::cout << model::model_schema().dump(2) << '\n';
    } else if (!example->empty()) {
      const auto doc = *example == "real_load"              ? model::real_load_model()
                       : *example == "lock_experiment"      ? model::lock_experiment_model()
                       : *example == "debit_credit_cluster" ? model::debit_credit_cluster_model()
                                                            : model::debit_credit_model();
      print_document(doc, *format);
    } else if (*print_default) {
      print_document(model::default_model(), *format);
    } else {
      throw CLI::CallForHelp();
    }
  });
}

}  // namespace tpeval::cli
