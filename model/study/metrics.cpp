// Study metrics (see metrics.hpp): thin adapters onto the metric registry.
#include "model/study/metrics.hpp"

#include "model/metrics_registry.hpp"

namespace tpeval::model::study {

void check_metric_name(const std::string& name, const std::string& path) {
  model::check_metric_name(name, path);
}

bool metric_needs_max_throughput(const std::string& name) {
  return resolve_metric(name, "metrics").spec->needs_max_throughput;
}

std::optional<double> metric_value(const Evaluation& e, const std::string& name) {
  return analytic_metric(e, name);
}

}  // namespace tpeval::model::study
