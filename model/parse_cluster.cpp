// The `cluster` section (see parse_cluster.hpp, docs/cluster.md).
#include "model/parse_cluster.hpp"

#include <cctype>
#include <numeric>
#include <string>
#include <unordered_set>

#include "model/input_limits.hpp"

namespace tpeval::model {
namespace {

using io::JsonNode;

double number_or(const JsonNode& obj, std::string_view key, double fallback,
                 double (JsonNode::*getter)() const) {
  const auto node = obj.find(key);
  return node ? ((*node).*getter)() : fallback;
}

bool bool_or(const JsonNode& obj, std::string_view key, bool fallback) {
  const auto node = obj.find(key);
  return node ? node->as_bool() : fallback;
}

/// "node1" -> "node", "alpha" -> "alpha": copies are named stem1..stemN.
std::string name_stem(std::string name) {
  while (!name.empty() && std::isdigit(static_cast<unsigned char>(name.back()))) name.pop_back();
  return name.empty() ? "node" : name;
}

int partition_index(const SystemModel& m, const JsonNode& where, const std::string& name) {
  std::vector<std::string> names;
  for (std::size_t p = 0; p < m.partitions.size(); ++p) {
    if (m.partitions[p].name == name) return static_cast<int>(p);
    names.push_back(m.partitions[p].name);
  }
  std::string reason = "unknown partition '" + name + "'";
  const std::string s = io::closest_name(name, names);
  if (!s.empty()) reason += " (did you mean '" + s + "'?)";
  where.fail(reason);
}

void expand_nodes(const JsonNode& root, const JsonNode& cluster, SystemModel& m) {
  const auto given = cluster.find("nodes");
  const int listed = m.node_count();
  int n = listed;
  if (listed > kMaxNodes)
    root.at("nodes").fail("lists " + std::to_string(listed) + " nodes; at most " +
                          std::to_string(kMaxNodes) + " nodes are supported");
  if (given) {
    const auto v = given->as_integer(1);
    if (v > kMaxNodes) given->fail("at most " + std::to_string(kMaxNodes) + " nodes are supported");
    n = static_cast<int>(v);
    if (listed > 1 && n != listed)
      given->fail("is " + std::to_string(n) + " but 'nodes' lists " + std::to_string(listed) +
                  " entries (give one entry to have it copied, or drop cluster.nodes)");
  }
  if (listed == 1 && n > 1) {
    const Node base = m.nodes.front();
    const std::string stem = name_stem(base.name);
    m.nodes.clear();
    for (int i = 0; i < n; ++i) {
      Node copy = base;
      copy.name = stem + std::to_string(i + 1);
      m.nodes.push_back(copy);
    }
  }
  std::unordered_set<std::string> seen;
  const auto elements = root.at("nodes").elements();
  for (std::size_t i = 0; i < m.nodes.size(); ++i)
    if (!seen.insert(m.nodes[i].name).second)
      elements[std::min(i, elements.size() - 1)].at("name").fail("duplicate node name '" +
                                                                 m.nodes[i].name + "'");
}

/// The demand classes (types x nodes) bounded up front: the cluster model's cost grows with
/// types^2 x nodes (model/input_limits.hpp kMaxClusterTypeNodes).
void check_cluster_size(const JsonNode& root, const JsonNode& cluster, const SystemModel& m) {
  const std::size_t n = m.nodes.size();
  const std::size_t types = m.transaction_types.size();
  if (n < 2 || static_cast<double>(types) * static_cast<double>(n) <= kMaxClusterTypeNodes) return;
  const auto given = cluster.find("nodes");
  (given ? *given : root.at("nodes"))
      .fail(std::to_string(types) + " transaction types x " + std::to_string(n) +
            " nodes exceed the limit of " +
            std::to_string(static_cast<long long>(kMaxClusterTypeNodes)) +
            " types x nodes (a cluster evaluation's cost grows with types^2 x nodes)");
}

void parse_protocols(const JsonNode& cluster, Cluster& c, int n) {
  if (auto v = cluster.find("locking")) {
    const std::string s = v->as_choice({"geh_lock_table", "primary_copy", "central"});
    c.locking = s == "primary_copy" ? GlobalLocking::primary_copy
                : s == "central"    ? GlobalLocking::central
                                    : GlobalLocking::geh_lock_table;
  } else {
    c.locking = GlobalLocking::geh_lock_table;
  }
  // The coupling follows from the protocol unless given (GLT in the GEH needs close coupling;
  // PCL and a central lock manager work by messages, L3133).
  c.coupling = c.locking == GlobalLocking::geh_lock_table ? Coupling::close : Coupling::loose;
  if (auto v = cluster.find("coupling")) {
    const std::string s = v->as_choice({"none", "close", "loose"});
    const Coupling given = s == "none"    ? Coupling::none
                           : s == "close" ? Coupling::close
                                          : Coupling::loose;
    if (given == Coupling::none && n > 1)
      v->fail("\"none\" needs a single node; " + std::to_string(n) +
              " nodes must be coupled \"close\" (GEH) or \"loose\" (messages)");
    if (given == Coupling::loose && c.locking == GlobalLocking::geh_lock_table)
      v->fail(
          "\"loose\" contradicts cluster.locking \"geh_lock_table\": a global lock table in "
          "the GEH needs close coupling (Rahm 1993 7.5.2); use primary_copy or central");
    if (given != Coupling::none) c.coupling = given;
  }
  if (n == 1) c.coupling = Coupling::none;
  if (auto v = cluster.find("coherence"))
    c.coherence = v->as_choice({"on_request", "broadcast"}) == "broadcast" ? Coherence::broadcast
                                                                           : Coherence::on_request;
  c.read_authorizations = bool_or(cluster, "read_authorizations", c.read_authorizations);
  c.write_authorizations = bool_or(cluster, "write_authorizations", c.write_authorizations);
  if (auto msg = cluster.find("messages")) {
    msg->expect_only({"bandwidth_mb_per_s", "short_bytes", "long_bytes", "short_instructions",
                      "long_instructions", "bundle_releases"});
    auto& mc = c.messages;
    mc.bandwidth_mb_per_s =
        number_or(*msg, "bandwidth_mb_per_s", mc.bandwidth_mb_per_s, &JsonNode::as_positive);
    mc.short_bytes = number_or(*msg, "short_bytes", mc.short_bytes, &JsonNode::as_positive);
    mc.long_bytes = number_or(*msg, "long_bytes", mc.long_bytes, &JsonNode::as_positive);
    mc.short_instructions =
        number_or(*msg, "short_instructions", mc.short_instructions, &JsonNode::as_non_negative);
    mc.long_instructions =
        number_or(*msg, "long_instructions", mc.long_instructions, &JsonNode::as_non_negative);
    mc.bundle_releases = bool_or(*msg, "bundle_releases", mc.bundle_releases);
  }
  if (auto g = cluster.find("geh_lock_table")) {
    g->expect_only(
        {"entry_access_ms", "accesses_per_acquire", "accesses_per_release", "duplicated"});
    auto& gl = c.geh_lock_table;
    gl.entry_access_ms =
        number_or(*g, "entry_access_ms", gl.entry_access_ms, &JsonNode::as_positive);
    gl.accesses_per_acquire =
        number_or(*g, "accesses_per_acquire", gl.accesses_per_acquire, &JsonNode::as_positive);
    gl.accesses_per_release =
        number_or(*g, "accesses_per_release", gl.accesses_per_release, &JsonNode::as_positive);
    gl.duplicated = bool_or(*g, "duplicated", gl.duplicated);
  }
}

void parse_routing(const JsonNode& root, const JsonNode& cluster, SystemModel& m) {
  Cluster& c = m.cluster;
  const int n = m.node_count();
  std::string kind;
  if (auto g = root.find("generator"))
    if (auto k = g->find("kind")) kind = k->as_string();
  const bool debit_credit = kind == "debit_credit";
  if (auto v = cluster.find("routing")) {
    const std::string s = v->as_choice({"random", "affinity", "table"});
    c.routing = s == "affinity" ? Routing::affinity
                : s == "table"  ? Routing::table
                                : Routing::random;
  }
  c.affinity = debit_credit ? Affinity::key : Affinity::type;
  if (auto v = cluster.find("affinity"))
    c.affinity = v->as_choice({"key", "type"}) == "type" ? Affinity::type : Affinity::key;

  // Key affinity: the share of references to another node's key range per partition. Debit-
  // Credit: 15 % of ACCOUNT references go to another branch (L269, L3219).
  c.other_node_share.assign(m.partitions.size(), 0.0);
  if (debit_credit) {
    double share = 0.15;
    if (auto g = root.find("generator"))
      if (auto o = g->find("other_branch_share")) share = o->as_probability();
    for (std::size_t p = 0; p < m.partitions.size(); ++p)
      if (m.partitions[p].name == "ACCOUNT") c.other_node_share[p] = share;
  }
  if (auto o = cluster.find("other_node_shares")) {
    if (!o->is_object()) o->fail("must be an object mapping partition names to shares");
    for (const auto& [name, value] : o->members())
      c.other_node_share[partition_index(m, value, name)] = value.as_probability();
  }

  const auto table = cluster.find("routing_table");
  if (c.routing == Routing::table && !table)
    cluster.fail("routing \"table\" needs a routing_table (fractions per type and node)");
  if (table && c.routing != Routing::table) table->fail("is used only with routing \"table\"");
  if (!table) return;
  if (!table->is_object())
    table->fail("must be an object mapping transaction types to fractions per node");
  const std::size_t nt = m.transaction_types.size();
  c.routing_table.assign(nt, {});
  for (const auto& [name, row] : table->members()) {
    std::size_t t = 0;
    while (t < nt && m.transaction_types[t].name != name) ++t;
    if (t == nt) row.fail("unknown transaction type '" + name + "'");
    std::vector<double> fractions = row.as_number_array();
    if (fractions.size() != static_cast<std::size_t>(n))
      row.fail("must hold one fraction per node (" + std::to_string(n) + "), not " +
               std::to_string(fractions.size()));
    const double sum = std::accumulate(fractions.begin(), fractions.end(), 0.0);
    for (std::size_t i = 0; i < fractions.size(); ++i)
      if (!(fractions[i] >= 0))
        io::JsonNode(row.json()[i], io::element_path(row.path(), i)).fail("must be >= 0");
    if (!(sum > 0)) row.fail("must send the type to at least one node");
    for (auto& f : fractions) f /= sum;  // rows are relative, as in Tab. 7-1
    c.routing_table[t] = std::move(fractions);
  }
  for (std::size_t t = 0; t < nt; ++t)
    if (c.routing_table[t].empty() && m.transaction_types[t].mix > 0)
      table->fail("has no row for transaction type '" + m.transaction_types[t].name + "'");
}

void apply_scaling(const JsonNode& cluster, SystemModel& m) {
  Cluster& c = m.cluster;
  if (auto s = cluster.find("scaling")) {
    s->expect_only({"arrival_rate", "database"});
    if (auto v = s->find("arrival_rate"))
      c.arrival_rate_per_node = v->as_choice({"per_node", "total"}) == "per_node";
    if (auto v = s->find("database"))
      c.database_per_node = v->as_choice({"per_node", "fixed"}) == "per_node";
  }
  const double n = m.node_count();
  if (c.arrival_rate_per_node) m.arrival_rate_per_s *= n;
  if (c.database_per_node)
    for (auto& p : m.partitions) p.records *= n;
}

/// Configurations the multi-node analytic model does not cover are refused, not approximated
/// silently (docs/cluster.md "Limits").
void check_supported(const JsonNode& root, const SystemModel& m) {
  if (m.node_count() == 1) return;
  // Every node writes its own log (L3087): a log pool is private and cannot hold partitions.
  for (std::size_t p = 0; p < m.partitions.size(); ++p)
    for (const auto& node : m.nodes)
      if (m.partitions[p].allocation.device == node.log.device &&
          node.log.device != "extended_memory")
        root.at("database")
            .at("partitions")
            .elements()[p]
            .fail("is allocated to '" + node.log.device +
                  "', which holds a node's private log in a cluster; use another pool");
}

}  // namespace

void parse_cluster(const JsonNode& root, SystemModel& m) {
  const auto cluster = root.find("cluster");
  if (!cluster) {
    if (m.node_count() > 1)
      root.at("nodes").fail("lists " + std::to_string(m.node_count()) +
                            " nodes: a multi-node model needs a \"cluster\" section "
                            "(docs/cluster.md)");
    return;
  }
  cluster->expect_only({"nodes", "coupling", "locking", "coherence", "routing", "affinity",
                        "other_node_shares", "routing_table", "read_authorizations",
                        "write_authorizations", "scaling", "messages", "geh_lock_table"});
  m.cluster.present = true;
  expand_nodes(root, *cluster, m);
  const int n = m.node_count();
  check_cluster_size(root, *cluster, m);
  m.cluster.nodes = n;
  parse_protocols(*cluster, m.cluster, n);
  if (n == 1) m.cluster.locking = GlobalLocking::none;
  parse_routing(root, *cluster, m);
  apply_scaling(*cluster, m);
  check_supported(root, m);
}

}  // namespace tpeval::model
