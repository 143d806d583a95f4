// One run of the transaction-system simulator (see transaction_engine.hpp). Rules cite
// ../shared/reference/notes/ch6-5.md (§ and rule numbers) and Rahm 1993 lines (L....).
#include "model/sim/transaction_engine.hpp"
#include "model/sim/transaction_state.hpp"

#include <algorithm>
#include <stdexcept>

#include "model/cluster_messages.hpp"
#include "model/cpu_visits.hpp"
#include "model/device_pool.hpp"
#include "solver/des/infinite_server.hpp"

namespace tpeval::model::sim {

namespace des = solver::des;

TransactionEngine::TransactionEngine(const SystemModel& model, const MetricLayout& layout,
                                     const EngineSettings& settings, std::uint64_t seed,
                                     int replication)
    : model_(model),
      storage_(model.storage),
      layout_(layout),
      settings_(settings),
      references_(model),
      eh_stream_(seed, "service/extended_memory", replication),
      routing_stream_(seed, "routing", replication),
      network_stream_(seed, "service/network", replication),
      disk_cache_(model.storage.disk_cache.type == DiskCacheType::none ||
                          model.storage.disk_cache.pages <= 0
                      ? 0
                      : static_cast<std::size_t>(model.storage.disk_cache.pages)) {
  handler_ = simulation_.add_handler(*this);
  const auto& stations = layout_.stations();
  const std::size_t n = model.nodes.size();
  cluster_ = n > 1;
  nodes_.resize(n);
  buffers_.reserve(n);
  if (cluster_ && storage_.extended_memory.buffer_pages > 0) directory_.track_versions();
  for (std::size_t i = 0; i < n; ++i) {
    NodeRuntime& nr = nodes_[i];
    nr.node = &model.nodes[i];
    nr.ms_per_instruction = 1.0 / (nr.node->cpu_mips * 1000.0);
    nr.pools.resize(storage_.devices.size());
    buffers_.emplace_back(model, i, disk_cache_);
    if (cluster_ && storage_.extended_memory.buffer_pages > 0) buffers_.back().track_versions();
    // One node keeps the stream name of the one-node simulator (identical results).
    cpu_streams_.emplace_back(seed, cluster_ ? "service/cpu/" + nr.node->name : "service/cpu",
                              replication);
  }
  for (std::size_t s = 0; s < stations.size(); ++s) {
    const StationInfo& st = stations[s];
    auto group = std::make_unique<Group>();
    const int members =
        st.servers > 0 && (st.kind == StationKind::disk || st.kind == StationKind::controller)
            ? st.servers
            : 1;
    for (int m = 0; m < members; ++m) {
      const int id = static_cast<int>(resources_.size());
      des::Resource* r = nullptr;
      if (st.servers == 0) {
        r = new des::InfiniteServer(simulation_, *this, id, 2);
      } else {
        // CPU, EH and the network (one link per node, model/station_layout.cpp): one
        // multi-server queue, as the analytic M/M/m station; disks and controllers: one queue per
        // device (a page lives on one disk, ch6-5.md §1.8 "controllers and disks are servers").
        const bool pooled = st.kind == StationKind::cpu ||
                            st.kind == StationKind::extended_memory ||
                            st.kind == StationKind::network;
        const int servers = pooled ? st.servers : 1;
        auto* f = new des::FcfsStation(simulation_, *this, id, 2, servers);
        if (st.kind == StationKind::cpu) nodes_[static_cast<std::size_t>(st.node)].cpu = f;
        r = f;
      }
      resources_.push_back(r);
      resource_group_.push_back(static_cast<int>(s));
      group->resources.push_back(id);
    }
    if (st.kind == StationKind::extended_memory) eh_group_ = static_cast<int>(s);
    if (st.kind == StationKind::network) network_group_ = static_cast<int>(s);
    group_node_.push_back(st.kind == StationKind::cpu ? st.node : -1);
    if (st.kind == StationKind::cpu) nodes_[static_cast<std::size_t>(st.node)].cpu_group = int(s);
    for (std::size_t i = 0; i < n && st.pool >= 0; ++i) {
      if (st.node >= 0 && st.node != static_cast<int>(i)) continue;  // another node's log
      auto& ps = nodes_[i].pools[static_cast<std::size_t>(st.pool)];
      if (st.kind == StationKind::disk) ps.disk = static_cast<int>(s);
      if (st.kind == StationKind::controller) ps.controller = static_cast<int>(s);
      if (st.kind == StationKind::transfer) ps.transfer = static_cast<int>(s);
    }
    groups_.push_back(std::move(group));
  }
  for (std::size_t t = 0; t < model.transaction_types.size(); ++t) {
    const std::string& name = model.transaction_types[t].name;
    arrival_streams_.emplace_back(seed, "arrival/" + name, replication);
    reference_streams_.emplace_back(seed, "references/" + name, replication);
    type_rate_per_s_.push_back(model.type_arrival_rate_per_s(t));
  }
  for (const DevicePool& pool : storage_.devices)
    device_streams_.emplace_back(seed, "service/" + pool.name, replication);
  const auto pool_of = [&](const std::string& device) {
    return storage_location(storage_, device);
  };
  for (const Partition& p : model.partitions)
    partition_pool_.push_back(pool_of(p.allocation.device));
  log_pool_ = pool_of(model.nodes.front().log.device);  // the same pool name on every node
  if (cluster_) init_cluster();
  force_ = model.policies.update_strategy == UpdateStrategy::force;
  broadcast_ = invalidation_messages(model) > 0;
  mpl_ = model.policies.mpl ? *model.policies.mpl : 0;
  current_.assign(layout_.counter_count(), 0.0);
  last_insertions_.assign(3 * n, 0);
  station_work_snapshot_.assign(stations.size(), 0.0);
  if (model.terminals) {
    double cumulative = 0.0, total = 0.0;
    for (const auto& type : model.transaction_types) total += type.mix;
    for (const auto& type : model.transaction_types)
      type_cdf_.push_back(cumulative += type.mix / total);
    terminal_stream_.emplace_back(seed, "terminals", replication);
    for (long i = 0; i < model.terminals->count; ++i) think();
  }
  if (settings_.warm_start) warm_buffers(seed, replication);
  for (std::size_t t = 0; t < type_rate_per_s_.size(); ++t)
    if (type_rate_per_s_[t] > 0)
      simulation_.schedule_in(arrival_streams_[t].exponential(1.0 / type_rate_per_s_[t]), handler_,
                              ev_arrival, t);
  simulation_.schedule_in(settings_.interval_s, handler_, ev_interval, 0);
}

TransactionEngine::~TransactionEngine() {
  for (des::Resource* r : resources_) delete r;
}

double TransactionEngine::sample(des::RandomStream& stream, double mean_s) const {
  if (mean_s <= 0.0) return 0.0;
  if (settings_.service_scv == 1.0) return stream.exponential(mean_s);
  if (settings_.service_scv == 0.0) return mean_s;
  return des::make_distribution(mean_s, settings_.service_scv).sample(stream);
}

EngineStatus TransactionEngine::advance(double horizon_s, std::uint64_t max_events) {
  // Step one interval at a time so saturation stops the run promptly.
  while (simulation_.now_s() < horizon_s) {
    if (saturated_) return EngineStatus::saturated;
    const double step = std::min(horizon_s, simulation_.now_s() + settings_.interval_s);
    if (!simulation_.run_until(step, max_events)) return EngineStatus::event_budget;
  }
  return saturated_ ? EngineStatus::saturated : EngineStatus::running;
}

void TransactionEngine::population_change(long delta_in_system, long delta_active) {
  const double now = simulation_.now_s();
  const double dt = now - last_population_change_s_;
  current_[sc_in_system_area] += static_cast<double>(in_system_) * dt;
  current_[sc_active_area] += static_cast<double>(active_) * dt;
  last_population_change_s_ = now;
  in_system_ += delta_in_system;
  active_ += delta_active;
}

void TransactionEngine::close_interval() {
  population_change(0, 0);
  current_[sc_time_s] = settings_.interval_s;
  for (std::size_t s = 0; s < groups_.size(); ++s) {
    double work = 0.0;
    for (int id : groups_[s]->resources)
      work += resources_[static_cast<std::size_t>(id)]->work_done_s(0) +
              resources_[static_cast<std::size_t>(id)]->work_done_s(1);
    current_[static_cast<std::size_t>(layout_.station(s))] = work - station_work_snapshot_[s];
    if (cluster_ && group_node_[s] >= 0)
      current_[sc_cpu_busy_s] += work - station_work_snapshot_[s];
    station_work_snapshot_[s] = work;
  }
  rows_.insert(rows_.end(), current_.begin(), current_.end());
  std::fill(current_.begin(), current_.end(), 0.0);
  response_histogram_.close_interval();
  ++closed_;
  if (!warm_) {
    // Buffer warm-up: every level is full or no longer changes. A full LRU buffer holds exactly
    // the most recently used distinct pages, whatever the start: its state is then a steady-state
    // one (no initial-condition bias left in the hit ratios).
    if (buffers_turned_over()) {
      warm_ = true;
      warm_interval_ = closed_;
    }
  }
  if (!warm_) warm_interval_ = closed_;
}

bool TransactionEngine::buffers_turned_over() {
  bool all = true;
  for (std::size_t i = 0; i < buffers_.size(); ++i) {
    const BufferManager& b = buffers_[i];
    const BufferManager::LruBuffer* levels[3] = {&b.hs(), &b.eh(), &b.dc()};
    for (std::size_t k = 0; k < 3; ++k) {
      const std::uint64_t ins = levels[k]->insertions();
      const std::size_t cap = levels[k]->capacity();
      std::uint64_t& last = last_insertions_[3 * i + k];
      const bool turned = cap == 0 || levels[k]->size() >= cap || ins == last;
      all = all && turned;
      last = ins;
    }
  }
  return all;
}

void TransactionEngine::handle(des::Simulation& simulation, const des::Event& event) {
  switch (event.kind) {
    case ev_arrival:
      arrive(static_cast<std::uint32_t>(event.payload));
      break;
    case ev_interval:
      close_interval();
      simulation.schedule_in(settings_.interval_s, handler_, ev_interval, 0);
      break;
    case ev_eh_setup_done:
      start_eh_service(static_cast<std::uint32_t>(event.payload));
      break;
    case ev_cpu_burst_done: {
      const auto tx = static_cast<std::uint32_t>(event.payload);
      txs_[tx].keep_cpu = false;
      cpu_done(tx);  // the CPU stays held for the GEH accesses that follow
      break;
    }
    default:
      throw std::logic_error("unknown transaction-engine event");
  }
}

// --- Accounting ----------------------------------------------------------------------------------

void TransactionEngine::settle(Tx& t) {
  const double now = simulation_.now_s();
  const double dt = now - t.activity_start_s;
  t.activity_start_s = now;
  switch (t.activity) {
    case Activity::none:
      break;
    case Activity::input_queue:
      t.c[tc_input_queue_s] += dt;
      break;
    case Activity::cpu: {
      const double service = std::min(dt, t.cpu_work_s);
      t.c[tc_cpu_service_s] += service;
      t.c[tc_cpu_wait_s] += dt - service;
      break;
    }
    case Activity::cpu_wait:
      t.c[tc_cpu_wait_s] += dt;
      break;
    case Activity::cpu_service:
      t.c[tc_cpu_service_s] += dt;
      break;
    case Activity::extended_memory:
      t.c[tc_extended_memory_s] += dt;
      break;
    case Activity::io:
      t.io_s[static_cast<std::size_t>(t.io_pool)] += dt;
      break;
    case Activity::commit_io:
      t.c[tc_commit_io_s] += dt;
      break;
    case Activity::lock_wait:
      t.c[tc_lock_wait_s] += dt;
      break;
    case Activity::message:
      t.c[tc_message_s] += dt;
      break;
  }
}

// --- Transaction flow (ch6-5.md §1.5)
// -------------------------------------------------------------

void TransactionEngine::think() {
  des::RandomStream& stream = terminal_stream_.front();
  const double u = stream.uniform01();
  const auto type = static_cast<std::uint32_t>(
      std::upper_bound(type_cdf_.begin(), type_cdf_.end() - 1, u) - type_cdf_.begin());
  const double think_s = model_.terminals->think_time_ms / 1000.0;
  simulation_.schedule_in(think_s > 0 ? stream.exponential(think_s) : 0.0, handler_, ev_arrival,
                          type);
}

void TransactionEngine::arrive(std::uint32_t type) {
  // Poisson arrivals per type (§1.12 leaves the process open; the analytic model assumes Poisson).
  if (terminal_stream_.empty())
    simulation_.schedule_in(arrival_streams_[type].exponential(1.0 / type_rate_per_s_[type]),
                            handler_, ev_arrival, type);
  current_[sc_arrivals] += 1;
  current_[static_cast<std::size_t>(layout_.type_base(type) + tc_arrivals)] += 1;
  std::uint32_t tx;
  if (!free_txs_.empty()) {
    tx = free_txs_.back();
    free_txs_.pop_back();
  } else {
    tx = static_cast<std::uint32_t>(txs_.size());
    txs_.emplace_back();
  }
  Tx& t = txs_[tx];
  t.reset(layout_.pools());
  t.type = type;
  t.node = cluster_ ? route(type, routing_stream_) : 0;
  t.arrival_s = simulation_.now_s();
  t.activity_start_s = t.arrival_s;
  t.activity = Activity::input_queue;
  references_.generate(type, reference_streams_[type], t.refs, t.node);
  if (cluster_) count_node(t.node, nc_arrivals);
  population_change(+1, 0);
  // (a closed workload holds at most one transaction per terminal: never saturated)
  if (in_system_ > settings_.max_population && terminal_stream_.empty()) saturated_ = true;
  // MPL with an input queue, per node (L2354; ch7.md §2.1).
  NodeRuntime& nr = nodes_[t.node];
  if (mpl_ == 0 || nr.active < mpl_)
    admit(tx);
  else
    nr.input_queue.push_back(tx);
}

void TransactionEngine::admit(std::uint32_t tx) {
  ++nodes_[txs_[tx].node].active;
  population_change(0, +1);
  settle(txs_[tx]);
  start(tx);
}

void TransactionEngine::start(std::uint32_t tx) {
  Tx& t = txs_[tx];
  t.commit_phase = false;
  t.after_bot = true;
  t.any_update = false;
  t.next_ref = 0;
  t.modified.clear();
  t.stage = Stage::page;
  t.shipped = false;
  t.cluster_locks = 0.0;
  t.remote_authorities = 0;
  t.remote_locks = 0;
  const TransactionType& type = model_.transaction_types[t.type];
  cpu_burst(tx, type.instructions.bot + t.pending_instructions);  // CPU at BOT (L2354)
}

void TransactionEngine::cpu_burst(std::uint32_t tx, double instructions) {
  Tx& t = txs_[tx];
  if (t.holds_cpu) throw std::logic_error("CPU burst requested while a CPU is held");
  t.pending_instructions = 0.0;
  t.c[tc_cpu_instructions] += instructions;
  settle(t);
  t.activity = Activity::cpu;
  NodeRuntime& nr = nodes_[t.node];
  t.cpu_work_s = sample(cpu_streams_[t.node], instructions * nr.ms_per_instruction / 1000.0);
  // GEH lock-table accesses right after the burst are made with its CPU still held, not by
  // queueing for a CPU again (model/cpu_visits.hpp): the burst then holds its server.
  t.keep_cpu = geh_accesses_follow(t, tx);
  if (t.keep_cpu) return nr.cpu->seize(simulation_, tx, 0);
  nr.cpu->arrive(simulation_, tx, 0, t.cpu_work_s);
}

bool TransactionEngine::geh_accesses_follow(const Tx& t, std::uint32_t tx) const {
  if (!cluster_ || model_.cluster.locking != GlobalLocking::geh_lock_table) return false;
  // Commit: the release accesses come first unless a log (or FORCE) write lies between.
  if (t.commit_phase) return !t.actions.empty() && t.actions.front().kind == Action::geh;
  // Otherwise the next reference, if it requests a global lock (plan_cluster_lock).
  const std::size_t next = t.after_bot ? t.next_ref : t.next_ref + 1;
  if (next >= t.refs.size()) return false;
  const Reference& r = t.refs[next];
  return r.locked && geh_acquire_entries(model_.cluster.geh_lock_table) > 0 &&
         !locks_.holds(tx, r.lock, r.update ? LockMode::exclusive : LockMode::shared);
}

void TransactionEngine::cpu_done(std::uint32_t tx) {
  Tx& t = txs_[tx];
  settle(t);
  t.activity = Activity::none;
  if (t.commit_phase) return run_actions(tx);
  if (t.after_bot)
    t.after_bot = false;
  else
    ++t.next_ref;
  next_reference(tx);
}

void TransactionEngine::next_reference(std::uint32_t tx) {
  Tx& t = txs_[tx];
  if (t.next_ref >= t.refs.size()) return commit(tx);
  // An end-of-file insert takes its record now, at the current end of file (issue #13).
  if (t.refs[t.next_ref].append_pending) references_.place_appends(t.refs, t.next_ref, t.node);
  const Reference& r = t.refs[t.next_ref];
  if (r.locked && cluster_) return plan_cluster_lock(tx);
  const LockMode mode = r.update ? LockMode::exclusive : LockMode::shared;
  // A lock the transaction already holds (TELLER records on their BRANCH page under page locks,
  // L2402) needs no request: lock requests count as the analytic model counts them
  // (model/metrics_registry.cpp, lock_requests_per_tx).
  if (r.locked && !locks_.holds(tx, r.lock, mode)) {
    // Lock request first (per reference: lock, page, CPU; L2354, order open in the book).
    const std::size_t pb = static_cast<std::size_t>(layout_.partition_base(r.partition));
    t.c[tc_lock_requests] += 1;
    current_[sc_lock_requests] += 1;
    current_[pb + pc_lock_requests] += 1;
    current_[pb + pc_exclusive_requests] += mode == LockMode::exclusive ? 1 : 0;
    const LockResult res = locks_.request(tx, r.lock, mode);
    if (res != LockResult::granted) {
      t.c[tc_lock_conflicts] += 1;
      current_[sc_lock_conflicts] += 1;
      current_[pb + pc_lock_conflicts] += 1;
      current_[pb + pc_exclusive_conflicts] += mode == LockMode::exclusive ? 1 : 0;
    }
    if (res == LockResult::blocked) {
      settle(t);
      t.activity = Activity::lock_wait;
      return;
    }
    if (res == LockResult::deadlock) return abort_and_restart(tx);
  }
  fix_page(tx);
}

void TransactionEngine::wake(const std::vector<std::uint32_t>& woken, int releaser_node) {
  for (std::uint32_t w : woken) {
    Tx& t = txs_[w];
    settle(t);
    t.activity = Activity::none;
    if (t.stage == Stage::lock) {
      // GEH locking: a waiter on another node learns of the grant by a short message from the
      // releasing node (ch7.md §5: "no messages except grant notifications to waiting nodes").
      if (model_.cluster.locking == GlobalLocking::geh_lock_table && releaser_node >= 0 &&
          releaser_node != static_cast<int>(t.node)) {
        const std::size_t at = t.next_action + 1;
        plan_message(t, releaser_node, static_cast<int>(t.node), false);
        std::rotate(t.actions.begin() + static_cast<std::ptrdiff_t>(at), t.actions.end() - 1,
                    t.actions.end());
      }
      action_done(w);  // the global lock is granted: continue with its grant message
      continue;
    }
    fix_page(w);
  }
}

void TransactionEngine::abort_and_restart(std::uint32_t tx) {
  // The requester that closed the cycle is the victim (L2364): roll back (release its locks) and
  // restart it at once with the same references (the restart delay is open, §1.12).
  Tx& t = txs_[tx];
  t.c[tc_deadlocks] += 1;
  t.c[tc_restarts] += 1;
  t.c[tc_attempts] += 1;
  current_[sc_deadlocks] += 1;
  current_[sc_restarts] += 1;
  std::vector<std::uint32_t> woken;
  locks_.release_all(tx, woken);
  settle(t);
  start(tx);
  wake(woken, static_cast<int>(t.node));
}

void TransactionEngine::fix_page(std::uint32_t tx) {
  Tx& t = txs_[tx];
  const Reference& r = t.refs[t.next_ref];
  const bool reads = reads_page(r);
  const PageFix f = fix_in_buffers(t.node, r, t.shipped);
  const std::size_t pb = static_cast<std::size_t>(layout_.partition_base(r.partition));
  current_[sc_references] += 1;
  current_[pb + pc_references] += 1;
  if (cluster_) count_node(t.node, nc_references);
  if (f.hs_hit) {
    if (cluster_) count_node(t.node, nc_hs_hits);
    current_[sc_hs_hits] += 1;
    current_[pb + pc_hs_hits] += 1;
  } else if (f.eh_hit) {
    current_[sc_eh_hits] += 1;
    current_[pb + pc_eh_hits] += 1;
  } else if (f.dc_hit) {
    current_[sc_dc_hits] += 1;
    current_[pb + pc_dc_hits] += 1;
  }
  if (r.update) t.any_update = true;
  note_modified(t.node, r, t.modified);
  t.actions.clear();
  t.next_action = 0;
  if (!f.hs_hit) {
    t.c[tc_page_misses] += 1;
    if (f.victim) {
      const bool victim_modified = victim_write_due(t.node, f);
      const PageWrite w = victim_write(f);
      if (w.extended_buffer) plan_eh(t);  // a migrated victim moves into the EH buffer
      if (victim_modified) {
        t.c[tc_victim_writes] += 1;
        plan_write(t, w.pool, w.buffer, f.victim_page, w.owner, w.waited);
      }
    }
    if (reads && (f.eh_hit || !(cluster_ && plan_page_source(t, r.page, r.page_partition))))
      plan_read(t, r.page, r.page_partition, f.eh_hit, f.dc_hit);
  }
  t.shipped = false;
  note_reference(t.node, r);
  run_actions(tx);
}

bool TransactionEngine::reads_page(const Reference& r) const {
  return !(r.new_page && !model_.policies.append_new_page_read);
}

PageFix TransactionEngine::fix_in_buffers(std::size_t node, const Reference& r, bool shipped) {
  const bool reads = reads_page(r);
  // A cluster node's copy may be superseded by another node's update (on-request invalidation:
  // the change counter checked at lock time shows it, L2973).
  const bool current = !cluster_ || directory_.holds(r.page, static_cast<int>(node));
  // Another node's buffer will supply the page (unless this node's EH buffer holds it): the
  // disk cache is not involved (ch7.md §2.2, the analytic rule of solver/cache/cluster.hpp).
  const bool remote = cluster_ && reads && (shipped || page_request_source(node, r.page));
  const std::uint32_t version = cluster_ ? directory_.version(r.page) : 0;
  return buffers_[node].fix(r.page, r.page_partition, r.update, reads, current, remote, version);
}

void TransactionEngine::note_modified(std::size_t node, const Reference& r,
                                      std::vector<std::uint64_t>& modified) const {
  if (r.update && force_ && !buffers_[node].resident(r.page_partition) &&
      std::find(modified.begin(), modified.end(), r.page) == modified.end())
    modified.push_back(r.page);
}

TransactionEngine::PageWrite TransactionEngine::victim_write(const PageFix& f) const {
  const std::uint32_t owner = page_partition(f.victim_page);
  const int pool = partition_pool_[owner];
  // A migrated victim moves into the EH buffer (synchronous EH write); a modified one is also
  // written through to disk asynchronously (rule 6, L2372).
  if (f.victim_migrated) return {pool, static_cast<int>(owner), WriteBuffer::none, false, true};
  // NOFORCE "synchronous write-back": the dirty victim is written before the read (rule 9).
  return {pool, static_cast<int>(owner), model_.partitions[owner].allocation.write_buffer,
          model_.policies.victim_write_synchronous, false};
}

TransactionEngine::PageWrite TransactionEngine::force_write(std::size_t node,
                                                            std::uint32_t owner) const {
  const int pool = partition_pool_[owner];
  // Into the NV EH buffer (replicated, L2374), written through to disk asynchronously.
  if (buffers_[node].uses_extended_buffer(owner) && model_.policies.force_writes_to_extended_buffer)
    return {pool, static_cast<int>(owner), WriteBuffer::none, false, true};
  return {pool, static_cast<int>(owner), model_.partitions[owner].allocation.write_buffer, true,
          false};
}

bool TransactionEngine::victim_write_due(std::size_t node, const PageFix& f) {
  if (!cluster_) return f.victim_modified;
  // A superseded copy need not be written back (its current version is elsewhere).
  const bool due = f.victim_modified && directory_.holds(f.victim_page, static_cast<int>(node));
  directory_.evicted(f.victim_page, static_cast<int>(node));
  return due;
}

void TransactionEngine::note_reference(std::size_t node, const Reference& r) {
  if (!cluster_ || buffers_[node].resident(r.page_partition)) return;
  directory_.referenced(r.page, static_cast<int>(node), r.update);
  // Broadcast invalidation drops the other copies (their invalidation message goes at commit;
  // nobody can reference the page before, the X lock is held until the acknowledgements).
  if (r.update && broadcast_)
    for (std::size_t j = 0; j < buffers_.size(); ++j)
      if (j != node) buffers_[j].invalidate(r.page);
}

void TransactionEngine::commit(std::uint32_t tx) {
  Tx& t = txs_[tx];
  t.commit_phase = true;
  t.actions.clear();
  t.next_action = 0;
  const TransactionType& type = model_.transaction_types[t.type];
  if (force_) {
    // FORCE: every modified page is written at commit (L2513); it stays in HS, unmodified.
    for (const std::uint64_t page : t.modified) {
      const std::uint32_t owner = page_partition(page);
      t.c[tc_force_writes] += 1;
      const PageWrite w = force_write(t.node, owner);
      if (w.extended_buffer) {
        t.c[tc_synchronous_writes] += 1;
        plan_eh(t);
      }
      plan_write(t, w.pool, w.buffer, page, w.owner, w.waited);
      buffers_[t.node].force_written(page, owner);
    }
    if (model_.policies.force_writes_parallel) issue_in_parallel(t);
  }
  if (t.any_update) {
    // One log page per update transaction, synchronous at commit (L2368); with group commit the
    // last member of a group writes the page for all (L1352). Its I/O overhead is shared.
    Action a;
    a.kind = Action::log_group;
    t.actions.push_back(a);
    const Node& node = *nodes_[t.node].node;
    if (log_pool_ >= 0)
      t.pending_instructions += node.io_overhead_instructions / node.log.group_commit_size;
  } else if (cluster_) {
    plan_commit_cluster(t);  // no log write: the lock releases follow at once
  }
  cpu_burst(tx, type.instructions.commit + t.pending_instructions);  // CPU at commit (L2354)
}

/// Parallel FORCE writes (policies.force_writes = parallel, §1.12): the waited device writes
/// planned so far go out together and the transaction waits for the last of them (fork-join);
/// what follows them on their paths (EH accesses, asynchronous disk stages behind a write
/// buffer) comes after, in its order. The analytic side takes the same rule in
/// model/device_demand.cpp force_write_demand.
void TransactionEngine::issue_in_parallel(Tx& t) {
  std::stable_partition(t.actions.begin(), t.actions.end(),
                        [](const Action& a) { return a.kind == Action::device; });
  for (Action& a : t.actions) a.parallel = a.kind == Action::device;
}

void TransactionEngine::finish(std::uint32_t tx) {
  std::vector<std::uint32_t> followers;
  followers.swap(txs_[tx].followers);
  complete(tx);
  for (std::uint32_t f : followers) complete(f);
}

void TransactionEngine::complete(std::uint32_t tx) {
  Tx& t = txs_[tx];
  settle(t);
  // Locks are released after the log (and FORCE) writes (L2356-2360).
  std::vector<std::uint32_t> woken;
  locks_.release_all(tx, woken);
  const double response = simulation_.now_s() - t.arrival_s;
  if (cluster_) {
    send_releases(t);
    count_node(t.node, nc_completions);
    count_node(t.node, nc_response_s, response);
  }
  t.c[tc_attempts] += 1;  // the one that completes
  const auto base = static_cast<std::size_t>(layout_.type_base(t.type));
  current_[base + tc_completions] += 1;
  current_[base + tc_response_s] += response;
  current_[sc_completions] += 1;
  current_[sc_response_s] += response;
  response_histogram_.record(t.type, response);
  for (int k = tc_cpu_service_s; k < tc_io_s_first; ++k)
    current_[base + static_cast<std::size_t>(k)] += t.c[k];
  for (std::size_t p = 0; p < t.io_s.size(); ++p) current_[base + tc_io_s_first + p] += t.io_s[p];
  ++completed_;
  if (!terminal_stream_.empty()) think();  // the terminal thinks, then submits the next one
  population_change(-1, -1);
  NodeRuntime& nr = nodes_[t.node];
  --nr.active;
  free_txs_.push_back(tx);
  if (!nr.input_queue.empty() && (mpl_ == 0 || nr.active < mpl_)) {
    const std::uint32_t next = nr.input_queue.front();
    nr.input_queue.pop_front();
    admit(next);
  }
  wake(woken, static_cast<int>(t.node));
}

// --- I/O planning (rules 2-10 of ch6-5.md §1.11)
// --------------------------------------------------

void TransactionEngine::plan_eh(Tx& t) {
  Action a;
  a.kind = Action::eh;
  t.actions.push_back(a);
  t.c[tc_eh_accesses] += 1;
  if (!storage_.extended_memory.synchronous)
    t.pending_instructions += storage_.extended_memory.setup_instructions;
}

void TransactionEngine::plan_device(Tx& t, int pool, std::uint64_t page, bool with_disk,
                                    int async_buffer) {
  Action a;
  a.pool = pool;
  a.page = page;
  if (async_buffer < 0) {
    a.kind = Action::device;
    a.with_disk = with_disk;
  } else {
    a.kind = Action::async_device;
    a.write_buffer = static_cast<std::int8_t>(async_buffer);
    a.front_stages = with_disk;  // reused: false = disk stage only (behind an NV disk cache)
  }
  t.actions.push_back(a);
}

void TransactionEngine::plan_read(Tx& t, std::uint64_t page, std::uint32_t owner, bool eh_hit,
                                  bool dc_hit) {
  const ReadSource source = eh_hit   ? ReadSource::extended_buffer
                            : dc_hit ? ReadSource::disk_cache
                                     : ReadSource::storage;
  plan_path(t, read_path(storage_, partition_pool_[owner], source), page);
}

void TransactionEngine::plan_write(Tx& t, int pool, WriteBuffer write_buffer, std::uint64_t page,
                                   int owner, bool waited) {
  plan_path(t, disk_cache_write(t.node, pool, write_buffer, page, owner, waited), page);
}

IoPath TransactionEngine::disk_cache_write(std::size_t node, int pool, WriteBuffer write_buffer,
                                           std::uint64_t page, int owner, bool waited) {
  BufferManager& buffers = buffers_[node];
  const bool dc_cached = owner >= 0 && buffers.uses_disk_cache(static_cast<std::uint32_t>(owner));
  IoPath path = write_path(storage_, pool, write_buffer, dc_cached, waited);
  if (path.passes_disk_cache && owner >= 0)
    buffers.write_to_disk_cache(page, static_cast<std::uint32_t>(owner));
  return path;
}

/// Turns an I/O path (model/io_path.hpp, the rule the analytic demands use too) into actions.
void TransactionEngine::plan_path(Tx& t, const IoPath& path, std::uint64_t page) {
  if (path.read) t.c[tc_reads] += 1;
  if (path.device_read) t.c[tc_device_reads] += 1;
  if (path.synchronous_write) t.c[tc_synchronous_writes] += 1;
  if (path.asynchronous_write) t.c[tc_asynchronous_writes] += 1;
  if (path.io_operation) {
    t.c[tc_io_operations] += 1;
    t.pending_instructions += nodes_[t.node].node->io_overhead_instructions;  // Tab. 6-6
  }
  for (const IoStep& s : path) {
    if (s.kind == IoStep::Kind::extended_memory) {
      plan_eh(t);
      continue;
    }
    const int buffer = s.buffer == WriteBuffer::disk_cache        ? 1
                       : s.buffer == WriteBuffer::extended_memory ? 2
                                                                  : 0;
    switch (s.wait) {
      case IoWait::waited:
        plan_device(t, s.pool, page, s.with_disk, -1);
        break;
      case IoWait::buffered:
        // Transfer + controller synchronously, then the disk stage alone, asynchronously.
        plan_device(t, s.pool, page, false, -1);
        plan_device(t, s.pool, page, false, buffer);
        break;
      case IoWait::background:
        plan_device(t, s.pool, page, true, buffer);
        break;
    }
  }
}

// --- Execution ----------------------------------------------------------------------------------

void TransactionEngine::run_actions(std::uint32_t tx) {
  for (;;) {
    Tx& t = txs_[tx];
    if (t.next_action >= t.actions.size()) break;
    const Action a = t.actions[t.next_action];
    switch (a.kind) {
      case Action::device: {
        settle(t);
        t.activity = t.commit_phase ? Activity::commit_io : Activity::io;
        t.io_pool = a.pool;
        // Parallel FORCE writes: start this one and the parallel ones after it; the last to
        // finish continues (io_stage_done), after the last of them.
        std::size_t last = t.next_action;
        while (a.parallel && last + 1 < t.actions.size() && t.actions[last + 1].parallel) ++last;
        const std::size_t first = t.next_action;
        t.next_action = last;
        t.parallel_ios = static_cast<int>(last - first + 1);
        for (std::size_t i = first; i <= last; ++i) {
          const Action b = txs_[tx].actions[i];
          start_device_io(tx, int(txs_[tx].node), b.pool, b.page, true, b.with_disk, 0);
        }
        return;
      }
      case Action::message:
        settle(t);
        t.activity = Activity::message;
        if (a.mark == 1) t.page_request_start_s = simulation_.now_s();
        start_message(tx, a.from, a.to, a.with_disk, a.mark == 2);
        return;
      case Action::lock:
        lock_action(tx);
        return;
      case Action::geh:
        eh_access(tx, a.entries);
        return;
      case Action::broadcast:
        settle(t);
        t.activity = Activity::message;
        start_broadcast(tx);
        return;
      case Action::eh:
        eh_access(tx);
        return;
      case Action::async_device: {
        const long used = a.write_buffer == 1 ? dc_write_buffer_used_ : eh_write_buffer_used_;
        const long cap = a.write_buffer == 1 ? storage_.disk_cache.write_buffer_pages
                                             : storage_.extended_memory.write_buffer_pages;
        if (a.write_buffer != 0 && used >= cap) {
          // Write buffer full: the disk write becomes synchronous (L2439).
          settle(t);
          t.activity = t.commit_phase ? Activity::commit_io : Activity::io;
          t.io_pool = a.pool;
          start_device_io(tx, int(t.node), a.pool, a.page, a.front_stages, true, 0);
          return;
        }
        start_device_io(kNoTx, int(t.node), a.pool, a.page, a.front_stages, true, a.write_buffer);
        ++txs_[tx].next_action;
        continue;
      }
      case Action::log_group: {
        NodeRuntime& nr = nodes_[t.node];
        nr.log_group.push_back(tx);
        if (static_cast<int>(nr.log_group.size()) < nr.node->log.group_commit_size) {
          settle(t);
          t.activity = Activity::commit_io;  // waiting for the group to fill
          return;
        }
        for (std::uint32_t m : nr.log_group)
          if (m != tx) t.followers.push_back(m);
        nr.log_group.clear();
        ++t.next_action;
        t.c[tc_log_writes] += 1;
        const double pending = t.pending_instructions;  // the log overhead was charged at commit
        plan_write(t, log_pool_, nr.node->log.write_buffer, nr.log_page++, -1, true);
        t.pending_instructions = pending;
        if (cluster_) plan_commit_cluster(t);  // lock releases after the log write (L2360)
        continue;
      }
    }
  }
  Tx& t = txs_[tx];
  if (t.commit_phase) return finish(tx);
  if (t.stage == Stage::lock) {
    t.stage = Stage::page;  // the global lock is granted: fix the page
    return fix_page(tx);
  }
  const TransactionType& type = model_.transaction_types[t.type];
  cpu_burst(tx, type.instructions.per_reference + t.pending_instructions);  // per reference
}

void TransactionEngine::action_done(std::uint32_t tx) {
  Tx& t = txs_[tx];
  settle(t);
  t.activity = Activity::none;
  ++t.next_action;
  run_actions(tx);
}

std::uint32_t TransactionEngine::new_op() {
  std::uint32_t op;
  if (!free_ops_.empty()) {
    op = free_ops_.back();
    free_ops_.pop_back();
  } else {
    op = static_cast<std::uint32_t>(ops_.size());
    ops_.emplace_back();
  }
  return op;
}

void TransactionEngine::start_device_io(std::uint32_t owner_tx, int node, int pool,
                                        std::uint64_t page, bool front_stages, bool disk_stage,
                                        int write_buffer) {
  const std::uint32_t op = new_op();
  IoOp& o = ops_[op];
  o = IoOp{};
  o.tx = owner_tx;
  o.write_buffer = static_cast<std::int8_t>(write_buffer);
  const auto p = static_cast<std::size_t>(pool);
  const DevicePool& dev = storage_.devices[p];
  const PoolStations& ps = nodes_[static_cast<std::size_t>(node)].pools[p];
  des::RandomStream& stream = device_streams_[p];
  const std::uint64_t h = spread_id(page);  // pages over the disks of a pool
  std::size_t disk_index = 0;
  if (ps.disk >= 0) {
    const auto n = groups_[static_cast<std::size_t>(ps.disk)]->resources.size();
    disk_index = static_cast<std::size_t>(h % n);
  }
  const auto add = [&](int group, std::size_t member_hint, double ms) {
    if (group < 0 || ms <= 0.0) return;
    const auto& members = groups_[static_cast<std::size_t>(group)]->resources;
    o.resource[o.stages] = members[member_hint % members.size()];
    o.work_s[o.stages] = sample(stream, ms / 1000.0);
    ++o.stages;
  };
  // I/O time per page = transfer + controller (+ disk unless a cache serves it), §1.8, A4.
  if (front_stages) {
    add(ps.transfer, 0, dev.transfer_ms);
    add(ps.controller, ps.disk >= 0 ? disk_index : static_cast<std::size_t>(h), dev.controller_ms);
  }
  if (occupies_device(dev, disk_stage)) add(ps.disk, disk_index, dev.access_time_ms);
  if (write_buffer == 1) ++dc_write_buffer_used_;
  if (write_buffer == 2) ++eh_write_buffer_used_;
  if (o.stages == 0) {
    // Nothing to do (all times zero): complete through the calendar to keep callbacks uniform.
    o.resource[0] = groups_[static_cast<std::size_t>(ps.transfer)]->resources.front();
    o.work_s[0] = 0.0;
    o.stages = 1;
  }
  resources_[static_cast<std::size_t>(o.resource[0])]->arrive(
      simulation_, op | kOpBit, owner_tx == kNoTx ? 1 : 0, o.work_s[0]);
}

void TransactionEngine::io_stage_done(std::uint32_t op) {
  IoOp& o = ops_[op];
  ++o.next;
  if (o.next < o.stages) {
    resources_[static_cast<std::size_t>(o.resource[o.next])]->arrive(
        simulation_, op | kOpBit, o.tx == kNoTx ? 1 : 0, o.work_s[o.next]);
    return;
  }
  const std::uint32_t tx = o.tx;
  if (o.broadcast != 0) {
    const IoOp leg = o;
    free_ops_.push_back(op);
    return broadcast_leg_done(tx, leg);
  }
  if (o.page_request_end && tx != kNoTx) {
    current_[sc_page_request_s] += simulation_.now_s() - txs_[tx].page_request_start_s;
    current_[sc_page_request_count] += 1;
  }
  if (o.write_buffer == 1) --dc_write_buffer_used_;
  if (o.write_buffer == 2) --eh_write_buffer_used_;
  free_ops_.push_back(op);
  if (tx == kNoTx) return;
  Tx& t = txs_[tx];
  if (t.parallel_ios > 1) {  // parallel FORCE writes: the last one continues
    --t.parallel_ios;
    return;
  }
  t.parallel_ios = 0;
  action_done(tx);
}

void TransactionEngine::eh_access(std::uint32_t tx, double geh_entries) {
  Tx& t = txs_[tx];
  settle(t);
  t.geh_entries = geh_entries;
  if (geh_entries > 0 && t.holds_cpu) return start_eh_service(tx);  // CPU of the burst before
  if (storage_.extended_memory.synchronous || geh_entries > 0) {
    // Synchronous EH access: the transaction first needs a CPU, which it holds for the set-up
    // and the access itself, EH queueing included (L2376, rule 1); GEH lock-table entry
    // accesses are synchronous too (ch7.md §1.4, L3064).
    t.activity = Activity::cpu_wait;
    t.holds_cpu = true;
    nodes_[t.node].cpu->seize(simulation_, tx, 0);
    return;
  }
  start_eh_service(tx);
}

void TransactionEngine::start_eh_service(std::uint32_t tx) {
  Tx& t = txs_[tx];
  settle(t);
  t.activity = Activity::extended_memory;
  const double ms = t.geh_entries > 0
                        ? t.geh_entries * model_.cluster.geh_lock_table.entry_access_ms
                        : storage_.extended_memory.access_time_ms;
  const int id = groups_[static_cast<std::size_t>(eh_group_)]->resources.front();
  resources_[static_cast<std::size_t>(id)]->arrive(simulation_, tx, 0,
                                                   sample(eh_stream_, ms / 1000.0));
}

void TransactionEngine::server_granted(des::Simulation& simulation, int /*resource*/,
                                       des::JobId job) {
  Tx& t = txs_[job];
  if (t.keep_cpu && !t.holds_cpu) {
    // A CPU burst on a held server (cpu_burst): its end continues with the GEH accesses.
    t.holds_cpu = true;
    simulation.schedule_in(t.cpu_work_s, handler_, ev_cpu_burst_done, job);
    return;
  }
  if (t.geh_entries > 0) return start_eh_service(job);  // no set-up path for lock entries
  settle(t);
  t.activity = Activity::cpu_service;
  const double setup = storage_.extended_memory.setup_instructions;
  t.c[tc_cpu_instructions] += setup;
  simulation.schedule_in(
      sample(cpu_streams_[t.node], setup * nodes_[t.node].ms_per_instruction / 1000.0), handler_,
      ev_eh_setup_done, job);
}

void TransactionEngine::service_completed(des::Simulation& simulation, int resource,
                                          des::JobId job) {
  if ((job & kOpBit) != 0) return io_stage_done(job & ~kOpBit);
  const int group = resource_group_[static_cast<std::size_t>(resource)];
  if (group_node_[static_cast<std::size_t>(group)] >= 0) return cpu_done(job);
  if (group == eh_group_) {
    Tx& t = txs_[job];
    settle(t);
    t.activity = Activity::none;
    t.geh_entries = 0.0;
    if (t.holds_cpu) nodes_[t.node].cpu->release(simulation, job);
    t.holds_cpu = false;
    return action_done(job);
  }
  throw std::logic_error("transaction job at a device station");
}

}  // namespace tpeval::model::sim
