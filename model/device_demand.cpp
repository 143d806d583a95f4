// I/O operations per transaction and their service demands (see device_demand.hpp).
#include "model/device_demand.hpp"

#include "model/routing.hpp"

#include <algorithm>
#include <cmath>

#include "model/cpu_visits.hpp"
#include "model/device_pool.hpp"
#include "model/io_path.hpp"
#include "model/reference_count.hpp"
#include "model/update_shares.hpp"

namespace tpeval::model {
namespace {

class Builder {
 public:
  Builder(const SystemModel& model, DemandModel& out, std::size_t node)
      : node_(model.nodes[node]),
        storage_(model.storage),
        out_(out),
        pools_(out.layout.pools[node]),
        node_index_(node) {}

  void begin_type(TypeDemand& d) {
    cur_ = &d;
    d.node = node_index_;
    d.ms_per_instruction = 1.0 / (node_.cpu_mips * 1000.0);
    const std::size_t n = out_.stations.size();
    d.load_ms.assign(n, 0.0);
    d.bursts.assign(n, 0.0);
    d.burst_ms2.assign(n, 0.0);
    for (int ph = 0; ph < 2; ++ph) {
      d.wait_ms[ph].assign(n, 0.0);
      d.overflow_ms[ph].assign(n, 0.0);
      d.wait_bursts[ph].assign(n, 0.0);
    }
  }
  void set_phase(Phase p) { phase_ = p; }
  void cpu(double instructions) { cur_->cpu_instructions[phase_] += instructions; }

  /// n EH page accesses the transaction waits for (L2376: synchronous, CPU held by default).
  void eh_access(double n, double weight = 1.0) {
    if (n <= 0) return;
    const auto& eh = storage_.extended_memory;
    const int k = out_.extended_memory;
    cur_->load_ms[k] += n * eh.access_time_ms;
    cur_->eh_accesses += n;
    cpu(n * eh.setup_instructions);
    if (eh.synchronous)
      cur_->eh_sync_accesses[phase_] += n * weight;
    else
      cur_->wait_ms[phase_][k] += n * eh.access_time_ms * weight;
  }

  enum class Mode { waited, buffered, background };
  static Mode mode_of(IoWait w) {
    return w == IoWait::waited ? Mode::waited
                               : (w == IoWait::buffered ? Mode::buffered : Mode::background);
  }

  /// n disk/SSD page I/Os on pool `pool`. `with_disk` = the disk server is needed (not a cache
  /// hit). waited: the transaction waits for all of it; buffered: it waits for transfer +
  /// controller while the disk write is asynchronous (NV disk cache, L2390); background: nothing
  /// is waited for. `buffer_pages` > 0 marks the asynchronous disk part as a write-buffer write
  /// that becomes synchronous when the buffer is full.
  void device_io(int pool, double n, bool with_disk, Mode mode, double weight = 1.0,
                 long buffer_pages = 0) {
    if (n <= 0) return;
    const auto& dev = storage_.devices[pool];
    const auto& ps = pools_[pool];
    cpu(n * node_.io_overhead_instructions);
    cur_->io_operations += n;
    const auto put = [&](int k, double ms, bool waited) {
      if (k < 0) return;
      cur_->load_ms[k] += n * ms;
      if (waited) cur_->wait_ms[phase_][k] += n * ms * weight;
    };
    put(ps.transfer, dev.transfer_ms, mode != Mode::background);
    put(ps.controller, dev.controller_ms, mode != Mode::background);
    if (occupies_device(dev, with_disk) && ps.disk >= 0) {
      put(ps.disk, dev.access_time_ms, mode == Mode::waited);
      if (mode != Mode::waited && buffer_pages > 0) {
        cur_->overflow_ms[phase_][ps.disk] += n * dev.access_time_ms * weight;
        auto& cap = out_.stations[ps.disk].write_buffer_pages;
        cap = cap == 0 ? buffer_pages : std::min(cap, buffer_pages);
      }
    }
  }

  /// Records `trials` Bernoulli trials of one page along `path` each (DeviceTrials), when the
  /// path waits for a device stage.
  void trials(const IoPath& path, double trials, double probability) {
    if (!(trials > 0) || !(probability > 0)) return;
    for (const IoStep& s : path) {
      if (s.kind != IoStep::Kind::device || s.wait != IoWait::waited) continue;
      const auto& dev = storage_.devices[s.pool];
      const auto& ps = pools_[s.pool];
      if (!occupies_device(dev, s.with_disk) || ps.disk < 0) continue;
      DeviceTrials t;
      t.trials = trials;
      t.probability = std::min(1.0, probability);
      t.stations = {ps.transfer, ps.controller, ps.disk};
      t.ms = {dev.transfer_ms, dev.controller_ms, dev.access_time_ms};
      cur_->device_trials.push_back(t);
    }
  }

  /// Trials of reads of a partition (or the log) from its allocation (trials()).
  void read_trials(const std::string& device, double trials, double probability) {
    this->trials(read_path(storage_, storage_location(storage_, device), ReadSource::storage),
                 trials, probability);
  }

  /// Trials of writes to an allocation (trials()).
  void write_trials(const std::string& device, WriteBuffer write_buffer, bool dc_cached,
                    bool waited, double trials, double probability) {
    this->trials(
        write_path(storage_, storage_location(storage_, device), write_buffer, dc_cached, waited),
        trials, probability);
  }

  /// n pages along an I/O path (model/io_path.hpp, the rule both engines use).
  void apply(const IoPath& path, double n, double weight = 1.0) {
    if (n <= 0) return;
    if (path.read) cur_->reads += n;
    if (path.device_read) cur_->device_reads += n;
    if (path.synchronous_write) cur_->synchronous_writes += n;
    if (path.asynchronous_write) cur_->asynchronous_writes += n;
    for (const IoStep& s : path) {
      if (s.kind == IoStep::Kind::extended_memory) {
        eh_access(n, weight);
        continue;
      }
      device_io(s.pool, n, s.with_disk, mode_of(s.wait), weight,
                write_buffer_pages(storage_, s.buffer));
    }
  }

  /// Reads n pages of a partition (or the log) from its allocation.
  void read_pages(const std::string& device, double n, ReadSource source = ReadSource::storage) {
    apply(read_path(storage_, storage_location(storage_, device), source), n);
  }

  /// Writes n pages to an allocation. `waited` = false for writes nobody waits for
  /// (asynchronous write-back, write-through).
  void write_pages(const std::string& device, WriteBuffer write_buffer, bool dc_cached, double n,
                   bool waited, double weight = 1.0) {
    apply(write_path(storage_, storage_location(storage_, device), write_buffer, dc_cached, waited),
          n, weight);
  }

  /// The EH buffer's asynchronous write-through of a modified page to disk (L2372-2374).
  void write_through(const std::string& device, double n) {
    if (storage_location(storage_, device) == kExtendedMemory) return;
    write_pages(device, WriteBuffer::none, false, n, false);
  }

 private:
  const Node& node_;
  const Storage& storage_;
  DemandModel& out_;
  const std::vector<PoolStations>& pools_;
  std::size_t node_index_;
  TypeDemand* cur_ = nullptr;
  Phase phase_ = reference_phase;
};

}  // namespace

double station_demand_ms(const DemandModel& demands, const TypeDemand& d, std::size_t k) {
  double ms = d.load_ms[k];
  if (static_cast<int>(k) == demands.layout.cpu[d.node])
    ms += (d.cpu_instructions[0] + d.cpu_instructions[1]) * d.ms_per_instruction;
  return ms;
}

double page_access_time_ms(const DevicePool& pool) {
  return pool.transfer_ms + pool.controller_ms +
         (has_device_stage(pool) ? pool.access_time_ms : 0.0);
}

DemandModel build_demands(const SystemModel& model, const BufferLevels& buffers) {
  return build_demands(
      model, std::vector<BufferLevels>{buffers},
      std::vector<std::vector<double>>(model.transaction_types.size(), std::vector<double>{1.0}));
}

namespace {

/// Pages evicted from HS per transaction, by partition: in steady state as many as the page
/// misses of that partition, so a miss evicts a page of partition q with probability E_q / E.
std::vector<double> evictions_per_tx(const SystemModel& model, const BufferLevels& buffers) {
  std::vector<double> eviction(model.partitions.size(), 0.0);
  for (std::size_t q = 0; q < eviction.size(); ++q) {
    const auto& pb = buffers.partitions[q];
    eviction[q] = pb.references_per_tx * pb.eviction_ratio;
  }
  return eviction;
}

/// Reference phase: BOT, then per reference lock + page fix + CPU (L2350-2356). Returns the
/// page misses per transaction.
double reference_phase_demand(const SystemModel& model, const BufferLevels& buffers,
                              const std::vector<std::vector<double>>& routing, Builder& b,
                              std::size_t t, TypeDemand& d) {
  const auto& type = model.transaction_types[t];
  b.set_phase(reference_phase);
  b.cpu(type.instructions.bot + type.references * type.instructions.per_reference);
  double misses = 0.0;
  if (model.nodes.size() > 1) d.page_request_steps.assign(model.partitions.size(), 0.0);
  for (std::size_t p = 0; p < model.partitions.size(); ++p) {
    const double refs = references_per_tx(model, t, p);
    if (refs <= 0) continue;
    const auto& part = model.partitions[p];
    const auto& pb = buffers.partitions[p];
    misses += refs * pb.eviction_ratio;
    const double eh_hits = refs * pb.eh_hit_ratio;
    const double dc_hits = refs * pb.dc_hit_ratio;
    const double device_reads = std::max(0.0, refs * pb.read_miss_ratio - eh_hits - dc_hits);
    const double own = own_authority_read_share(model, routing, p, d.node);
    d.page_requests += refs * pb.page_request_ratio * (1.0 - own);
    // A page request is a round trip of its own, except under primary copy, where the page
    // comes with the lock grant (model/cluster_demand.cpp).
    if (model.nodes.size() > 1 && model.cluster.locking != GlobalLocking::primary_copy)
      d.page_request_steps[p] += refs * pb.page_request_ratio * (1.0 - own);
    b.read_pages(part.allocation.device, refs * pb.page_request_ratio * own);
    b.read_pages(part.allocation.device, eh_hits, ReadSource::extended_buffer);
    b.read_pages(part.allocation.device, dc_hits, ReadSource::disk_cache);
    b.read_pages(part.allocation.device, device_reads);
    b.read_trials(part.allocation.device, refs, device_reads / refs);
  }
  return misses;
}

/// Each miss frees a frame first: the dirty victim is written synchronously (NOFORCE,
/// "synchronous write-back", L2368, rule 9); under FORCE victims are clean (L2513). Victims
/// migrate into the EH buffer by its migration policy; a migrated modified page is written
/// through to disk asynchronously (L2372).
void victim_write_demand(const SystemModel& model, const BufferLevels& buffers, double misses,
                         double references, Builder& b, TypeDemand& d) {
  const std::vector<double> eviction = evictions_per_tx(model, buffers);
  double eviction_total = 0.0;
  for (double e : eviction) eviction_total += e;
  if (!(misses > 0 && eviction_total > 0)) return;
  const bool force = model.policies.update_strategy == UpdateStrategy::force;
  for (std::size_t q = 0; q < eviction.size(); ++q) {
    if (eviction[q] <= 0) continue;
    const auto& part = model.partitions[q];
    const auto& pb = buffers.partitions[q];
    const double victims = misses * eviction[q] / eviction_total;
    const double dirty = force ? 0.0 : pb.modified_probability;
    const double migrated = victims * pb.migration_probability;
    b.eh_access(migrated);
    if (!force) b.write_through(part.allocation.device, migrated * dirty);
    const double written = (victims - migrated) * dirty;
    d.victim_writes += written + migrated * dirty;
    b.write_pages(part.allocation.device, part.allocation.write_buffer, part.allocation.disk_cache,
                  written, model.policies.victim_write_synchronous);
    // A victim write comes with a miss: as trials over the references, one per miss on average.
    if (references > 0)
      b.write_trials(part.allocation.device, part.allocation.write_buffer,
                     part.allocation.disk_cache, model.policies.victim_write_synchronous,
                     references, written / references);
  }
}

/// FORCE: the modified pages are written at commit, each once (L2513). Distinct modified pages:
/// of a random partition, those among the updated references' uniform pages (two updates of a
/// transaction may hit one page: distinct_selected_items, model/routing.hpp); an append partition
/// fills its current page (HISTORY: 1 page per transaction, L2513).
void force_write_demand(const SystemModel& model, std::size_t t, Builder& b, TypeDemand& d) {
  const auto& type = model.transaction_types[t];
  const auto& pol = model.policies;
  const std::size_t np = model.partitions.size();
  std::vector<double> writes(np, 0.0);
  std::vector<char> forked(np, 0);  // the write waits for a device: one of the parallel ones
  double parallel = 0.0;
  const auto to_extended_buffer = [&](const Partition& part) {
    return part.allocation.extended_buffer && model.storage.extended_memory.buffer_pages > 0 &&
           pol.force_writes_to_extended_buffer;
  };
  // The pages a transaction of `count` drawn references (a count class) writes to partition p,
  // as the simulator places them (model/sim/reference_generator.cpp): the distinct pages of its
  // updated random references, plus a host page of its own for a clustered reference made before
  // the host's (leading_clustered_requests: TELLER before BRANCH); a run of appended or sequential
  // records fills pages in turn: one page if any (probability 1 - (1 - s u)^n), and a page boundary
  // crossed every B records.
  const auto random_page_writes = [&](std::size_t p, double count) {
    return distinct_selected_items(type, p, model.partitions[p].pages(), update_share_of(type, p),
                                   count);
  };
  const auto page_writes = [&](std::size_t p, double count) {
    const auto& part = model.partitions[p];
    const double share = p < type.reference_shares.size() ? type.reference_shares[p] : 0.0;
    const double u = share * update_share_of(type, p);
    if (part.access != AccessPattern::random) {
      const double any = -std::expm1(count * std::log1p(-std::min(1.0, u)));
      return any * (1.0 - 1.0 / part.blocking_factor) + u * count / part.blocking_factor;
    }
    double pages = random_page_writes(p, count);
    for (std::size_t q = 0; q < np; ++q)
      if (model.partitions[q].clustered_with &&
          static_cast<std::size_t>(*model.partitions[q].clustered_with) == p)
        pages += leading_clustered_requests(type, q, p, count) * update_share_of(type, q);
    return pages;
  };
  for (std::size_t p = 0; p < np; ++p) {
    const auto& part = model.partitions[p];
    const double updates = references_per_tx(model, t, p) * update_share_of(type, p);
    if (updates <= 0 || part.clustered_with || part.allocation.device == "main_memory") continue;
    writes[p] = part.access == AccessPattern::random
                    ? random_page_writes(p, type.references)
                    : std::min(updates, 1.0 + updates / part.blocking_factor);
    if (to_extended_buffer(part)) continue;
    const IoPath path =
        write_path(model.storage, storage_location(model.storage, part.allocation.device),
                   part.allocation.write_buffer, part.allocation.disk_cache, true);
    for (const IoStep& s : path)
      if (s.kind == IoStep::Kind::device && s.wait != IoWait::background) forked[p] = 1;
    if (forked[p]) parallel += writes[p];
  }
  // Parallel FORCE writes (open, §1.12): the transaction waits for the last of the writes that
  // wait for a device; EH accesses stay one after the other, as in the simulator.
  double weight = pol.force_writes_parallel ? parallel_write_weight(parallel) : 1.0;
  if (count_varies(type)) {
    // A variable count (issue #13): the writes of each count class of the simulator's count law
    // (an append partition's page is written once however many records the transaction
    // appends, so they grow more slowly than the count), and the fork-join's wait is the
    // average of H_n over the classes, not H of the average n (commit I/O +14 % at SCV 1.5).
    std::fill(writes.begin(), writes.end(), 0.0);
    double forked_writes = 0.0, harmonic = 0.0;
    for (const CountClass& cc : count_classes(type)) {
      double all = 0.0, waited = 0.0;
      for (std::size_t p = 0; p < np; ++p) {
        const auto& part = model.partitions[p];
        if (part.clustered_with || part.allocation.device == "main_memory") continue;
        const double w = page_writes(p, cc.references);
        if (!(w > 0)) continue;
        writes[p] += cc.probability * w;
        all += w;
        if (forked[p]) waited += w;
      }
      const double fork_join = waited * parallel_write_weight(waited);  // H_n
      d.class_force_waits.push_back(pol.force_writes_parallel ? fork_join + all - waited : all);
      d.force_wait += cc.probability * d.class_force_waits.back();
      forked_writes += cc.probability * waited;
      harmonic += cc.probability * fork_join;
    }
    if (pol.force_writes_parallel && forked_writes > 0) weight = harmonic / forked_writes;
  }
  for (std::size_t p = 0; p < np; ++p) {
    if (writes[p] <= 0) continue;
    const auto& part = model.partitions[p];
    d.force_writes += writes[p];
    if (to_extended_buffer(part)) {
      // Into the NV EH buffer (replicated, L2374), then written through asynchronously.
      b.eh_access(writes[p]);
      d.synchronous_writes += writes[p];
      b.write_through(part.allocation.device, writes[p]);
    } else {
      b.write_pages(part.allocation.device, part.allocation.write_buffer,
                    part.allocation.disk_cache, writes[p], true, forked[p] ? weight : 1.0);
    }
  }
}

void build_class(const SystemModel& model, const BufferLevels& buffers,
                 const std::vector<std::vector<double>>& routing, Builder& b, std::size_t t,
                 TypeDemand& d) {
  const auto& type = model.transaction_types[t];
  d.type = t;
  const double misses = reference_phase_demand(model, buffers, routing, b, t, d);
  d.page_misses = misses;
  double references = 0.0;
  for (std::size_t p = 0; p < model.partitions.size(); ++p)
    references += std::max(0.0, references_per_tx(model, t, p));
  victim_write_demand(model, buffers, misses, references, b, d);

  // --- Commit phase: commit CPU, FORCE writes, log write, then lock release (L2356-2360) -----
  b.set_phase(commit_phase);
  b.cpu(type.instructions.commit);
  if (model.policies.update_strategy == UpdateStrategy::force) force_write_demand(model, t, b, d);
  if (const double updating = update_probability(model, t); updating > 0) {
    // One log page per update transaction (L2368), none for one that updated nothing; group
    // commit shares it (L1352): the device does 1/g writes per transaction, but every member
    // of the group waits for the whole write (weight g on the waited time), as in the
    // simulator, where the last member writes the page and completes the others with it.
    const double g = model.nodes[d.node].log.group_commit_size;
    const double log_pages = updating / g;
    d.log_writes = log_pages;
    b.write_pages(model.nodes[d.node].log.device, model.nodes[d.node].log.write_buffer, false,
                  log_pages, true, g);
  }
}

}  // namespace

// Parallel FORCE writes (device_demand.hpp): the transaction waits for the last of n writes started
// together
/// (fork-join, enough servers). The maximum of n independent exponential times of mean s has
/// mean s H_n, H_n = 1 + 1/2 + ... + 1/n (Renyi's representation of exponential order
/// statistics: the gaps between them are exponential of means s/n, s/(n-1), ..., s); a write's
/// wait is weighted H_n / n. A non-integer mean n (variable references) takes H linearly
/// between its neighbours. Before issue #13 the weight was 1 / n ("about one write's time"),
/// 12 ms short of the simulated fork-join at 3 writes of 16.4 ms.
double parallel_write_weight(double n) {
  if (!(n > 1.0)) return 1.0;
  const double whole = std::floor(n);
  double harmonic = 0.0;
  for (double k = 1.0; k <= whole; k += 1.0) harmonic += 1.0 / k;
  harmonic += (n - whole) / (whole + 1.0);
  return harmonic / n;
}

double own_authority_read_share(const SystemModel& model,
                                const std::vector<std::vector<double>>& routing, std::size_t p,
                                std::size_t node) {
  // Primary copy ships a missing page with the lock grant; under the node's own lock authority
  // the current version is on disk (L2977, L2993).
  if (model.nodes.size() < 2 || model.cluster.locking != GlobalLocking::primary_copy) return 0.0;
  return authority_share(model, routing, p, node);
}

DemandModel build_demands(const SystemModel& model, const std::vector<BufferLevels>& buffers,
                          const std::vector<std::vector<double>>& routing) {
  DemandModel out;
  out.layout = build_station_layout(model);
  out.stations = out.layout.stations;
  out.cpu = out.layout.cpu.front();
  out.extended_memory = out.layout.extended_memory;
  out.ms_per_instruction = 1.0 / (model.nodes.front().cpu_mips * 1000.0);
  const std::size_t n = model.nodes.size();
  std::vector<Builder> builders;
  for (std::size_t i = 0; i < n; ++i) builders.emplace_back(model, out, i);
  for (std::size_t t = 0; t < model.transaction_types.size(); ++t)
    for (std::size_t i = 0; i < n; ++i) {
      if (n > 1 && !(routing[t][i] > 0)) continue;
      TypeDemand d;
      builders[i].begin_type(d);
      build_class(model, buffers[i], routing, builders[i], t, d);
      // CPU bursts of the transaction itself: BOT, one per reference, commit (L2350-2360).
      const int cpu = out.layout.cpu[i];
      const double bursts = transaction_cpu_bursts(model.transaction_types[t]);
      d.wait_bursts[reference_phase][cpu] += bursts - 1.0;
      d.wait_bursts[commit_phase][cpu] += 1.0;
      d.bursts[cpu] += bursts;
      out.types.push_back(std::move(d));
    }
  return out;
}

}  // namespace tpeval::model
