// The multi-node analytic model against Rahm 1993 ch. 7.6 (targets V01-V68 of the reference
// notes ch7.md §3, derived checks §3.1) and the cluster section's input rules.
#include <doctest/doctest.h>

#include <cmath>
#include <string>

#include "../support/input_error.hpp"
#include "model/debit_credit.hpp"
#include "model/evaluate.hpp"
#include "model/overrides.hpp"
#include "model/parse.hpp"
#include "scenarios.hpp"

using namespace tpeval::model;
using tpeval::model::testing::Sets;
using tpeval::model::testing::with;
using tpeval::testing::error_of;

namespace {

/// Tab. 7-2 Debit-Credit (100 TPS per node, 200 pages per node) with the given settings.
Evaluation cluster(int nodes, const Sets& sets = {}, bool max_throughput = false) {
  Sets all{{"cluster.nodes", nodes}};
  all.insert(all.end(), sets.begin(), sets.end());
  return evaluate(parse_model(with(debit_credit_cluster_model(), all)),
                  EvaluateOptions{max_throughput});
}

const PartitionResult& partition(const Evaluation& e, const std::string& name) {
  for (const auto& p : e.partitions)
    if (p.name == name) return p;
  FAIL("no partition " << name);
  return e.partitions.front();
}

double percent(double ratio) {
  return 100.0 * ratio;
}

const Sets kRandom{{"cluster.routing", "random"}};
const Sets kAffinity{{"cluster.routing", "affinity"}};
const Sets kPages1000{{"nodes[0].buffer.pages", 1000}};
const Sets kPcl{{"cluster.locking", "primary_copy"}};
const Sets kForce{{"policies.update_strategy", "force"}};

using tpeval::model::testing::operator+;

}  // namespace

TEST_CASE(
    "V09/V12: B/T hit ratio 71/34/13/<7 % and page-request share 33/57 %, random routing "
    "(L3242, L3248)") {
  // Tolerance 2 points: the book reads the values off the simulation (ch7.md §1.10 table).
  const double hit_book[] = {71, 34, 13};
  const int nodes[] = {1, 2, 5};
  for (int i = 0; i < 3; ++i) {
    const auto e = cluster(nodes[i], kRandom);
    CAPTURE(nodes[i]);
    CHECK(std::abs(percent(partition(e, "BRANCH").hs_hit_ratio) - hit_book[i]) <= 2.0);
  }
  const auto n10 = cluster(10, kRandom);
  CHECK(percent(partition(n10, "BRANCH").hs_hit_ratio) < 7.0);
  CHECK(std::abs(percent(partition(cluster(2, kRandom), "BRANCH").page_request_ratio) - 33.0) <=
        2.0);
  CHECK(std::abs(percent(partition(n10, "BRANCH").page_request_ratio) - 57.0) <= 2.0);
  // ACCOUNT gets no hits anyway (V11).
  CHECK(percent(partition(n10, "ACCOUNT").hs_hit_ratio) < 1.0);
}

TEST_CASE("V10: affinity routing keeps the 1-node B/T hit ratio of 71 % for every n (L3242)") {
  for (int n : {2, 5, 10}) {
    CAPTURE(n);
    CHECK(std::abs(percent(partition(cluster(n, kAffinity), "BRANCH").hs_hit_ratio) - 71.0) <= 2.0);
    CHECK(partition(cluster(n, kAffinity), "BRANCH").page_request_ratio < 1e-9);
  }
}

TEST_CASE(
    "V20/V21/V22: 1000 pages: all B/T buffered on one node, about 50 % at n = 2, misses "
    "nearly all page requests (L3262, L3271)") {
  CHECK(percent(partition(cluster(1, kRandom + kPages1000), "BRANCH").hs_hit_ratio) > 99.0);
  const auto n2 = cluster(2, kRandom + kPages1000);
  CHECK(std::abs(percent(partition(n2, "BRANCH").hs_hit_ratio) - 50.0) <= 2.0);
  const auto n10 = cluster(10, kRandom + kPages1000);
  const auto& bt = partition(n10, "BRANCH");
  CHECK(bt.page_request_ratio / (1.0 - bt.hs_hit_ratio) > 0.95);
  // Missed: the book's 12 % at n = 10 is above the 1/n = 10 % ceiling of independent random
  // routing when every B/T reference updates (ch7.md §1.10); the model gives the ceiling.
  CHECK(percent(bt.hs_hit_ratio) == doctest::Approx(9.96).epsilon(0.005));
}

TEST_CASE(
    "V33/V56: primary copy under random routing grants 1/n of the locks locally: 50 % "
    "(n = 2), 12.5 % (n = 8), 10 % (n = 10) (L3323, L3394)") {
  CHECK(*cluster(2, kRandom + kPcl).local_lock_share == doctest::Approx(0.5));
  CHECK(*cluster(8, kRandom + kPcl).local_lock_share == doctest::Approx(0.125));
  CHECK(*cluster(10, kRandom + kPcl).local_lock_share == doctest::Approx(0.10));
  // Affinity: everything local except the 15 % other-branch ACCOUNT references (V30, L3308):
  // 2 locks per transaction, (1 + 0.85) / 2.
  CHECK(*cluster(10, kAffinity + kPcl).local_lock_share == doctest::Approx(0.925));
  // GEH locking uses no local grants (every lock goes through the GLT, V07).
  CHECK_FALSE(cluster(2, kRandom).local_lock_share.has_value());
}

TEST_CASE(
    "V57/V58 orderings: read authorisations raise the local-lock share while the node buffers "
    "the page (L2942, L2977-2993, L3394)") {
  // The real load (1.6 % of references update) on 4 nodes, database not scaled (L3349).
  auto doc = real_load_model();
  doc["nodes"][0]["cpu"] = {{"count", 4}, {"mips", 10.0}};
  doc["workload"]["arrival_rate_per_s"] = 10.0;
  doc["cluster"] = {{"nodes", 4},
                    {"locking", "primary_copy"},
                    {"routing", "random"},
                    {"scaling", {{"arrival_rate", "per_node"}, {"database", "fixed"}}}};
  const auto local_share = [&doc](long pages, bool read_authorizations) {
    doc["nodes"][0]["buffer"] = {{"pages", pages}};
    doc["cluster"]["read_authorizations"] = read_authorizations;
    return *evaluate(parse_model(doc), {false}).local_lock_share;
  };
  CHECK(local_share(1000, false) == doctest::Approx(0.25).epsilon(0.01));  // 1/n
  // A buffer that holds the whole database (66,000 pages): nearly every R lock under another
  // node's authority is granted with the read authorisation.
  CHECK(local_share(70'000, true) > local_share(70'000, false) + 0.3);
  // 1000 pages hold about 2 % of the references: the authorisation is gone with the page, so
  // it adds at most the hit ratio of the other nodes' three quarters of the locks.
  const double gain = local_share(1000, true) - local_share(1000, false);
  CHECK(gain > 0.0);
  CHECK(gain < 0.75 * 0.03);
}

TEST_CASE(
    "V64: 5 locks with a duplicated GLT take 30-35 GEH entry accesses, about 100 us, GEH "
    "utilisation < 10 % at 1000 TPS (L3064-3066)") {
  auto doc = lock_experiment_model();
  doc["workload"]["transaction_types"][0]["references"] = 5;
  // Record locks: the target is about the GEH, not about contention on the small partition.
  for (auto& p : doc["database"]["partitions"]) p["lock_granularity"] = "record";
  doc["nodes"][0]["cpu"] = {{"count", 4}, {"mips", 10.0}};
  doc["workload"]["arrival_rate_per_s"] = 100.0;
  doc["cluster"] = {{"nodes", 10},
                    {"locking", "geh_lock_table"},
                    {"scaling", {{"arrival_rate", "per_node"}, {"database", "fixed"}}},
                    {"geh_lock_table", {{"duplicated", true}}}};
  const auto e = evaluate(parse_model(doc), {false});
  REQUIRE_FALSE(e.saturated);
  CHECK(e.geh_entry_accesses_per_tx >= 30.0);
  CHECK(e.geh_entry_accesses_per_tx <= 35.0);
  // The synchronous entry accesses (with GEH queueing) per transaction.
  const double geh_us = 1e6 * e.types.front().breakdown.extended_memory_s;
  CHECK(geh_us >= 50.0);
  CHECK(geh_us <= 175.0);
  for (const auto& s : e.servers)
    if (s.name == "extended_memory") CHECK(s.utilization < 0.10);
}

TEST_CASE("V14/V15: a page request takes about 6.5 ms, a disk read more than 16.4 ms (L3264)") {
  const auto e = cluster(2, kRandom);
  REQUIRE(e.page_request_time_s);
  const double ms = 1000.0 * *e.page_request_time_s;
  // Pure service is 3.0 ms (4 bursts + 2 transfers); the rest is FCFS CPU queueing behind
  // transaction bursts. Measured 7.5 ms: tolerance 6.5 +- 1.5 ms.
  CHECK(ms >= 5.0);
  CHECK(ms <= 8.0);
  CHECK(ms < 16.4);
}

TEST_CASE(
    "V06/V08/V13/V16: response time flat under affinity, rising under random routing, "
    "FORCE rising more, steps at 1->2->5 (L3225-3250)") {
  const double affinity1 = *cluster(1, kAffinity).mean_response_time_s;
  for (int n : {2, 5, 10}) CHECK(*cluster(n, kAffinity).mean_response_time_s <= affinity1 * 1.02);
  const auto rt = [&](int n, const Sets& s) {
    return *cluster(n, kRandom + s).mean_response_time_s;
  };
  const double r1 = rt(1, {}), r2 = rt(2, {}), r5 = rt(5, {}), r10 = rt(10, {});
  CHECK(r2 > r1);
  CHECK(r5 > r2);
  CHECK(r10 > r5);
  CHECK((r10 - r5) < (r2 - r1));  // V16: small after 5
  const double f1 = rt(1, kForce), f10 = rt(10, kForce);
  CHECK(f10 - f1 > r10 - r1);                        // V08: FORCE increases more
  CHECK(rt(10, kForce) - r10 > rt(2, kForce) - r2);  // V13: the gap grows with n
}

TEST_CASE("V38/V39/V40: throughput per node at the 80 % CPU cap (Abb. 7-11, L3329-3336)") {
  const auto cap = [](int n, const Sets& s) {
    return *cluster(n, kPages1000 + s, true).max_throughput_per_node_at_cpu_cap_per_s;
  };
  // Derived: 32 MIPS / ~259k instructions = 123 TPS per node on one node (ch7.md §3.1.6).
  const double one = cap(1, {});
  CHECK(one == doctest::Approx(123.0).epsilon(0.02));
  // V38: linear under affinity for both protocols (within 3 %).
  for (int n : {2, 5, 10}) {
    CHECK(cap(n, kAffinity) >= 0.97 * one);
    CHECK(cap(n, kAffinity + kPcl) >= 0.97 * one);
  }
  // V39: primary copy with random routing loses about 15 % (book); the derived band for the
  // release and grant costs the book leaves open is 12.7-21 % (ch7.md §3.1.6).
  for (const Sets& strategy : {Sets{}, kForce}) {
    const double loss =
        1.0 - cap(10, kRandom + kPcl + strategy) / cap(10, kAffinity + kPcl + strategy);
    CAPTURE(loss);
    CHECK(loss >= 0.12);
    CHECK(loss <= 0.22);
  }
  // V40: FORCE slightly above NOFORCE with random routing, both protocols.
  CHECK(cap(10, kRandom + kForce) > cap(10, kRandom));
  CHECK(cap(10, kRandom + kPcl + kForce) > cap(10, kRandom + kPcl));
}

TEST_CASE(
    "V31/V37: primary copy costs more messages and response time than GEH locking under "
    "random routing, broadcast invalidation more than on-request (L3314, L3325, L2971)") {
  const auto geh = cluster(5, kRandom);
  const auto pcl = cluster(5, kRandom + kPcl);
  CHECK(*pcl.mean_response_time_s > *geh.mean_response_time_s);
  CHECK(pcl.messages_per_tx > 2.0 * geh.page_requests_per_tx);
  const auto broadcast = cluster(5, kRandom + Sets{{"cluster.coherence", "broadcast"}});
  CHECK(broadcast.messages_per_tx > geh.messages_per_tx);
  CHECK(*broadcast.mean_response_time_s > *geh.mean_response_time_s);
}

TEST_CASE("one node with a cluster section gives the numbers of the one-node model") {
  auto doc = debit_credit_cluster_model();
  doc.erase("cluster");
  const auto plain = evaluate(parse_model(doc));
  const auto one = cluster(1, {}, true);
  CHECK(*one.mean_response_time_s == *plain.mean_response_time_s);
  CHECK(*one.max_throughput_per_s == *plain.max_throughput_per_s);
  REQUIRE(one.nodes.size() == 1);
  CHECK(one.nodes.front().name == "node1");
}

TEST_CASE("every node has its own MPL and input queue (ch7.md §2.1, L3123)") {
  // A generous MPL changes nothing material; a tight one queues transactions at each node's
  // input and limits the throughput at the MPL, named with its node.
  const auto open = cluster(2, kRandom, true);
  const auto wide = cluster(2, kRandom + Sets{{"policies.mpl", 200}}, true);
  CHECK(*wide.mean_response_time_s == doctest::Approx(*open.mean_response_time_s).epsilon(0.01));
  const auto tight = cluster(2, kRandom + Sets{{"policies.mpl", 10}}, true);
  REQUIRE(tight.mean_response_time_s);
  CHECK(*tight.mean_response_time_s > *open.mean_response_time_s);
  REQUIRE(tight.max_throughput_per_s);
  CHECK(*tight.max_throughput_per_s < *open.max_throughput_per_s);
  CHECK(tight.max_throughput_limited_by.rfind("node", 0) == 0);
  CHECK(tight.max_throughput_limited_by.find(".mpl") != std::string::npos);
  // The MPL holds per node: with all of a type on one node, that node's MPL is the limit, and
  // it is the one named.
  auto doc = debit_credit_cluster_model();
  doc["cluster"]["routing"] = "table";
  doc["cluster"]["routing_table"] = {{"debit_credit", {0.25, 0.75}}};
  doc["policies"]["mpl"] = 10;
  const auto skewed = evaluate(parse_model(doc), {true});
  CHECK(skewed.max_throughput_limited_by == "node2.mpl");
  CHECK(*skewed.max_throughput_per_s < *tight.max_throughput_per_s);
  // One node with a cluster section keeps the one-node MPL model's numbers.
  auto plain = debit_credit_cluster_model();
  plain.erase("cluster");
  plain["policies"]["mpl"] = 8;
  const auto one = cluster(1, Sets{{"policies.mpl", 8}}, true);
  const auto ref = evaluate(parse_model(plain), {true});
  CHECK(*one.mean_response_time_s == *ref.mean_response_time_s);
  CHECK(ref.max_throughput_limited_by == "mpl");
}

TEST_CASE("each node's extended DB buffer in the GEH (L3173) holds its HS victims") {
  // B/T in the node's EH buffer: copies stay valid only until another node updates them, so
  // under random routing the EH buffer adds B/T hits up to the validity bound a / (a + b), while
  // ACCOUNT's dirty victims migrate into EH instead of a synchronous disk write (L2372).
  const Sets eh{{"nodes[0].extended_memory.buffer_pages", 1000},
                {"database.partitions[BRANCH].allocation.extended_buffer", true},
                {"database.partitions[ACCOUNT].allocation.extended_buffer", true}};
  for (int n : {2, 5}) {
    CAPTURE(n);
    const auto base = cluster(n, kRandom);
    const auto with_eh = cluster(n, kRandom + eh);
    const auto& bt = partition(with_eh, "BRANCH");
    CHECK(bt.hs_hit_ratio == doctest::Approx(partition(base, "BRANCH").hs_hit_ratio));
    CHECK(bt.eh_hit_ratio > 0.05);
    CHECK(bt.hs_hit_ratio + bt.eh_hit_ratio <= 1.0 / n + 1e-9);  // on-request validity bound
    CHECK(bt.disk_read_ratio < partition(base, "BRANCH").disk_read_ratio);
    CHECK(with_eh.eh_hit_ratio > 0.0);
    CHECK(*with_eh.mean_response_time_s < *base.mean_response_time_s);
  }
  // Under affinity routing nobody else updates a node's branches: the EH buffer keeps them.
  const auto affinity = cluster(2, kAffinity + eh);
  CHECK(partition(affinity, "BRANCH").hs_hit_ratio + partition(affinity, "BRANCH").eh_hit_ratio >
        0.95);
}

TEST_CASE("the disk cache is shared by the nodes: one cache sees every node's storage reads") {
  // B/T pages read from storage by any node stay in the shared cache for its characteristic
  // time, so another node's read hits them (solver/cache/cluster.hpp, checked against the exact
  // simulation in tests/solver/cache/cluster_test.cpp). A cache that holds all B/T pages, with
  // ACCOUNT and HISTORY bypassing it, serves nearly every B/T storage read; the page requests
  // stay as they are.
  const Sets bt_only{{"database.partitions[ACCOUNT].allocation.disk_cache", false},
                     {"database.partitions[HISTORY].allocation.disk_cache", false}};
  for (int n : {2, 5}) {
    CAPTURE(n);
    const auto base = cluster(n, kRandom);
    const auto cached = cluster(n, kRandom + bt_only +
                                       Sets{{"nodes[0].disk_cache.type", "volatile"},
                                            {"nodes[0].disk_cache.pages", 20000}});
    const auto& bt = partition(cached, "BRANCH");
    const double storage_reads = partition(base, "BRANCH").disk_read_ratio;
    CHECK(bt.hs_hit_ratio == doctest::Approx(partition(base, "BRANCH").hs_hit_ratio));
    CHECK(bt.dc_hit_ratio > 0.9 * storage_reads);
    // Per second: restarts add HS hits per reference at each configuration's own restart rate
    // (model/restarts.hpp), the disk-cache hits and storage reads of the first attempts stay.
    CHECK(bt.dc_hit_ratio * bt.references_per_s <=
          storage_reads * partition(base, "BRANCH").references_per_s + 1e-12);
    CHECK(cached.page_requests_per_tx == doctest::Approx(base.page_requests_per_tx));
    CHECK(*cached.mean_response_time_s < *base.mean_response_time_s);
    // A small cache helps less than a large one.
    const auto small = cluster(n, kRandom + Sets{{"nodes[0].disk_cache.type", "volatile"},
                                                 {"nodes[0].disk_cache.pages", 200}});
    CHECK(partition(small, "BRANCH").dc_hit_ratio < bt.dc_hit_ratio);
  }
}

TEST_CASE("a routing table sends each type's share to its nodes (Tab. 7-1)") {
  auto doc = real_load_model();
  doc["cluster"] = {{"nodes", 4}, {"routing", "table"}, {"scaling", {{"database", "fixed"}}}};
  nlohmann::json table = nlohmann::json::object();
  for (int t = 1; t <= 12; ++t) table["TT" + std::to_string(t)] = {0.7, 0.3, 0.0, 0.0};
  table["TT1"] = {0.0, 0.0, 0.0, 1.0};
  doc["cluster"]["routing_table"] = table;
  const auto e = evaluate(parse_model(doc), {false});
  REQUIRE(e.nodes.size() == 4);
  CHECK(e.nodes[2].arrival_rate_per_s == 0.0);
  CHECK(e.nodes[0].arrival_rate_per_s > e.nodes[1].arrival_rate_per_s);
  double total = 0.0;
  for (const auto& n : e.nodes) total += n.arrival_rate_per_s;
  CHECK(total == doctest::Approx(e.arrival_rate_per_s));
}

TEST_CASE("cluster input errors name the path and the reason") {
  const auto doc = debit_credit_cluster_model();
  const auto err = [&](const Sets& s) { return error_of([&] { parse_model(with(doc, s)); }); };
  CHECK(err({{"cluster.coupling", "loose"}}) ==
        "cluster.coupling: \"loose\" contradicts cluster.locking \"geh_lock_table\": a global "
        "lock table in the GEH needs close coupling (Rahm 1993 7.5.2); use primary_copy or "
        "central");
  CHECK(err({{"cluster.coupling", "none"}})
            .rfind("cluster.coupling: \"none\" needs a single node", 0) == 0);
  CHECK(err({{"cluster.routing", "table"}}) ==
        "cluster: routing \"table\" needs a routing_table (fractions per type and node)");
  CHECK(err({{"cluster.routing", "table"},
             {"cluster.routing_table", {{"debit_credit", {1, 0, 0}}}}}) ==
        "cluster.routing_table.debit_credit: must hold one fraction per node (2), not 3");
  CHECK(err({{"cluster.nodes", 0}}).rfind("cluster.nodes:", 0) == 0);
  // Clusters beyond what the simulator can validate, or whose cost (types^2 x nodes) would run
  // for minutes, are refused up front (model/input_limits.hpp; issue #16).
  CHECK(err({{"cluster.nodes", 5000}}) == "cluster.nodes: at most 64 nodes are supported");
  CHECK(err({{"cluster.nodes", 65}}) == "cluster.nodes: at most 64 nodes are supported");
  CHECK_NOTHROW(parse_model(with(doc, {{"cluster.nodes", 64}})));
  auto many_types = doc;
  auto& types = many_types["workload"]["transaction_types"];
  while (types.size() < 1001) {
    auto copy = types[0];
    copy["name"] = "t" + std::to_string(types.size());
    types.push_back(copy);
  }
  CHECK_NOTHROW(parse_model(with(many_types, {{"cluster.nodes", 1}})));
  CHECK(error_of([&] {
          parse_model(with(many_types, {{"cluster.nodes", 2}}));
        }) ==
        "cluster.nodes: 1001 transaction types x 2 nodes exceed the limit of 2000 types x nodes "
        "(a cluster evaluation's cost grows with types^2 x nodes)");
  auto listed = default_model();
  listed["cluster"] = doc["cluster"];
  listed["cluster"].erase("nodes");
  for (int i = 2; i <= 65; ++i) listed["nodes"].push_back({{"name", "node" + std::to_string(i)}});
  CHECK(error_of([&] { parse_model(listed); }) ==
        "nodes: lists 65 nodes; at most 64 nodes are supported");
  // Several node entries need a cluster section; storage is given once.
  auto two = default_model();
  two["nodes"].push_back({{"name", "node2"}});
  CHECK(error_of([&] { parse_model(two); }) ==
        "nodes: lists 2 nodes: a multi-node model needs a \"cluster\" section (docs/cluster.md)");
  two["cluster"] = {{"nodes", 2}};
  CHECK_NOTHROW(parse_model(two));
  two["nodes"][1]["devices"] = nlohmann::json::array();
  CHECK(error_of([&] { parse_model(two); }).rfind("nodes[1].devices: storage is shared", 0) == 0);
}

TEST_CASE("GEH locking: a grant notification follows a conflict of the request's own mode") {
  // The real load on 8 nodes (98.4 % of the lock requests shared): a request waits for a holder
  // at another node with its mode's conflict probability. Counting every request at the X
  // probability gave 2.6 messages per transaction against 0.33 simulated (tpeval validate, seed 1,
  // at 10 TPS per node: 0.25 of them the page requests' two messages each).
  auto doc = real_load_model();
  doc["nodes"][0]["cpu"] = {{"count", 4}, {"mips", 10.0}};
  doc["nodes"][0]["buffer"] = {{"pages", 1000}};
  doc["workload"]["arrival_rate_per_s"] = 10.0;
  doc["cluster"] = {{"nodes", 8},
                    {"locking", "geh_lock_table"},
                    {"routing", "random"},
                    {"scaling", {{"arrival_rate", "per_node"}, {"database", "fixed"}}}};
  const Evaluation e = evaluate(parse_model(doc), {false});
  REQUIRE_FALSE(e.saturated);
  const double notifications = e.messages_per_tx - 2 * e.page_requests_per_tx;
  CHECK(notifications > 0.0);
  CHECK(notifications < 0.2);
}
