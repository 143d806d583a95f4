// The one list of metric names: every quantity tpeval reports by name (`eval`, `whatif`, `study`,
// `validate`, `simulate`), with its unit, its meaning and how each engine obtains it.
//
// Contract: metric_registry() is the list of MetricSpec, one entry per metric. A metric has a
// scope: a system metric is named by its bare name ("response_time_ms"); a family (per
// transaction type, per server, per buffer partition) is expanded by owner name as
// "name:owner" ("response_time_ms:debit_credit", "utilization_pct:log_disk.disk",
// "hs_hit_pct:ACCOUNT"). The unit is the one the name says (_ms milliseconds, _pct percent,
// _per_s per second, _per_tx per transaction); values are always given in that unit. A quantity
// that does not exist at a point (a response time at saturation, the utilization of a pool of
// "enough" devices) is nullopt, never 0. analytic_metric() and simulated_metric() read a metric
// by its full name from an analytic Evaluation and from a simulator report; check_metric_name()
// throws io::InputError(path, reason with the closest name) for a name the registry does not
// know. Adding a metric is one entry in metrics_registry.cpp. Pure functions, no state.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/description.hpp"
#include "model/evaluate.hpp"
#include "model/sim/simulate.hpp"

namespace tpeval::model {

enum class MetricScope { system, type, server, partition, node };

/// "system", "type", "server", "partition", "node" (the section column of CSV outputs).
const char* metric_scope_name(MetricScope scope);

/// A simulated value with its 95 % half-width, in the metric's unit.
struct MetricEstimate {
  double mean = 0.0;
  double half_width = 0.0;
};

/// What the simulator metrics are read from: the report and the model it simulated.
struct SimulationView {
  const SystemModel& model;
  const sim::TxSimReport& report;
};

/// The absolute floor below which `tpeval validate` calls a difference agreement, for metrics that
/// can be near zero, where a relative tolerance judges noise and the simulation's interval can be
/// empty (no event seen): small_count 0.01 (per transaction, busy servers, transactions),
/// small_probability 0.001, small_percent 0.5 percentage points, response_part 1 % of the
/// response time (a part of a few microseconds). `percentile`: response-time percentiles are
/// approximations (a two-moment fit), judged with a floor of 15 % of the analytic percentile.
/// docs/simulation.md "Validation" gives the rule (model/agreement.hpp).
enum class AgreementFloor {
  none,
  small_count,
  small_probability,
  small_percent,
  response_part,
  percentile
};

struct MetricSpec {
  std::string name;
  std::string unit;  ///< "ms", "%", "1/s", "per tx", "probability", "count", "flag"
  std::string description;
  MetricScope scope = MetricScope::system;
  /// Value from the analytic evaluation; `owner` is empty for system metrics.
  std::function<std::optional<double>(const Evaluation&, const std::string& owner)> analytic;
  /// Value from the simulator; empty function when the simulator does not measure it.
  std::function<std::optional<MetricEstimate>(const SimulationView&, const std::string& owner)>
      simulated;
  AgreementFloor floor = AgreementFloor::none;
  bool needs_max_throughput = false;  ///< needs Evaluation::max_throughput_per_s (a bisection)
};

const std::vector<MetricSpec>& metric_registry();

/// A full metric name split into its registry entry and owner ("" for system metrics).
struct MetricRef {
  const MetricSpec* spec = nullptr;
  std::string owner;
};

/// Resolves "name" or "name:owner"; throws io::InputError(path, ...) for an unknown name. The
/// owner is not checked here (it depends on the model); analytic_metric() checks it.
MetricRef resolve_metric(const std::string& name, const std::string& path);
void check_metric_name(const std::string& name, const std::string& path);

/// The owners of a family in an evaluation (type, server or partition names; {""} for system).
std::vector<std::string> metric_owners(const Evaluation& evaluation, MetricScope scope);

/// "name" or "name:owner".
std::string metric_full_name(const MetricSpec& spec, const std::string& owner);

/// The analytic value of a metric by full name; io::InputError("metrics", ...) naming the known
/// owners when the owner does not exist in the evaluation.
std::optional<double> analytic_metric(const Evaluation& evaluation, const std::string& name);

/// The simulated value of a metric by full name, nullopt when the simulator does not measure it.
std::optional<MetricEstimate> simulated_metric(const SimulationView& view, const std::string& name);

/// Every metric of an evaluation with its unit and value (families expanded), in registry order.
struct NamedValue {
  std::string name;
  std::string unit;
  std::optional<double> value;
  const MetricSpec* spec = nullptr;
  std::string owner;
};
std::vector<NamedValue> all_analytic_metrics(const Evaluation& evaluation);

/// all_analytic_metrics without building names: visit(spec, owner, value) for every metric, in
/// the same order, `owner` being the evaluation's own string ("" for system metrics). For the
/// writers of 10^4 types (2x10^5 metrics, issue #16), which need no name strings.
using AnalyticVisitor =
    std::function<void(const MetricSpec&, const std::string& owner, std::optional<double>)>;
void for_each_analytic_metric(const Evaluation& evaluation, const AnalyticVisitor& visit);
/// The number of metrics for_each_analytic_metric visits.
std::size_t analytic_metric_count(const Evaluation& evaluation);

/// Every metric the simulator measured, by registry name and unit (families expanded over the
/// simulated model's types, stations and partitions), in registry order.
struct NamedEstimate {
  const MetricSpec* spec = nullptr;
  std::string owner;
  MetricEstimate estimate;
};
std::vector<NamedEstimate> all_simulated_metrics(const SimulationView& view);

}  // namespace tpeval::model
