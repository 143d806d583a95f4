// Metric extraction for studies (see metrics.hpp).
#include "model/study/metrics.hpp"

#include <algorithm>

#include "solver/io/json_input.hpp"

namespace tpeval::model::study {
namespace {

// Arrival-share-weighted mean of a per-transaction quantity over the transaction types.
template <class Field>
double per_transaction(const Evaluation& e, Field field) {
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

double io_s(const ResponseBreakdown& b) {
  double s = b.extended_memory_s + b.commit_io_s;
  for (const auto& [pool, seconds] : b.io_s) s += seconds;
  return s;
}

const std::vector<std::string>& parameterised_prefixes() {
  static const std::vector<std::string> p = {"utilization", "hs_hit_pct", "eh_hit_pct",
                                             "dc_hit_pct"};
  return p;
}

std::vector<std::string> plain_names() {
  std::vector<std::string> out;
  for (const auto& m : metric_names()) out.emplace_back(m.name);
  return out;
}

[[noreturn]] void unknown_name(const std::string& kind, const std::string& name,
                               const std::vector<std::string>& known) {
  std::string list;
  for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
  throw io::InputError("metrics",
                       "no " + kind + " named '" + name + "' in the model (known: " + list + ")");
}

}  // namespace

const std::vector<MetricInfo>& metric_names() {
  static const std::vector<MetricInfo> names = {
      {"response_time_ms", "mean response time over all types (absent when saturated)"},
      {"throughput_per_s", "throughput (= arrival rate unless saturated)"},
      {"max_throughput_per_s", "largest sustainable arrival rate (same mix)"},
      {"saturated", "1 when the point is saturated, else 0"},
      {"cpu_utilization_pct", "utilization of the CPUs"},
      {"hs_hit_pct", "main-memory buffer hits, % of record references (Tab. 6-7)"},
      {"eh_hit_pct", "extended-memory buffer hits, % of record references"},
      {"dc_hit_pct", "disk-cache hits, % of record references"},
      {"l2_hit_pct", "second-level hits (EH + disk cache), % of record references"},
      {"total_hit_pct", "HS + EH + disk-cache hits, % of record references"},
      {"page_misses_per_tx", "HS buffer misses per transaction"},
      {"reads_per_tx", "page reads from EH, cache or device per transaction"},
      {"device_reads_per_tx", "page reads from a device per transaction"},
      {"victim_writes_per_tx", "write-backs of dirty victims per transaction"},
      {"force_writes_per_tx", "FORCE page writes at commit per transaction"},
      {"log_writes_per_tx", "log page writes per transaction"},
      {"synchronous_writes_per_tx", "writes the transaction waits for"},
      {"asynchronous_writes_per_tx", "writes done behind the transaction's back"},
      {"writes_per_tx", "synchronous + asynchronous writes per transaction"},
      {"ios_per_tx", "I/O operations per transaction"},
      {"db_ios_per_tx", "I/O operations per transaction without the log writes"},
      {"eh_accesses_per_tx", "extended-memory accesses per transaction"},
      {"cpu_ms", "CPU service + CPU wait per transaction"},
      {"cpu_service_ms", "CPU service per transaction"},
      {"cpu_wait_ms", "CPU queueing per transaction"},
      {"io_delay_ms", "synchronous I/O delay per transaction (reference phase + commit + EH)"},
      {"io_delay_share_pct", "io_delay_ms as % of the response time"},
      {"commit_io_ms", "log and FORCE writes at commit per transaction"},
      {"lock_wait_ms", "lock waiting per transaction"},
      {"input_queue_ms", "waiting for an MPL slot"},
      {"conflict_probability", "probability that a lock request conflicts"},
      {"mean_active_transactions", "mean number of transactions in the system"},
  };
  return names;
}

void check_metric_name(const std::string& name, const std::string& path) {
  const auto colon = name.find(':');
  if (colon != std::string::npos) {
    const std::string prefix = name.substr(0, colon);
    const auto& p = parameterised_prefixes();
    if (std::find(p.begin(), p.end(), prefix) == p.end() || colon + 1 == name.size())
      throw io::InputError(path, "unknown metric '" + name +
                                     "'; per-server or per-partition metrics are "
                                     "utilization:<server>, hs_hit_pct:<partition>, "
                                     "eh_hit_pct:<partition>, dc_hit_pct:<partition>");
    return;
  }
  const auto names = plain_names();
  if (std::find(names.begin(), names.end(), name) != names.end()) return;
  std::string reason = "unknown metric '" + name + "'";
  const std::string close = io::closest_name(name, names);
  if (!close.empty()) reason += "; did you mean '" + close + "'?";
  throw io::InputError(path, reason);
}

bool metric_needs_max_throughput(const std::string& name) {
  return name == "max_throughput_per_s";
}

std::optional<double> metric_value(const Evaluation& e, const std::string& name) {
  const auto colon = name.find(':');
  if (colon != std::string::npos) {
    const std::string prefix = name.substr(0, colon);
    const std::string which = name.substr(colon + 1);
    if (prefix == "utilization") {
      std::vector<std::string> known;
      for (const auto& s : e.servers) {
        if (s.name == which) return 100.0 * s.utilization;
        known.push_back(s.name);
      }
      unknown_name("server", which, known);
    }
    std::vector<std::string> known;
    for (const auto& p : e.partitions) {
      if (p.name != which) {
        known.push_back(p.name);
        continue;
      }
      if (prefix == "hs_hit_pct") return 100.0 * p.hs_hit_ratio;
      if (prefix == "eh_hit_pct") return 100.0 * p.eh_hit_ratio;
      return 100.0 * p.dc_hit_ratio;
    }
    unknown_name("partition", which, known);
  }
  const auto ms = [](double s) { return 1000.0 * s; };
  if (name == "response_time_ms") {
    if (!e.mean_response_time_s) return std::nullopt;
    return ms(*e.mean_response_time_s);
  }
  if (name == "throughput_per_s") return e.throughput_per_s;
  if (name == "max_throughput_per_s") return e.max_throughput_per_s;
  if (name == "saturated") return e.saturated ? 1.0 : 0.0;
  if (name == "cpu_utilization_pct") {
    for (const auto& s : e.servers)
      if (s.kind == StationKind::cpu) return 100.0 * s.utilization;
    return 0.0;
  }
  if (name == "hs_hit_pct") return 100.0 * e.hs_hit_ratio;
  if (name == "eh_hit_pct") return 100.0 * e.eh_hit_ratio;
  if (name == "dc_hit_pct") return 100.0 * e.dc_hit_ratio;
  if (name == "l2_hit_pct") return 100.0 * (e.eh_hit_ratio + e.dc_hit_ratio);
  if (name == "total_hit_pct") return 100.0 * (e.hs_hit_ratio + e.eh_hit_ratio + e.dc_hit_ratio);
  if (name == "page_misses_per_tx")
    return per_transaction(e, [](const TypeResult& t) { return t.page_misses; });
  if (name == "reads_per_tx")
    return per_transaction(e, [](const TypeResult& t) { return t.reads; });
  if (name == "device_reads_per_tx")
    return per_transaction(e, [](const TypeResult& t) { return t.device_reads; });
  if (name == "victim_writes_per_tx")
    return per_transaction(e, [](const TypeResult& t) { return t.victim_writes; });
  if (name == "force_writes_per_tx")
    return per_transaction(e, [](const TypeResult& t) { return t.force_writes; });
  if (name == "log_writes_per_tx")
    return per_transaction(e, [](const TypeResult& t) { return t.log_writes; });
  if (name == "synchronous_writes_per_tx")
    return per_transaction(e, [](const TypeResult& t) { return t.synchronous_writes; });
  if (name == "asynchronous_writes_per_tx")
    return per_transaction(e, [](const TypeResult& t) { return t.asynchronous_writes; });
  if (name == "writes_per_tx")
    return per_transaction(
        e, [](const TypeResult& t) { return t.synchronous_writes + t.asynchronous_writes; });
  if (name == "ios_per_tx")
    return per_transaction(e, [](const TypeResult& t) { return t.io_operations; });
  if (name == "db_ios_per_tx")
    return per_transaction(e, [](const TypeResult& t) { return t.io_operations - t.log_writes; });
  if (name == "eh_accesses_per_tx")
    return per_transaction(e, [](const TypeResult& t) { return t.eh_accesses; });
  if (name == "conflict_probability") return e.conflict_probability;
  if (name == "mean_active_transactions") return e.mean_active_transactions;
  // Breakdown times exist only below saturation (they are parts of the response time).
  if (e.saturated) return std::nullopt;
  if (name == "cpu_ms")
    return ms(per_transaction(
        e, [](const TypeResult& t) { return t.breakdown.cpu_service_s + t.breakdown.cpu_wait_s; }));
  if (name == "cpu_service_ms")
    return ms(per_transaction(e, [](const TypeResult& t) { return t.breakdown.cpu_service_s; }));
  if (name == "cpu_wait_ms")
    return ms(per_transaction(e, [](const TypeResult& t) { return t.breakdown.cpu_wait_s; }));
  if (name == "io_delay_ms")
    return ms(per_transaction(e, [](const TypeResult& t) { return io_s(t.breakdown); }));
  if (name == "io_delay_share_pct") {
    if (!e.mean_response_time_s || *e.mean_response_time_s <= 0.0) return std::nullopt;
    return 100.0 * per_transaction(e, [](const TypeResult& t) { return io_s(t.breakdown); }) /
           *e.mean_response_time_s;
  }
  if (name == "commit_io_ms")
    return ms(per_transaction(e, [](const TypeResult& t) { return t.breakdown.commit_io_s; }));
  if (name == "lock_wait_ms")
    return ms(per_transaction(e, [](const TypeResult& t) { return t.breakdown.lock_wait_s; }));
  if (name == "input_queue_ms")
    return ms(per_transaction(e, [](const TypeResult& t) { return t.breakdown.input_queue_s; }));
  throw io::InputError("metrics", "unknown metric '" + name + "'");
}

}  // namespace tpeval::model::study
