// Evaluation -> JSON (see result_json.hpp).
#include "model/result_json.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "model/metrics_registry.hpp"

namespace tpeval::model {
namespace {

nlohmann::json optional_number(const std::optional<double>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

nlohmann::json cluster_partition_json(const PartitionResult& p) {
  return {{"name", p.name},
          {"hs_hit_ratio", p.hs_hit_ratio},
          {"page_request_share", p.page_request_ratio},
          {"disk_read_share", p.disk_read_ratio}};
}

/// The cluster section: totals and one entry per node (Rahm 1993 ch. 7.6 reports hit ratios,
/// page-request shares and local-lock shares per partition and node).
nlohmann::json cluster_json(const Evaluation& e) {
  using nlohmann::json;
  json nodes = json::array();
  for (const auto& n : e.nodes) {
    json parts = json::array();
    for (const auto& p : n.partitions) parts.push_back(cluster_partition_json(p));
    nodes.push_back({{"name", n.name},
                     {"arrival_rate_per_s", n.arrival_rate_per_s},
                     {"throughput_per_s", n.throughput_per_s},
                     {"response_time_s", optional_number(n.response_time_s)},
                     {"cpu_utilization", n.cpu_utilization},
                     {"hs_hit_ratio", n.hs_hit_ratio},
                     {"messages_per_tx", n.messages_per_tx},
                     {"page_requests_per_tx", n.page_requests_per_tx},
                     {"geh_entry_accesses_per_tx", n.geh_entry_accesses_per_tx},
                     {"local_lock_share", optional_number(n.local_lock_share)},
                     {"partitions", parts}});
  }
  json parts = json::array();
  for (const auto& p : e.partitions) parts.push_back(cluster_partition_json(p));
  return {{"nodes", nodes},
          {"messages_per_tx", e.messages_per_tx},
          {"page_requests_per_tx", e.page_requests_per_tx},
          {"geh_entry_accesses_per_tx", e.geh_entry_accesses_per_tx},
          {"local_lock_share", optional_number(e.local_lock_share)},
          {"page_request_time_s", optional_number(e.page_request_time_s)},
          {"cpu_utilization_cap", e.cpu_utilization_cap},
          {"max_throughput_per_node_at_cpu_cap_per_s",
           optional_number(e.max_throughput_per_node_at_cpu_cap_per_s)},
          {"partitions", parts}};
}

}  // namespace

nlohmann::json metrics_json(const Evaluation& e) {
  nlohmann::json out = nlohmann::json::object();
  for (auto& m : all_analytic_metrics(e))
    out[std::move(m.name)] = {{"value", optional_number(m.value)}, {"unit", std::move(m.unit)}};
  return out;
}

const char* station_kind_name(StationKind kind) {
  switch (kind) {
    case StationKind::cpu:
      return "cpu";
    case StationKind::extended_memory:
      return "extended_memory";
    case StationKind::controller:
      return "controller";
    case StationKind::disk:
      return "disk";
    case StationKind::transfer:
      return "transfer";
    case StationKind::network:
      return "network";
  }
  return "unknown";
}

namespace {

/// The members of one transaction type's entry, in key order (as evaluation_members): one list
/// for the tree (TreeObject) and the stream (StreamObject, no tree per type: 10^4 types built
/// 3x10^5 std::map nodes, issue #16). A device named twice in io_s keeps its last value, as the
/// tree's operator[] does.
template <class Object>
void type_members(const TypeResult& t, Object& o) {
  o.member("arrival_rate_per_s", t.arrival_rate_per_s);
  o.object("breakdown", [&t](Object& b) {
    b.member("commit_io_s", t.breakdown.commit_io_s);
    b.member("cpu_service_s", t.breakdown.cpu_service_s);
    b.member("cpu_wait_s", t.breakdown.cpu_wait_s);
    b.member("extended_memory_s", t.breakdown.extended_memory_s);
    b.member("input_queue_s", t.breakdown.input_queue_s);
    b.object("io_s", [&t](Object& io) {
      const auto& entries = t.breakdown.io_s;
      std::vector<std::size_t> order(entries.size());
      for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
      std::stable_sort(order.begin(), order.end(), [&entries](std::size_t a, std::size_t b) {
        return entries[a].first < entries[b].first;
      });
      for (std::size_t i = 0; i < order.size(); ++i)
        if (i + 1 == order.size() || entries[order[i + 1]].first != entries[order[i]].first)
          io.member(entries[order[i]].first, entries[order[i]].second);
    });
    b.member("lock_wait_s", t.breakdown.lock_wait_s);
  });
  o.member("conflict_probability", t.conflict_probability);
  o.member("deadlock_probability", t.deadlock_probability);
  o.member("name", t.name);
  o.object("per_transaction", [&t](Object& n) {
    n.member("asynchronous_writes", t.asynchronous_writes);
    n.member("cpu_instructions", t.cpu_instructions);
    n.member("device_reads", t.device_reads);
    n.member("extended_memory_accesses", t.eh_accesses);
    n.member("force_writes", t.force_writes);
    n.member("io_operations", t.io_operations);
    n.member("lock_requests", t.lock_requests);
    n.member("log_writes", t.log_writes);
    n.member("page_misses", t.page_misses);
    n.member("reads", t.reads);
    n.member("synchronous_writes", t.synchronous_writes);
    n.member("victim_writes", t.victim_writes);
  });
  o.member("response_time_s", optional_number(t.response_time_s));
  o.member("throughput_per_s", t.throughput_per_s);
}

/// type_members into a tree.
struct TreeObject {
  nlohmann::json& out;
  void member(const std::string& key, nlohmann::json v) { out[key] = std::move(v); }
  template <class Members>
  void object(const char* key, Members members) {
    nlohmann::json o = nlohmann::json::object();
    TreeObject inner{o};
    members(inner);
    out[key] = std::move(o);
  }
};

nlohmann::json type_json(const TypeResult& t) {
  nlohmann::json out = nlohmann::json::object();
  TreeObject o{out};
  type_members(t, o);
  return out;
}

/// type_members onto a stream.
struct StreamObject {
  io::JsonStreamWriter& writer;
  void member(std::string_view key, const nlohmann::json& v) { writer.member(key, v); }
  template <class Members>
  void object(const char* key, Members members) {
    writer.key(key);
    writer.begin_object();
    members(*this);
    writer.end();
  }
};

void write_type_json(io::JsonStreamWriter& writer, const TypeResult& t) {
  writer.begin_object();
  StreamObject o{writer};
  type_members(t, o);
  writer.end();
}

nlohmann::json server_json(const ServerResult& s) {
  using nlohmann::json;
  // Beyond the double range (a saturated point, named so): null, never inf.
  const json offered = std::isfinite(s.offered_load) ? json(s.offered_load) : json(nullptr);
  return {{"name", s.name},
          {"kind", station_kind_name(s.kind)},
          {"servers", s.servers > 0 ? json(s.servers) : json("enough")},
          {"offered_load", offered},
          {"utilization", s.utilization},
          {"residence_factor", s.mean_residence_factor}};
}

nlohmann::json partition_json(const PartitionResult& p) {
  return {{"name", p.name},
          {"references_per_s", p.references_per_s},
          {"hs_hit_ratio", p.hs_hit_ratio},
          {"eh_hit_ratio", p.eh_hit_ratio},
          {"dc_hit_ratio", p.dc_hit_ratio},
          {"dirty_victim_probability", p.dirty_victim_probability},
          {"lock_conflict_probability", p.lock_conflict_probability}};
}

/// The members of the evaluation document, in key order: nlohmann's object keeps its keys sorted
/// (std::map), and the streaming writer prints them as they come. One list for the tree
/// (to_json) and the stream (write_json); the per-entry objects are small trees either way.
template <class Sink>
void evaluation_members(const Evaluation& e, Sink& sink) {
  using nlohmann::json;
  sink.member("arrival_rate_per_s", e.arrival_rate_per_s);
  sink.member("blocked_share", e.blocked_share);
  sink.member("bottleneck", e.saturated ? json(e.bottleneck) : json(nullptr));
  if (!e.nodes.empty()) sink.member("cluster", cluster_json(e));
  sink.member("conflict_probability", e.conflict_probability);
  sink.member("deadlock_rate_per_s", e.deadlock_rate_per_s);
  sink.member("hit_ratios", {{"hs", e.hs_hit_ratio},
                             {"extended_memory", e.eh_hit_ratio},
                             {"disk_cache", e.dc_hit_ratio}});
  sink.member("max_throughput_limited_by", e.max_throughput_limited_by);
  sink.member("max_throughput_per_s", optional_number(e.max_throughput_per_s));
  sink.member("mean_active_transactions", e.mean_active_transactions);
  sink.member("mean_response_time_s", optional_number(e.mean_response_time_s));
  sink.metrics("metrics", e);
  sink.member("model", e.model_name);
  sink.array("partitions", e.partitions, partition_json);
  sink.member("saturated", e.saturated);
  sink.member("saturation_reason", e.saturated ? json(e.saturation_reason) : json(nullptr));
  sink.array("servers", e.servers, server_json);
  if (e.terminals)
    sink.member("terminals",
                {{"count", e.terminals->count}, {"think_time_ms", e.terminals->think_time_ms}});
  // No steady state at a saturated point: no throughput either (null, not 0).
  sink.member("throughput_per_s", e.saturated ? json(nullptr) : json(e.throughput_per_s));
  sink.types("transaction_types", e.types);
  sink.member("warnings", e.warnings);
}

/// evaluation_members into a tree.
struct TreeSink {
  nlohmann::json& out;
  void member(const char* key, nlohmann::json v) { out[key] = std::move(v); }
  template <class Entry, class ToJson>
  void array(const char* key, const std::vector<Entry>& entries, ToJson to_json_entry) {
    nlohmann::json a = nlohmann::json::array();
    for (const auto& entry : entries) a.push_back(to_json_entry(entry));
    out[key] = std::move(a);
  }
  void metrics(const char* key, const Evaluation& e) { out[key] = metrics_json(e); }
  void types(const char* key, const std::vector<TypeResult>& types) {
    array(key, types, type_json);
  }
};

/// evaluation_members onto a stream.
struct StreamSink {
  io::JsonStreamWriter& writer;
  void member(const char* key, const nlohmann::json& v) { writer.member(key, v); }
  template <class Entry, class ToJson>
  void array(const char* key, const std::vector<Entry>& entries, ToJson to_json_entry) {
    writer.key(key);
    writer.begin_array();
    for (const auto& entry : entries) writer.value(to_json_entry(entry));
    writer.end();
  }
  void metrics(const char* key, const Evaluation& e) {
    writer.key(key);
    write_metrics_json(e, writer);
  }
  void types(const char* key, const std::vector<TypeResult>& types) {
    writer.key(key);
    writer.begin_array();
    for (const auto& t : types) write_type_json(writer, t);
    writer.end();
  }
};

}  // namespace

namespace {

/// One metric of the streamed listing: its name is spec->name, then ":" and the owner for a
/// family, never built as a string (10^4 types: 2x10^5 names, issue #16).
struct MetricEntry {
  const MetricSpec* spec;
  const std::string* owner;
  std::optional<double> value;
  std::uint64_t key = 0;  ///< its place in the name order (sort_by_ranks)
};

/// Sorts `all` stably in the byte order of the full names ("name", "name:owner": std::string's
/// operator<, the tree's order) without building or comparing them: metric names have no ':'
/// (resolve_metric splits NAME:OWNER at the first), so "name" or "name:" decides the order unless
/// two entries share it - a name cannot be a prefix of another "name:" -, and then the owner
/// does. Each entry's key is the rank of its "name" / "name:" among the registry's and the rank
/// of its owner among the owners (ties for equal strings); equal keys are equal names. (Sorting
/// 2.5x10^5 entries by their names was a fifth of the listing at 10^4 types, issue #16.)
void sort_by_ranks(std::vector<MetricEntry>& all) {
  const auto& registry = metric_registry();
  std::vector<std::string> prefix(registry.size());
  for (std::size_t i = 0; i < registry.size(); ++i) {
    if (registry[i].name.find(':') != std::string::npos)
      throw std::logic_error("metric name with ':': " + registry[i].name);
    prefix[i] = registry[i].name + (registry[i].scope == MetricScope::system ? "" : ":");
  }
  std::vector<std::size_t> by_prefix(registry.size());
  for (std::size_t i = 0; i < by_prefix.size(); ++i) by_prefix[i] = i;
  std::sort(by_prefix.begin(), by_prefix.end(),
            [&prefix](std::size_t a, std::size_t b) { return prefix[a] < prefix[b]; });
  std::vector<std::uint64_t> prefix_rank(registry.size(), 0);
  for (std::size_t i = 1; i < by_prefix.size(); ++i)
    prefix_rank[by_prefix[i]] =
        prefix_rank[by_prefix[i - 1]] + (prefix[by_prefix[i]] == prefix[by_prefix[i - 1]] ? 0 : 1);
  // Owners: the distinct strings (by address), ranked by value. Collected in a set first: each
  // owner comes once per metric of its scope (2.5x10^5 entries, 10^4 owners at 10^4 types).
  std::unordered_set<const std::string*> distinct;
  for (const MetricEntry& m : all)
    if (m.spec->scope != MetricScope::system) distinct.insert(m.owner);
  std::vector<const std::string*> owners(distinct.begin(), distinct.end());
  std::sort(owners.begin(), owners.end(), std::less<const std::string*>());
  std::vector<std::size_t> by_value(owners.size());
  for (std::size_t i = 0; i < by_value.size(); ++i) by_value[i] = i;
  std::sort(by_value.begin(), by_value.end(),
            [&owners](std::size_t a, std::size_t b) { return *owners[a] < *owners[b]; });
  std::vector<std::uint64_t> owner_rank(owners.size(), 0);
  for (std::size_t i = 1; i < by_value.size(); ++i)
    owner_rank[by_value[i]] =
        owner_rank[by_value[i - 1]] + (*owners[by_value[i]] == *owners[by_value[i - 1]] ? 0 : 1);
  const MetricSpec* const first_spec = registry.data();
  for (MetricEntry& m : all) {
    std::uint64_t owner = 0;
    if (m.spec->scope != MetricScope::system) {
      const auto at =
          std::lower_bound(owners.begin(), owners.end(), m.owner, std::less<const std::string*>());
      owner = owner_rank[static_cast<std::size_t>(at - owners.begin())];
    }
    m.key = (prefix_rank[static_cast<std::size_t>(m.spec - first_spec)] << 32) | owner;
  }
  std::stable_sort(all.begin(), all.end(),
                   [](const MetricEntry& a, const MetricEntry& b) { return a.key < b.key; });
}

}  // namespace

void write_metrics_json(const Evaluation& e, io::JsonStreamWriter& writer) {
  std::vector<MetricEntry> all;
  all.reserve(analytic_metric_count(e));
  for_each_analytic_metric(
      e, [&all](const MetricSpec& m, const std::string& owner, std::optional<double> value) {
        all.push_back({&m, &owner, value, 0});
      });
  // In the tree's order: sorted by name, the last of equal names kept (json::operator[]).
  sort_by_ranks(all);  // equal keys: equal names
  // The unit's JSON string once per registry entry, not once per metric.
  std::vector<nlohmann::json> units;
  units.reserve(metric_registry().size());
  for (const auto& spec : metric_registry()) units.emplace_back(spec.unit);
  const MetricSpec* const first_spec = metric_registry().data();
  std::string key;
  writer.begin_object();
  for (std::size_t i = 0; i < all.size(); ++i) {
    const MetricEntry& m = all[i];
    if (i + 1 < all.size() && all[i + 1].key == m.key) continue;
    key.assign(m.spec->name);
    if (m.spec->scope != MetricScope::system) key.append(1, ':').append(*m.owner);
    writer.key(key);
    writer.begin_object();
    writer.member("unit", units[static_cast<std::size_t>(m.spec - first_spec)]);
    writer.member("value", optional_number(m.value));
    writer.end();
  }
  writer.end();
}

nlohmann::json to_json(const Evaluation& e) {
  nlohmann::json out = nlohmann::json::object();
  TreeSink sink{out};
  evaluation_members(e, sink);
  return out;
}

void write_json(const Evaluation& e, std::ostream& out) {
  io::JsonStreamWriter writer(out, 2);
  StreamSink sink{writer};
  writer.begin_object();
  evaluation_members(e, sink);
  writer.end();
  writer.finish();
}

}  // namespace tpeval::model
