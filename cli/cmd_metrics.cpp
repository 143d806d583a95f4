// `tpeval metrics [--format table|json|csv]`: the metric registry (model/metrics_registry.hpp):
// every name `eval`, `whatif`, `study`, `validate` and `simulate` use, with scope, unit, meaning
// and whether the simulator measures it.
#include <iostream>
#include <memory>
#include <string>

#include "cli/command.hpp"
#include "cli/format.hpp"
#include "model/metrics_registry.hpp"

namespace tpeval::cli {

void add_metrics_command(CLI::App& app, Context& /*context*/) {
  auto* cmd = app.add_subcommand(
      "metrics", "List the metric names (with units) that eval, whatif, study and validate use");
  auto format = std::make_shared<std::string>("table");
  cmd->add_option("--format", *format, "Output format")
      ->check(CLI::IsMember({"table", "json", "csv"}));
  cmd->callback([format]() {
    Table t({"name", "scope", "unit", "simulated", "meaning"});
    nlohmann::json j = nlohmann::json::array();
    for (const auto& m : model::metric_registry()) {
      const bool family = m.scope != model::MetricScope::system;
      const std::string name =
          family ? m.name + ":<" + model::metric_scope_name(m.scope) + ">" : m.name;
      t.add_row({name, model::metric_scope_name(m.scope), m.unit, m.simulated ? "yes" : "no",
                 m.description});
      j.push_back({{"name", m.name},
                   {"scope", model::metric_scope_name(m.scope)},
                   {"unit", m.unit},
                   {"simulated", static_cast<bool>(m.simulated)},
                   {"description", m.description}});
    }
    switch (parse_format(*format)) {
      case OutputFormat::table:
        t.print(std::cout, "Metrics (families are NAME:OWNER, e.g. utilization_pct:cpu)");
        break;
      case OutputFormat::json:
        std::cout << j.dump(2) << '\n';
        break;
      case OutputFormat::csv:
        t.print_csv(std::cout);
        break;
    }
  });
}

}  // namespace tpeval::cli
