// The cluster part of the transaction engine (see transaction_engine.hpp): routing, global
// locking (GEH lock table, primary copy), page requests and lock-release messages, with the cost
// rules and parameters of the analytic model (model/cluster_demand.cpp, the model description's
// cluster section; Rahm 1993 §7.5-7.6, Tab. 7-2, L3003-3066, L3168-3211; ch7.md §1.6-1.9), and
// central locking and broadcast invalidation with the messages of model/cluster_messages.hpp.
// Global deadlocks: the lock table is global (one wait-for graph over all nodes), so they are
// detected at once, as TPSIM's global deadlock detection (L3056 leaves detection or time-out open).
#include <bit>
#include <cmath>
#include <stdexcept>

#include "model/cluster_messages.hpp"
#include "model/cpu_visits.hpp"
#include "model/routing.hpp"
#include "model/sim/transaction_engine.hpp"
#include "model/sim/transaction_state.hpp"
#include "model/update_shares.hpp"

namespace tpeval::model::sim {
namespace {

std::vector<double> cumulative(std::vector<double> v) {
  double sum = 0.0;
  for (double& x : v) x = (sum += x);
  if (sum > 0)
    for (double& x : v) x /= sum;
  return v;
}

std::size_t pick(const std::vector<double>& cdf, double u) {
  for (std::size_t i = 0; i + 1 < cdf.size(); ++i)
    if (u < cdf[i]) return i;
  return cdf.size() - 1;
}

std::uint64_t node_bit(std::uint32_t node) {
  return std::uint64_t{1} << node;
}

}  // namespace

void TransactionEngine::init_cluster() {
  // Routing and lock authority from model/routing.hpp, so both engines route the same way.
  const auto routing = routing_fractions(model_);
  for (const auto& row : routing) routing_cdf_.push_back(cumulative(row));
  for (std::size_t p = 0; p < model_.partitions.size(); ++p) {
    authority_cdf_.push_back(cumulative(node_reference_rates(model_, routing, p)));
    bool reads = false;
    for (std::size_t t = 0; t < model_.transaction_types.size(); ++t)
      reads = reads || (references_per_tx(model_, t, p) > 0 &&
                        update_share_of(model_.transaction_types[t], p) < 1.0);
    read_tracked_.push_back(reads && model_.cluster.read_authorizations ? 1 : 0);
  }
}

std::uint32_t TransactionEngine::route(std::uint32_t type, solver::des::RandomStream& stream) {
  return static_cast<std::uint32_t>(pick(routing_cdf_[type], stream.uniform01()));
}

void TransactionEngine::count_node(std::size_t node, int counter, double amount) {
  current_[static_cast<std::size_t>(layout_.node_base(node) + counter)] += amount;
}

void TransactionEngine::count_message(int node) {
  current_[sc_messages] += 1;
  count_node(static_cast<std::size_t>(node), nc_messages);
}

int TransactionEngine::lock_authority(const Tx& t, const Reference& r) const {
  // Authority along the routing (L2961, L3304): each node's own end-of-file page, the key
  // range's node under key affinity, otherwise spread by each node's use of the partition.
  if (model_.partitions[r.partition].access == AccessPattern::append) return int(t.node);
  if (r.range_node >= 0) return r.range_node;
  // Granules by their number along a Weyl sequence (frac(k / golden ratio)): any count of them
  // splits within a granule of the shares, where a hash scatters the shares (1000 BRANCH pages
  // over 10 nodes: 10 +- 1 % local locks per node against the analytic 1/n).
  const auto number = static_cast<double>(r.lock & ((std::uint64_t{1} << 44) - 1));
  const double u = std::fmod(number * 0.6180339887498949, 1.0);
  return static_cast<int>(pick(authority_cdf_[r.partition], u));
}

void TransactionEngine::plan_cluster_lock(std::uint32_t tx) {
  Tx& t = txs_[tx];
  const Reference& r = t.refs[t.next_ref];
  const std::size_t pb = static_cast<std::size_t>(layout_.partition_base(r.partition));
  t.actions.clear();
  t.next_action = 0;
  const LockMode mode = r.update ? LockMode::exclusive : LockMode::shared;
  // A lock already held needs no request (TELLER in its BRANCH page), counted as the analytic
  // model counts lock requests.
  if (locks_.holds(tx, r.lock, mode)) return fix_page(tx);
  t.c[tc_lock_requests] += 1;
  current_[sc_lock_requests] += 1;
  current_[pb + pc_lock_requests] += 1;
  current_[pb + pc_exclusive_requests] += mode == LockMode::exclusive ? 1 : 0;
  t.stage = Stage::lock;
  t.cluster_locks += 1;
  current_[sc_global_lock_requests] += 1;
  count_node(t.node, nc_lock_requests);
  const int node = static_cast<int>(t.node);
  Action lock;
  lock.kind = Action::lock;
  if (model_.cluster.locking == GlobalLocking::geh_lock_table) {
    // Read the GLT entry, write it back with compare-and-swap; a duplicated GLT writes twice
    // (L3064-3066), synchronously with the CPU of the burst before held (model/cpu_visits.hpp).
    plan_geh(t, geh_acquire_entries(model_.cluster.geh_lock_table));
    t.actions.push_back(lock);
    return run_actions(tx);
  }
  if (model_.cluster.locking == GlobalLocking::central) return plan_central_lock(tx, lock);
  // Primary copy (L2961): local under the node's own authority, or with a valid read
  // authorisation for an R lock: nobody wrote the object since (L2942, L3133) and the node's
  // buffer still holds the current page (L2977-2993, L3370; model/cluster_demand.cpp).
  const int authority = lock_authority(t, r);
  bool local = authority == node;
  if (read_tracked_[r.partition]) {
    const bool buffered =
        buffers_[t.node].resident(r.page_partition) || directory_.holds(r.page, node);
    local = local || (!r.update && buffered && read_auth_.holds(r.lock, node));
    read_auth_.referenced(r.lock, node, r.update);
  }
  if (local) {
    current_[sc_local_locks] += 1;
    count_node(t.node, nc_local_locks);
    t.actions.push_back(lock);
    return run_actions(tx);
  }
  // Request (short) and grant, long when it carries the current page version (L2977).
  const bool reads = !(r.new_page && !model_.policies.append_new_page_read);
  t.shipped = reads && !force_ && !directory_.holds(r.page, node) &&
              directory_.other_holder(r.page, node) >= 0;
  t.remote_authorities |= node_bit(static_cast<std::uint32_t>(authority));
  ++t.remote_locks;
  plan_message(t, node, authority, false);
  t.actions.push_back(lock);
  plan_message(t, authority, node, t.shipped);
  run_actions(tx);
}

void TransactionEngine::plan_central_lock(std::uint32_t tx, const Action& lock) {
  Tx& t = txs_[tx];
  const Reference& r = t.refs[t.next_ref];
  const int node = static_cast<int>(t.node);
  const int glm = kGlobalLockManagerNode;
  const bool authorizations = model_.cluster.write_authorizations;
  int holder = -1;
  if (authorizations) {
    // The last node to reference the object holds its write authorisation (L2941). An object
    // not referenced yet in this run starts where the steady state has it: with a node drawn by
    // the nodes' use of the partition (the key range's node under key affinity), as the analytic
    // expectation (model/cluster_demand.cpp) has it.
    const auto [it, fresh] = write_authority_.try_emplace(r.lock, -1);
    if (fresh) it->second = lock_authority(t, r);
    holder = it->second;
    it->second = node;
  }
  // The messages of the request: model/cluster_messages.hpp, the rule of both engines.
  const CentralLockMessages c = central_lock_messages(node, holder, authorizations);
  if (c.local) {
    current_[sc_local_locks] += 1;
    count_node(t.node, nc_local_locks);
    t.actions.push_back(lock);
    return run_actions(tx);
  }
  // Request, revocation and return of the write authorisation (L2951), the wait at the GLM's
  // lock table (asynchronous: the transaction gives up its CPU), grant.
  if (c.request_grant) plan_message(t, node, glm, false);
  if (c.revoked_from >= 0) {
    plan_message(t, glm, c.revoked_from, false);
    plan_message(t, c.revoked_from, glm, false);
  }
  t.actions.push_back(lock);
  if (c.request_grant) plan_message(t, glm, node, false);
  if (c.release) {
    t.remote_authorities |= node_bit(static_cast<std::uint32_t>(glm));
    ++t.remote_locks;
  }
  run_actions(tx);
}

void TransactionEngine::lock_action(std::uint32_t tx) {
  Tx& t = txs_[tx];
  const Reference& r = t.refs[t.next_ref];
  const std::size_t pb = static_cast<std::size_t>(layout_.partition_base(r.partition));
  const LockResult res =
      locks_.request(tx, r.lock, r.update ? LockMode::exclusive : LockMode::shared);
  if (res != LockResult::granted) {
    t.c[tc_lock_conflicts] += 1;
    current_[sc_lock_conflicts] += 1;
    current_[pb + pc_lock_conflicts] += 1;
    current_[pb + pc_exclusive_conflicts] += r.update ? 1 : 0;
  }
  if (res == LockResult::blocked) {
    settle(t);
    t.activity = Activity::lock_wait;  // wake() continues with the next action
    return;
  }
  if (res == LockResult::deadlock) return abort_and_restart(tx);
  ++t.next_action;
  run_actions(tx);
}

bool TransactionEngine::page_request_source(std::size_t node, std::uint64_t page) const {
  if (force_ || model_.cluster.locking == GlobalLocking::primary_copy) return false;
  return directory_.dirty_holder(page, static_cast<int>(node)) >= 0;
}

bool TransactionEngine::plan_page_source(Tx& t, std::uint64_t page, std::uint32_t /*owner*/) {
  const Reference& r = t.refs[t.next_ref];
  const auto count = [&] {
    current_[sc_page_requests] += 1;
    current_[static_cast<std::size_t>(layout_.partition_base(r.partition) + pc_page_requests)] += 1;
  };
  if (t.shipped) {  // primary copy: the page came with the lock grant (L2977)
    count();
    return true;
  }
  // FORCE: the current version is on disk; primary copy under the node's own authority: too
  // (L2993). Otherwise NOFORCE fetches it from a node that holds it.
  if (force_ || model_.cluster.locking == GlobalLocking::primary_copy) return false;
  const int node = static_cast<int>(t.node);
  const int holder = directory_.dirty_holder(page, node);  // the last modifier (L2975)
  if (holder < 0) return false;
  count();
  // A short request and a long reply: 26,000 instructions in all (L3189).
  plan_message(t, node, holder, false, 1);
  plan_message(t, holder, node, true, 2);
  return true;
}

void TransactionEngine::plan_message(Tx& t, int from, int to, bool long_message, int mark) {
  Action a;
  a.kind = Action::message;
  a.from = static_cast<std::int16_t>(from);
  a.to = static_cast<std::int16_t>(to);
  a.with_disk = long_message;
  a.mark = static_cast<std::uint8_t>(mark);
  t.actions.push_back(a);
  count_message(static_cast<int>(t.node));
}

void TransactionEngine::plan_geh(Tx& t, double entries) {
  if (entries <= 0) return;
  Action a;
  a.kind = Action::geh;
  a.entries = entries;
  t.actions.push_back(a);
  current_[sc_geh_entries] += entries;
}

void TransactionEngine::plan_commit_cluster(Tx& t) {
  // Broadcast invalidation: after the log write and before the locks are released, an update
  // transaction notifies every other node and waits for all acknowledgements (L2971-2973).
  if (t.any_update && invalidation_messages(model_) > 0) {
    Action a;
    a.kind = Action::broadcast;
    t.actions.push_back(a);
  }
  if (model_.cluster.locking != GlobalLocking::geh_lock_table) return;
  // The last member of a commit group releases the locks of every member (they complete with
  // it, transaction_engine.cpp finish): each lock's release entries, as the analytic model.
  double locks = t.cluster_locks;
  for (std::uint32_t f : t.followers) locks += txs_[f].cluster_locks;
  plan_geh(t, locks * geh_release_entries(model_.cluster.geh_lock_table));
}

void TransactionEngine::send_releases(const Tx& t) {
  // Primary copy: releases go after commit, one per owner node when bundled (L3168); modified
  // pages travel with them under NOFORCE (long messages). Nobody waits for them.
  // Central locking without write authorisations: one short release per lock to the GLM
  // (model/cluster_messages.hpp).
  if (t.remote_locks == 0) return;
  const bool central = model_.cluster.locking == GlobalLocking::central;
  const bool long_message = !force_ && t.any_update && !central;
  const int node = static_cast<int>(t.node);
  const auto send = [&](int to) {
    start_message(kNoTx, node, to, long_message);
    count_message(node);
  };
  std::uint64_t mask = t.remote_authorities;
  if (model_.cluster.messages.bundle_releases && !central) {
    for (; mask != 0; mask &= mask - 1) send(std::countr_zero(mask));
    return;
  }
  for (int k = 0; k < t.remote_locks; ++k) {
    if (mask == 0) mask = t.remote_authorities;
    send(std::countr_zero(mask));
    mask &= mask - 1;
  }
}

void TransactionEngine::start_broadcast(std::uint32_t tx) {
  // The invalidations go out at once, one to each other node, and are answered in parallel.
  // The last member of a commit group sends them for every member (each its own, as the
  // analytic model counts them per update transaction).
  Tx& t = txs_[tx];
  const int node = static_cast<int>(t.node);
  t.pending_acks = 0;
  for (std::size_t member = 0; member <= t.followers.size(); ++member)
    for (int j = 0; j < static_cast<int>(nodes_.size()); ++j) {
      if (j == node) continue;
      ++t.pending_acks;
      count_message(node);
      count_message(node);  // its acknowledgement
      start_message(tx, node, j, false, false, 1);
    }
}

void TransactionEngine::broadcast_leg_done(std::uint32_t tx, const IoOp& o) {
  if (o.broadcast == 1) return start_message(tx, o.to, o.from, false, false, 2);  // acknowledge
  if (--txs_[tx].pending_acks == 0) action_done(tx);
}

void TransactionEngine::start_message(std::uint32_t owner_tx, int from, int to, bool long_message,
                                      bool page_request_end, int broadcast) {
  // Send instructions on the sender's CPU, the transfer on the network, receive instructions on
  // the receiver's CPU, each queued with the transactions' bursts (ch7.md §1.9).
  const auto& mc = model_.cluster.messages;
  const double instructions = long_message ? mc.long_instructions : mc.short_instructions;
  const double bytes = long_message ? mc.long_bytes : mc.short_bytes;
  const std::uint32_t op = new_op();
  IoOp& o = ops_[op];
  o = IoOp{};
  o.tx = owner_tx;
  o.page_request_end = page_request_end;
  o.broadcast = static_cast<std::uint8_t>(broadcast);
  o.from = static_cast<std::int16_t>(from);
  o.to = static_cast<std::int16_t>(to);
  const auto add = [&](int group, double work_s) {
    o.resource[o.stages] = groups_[static_cast<std::size_t>(group)]->resources.front();
    o.work_s[o.stages] = work_s;
    ++o.stages;
  };
  const auto cpu = [&](int node) {
    const NodeRuntime& nr = nodes_[static_cast<std::size_t>(node)];
    add(nr.cpu_group, sample(cpu_streams_[static_cast<std::size_t>(node)],
                             instructions * nr.ms_per_instruction / 1000.0));
  };
  cpu(from);
  // 1 MB/s = 1000 bytes per ms.
  add(network_group_, sample(network_stream_, bytes / (mc.bandwidth_mb_per_s * 1000.0) / 1000.0));
  cpu(to);
  resources_[static_cast<std::size_t>(o.resource[0])]->arrive(
      simulation_, op | kOpBit, owner_tx == kNoTx ? 1 : 0, o.work_s[0]);
}

}  // namespace tpeval::model::sim
