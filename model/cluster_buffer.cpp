// Per-node buffers of a cluster with invalidation (see cluster_buffer.hpp).
#include "model/cluster_buffer.hpp"

#include <algorithm>
#include <string>

#include "model/routing.hpp"
#include "model/update_shares.hpp"
#include "solver/cache/cluster.hpp"

namespace tpeval::model {
namespace {

namespace cache = solver::cache;

struct Streams {
  std::vector<cache::NodeStream> streams;
  std::vector<std::size_t> partition;  // per stream
};

/// Writes per reference of partition p's pages (a clustered partition's writes modify its host's
/// page, as in the one-node model).
std::vector<double> page_write_fractions(const SystemModel& m) {
  const std::size_t np = m.partitions.size();
  std::vector<double> refs(np, 0.0), writes(np, 0.0);
  for (std::size_t t = 0; t < m.transaction_types.size(); ++t)
    for (std::size_t p = 0; p < np; ++p) {
      const double r = m.transaction_types[t].mix * references_per_tx(m, t, p);
      refs[p] += r;
      writes[p] += r * update_share_of(m.transaction_types[t], p);
    }
  std::vector<double> page_writes = writes;
  for (std::size_t p = 0; p < np; ++p)
    if (m.partitions[p].clustered_with) page_writes[*m.partitions[p].clustered_with] += writes[p];
  std::vector<double> w(np, 0.0);
  for (std::size_t p = 0; p < np; ++p)
    if (refs[p] > 0) w[p] = std::min(1.0, page_writes[p] / refs[p]);
  return w;
}

/// A node's extended DB buffer in the GEH (L3173) takes the partitions allocated to it, by their
/// migration policy, as the one-node model does (model/buffer_model.cpp): under FORCE every
/// victim is clean, and modified pages enter only through commit writes into the buffer (L2374).
void level2_admission(const SystemModel& m, const Partition& part, cache::NodeStream& s) {
  s.level2_admitted = m.storage.extended_memory.buffer_pages > 0 &&
                      part.allocation.extended_buffer && !part.clustered_with;
  s.level2_policy =
      part.allocation.migration == Migration::modified     ? cache::MigrationPolicy::modified
      : part.allocation.migration == Migration::unmodified ? cache::MigrationPolicy::unmodified
                                                           : cache::MigrationPolicy::all;
  if (m.policies.update_strategy == UpdateStrategy::force) {
    if (s.level2_policy == cache::MigrationPolicy::modified &&
        !m.policies.force_writes_to_extended_buffer)
      s.level2_admitted = false;
    s.level2_policy = cache::MigrationPolicy::all;
  }
}

/// The shared disk cache serves the partitions that use it and live on a disk pool (as in the
/// one-node model, model/buffer_model.cpp).
bool storage_cache_admitted(const SystemModel& m, const Partition& part) {
  const Storage& st = m.storage;
  if (st.disk_cache.type == DiskCacheType::none || st.disk_cache.pages <= 0) return false;
  if (!part.allocation.disk_cache || part.clustered_with) return false;
  for (const auto& d : st.devices)
    if (d.name == part.allocation.device) return d.type == DeviceType::disk;
  return false;
}

Streams make_streams(const SystemModel& m, const std::vector<std::vector<double>>& routing) {
  Streams out;
  const std::size_t n = m.nodes.size();
  const auto w = page_write_fractions(m);
  for (std::size_t p = 0; p < m.partitions.size(); ++p) {
    const auto& part = m.partitions[p];
    const std::vector<double> rates = node_reference_rates(m, routing, p);
    double total = 0.0;
    for (double r : rates) total += r;
    if (part.allocation.device == "main_memory" || total <= 0) continue;
    const double pages = std::max(1.0, part.pages());
    cache::NodeStream s;
    s.name = part.name;
    s.write_fraction = w[p];
    level2_admission(m, part, s);
    s.storage_cache_admitted = storage_cache_admitted(m, part);
    if (part.clustered_with) {
      s.kind = cache::StreamKind::repeat;  // TELLER in the just-referenced BRANCH page (L2525)
      s.shared = false;
    } else if (part.access != AccessPattern::random) {
      s.kind = cache::StreamKind::sequential;  // each node appends to its own end page
      s.references_per_item = std::max(1.0, part.blocking_factor);
      s.shared = false;
    } else if (key_partitioned(m, p)) {
      // n key ranges (branches of node k: 1 + branch DIV 100, L3219); a node's references go to
      // its own range except the other-node share, spread evenly over the other ranges.
      const double other = m.cluster.other_node_share[p];
      for (std::size_t k = 0; k < n; ++k) {
        cache::NodeStream range = s;
        range.name = part.name + "@" + m.nodes[k].name;
        range.item_count = std::max(1.0, pages / static_cast<double>(n));
        range.reference_rate.assign(n, 0.0);
        for (std::size_t j = 0; j < n; ++j)
          range.reference_rate[j] =
              j == k ? (1.0 - other) * rates[j] : other * rates[j] / static_cast<double>(n - 1);
        out.streams.push_back(std::move(range));
        out.partition.push_back(p);
      }
      continue;
    } else {
      s.item_count = pages;
    }
    s.reference_rate = rates;
    out.streams.push_back(std::move(s));
    out.partition.push_back(p);
  }
  return out;
}

}  // namespace

std::vector<BufferLevels> evaluate_cluster_buffers(
    const SystemModel& m, const std::vector<std::vector<double>>& routing) {
  const std::size_t n = m.nodes.size();
  const std::size_t np = m.partitions.size();
  const Streams s = make_streams(m, routing);
  cache::ClusterNodesConfig config;
  for (const auto& node : m.nodes) {
    config.buffer_items.push_back(static_cast<double>(node.buffer_pages));
    if (m.storage.extended_memory.buffer_pages > 0)
      config.level2_items.push_back(static_cast<double>(m.storage.extended_memory.buffer_pages));
  }
  config.write_strategy = m.policies.update_strategy == UpdateStrategy::force
                              ? cache::WriteStrategy::force
                              : cache::WriteStrategy::noforce;
  if (m.storage.disk_cache.type != DiskCacheType::none) {
    config.storage_cache_items = static_cast<double>(m.storage.disk_cache.pages);
    config.storage_cache_nonvolatile = m.storage.disk_cache.type == DiskCacheType::non_volatile;
  }
  // Primary copy ships a current copy with the grant, modified or not (L2977); under GEH or
  // central locking only the last modifier's unwritten copy is requested (L2975).
  config.ship_current_copies = m.cluster.locking == GlobalLocking::primary_copy;
  config.invalidation = m.cluster.coherence == Coherence::broadcast
                            ? cache::Invalidation::broadcast
                            : cache::Invalidation::on_request;
  const cache::ClusterNodesResult r = cache::che_cluster_nodes(s.streams, config);

  std::vector<BufferLevels> out(n);
  for (std::size_t i = 0; i < n; ++i) {
    BufferLevels& b = out[i];
    b.partitions.resize(np);
    b.hs_characteristic_time = r.characteristic_time[i];
    b.eh_characteristic_time = r.level2_characteristic_time[i];
    b.dc_characteristic_time = r.storage_cache_characteristic_time;
    // Per-node references per transaction of the node's own mix.
    double node_tx = 0.0;
    double total_mix = 0.0;
    for (const auto& type : m.transaction_types) total_mix += type.mix;
    for (std::size_t t = 0; t < m.transaction_types.size(); ++t)
      node_tx += routing[t][i] * m.transaction_types[t].mix / total_mix;
    for (std::size_t p = 0; p < np; ++p) {
      b.partitions[p].hs_hit_ratio = 1.0;
      const double rate = node_reference_rates(m, routing, p)[i];
      b.partitions[p].references_per_tx = node_tx > 0 ? rate / node_tx : 0.0;
    }
    // Aggregate a partition's streams (its key ranges) weighted by this node's references.
    std::vector<double> weight(np, 0.0), hit(np, 0.0), eh_hit(np, 0.0), dc_hit(np, 0.0),
        request(np, 0.0), disk(np, 0.0), modified_misses(np, 0.0), migrated_misses(np, 0.0);
    for (std::size_t k = 0; k < s.streams.size(); ++k) {
      const std::size_t p = s.partition[k];
      const double a = s.streams[k].reference_rate[i];
      if (a <= 0) continue;
      const auto& x = r.nodes[i][k];
      weight[p] += a;
      hit[p] += a * x.hit_ratio;
      eh_hit[p] += a * x.level2_hit_ratio;
      dc_hit[p] += a * x.storage_cache_hit_ratio;
      migrated_misses[p] += a * (1.0 - x.hit_ratio) * x.level2_entry_probability;
      request[p] += a * x.page_request_ratio;
      disk[p] += a * x.disk_read_ratio;
      modified_misses[p] += a * (1.0 - x.hit_ratio) * x.modified_probability;
    }
    for (std::size_t p = 0; p < np; ++p) {
      if (weight[p] <= 0) continue;
      auto& pb = b.partitions[p];
      const auto& part = m.partitions[p];
      pb.hs_hit_ratio = hit[p] / weight[p];
      if (part.clustered_with) continue;
      const double miss = 1.0 - pb.hs_hit_ratio;
      pb.eviction_ratio = miss;
      pb.page_request_ratio = request[p] / weight[p];
      // read_miss_ratio counts every HS miss not served by another node: EH buffer hits too
      // (device_demand.cpp subtracts them to get the device reads).
      pb.eh_hit_ratio = eh_hit[p] / weight[p];
      pb.dc_hit_ratio = dc_hit[p] / weight[p];
      pb.read_miss_ratio = disk[p] / weight[p] + pb.eh_hit_ratio;
      if (part.access == AccessPattern::append && !m.policies.append_new_page_read)
        pb.read_miss_ratio =
            std::max(0.0, pb.read_miss_ratio - 1.0 / std::max(1.0, part.blocking_factor));
      if (miss > 0) {
        pb.modified_probability = std::min(1.0, modified_misses[p] / weight[p] / miss);
        pb.migration_probability = std::min(1.0, migrated_misses[p] / weight[p] / miss);
      }
    }
    b.average_hit_ratios();
  }
  return out;
}

}  // namespace tpeval::model
