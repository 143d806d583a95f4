// Deadlock restarts in the analytic model (issue #13, model/restarts.hpp): a victim restarts at
// once with the same references, and those it made before the deadlock hit in HS. Found on
// page-locked HISTORY with 50 BRANCH pages at 55 / 60 TPS, where about 3 % of the transactions
// restart: ACCOUNT's hit ratio was 0.04 % analytic against 2.1 % simulated.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "../scenarios.hpp"
#include "fixed_length.hpp"
#include "model/agreement.hpp"
#include "model/buffer_model.hpp"
#include "model/debit_credit.hpp"
#include "model/evaluate.hpp"
#include "model/metrics_registry.hpp"
#include "model/parse.hpp"
#include "model/restarts.hpp"
#include "model/sim/simulate.hpp"

using namespace tpeval::model;
using namespace tpeval::model::sim;
using tpeval::model::sim::testing::fixed_length;
using tpeval::model::testing::with;

namespace {

SystemModel fifty_branch_pages(double rate) {
  return parse_model(
      with(debit_credit_model(), {{"database.partitions[HISTORY].lock_granularity", "page"},
                                  {"database.partitions[BRANCH].records", 50},
                                  {"workload.arrival_rate_per_s", rate}}));
}

std::size_t partition_index(const SystemModel& m, const std::string& name) {
  for (std::size_t p = 0; p < m.partitions.size(); ++p)
    if (m.partitions[p].name == name) return p;
  FAIL("no partition " << name);
  return 0;
}

const PartitionResult& partition(const Evaluation& e, const std::string& name) {
  for (const auto& p : e.partitions)
    if (p.name == name) return p;
  FAIL("no partition result " << name);
  return e.partitions.front();
}

}  // namespace

TEST_CASE("deadlock restarts: p / (1 - p) per transaction, none at p = 0, null at p = 1") {
  CHECK(restarts_per_transaction(0.0) == 0.0);
  CHECK(*restarts_per_transaction(0.03) == doctest::Approx(0.03 / 0.97));
  CHECK_FALSE(restarts_per_transaction(1.0).has_value());
}

TEST_CASE("deadlock restarts: 50 BRANCH pages, ACCOUNT's hit ratio from the deadlock probability") {
  const SystemModel m = fifty_branch_pages(60.0);
  const Evaluation e = evaluate(m, EvaluateOptions{false});
  REQUIRE_FALSE(e.saturated);
  const double p = e.types.front().deadlock_probability;
  REQUIRE(p > 0.01);  // the point of the issue: about 3 % of the transactions deadlock
  const double r = p / (1.0 - p);
  REQUIRE(e.types.front().restarts_per_transaction.has_value());
  CHECK(*e.types.front().restarts_per_transaction == doctest::Approx(r));
  REQUIRE(e.restart_rate_per_s.has_value());
  CHECK(*e.restart_rate_per_s == doctest::Approx(60.0 * r));
  // The buffer model's hit ratio of the first attempts (no restarts), and the repeated share:
  // ACCOUNT is in no cycle (its record locks hardly conflict), so 2/3 of a reference per restart.
  const BufferLevels levels = evaluate_buffers(m);
  const PartitionBuffer& first = levels.partitions[partition_index(m, "ACCOUNT")];
  const PartitionResult& account = partition(e, "ACCOUNT");
  const double repeated = account.references_per_s / 60.0 - 1.0;  // per reference
  CHECK(repeated == doctest::Approx(kRepeatedShare * r).epsilon(0.01));
  CHECK(account.hs_hit_ratio ==
        doctest::Approx((first.hs_hit_ratio + repeated) / (1.0 + repeated)));
  CHECK(account.references_per_s == doctest::Approx(60.0 * (1.0 + repeated)));
  CHECK(account.disk_read_ratio == doctest::Approx(first.read_miss_ratio / (1.0 + repeated)));
  // The misses per transaction stay: restarts add hits only.
  CHECK(account.references_per_s * (1.0 - account.hs_hit_ratio) ==
        doctest::Approx(60.0 * (1.0 - first.hs_hit_ratio)));
  std::printf("  50 BRANCH pages, 60 TPS: p %.4f, ACCOUNT hit %.3f %% (first attempts %.3f %%)\n",
              p, 100.0 * account.hs_hit_ratio, 100.0 * first.hs_hit_ratio);
}

TEST_CASE("deadlock restarts: a restart repeats the cycle's held reference, not the refused one") {
  const SystemModel m = fifty_branch_pages(60.0);
  const std::size_t np = m.partitions.size();
  const std::size_t account = partition_index(m, "ACCOUNT"), branch = partition_index(m, "BRANCH"),
                    teller = partition_index(m, "TELLER"), history = partition_index(m, "HISTORY");
  // Cycles of HISTORY + BRANCH: the victim holds HISTORY in 0.9 of them and requests BRANCH.
  std::vector<double> held(np, 0.0), requested(np, 0.0);
  held[history] = requested[branch] = 0.9;
  held[branch] = requested[history] = 0.1;
  const std::vector<double> r = repeated_per_restart(m, 0, held, requested);
  CHECK(r[history] == doctest::Approx(0.9));        // held: made before the closing request
  CHECK(r[branch] == doctest::Approx(0.1));         // requested 0.9: refused, not made
  CHECK(r[teller] == doctest::Approx(0.1));         // right after its BRANCH (fixed counts)
  CHECK(r[account] == doctest::Approx(2.0 / 3.0));  // outside the cycle: before it in 2 of 3
  // Without the split, 2/3 of every reference (the rule before issue #13's split).
  const std::vector<double> plain = repeated_per_restart(m, 0, {}, {});
  for (std::size_t p = 0; p < np; ++p) CHECK(plain[p] == doctest::Approx(2.0 / 3.0));
}

// Issue #13: the simulator repeats per restart (seeds 1-3, 55 / 60 TPS, 3600 s) HISTORY
// 0.874-0.881, BRANCH and TELLER 0.119-0.127, ACCOUNT 0.703-0.715 references; before the split
// the analytic model took 2/3 of each.
TEST_CASE("deadlock restarts: 50 BRANCH pages, the lock model's cycles are HISTORY + BRANCH") {
  const SystemModel m = fifty_branch_pages(60.0);
  const Evaluation e = evaluate(m, EvaluateOptions{false});
  REQUIRE_FALSE(e.saturated);
  const double r = e.types.front().restarts_per_transaction.value_or(0.0);
  REQUIRE(r > 0.01);
  const auto per_restart = [&](const std::string& name) {
    return (partition(e, name).references_per_s / 60.0 - 1.0) / r;
  };
  const double history = per_restart("HISTORY"), branch = per_restart("BRANCH");
  // Nearer the simulated 0.877 / 0.123 than 2/3 each, but the lock model puts the victim's held
  // lock on HISTORY in 0.96 of the cycles (its `ahead` term: a holder of the page requests the
  // BRANCH page of one queued behind it), the simulator in 0.88: the measured value is pinned.
  CHECK(std::abs(history - 0.877) < std::abs(2.0 / 3.0 - 0.877));
  CHECK(std::abs(branch - 0.123) < std::abs(2.0 / 3.0 - 0.123));
  CHECK(history == doctest::Approx(0.961).epsilon(0.005));
  CHECK(history + branch == doctest::Approx(1.0).epsilon(0.01));  // the one held lock
  CHECK(per_restart("TELLER") == doctest::Approx(branch));
  CHECK(per_restart("ACCOUNT") == doctest::Approx(2.0 / 3.0).epsilon(0.01));
  std::printf("  50 BRANCH pages, 60 TPS, per restart: HISTORY %.3f, BRANCH %.3f, ACCOUNT %.3f\n",
              history, branch, per_restart("ACCOUNT"));
}

TEST_CASE("deadlock restarts: a restart repeats BOT, its repeated references and their locks") {
  const SystemModel m = fifty_branch_pages(60.0);
  const std::size_t np = m.partitions.size();
  std::vector<double> per_restart(np, 0.0), requests(np, 0.0);
  per_restart[partition_index(m, "HISTORY")] = 0.9;
  per_restart[partition_index(m, "BRANCH")] = per_restart[partition_index(m, "TELLER")] = 0.1;
  per_restart[partition_index(m, "ACCOUNT")] = 2.0 / 3.0;
  // Page locks on BRANCH (TELLER is in its page: no request of its own) and HISTORY, record
  // locks on ACCOUNT: one request per reference each.
  requests[partition_index(m, "HISTORY")] = requests[partition_index(m, "BRANCH")] = 1.0;
  requests[partition_index(m, "ACCOUNT")] = 1.0;
  const RestartWork w = restart_work(m, 0, per_restart, requests);
  const auto& ins = m.transaction_types.front().instructions;
  CHECK(w.cpu_instructions == doctest::Approx(ins.bot + ins.per_reference * (1.1 + 2.0 / 3.0)));
  CHECK(w.lock_requests == doctest::Approx(1.0 + 1.0 + 2.0 / 3.0));  // and the refused one
}

// Issue #13: the simulator counts the work of the aborted attempts (seeds 1 / 2, 3600 s):
// 262,709 +- 152 / 262,656 +- 122 instructions and 3.0813 +- 0.0034 / 3.0800 +- 0.0028 lock
// requests per transaction; without the restarts' work the analytic counts were 259,148 and
// 3.00.
TEST_CASE("deadlock restarts: 50 BRANCH pages, the restarts' work in the work counts") {
  const Evaluation e = evaluate(fifty_branch_pages(60.0), EvaluateOptions{false});
  REQUIRE_FALSE(e.saturated);
  const TypeResult& t = e.types.front();
  CHECK(t.cpu_instructions > 262'534.0);
  CHECK(t.cpu_instructions < 262'862.0);
  CHECK(t.lock_requests > 3.0772);
  CHECK(t.lock_requests < 3.0847);
  std::printf("  50 BRANCH pages, 60 TPS: %.0f instructions, %.4f lock requests per tx\n",
              t.cpu_instructions, t.lock_requests);
}

// Issue #13: the restarts' work was counted but not loaded - cpu_service_ms 5.183 analytic against
// 5.254 +- 0.010 / 5.255 +- 0.011 simulated (seeds 1 / 2, 3600 s), CPU utilization 7.77 against
// 7.87 / 7.90 %. The aborted attempts' CPU work is now the CPU's load and the transaction's CPU
// time: the CPU service per transaction is the work count's instructions at the node's speed.
TEST_CASE("deadlock restarts: 50 BRANCH pages, the aborted attempts' CPU work loads the CPU") {
  const SystemModel m = fifty_branch_pages(60.0);
  const Evaluation e = evaluate(m, EvaluateOptions{false});
  REQUIRE_FALSE(e.saturated);
  const TypeResult& t = e.types.front();
  REQUIRE(t.restarts_per_transaction.value_or(0.0) > 0.01);
  const Node& node = m.nodes.front();
  const double ms_per_instruction = 1.0 / (node.cpu_mips * 1000.0);
  CHECK(1000.0 * t.breakdown.cpu_service_s ==
        doctest::Approx(t.cpu_instructions * ms_per_instruction).epsilon(1e-6));
  const auto utilization = analytic_metric(e, "cpu_utilization_pct");
  REQUIRE(utilization);
  CHECK(*utilization == doctest::Approx(100.0 * 60.0 * t.cpu_instructions * ms_per_instruction /
                                        1000.0 / node.cpu_count)
                            .epsilon(1e-6));
  std::printf("  50 BRANCH pages, 60 TPS: cpu_service_ms %.4f, CPU %.3f %%\n",
              1000.0 * t.breakdown.cpu_service_s, *utilization);
}

// Issue #13: the simulator's response time runs from the first arrival to the final commit, its
// lock wait and conflicts count every attempt's. Measured with a debugging patch of
// model/sim/transaction_engine.cpp (not committed; seeds 1 / 2, 3600 s): an aborted attempt
// lasted 203 / 211 ms, 176 / 184 ms of it lock waits (the victim waited in HISTORY's queue
// before it requested the BRANCH page), 2.5 ms CPU; the attempts that completed waited 162.5 /
// 165.9 ms. The model adds per restart the repeated CPU work and the waits of the repeated lock
// requests (145 ms: the class's waits per request), and counts the refused request as a
// conflict: conflict_probability 0.3366 -> 0.3459 against 0.3457 +- 0.0016 / 0.3465 +- 0.0016.
// The response time 216.06 -> 220.49 ms against 214.25 +- 4.68 / 218.74 +- 6.36: the
// completing attempts' lock wait is 170.3 ms analytic against 162.5 / 165.9 simulated, which the
// missing aborted time had hidden (pinned below; docs/model.md "Deadlock restarts"). Since the
// commit I/O's variance counts each station's operations by their own length (a log write's
// transfer, controller and disk stages as three exponentials, issue #13) the lock holding
// times vary less: 169.7 ms, the response time 219.95 ms.
TEST_CASE("deadlock restarts: 50 BRANCH pages, the aborted attempts' time and conflicts") {
  const Evaluation e = evaluate(fifty_branch_pages(60.0), EvaluateOptions{false});
  REQUIRE_FALSE(e.saturated);
  const TypeResult& t = e.types.front();
  const double r = t.restarts_per_transaction.value_or(0.0);
  REQUIRE(r > 0.01);
  REQUIRE(t.response_time_s.has_value());
  // The aborted attempts' lock waits: r x 145 ms on the completing attempt's 169.7 ms.
  CHECK(1000.0 * t.breakdown.lock_wait_s > 169.7 + r * 140.0);
  CHECK(1000.0 * t.breakdown.lock_wait_s < 169.7 + r * 150.0);
  CHECK(1000.0 * *t.response_time_s == doctest::Approx(219.95).epsilon(0.002));
  // The refused request is a conflict (each restart has one): inside seed 1's interval.
  CHECK(t.conflict_probability > 0.34572 - 0.00161);
  CHECK(t.conflict_probability < 0.34572 + 0.00161);
  std::printf("  50 BRANCH pages, 60 TPS: lock wait %.2f ms, response %.2f ms, conflicts %.4f\n",
              1000.0 * t.breakdown.lock_wait_s, 1000.0 * *t.response_time_s,
              t.conflict_probability);
}

TEST_CASE("deadlock restarts: without deadlocks the hit ratios are the buffer model's") {
  // Record locks everywhere and HISTORY unlocked (the default): deadlocks are rare but not 0.
  const SystemModel m =
      parse_model(with(debit_credit_model(), {{"workload.arrival_rate_per_s", 10.0}}));
  const Evaluation e = evaluate(m, EvaluateOptions{false});
  const BufferLevels levels = evaluate_buffers(m);
  const double r = e.types.front().restarts_per_transaction.value_or(-1.0);
  CHECK(r >= 0.0);
  CHECK(r < 1e-6);
  CHECK(e.hs_hit_ratio == doctest::Approx(levels.hs_hit_ratio).epsilon(1e-6));
}

// Release only (tests/CMakeLists.txt): 2 x 3600 simulated seconds, about 2 s. Before the
// restarts, ACCOUNT's hit ratio was the one metric outside the rule (0.037 against 1.891 /
// 2.108 %); now every metric passes, among them restarts_per_transaction and restart_rate_per_s.
TEST_CASE("deadlock restarts: validate's metrics agree on 50 BRANCH pages at 55 and 60 TPS") {
  for (const double rate : {55.0, 60.0}) {
    CAPTURE(rate);
    const SystemModel m = fifty_branch_pages(rate);
    const Evaluation e = evaluate(m, EvaluateOptions{false});
    const TxSimReport rep = simulate_transactions(m, fixed_length(3600.0, 1));
    REQUIRE_FALSE(rep.saturated);
    int failed = 0, restart_rows = 0;
    for (const MetricComparison& row : compare_metrics(e, m, rep, 0.10)) {
      if (!row.pass) ++failed;
      if (row.metric == "restarts_per_transaction" || row.metric == "restart_rate_per_s")
        ++restart_rows;
      CHECK_MESSAGE(row.pass, row.metric << ":" << row.owner << ": analytic " << row.analytic
                                         << ", simulated " << row.simulated.mean << " +- "
                                         << row.simulated.half_width);
    }
    CHECK(restart_rows == 2);
    // The aborted attempts' CPU work (issue #13): cpu_service_ms inside the simulated interval
    // (5.183 analytic against 5.254 +- 0.010 at 60 TPS before).
    const auto cpu_a = analytic_metric(e, "cpu_service_ms");
    const auto cpu_s = simulated_metric(SimulationView{m, rep}, "cpu_service_ms");
    REQUIRE((cpu_a && cpu_s));
    CHECK(std::abs(*cpu_a - cpu_s->mean) <= cpu_s->half_width);
    const auto a = analytic_metric(e, "hs_hit_pct:ACCOUNT");
    const auto s = simulated_metric(SimulationView{m, rep}, "hs_hit_pct:ACCOUNT");
    REQUIRE((a && s));
    std::printf("  50 BRANCH pages %.0f TPS: %d outside the rule; ACCOUNT hit %.3f / %.3f %%\n",
                rate, failed, *a, s->mean);
  }
}

// Issue #13 (docs/locking.md "Measured per type, long runs"): a deadlock is the victim's, the
// transaction whose request closes the cycle, as the simulator aborts it. The lock model booked
// each two-cycle to the transaction blocked first; with a short type of 5 references beside a
// long one of 40 (the lock experiment, mix 6 : 1, 20 TPS) the short type's deadlocks were 0.00099
// per transaction against 0.00016 +- 0.00007 simulated (6.4 times), the totals agreeing. Booked
// to the victim: 0.000143. The long type's stay high (0.085 against 0.066): its lock waits are
// +90 % there (the long-tail waits of docs/locking.md), not the attribution.
TEST_CASE("deadlock restarts: a cycle is its closer's, a short type beside a long one") {
  nlohmann::json doc = with(lock_experiment_model(), {{"workload.arrival_rate_per_s", 20.0}});
  nlohmann::json& types = doc["workload"]["transaction_types"];
  nlohmann::json shorter = types[0], longer = types[0];
  shorter["name"] = "short";
  shorter["references"] = 5.0;
  shorter["mix"] = 6.0;
  longer["name"] = "long";
  longer["references"] = 40.0;
  longer["mix"] = 1.0;
  types = nlohmann::json::array({shorter, longer});
  const SystemModel m = parse_model(doc);
  const Evaluation e = evaluate(m, EvaluateOptions{false});
  const TxSimReport rep = simulate_transactions(m, fixed_length(16384.0, 1));
  REQUIRE_FALSE(rep.saturated);
  const auto a = analytic_metric(e, "deadlock_probability:short");
  const auto s = simulated_metric(SimulationView{m, rep}, "deadlock_probability:short");
  const auto a_long = analytic_metric(e, "deadlock_probability:long");
  const auto s_long = simulated_metric(SimulationView{m, rep}, "deadlock_probability:long");
  REQUIRE((a && s && a_long && s_long));
  std::printf("  5 / 40 references, 20 TPS: deadlocks short %.6f / %.6f +- %.6f, long %.5f / "
              "%.5f +- %.5f\n",
              *a, s->mean, s->half_width, *a_long, s_long->mean, s_long->half_width);
  CHECK(std::abs(*a - s->mean) <= s->half_width);
  // The long type's excess, measured (a regression of the lock waits moves it).
  CHECK(*a_long / s_long->mean == doctest::Approx(1.29).epsilon(0.1));
}
