// Counter layout and metric definitions of the transaction simulator (see metrics.hpp).
#include "model/sim/metrics.hpp"

#include "model/station_layout.hpp"

namespace tpeval::model::sim {

using solver::des::CountModel;

std::vector<StationInfo> simulated_stations(const SystemModel& model) {
  std::vector<StationInfo> s;
  for (const Station& st : build_station_layout(model).stations)
    s.push_back({st.name, st.kind, st.pool, st.servers, st.node});
  return s;
}

/// Cluster metrics, named as the analytic report's cluster section (docs/cluster.md).
void MetricLayout::add_cluster_metrics(const SystemModel& model) {
  auto add = [&](std::string section, std::string owner, std::string metric, int num, int den,
                 double scale = 1.0, CountModel counts = CountModel::none) {
    metrics_.push_back(
        {std::move(section), std::move(owner), std::move(metric), num, den, scale, false, counts});
  };
  const auto count = CountModel::poisson;
  const auto share = CountModel::binomial;
  const std::string& m = model.name;
  int cpus = 0;
  for (const Node& node : model.nodes) cpus += node.cpu_count;
  add("system", m, "messages_per_tx", sc_messages, sc_completions, 1.0, count);
  add("system", m, "page_requests_per_tx", sc_page_requests, sc_completions, 1.0, count);
  add("system", m, "geh_entry_accesses_per_tx", sc_geh_entries, sc_completions, 1.0, count);
  add("system", m, "local_lock_share", sc_local_locks, sc_global_lock_requests, 1.0, share);
  add("system", m, "page_request_time_s", sc_page_request_s, sc_page_request_count);
  add("system", m, "cpu_utilization", sc_cpu_busy_s, sc_time_s, 1.0 / cpus);
  for (std::size_t i = 0; i < model.nodes.size(); ++i) {
    const std::string& n = model.nodes[i].name;
    const int b = node_base(i);
    add("node", n, "arrival_rate_per_s", b + nc_arrivals, sc_time_s, 1.0, count);
    add("node", n, "throughput_per_s", b + nc_completions, sc_time_s, 1.0, count);
    add("node", n, "response_time_s", b + nc_response_s, b + nc_completions);
    add("node", n, "hs_hit_ratio", b + nc_hs_hits, b + nc_references, 1.0, share);
    add("node", n, "messages_per_tx", b + nc_messages, b + nc_completions, 1.0, count);
    add("node", n, "local_lock_share", b + nc_local_locks, b + nc_lock_requests, 1.0, share);
    for (std::size_t s = 0; s < stations_.size(); ++s)
      if (stations_[s].kind == StationKind::cpu && stations_[s].node == static_cast<int>(i))
        add("node", n, "cpu_utilization", station(s), sc_time_s, 1.0 / stations_[s].servers);
  }
}

MetricLayout::MetricLayout(const SystemModel& model) {
  const Storage& storage = model.storage;
  stations_ = simulated_stations(model);
  pools_ = storage.devices.size();
  type_stride_ = tc_io_s_first + static_cast<int>(pools_);
  const std::size_t nt = model.transaction_types.size();
  station_base_ = type_base_ + static_cast<int>(nt) * type_stride_;
  partition_base_ = station_base_ + static_cast<int>(stations_.size());
  node_base_ = partition_base_ + static_cast<int>(model.partitions.size()) * pc_count;
  const std::size_t nodes = model.nodes.size() > 1 ? model.nodes.size() : 0;
  counters_ = static_cast<std::size_t>(node_base_) + nodes * nc_count;

  auto add = [&](std::string section, std::string owner, std::string metric, int num, int den,
                 double scale = 1.0, bool stopping = false, CountModel counts = CountModel::none) {
    metrics_.push_back({std::move(section), std::move(owner), std::move(metric), num, den, scale,
                        stopping, counts});
  };
  // Which numerators count events (per second or per transaction) and which are a share of
  // trials (hits of references, conflicts of requests); times, areas and busy time are neither.
  const auto count = CountModel::poisson;
  const auto share = CountModel::binomial;
  const std::string& m = model.name;
  add("system", m, "throughput_per_s", sc_completions, sc_time_s, 1.0, true, count);
  add("system", m, "mean_response_time_s", sc_response_s, sc_completions, 1.0, true);
  add("system", m, "hs_hit_ratio", sc_hs_hits, sc_references, 1.0, false, share);
  add("system", m, "eh_hit_ratio", sc_eh_hits, sc_references, 1.0, false, share);
  add("system", m, "dc_hit_ratio", sc_dc_hits, sc_references, 1.0, false, share);
  add("system", m, "conflict_probability", sc_lock_conflicts, sc_lock_requests, 1.0, false, share);
  add("system", m, "deadlock_rate_per_s", sc_deadlocks, sc_time_s, 1.0, false, count);
  add("system", m, "restart_rate_per_s", sc_restarts, sc_time_s, 1.0, false, count);
  add("system", m, "mean_active_transactions", sc_active_area, sc_time_s);
  add("system", m, "mean_transactions_in_system", sc_in_system_area, sc_time_s);
  for (std::size_t t = 0; t < nt; ++t) {
    const std::string& n = model.transaction_types[t].name;
    const int b = type_base(t);
    const int done = b + tc_completions;
    add("type", n, "throughput_per_s", done, sc_time_s, 1.0, nt > 1, count);
    add("type", n, "response_time_s", b + tc_response_s, done, 1.0, nt > 1);
    add("type", n, "cpu_service_s", b + tc_cpu_service_s, done);
    add("type", n, "cpu_wait_s", b + tc_cpu_wait_s, done);
    add("type", n, "extended_memory_s", b + tc_extended_memory_s, done);
    for (std::size_t p = 0; p < pools_; ++p)
      add("type", n, "io_s." + storage.devices[p].name, b + tc_io_s_first + static_cast<int>(p),
          done);
    add("type", n, "lock_wait_s", b + tc_lock_wait_s, done);
    add("type", n, "commit_io_s", b + tc_commit_io_s, done);
    add("type", n, "input_queue_s", b + tc_input_queue_s, done);
    if (model.nodes.size() > 1) add("type", n, "message_s", b + tc_message_s, done);
    add("type", n, "page_misses", b + tc_page_misses, done, 1.0, false, count);
    add("type", n, "reads", b + tc_reads, done, 1.0, false, count);
    add("type", n, "device_reads", b + tc_device_reads, done, 1.0, false, count);
    add("type", n, "victim_writes", b + tc_victim_writes, done, 1.0, false, count);
    add("type", n, "force_writes", b + tc_force_writes, done, 1.0, false, count);
    add("type", n, "log_writes", b + tc_log_writes, done, 1.0, false, count);
    add("type", n, "synchronous_writes", b + tc_synchronous_writes, done, 1.0, false, count);
    add("type", n, "asynchronous_writes", b + tc_asynchronous_writes, done, 1.0, false, count);
    add("type", n, "eh_accesses", b + tc_eh_accesses, done, 1.0, false, count);
    add("type", n, "io_operations", b + tc_io_operations, done, 1.0, false, count);
    add("type", n, "cpu_instructions", b + tc_cpu_instructions, done);
    add("type", n, "lock_requests", b + tc_lock_requests, done, 1.0, false, count);
    add("type", n, "conflict_probability", b + tc_lock_conflicts, b + tc_lock_requests, 1.0, false,
        share);
    // Per attempt, as the analytic lock model defines it: a transaction restarted r times made
    // r + 1 attempts, r of them deadlocked (restarts_per_transaction = p / (1 - p)).
    add("type", n, "deadlock_probability", b + tc_deadlocks, b + tc_attempts, 1.0, false, share);
    add("type", n, "restarts_per_transaction", b + tc_restarts, done, 1.0, false, count);
  }
  for (std::size_t s = 0; s < stations_.size(); ++s) {
    const StationInfo& st = stations_[s];
    add("server", st.name, "offered_load", station(s), sc_time_s);
    if (st.servers > 0)
      add("server", st.name, "utilization", station(s), sc_time_s, 1.0 / st.servers);
  }
  for (std::size_t p = 0; p < model.partitions.size(); ++p) {
    const std::string& n = model.partitions[p].name;
    const int b = partition_base(p);
    add("partition", n, "references_per_s", b + pc_references, sc_time_s, 1.0, false, count);
    add("partition", n, "hs_hit_ratio", b + pc_hs_hits, b + pc_references, 1.0, false, share);
    add("partition", n, "eh_hit_ratio", b + pc_eh_hits, b + pc_references, 1.0, false, share);
    add("partition", n, "dc_hit_ratio", b + pc_dc_hits, b + pc_references, 1.0, false, share);
    // As the analytic model defines it: the share of X requests that conflict.
    add("partition", n, "lock_conflict_probability", b + pc_exclusive_conflicts,
        b + pc_exclusive_requests, 1.0, false, share);
    if (nodes > 0)
      add("partition", n, "page_request_ratio", b + pc_page_requests, b + pc_references, 1.0, false,
          share);
  }
  if (nodes > 0) add_cluster_metrics(model);
}

}  // namespace tpeval::model::sim
