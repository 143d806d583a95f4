// Deadlock restarts in the analytic model (contract in model/restarts.hpp).
#include "model/restarts.hpp"

#include <algorithm>
#include <optional>

#include "model/routing.hpp"

namespace tpeval::model {

std::optional<double> restarts_per_transaction(double deadlock_probability) {
  if (!(deadlock_probability < 1.0)) return std::nullopt;
  if (deadlock_probability <= 0.0) return 0.0;
  return deadlock_probability / (1.0 - deadlock_probability);
}

std::vector<double> repeated_per_restart(const SystemModel& model, std::size_t type,
                                         const std::vector<double>& held_share,
                                         const std::vector<double>& requested_share) {
  const std::size_t np = model.partitions.size();
  const TransactionType& t = model.transaction_types[type];
  const bool split = held_share.size() == np && requested_share.size() == np;
  std::vector<double> k(np), held(np, 0.0), requested(np, 0.0), out(np, 0.0);
  for (std::size_t p = 0; p < np; ++p) {
    k[p] = references_per_tx(model, type, p);
    if (split) {
      held[p] = held_share[p];
      requested[p] = requested_share[p];
    }
  }
  // A clustered partition glued after its host's first reference (the simulator's fixed
  // counts) is in its host's block: the block holds or requests where either does.
  const auto glued_host = [&](std::size_t p) -> std::optional<std::size_t> {
    const auto& host = model.partitions[p].clustered_with;
    if (!host || !fixed_reference_counts(t) || k[static_cast<std::size_t>(*host)] <= 0)
      return std::nullopt;
    return static_cast<std::size_t>(*host);
  };
  std::vector<double> block_held = held, block_requested = requested;
  for (std::size_t p = 0; p < np; ++p) {
    if (const auto h = glued_host(p)) {
      block_held[*h] += held[p];
      block_requested[*h] += requested[p];
    }
  }
  for (std::size_t p = 0; p < np; ++p) {
    if (k[p] <= 0 || glued_host(p)) continue;
    const double h = std::min(block_held[p], k[p]);
    out[p] = h + kRepeatedShare * std::max(0.0, k[p] - h - block_requested[p]);
  }
  for (std::size_t p = 0; p < np; ++p)
    if (const auto h = glued_host(p); h && k[p] > 0) out[p] = k[p] * out[*h] / k[*h];
  return out;
}

RestartWork restart_work(const SystemModel& model, std::size_t type,
                         const std::vector<double>& per_restart,
                         const std::vector<double>& lock_requests_per_tx) {
  const TransactionType& t = model.transaction_types[type];
  RestartWork w;
  w.cpu_instructions = t.instructions.bot;
  w.lock_requests = 1.0;  // the refused request
  const std::vector<double> held =
      repeated_lock_requests(model, type, per_restart, lock_requests_per_tx);
  for (std::size_t p = 0; p < per_restart.size(); ++p) {
    w.cpu_instructions += t.instructions.per_reference * per_restart[p];
    w.lock_requests += held[p];
  }
  return w;
}

std::vector<double> repeated_lock_requests(const SystemModel& model, std::size_t type,
                                           const std::vector<double>& per_restart,
                                           const std::vector<double>& lock_requests_per_tx) {
  std::vector<double> out(per_restart.size(), 0.0);
  for (std::size_t p = 0; p < per_restart.size(); ++p) {
    const double k = references_per_tx(model, type, p);
    if (k > 0 && p < lock_requests_per_tx.size())
      out[p] = per_restart[p] * lock_requests_per_tx[p] / k;
  }
  return out;
}

std::vector<double> restart_references(const SystemModel& model,
                                       const std::vector<ClassRestarts>& classes) {
  const std::size_t np = model.partitions.size();
  std::vector<double> repeated(np, 0.0), first(np, 0.0);
  for (const ClassRestarts& c : classes) {
    const std::vector<double> per_restart =
        c.restarts_per_tx > 0 ? repeated_per_restart(model, c.type, c.held_share, c.requested_share)
                              : std::vector<double>(np, 0.0);
    for (std::size_t p = 0; p < np; ++p) {
      first[p] += c.rate_per_s * references_per_tx(model, c.type, p);
      repeated[p] += c.rate_per_s * c.restarts_per_tx * per_restart[p];
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
