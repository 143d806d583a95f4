// The analytic evaluation (see evaluate.hpp): the point solve (model/point_solve.hpp) at the
// model's rate or its terminals' throughput (model/rate_search.hpp), reported per server,
// partition, type and node.
#include "model/evaluate.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include "model/ineffective_settings.hpp"
#include "model/point_solve.hpp"
#include "model/rate_search.hpp"
#include "model/response_variability.hpp"
#include "model/restarts.hpp"

namespace tpeval::model {
namespace detail {
namespace {

/// The classes' deadlock restarts (model/restarts.hpp), those of `node` only when given; empty
/// at a saturated point (no steady state) or when no class deadlocks. A class whose attempts
/// never complete counts none here (its type's restarts are null, type_result).
std::vector<ClassRestarts> class_restarts(const Prepared& pr, const Point& pt,
                                          std::optional<std::size_t> node) {
  std::vector<ClassRestarts> out;
  if (pt.saturated) return out;
  bool any = false;
  for (std::size_t c = 0; c < pr.demand.types.size(); ++c) {
    const auto& d = pr.demand.types[c];
    if (node && d.node != *node) continue;
    const double r = restarts_per_transaction(pt.types[c].deadlock_probability).value_or(0.0);
    any = any || r > 0;
    out.push_back({d.type, pt.types[c].rate, r, {}, {}});
    if (r > 0) class_deadlock_shares(pr, pt, c, out.back().held_share, out.back().requested_share);
  }
  if (!any) out.clear();
  return out;
}

/// Repeated references per reference by partition (model/restarts.hpp); empty without restarts.
std::vector<double> restart_extra(const Prepared& pr, const Point& pt,
                                  std::optional<std::size_t> node) {
  const std::vector<ClassRestarts> classes = class_restarts(pr, pt, node);
  if (classes.empty()) return {};
  return restart_references(pr.model, classes);
}

void report_servers(const Prepared& pr, const Point& pt, Evaluation& ev) {
  const auto& dm = pr.demand;
  for (std::size_t k = 0; k < dm.stations.size(); ++k) {
    const auto& s = dm.stations[k];
    ServerResult sr;
    sr.name = s.name;
    sr.kind = s.kind;
    sr.servers = s.servers;
    sr.offered_load = k < pt.offered.size() ? pt.offered[k] : 0.0;
    sr.utilization = s.servers > 0 ? std::min(1.0, sr.offered_load / s.servers) : 0.0;
    sr.mean_residence_factor = pt.saturated ? 0.0 : pt.stretch[k];
    ev.servers.push_back(sr);
  }
}

PartitionResult partition_result(const SystemModel& model, const PartitionBuffer& b, std::size_t p,
                                 double rate) {
  PartitionResult r;
  r.name = model.partitions[p].name;
  r.references_per_s = b.references_per_tx * rate;
  r.hs_hit_ratio = b.hs_hit_ratio;
  r.eh_hit_ratio = b.eh_hit_ratio;
  r.dc_hit_ratio = b.dc_hit_ratio;
  r.dirty_victim_probability =
      model.policies.update_strategy == UpdateStrategy::force ? 0.0 : b.modified_probability;
  r.page_request_ratio = b.page_request_ratio;
  // Reads that reach a device (new end-of-file pages are not read, L2315).
  r.disk_read_ratio = std::max(0.0, b.read_miss_ratio - b.eh_hit_ratio - b.dc_hit_ratio);
  return r;
}

void report_partitions(const Prepared& pr, const Point& pt, double rate, Evaluation& ev) {
  const auto& model = pr.model;
  // Restarts repeat references that hit (issue #13, model/restarts.hpp).
  const std::vector<double> extra = restart_extra(pr, pt, std::nullopt);
  if (!extra.empty()) {
    const HitRatios h = restart_hit_ratios(pr.system_buffers, extra);
    ev.hs_hit_ratio = h.hs;
    ev.eh_hit_ratio = h.eh;
    ev.dc_hit_ratio = h.dc;
  }
  for (std::size_t p = 0; p < model.partitions.size(); ++p) {
    PartitionResult r = partition_result(model, pr.system_buffers.partitions[p], p, rate);
    if (!extra.empty()) add_restart_references(r, extra[p]);
    if (!pt.saturated && p < pt.partition_conflict.size())
      r.lock_conflict_probability = pt.partition_conflict[p];
    ev.partitions.push_back(r);
  }
}

/// Closed workloads: the mean numbers waiting for an MPL slot and for locks (Little's law).
std::optional<ClosedQueues> closed_queues(const Prepared& pr, const Point& pt) {
  if (!pr.model.terminals || pt.saturated) return std::nullopt;
  ClosedQueues q;
  for (const auto& tp : pt.types) {
    q.input_queue += tp.rate * tp.breakdown.input_queue_s;
    q.lock_waits += tp.rate * tp.breakdown.lock_wait_s;
  }
  return q;
}

void report_types(const Prepared& pr, const Point& pt, Evaluation& ev) {
  const auto& model = pr.model;
  double mean_response = 0.0;
  // Each type's classes (one per node) in one pass, and the closed queues once: a scan per type
  // was O(types^2), 5 % of `eval` at 10^4 types (issue #16).
  std::vector<std::vector<std::size_t>> classes_of(model.transaction_types.size());
  for (std::size_t c = 0; c < pr.demand.types.size(); ++c)
    classes_of[pr.demand.types[c].type].push_back(c);
  const std::optional<ClosedQueues> queues = closed_queues(pr, pt);
  ev.types.reserve(model.transaction_types.size());
  for (std::size_t t = 0; t < model.transaction_types.size(); ++t) {
    TypeResult r = type_result(pr, pt, t, classes_of[t]);
    r.response_time_scv = response_time_scv(model.transaction_types[t], model.policies, r, queues);
    r.rare_lock_waits = !queues.has_value();
    set_count_dependence(model.transaction_types[t], model.policies, r, queues);
    if (r.response_time_s) r.response_time_components = response_time_components(r);
    if (!pt.saturated && r.response_time_s) mean_response += pr.mix_share[t] * *r.response_time_s;
    ev.messages_per_tx += pr.mix_share[t] * r.messages;
    ev.page_requests_per_tx += pr.mix_share[t] * r.page_requests;
    ev.geh_entry_accesses_per_tx += pr.mix_share[t] * r.geh_entry_accesses;
    ev.types.push_back(std::move(r));
  }
  if (!pt.saturated) {
    ev.mean_response_time_s = mean_response;
    ev.conflict_probability = pt.conflict_probability;
    ev.deadlock_rate_per_s = pt.deadlock_rate_per_s;
    double restart_rate = 0.0;
    bool all_complete = true;
    for (const auto& tp : pt.types) {
      const std::optional<double> r = restarts_per_transaction(tp.deadlock_probability);
      all_complete = all_complete && r.has_value();
      restart_rate += tp.rate * r.value_or(0.0);
    }
    if (all_complete) ev.restart_rate_per_s = restart_rate;
    ev.blocked_share = pt.blocked_share;
    ev.mean_active_transactions = pt.mean_active;
  }
}

void report_nodes(const Prepared& pr, const Point& pt, Evaluation& ev) {
  const auto& model = pr.model;
  const auto& dm = pr.demand;
  double lock_requests = 0.0, local = 0.0;
  for (std::size_t i = 0; i < model.nodes.size(); ++i) {
    NodeResult nr;
    nr.name = model.nodes[i].name;
    const int cpu = dm.layout.cpu[i];
    nr.cpu_utilization = std::min(1.0, pt.offered[cpu] / dm.stations[cpu].servers);
    nr.hs_hit_ratio = pr.buffers[i].hs_hit_ratio;
    const std::vector<double> extra = restart_extra(pr, pt, i);
    if (!extra.empty()) nr.hs_hit_ratio = restart_hit_ratios(pr.buffers[i], extra).hs;
    double rate = 0.0, response = 0.0, node_locks = 0.0, node_local = 0.0;
    for (std::size_t c = 0; c < dm.types.size(); ++c) {
      const auto& d = dm.types[c];
      if (d.node != i) continue;
      const double r = pt.types[c].rate;
      rate += r;
      response += r * pt.types[c].response_s;
      nr.messages_per_tx += r * (d.messages + pt.types[c].grant_notifications);
      nr.page_requests_per_tx += r * d.page_requests;
      nr.geh_entry_accesses_per_tx += r * (d.geh_entry_accesses[0] + d.geh_entry_accesses[1]);
      node_locks += r * d.lock_requests;
      node_local += r * d.local_lock_requests;
    }
    nr.arrival_rate_per_s = rate;
    if (rate > 0) {
      nr.messages_per_tx /= rate;
      nr.page_requests_per_tx /= rate;
      nr.geh_entry_accesses_per_tx /= rate;
    }
    if (!pt.saturated) {
      nr.throughput_per_s = rate;
      if (rate > 0) nr.response_time_s = response / rate;
    }
    const bool local_grants = model.cluster.locking == GlobalLocking::primary_copy ||
                              model.cluster.locking == GlobalLocking::central;
    if (local_grants && node_locks > 0) nr.local_lock_share = node_local / node_locks;
    lock_requests += node_locks;
    local += node_local;
    for (std::size_t p = 0; p < model.partitions.size(); ++p) {
      nr.partitions.push_back(
          partition_result(model, pr.buffers[i].partitions[p], p,
                           pr.buffers[i].partitions[p].references_per_tx > 0 ? rate : 0.0));
      if (!extra.empty()) add_restart_references(nr.partitions.back(), extra[p]);
    }
    ev.nodes.push_back(std::move(nr));
  }
  if ((model.cluster.locking == GlobalLocking::primary_copy ||
       model.cluster.locking == GlobalLocking::central) &&
      lock_requests > 0)
    ev.local_lock_share = local / lock_requests;
}

/// One page request from request to reply (V14, L3264): the requester's short send and long
/// receive, the holder's short receive and long send (each CPU burst with its node's queueing)
/// and both transfers over the network.
std::optional<double> page_request_time(const Prepared& pr, const Point& pt) {
  const auto& m = pr.model;
  if (pt.saturated || m.nodes.size() < 2 || m.cluster.locking == GlobalLocking::primary_copy ||
      m.policies.update_strategy == UpdateStrategy::force)
    return std::nullopt;
  const auto& mc = m.cluster.messages;
  const auto& layout = pr.demand.layout;
  double cpu_wait_s = 0.0;  // mean over the nodes
  for (int k : layout.cpu) cpu_wait_s += pt.visit_wait_s[k];
  cpu_wait_s /= static_cast<double>(layout.cpu.size());
  double ms_per_instruction = 0.0;  // mean over the nodes: requester and holder are any two
  for (const auto& node : m.nodes) ms_per_instruction += 1.0 / (node.cpu_mips * 1000.0);
  ms_per_instruction /= static_cast<double>(m.nodes.size());
  const double cpu_ms = 2.0 * (mc.short_instructions + mc.long_instructions) * ms_per_instruction;
  const double net_ms = (mc.short_bytes + mc.long_bytes) / (mc.bandwidth_mb_per_s * 1000.0);
  // Four CPU bursts (send and receive at both nodes) and two network transfers.
  return (cpu_ms + net_ms) / 1000.0 + 4.0 * cpu_wait_s + 2.0 * pt.visit_wait_s[layout.network];
}

}  // namespace
}  // namespace detail

Evaluation evaluate(const SystemModel& model, const EvaluateOptions& options) {
  using namespace detail;  // the point solve, the rate searches and the reports
  const Prepared pr = prepare(model);
  double rate = model.arrival_rate_per_s;
  const Point pt =
      model.terminals ? solve_closed(pr, *model.terminals, options, rate) : solve_at(pr, rate);

  Evaluation ev;
  ev.warnings = ineffective_settings(model);  // settings that do nothing, said (issue #13)
  ev.model_name = model.name;
  ev.arrival_rate_per_s = rate;  // closed workload: the throughput X the terminals generate
  ev.terminals = model.terminals;
  ev.saturated = pt.saturated;
  ev.bottleneck = pt.saturated ? pt.bottleneck : std::string();
  ev.saturation_reason = pt.reason;
  ev.throughput_per_s = pt.saturated ? 0.0 : rate;
  ev.hs_hit_ratio = pr.system_buffers.hs_hit_ratio;
  ev.eh_hit_ratio = pr.system_buffers.eh_hit_ratio;
  ev.dc_hit_ratio = pr.system_buffers.dc_hit_ratio;
  report_servers(pr, pt, ev);
  report_partitions(pr, pt, rate, ev);
  report_types(pr, pt, ev);
  if (model.cluster.present) {
    report_nodes(pr, pt, ev);
    ev.page_request_time_s = page_request_time(pr, pt);
    ev.cpu_utilization_cap = options.cpu_utilization_cap;
  }
  if (options.find_max_throughput) {
    report_max_throughput(pr, options, ev);
    if (model.cluster.present) report_cpu_cap_throughput(pr, options.cpu_utilization_cap, ev);
  }
  if (pt.closed_excess_s > 0)
    ev.warnings.push_back(fmt::format(
        "the {} terminals offer more than the sustainable {:.5g}/s ({}): the throughput stays "
        "there and each transaction waits {:.4g} ms more",
        model.terminals->count, rate, pt.bottleneck, 1000.0 * pt.closed_excess_s));
  if (ev.saturated && ev.max_throughput_per_s && !model.terminals)
    ev.warnings.push_back("saturated: the arrival rate " + std::to_string(rate) +
                          "/s exceeds the sustainable maximum");
  return ev;
}

}  // namespace tpeval::model
