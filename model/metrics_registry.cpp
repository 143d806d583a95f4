// The metric registry (see metrics_registry.hpp). Each entry below is one metric; the helpers
// make a per-transaction count or a part of the response time one line that defines both the
// arrival-weighted system metric and its per-type family.
#include "model/metrics_registry.hpp"

#include <algorithm>
#include <cmath>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "model/response_variability.hpp"
#include "model/sim/metrics.hpp"
#include "model/sim/response_histogram.hpp"
#include "solver/io/json_input.hpp"

namespace tpeval::model {
namespace {

using Analytic = std::function<std::optional<double>(const Evaluation&, const std::string&)>;
using Simulated =
    std::function<std::optional<MetricEstimate>(const SimulationView&, const std::string&)>;
using TypeField = std::function<double(const TypeResult&)>;

constexpr double kMs = 1000.0;
constexpr double kPct = 100.0;

/// Positions by name of the evaluation all_analytic_metrics is listing, on its thread and for the
/// duration of that call: it looks up every owner of every metric, and a scan per lookup made
/// listing 10^4 types or partitions O(n^2) (issue #16). The first of equal names wins, as in a
/// scan.
/// `position` is the place of the owner being listed in its family: a lookup of that very string
/// (by address) is answered without hashing, when the family's names are distinct.
struct OwnerIndex {
  const Evaluation* evaluation = nullptr;
  std::unordered_map<std::string_view, std::size_t> types, partitions;
  std::size_t position = 0;
  bool distinct_types = false, distinct_partitions = false;
};
thread_local const OwnerIndex* listing = nullptr;

template <class Result>
const Result* find_named(const Evaluation& e, const std::vector<Result>& all,
                         std::unordered_map<std::string_view, std::size_t> OwnerIndex::*index,
                         bool OwnerIndex::*distinct, const std::string& name) {
  if (listing && listing->evaluation == &e) {
    const std::size_t at = listing->position;
    if (listing->*distinct && at < all.size() && &all[at].name == &name) return &all[at];
    const auto& by_name = listing->*index;
    const auto it = by_name.find(name);
    return it == by_name.end() ? nullptr : &all[it->second];
  }
  for (const auto& r : all)
    if (r.name == name) return &r;
  return nullptr;
}

const TypeResult* find_type(const Evaluation& e, const std::string& name) {
  return find_named(e, e.types, &OwnerIndex::types, &OwnerIndex::distinct_types, name);
}
const ServerResult* find_server(const Evaluation& e, const std::string& name) {
  for (const auto& s : e.servers)
    if (s.name == name) return &s;
  return nullptr;
}
const PartitionResult* find_partition(const Evaluation& e, const std::string& name) {
  return find_named(e, e.partitions, &OwnerIndex::partitions, &OwnerIndex::distinct_partitions,
                    name);
}

// Arrival-share-weighted mean of a per-transaction quantity over the transaction types.
double weighted(const Evaluation& e, const TypeField& field) {
  double total_rate = 0.0;
  for (const auto& t : e.types) total_rate += t.arrival_rate_per_s;
  double sum = 0.0;
  for (const auto& t : e.types) {
    const double share = total_rate > 0.0 ? t.arrival_rate_per_s / total_rate
                                          : 1.0 / static_cast<double>(e.types.size());
    sum += share * field(t);
  }
  return sum;
}

double reference_io_s(const ResponseBreakdown& b) {
  double s = 0.0;
  for (const auto& [pool, seconds] : b.io_s) s += seconds;
  return s;
}
// Synchronous I/O delay: reference phase + commit + EH (Rahm 1993 §6.5, "E/A-Verzögerung").
double io_delay_s(const TypeResult& t) {
  return reference_io_s(t.breakdown) + t.breakdown.extended_memory_s + t.breakdown.commit_io_s;
}

// --- Simulator accessors: sums of (section, metric, scale, sign) terms of the report. -------

struct Term {
  std::string metric;
  double scale = 1.0;
  double sign = 1.0;
};

std::string sim_owner(const SimulationView& v, MetricScope scope, const std::string& owner) {
  return scope == MetricScope::system ? v.report.model_name : owner;
}

// Sums get the sum of the half-widths: conservative, since the parts are correlated.
Simulated sim_sum(MetricScope scope, std::vector<Term> terms) {
  return [scope, terms](const SimulationView& v,
                        const std::string& owner) -> std::optional<MetricEstimate> {
    MetricEstimate total;
    for (const Term& t : terms) {
      const auto* m = v.report.find(metric_scope_name(scope), sim_owner(v, scope, owner), t.metric);
      if (!m) return std::nullopt;
      total.mean += t.sign * t.scale * m->estimate.mean;
      total.half_width += t.scale * m->estimate.half_width;
    }
    return total;
  };
}
Simulated measured(MetricScope scope, std::string metric, double scale = 1.0) {
  return sim_sum(scope, {{std::move(metric), scale, 1.0}});
}
// A system-wide per-transaction metric from the simulator's per-type counters: only when the
// model has one transaction type (the simulator does not weight types by arrival share).
Simulated sim_single_type(std::vector<Term> terms) {
  const Simulated per_type = sim_sum(MetricScope::type, std::move(terms));
  return [per_type](const SimulationView& v, const std::string&) -> std::optional<MetricEstimate> {
    if (v.model.transaction_types.size() != 1) return std::nullopt;
    return per_type(v, v.model.transaction_types.front().name);
  };
}
// Reference-phase I/O over every device pool of the simulated node.
std::vector<Term> io_terms(const SimulationView& v, double scale) {
  std::vector<Term> t;
  for (const auto& pool : v.model.storage.devices) t.push_back({"io_s." + pool.name, scale});
  return t;
}
Simulated sim_type_io(bool single_type_system, std::vector<Term> extra) {
  return [single_type_system, extra](const SimulationView& v,
                                     const std::string& owner) -> std::optional<MetricEstimate> {
    std::vector<Term> terms = io_terms(v, kMs);
    terms.insert(terms.end(), extra.begin(), extra.end());
    if (single_type_system) return sim_single_type(terms)(v, owner);
    return sim_sum(MetricScope::type, terms)(v, owner);
  };
}

// --- Analytic accessors. --------------------------------------------------------------------

// Quantities of the steady state (throughput, lock conflicts, deadlocks, population) do not exist
// at a saturated point: null there, never 0.
Analytic steady(std::function<double(const Evaluation&)> f) {
  return [f](const Evaluation& e, const std::string&) -> std::optional<double> {
    if (e.saturated) return std::nullopt;
    return f(e);
  };
}
Analytic steady_type(std::function<double(const TypeResult&)> f) {
  return [f](const Evaluation& e, const std::string& owner) -> std::optional<double> {
    const TypeResult* t = find_type(e, owner);
    if (e.saturated || !t) return std::nullopt;
    return f(*t);
  };
}

Analytic system(std::function<std::optional<double>(const Evaluation&)> f) {
  return [f](const Evaluation& e, const std::string&) { return f(e); };
}
Analytic per_type(std::function<std::optional<double>(const TypeResult&)> f) {
  return [f](const Evaluation& e, const std::string& owner) -> std::optional<double> {
    const TypeResult* t = find_type(e, owner);
    return t ? f(*t) : std::nullopt;
  };
}
Analytic per_server(std::function<std::optional<double>(const ServerResult&)> f) {
  return [f](const Evaluation& e, const std::string& owner) -> std::optional<double> {
    const ServerResult* s = find_server(e, owner);
    return s ? f(*s) : std::nullopt;
  };
}
const NodeResult* find_node(const Evaluation& e, const std::string& name) {
  for (const auto& n : e.nodes)
    if (n.name == name) return &n;
  return nullptr;
}

Analytic per_node(std::function<std::optional<double>(const NodeResult&)> f) {
  return [f](const Evaluation& e, const std::string& owner) -> std::optional<double> {
    const NodeResult* n = find_node(e, owner);
    return n ? f(*n) : std::nullopt;
  };
}

/// Cluster metrics (docs/cluster.md): null for a model without a cluster section.
Analytic cluster_only(std::function<std::optional<double>(const Evaluation&)> f) {
  return [f](const Evaluation& e, const std::string&) -> std::optional<double> {
    if (e.nodes.empty()) return std::nullopt;
    return f(e);
  };
}

Analytic per_partition(std::function<double(const PartitionResult&)> f) {
  return [f](const Evaluation& e, const std::string& owner) -> std::optional<double> {
    const PartitionResult* p = find_partition(e, owner);
    return p ? std::optional<double>(f(*p)) : std::nullopt;
  };
}

class Builder {
 public:
  std::vector<MetricSpec> list;

  void add(std::string name, std::string unit, std::string description, MetricScope scope,
           Analytic analytic, Simulated simulated = {}, AgreementFloor floor = AgreementFloor::none,
           bool needs_max = false) {
    list.push_back({std::move(name), std::move(unit), std::move(description), scope,
                    std::move(analytic), std::move(simulated), floor, needs_max});
  }

  /// A count per transaction: the arrival-weighted system metric and the per-type family.
  void count(const std::string& name, const std::string& description, const TypeField& field,
             const std::string& sim_metric, const std::string& unit = "per tx",
             AgreementFloor floor = AgreementFloor::small_count, bool steady_state = false) {
    add(name, unit, description + " (arrival-weighted over the types)", MetricScope::system,
        steady_state ? steady([field](const Evaluation& e) { return weighted(e, field); })
                     : system([field](const Evaluation& e) { return weighted(e, field); }),
        sim_metric.empty() ? Simulated{} : sim_single_type({{sim_metric}}), floor);
    add(name, unit, description, MetricScope::type,
        steady_state ? steady_type(field)
                     : per_type([field](const TypeResult& t) { return field(t); }),
        sim_metric.empty() ? Simulated{} : measured(MetricScope::type, sim_metric), floor);
  }

  /// A part of the response time in ms: exists only below saturation.
  void part(const std::string& name, const std::string& description, const TypeField& seconds,
            const std::string& sim_metric) {
    add(name, "ms", description + " (arrival-weighted over the types)", MetricScope::system,
        system([seconds](const Evaluation& e) -> std::optional<double> {
          if (e.saturated) return std::nullopt;
          return kMs * weighted(e, seconds);
        }),
        sim_single_type({{sim_metric, kMs}}), AgreementFloor::response_part);
    add(name, "ms", description, MetricScope::type,
        per_type([seconds](const TypeResult& t) -> std::optional<double> {
          if (!t.response_time_s) return std::nullopt;
          return kMs * seconds(t);
        }),
        measured(MetricScope::type, sim_metric, kMs), AgreementFloor::response_part);
  }
};

/// Response-time percentiles: simulated from per-batch histograms (model/sim/
/// response_histogram.hpp), analytic by a gamma fit to the mean and SCV (model/
/// response_variability.hpp).
void add_percentiles(Builder& b) {
  for (const int pct : {50, 90, 95, 99}) {
    const double p = pct / 100.0;
    const std::string name = "response_time_p" + std::to_string(pct) + "_ms";
    const std::string sim = sim::percentile_metric_name(p);
    b.add(name, "ms",
          "response-time " + std::to_string(pct) + "th percentile over all types (approximate)",
          MetricScope::system, system([p](const Evaluation& e) -> std::optional<double> {
            const auto q = system_response_time_quantile_s(e, p);
            return q ? std::optional<double>(kMs * *q) : std::nullopt;
          }),
          measured(MetricScope::system, sim, kMs), AgreementFloor::percentile);
    b.add(name, "ms",
          "response-time " + std::to_string(pct) + "th percentile of the type (approximate)",
          MetricScope::type, per_type([p](const TypeResult& t) -> std::optional<double> {
            const auto q = response_time_quantile_s(t, p);
            return q ? std::optional<double>(kMs * *q) : std::nullopt;
          }),
          measured(MetricScope::type, sim, kMs), AgreementFloor::percentile);
  }
}

/// Clusters (Rahm 1993 ch. 7.6; docs/cluster.md): totals, per partition and per node.
void add_cluster_metrics(Builder& b) {
  using S = MetricScope;
  using F = AgreementFloor;
  b.add("messages_per_tx", "per tx", "messages sent per transaction (cluster)", S::system,
        cluster_only([](const Evaluation& e) { return e.messages_per_tx; }),
        measured(S::system, "messages_per_tx"), F::small_count);
  b.add("page_requests_per_tx", "per tx",
        "pages fetched from another node's buffer per transaction (cluster)", S::system,
        cluster_only([](const Evaluation& e) { return e.page_requests_per_tx; }),
        measured(S::system, "page_requests_per_tx"), F::small_count);
  b.add("geh_entry_accesses_per_tx", "per tx", "GEH lock-table entry accesses per transaction",
        S::system, cluster_only([](const Evaluation& e) { return e.geh_entry_accesses_per_tx; }),
        measured(S::system, "geh_entry_accesses_per_tx"), F::small_count);
  b.add("local_lock_pct", "%", "lock requests granted without a message, % (primary copy, central)",
        S::system, system([](const Evaluation& e) -> std::optional<double> {
          if (!e.local_lock_share) return std::nullopt;
          return kPct * *e.local_lock_share;
        }),
        measured(S::system, "local_lock_share", kPct), F::small_percent);
  b.add("page_request_ms", "ms", "one page request from request to reply (V14)", S::system,
        system([](const Evaluation& e) -> std::optional<double> {
          if (!e.page_request_time_s) return std::nullopt;
          return kMs * *e.page_request_time_s;
        }),
        [](const SimulationView& v, const std::string& owner) -> std::optional<MetricEstimate> {
          // No page request was made (e.g. key affinity): no time was measured. Nor is a mean of
          // fewer than 100 page requests (about 2 per 10^4 transactions under key affinity): its
          // batch-means interval is no interval (+-80 % misses at seeds 2 and 3).
          const auto* n = v.report.system("page_requests_per_tx");
          if (!n || !(n->estimate.mean * static_cast<double>(v.report.transactions) >= 100.0))
            return std::nullopt;
          return measured(S::system, "page_request_time_s", kMs)(v, owner);
        });
  b.add("max_throughput_per_node_at_cpu_cap_per_s", "1/s",
        "largest arrival rate per node with every node's CPU at or below the cap (Abb. 7-11)",
        S::system,
        system([](const Evaluation& e) { return e.max_throughput_per_node_at_cpu_cap_per_s; }), {},
        AgreementFloor::none, true);
  b.add(
      "page_request_pct", "%", "references served by another node's buffer, % (cluster)",
      S::partition,
      [](const Evaluation& e, const std::string& owner) -> std::optional<double> {
        const PartitionResult* p = find_partition(e, owner);
        if (!p || e.nodes.empty()) return std::nullopt;
        return kPct * p->page_request_ratio;
      },
      measured(S::partition, "page_request_ratio", kPct), F::small_percent);
  b.add("disk_read_pct", "%", "references read from a disk or SSD, %", S::partition,
        per_partition([](const PartitionResult& p) { return kPct * p.disk_read_ratio; }));
  b.add("node_arrival_rate_per_s", "1/s", "arrival rate routed to the node", S::node,
        per_node([](const NodeResult& n) -> std::optional<double> { return n.arrival_rate_per_s; }),
        measured(S::node, "arrival_rate_per_s"));
  b.add("node_response_time_ms", "ms", "mean response time of the node's transactions", S::node,
        per_node([](const NodeResult& n) -> std::optional<double> {
          if (!n.response_time_s) return std::nullopt;
          return kMs * *n.response_time_s;
        }),
        measured(S::node, "response_time_s", kMs));
  b.add("node_cpu_utilization_pct", "%", "utilization of the node's CPUs", S::node,
        per_node(
            [](const NodeResult& n) -> std::optional<double> { return kPct * n.cpu_utilization; }),
        measured(S::node, "cpu_utilization", kPct), F::small_percent);
  b.add(
      "node_hs_hit_pct", "%", "main-memory buffer hits at the node, % of its references", S::node,
      per_node([](const NodeResult& n) -> std::optional<double> { return kPct * n.hs_hit_ratio; }),
      measured(S::node, "hs_hit_ratio", kPct), F::small_percent);
  b.add("node_messages_per_tx", "per tx", "messages sent per transaction of the node", S::node,
        per_node([](const NodeResult& n) -> std::optional<double> { return n.messages_per_tx; }),
        measured(S::node, "messages_per_tx"), F::small_count);
  b.add("node_local_lock_pct", "%", "the node's lock requests granted locally, %", S::node,
        per_node([](const NodeResult& n) -> std::optional<double> {
          if (!n.local_lock_share) return std::nullopt;
          return kPct * *n.local_lock_share;
        }),
        measured(S::node, "local_lock_share", kPct), F::small_percent);
}

/// System-wide metrics: rates, response time, saturation, utilization, hit ratios, locks.
void add_system_metrics(Builder& b) {
  using S = MetricScope;
  using F = AgreementFloor;
  b.add("arrival_rate_per_s", "1/s", "offered arrival rate, all types", S::system,
        system([](const Evaluation& e) { return e.arrival_rate_per_s; }));
  b.add("throughput_per_s", "1/s", "throughput (= arrival rate unless saturated)", S::system,
        steady([](const Evaluation& e) { return e.throughput_per_s; }),
        measured(S::system, "throughput_per_s"));
  b.add("response_time_ms", "ms", "mean response time over all types (null when saturated)",
        S::system, system([](const Evaluation& e) -> std::optional<double> {
          if (!e.mean_response_time_s) return std::nullopt;
          return kMs * *e.mean_response_time_s;
        }),
        measured(S::system, "mean_response_time_s", kMs));
  b.add("saturated", "flag", "1 when the point is saturated, else 0", S::system,
        system([](const Evaluation& e) { return e.saturated ? 1.0 : 0.0; }));
  b.add("max_throughput_per_s", "1/s", "largest sustainable arrival rate (same mix)", S::system,
        system([](const Evaluation& e) { return e.max_throughput_per_s; }), {}, F::none, true);
  b.add(
      "cpu_utilization_pct", "%", "utilization of the CPUs", S::system,
      system([](const Evaluation& e) -> std::optional<double> {
        // One node: its CPUs; a cluster: the mean over the nodes' CPUs.
        double sum = 0.0;
        int cpus = 0;
        for (const auto& s : e.servers)
          if (s.kind == StationKind::cpu) {
            sum += s.utilization;
            ++cpus;
          }
        if (cpus == 0) return std::nullopt;
        return kPct * (cpus == 1 ? sum : sum / cpus);
      }),
      [](const SimulationView& v, const std::string&) {
        if (v.model.nodes.size() > 1)  // the mean over the nodes' CPUs
          return measured(S::system, "cpu_utilization", kPct)(v, "");
        return measured(S::server, "utilization", kPct)(v, "cpu");
      },
      F::small_percent);
  b.add("hs_hit_pct", "%", "main-memory buffer hits, % of record references (Tab. 6-7)", S::system,
        system([](const Evaluation& e) { return kPct * e.hs_hit_ratio; }),
        measured(S::system, "hs_hit_ratio", kPct), F::small_percent);
  b.add("eh_hit_pct", "%", "extended-memory buffer hits, % of record references", S::system,
        system([](const Evaluation& e) { return kPct * e.eh_hit_ratio; }),
        measured(S::system, "eh_hit_ratio", kPct), F::small_percent);
  b.add("dc_hit_pct", "%", "disk-cache hits, % of record references", S::system,
        system([](const Evaluation& e) { return kPct * e.dc_hit_ratio; }),
        measured(S::system, "dc_hit_ratio", kPct), F::small_percent);
  b.add("l2_hit_pct", "%", "second-level hits (EH + disk cache), % of record references", S::system,
        system([](const Evaluation& e) { return kPct * (e.eh_hit_ratio + e.dc_hit_ratio); }),
        sim_sum(S::system, {{"eh_hit_ratio", kPct}, {"dc_hit_ratio", kPct}}), F::small_percent);
  b.add(
      "total_hit_pct", "%", "HS + EH + disk-cache hits, % of record references", S::system,
      system([](const Evaluation& e) {
        return kPct * (e.hs_hit_ratio + e.eh_hit_ratio + e.dc_hit_ratio);
      }),
      sim_sum(S::system, {{"hs_hit_ratio", kPct}, {"eh_hit_ratio", kPct}, {"dc_hit_ratio", kPct}}),
      F::small_percent);
  b.add("conflict_probability", "probability", "probability that a lock request conflicts",
        S::system, steady([](const Evaluation& e) { return e.conflict_probability; }),
        measured(S::system, "conflict_probability"), F::small_probability);
  b.add("deadlock_rate_per_s", "1/s", "deadlocks per second", S::system,
        steady([](const Evaluation& e) { return e.deadlock_rate_per_s; }));
  // Deadlock restarts (issue #13, model/restarts.hpp): p / (1 - p) per transaction from the
  // deadlock probability per attempt; the simulator counts each victim's restart. (The floor is
  // an absolute 0.01/s: a rate of a few restarts per minute is within the simulation's noise.)
  b.add("restart_rate_per_s", "1/s", "deadlock restarts per second", S::system,
        system([](const Evaluation& e) { return e.restart_rate_per_s; }),
        measured(S::system, "restart_rate_per_s"), F::small_count);
  b.add("blocked_share_pct", "%", "share of active transactions waiting for a lock", S::system,
        steady([](const Evaluation& e) { return kPct * e.blocked_share; }));
  b.add("mean_active_transactions", "count", "mean number of transactions in the system", S::system,
        steady([](const Evaluation& e) { return e.mean_active_transactions; }),
        measured(S::system, "mean_active_transactions"), F::small_count);
}

/// Per transaction: system (arrival-weighted) and per type; sums of simulated counters.
void add_transaction_metrics(Builder& b) {
  using S = MetricScope;
  using F = AgreementFloor;
  // Per transaction: system (arrival-weighted) and per type.
  b.add("response_time_ms", "ms", "response time of the type (null when saturated)", S::type,
        per_type([](const TypeResult& t) -> std::optional<double> {
          if (!t.response_time_s) return std::nullopt;
          return kMs * *t.response_time_s;
        }),
        measured(S::type, "response_time_s", kMs));
  b.add("throughput_per_s", "1/s", "throughput of the type", S::type,
        steady_type([](const TypeResult& t) { return t.throughput_per_s; }),
        measured(S::type, "throughput_per_s"));
  b.count(
      "page_misses_per_tx", "HS buffer misses per transaction",
      [](const TypeResult& t) { return t.page_misses; }, "page_misses");
  b.count(
      "reads_per_tx", "page reads from EH, cache or device per transaction",
      [](const TypeResult& t) { return t.reads; }, "reads");
  b.count(
      "device_reads_per_tx", "page reads from a device per transaction",
      [](const TypeResult& t) { return t.device_reads; }, "device_reads");
  b.count(
      "victim_writes_per_tx", "write-backs of dirty victims per transaction",
      [](const TypeResult& t) { return t.victim_writes; }, "victim_writes");
  b.count(
      "force_writes_per_tx", "FORCE page writes at commit per transaction",
      [](const TypeResult& t) { return t.force_writes; }, "force_writes");
  b.count(
      "log_writes_per_tx", "log page writes per transaction",
      [](const TypeResult& t) { return t.log_writes; }, "log_writes");
  b.count(
      "synchronous_writes_per_tx", "writes the transaction waits for",
      [](const TypeResult& t) { return t.synchronous_writes; }, "synchronous_writes");
  b.count(
      "asynchronous_writes_per_tx", "writes done behind the transaction's back",
      [](const TypeResult& t) { return t.asynchronous_writes; }, "asynchronous_writes");
  b.count(
      "eh_accesses_per_tx", "extended-memory accesses per transaction",
      [](const TypeResult& t) { return t.eh_accesses; }, "eh_accesses");
  b.count(
      "ios_per_tx", "I/O operations per transaction",
      [](const TypeResult& t) { return t.io_operations; }, "io_operations");
  // Both engines count a request only for a lock the transaction does not hold yet: the TELLER
  // reference of Debit-Credit under page locks finds its BRANCH page locked (L2402) and is no
  // request (2 per transaction, not 3). Record locks on appended records are the one difference
  // left: the analytic model does not count them (they can never conflict), the simulator does.
  b.count(
      "lock_requests_per_tx",
      "lock requests per transaction, for locks the transaction does not hold yet",
      [](const TypeResult& t) { return t.lock_requests; }, "lock_requests");
  b.count(
      "cpu_instructions_per_tx", "CPU instructions per transaction",
      [](const TypeResult& t) { return t.cpu_instructions; }, "cpu_instructions", "instructions",
      F::none);
  b.count(
      "deadlock_probability", "probability that a transaction deadlocks",
      [](const TypeResult& t) { return t.deadlock_probability; }, "deadlock_probability",
      "probability", AgreementFloor::small_probability, true);
  b.add("restarts_per_transaction", "per tx", "deadlock restarts per completed transaction",
        S::type, per_type([](const TypeResult& t) { return t.restarts_per_transaction; }),
        measured(S::type, "restarts_per_transaction"), F::small_probability);
  b.add("conflict_probability", "probability",
        "probability that a lock request of the type "
        "conflicts",
        S::type, steady_type([](const TypeResult& t) { return t.conflict_probability; }),
        measured(S::type, "conflict_probability"), F::small_probability);
  // Sums of simulated counters: one line each, system and per type.
  b.add("writes_per_tx", "per tx", "synchronous + asynchronous writes per transaction", S::system,
        system([](const Evaluation& e) {
          return weighted(
              e, [](const TypeResult& t) { return t.synchronous_writes + t.asynchronous_writes; });
        }),
        sim_single_type({{"synchronous_writes"}, {"asynchronous_writes"}}), F::small_count);
  b.add("db_ios_per_tx", "per tx", "I/O operations per transaction without the log writes",
        S::system, system([](const Evaluation& e) {
          return weighted(e, [](const TypeResult& t) { return t.io_operations - t.log_writes; });
        }),
        sim_single_type({{"io_operations"}, {"log_writes", 1.0, -1.0}}), F::small_count);
}

/// Parts of the response time (ms, null when saturated).
void add_response_parts(Builder& b) {
  using S = MetricScope;
  using F = AgreementFloor;
  // Parts of the response time (ms, null when saturated).
  b.part(
      "cpu_service_ms", "CPU service per transaction",
      [](const TypeResult& t) { return t.breakdown.cpu_service_s; }, "cpu_service_s");
  b.part(
      "cpu_wait_ms", "CPU queueing per transaction",
      [](const TypeResult& t) { return t.breakdown.cpu_wait_s; }, "cpu_wait_s");
  b.part(
      "extended_memory_ms", "synchronous EH accesses per transaction",
      [](const TypeResult& t) { return t.breakdown.extended_memory_s; }, "extended_memory_s");
  b.part(
      "lock_wait_ms", "lock waiting per transaction",
      [](const TypeResult& t) { return t.breakdown.lock_wait_s; }, "lock_wait_s");
  b.part(
      "commit_io_ms", "log and FORCE writes at commit per transaction",
      [](const TypeResult& t) { return t.breakdown.commit_io_s; }, "commit_io_s");
  b.part(
      "input_queue_ms", "waiting for an MPL slot",
      [](const TypeResult& t) { return t.breakdown.input_queue_s; }, "input_queue_s");
  b.add("cpu_ms", "ms", "CPU service + CPU wait per transaction", S::system,
        system([](const Evaluation& e) -> std::optional<double> {
          if (e.saturated) return std::nullopt;
          return kMs * weighted(e, [](const TypeResult& t) {
                   return t.breakdown.cpu_service_s + t.breakdown.cpu_wait_s;
                 });
        }),
        sim_single_type({{"cpu_service_s", kMs}, {"cpu_wait_s", kMs}}), F::response_part);
  b.add("reference_io_ms", "ms", "reference-phase I/O (page reads, victim writes) of the type",
        S::type, per_type([](const TypeResult& t) -> std::optional<double> {
          if (!t.response_time_s) return std::nullopt;
          return kMs * reference_io_s(t.breakdown);
        }),
        sim_type_io(false, {}), F::response_part);
  b.add("io_delay_ms", "ms",
        "synchronous I/O delay per transaction (reference phase + commit + EH)", S::system,
        system([](const Evaluation& e) -> std::optional<double> {
          if (e.saturated) return std::nullopt;
          return kMs * weighted(e, io_delay_s);
        }),
        sim_type_io(true, {{"extended_memory_s", kMs}, {"commit_io_s", kMs}}), F::response_part);
  b.add("io_delay_share_pct", "%", "io_delay_ms as % of the response time", S::system,
        system([](const Evaluation& e) -> std::optional<double> {
          if (e.saturated || !e.mean_response_time_s || *e.mean_response_time_s <= 0.0)
            return std::nullopt;
          return kPct * weighted(e, io_delay_s) / *e.mean_response_time_s;
        }));
}

/// Per server (station) metrics.
void add_server_metrics(Builder& b) {
  using S = MetricScope;
  using F = AgreementFloor;
  // Servers.
  b.add("utilization_pct", "%", "utilization per server (null for pools of \"enough\" devices)",
        S::server, per_server([](const ServerResult& s) -> std::optional<double> {
          if (s.servers <= 0) return std::nullopt;
          return kPct * s.utilization;
        }),
        measured(S::server, "utilization", kPct), F::small_percent);
  b.add("offered_load", "servers", "mean number of busy servers demanded (lambda x D)", S::server,
        per_server([](const ServerResult& s) -> std::optional<double> {
          // Beyond the double range (a saturated point, named as such): null, never inf.
          if (!std::isfinite(s.offered_load)) return std::nullopt;
          return s.offered_load;
        }),
        measured(S::server, "offered_load"), F::small_count);
}

/// Per buffer partition metrics.
void add_partition_metrics(Builder& b) {
  using S = MetricScope;
  using F = AgreementFloor;
  // Buffer partitions.
  b.add("references_per_s", "1/s", "record references per second to the partition", S::partition,
        per_partition([](const PartitionResult& p) { return p.references_per_s; }),
        measured(S::partition, "references_per_s"));
  b.add("hs_hit_pct", "%", "main-memory buffer hits, % of the partition's references", S::partition,
        per_partition([](const PartitionResult& p) { return kPct * p.hs_hit_ratio; }),
        measured(S::partition, "hs_hit_ratio", kPct), F::small_percent);
  b.add("eh_hit_pct", "%", "extended-memory hits, % of the partition's references", S::partition,
        per_partition([](const PartitionResult& p) { return kPct * p.eh_hit_ratio; }),
        measured(S::partition, "eh_hit_ratio", kPct), F::small_percent);
  b.add("dc_hit_pct", "%", "disk-cache hits, % of the partition's references", S::partition,
        per_partition([](const PartitionResult& p) { return kPct * p.dc_hit_ratio; }),
        measured(S::partition, "dc_hit_ratio", kPct), F::small_percent);
  b.add("dirty_victim_probability", "probability", "probability that a victim page is dirty",
        S::partition,
        per_partition([](const PartitionResult& p) { return p.dirty_victim_probability; }));
  b.add(
      "lock_conflict_probability", "probability", "probability that an X request conflicts",
      S::partition,
      [](const Evaluation& e, const std::string& owner) -> std::optional<double> {
        const PartitionResult* p = find_partition(e, owner);
        if (e.saturated || !p) return std::nullopt;
        return p->lock_conflict_probability;
      },
      measured(S::partition, "lock_conflict_probability"), F::small_probability);
}

std::vector<MetricSpec> build() {
  Builder b;
  add_system_metrics(b);
  add_transaction_metrics(b);
  add_response_parts(b);
  add_server_metrics(b);
  add_partition_metrics(b);
  add_percentiles(b);
  add_cluster_metrics(b);
  return std::move(b.list);
}

std::vector<std::string> names_of_scope(bool family) {
  std::vector<std::string> out;
  for (const auto& m : metric_registry())
    if ((m.scope != MetricScope::system) == family &&
        std::find(out.begin(), out.end(), m.name) == out.end())
      out.push_back(m.name);
  return out;
}

}  // namespace

const char* metric_scope_name(MetricScope scope) {
  switch (scope) {
    case MetricScope::system:
      return "system";
    case MetricScope::type:
      return "type";
    case MetricScope::server:
      return "server";
    case MetricScope::partition:
      return "partition";
    case MetricScope::node:
      return "node";
  }
  return "system";
}

const std::vector<MetricSpec>& metric_registry() {
  static const std::vector<MetricSpec> registry = build();
  return registry;
}

MetricRef resolve_metric(const std::string& name, const std::string& path) {
  const auto colon = name.find(':');
  const bool family = colon != std::string::npos;
  const std::string base = family ? name.substr(0, colon) : name;
  MetricRef ref;
  for (const auto& m : metric_registry()) {
    if (m.name != base || (m.scope != MetricScope::system) != family) continue;
    ref.spec = &m;
    break;
  }
  if (ref.spec && (!family || colon + 1 < name.size())) {
    if (family) ref.owner = name.substr(colon + 1);
    return ref;
  }
  const auto known = names_of_scope(family);
  std::string reason = "unknown metric '" + name + "'";
  const std::string close = io::closest_name(base, known);
  if (!close.empty()) reason += "; did you mean '" + close + (family ? ":...'" : "'") + "?";
  if (family) {
    reason += " (per-type, per-server or per-partition metrics are NAME:OWNER with NAME one of ";
    for (std::size_t i = 0; i < known.size(); ++i) reason += (i ? ", " : "") + known[i];
    reason += ")";
  }
  throw io::InputError(path, reason);
}

void check_metric_name(const std::string& name, const std::string& path) {
  (void)resolve_metric(name, path);
}

std::vector<std::string> metric_owners(const Evaluation& e, MetricScope scope) {
  std::vector<std::string> out;
  switch (scope) {
    case MetricScope::system:
      out.emplace_back();
      break;
    case MetricScope::type:
      for (const auto& t : e.types) out.push_back(t.name);
      break;
    case MetricScope::server:
      for (const auto& s : e.servers) out.push_back(s.name);
      break;
    case MetricScope::partition:
      for (const auto& p : e.partitions) out.push_back(p.name);
      break;
    case MetricScope::node:
      for (const auto& n : e.nodes) out.push_back(n.name);
      break;
  }
  return out;
}

namespace {
// The number of metric_owners(e, scope).
std::size_t owner_count(const Evaluation& e, MetricScope scope) {
  switch (scope) {
    case MetricScope::system:
      return 1;
    case MetricScope::type:
      return e.types.size();
    case MetricScope::server:
      return e.servers.size();
    case MetricScope::partition:
      return e.partitions.size();
    case MetricScope::node:
      return e.nodes.size();
  }
  return 0;
}

// The i-th of metric_owners(e, scope), by reference.
const std::string& owner_name(const Evaluation& e, MetricScope scope, std::size_t i) {
  static const std::string system;
  switch (scope) {
    case MetricScope::system:
      return system;
    case MetricScope::type:
      return e.types[i].name;
    case MetricScope::server:
      return e.servers[i].name;
    case MetricScope::partition:
      return e.partitions[i].name;
    case MetricScope::node:
      return e.nodes[i].name;
  }
  return system;
}
}  // namespace

std::string metric_full_name(const MetricSpec& spec, const std::string& owner) {
  if (spec.scope == MetricScope::system) return spec.name;
  std::string name;
  name.reserve(spec.name.size() + 1 + owner.size());
  name.append(spec.name).append(1, ':').append(owner);
  return name;
}

std::optional<double> analytic_metric(const Evaluation& e, const std::string& name) {
  const MetricRef ref = resolve_metric(name, "metrics");
  if (ref.spec->scope != MetricScope::system) {
    const auto owners = metric_owners(e, ref.spec->scope);
    if (std::find(owners.begin(), owners.end(), ref.owner) == owners.end()) {
      std::string list;
      for (const auto& o : owners) list += (list.empty() ? "" : ", ") + o;
      throw io::InputError("metrics", std::string("no ") + metric_scope_name(ref.spec->scope) +
                                          " named '" + ref.owner +
                                          "' in the model (known: " + list + ")");
    }
  }
  return ref.spec->analytic(e, ref.owner);
}

std::optional<MetricEstimate> simulated_metric(const SimulationView& view,
                                               const std::string& name) {
  const MetricRef ref = resolve_metric(name, "metrics");
  if (!ref.spec->simulated) return std::nullopt;
  return ref.spec->simulated(view, ref.owner);
}

std::size_t analytic_metric_count(const Evaluation& e) {
  std::size_t count = 0;
  for (const auto& m : metric_registry())
    if (!m.needs_max_throughput || e.max_throughput_per_s) count += owner_count(e, m.scope);
  return count;
}

void for_each_analytic_metric(const Evaluation& e, const AnalyticVisitor& visit) {
  OwnerIndex index;
  index.evaluation = &e;
  index.types.reserve(e.types.size());
  for (std::size_t t = 0; t < e.types.size(); ++t) index.types.emplace(e.types[t].name, t);
  index.partitions.reserve(e.partitions.size());
  for (std::size_t p = 0; p < e.partitions.size(); ++p)
    index.partitions.emplace(e.partitions[p].name, p);
  index.distinct_types = index.types.size() == e.types.size();
  index.distinct_partitions = index.partitions.size() == e.partitions.size();
  struct Listing {
    explicit Listing(const OwnerIndex* i) : previous(listing) { listing = i; }
    ~Listing() { listing = previous; }
    const OwnerIndex* previous;
    Listing(const Listing&) = delete;
    Listing& operator=(const Listing&) = delete;
  } scope(&index);
  for (const auto& m : metric_registry()) {
    if (m.needs_max_throughput && !e.max_throughput_per_s) continue;
    // The owners' own strings (no copied list): the analytic accessors find them by position.
    const std::size_t owners = owner_count(e, m.scope);
    for (std::size_t i = 0; i < owners; ++i) {
      const std::string& owner = owner_name(e, m.scope, i);
      index.position = i;
      visit(m, owner, m.analytic(e, owner));
    }
  }
}

std::vector<NamedValue> all_analytic_metrics(const Evaluation& e) {
  // Sized up front: with 10^4 types the growing vector's moves of its strings were 6 % of
  // `tpeval eval --format json` (issue #16).
  std::vector<NamedValue> out;
  out.reserve(analytic_metric_count(e));
  for_each_analytic_metric(
      e, [&out](const MetricSpec& m, const std::string& owner, std::optional<double> value) {
        out.push_back({metric_full_name(m, owner), m.unit, value, &m, owner});
      });
  return out;
}

std::vector<NamedEstimate> all_simulated_metrics(const SimulationView& v) {
  std::vector<std::string> types, servers, partitions, nodes;
  for (const auto& t : v.model.transaction_types) types.push_back(t.name);
  if (v.model.nodes.size() > 1)
    for (const auto& n : v.model.nodes) nodes.push_back(n.name);
  for (const auto& s : sim::simulated_stations(v.model)) servers.push_back(s.name);
  for (const auto& p : v.model.partitions) partitions.push_back(p.name);
  const std::vector<std::string> system{""};
  std::vector<NamedEstimate> out;
  for (const auto& m : metric_registry()) {
    if (!m.simulated) continue;
    const auto& owners = m.scope == MetricScope::type        ? types
                         : m.scope == MetricScope::server    ? servers
                         : m.scope == MetricScope::partition ? partitions
                         : m.scope == MetricScope::node      ? nodes
                                                             : system;
    for (const auto& owner : owners)
      if (const auto e = m.simulated(v, owner)) out.push_back({&m, owner, *e});
  }
  return out;
}

}  // namespace tpeval::model
