// Deadlock restarts in the analytic model (contract in model/restarts.hpp).
#include "model/restarts.hpp"

namespace tpeval::model {

std::optional<double> restarts_per_transaction(double deadlock_probability) {
  if (!(deadlock_probability < 1.0)) return std::nullopt;
  if (deadlock_probability <= 0.0) return 0.0;
  return deadlock_probability / (1.0 - deadlock_probability);
}

std::vector<double> restart_references(const SystemModel& model,
                                       const std::vector<ClassRestarts>& classes) {
  const std::size_t np = model.partitions.size();
  std::vector<double> repeated(np, 0.0), first(np, 0.0);
  for (const ClassRestarts& c : classes) {
    for (std::size_t p = 0; p < np; ++p) {
      const double refs = c.rate_per_s * references_per_tx(model, c.type, p);
      first[p] += refs;
      repeated[p] += refs * c.restarts_per_tx * kRepeatedShare;
    }
  }
  for (std::size_t p = 0; p < np; ++p) repeated[p] = first[p] > 0 ? repeated[p] / first[p] : 0.0;
  return repeated;
}

void add_restart_references(PartitionResult& r, double per_reference) {
  if (per_reference <= 0.0) return;
  const double scale = 1.0 / (1.0 + per_reference);
  r.references_per_s *= 1.0 + per_reference;
  r.hs_hit_ratio = (r.hs_hit_ratio + per_reference) * scale;
  r.eh_hit_ratio *= scale;
  r.dc_hit_ratio *= scale;
  r.page_request_ratio *= scale;
  r.disk_read_ratio *= scale;
}

HitRatios restart_hit_ratios(const BufferLevels& levels, const std::vector<double>& extra) {
  HitRatios h;
  double refs = 0.0;
  for (std::size_t p = 0; p < levels.partitions.size(); ++p) {
    const PartitionBuffer& b = levels.partitions[p];
    const double e = p < extra.size() ? extra[p] : 0.0;
    refs += b.references_per_tx * (1.0 + e);
    h.hs += b.references_per_tx * (b.hs_hit_ratio + e);
    h.eh += b.references_per_tx * b.eh_hit_ratio;
    h.dc += b.references_per_tx * b.dc_hit_ratio;
  }
  if (refs <= 0.0) return {levels.hs_hit_ratio, levels.eh_hit_ratio, levels.dc_hit_ratio};
  h.hs /= refs;
  h.eh /= refs;
  h.dc /= refs;
  return h;
}

}  // namespace tpeval::model
