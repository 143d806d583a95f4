// Exact LRU reference-string simulation (see lru_simulator.hpp). The rules mirror
// hierarchy.hpp / cluster.hpp and the reference scripts bufsim.py and lru_check.py
// (/work/shared/reference/scripts), which reproduce Tab. 6-7 (ch6-5.md A10) and the ch. 7 B/T
// hit ratios (ch7.md §1.10).
#include "solver/cache/lru_simulator.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "solver/des/random_stream.hpp"
#include "solver/io/json_input.hpp"

namespace tpeval::solver::cache {

// ---- HierarchySimulator ------------------------------------------------------------------------

namespace {
// Level-1 payload: bit 0 = dirty, bits 1.. = tag of the item's stream.
inline std::uint32_t level1_payload(std::size_t tag, bool dirty) {
  return static_cast<std::uint32_t>(tag << 1) | (dirty ? 1u : 0u);
}

std::size_t checked_items(double items, const char* path) {
  if (!std::isfinite(items) || items < 0.0 || items > 1e9)
    throw io::InputError(path, "must be a number of items in [0, 10^9] for the simulator");
  return static_cast<std::size_t>(std::llround(std::floor(items)));
}
}  // namespace

HierarchySimulator::HierarchySimulator(const HierarchyConfig& config, std::size_t tag_count)
    : config_(config),
      level1_(checked_items(config.level1_items, "level1_items")),
      level2_(config.level2 == Level2Kind::none
                  ? 0
                  : checked_items(config.level2_items, "level2_items")),
      counts_(tag_count) {
  if (tag_count == 0 || tag_count >= (1u << 30))
    throw io::InputError("streams", "the simulator needs between 1 and 2^30 tags");
}

void HierarchySimulator::reset_counts() {
  std::fill(counts_.begin(), counts_.end(), SimulationCounts{});
}

void HierarchySimulator::level2_write(ItemId item) {
  if (!level2_.touch(item)) level2_.insert(item, 0);
}

void HierarchySimulator::evict_to_level2(ItemId victim, bool dirty, std::size_t tag) {
  SimulationCounts& c = counts_[tag];
  const bool force = config_.write_strategy == WriteStrategy::force;
  if (dirty) ++c.dirty_writebacks;  // synchronous write-back (ch6-5.md §1.11 rule 9)
  switch (config_.level2) {
    case Level2Kind::none:
      return;
    case Level2Kind::extended_memory: {
      const MigrationPolicy p = config_.policy;
      const bool migrates = p == MigrationPolicy::all ||
                            (p == MigrationPolicy::modified && dirty) ||
                            (p == MigrationPolicy::unmodified && !dirty);
      // Under FORCE victims are clean; "modified" then means commit writes only (A10 rule 5).
      if (force ? p != MigrationPolicy::modified : migrates) {
        level2_write(victim);
        ++c.level2_writes;
      }
      return;
    }
    case Level2Kind::nonvolatile_disk_cache:
      if (dirty) {  // write-allocate; unmodified victims never reach a disk cache (rule 10)
        level2_write(victim);
        ++c.level2_writes;
      }
      return;
    case Level2Kind::volatile_disk_cache:
      if (dirty && level2_.touch(victim)) ++c.level2_writes;  // write-update
      return;
  }
}

Outcome HierarchySimulator::reference(ItemId item, bool write, std::size_t tag) {
  SimulationCounts& c = counts_[tag];
  ++c.references;
  if (level1_.touch(item)) {
    ++c.level1_hits;
    if (write) level1_.set_payload(item, level1_payload(tag, true));
    return Outcome::level1_hit;
  }
  Outcome outcome = Outcome::miss;
  switch (config_.level2) {
    case Level2Kind::none:
      break;
    case Level2Kind::extended_memory:
      if (level2_.erase(item)) outcome = Outcome::level2_hit;  // exclusive: moves to level 1
      break;
    case Level2Kind::volatile_disk_cache:
    case Level2Kind::nonvolatile_disk_cache:
      if (level2_.touch(item))
        outcome = Outcome::level2_hit;
      else
        level2_.insert(item, 0);  // a read miss inserts into the disk cache (both types)
      break;
  }
  if (outcome == Outcome::level2_hit)
    ++c.level2_hits;
  else
    ++c.misses;
  ItemId victim = 0;
  std::uint32_t victim_payload = 0;
  if (level1_.insert(item, level1_payload(tag, write), &victim, &victim_payload))
    evict_to_level2(victim, (victim_payload & 1u) != 0, victim_payload >> 1);
  return outcome;
}

void HierarchySimulator::commit_write(ItemId item, std::size_t tag) {
  SimulationCounts& c = counts_[tag];
  ++c.commit_writes;
  if (level1_.contains(item)) level1_.set_payload(item, level1_payload(tag, false));
  switch (config_.level2) {
    case Level2Kind::none:
      return;
    case Level2Kind::extended_memory:
      if (config_.policy != MigrationPolicy::unmodified) {  // replicated in level 1 and EH
        level2_write(item);
        ++c.level2_writes;
      }
      return;
    case Level2Kind::nonvolatile_disk_cache:
      level2_write(item);
      ++c.level2_writes;
      return;
    case Level2Kind::volatile_disk_cache:
      if (level2_.touch(item)) ++c.level2_writes;
      return;
  }
}

// ---- stream-driven drivers ---------------------------------------------------------------------

namespace {

// The simulation core's generator (solver/des/random_stream.hpp: xoshiro256++, state filled by
// SplitMix64 from the seed): one generator in the code base, explicitly seeded, reproducible.
class Random {
 public:
  explicit Random(std::uint64_t seed) : stream_(seed) {}
  double uniform() { return stream_.uniform01(); }
  std::uint64_t below(double n) {
    return static_cast<std::uint64_t>(uniform() * n);  // n <= 2^40: bias below 2^-13
  }

 private:
  des::RandomStream stream_;
};

constexpr int kStreamShift = 40;  // item id = stream index << 40 | item index

struct StreamPicker {
  explicit StreamPicker(const std::vector<ReferenceStream>& streams) {
    double sum = 0.0;
    for (const auto& s : streams) cumulative.push_back(sum += s.reference_rate);
    total = sum;
  }
  std::size_t pick(Random& random) const {
    const double u = random.uniform() * total;
    const auto it = std::upper_bound(cumulative.begin(), cumulative.end(), u);
    return std::min<std::size_t>(it - cumulative.begin(), cumulative.size() - 1);
  }
  std::vector<double> cumulative;
  double total = 0.0;
};

void check_simulatable(const std::vector<ReferenceStream>& streams) {
  validate_streams(streams);
  for (std::size_t i = 0; i < streams.size(); ++i)
    if (streams[i].kind == StreamKind::independent && streams[i].item_count > 0x1.0p40)
      throw io::InputError(io::child_path(io::element_path("streams", i), "item_count"),
                           "the simulator handles at most 2^40 items per class");
}

}  // namespace

HierarchyResult simulate_hierarchy(const std::vector<ReferenceStream>& streams,
                                   const HierarchyConfig& config, std::uint64_t reference_count,
                                   std::uint64_t warmup_references, std::uint64_t seed) {
  check_simulatable(streams);
  if (reference_count == 0) throw io::InputError("references", "must be >= 1");
  HierarchySimulator simulator(config, streams.size());
  Random random(seed);
  const StreamPicker picker(streams);
  std::vector<std::uint64_t> sequence(streams.size(), 0);
  ItemId last = 0;
  const bool force = config.write_strategy == WriteStrategy::force;
  for (std::uint64_t n = 0; n < warmup_references + reference_count; ++n) {
    if (n == warmup_references) simulator.reset_counts();
    const std::size_t i = picker.pick(random);
    const ReferenceStream& s = streams[i];
    ItemId item = static_cast<ItemId>(i) << kStreamShift;
    switch (s.kind) {
      case StreamKind::independent:
        item |= random.below(s.item_count);
        break;
      case StreamKind::sequential:
        item |= static_cast<ItemId>(static_cast<double>(sequence[i]++) / s.references_per_item) &
                ((ItemId{1} << kStreamShift) - 1);
        break;
      case StreamKind::repeat:
        item = n == 0 ? item : last;
        break;
    }
    const bool write = s.write_fraction > 0.0 && random.uniform() < s.write_fraction;
    simulator.reference(item, write, i);
    if (force && write) simulator.commit_write(item, i);
    last = item;
  }
  HierarchyResult result;
  result.config = config;
  const double total_rate = total_reference_rate(streams);
  const double measured = static_cast<double>(reference_count);
  for (std::size_t i = 0; i < streams.size(); ++i) {
    const SimulationCounts& c = simulator.counts()[i];
    HierarchyStreamResult r;
    r.name = streams[i].name;
    r.reference_rate = streams[i].reference_rate;
    const double refs = static_cast<double>(c.references);
    if (refs > 0) {
      r.level1_hit_ratio = c.level1_hits / refs;
      r.level2_hit_ratio = c.level2_hits / refs;
      r.miss_ratio = c.misses / refs;
    }
    // Event counts per measured reference times the total rate give rates in the streams' unit.
    const double per_reference = total_rate / measured;
    r.disk_read_rate = c.misses * per_reference;
    r.level2_read_rate = c.level2_hits * per_reference;
    r.dirty_writeback_rate = c.dirty_writebacks * per_reference;
    r.commit_write_rate = c.commit_writes * per_reference;
    r.level2_write_rate = c.level2_writes * per_reference;
    r.disk_write_rate = r.dirty_writeback_rate + r.commit_write_rate;
    add_stream(result, std::move(r), refs / measured);
  }
  return result;
}

// ---- ClusterSimulator --------------------------------------------------------------------------

namespace {
constexpr ItemId kPrivateBit = ItemId{1} << 62;
constexpr int kNodeShift = 50;  // storage-cache key of a private item: node << 50 | item
/// Payload of a buffered copy: the item's version (shared items), and whether this copy holds a
/// modification not yet written to storage (NOFORCE).
constexpr std::uint32_t kDirty = std::uint32_t{1} << 31;
constexpr std::uint32_t version_of(std::uint32_t payload) {
  return payload & ~kDirty;
}
}  // namespace

ClusterSimulator::ClusterSimulator(const ClusterConfig& config, std::size_t tag_count,
                                   std::size_t shared_item_count)
    : config_(config),
      storage_cache_(checked_items(config.storage_cache_items, "storage_cache_items")),
      versions_(shared_item_count, 0),
      counts_(tag_count) {
  if (config.node_count < 1 || config.node_count > 4096)
    throw io::InputError("node_count", "must be an integer in [1, 4096] for the simulator");
  if (shared_item_count > 100'000'000)
    throw io::InputError("streams", "the simulator handles at most 10^8 shared items");
  const std::size_t capacity = checked_items(config.buffer_items_per_node, "buffer_items_per_node");
  const std::size_t level2 = checked_items(config.level2_items_per_node, "level2_items_per_node");
  for (int i = 0; i < config.node_count; ++i) {
    buffers_.emplace_back(capacity);
    level2_.emplace_back(level2);
  }
}

void ClusterSimulator::reset_counts() {
  std::fill(counts_.begin(), counts_.end(), ClusterCounts{});
}

ItemId ClusterSimulator::storage_key(int node, ItemId key) const {
  return (key & kPrivateBit) ? key | (static_cast<ItemId>(node) << kNodeShift) : key;
}

void ClusterSimulator::storage_read(int node, ItemId key, ClusterCounts& c) {
  ++c.disk_reads;
  if (storage_cache_.capacity() == 0) return;
  const ItemId page = storage_key(node, key);
  if (storage_cache_.touch(page))
    ++c.storage_cache_hits;
  else
    storage_cache_.insert(page, 0);
}

void ClusterSimulator::storage_write(int node, ItemId key) {
  if (storage_cache_.capacity() == 0) return;
  const ItemId page = storage_key(node, key);
  // A non-volatile cache takes the write (write-allocate); a volatile one updates a present copy.
  if (!storage_cache_.touch(page) && config_.storage_cache_nonvolatile)
    storage_cache_.insert(page, 0);
}

void ClusterSimulator::admit(int node, ItemId item, std::uint32_t payload) {
  ItemId victim = 0;
  std::uint32_t victim_payload = 0;
  if (!buffers_[node].insert(item, payload, &victim, &victim_payload)) return;
  // A modified victim that is still the current version is written back (NOFORCE); one that
  // migrates into level 2 is written through at the same time (model rule L2372).
  if (victim_payload & kDirty) {
    const bool current = (victim & kPrivateBit) || version_of(victim_payload) == versions_[victim];
    if (current) storage_write(node, victim);
  }
  if (level2_[node].capacity() > 0) level2_[node].insert(victim, version_of(victim_payload));
}

bool ClusterSimulator::take_from_level2(int node, ItemId item, std::uint32_t* payload) {
  LruBuffer& level2 = level2_[node];
  if (level2.capacity() == 0 || !level2.contains(item)) return false;
  *payload = level2.payload(item);
  level2.erase(item);
  return true;
}

// Level-2 copies do not count: a page leaving level 1 is written through (model rule L2372), so
// storage holds its current version.
bool ClusterSimulator::holds_current(int node, ItemId item, std::uint32_t version) const {
  const LruBuffer& b = buffers_[node];
  return b.contains(item) && version_of(b.payload(item)) == version;
}

void ClusterSimulator::write(int node, ItemId key, std::uint32_t version) {
  if (config_.write_strategy == WriteStrategy::force) {
    storage_write(node, key);  // the commit writes it to storage; the copy stays clean
    buffers_[node].set_payload(key, version);
  } else {
    buffers_[node].set_payload(key, version | kDirty);
  }
}

void ClusterSimulator::reference(int node, ItemId item, bool write_it, bool shared,
                                 std::size_t tag) {
  ClusterCounts& c = counts_[tag];
  ++c.references;
  LruBuffer& buffer = buffers_[node];
  std::uint32_t payload = 0;
  if (!shared) {
    const ItemId key = item | kPrivateBit;
    if (buffer.touch(key)) {
      ++c.hits;
    } else {
      if (take_from_level2(node, key, &payload))
        ++c.level2_hits;
      else
        storage_read(node, key, c);
      admit(node, key, 0);
    }
    if (write_it) write(node, key, 0);
    return;
  }
  std::uint32_t& version = versions_[item];
  const bool present = buffer.touch(item);
  if (present && version_of(buffer.payload(item)) == version) {
    ++c.hits;
  } else if (!present && take_from_level2(node, item, &payload) && payload == version) {
    ++c.level2_hits;
    admit(node, item, version);
  } else {
    // Miss or invalid copy (on-request invalidation detects it now). NOFORCE: another node that
    // holds the current version in level 1 ships it (page request); otherwise, and always under
    // FORCE, the page is read from storage.
    bool remote = false;
    if (config_.write_strategy == WriteStrategy::noforce)
      for (int j = 0; j < config_.node_count && !remote; ++j)
        remote = j != node && holds_current(j, item, version);
    if (remote)
      ++c.page_requests;
    else
      storage_read(node, item, c);
    if (present)
      buffer.set_payload(item, version);
    else
      admit(node, item, version);
  }
  if (write_it) {
    ++version;
    write(node, item, version);
    if (config_.invalidation == Invalidation::broadcast)
      for (int j = 0; j < config_.node_count; ++j)
        if (j != node) {
          buffers_[j].erase(item);
          if (level2_[j].capacity() > 0) level2_[j].erase(item);
        }
  }
}

ClusterResult simulate_cluster(const std::vector<ReferenceStream>& streams,
                               const ClusterConfig& config, std::uint64_t reference_count,
                               std::uint64_t warmup_references, std::uint64_t seed) {
  check_simulatable(streams);
  if (reference_count == 0) throw io::InputError("references", "must be >= 1");
  const int n = config.node_count;
  // Dense numbering of shared items; the other items get stream-tagged ids.
  std::vector<std::uint64_t> shared_offset(streams.size(), 0);
  std::uint64_t shared_items = 0;
  std::vector<bool> is_shared(streams.size(), false);
  for (std::size_t i = 0; i < streams.size(); ++i) {
    const auto& s = streams[i];
    if (s.kind == StreamKind::independent && s.shared && n > 1) {
      if (s.item_count > 1e8)
        throw io::InputError(io::child_path(io::element_path("streams", i), "item_count"),
                             "the cluster simulator handles at most 10^8 shared items");
      is_shared[i] = true;
      shared_offset[i] = shared_items;
      shared_items += static_cast<std::uint64_t>(std::ceil(s.item_count));
    }
  }
  ClusterSimulator simulator(config, streams.size(), shared_items);
  Random random(seed);
  const StreamPicker picker(streams);
  std::vector<std::uint64_t> sequence(streams.size() * n, 0);
  std::vector<ItemId> last(n, 0);
  std::vector<char> last_shared(n, 0);
  for (std::uint64_t k = 0; k < warmup_references + reference_count; ++k) {
    if (k == warmup_references) simulator.reset_counts();
    const int node = static_cast<int>(random.below(n));
    const std::size_t i = picker.pick(random);
    const ReferenceStream& s = streams[i];
    ItemId item = static_cast<ItemId>(i) << kStreamShift;
    bool shared = false;
    switch (s.kind) {
      case StreamKind::independent:
        if (is_shared[i]) {
          item = shared_offset[i] + random.below(s.item_count);
          shared = true;
        } else {
          item |= random.below(s.item_count);
        }
        break;
      case StreamKind::sequential:
        item |= static_cast<ItemId>(static_cast<double>(sequence[i * n + node]++) /
                                    s.references_per_item) &
                ((ItemId{1} << kStreamShift) - 1);
        break;
      case StreamKind::repeat:
        item = last[node];
        shared = last_shared[node] != 0;
        break;
    }
    const bool write = s.write_fraction > 0.0 && random.uniform() < s.write_fraction;
    simulator.reference(node, item, write, shared, i);
    last[node] = item;
    last_shared[node] = shared;
  }
  ClusterResult result;
  result.config = config;
  const double measured = static_cast<double>(reference_count);
  for (std::size_t i = 0; i < streams.size(); ++i) {
    const ClusterCounts& c = simulator.counts()[i];
    ClusterStreamResult r;
    r.name = streams[i].name;
    r.reference_rate = streams[i].reference_rate;
    const double refs = static_cast<double>(c.references);
    if (refs > 0) {
      r.hit_ratio = c.hits / refs;
      r.level2_hit_ratio = c.level2_hits / refs;
      r.storage_cache_hit_ratio = c.storage_cache_hits / refs;
      r.page_request_ratio = c.page_requests / refs;
      r.disk_read_ratio = c.disk_reads / refs;
    }
    result.hit_ratio += c.hits / measured;
    result.level2_hit_ratio += c.level2_hits / measured;
    result.storage_cache_hit_ratio += c.storage_cache_hits / measured;
    result.page_request_ratio += c.page_requests / measured;
    result.disk_read_ratio += c.disk_reads / measured;
    result.streams.push_back(std::move(r));
  }
  return result;
}

}  // namespace tpeval::solver::cache
