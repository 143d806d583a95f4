// The transaction simulator against the book's TPSIM results (Rahm 1993 Sect. 6.5, targets in
// ../shared/reference/notes/ch6-5.md §3) and against the analytic evaluation.
//
// Runs are short (tens of simulated seconds, well under a second of wall time each) and seeded, so
// every outcome is reproducible. Where a check compares with a book value it uses the tolerance the
// issue states (e.g. +-1 percentage point for Tab. 6-7); a target the simulator misses stays
// visible: its test asserts the measured value (so a regression still fails) and says so.
#include <doctest/doctest.h>

#include <cmath>
#include <string>

#include "fixed_length.hpp"
#include "model/debit_credit.hpp"
#include "model/evaluate.hpp"
#include "model/overrides.hpp"
#include "model/parse.hpp"
#include "model/sim/simulate.hpp"

using namespace tpeval::model;
using namespace tpeval::model::sim;
using tpeval::model::sim::testing::fixed_length;

namespace {

nlohmann::json with(nlohmann::json doc,
                    std::initializer_list<std::pair<std::string, nlohmann::json>> sets) {
  for (const auto& [path, value] : sets) set_parameter(doc, path, value);
  return doc;
}

double metric(const TxSimReport& r, const std::string& section, const std::string& owner,
              const std::string& name) {
  const SimulatedMetric* m = r.find(section, owner, name);
  REQUIRE_MESSAGE(m != nullptr, section << " " << owner << " " << name);
  return m->estimate.mean;
}

struct Bracket {
  double sustained = 0.0;  ///< largest rate run without saturating
  double saturated = 0.0;  ///< first rate that saturates (0 when none does)
  std::string bottleneck;  ///< what the saturated run names
};

/// Largest rate in `rates` (ascending) the simulator sustains for `seconds` without saturating,
/// the first that saturates, and the bottleneck that run names.
Bracket saturation_bracket(const nlohmann::json& doc, std::initializer_list<double> rates,
                           double seconds) {
  Bracket b;
  for (double rate : rates) {
    const SystemModel m = parse_model(with(doc, {{"workload.arrival_rate_per_s", rate}}));
    TxSimOptions o = fixed_length(seconds);
    o.max_population = 2000;
    const TxSimReport r = simulate_transactions(m, o);
    if (r.saturated) {
      b.saturated = rate;
      b.bottleneck = r.bottleneck;
      return b;
    }
    b.sustained = rate;
  }
  return b;
}

}  // namespace

TEST_CASE(
    "Tab. 6-7: HS hit ratio 72.5 % at 2000 pages and 53.7 % at 200 pages (NOFORCE, 500 TPS)") {
  // Rahm 1993 Tab. 6-7 (L2544), target V45: +-1 percentage point. At 500 TPS the single 5 ms log
  // disk of Tab. 6-6 would saturate (200 TPS, V07), so the log gets enough disks here; the hit
  // ratio does not depend on it.
  // (pair members, not structured bindings: clang 14 cannot capture those in doctest's lambdas)
  for (const auto& point : {std::pair{2000, 0.725}, std::pair{200, 0.537}}) {
    const int pages = point.first;
    const double book = point.second;
    const nlohmann::json doc =
        with(debit_credit_model(), {{"workload.arrival_rate_per_s", 500},
                                    {"nodes[0].devices[log_disk].count", "enough"},
                                    {"nodes[0].buffer.pages", pages}});
    const TxSimReport r = simulate_transactions(parse_model(doc), fixed_length(30.0));
    const SimulatedMetric* hs = r.system("hs_hit_ratio");
    REQUIRE(hs != nullptr);
    INFO("HS = " << pages << " pages: simulated " << hs->estimate.mean << " +- "
                 << hs->estimate.half_width << ", book " << book);
    CHECK(std::abs(hs->estimate.mean - book) <= 0.01);
    CHECK(hs->estimate.half_width < 0.005);  // the interval itself is tight enough to judge
    // Per partition (A8): TELLER always hits, HISTORY 95 % (blocking factor 20), ACCOUNT ~0.
    // TELLER hits unless a concurrent miss evicted its BRANCH page in between (HS 200, 500 TPS).
    CHECK(metric(r, "partition", "TELLER", "hs_hit_ratio") >= 0.999);
    CHECK(metric(r, "partition", "HISTORY", "hs_hit_ratio") == doctest::Approx(0.95).epsilon(0.01));
    CHECK(metric(r, "partition", "ACCOUNT", "hs_hit_ratio") < 0.01);
  }
}

TEST_CASE("Tab. 6-7: NOFORCE EH buffer 1000 adds 1.1 % at HS 2000 and exclusive buffering (V56)") {
  // L2547/L2559: HS 500 + EH 500 hits about as much as HS 1000 alone (66.7 %).
  const nlohmann::json doc =
      with(debit_credit_model(), {{"workload.arrival_rate_per_s", 500},
                                  {"nodes[0].devices[log_disk].count", "enough"},
                                  {"nodes[0].buffer.pages", 500},
                                  {"nodes[0].extended_memory.buffer_pages", 500}});
  nlohmann::json d = doc;
  for (auto& p : d["database"]["partitions"]) p["allocation"]["extended_buffer"] = true;
  const TxSimReport r = simulate_transactions(parse_model(d), fixed_length(30.0));
  const double hs = r.system("hs_hit_ratio")->estimate.mean;
  const double eh = r.system("eh_hit_ratio")->estimate.mean;
  INFO("HS " << hs << " EH " << eh << " (book 59.6 + 7.1 = 66.7)");
  CHECK(std::abs(hs - 0.596) <= 0.01);
  CHECK(std::abs(eh - 0.071) <= 0.01);
  CHECK(std::abs(hs + eh - 0.667) <= 0.01);
}

TEST_CASE("6.5.2.2: one 5 ms log disk limits Debit-Credit to about 200 TPS") {
  // V07 (L2428): one log page per transaction at 5 ms of disk occupancy -> 200 TPS (A4). Measured
  // directly: the log disk's utilization per transaction, and saturation above the limit.
  const nlohmann::json doc = debit_credit_model();
  const TxSimReport r = simulate_transactions(parse_model(doc), fixed_length(60.0));
  const double x = metric(r, "system", r.model_name, "throughput_per_s");
  const double u = metric(r, "server", "log_disk.disk", "utilization");
  INFO("throughput " << x << "/s, log disk utilization " << u);
  CHECK(x / u == doctest::Approx(200.0).epsilon(0.05));  // implied capacity of the log disk
  // Above 200 TPS the simulated system cannot keep up (capacity check off: the run must find it).
  nlohmann::json over = with(doc, {{"workload.arrival_rate_per_s", 240}});
  TxSimOptions o = fixed_length(60.0);
  o.check_capacity = false;
  o.max_population = 1000;
  const TxSimReport saturated = simulate_transactions(parse_model(over), o);
  CHECK(saturated.saturated);
  // ... and names the log disk as the bottleneck (always busy), also in the reason it prints.
  INFO(saturated.saturation_reason);
  CHECK(saturated.bottleneck.rfind("log_disk.disk (utilization", 0) == 0);
  CHECK(saturated.saturation_reason.find("bottleneck: log_disk.disk") != std::string::npos);
  // With an MPL of 2 the input queue is the backlog (about 40 TPS pass two slots of ~50 ms);
  // no server is near saturation, so the run names the MPL rather than a server or a lock.
  nlohmann::json limited = with(doc, {{"policies.mpl", 2}, {"workload.arrival_rate_per_s", 100}});
  const TxSimReport mpl = simulate_transactions(parse_model(limited), o);
  CHECK(mpl.saturated);
  INFO(mpl.bottleneck);
  CHECK(mpl.bottleneck.rfind("mpl (", 0) == 0);
  nlohmann::json below = with(doc, {{"workload.arrival_rate_per_s", 170}});
  CHECK_FALSE(simulate_transactions(parse_model(below), o).saturated);
}

TEST_CASE("6.5.2.7: page locks, all on disk, saturate near 120 TPS, record locks do not") {
  // V74 (L2627): "about 120 TPS" read off Abb. 6-16. The simulator sustains 120 TPS for 90 s and
  // saturates (lock thrashing on the small partition) below 150 TPS.
  const auto bracket = saturation_bracket(lock_experiment_model(), {100, 120, 150}, 90.0);
  const double ok = bracket.sustained, saturated = bracket.saturated;
  INFO("sustained " << ok << " TPS, saturated at " << saturated << " TPS (book: about 120), "
                    << bracket.bottleneck);
  CHECK(ok >= 120.0);
  CHECK(saturated == 150.0);
  // The run names the lock bottleneck, not a server (no server is near 95 % busy).
  CHECK(bracket.bottleneck.rfind("lock thrashing on small", 0) == 0);
  // V76: record locks (10x as many lockable objects) remove the bottleneck: 300 TPS run fine.
  const nlohmann::json rec =
      with(lock_experiment_model(), {{"database.partitions[small].lock_granularity", "record"},
                                     {"database.partitions[large].lock_granularity", "record"},
                                     {"workload.arrival_rate_per_s", 300}});
  TxSimOptions o = fixed_length(30.0);
  o.max_population = 2000;
  const TxSimReport r = simulate_transactions(parse_model(rec), o);
  CHECK_FALSE(r.saturated);
  CHECK(metric(r, "system", r.model_name, "throughput_per_s") ==
        doctest::Approx(300.0).epsilon(0.05));
}

TEST_CASE("6.5.2.7: page locks, mixed allocation, saturate near 150 TPS (missed, measured)") {
  // V75 (L2627): small partition and log in EH, large partition on disk: about 150 TPS. Measured
  // (seed 1, 90 s runs): sustains 180 TPS, saturates at 200 TPS - later than the book. The log in
  // EH shortens lock holding by only the 6.4 ms log write; the book's curve probably reflects
  // parameters it leaves open (MPL, CPU split, restart policy, ch6-5.md §1.12). The miss stays
  // visible: the test asserts the measured bracket, so a change of it fails.
  const nlohmann::json mixed = with(
      lock_experiment_model(), {{"database.partitions[small].allocation.device", "extended_memory"},
                                {"nodes[0].log.device", "extended_memory"}});
  const auto bracket = saturation_bracket(mixed, {120, 150, 165, 180, 200}, 90.0);
  const double ok = bracket.sustained, saturated = bracket.saturated;
  INFO("mixed: sustained " << ok << " TPS, saturated at " << saturated << " TPS (book: about 150)");
  CHECK(ok >= 150.0);  // the ordering the book states: mixed later than all-on-disk
  // The book's value within 10 % (saturated <= 165) is missed; the measured bracket:
  CHECK(ok == 180.0);
  CHECK(saturated == 200.0);
}

TEST_CASE(
    "lock experiment with 8 CPUs and buffer 20000: a cold start thrashes and the warm system "
    "agrees") {
  // Issue #13, off-grid sweep finding 6 (bench/RESULTS.md): the analytic limit was 557 TPS (lock
  // thrashing on small), 629 TPS since the commit I/O's variance counts each station's
  // operations by their own length (shorter-tailed lock holding), but the simulator collapsed at
  // 200 TPS. Cause: the simulation starts
  // with empty buffers, and the cold system's lock limit is about 40 TPS (every reference a disk
  // read: `tpeval eval` with 1 buffer page gives 39 TPS). Without an MPL the backlog of that
  // transient holds every small page, so the thrashing state is absorbing (about 18,000
  // transactions active, no commits). The warm operating point exists: an MPL (input queue)
  // carries the run through the transient, and resident partitions (no cold misses) run at 200
  // up to 700 TPS, above the analytic limit (measured: 700 sustained at seeds 1 and 2, 800
  // collapses). These checks record the measured behaviour, so a change of it fails.
  const nlohmann::json doc = with(lock_experiment_model(), {{"nodes[0].cpu.count", 8},
                                                            {"nodes[0].buffer.pages", 20000},
                                                            {"workload.arrival_rate_per_s", 200}});
  const Evaluation e = evaluate(parse_model(doc));
  REQUIRE(e.max_throughput_per_s);
  CHECK(*e.max_throughput_per_s == doctest::Approx(629.0).epsilon(0.01));
  CHECK(e.max_throughput_limited_by == "lock thrashing on small");
  REQUIRE(e.mean_response_time_s);
  const double analytic_s = *e.mean_response_time_s;
  // Cold start, no MPL: saturated by lock thrashing (the population passes 2000 within 60 s).
  TxSimOptions o = fixed_length(60.0);
  o.max_population = 2000;
  const TxSimReport cold = simulate_transactions(parse_model(doc), o);
  INFO(cold.saturation_reason);
  CHECK(cold.saturated);
  CHECK(cold.bottleneck.rfind("lock thrashing on small", 0) == 0);
  // The same cold start with an MPL of 40: the analytic response time within 5 % (seed 1, 600 s:
  // 12.42 against 12.35 ms; the warm-up needs the 10,000 large pages read once).
  const TxSimReport mpl =
      simulate_transactions(parse_model(with(doc, {{"policies.mpl", 40}})), fixed_length(600.0));
  CHECK_FALSE(mpl.saturated);
  CHECK(metric(mpl, "system", mpl.model_name, "mean_response_time_s") ==
        doctest::Approx(analytic_s).epsilon(0.05));
  // Warm from the start (both partitions resident, the same 100 % hit ratio): 700 TPS run, where
  // the analytic model reports thrashing (Thomasian's alpha 0.247 >= 0.226 already at 600 TPS).
  const nlohmann::json warm =
      with(doc, {{"database.partitions[small].allocation.device", "main_memory"},
                 {"database.partitions[large].allocation.device", "main_memory"},
                 {"workload.arrival_rate_per_s", 700}});
  CHECK(evaluate(parse_model(warm)).saturated);
  const TxSimReport hot = simulate_transactions(parse_model(warm), o);
  CHECK_FALSE(hot.saturated);
  CHECK(metric(hot, "system", hot.model_name, "throughput_per_s") ==
        doctest::Approx(700.0).epsilon(0.03));
  // The simulator's warm start (model/sim/warm_start.cpp) on the same disks, no MPL: the cold
  // start's collapse at 200 TPS is gone and the run agrees with the analytic model (measured
  // 12.25 against 12.35 ms); 700 TPS runs as with resident partitions (measured 702.9 at seed 1).
  TxSimOptions w = fixed_length(60.0);
  w.max_population = 2000;
  w.warm_start = true;
  const TxSimReport started = simulate_transactions(parse_model(doc), w);
  INFO(started.saturation_reason);
  CHECK_FALSE(started.saturated);
  CHECK(metric(started, "system", started.model_name, "mean_response_time_s") ==
        doctest::Approx(analytic_s).epsilon(0.03));
  const TxSimReport fast =
      simulate_transactions(parse_model(with(doc, {{"workload.arrival_rate_per_s", 700}})), w);
  CHECK_FALSE(fast.saturated);
  CHECK(metric(fast, "system", fast.model_name, "throughput_per_s") ==
        doctest::Approx(700.0).epsilon(0.03));
}

TEST_CASE(
    "warm start: the buffers are full before the first arrival, the timed streams unchanged") {
  // Debit-Credit default (HS 2,000 pages; ACCOUNT never hits, BRANCH and HISTORY mostly): the
  // cold run discards its first intervals until HS has turned over; the warm one only what MSER-5
  // finds (measured 14.4 s against 0.2 s at 30 s). The hit ratio is a steady-state one from the
  // start, so both estimate the same value; the same seed gives the same run.
  const SystemModel m = parse_model(debit_credit_model());
  TxSimOptions cold_options = fixed_length(30.0);
  TxSimOptions warm_options = cold_options;
  warm_options.warm_start = true;
  const TxSimReport cold = simulate_transactions(m, cold_options);
  const TxSimReport warm = simulate_transactions(m, warm_options);
  CHECK(cold.warmup_method == "buffer turnover + MSER-5");
  CHECK(warm.warmup_method == "buffers filled before the start + buffer turnover + MSER-5");
  CHECK(warm.truncated_time_s < 0.25 * cold.truncated_time_s);
  const double cold_hit = metric(cold, "system", cold.model_name, "hs_hit_ratio");
  const double warm_hit = metric(warm, "system", warm.model_name, "hs_hit_ratio");
  CHECK(warm_hit == doctest::Approx(cold_hit).epsilon(0.01));
  CHECK(warm_hit == doctest::Approx(evaluate(m).hs_hit_ratio).epsilon(0.01));
  const TxSimReport again = simulate_transactions(m, warm_options);
  CHECK(metric(again, "system", again.model_name, "mean_response_time_s") ==
        metric(warm, "system", warm.model_name, "mean_response_time_s"));
  // A two-node cluster (GEH, NOFORCE page requests) and its page directory: the pass keeps it
  // consistent with the buffers (no stale copy counted as a hit: the hit ratios agree).
  const SystemModel c = parse_model(with(debit_credit_cluster_model(), {{"cluster.nodes", 2}}));
  TxSimOptions cluster_cold = fixed_length(30.0), cluster_warm = fixed_length(30.0);
  cluster_warm.warm_start = true;
  const TxSimReport cc = simulate_transactions(c, cluster_cold);
  const TxSimReport cw = simulate_transactions(c, cluster_warm);
  CHECK(metric(cw, "system", cw.model_name, "hs_hit_ratio") ==
        doctest::Approx(metric(cc, "system", cc.model_name, "hs_hit_ratio")).epsilon(0.02));
}

TEST_CASE("Debit-Credit default: analytic and simulated response times within 10 %") {
  // Issue target: below 80 % CPU utilization. The default (100 TPS) and 500 TPS (CPU ~65 %, log on
  // enough disks so it is not the 200 TPS bottleneck).
  for (const double rate : {100.0, 500.0}) {
    const nlohmann::json doc =
        with(debit_credit_model(), {{"workload.arrival_rate_per_s", rate},
                                    {"nodes[0].devices[log_disk].count",
                                     rate > 150 ? nlohmann::json("enough") : nlohmann::json(1)}});
    const SystemModel m = parse_model(doc);
    const Evaluation e = evaluate(m);
    REQUIRE(e.mean_response_time_s);
    TxSimOptions o;
    o.precision = 0.02;
    o.max_time_s = 300.0;
    o.threads = 1;
    const TxSimReport r = simulate_transactions(m, o);
    const SimulatedMetric* rt = r.system("mean_response_time_s");
    REQUIRE(rt != nullptr);
    const double cpu = metric(r, "server", "cpu", "utilization");
    INFO(rate << " TPS: analytic " << *e.mean_response_time_s << " s, simulated "
              << rt->estimate.mean << " +- " << rt->estimate.half_width << ", CPU " << cpu);
    CHECK(cpu < 0.8);
    CHECK(std::abs(rt->estimate.mean - *e.mean_response_time_s) / *e.mean_response_time_s <= 0.10);
  }
}

TEST_CASE("deadlocks are detected, rolled back and restarted, every transaction still commits") {
  // A constructed hot spot: 2 records, each transaction X-locks both in random order, so two
  // concurrent transactions deadlock whenever they took them in opposite orders.
  nlohmann::json doc = lock_experiment_model();
  doc["database"]["partitions"][0]["records"] = 20;
  doc["database"]["partitions"][0]["blocking_factor"] = 10;
  doc["workload"]["transaction_types"][0]["references"] = 2;
  doc["workload"]["transaction_types"][0]["reference_shares"] =
      nlohmann::json{{"small", 1.0}, {"large", 0.0}};
  doc["workload"]["arrival_rate_per_s"] = 20;
  const TxSimReport r = simulate_transactions(parse_model(doc), fixed_length(120.0));
  CHECK_FALSE(r.saturated);
  CHECK(metric(r, "system", r.model_name, "deadlock_rate_per_s") > 0.0);
  CHECK(metric(r, "system", r.model_name, "restart_rate_per_s") ==
        doctest::Approx(metric(r, "system", r.model_name, "deadlock_rate_per_s")));
  CHECK(metric(r, "system", r.model_name, "throughput_per_s") ==
        doctest::Approx(20.0).epsilon(0.1));
  CHECK(metric(r, "type", "update10", "lock_wait_s") > 0.0);
}

TEST_CASE("same seed, same results, replications in parallel equal the sequential run") {
  const SystemModel m = parse_model(debit_credit_model());
  TxSimOptions o = fixed_length(40.0, 7);
  const TxSimReport a = simulate_transactions(m, o);
  const TxSimReport b = simulate_transactions(m, o);
  REQUIRE(a.metrics.size() == b.metrics.size());
  for (std::size_t i = 0; i < a.metrics.size(); ++i) {
    CHECK(a.metrics[i].estimate.mean == b.metrics[i].estimate.mean);  // bit-identical
    CHECK(a.metrics[i].estimate.half_width == b.metrics[i].estimate.half_width);
  }
  o.seed = 8;
  CHECK(simulate_transactions(m, o).system("mean_response_time_s")->estimate.mean !=
        a.system("mean_response_time_s")->estimate.mean);
  TxSimOptions rep = fixed_length(40.0, 7);
  rep.replications = 4;
  rep.threads = 1;
  const TxSimReport seq = simulate_transactions(m, rep);
  rep.threads = 4;
  const TxSimReport par = simulate_transactions(m, rep);
  CHECK(seq.interval_method == "independent replications");
  REQUIRE(seq.metrics.size() == par.metrics.size());
  for (std::size_t i = 0; i < seq.metrics.size(); ++i) {
    CHECK(seq.metrics[i].estimate.mean == par.metrics[i].estimate.mean);
    CHECK(seq.metrics[i].estimate.half_width == par.metrics[i].estimate.half_width);
  }
}

TEST_CASE("impossible runs are refused with a reason, never a hang") {
  using tpeval::solver::des::SimulationError;
  const nlohmann::json doc = debit_credit_model();
  CHECK_THROWS_WITH_AS(
      simulate_transactions(parse_model(with(doc, {{"workload.arrival_rate_per_s", 0}}))),
      doctest::Contains("arrival rate is zero"), SimulationError);
  // 1000 TPS needs 5 busy CPUs of 4 (and the log disk 5 of 1): unstable.
  CHECK_THROWS_WITH_AS(
      simulate_transactions(parse_model(with(doc, {{"workload.arrival_rate_per_s", 1000}}))),
      doctest::Contains("unstable model"), SimulationError);
  // One simulated second cannot fill a 2000-page buffer at 100 TPS.
  TxSimOptions o;
  o.max_time_s = 1.0;
  CHECK_THROWS_WITH_AS(simulate_transactions(parse_model(doc), o), doctest::Contains("too short"),
                       SimulationError);
  // A precision that cannot be reached stops at the limit and says so.
  const TxSimReport r = simulate_transactions(parse_model(doc), fixed_length(40.0));
  CHECK_FALSE(r.precision_reached);
  CHECK(r.stop_reason.find("max time") != std::string::npos);
}
