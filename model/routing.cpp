// Transaction routing (see routing.hpp).
#include "model/routing.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "model/buffer_model.hpp"
#include "model/update_shares.hpp"

namespace tpeval::model {

std::vector<std::vector<double>> routing_fractions(const SystemModel& model) {
  const std::size_t nt = model.transaction_types.size();
  const std::size_t n = model.nodes.size();
  const Cluster& c = model.cluster;
  if (c.routing == Routing::table) return c.routing_table;
  std::vector<std::vector<double>> r(nt, std::vector<double>(n, 1.0 / static_cast<double>(n)));
  if (c.routing != Routing::affinity || c.affinity != Affinity::type || n == 1) return r;
  std::vector<std::size_t> order(nt);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return model.transaction_types[a].mix > model.transaction_types[b].mix;
  });
  std::vector<double> load(n, 0.0);
  for (std::size_t t : order) {
    const auto node =
        static_cast<std::size_t>(std::min_element(load.begin(), load.end()) - load.begin());
    std::fill(r[t].begin(), r[t].end(), 0.0);
    r[t][node] = 1.0;
    load[node] += model.transaction_types[t].mix;
  }
  return r;
}

bool key_partitioned(const SystemModel& model, std::size_t p) {
  const auto& part = model.partitions[p];
  return model.nodes.size() > 1 && model.cluster.routing == Routing::affinity &&
         model.cluster.affinity == Affinity::key && part.access == AccessPattern::random;
}

std::vector<double> node_reference_rates(const SystemModel& model,
                                         const std::vector<std::vector<double>>& routing,
                                         std::size_t p) {
  std::vector<double> rates(model.nodes.size(), 0.0);
  double total_mix = 0.0;
  for (const auto& type : model.transaction_types) total_mix += type.mix;
  for (std::size_t t = 0; t < model.transaction_types.size(); ++t) {
    const double refs = references_per_tx(model, t, p) * model.transaction_types[t].mix / total_mix;
    for (std::size_t i = 0; i < rates.size(); ++i) rates[i] += refs * routing[t][i];
  }
  return rates;
}

double authority_share(const SystemModel& model, const std::vector<std::vector<double>>& routing,
                       std::size_t p, std::size_t node) {
  if (model.nodes.size() == 1) return 1.0;
  const auto& part = model.partitions[p];
  if (part.access == AccessPattern::append) return 1.0;  // each node's own end-of-file page
  if (key_partitioned(model, p)) return 1.0 - model.cluster.other_node_share[p];
  const std::vector<double> rates = node_reference_rates(model, routing, p);
  double total = 0.0;
  for (double r : rates) total += r;
  return total > 0 ? rates[node] / total : 0.0;
}

double lock_granules(const Partition& part) {
  if (part.lock_granularity == LockGranularity::page) {
    if (part.clustered_with) return 0.0;  // same page as its host, already locked (L2402)
    // Appends all go to the current end-of-file page: one hot granule (why HISTORY is unlocked).
    return part.access == AccessPattern::append ? 1.0 : std::max(1.0, part.pages());
  }
  if (part.lock_granularity == LockGranularity::record) {
    if (part.access == AccessPattern::append) return 0.0;  // new records never conflict
    return std::max(1.0, part.records);
  }
  return 0.0;
}

bool fixed_reference_counts(const TransactionType& type) {
  const auto whole = [](double x) { return std::abs(x - std::round(x)) < 1e-9; };
  if (!whole(type.references) || type.reference_count.variable()) return false;
  for (double share : type.reference_shares)
    if (!whole(share * type.references)) return false;
  return true;
}

double distinct_lock_requests(const TransactionType& type, std::size_t p, double granules) {
  return distinct_lock_requests(type, p, granules, type.references);
}

double distinct_lock_requests(const TransactionType& type, std::size_t p, double granules,
                              double references) {
  return distinct_selected_items(type, p, granules, 1.0, references);
}

double distinct_selected_items(const TransactionType& type, std::size_t p, double items,
                               double selected, double references) {
  const double share = p < type.reference_shares.size() ? type.reference_shares[p] : 0.0;
  const double q = std::clamp(selected, 0.0, 1.0);
  const bool fixed = fixed_reference_counts(type);
  const double k = share * references;
  if (k <= 0 || q <= 0 || items <= 0) return 0.0;
  const double d = std::max(1.0, items);
  // Probability that one draw selects a given item; a certain draw (one item, every reference)
  // selects it at the first reference.
  const double x = fixed ? q / d : std::min(1.0, share * q) / d;
  if (x >= 1.0) return 1.0;
  // D (1 - (1 - x)^n) = -D expm1(n log1p(-x)): exact for large D too.
  return -d * std::expm1((fixed ? k : references) * std::log1p(-x));
}

double leading_clustered_requests(const TransactionType& type, std::size_t q, std::size_t host) {
  return leading_clustered_requests(type, q, host, type.references);
}

double leading_clustered_requests(const TransactionType& type, std::size_t q, std::size_t host,
                                  double references) {
  const auto share = [&](std::size_t p) {
    return p < type.reference_shares.size() ? type.reference_shares[p] : 0.0;
  };
  const double sq = share(q), sh = share(host);
  if (sq <= 0 || fixed_reference_counts(type)) return 0.0;
  return sq / (sh + sq) * -std::expm1(references * std::log1p(-std::min(1.0, sh + sq)));
}

bool clustered_locks_covered(const SystemModel& model, std::size_t q) {
  const Partition& part = model.partitions[q];
  if (!part.clustered_with || lock_granules(part) <= 0) return false;
  const std::size_t host = *part.clustered_with;
  const Partition& host_part = model.partitions[host];
  if (host_part.lock_granularity != LockGranularity::page || lock_granules(host_part) <= 0)
    return false;
  for (std::size_t t = 0; t < model.transaction_types.size(); ++t) {
    const TransactionType& type = model.transaction_types[t];
    if (!(references_per_tx(model, t, q) > 0)) continue;
    if (!fixed_reference_counts(type) || !(references_per_tx(model, t, host) >= 1.0)) return false;
    if (update_share_of(type, host) < 1.0 && update_share_of(type, q) > 0.0) return false;
  }
  return true;
}

}  // namespace tpeval::model
