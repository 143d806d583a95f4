// The evaluator's mechanics: MPL flow-equivalent server, saturation reporting, edge cases that
// must never produce NaN or negative numbers, and the response-time breakdown.
#include <doctest/doctest.h>

#include <cmath>

#include "model/result_json.hpp"
#include "scenarios.hpp"

using namespace tpeval::model;
using namespace tpeval::model::testing;

namespace {

/// Every number in the JSON result is finite and non-negative.
void check_clean(const nlohmann::json& j) {
  if (j.is_number()) {
    const double v = j.get<double>();
    CHECK(std::isfinite(v));
    CHECK(v >= 0.0);
  } else if (j.is_object() || j.is_array()) {
    for (const auto& e : j) check_clean(e);
  }
}

double breakdown_sum(const TypeResult& t) {
  const auto& b = t.breakdown;
  double s = b.cpu_service_s + b.cpu_wait_s + b.extended_memory_s + b.lock_wait_s + b.commit_io_s +
             b.input_queue_s;
  for (const auto& [d, v] : b.io_s) s += v;
  return s;
}

}  // namespace

TEST_CASE("the breakdown adds up to the response time") {
  for (const char* log : {"log_disk", "ssd", "extended_memory"}) {
    const auto e =
        eval_default({{"nodes[0].log.device", log}, {"workload.arrival_rate_per_s", 150}});
    REQUIRE(e.types[0].response_time_s);
    CHECK(breakdown_sum(e.types[0]) == doctest::Approx(*e.types[0].response_time_s).epsilon(1e-9));
  }
}

TEST_CASE("MPL: a large MPL reproduces the open model, MPL 1 serialises transactions") {
  const auto open = eval_default({}, false);
  const auto large = eval_default({{"policies.mpl", 200}}, false);
  CHECK(*large.mean_response_time_s == doctest::Approx(*open.mean_response_time_s).epsilon(0.02));
  // MPL 1: the flow-equivalent server completes 1 / R(1) per second; with R(1) about 48 ms the
  // maximum is about 21 TPS, and at 15 TPS an input queue forms (M/M/1-like: wait > 0).
  const auto one = eval_default({{"policies.mpl", 1}, {"workload.arrival_rate_per_s", 15}});
  REQUIRE(one.max_throughput_per_s);
  CHECK(one.max_throughput_limited_by == "mpl");
  const auto single = eval_default({{"workload.arrival_rate_per_s", 0.001}}, false);
  CHECK(*one.max_throughput_per_s ==
        doctest::Approx(1.0 / *single.mean_response_time_s).epsilon(0.01));
  REQUIRE(one.types[0].response_time_s);
  CHECK(one.types[0].breakdown.input_queue_s > 0.0);
  // M/G/1 with service S = 1/X(1) of the SCV C^2 of the unloaded response time: the
  // Pollaczek-Khinchine wait, the M/M/1 wait 1 / (X - lambda) - S times (1 + C^2) / 2. The
  // exponential flow-equivalent server alone (C^2 = 1) gave R = 1 / (X - lambda) (issue #13).
  const double x = *one.max_throughput_per_s;
  const double scv = single.types[0].response_time_scv;
  CHECK(scv > 0.05);
  CHECK(scv < 0.9);
  CHECK(*one.types[0].response_time_s ==
        doctest::Approx(1.0 / x + (1.0 / (x - 15.0) - 1.0 / x) * (1.0 + scv) / 2.0).epsilon(0.01));
}

TEST_CASE("MPL: it cuts the queueing waits inside, not the service, and re-solves the locks") {
  // Issue #13: one factor on every part scaled the CPU service with the waits and kept the open
  // solve's conflicts. The cap on the population inside shortens the queues (closed network at
  // the flow-equivalent server's population distribution); the service times stay.
  const Sets at{{"workload.arrival_rate_per_s", 170}};
  const auto open = eval_default(at, false);
  const auto capped = eval_default(at + Sets{{"policies.mpl", 20}}, false);
  REQUIRE((open.types[0].response_time_s && capped.types[0].response_time_s));
  const auto& o = open.types[0].breakdown;
  const auto& c = capped.types[0].breakdown;
  CHECK(c.cpu_service_s == doctest::Approx(o.cpu_service_s).epsilon(1e-12));
  CHECK(c.cpu_wait_s < o.cpu_wait_s);
  CHECK(c.commit_io_s < 0.9 * o.commit_io_s);  // the log disk at 85 %: its queue is capped
  CHECK(c.input_queue_s > 0.0);
  CHECK(capped.conflict_probability < open.conflict_probability);
  CHECK(capped.mean_active_transactions <= 20.0);
}

TEST_CASE("saturation is reported with the bottleneck and without response times") {
  const auto e = eval_default({{"workload.arrival_rate_per_s", 1000}});
  CHECK(e.saturated);
  CHECK_FALSE(e.mean_response_time_s);
  CHECK_FALSE(e.types[0].response_time_s);
  CHECK(e.bottleneck == "cpu");  // the CPU is checked first: 1000 > 770 TPS
  check_clean(to_json(e));
}

TEST_CASE("edge cases stay finite and non-negative") {
  check_clean(to_json(eval_default({{"workload.arrival_rate_per_s", 0}})));
  check_clean(to_json(eval_default({{"nodes[0].buffer.pages", 0}})));
  check_clean(to_json(eval_default({{"nodes[0].buffer.pages", 100000000}})));
  check_clean(to_json(eval_default({{"nodes[0].log.group_commit_size", 5}})));
  const Sets force_eh{{"policies.update_strategy", "force"},
                      {"nodes[0].extended_memory.buffer_pages", 1000}};
  check_clean(to_json(eval_default(force_eh + all_partitions("allocation.extended_buffer", true))));
  check_clean(to_json(eval(real_load_model())));
  check_clean(to_json(eval(lock_experiment_model())));
  // A buffer larger than the whole random part: every page stays, only HISTORY misses.
  const auto big = eval_default({{"nodes[0].buffer.pages", 100000000}}, false);
  CHECK(big.hs_hit_ratio == doctest::Approx((1 + 1 + 1 + 0.95) / 4).epsilon(1e-6));
}

TEST_CASE("an offered load beyond the double range is saturation, and null in the result") {
  // Fuzz finding (fuzz/regressions/model/cpu_offered_load_overflow.json): 1e300 TPS of 5e25
  // commit instructions overflow the CPU's offered load to inf, which the result object held.
  const Evaluation e = eval_default({{"workload.arrival_rate_per_s", 1e300},
                                     {"workload.transaction_types[0].instructions.commit", 5e25}});
  CHECK(e.saturated);
  CHECK(e.saturation_reason.find("beyond the double range") != std::string::npos);
  const nlohmann::json j = to_json(e);
  check_clean(j);
  CHECK(j["servers"][0]["offered_load"].is_null());
  CHECK(j["metrics"]["offered_load:cpu"]["value"].is_null());
}

TEST_CASE("at 1 TPS locks never saturate, even when misses only write victims") {
  // Regression: with ACCOUNT packed into 50 pages everything but HISTORY stays in HS, so the
  // reference-phase I/O is the victim writes of HISTORY's new pages (no reads). The lock model's
  // step variability once divided that I/O by the (near-zero) reads and reported thrashing at
  // 1 TPS. Lock contention at 1 TPS is negligible whatever the layout.
  const Sets packed{{"database.partitions[ACCOUNT].blocking_factor", 1000000},
                    {"workload.arrival_rate_per_s", 1}};
  for (const Sets& s : {packed, packed + Sets{{"nodes[0].buffer.pages", 100000000}},
                        packed + Sets{{"policies.update_strategy", "force"}},
                        packed + all_partitions("allocation.device", "ssd")}) {
    const Evaluation e = eval_default(s, true);
    CHECK_FALSE(e.saturated);
    REQUIRE(e.max_throughput_per_s);
    CHECK(*e.max_throughput_per_s > 50.0);
    check_clean(to_json(e));
  }
}

TEST_CASE("group commit divides the log writes and lifts the single-log-disk limit (L1352)") {
  const auto g5 = eval_default({{"nodes[0].log.group_commit_size", 5}});
  CHECK(g5.types[0].log_writes == doctest::Approx(0.2));
  REQUIRE(g5.max_throughput_per_s);
  CHECK(*g5.max_throughput_per_s > 400.0);  // the log disk alone would allow 1000 TPS
}
