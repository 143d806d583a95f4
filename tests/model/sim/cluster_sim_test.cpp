// The multi-node transaction simulator against the analytic cluster model (issue #11): the same
// Debit-Credit cluster (Tab. 7-2: 100 TPS per node, 4 x 10 MIPS, 200 pages per node) for 2, 5 and
// 10 nodes, random and affinity routing, GEH and primary-copy locking, NOFORCE and FORCE, judged
// by `tpeval validate`'s rule (model/agreement.hpp: within 10 % of the simulated value, or inside
// its interval, or below the metric's absolute floor). Runs are short (a few simulated seconds,
// fixed length, seed 1) to keep CI time modest. Central locking and broadcast invalidation are
// judged on every metric validate compares.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "../scenarios.hpp"
#include "fixed_length.hpp"
#include "model/agreement.hpp"
#include "model/debit_credit.hpp"
#include "model/evaluate.hpp"
#include "model/metrics_registry.hpp"
#include "model/parse.hpp"
#include "model/sim/simulate.hpp"
#include "solver/des/run_until_precise.hpp"
#include "solver/io/json_input.hpp"

using namespace tpeval::model;
using namespace tpeval::model::sim;
using tpeval::model::sim::testing::fixed_length;
using tpeval::model::testing::Sets;
using tpeval::model::testing::with;

namespace {

constexpr double kTolerance = 0.10;  // tpeval validate's default

SystemModel cluster_model(int nodes, const Sets& sets) {
  Sets all{{"cluster.nodes", nodes}};
  all.insert(all.end(), sets.begin(), sets.end());
  return parse_model(with(debit_credit_cluster_model(), all));
}

/// Checks the named metrics (metric[:owner]) with validate's rule.
void check_agreement(const SystemModel& m, const Evaluation& e, const TxSimReport& r,
                     const std::vector<std::string>& names) {
  for (const MetricComparison& row : compare_metrics(e, m, r, kTolerance)) {
    const std::string name = row.metric + ":" + row.owner;
    if (std::find(names.begin(), names.end(), row.metric) == names.end() &&
        std::find(names.begin(), names.end(), name) == names.end())
      continue;
    CHECK_MESSAGE(row.pass, name << ": analytic " << row.analytic << ", simulated "
                                 << row.simulated.mean << " +- " << row.simulated.half_width);
  }
}

}  // namespace

TEST_CASE("cluster simulator: validate agreement, Debit-Credit at 100 TPS per node") {
  struct Combination {
    int nodes;
    const char* routing;
    const char* locking;
    const char* strategy;
  };
  // 12 combinations over nodes x routing x locking x update strategy.
  const Combination combos[] = {
      {2, "random", "geh_lock_table", "noforce"},  {2, "affinity", "geh_lock_table", "noforce"},
      {2, "random", "primary_copy", "noforce"},    {2, "random", "geh_lock_table", "force"},
      {5, "random", "geh_lock_table", "noforce"},  {5, "affinity", "primary_copy", "noforce"},
      {5, "random", "primary_copy", "force"},      {5, "affinity", "geh_lock_table", "force"},
      {10, "random", "geh_lock_table", "noforce"}, {10, "affinity", "geh_lock_table", "noforce"},
      {10, "random", "primary_copy", "noforce"},   {10, "affinity", "primary_copy", "force"},
  };
  for (const Combination& c : combos) {
    CAPTURE(c.nodes);
    CAPTURE(std::string(c.routing));
    CAPTURE(std::string(c.locking));
    CAPTURE(std::string(c.strategy));
    const SystemModel m = cluster_model(c.nodes, {{"cluster.routing", c.routing},
                                                  {"cluster.locking", c.locking},
                                                  {"policies.update_strategy", c.strategy}});
    EvaluateOptions eo;
    eo.find_max_throughput = false;  // as tpeval validate
    const Evaluation e = evaluate(m, eo);
    const TxSimReport r = simulate_transactions(m, fixed_length(c.nodes >= 10 ? 30.0 : 60.0));
    REQUIRE_FALSE(r.saturated);
    // Every metric tpeval validate compares, by its rule (model/agreement.hpp).
    const auto rows = compare_metrics(e, m, r, kTolerance);
    CHECK(rows.size() > 50);
    for (const MetricComparison& row : rows) {
      CAPTURE(row.owner);
      CAPTURE(row.metric);
      CHECK_MESSAGE(row.pass, row.owner << " " << row.metric << ": analytic " << row.analytic
                                        << ", simulated " << row.simulated.mean << " +- "
                                        << row.simulated.half_width);
    }
  }
}

// Issue #11: the lock conflict probability was 10-18 % low analytically (2 nodes, GEH, random:
// 0.0250 against 0.0303; primary copy: lock wait 2.14 against 3.12 ms), because the lock model
// held BRANCH's lock from the middle of a step of half the reference phase, while the simulator
// locks at the start of the reference and holds it through TELLER's reference, half of the
// other references and the commit (model/point_solve.cpp lock_steps). Runs long enough for
// intervals of about +-5 % on the conflict probability, so an 18 % error fails.
TEST_CASE("cluster simulator: lock conflicts and lock waits agree (#11)") {
  struct Combination {
    int nodes;
    const char* routing;
    const char* locking;
  };
  const Combination combos[] = {
      {1, "random", "geh_lock_table"},   {2, "random", "geh_lock_table"},
      {2, "affinity", "geh_lock_table"}, {2, "random", "primary_copy"},
      {5, "random", "geh_lock_table"},   {5, "affinity", "primary_copy"},
      {10, "random", "geh_lock_table"},  {10, "affinity", "primary_copy"},
  };
  for (const Combination& c : combos) {
    CAPTURE(c.nodes);
    CAPTURE(std::string(c.routing));
    CAPTURE(std::string(c.locking));
    const SystemModel m =
        cluster_model(c.nodes, {{"cluster.routing", c.routing}, {"cluster.locking", c.locking}});
    const Evaluation e = evaluate(m);
    const TxSimReport r = simulate_transactions(m, fixed_length(c.nodes >= 10 ? 30.0 : 80.0));
    REQUIRE_FALSE(r.saturated);
    check_agreement(m, e, r,
                    {"conflict_probability", "lock_conflict_probability:BRANCH", "lock_wait_ms"});
  }
}

TEST_CASE("cluster simulator: primary copy page-request share per partition") {
  // Under primary copy a miss under the node's own lock authority reads the disk (L2993), so
  // only 1 - 1/n of the B/T misses another node holds are shipped with a grant; both engines
  // report that share (model/device_demand.hpp own_authority_read_share): about 16.6 % at n = 2
  // against 33 % under GEH locking.
  const SystemModel m = cluster_model(2, {{"cluster.locking", "primary_copy"}});
  const Evaluation e = evaluate(m);
  const TxSimReport r = simulate_transactions(m, fixed_length(10.0));
  const SimulationView view{m, r};
  const auto share = simulated_metric(view, "page_request_pct:BRANCH");
  const auto per_tx = analytic_metric(e, "page_requests_per_tx");
  const auto analytic_share = analytic_metric(e, "page_request_pct:BRANCH");
  REQUIRE((share && per_tx && analytic_share));
  // One BRANCH reference per transaction: the share equals the page requests per transaction.
  CHECK(std::abs(*analytic_share - 100.0 * *per_tx) < 0.01);
  CHECK(agreement(*analytic_share, *share, kTolerance, 0.5) != AgreementClause::none);
  CHECK(*analytic_share == doctest::Approx(16.6).epsilon(0.03));
}

TEST_CASE(
    "cluster simulator: a read authorisation lasts while the node buffers the current page "
    "(L2942, L2977-2993)") {
  // Primary copy, 2 nodes, random routing, 98 % reads: the lock experiment's transaction on
  // 200 + 1000 pages (the database not scaled), with a buffer of 100 or 2000 pages per node.
  const auto model = [](long pages) {
    return parse_model(
        with(lock_experiment_model(), {{"workload.transaction_types[update10].update_share", 0.02},
                                       {"workload.arrival_rate_per_s", 50},
                                       {"database.partitions[small].records", 2000},
                                       {"database.partitions[large].records", 10000},
                                       {"nodes[0].cpu.mips", 10},
                                       {"nodes[0].buffer.pages", pages},
                                       {"cluster.nodes", 2},
                                       {"cluster.locking", "primary_copy"},
                                       {"cluster.routing", "random"},
                                       {"cluster.scaling.arrival_rate", "per_node"},
                                       {"cluster.scaling.database", "fixed"}}));
  };
  double simulated[2] = {};
  const long pages[2] = {100, 2000};
  for (int i = 0; i < 2; ++i) {
    CAPTURE(pages[i]);
    const SystemModel m = model(pages[i]);
    const Evaluation e = evaluate(m);
    const TxSimReport r = simulate_transactions(m, fixed_length(60.0));
    REQUIRE_FALSE(r.saturated);
    // Analytic: half the locks are under the own authority; of the other half the R locks
    // (98 %) are local as often as the node still buffers the page.
    CHECK(*e.local_lock_share == doctest::Approx(0.5 + 0.5 * 0.98 * e.hs_hit_ratio).epsilon(0.01));
    check_agreement(m, e, r, {"local_lock_pct", "hs_hit_pct", "messages_per_tx"});
    simulated[i] = simulated_metric(SimulationView{m, r}, "local_lock_pct")->mean;
  }
  // The small buffer loses most authorisations with its pages.
  CHECK(simulated[0] + 20.0 < simulated[1]);
}

TEST_CASE("cluster simulator: an MPL per node with its own input queue (ch7.md §2.1)") {
  // 5 nodes at 100 TPS each; an MPL of 10 per node queues transactions at every node's input.
  const SystemModel m = cluster_model(5, {{"policies.mpl", 10}});
  const Evaluation e = evaluate(m);
  const TxSimReport r = simulate_transactions(m, fixed_length(10.0));
  REQUIRE_FALSE(r.saturated);
  const SimulationView view{m, r};
  const auto active = simulated_metric(view, "mean_active_transactions");
  REQUIRE(active.has_value());
  CHECK(active->mean <= 5 * 10 + 1e-9);  // never more than the MPL per node, 5 nodes
  const auto queued = r.find("type", "debit_credit", "input_queue_s");
  REQUIRE(queued != nullptr);
  CHECK(queued->estimate.mean > 0.0);
  check_agreement(m, e, r, {"throughput_per_s", "node_cpu_utilization_pct:node1"});
  // The input-queue wait differs (analytic 45.6 ms from the per-node flow-equivalent server,
  // simulated 24-32 ms at seed 1 in 10-20 s runs): recorded and reported, not judged here.
  MESSAGE("input_queue_ms analytic " << *analytic_metric(e, "input_queue_ms") << ", simulated "
                                     << 1000.0 * queued->estimate.mean);
}

TEST_CASE("cluster simulator: page requests take about 6.5 ms, a disk read more (V14, L3264)") {
  const SystemModel m = cluster_model(10, {{"cluster.routing", "random"}});
  const TxSimReport r = simulate_transactions(m, fixed_length(6.0));
  const SimulationView view{m, r};
  const auto ms = simulated_metric(view, "page_request_ms");
  REQUIRE(ms.has_value());
  // Book: about 6.5 ms, "mostly CPU time including waiting"; pure service is 3.0 ms.
  CHECK(ms->mean > 3.0);
  CHECK(ms->mean < 16.4);  // a disk read takes longer (V14)
}

TEST_CASE("cluster simulator: the same seed gives identical results, any thread count") {
  // Primary copy; central locking (write authorisations per lock); broadcast invalidation.
  for (const Sets& sets : {Sets{{"cluster.locking", "primary_copy"}},
                           Sets{{"cluster.locking", "central"}, {"cluster.routing", "affinity"}},
                           Sets{{"cluster.coherence", "broadcast"}}}) {
    const SystemModel m = cluster_model(5, sets);
    TxSimOptions a = fixed_length(3.0);
    TxSimOptions b = fixed_length(3.0);
    a.replications = b.replications = 2;
    b.threads = 2;
    const TxSimReport ra = simulate_transactions(m, a);
    const TxSimReport rb = simulate_transactions(m, b);
    REQUIRE(ra.metrics.size() == rb.metrics.size());
    for (std::size_t i = 0; i < ra.metrics.size(); ++i) {
      CAPTURE(ra.metrics[i].metric);
      CHECK(ra.metrics[i].estimate.mean == rb.metrics[i].estimate.mean);
      CHECK(ra.metrics[i].estimate.half_width == rb.metrics[i].estimate.half_width);
    }
  }
}

namespace {

/// Every metric `tpeval validate` compares (model::compare_metrics), judged by its rule;
/// returns how many were judged.
int check_validate_metrics(const Evaluation& e, const SystemModel& m, const TxSimReport& r) {
  int judged = 0;
  for (const MetricComparison& row : compare_metrics(e, m, r, kTolerance)) {
    ++judged;
    CHECK_MESSAGE(row.pass, row.metric << ":" << row.owner << ": analytic " << row.analytic
                                       << ", simulated " << row.simulated.mean << " +- "
                                       << row.simulated.half_width);
  }
  return judged;
}

/// Runs both engines on the cluster at `tps_per_node` and judges every metric validate compares.
void check_cluster_validates(int nodes, double tps_per_node, const Sets& sets) {
  Sets all{{"workload.arrival_rate_per_s", tps_per_node}};
  all.insert(all.end(), sets.begin(), sets.end());
  const SystemModel m = cluster_model(nodes, all);
  const Evaluation e = evaluate(m);
  const TxSimReport r = simulate_transactions(m, fixed_length(40.0));
  REQUIRE_FALSE(r.saturated);
  CHECK(check_validate_metrics(e, m, r) > 60);
}

}  // namespace

TEST_CASE("cluster simulator: central locking, validate agreement (2 and 5 nodes)") {
  // The central lock manager on node 1 with write authorisations (L2933-2951): the messages per
  // lock request are one rule for both engines (model/cluster_messages.hpp). At 100 TPS per node
  // the GLM node's CPU saturates with 5 nodes under random routing (next test case), so that
  // combination runs at 60 TPS per node.
  struct Combination {
    int nodes;
    const char* routing;
    double tps_per_node;
  };
  for (const Combination& c : {Combination{2, "random", 100}, Combination{2, "affinity", 100},
                               Combination{5, "random", 60}, Combination{5, "affinity", 100}}) {
    CAPTURE(c.nodes);
    CAPTURE(std::string(c.routing));
    check_cluster_validates(c.nodes, c.tps_per_node,
                            {{"cluster.locking", "central"}, {"cluster.routing", c.routing}});
  }
}

TEST_CASE("cluster simulator: central locking saturates the GLM node, in both engines") {
  // 5 nodes, random routing, 100 TPS per node: the GLM receives 4 x 200 lock requests per second,
  // 80 % of them remote, each costing it 10,000-20,000 instructions: its CPU needs more than 4
  // servers. The analytic model names the bottleneck; the simulator refuses the unstable model.
  const SystemModel m = cluster_model(5, {{"cluster.locking", "central"}});
  const Evaluation e = evaluate(m);
  const auto load = analytic_metric(e, "offered_load:node1.cpu");
  const auto other = analytic_metric(e, "offered_load:node2.cpu");
  REQUIRE((load && other));
  CHECK(*load > 4.0);
  CHECK(*other < 4.0);
  CHECK_THROWS_AS(simulate_transactions(m, fixed_length(1.0)),
                  tpeval::solver::des::SimulationError);
}

TEST_CASE("cluster simulator: central locking without write authorisations, validate agreement") {
  // Every lock of another node goes to the GLM and is released by its own message (L2933).
  check_cluster_validates(2, 100,
                          {{"cluster.locking", "central"},
                           {"cluster.write_authorizations", false},
                           {"cluster.routing", "random"}});
}

TEST_CASE("cluster simulator: central locking counts the messages of the protocol") {
  // Random routing, 5 nodes: a node holds the write authorisation of a B/T or ACCOUNT page with
  // probability 1/5; another node's request costs request + grant, plus revocation and return
  // unless the GLM holds it (L2951). Per transaction (2 locks): non-GLM nodes 2 x (4/5 x 2 + 3/5
  // x 2) = 5.6 messages, the GLM node 2 x 4/5 x 2 = 3.2; local share 1/5 everywhere.
  // FORCE: no page requests add messages.
  const SystemModel m =
      cluster_model(5, {{"cluster.locking", "central"}, {"policies.update_strategy", "force"}});
  const TxSimReport r = simulate_transactions(m, fixed_length(10.0));
  const SimulationView view{m, r};
  const auto near = [&](const std::string& name, double expected) {
    const auto s = simulated_metric(view, name);
    REQUIRE(s.has_value());
    CHECK_MESSAGE(
        std::abs(s->mean - expected) <= s->half_width + 0.05 * expected,
        name << ": simulated " << s->mean << " +- " << s->half_width << ", protocol " << expected);
  };
  near("node_messages_per_tx:node1", 3.2);
  near("node_messages_per_tx:node3", 5.6);
  // The analytic model counts the same expectation (model/cluster_messages.hpp).
  const Evaluation e = evaluate(m);
  CHECK(*analytic_metric(e, "node_messages_per_tx:node1") == doctest::Approx(3.2));
  CHECK(*analytic_metric(e, "node_messages_per_tx:node3") == doctest::Approx(5.6));
  CHECK(*analytic_metric(e, "node_local_lock_pct:node4") == doctest::Approx(20.0));
  near("node_local_lock_pct:node1", 20.0);
  near("node_local_lock_pct:node4", 20.0);
}

TEST_CASE("cluster simulator: broadcast invalidation, validate agreement (2 and 5 nodes)") {
  // Every update commit sends an invalidation to each other node and waits for the
  // acknowledgements (L2971-2973); the other nodes' copies are dropped. 5 nodes at 60 TPS per
  // node: at 100 the CPUs run at 85-89 % and the analytic CPU waits of the many short message
  // bursts dominate the comparison (recorded in the next test case).
  for (const int nodes : {2, 5})
    for (const char* routing : {"random", "affinity"}) {
      CAPTURE(nodes);
      CAPTURE(std::string(routing));
      check_cluster_validates(nodes, nodes == 2 ? 100 : 60,
                              {{"cluster.coherence", "broadcast"}, {"cluster.routing", routing}});
    }
}

TEST_CASE("cluster simulator: broadcast invalidation at 5 nodes, 100 TPS per node: recorded") {
  // 8 short messages per update commit raise the CPU utilization to 89 %. The analytic response
  // time was 10-12 % above the simulated one (600 s: 206 against 185 +- 7 ms), and the conflict
  // probability (0.076 against 0.068): the transaction waited for one round trip plus each of
  // its other sends and receives in full, 61 ms, where the simulator's four round trips run in
  // parallel and the transaction waits for the last acknowledgement: 41.2 ms (sd 19.9; one leg
  // 25.4 ms, sd 19.1; measured in the simulator, 200 s). Issue #11: the analytic model times
  // the broadcast as that fork-join (model/point_solve.cpp broadcast_wait_s: 41 ms), and the
  // response time (181 against 187 ms), conflicts and active transactions agree. What remains is
  // recorded: the lock wait (11.2 against 13.8 ms) and the response percentiles (p99 416
  // against 499 ms) were low: the lock holding and response times vary more at 89 % CPU, where
  // a transaction's CPU waits are correlated (issue #13; the old broadcast rule's longer commit
  // phase hid that). With their covariance (model/point_solve.cpp cpu_wait_covariances) the lock
  // wait is 12.6 against 13.8 ms and p99 464 against 499 ms: every metric agrees.
  const SystemModel m = cluster_model(
      5, {{"workload.arrival_rate_per_s", 100.0}, {"cluster.coherence", "broadcast"}});
  const Evaluation e = evaluate(m);
  const TxSimReport r = simulate_transactions(m, fixed_length(600.0));
  REQUIRE_FALSE(r.saturated);
  CHECK(check_validate_metrics(e, m, r) > 60);
}

TEST_CASE("cluster simulator: broadcast invalidation sends 2 (n - 1) messages per update") {
  // 5 nodes, affinity routing, FORCE: no page requests, so the messages per transaction are the
  // broadcast's 4 invalidations and 4 acknowledgements plus the grant notifications of lock waits.
  const SystemModel m = cluster_model(5, {{"cluster.coherence", "broadcast"},
                                          {"cluster.routing", "affinity"},
                                          {"policies.update_strategy", "force"}});
  const TxSimReport r = simulate_transactions(m, fixed_length(10.0));
  const SimulationView view{m, r};
  const auto messages = simulated_metric(view, "messages_per_tx");
  REQUIRE(messages.has_value());
  CHECK(messages->mean >= 8.0);
  CHECK(messages->mean < 8.1);
  // The dropped copies: with affinity routing nobody else references a node's B/T pages, so
  // the hit ratio stays the one-node one (V10).
  const auto hit = simulated_metric(view, "hs_hit_pct");
  REQUIRE(hit.has_value());
  CHECK(hit->mean > 30.0);
}

TEST_CASE("cluster simulator: per-node EH buffers and the shared disk cache agree with the model") {
  // Each node's extended DB buffer holds its HS victims, checked against the page's change
  // counter; the disk cache is one for all nodes and sees only storage reads (not pages another
  // node ships). Hit ratios and page requests of both engines (solver/cache/cluster.hpp).
  const auto check = [](const SystemModel& m, const char* metric, double tolerance) {
    const Evaluation e = evaluate(m);
    const TxSimReport r = simulate_transactions(m, fixed_length(20.0));
    const SimulationView view{m, r};
    const double a = *analytic_metric(e, metric);
    const auto s = simulated_metric(view, metric);
    REQUIRE(s.has_value());
    MESSAGE(std::string(metric) << ": analytic " << a << ", simulated " << s->mean << " +- "
                                << s->half_width);
    CHECK(std::abs(a - s->mean) <= s->half_width + tolerance);
  };
  const SystemModel eh =
      cluster_model(2, {{"nodes[0].extended_memory.buffer_pages", 1000},
                        {"database.partitions[BRANCH].allocation.extended_buffer", true},
                        {"database.partitions[ACCOUNT].allocation.extended_buffer", true}});
  check(eh, "eh_hit_pct", 1.0);
  check(eh, "hs_hit_pct", 1.0);
  check(eh, "page_requests_per_tx", 0.02);
  const SystemModel dc = cluster_model(
      2, {{"nodes[0].disk_cache.type", "volatile"}, {"nodes[0].disk_cache.pages", 2000}});
  check(dc, "dc_hit_pct", 1.0);
  check(dc, "page_requests_per_tx", 0.02);
}

TEST_CASE("cluster simulator: group commit, one log per node, agrees on every metric") {
  // Group commit of 3 on each node's own log (L1352). Three analytic errors showed here: the
  // group waited for the arrivals of all nodes' update transactions (the commit I/O fell with n:
  // 12.1 / 7.1 / 4.1 ms at 1 / 2 / 5 nodes against 16.5-17.3 ms simulated), every member waited
  // only 1/g of the shared log write, and the simulator's last member released only its own
  // GEH lock entries (5.33 accesses per transaction instead of 8).
  for (const int nodes : {1, 2, 5}) {
    CAPTURE(nodes);
    check_cluster_validates(nodes, 100, {{"nodes[0].log.group_commit_size", 3}});
  }
}

TEST_CASE("cluster simulator: every metric agrees at 88-94 % CPU without broadcast") {
  // Off the book's points: 2 nodes, GEH locking, 130 TPS per node (CPUs at 88 %), and 4 nodes,
  // primary copy, 120 TPS per node (94 %). A transaction's CPU waits are correlated there (0.72
  // on 2 nodes, measured), which the model adds (model/point_solve.cpp cpu_wait_covariances); a
  // blocked request also waits for those queued before it (solver/locking/queue_ahead.hpp); a
  // page request is a step of the reference that makes it (remote_trip_moments). The p99 was
  // still low (332 against 382 +- 30 ms on 2 nodes, -13.3 %; 619 against 769 +- 88 ms on 4,
  // -19.5 %; seed 1, 300 s): the response-time variance missed the covariance of the CPU waits
  // with the message time, whose own-CPU sends and receives wait in the same queue (measured
  // with temporary instrumentation of the simulator, per transaction: correlation 0.22 on 2
  // nodes, 0.58 on 4, the largest missing term; docs/cluster.md). The covariance now runs over
  // all waited visits to the own CPU (waited_cpu_visits): p99 341 ms on 2 nodes (382 / 378 at
  // seeds 1 / 2), 706 ms on 4 (769 / 690). Judged like every metric, at two seeds.
  struct Point {
    int nodes;
    double tps_per_node;
    const char* locking;
  };
  for (const Point& p : {Point{2, 130.0, "geh_lock_table"}, Point{4, 120.0, "primary_copy"}}) {
    const SystemModel m = cluster_model(
        p.nodes, {{"workload.arrival_rate_per_s", p.tps_per_node}, {"cluster.locking", p.locking}});
    const Evaluation e = evaluate(m);
    for (const std::uint64_t seed : {1U, 2U}) {
      CAPTURE(p.nodes);
      CAPTURE(seed);
      const TxSimReport r = simulate_transactions(m, fixed_length(300.0, seed));
      REQUIRE_FALSE(r.saturated);
      CHECK(check_validate_metrics(e, m, r) > 60);
    }
  }
}
