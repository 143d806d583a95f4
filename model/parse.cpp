// JSON -> SystemModel with path-aware errors (see parse.hpp).
#include "model/parse.hpp"

#include <cmath>
#include <numeric>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "model/input_limits.hpp"
#include "model/parse_cluster.hpp"
#include "model/reference_count.hpp"
#include "solver/io/json_input.hpp"

namespace tpeval::model {
namespace {

using io::JsonNode;

double number_or(const JsonNode& obj, std::string_view key, double fallback,
                 double (JsonNode::*getter)() const) {
  const auto node = obj.find(key);
  return node ? ((*node).*getter)() : fallback;
}

long integer_or(const JsonNode& obj, std::string_view key, long fallback, long min_value,
                long max_value) {
  const auto node = obj.find(key);
  return node ? static_cast<long>(node->as_int_in_range(min_value, max_value)) : fallback;
}

/// A double field with an upper limit (model/input_limits.hpp).
double at_most(const JsonNode& node, double value, double limit) {
  if (value > limit) node.fail("must be at most " + std::to_string(static_cast<long long>(limit)));
  return value;
}

bool bool_or(const JsonNode& obj, std::string_view key, bool fallback) {
  const auto node = obj.find(key);
  return node ? node->as_bool() : fallback;
}

/// "enough" (no queueing) or a positive integer.
std::optional<int> count_or_enough(const JsonNode& obj, std::string_view key) {
  const auto node = obj.find(key);
  if (!node) return std::nullopt;
  if (node->is_string()) {
    node->as_choice({"enough"});
    return std::nullopt;
  }
  if (!node->is_number()) node->fail("must be \"enough\" or a positive integer");
  return static_cast<int>(node->as_int_in_range(1, kMaxServers));
}

WriteBuffer parse_write_buffer(const JsonNode& node) {
  const std::string v = node.as_choice({"none", "disk_cache", "extended_memory"});
  if (v == "disk_cache") return WriteBuffer::disk_cache;
  if (v == "extended_memory") return WriteBuffer::extended_memory;
  return WriteBuffer::none;
}

std::vector<std::string> device_names(const Storage& storage) {
  std::vector<std::string> names;
  for (const auto& d : storage.devices) names.push_back(d.name);
  return names;
}

/// The storage shared by all nodes, written in the first node entry (docs/cluster.md).
Storage parse_storage(const JsonNode& j) {
  Storage st;
  if (auto e = j.find("extended_memory")) {
    e->expect_only({"access_time_ms", "servers", "setup_instructions", "synchronous",
                    "buffer_pages", "write_buffer_pages"});
    auto& eh = st.extended_memory;
    eh.access_time_ms = number_or(*e, "access_time_ms", eh.access_time_ms, &JsonNode::as_positive);
    eh.servers = static_cast<int>(integer_or(*e, "servers", eh.servers, 1, kMaxServers));
    eh.setup_instructions =
        number_or(*e, "setup_instructions", eh.setup_instructions, &JsonNode::as_non_negative);
    eh.synchronous = bool_or(*e, "synchronous", eh.synchronous);
    eh.buffer_pages = integer_or(*e, "buffer_pages", eh.buffer_pages, 0, kMaxPages);
    eh.write_buffer_pages =
        integer_or(*e, "write_buffer_pages", eh.write_buffer_pages, 1, kMaxPages);
  }
  if (auto c = j.find("disk_cache")) {
    c->expect_only({"type", "pages", "write_buffer_pages"});
    if (auto t = c->find("type")) {
      const std::string v = t->as_choice({"none", "volatile", "non_volatile"});
      st.disk_cache.type = v == "volatile"       ? DiskCacheType::volatile_cache
                           : v == "non_volatile" ? DiskCacheType::non_volatile
                                                 : DiskCacheType::none;
    }
    st.disk_cache.pages = integer_or(*c, "pages", st.disk_cache.pages, 0, kMaxPages);
    st.disk_cache.write_buffer_pages =
        integer_or(*c, "write_buffer_pages", st.disk_cache.write_buffer_pages, 1, kMaxPages);
  }
  const JsonNode devices = j.at("devices");
  for (const auto& d : devices.elements()) {
    d.expect_only(
        {"name", "type", "access_time_ms", "controller_ms", "transfer_ms", "count", "controllers"});
    DevicePool p;
    p.name = d.at("name").as_string();
    if (p.name.empty()) d.at("name").fail("must not be empty");
    if (p.name == "extended_memory" || p.name == "main_memory")
      d.at("name").fail("is reserved for allocations; choose another device name");
    if (find_device(st, p.name) >= 0) d.at("name").fail("duplicate device name '" + p.name + "'");
    if (auto t = d.find("type"))
      p.type = t->as_choice({"disk", "ssd"}) == "ssd" ? DeviceType::ssd : DeviceType::disk;
    p.access_time_ms = number_or(d, "access_time_ms", p.type == DeviceType::ssd ? 0.0 : 15.0,
                                 &JsonNode::as_non_negative);
    if (p.type == DeviceType::disk && !(p.access_time_ms > 0))
      d.at("access_time_ms").fail("must be positive for a disk");
    p.controller_ms = number_or(d, "controller_ms", p.controller_ms, &JsonNode::as_non_negative);
    p.transfer_ms = number_or(d, "transfer_ms", p.transfer_ms, &JsonNode::as_non_negative);
    p.count = count_or_enough(d, "count");
    p.controllers = count_or_enough(d, "controllers");
    st.devices.push_back(p);
  }
  return st;
}

/// One node entry: CPUs, HS buffer and log. `first` = the entry that also holds the storage.
Node parse_node(const JsonNode& j, const Storage& storage, bool first) {
  j.expect_only({"name", "cpu", "io_overhead_instructions", "buffer", "extended_memory",
                 "disk_cache", "devices", "log"});
  if (!first)
    for (const char* key : {"extended_memory", "disk_cache", "devices"})
      if (auto v = j.find(key))
        v->fail(
            "storage is shared by all nodes and is given once, in nodes[0] (disks, disk caches "
            "and the GEH are connected to all nodes, Rahm 1993 7.6.1)");
  Node n;
  if (auto v = j.find("name")) n.name = v->as_string();
  if (n.name.empty()) j.at("name").fail("must not be empty");
  if (auto cpu = j.find("cpu")) {
    cpu->expect_only({"count", "mips"});
    n.cpu_count = static_cast<int>(integer_or(*cpu, "count", n.cpu_count, 1, kMaxServers));
    n.cpu_mips = number_or(*cpu, "mips", n.cpu_mips, &JsonNode::as_positive);
  }
  n.io_overhead_instructions = number_or(j, "io_overhead_instructions", n.io_overhead_instructions,
                                         &JsonNode::as_non_negative);
  if (auto b = j.find("buffer")) {
    b->expect_only({"pages"});
    n.buffer_pages = integer_or(*b, "pages", n.buffer_pages, 0, kMaxPages);
  }
  if (auto l = j.find("log")) {
    l->expect_only({"device", "write_buffer", "group_commit_size"});
    if (auto d = l->find("device")) n.log.device = d->as_string();
    if (auto w = l->find("write_buffer")) n.log.write_buffer = parse_write_buffer(*w);
    n.log.group_commit_size = static_cast<int>(
        integer_or(*l, "group_commit_size", n.log.group_commit_size, 1, kMaxGroupCommitSize));
  }
  // Cross-checks of the log allocation (ch6-5.md §1.8: the log uses a write buffer only, L2380).
  const std::string log_path = io::child_path(j.path(), "log");
  if (n.log.device == "main_memory")
    throw io::InputError(io::child_path(log_path, "device"),
                         "the log cannot be main-memory resident (it must survive a crash)");
  if (n.log.device != "extended_memory" && find_device(storage, n.log.device) < 0) {
    auto names = device_names(storage);
    names.push_back("extended_memory");
    std::string reason = "unknown device '" + n.log.device + "'";
    const std::string s = io::closest_name(n.log.device, names);
    if (!s.empty()) reason += " (did you mean '" + s + "'?)";
    throw io::InputError(io::child_path(log_path, "device"), reason);
  }
  if (n.log.write_buffer == WriteBuffer::disk_cache &&
      storage.disk_cache.type != DiskCacheType::non_volatile)
    throw io::InputError(io::child_path(log_path, "write_buffer"),
                         "a disk-cache write buffer needs disk_cache.type \"non_volatile\"");
  return n;
}

Partition parse_partition(const JsonNode& j, const Storage& node) {
  j.expect_only({"name", "records", "blocking_factor", "access", "lock_granularity",
                 "clustered_with", "allocation"});
  Partition p;
  p.name = j.at("name").as_string();
  if (p.name.empty()) j.at("name").fail("must not be empty");
  p.records = at_most(j.at("records"), j.at("records").as_positive(), kMaxRecords);
  p.blocking_factor = number_or(j, "blocking_factor", 1.0, &JsonNode::as_positive);
  if (p.blocking_factor > p.records) j.at("blocking_factor").fail("must not exceed records");
  if (auto a = j.find("access")) {
    const std::string v = a->as_choice({"random", "sequential", "append"});
    p.access = v == "sequential" ? AccessPattern::sequential
               : v == "append"   ? AccessPattern::append
                                 : AccessPattern::random;
  }
  if (auto l = j.find("lock_granularity")) {
    const std::string v = l->as_choice({"page", "record", "none"});
    p.lock_granularity = v == "record" ? LockGranularity::record
                         : v == "none" ? LockGranularity::none
                                       : LockGranularity::page;
  }
  if (auto a = j.find("allocation")) {
    a->expect_only({"device", "write_buffer", "disk_cache", "extended_buffer", "migration"});
    auto& al = p.allocation;
    if (auto d = a->find("device")) {
      al.device = d->as_string();
      if (al.device != "extended_memory" && al.device != "main_memory" &&
          find_device(node, al.device) < 0) {
        auto names = device_names(node);
        names.push_back("extended_memory");
        names.push_back("main_memory");
        std::string reason = "unknown device '" + al.device + "'";
        const std::string s = io::closest_name(al.device, names);
        if (!s.empty()) reason += " (did you mean '" + s + "'?)";
        d->fail(reason);
      }
    } else if (find_device(node, al.device) < 0) {
      a->fail("needs a \"device\" (no device pool named '" + al.device + "')");
    }
    if (auto w = a->find("write_buffer")) {
      al.write_buffer = parse_write_buffer(*w);
      if (al.write_buffer == WriteBuffer::disk_cache &&
          node.disk_cache.type != DiskCacheType::non_volatile)
        w->fail("a disk-cache write buffer needs disk_cache.type \"non_volatile\"");
    }
    al.disk_cache = bool_or(*a, "disk_cache", al.disk_cache);
    al.extended_buffer = bool_or(*a, "extended_buffer", al.extended_buffer);
    if (auto m = a->find("migration")) {
      const std::string v = m->as_choice({"all", "modified", "unmodified"});
      al.migration = v == "modified"     ? Migration::modified
                     : v == "unmodified" ? Migration::unmodified
                                         : Migration::all;
    }
  } else if (find_device(node, p.allocation.device) < 0) {
    j.fail("needs an \"allocation\" (no device pool named '" + p.allocation.device + "')");
  }
  return p;
}

/// `references`: a mean count, {"mean": m, "scv": c} or {"values": [...], "probabilities": [...]}.
void parse_references(const JsonNode& node, TransactionType& t) {
  if (!node.is_object()) {
    t.references = at_most(node, node.as_positive(), kMaxReferences);
    return;
  }
  auto& rc = t.reference_count;
  if (!node.find("values")) {
    node.expect_only({"mean", "scv"});
    t.references = at_most(node.at("mean"), node.at("mean").as_positive(), kMaxReferences);
    rc.scv = number_or(node, "scv", 0.0, &JsonNode::as_non_negative);
    if (rc.scv > kMaxReferenceScv) node.at("scv").fail("must be at most 100");
    return;
  }
  node.expect_only({"values", "probabilities"});
  const auto values = node.at("values").elements();
  const auto probabilities = node.at("probabilities").elements();
  if (values.empty() || values.size() > kMaxReferenceValues)
    node.at("values").fail("must hold 1 to 10000 reference counts");
  if (probabilities.size() != values.size())
    node.at("probabilities")
        .fail("must hold one probability per value (" + std::to_string(values.size()) + ")");
  double sum = 0.0, mean = 0.0, second = 0.0;
  for (std::size_t i = 0; i < values.size(); ++i) {
    const double v = at_most(values[i], values[i].as_non_negative(), kMaxReferences);
    if (v != std::floor(v)) values[i].fail("must be a whole number of references");
    const double p = probabilities[i].as_probability();
    rc.values.push_back(v);
    rc.probabilities.push_back(p);
    sum += p;
    mean += p * v;
    second += p * v * v;
  }
  if (std::abs(sum - 1.0) > 1e-6)
    node.at("probabilities").fail("must add up to 1, not " + std::to_string(sum));
  if (!(mean > 0)) node.at("values").fail("the mean number of references must be positive");
  t.references = mean;
  rc.scv = std::max(0.0, second / (mean * mean) - 1.0);
}

/// An open workload (arrival rate) or a closed one (terminals with think time): exactly one of
/// the two, a null value counting as not given (so `--set workload.arrival_rate_per_s=null`
/// switches a document to terminals).
void parse_arrivals(const JsonNode& wl, SystemModel& m) {
  const auto given = [&](std::string_view key) -> std::optional<JsonNode> {
    auto v = wl.find(key);
    if (v && v->json().is_null()) return std::nullopt;
    return v;
  };
  const auto rate = given("arrival_rate_per_s");
  const auto terminals = given("terminals");
  const auto think = given("think_time_ms");
  if (rate && terminals)
    terminals->fail(
        "give exactly one of workload.arrival_rate_per_s (open) and "
        "workload.terminals (closed); set the other to null");
  if (!rate && !terminals)
    wl.fail(
        "needs workload.arrival_rate_per_s (open) or workload.terminals with "
        "workload.think_time_ms (closed)");
  if (rate) {
    if (think) think->fail("think_time_ms needs workload.terminals (a closed workload)");
    m.arrival_rate_per_s = rate->as_non_negative();
    return;
  }
  if (!think) wl.fail("workload.terminals needs workload.think_time_ms (0 for none)");
  Terminals t;
  t.count = static_cast<long>(terminals->as_int_in_range(1, kMaxTerminals));
  t.think_time_ms = at_most(*think, think->as_non_negative(), kMaxThinkTimeMs);
  m.terminals = t;
  m.arrival_rate_per_s = 0.0;
}

}  // namespace

int find_device(const Storage& storage, const std::string& name) {
  for (std::size_t i = 0; i < storage.devices.size(); ++i)
    if (storage.devices[i].name == name) return static_cast<int>(i);
  return -1;
}

double SystemModel::type_arrival_rate_per_s(std::size_t t) const {
  double total_mix = 0.0;
  for (const auto& type : transaction_types) total_mix += type.mix;
  return total_mix > 0 ? arrival_rate_per_s * transaction_types[t].mix / total_mix : 0.0;
}

namespace {

/// Informational: records how the document was generated (kept for round trips).
void check_generator(const JsonNode& g) {
  g.expect_only({"kind", "sized_for_tps", "branch_teller_clustering", "other_branch_share"});
  if (auto k = g.find("kind")) k->as_choice({"debit_credit", "real_load", "lock_experiment"});
  if (auto v = g.find("sized_for_tps")) v->as_positive();
  if (auto v = g.find("branch_teller_clustering")) v->as_bool();
  if (auto v = g.find("other_branch_share")) v->as_probability();
}

/// Partition names to indices, O(1) per lookup (10^4 partitions), with a "did you mean" hint.
class PartitionNames {
 public:
  /// Adds a name; false if it is already there.
  bool add(const std::string& name) {
    if (!index_.emplace(name, static_cast<int>(names_.size())).second) return false;
    names_.push_back(name);
    return true;
  }
  int index(const JsonNode& where, const std::string& name) const {
    if (const auto it = index_.find(name); it != index_.end()) return it->second;
    std::string reason = "unknown partition '" + name + "'";
    const std::string s = io::closest_name(name, names_);
    if (!s.empty()) reason += " (did you mean '" + s + "'?)";
    where.fail(reason);
  }
  const std::string& name(int i) const { return names_[static_cast<std::size_t>(i)]; }

 private:
  std::vector<std::string> names_;
  std::unordered_map<std::string, int> index_;
};

PartitionNames parse_database(const JsonNode& db, SystemModel& m) {
  db.expect_only({"partitions"});
  const JsonNode parts = db.at("partitions");
  const auto part_elements = parts.elements();
  if (part_elements.empty()) parts.fail("must hold at least one partition");
  PartitionNames names;
  for (const auto& pj : part_elements) {
    Partition p = parse_partition(pj, m.storage);
    if (!names.add(p.name)) pj.at("name").fail("duplicate partition name '" + p.name + "'");
    m.partitions.push_back(std::move(p));
  }
  for (std::size_t i = 0; i < part_elements.size(); ++i) {
    if (auto c = part_elements[i].find("clustered_with"); c && !c->json().is_null()) {
      const int target = names.index(*c, c->as_string());
      if (target == static_cast<int>(i)) c->fail("a partition cannot be clustered with itself");
      if (m.partitions[target].clustered_with)
        c->fail("'" + names.name(target) + "' is itself clustered; chains are not supported");
      if (m.partitions[i].access != AccessPattern::random)
        c->fail("only random-access partitions can be clustered");
      m.partitions[i].clustered_with = target;
    }
  }
  return names;
}

/// reference_shares: relative shares per partition, normalised to sum 1 (Tab. 6-4/6-5, L2304).
void parse_reference_shares(const JsonNode& shares, const PartitionNames& names,
                            const SystemModel& m, TransactionType& t) {
  t.reference_shares.assign(m.partitions.size(), 0.0);
  if (!shares.is_object())
    shares.fail("must be an object mapping partition names to relative shares");
  for (const auto& [name, value] : shares.members())
    t.reference_shares[names.index(value, name)] = value.as_non_negative();
  const double sum = std::accumulate(t.reference_shares.begin(), t.reference_shares.end(), 0.0);
  if (!(sum > 0)) shares.fail("must give at least one partition a positive share");
  for (auto& s : t.reference_shares) s /= sum;
  for (std::size_t p = 0; p < m.partitions.size(); ++p) {
    const auto& part = m.partitions[p];
    if (part.clustered_with && t.reference_shares[p] > 0 &&
        t.reference_shares[p] > t.reference_shares[*part.clustered_with] + 1e-12)
      shares.fail("references to clustered partition '" + part.name +
                  "' must not exceed those to '" + m.partitions[*part.clustered_with].name +
                  "' (each follows a reference to the same page)");
  }
}

/// One transaction type; `seen` holds the names of the types before it (duplicates are refused).
TransactionType parse_transaction_type(const JsonNode& tj, const PartitionNames& names,
                                       const SystemModel& m,
                                       std::unordered_set<std::string>& seen) {
  tj.expect_only({"name", "mix", "references", "update_share", "update_shares", "reference_shares",
                  "instructions"});
  TransactionType t;
  t.name = tj.at("name").as_string();
  if (!seen.insert(t.name).second)
    tj.at("name").fail("duplicate transaction type '" + t.name + "'");
  t.mix = number_or(tj, "mix", 1.0, &JsonNode::as_non_negative);
  parse_references(tj.at("references"), t);
  t.update_share = number_or(tj, "update_share", 0.0, &JsonNode::as_probability);
  t.update_shares.assign(m.partitions.size(), t.update_share);
  if (auto us = tj.find("update_shares")) {
    if (!us->is_object())
      us->fail("must be an object mapping partition names to update probabilities");
    for (const auto& [name, value] : us->members())
      t.update_shares[names.index(value, name)] = value.as_probability();
  }
  parse_reference_shares(tj.at("reference_shares"), names, m, t);
  if (auto ins = tj.find("instructions")) {
    ins->expect_only({"bot", "per_reference", "commit"});
    t.instructions.bot = number_or(*ins, "bot", t.instructions.bot, &JsonNode::as_non_negative);
    t.instructions.per_reference =
        number_or(*ins, "per_reference", t.instructions.per_reference, &JsonNode::as_non_negative);
    t.instructions.commit =
        number_or(*ins, "commit", t.instructions.commit, &JsonNode::as_non_negative);
  }
  return t;
}

void parse_workload(const JsonNode& wl, const PartitionNames& names, SystemModel& m) {
  wl.expect_only({"arrival_rate_per_s", "terminals", "think_time_ms", "transaction_types"});
  parse_arrivals(wl, m);
  const JsonNode types = wl.at("transaction_types");
  const auto type_elements = types.elements();
  if (type_elements.empty()) types.fail("must hold at least one transaction type");
  // Each type holds one reference share per partition (a dense matrix): bound it up front.
  if (static_cast<double>(type_elements.size()) * static_cast<double>(m.partitions.size()) >
      kMaxTypePartitionPairs)
    types.fail(std::to_string(type_elements.size()) + " transaction types x " +
               std::to_string(m.partitions.size()) + " partitions exceed the limit of " +
               std::to_string(static_cast<long long>(kMaxTypePartitionPairs)) +
               " types x partitions (the cost of an evaluation grows with their product)");
  std::unordered_set<std::string> type_names;
  double count_classes_in_all = 0.0;
  for (const auto& tj : type_elements) {
    m.transaction_types.push_back(parse_transaction_type(tj, names, m, type_names));
    const TransactionType& type = m.transaction_types.back();
    if (count_varies(type)) count_classes_in_all += static_cast<double>(count_classes(type).size());
    if (count_classes_in_all <= kMaxCountClassesInAll) continue;
    types.fail("the first " + std::to_string(m.transaction_types.size()) + " of " +
               std::to_string(type_elements.size()) + " transaction types make " +
               std::to_string(static_cast<long long>(count_classes_in_all)) +
               " classes of variable reference counts, beyond the limit of " +
               std::to_string(static_cast<long long>(kMaxCountClassesInAll)) +
               " (the lock model takes one class per count of a variable `references`: its cost "
               "grows faster than their number); use fewer types or fixed counts");
  }
  double total_mix = 0.0;
  for (const auto& t : m.transaction_types) total_mix += t.mix;
  if (!(total_mix > 0)) types.fail("at least one transaction type needs a positive mix");
}

void parse_policies(const JsonNode& pol, Policies& p) {
  pol.expect_only({"update_strategy", "victim_write", "force_writes_to_extended_buffer",
                   "force_writes", "mpl", "append_new_page_read"});
  if (auto v = pol.find("update_strategy"))
    p.update_strategy = v->as_choice({"noforce", "force"}) == "force" ? UpdateStrategy::force
                                                                      : UpdateStrategy::noforce;
  if (auto v = pol.find("victim_write"))
    p.victim_write_synchronous = v->as_choice({"synchronous", "asynchronous"}) == "synchronous";
  p.force_writes_to_extended_buffer =
      bool_or(pol, "force_writes_to_extended_buffer", p.force_writes_to_extended_buffer);
  if (auto v = pol.find("force_writes"))
    p.force_writes_parallel = v->as_choice({"sequential", "parallel"}) == "parallel";
  if (auto v = pol.find("mpl"); v && !v->json().is_null()) p.mpl = v->as_int_in_range(1, kMaxMpl);
  p.append_new_page_read = bool_or(pol, "append_new_page_read", p.append_new_page_read);
}

}  // namespace

SystemModel parse_model(const nlohmann::json& document) {
  const JsonNode root(document, "");
  root.expect_only({"$schema", "name", "description", "generator", "nodes", "cluster", "database",
                    "workload", "policies"});
  SystemModel m;
  if (auto v = root.find("name")) m.name = v->as_string();
  if (auto v = root.find("description")) v->as_string();
  if (auto g = root.find("generator")) check_generator(*g);

  const JsonNode nodes = root.at("nodes");
  const auto node_elements = nodes.elements();
  if (node_elements.empty()) nodes.fail("must hold at least one node");
  m.storage = parse_storage(node_elements.front());
  for (std::size_t i = 0; i < node_elements.size(); ++i)
    m.nodes.push_back(parse_node(node_elements[i], m.storage, i == 0));

  const PartitionNames names = parse_database(root.at("database"), m);
  parse_workload(root.at("workload"), names, m);
  if (auto pol = root.find("policies")) parse_policies(*pol, m.policies);
  parse_cluster(root, m);
  return m;
}

}  // namespace tpeval::model
