// The buffer submodel on top of solver/cache (see buffer_model.hpp): the model's partitions are
// translated into reference streams and handed to the domain-free two-level Che/TTL solver
// (solver/cache/hierarchy.hpp), which already encodes the rules of ch6-5.md §1.7-1.11 and A10
// and meets every cell of Tab. 6-7 within 1 pp. This file only decides which stream a partition
// is and which level each partition may use.
//
// Time is counted in transactions of the average mix, so hit ratios do not depend on the arrival
// rate.
#include "model/buffer_model.hpp"

#include <algorithm>
#include <cmath>

#include "model/update_shares.hpp"
#include "solver/cache/hierarchy.hpp"
#include "solver/cache/reference_stream.hpp"

namespace tpeval::model {
namespace {

namespace cache = solver::cache;

cache::MigrationPolicy to_policy(Migration m) {
  switch (m) {
    case Migration::all:
      return cache::MigrationPolicy::all;
    case Migration::modified:
      return cache::MigrationPolicy::modified;
    case Migration::unmodified:
      return cache::MigrationPolicy::unmodified;
  }
  return cache::MigrationPolicy::all;
}

/// Which partitions are buffered, and as which stream.
struct Streams {
  std::vector<cache::ReferenceStream> streams;
  std::vector<int> partition;  // stream -> partition
  std::vector<bool> in_eh, in_dc;
  std::vector<cache::MigrationPolicy> policy;
};

Streams make_streams(const SystemModel& model, const std::vector<double>& refs,
                     const std::vector<double>& page_writes, bool eh_buffer, bool dc_buffer) {
  const Storage& storage = model.storage;
  Streams out;
  for (std::size_t p = 0; p < model.partitions.size(); ++p) {
    const auto& part = model.partitions[p];
    // Main-memory resident partitions are always hits and take no buffer space (L2376).
    if (part.allocation.device == "main_memory" || refs[p] <= 0) continue;
    const double write_fraction = std::min(1.0, page_writes[p] / refs[p]);
    cache::ReferenceStream s;
    if (part.clustered_with) {
      // TELLER in the BRANCH page: the page was just referenced (L2525), a guaranteed hit.
      s = cache::repeat_stream(part.name, refs[p], write_fraction);
    } else if (part.access != AccessPattern::random) {
      // Append / sequential: each page gets `blocking_factor` consecutive references.
      s = cache::sequential_stream(part.name, refs[p], std::max(1.0, part.blocking_factor),
                                   write_fraction);
    } else {
      s = cache::independent_class(part.name, std::max(1.0, part.pages()),
                                   refs[p] / std::max(1.0, part.pages()), write_fraction);
    }
    const int dev = find_device(storage, part.allocation.device);
    const bool buffered = !part.clustered_with;
    out.streams.push_back(std::move(s));
    out.partition.push_back(static_cast<int>(p));
    out.in_eh.push_back(eh_buffer && buffered && part.allocation.extended_buffer);
    out.in_dc.push_back(dc_buffer && buffered && part.allocation.disk_cache && dev >= 0 &&
                        storage.devices[dev].type == DeviceType::disk);
    out.policy.push_back(to_policy(part.allocation.migration));
  }
  return out;
}

}  // namespace

double references_per_tx(const SystemModel& model, std::size_t t, std::size_t p) {
  const auto& type = model.transaction_types[t];
  return type.references * type.reference_shares[p];
}

namespace {

/// Reference and page-write intensities per partition for the average transaction. Writes to a
/// clustered partition modify the page of its host (TELLER in the BRANCH page).
struct Intensities {
  std::vector<double> refs, page_writes;
};

Intensities intensities(const SystemModel& model) {
  const std::size_t np = model.partitions.size();
  double total_mix = 0.0;
  for (const auto& t : model.transaction_types) total_mix += t.mix;
  Intensities in{std::vector<double>(np, 0.0), {}};
  std::vector<double> writes(np, 0.0);
  for (std::size_t t = 0; t < model.transaction_types.size(); ++t) {
    const double w = model.transaction_types[t].mix / total_mix;
    for (std::size_t p = 0; p < np; ++p) {
      const double r = w * references_per_tx(model, t, p);
      in.refs[p] += r;
      writes[p] += r * update_share_of(model.transaction_types[t], p);
    }
  }
  in.page_writes = writes;
  for (std::size_t p = 0; p < np; ++p)
    if (model.partitions[p].clustered_with)
      in.page_writes[*model.partitions[p].clustered_with] += writes[p];
  return in;
}

bool any_of(const std::vector<bool>& v) {
  return std::find(v.begin(), v.end(), true) != v.end();
}

/// Level 1, plus the EH extended buffer when a stream is admitted to it.
cache::HierarchyConfig main_memory_levels(const SystemModel& model, const Streams& s,
                                          const cache::HierarchyConfig& base) {
  cache::HierarchyConfig eh = base;
  if (!any_of(s.in_eh)) return eh;
  const bool force = model.policies.update_strategy == UpdateStrategy::force;
  eh.level2 = cache::Level2Kind::extended_memory;
  eh.level2_items = static_cast<double>(model.storage.extended_memory.buffer_pages);
  for (std::size_t i = 0; i < s.streams.size(); ++i) {
    cache::Level2Admission a{s.in_eh[i], s.policy[i]};
    // FORCE without commit writes into EH: only the (clean) victims can migrate (L2374).
    if (force && !model.policies.force_writes_to_extended_buffer) {
      if (a.policy == cache::MigrationPolicy::modified) a.admitted = false;
      a.policy = cache::MigrationPolicy::unmodified;
    }
    eh.admission.push_back(a);
  }
  return eh;
}

/// The disk cache's hit ratio per stream (0 for streams it does not hold). Below an EH buffer it
/// sees the misses of HS + EH, which (exclusive EH, NOFORCE) act as one LRU of the combined size
/// (L2559, A9); with no EH buffer this is exact.
std::vector<double> disk_cache_hits(const SystemModel& model, const Streams& s,
                                    const cache::HierarchyConfig& base,
                                    const cache::HierarchyConfig& main_memory, BufferLevels& out) {
  std::vector<double> dc_hit(s.streams.size(), 0.0);
  if (!any_of(s.in_dc)) return dc_hit;
  const Storage& storage = model.storage;
  cache::HierarchyConfig dc = base;
  if (any_of(s.in_eh)) dc.level1_items += main_memory.level2_items;
  dc.level2 = storage.disk_cache.type == DiskCacheType::non_volatile
                  ? cache::Level2Kind::nonvolatile_disk_cache
                  : cache::Level2Kind::volatile_disk_cache;
  dc.level2_items = static_cast<double>(storage.disk_cache.pages);
  for (std::size_t i = 0; i < s.streams.size(); ++i)
    dc.admission.push_back({static_cast<bool>(s.in_dc[i]), cache::MigrationPolicy::all});
  const cache::HierarchyResult second = cache::che_hierarchy(s.streams, dc);
  out.dc_characteristic_time = second.level2_characteristic_time;
  for (std::size_t i = 0; i < s.streams.size(); ++i) dc_hit[i] = second.streams[i].level2_hit_ratio;
  return dc_hit;
}

/// A partition's hit, miss, eviction and migration ratios from its stream's results.
void partition_levels(const SystemModel& model, const cache::HierarchyStreamResult& r, bool in_eh,
                      double dc_hit, std::size_t p, PartitionBuffer& b) {
  const auto& part = model.partitions[p];
  b.hs_hit_ratio = r.level1_hit_ratio;
  b.eh_hit_ratio = in_eh ? r.level2_hit_ratio : 0.0;
  b.dc_hit_ratio = std::max(0.0, std::min(dc_hit, 1.0 - b.hs_hit_ratio - b.eh_hit_ratio));
  if (part.clustered_with) return;  // no page of its own: never missed, never evicted
  const double miss = 1.0 - b.hs_hit_ratio;
  b.eviction_ratio = miss;
  b.read_miss_ratio = miss;
  if (part.access == AccessPattern::append && !model.policies.append_new_page_read)
    b.read_miss_ratio = std::max(0.0, miss - 1.0 / std::max(1.0, part.blocking_factor));
  if (r.level1_miss_rate > 0) {
    b.modified_probability = std::min(1.0, r.modified_victim_rate / r.level1_miss_rate);
    if (in_eh) b.migration_probability = r.level2_victim_write_rate / r.level1_miss_rate;
  }
}

}  // namespace

void BufferLevels::average_hit_ratios() {
  double total_refs = 0.0;
  hs_hit_ratio = eh_hit_ratio = dc_hit_ratio = 0.0;
  for (const auto& b : partitions) {
    total_refs += b.references_per_tx;
    hs_hit_ratio += b.references_per_tx * b.hs_hit_ratio;
    eh_hit_ratio += b.references_per_tx * b.eh_hit_ratio;
    dc_hit_ratio += b.references_per_tx * b.dc_hit_ratio;
  }
  if (total_refs > 0) {
    hs_hit_ratio /= total_refs;
    eh_hit_ratio /= total_refs;
    dc_hit_ratio /= total_refs;
  }
}

BufferLevels evaluate_buffers(const SystemModel& model) {
  const Storage& storage = model.storage;
  const std::size_t np = model.partitions.size();
  const Intensities in = intensities(model);
  const bool eh_buffer = storage.extended_memory.buffer_pages > 0;
  const bool dc_buffer =
      storage.disk_cache.type != DiskCacheType::none && storage.disk_cache.pages > 0;
  const Streams s = make_streams(model, in.refs, in.page_writes, eh_buffer, dc_buffer);

  BufferLevels out;
  out.partitions.resize(np);
  for (std::size_t p = 0; p < np; ++p) {
    out.partitions[p].references_per_tx = in.refs[p];
    out.partitions[p].hs_hit_ratio = 1.0;  // resident or unreferenced unless a stream says else
  }
  if (s.streams.empty()) return out;

  cache::HierarchyConfig base;
  base.level1_items = static_cast<double>(model.nodes.front().buffer_pages);
  base.write_strategy = model.policies.update_strategy == UpdateStrategy::force
                            ? cache::WriteStrategy::force
                            : cache::WriteStrategy::noforce;
  const cache::HierarchyConfig main_memory = main_memory_levels(model, s, base);
  const cache::HierarchyResult first = cache::che_hierarchy(s.streams, main_memory);
  out.hs_characteristic_time = first.level1_characteristic_time;
  out.eh_characteristic_time = first.level2_characteristic_time;
  const std::vector<double> dc_hit = disk_cache_hits(model, s, base, main_memory, out);

  for (std::size_t i = 0; i < s.streams.size(); ++i) {
    const auto p = static_cast<std::size_t>(s.partition[i]);
    partition_levels(model, first.streams[i], s.in_eh[i], dc_hit[i], p, out.partitions[p]);
  }
  out.average_hit_ratios();
  return out;
}

}  // namespace tpeval::model
