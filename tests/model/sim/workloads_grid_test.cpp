// Issue #13: analytic vs simulated agreement for the workloads users bring - closed workloads
// (terminals with think time, also with an MPL and two types), a variable number of references
// per transaction, and the response-time percentiles of both engines. Every point prints its
// errors; the worst of each kind is printed at the end. Runs are seeded and of fixed length.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
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

Sets closed(long terminals, double think_ms) {
  return {{"workload.arrival_rate_per_s", nullptr},
          {"workload.terminals", terminals},
          {"workload.think_time_ms", think_ms}};
}

TxSimOptions run_for(double seconds) {
  TxSimOptions o = fixed_length(seconds, 13);
  o.max_population = 3000;
  return o;
}

struct Worst {
  double error = 0.0;
  std::string where;
  void note(double err, const std::string& label) {
    if (err > error) {
      error = err;
      where = label;
    }
  }
};

struct Errors {
  double throughput = 0.0;
  double response = 0.0;
  double percentile = 0.0;  ///< worst of p50, p90, p95, p99
  /// Every percentile within `tpeval validate`'s rule: |a - s| <= half-width + 10 % |s| + 15 % a.
  bool percentiles_pass = true;
};

double relative(double analytic, double simulated) {
  return std::abs(analytic - simulated) / std::abs(simulated);
}

/// Throughput, mean response time and the four percentiles, analytic against simulated.
Errors compare(const nlohmann::json& doc, double seconds, const std::string& label) {
  const SystemModel m = parse_model(doc);
  const Evaluation e = evaluate(m, EvaluateOptions{false});
  const TxSimReport r = simulate_transactions(m, run_for(seconds));
  REQUIRE_MESSAGE(!r.saturated, label << ": simulation saturated");
  REQUIRE_MESSAGE(e.mean_response_time_s.has_value(), label << ": analytic saturated");
  const SimulationView view{m, r};
  Errors out;
  const auto estimate = [&](const std::string& name) {
    const auto v = simulated_metric(view, name);
    REQUIRE_MESSAGE(v.has_value(), label << ": no simulated " << name);
    return *v;
  };
  const auto sim = [&](const std::string& name) { return estimate(name).mean; };
  const double x = sim("throughput_per_s"), rt = sim("response_time_ms");
  out.throughput = relative(e.throughput_per_s, x);
  out.response = relative(1000.0 * *e.mean_response_time_s, rt);
  std::printf("  %-44s X %7.1f/%7.1f (%4.1f %%)  R %7.1f/%7.1f ms (%4.1f %%)  p50/90/95/99 %%:",
              label.c_str(), e.throughput_per_s, x, 100 * out.throughput,
              1000.0 * *e.mean_response_time_s, rt, 100 * out.response);
  for (const char* p : {"response_time_p50_ms", "response_time_p90_ms", "response_time_p95_ms",
                        "response_time_p99_ms"}) {
    const double a = *analytic_metric(e, p);
    const MetricEstimate s = estimate(p);
    const double err = relative(a, s.mean);
    out.percentile = std::max(out.percentile, err);
    out.percentiles_pass =
        out.percentiles_pass && std::abs(a - s.mean) <= s.half_width + 0.10 * s.mean + 0.15 * a;
    std::printf(" %4.1f", 100 * err);
  }
  std::printf("\n");
  return out;
}

}  // namespace

TEST_CASE("closed workloads and variable references: analytic vs simulated") {
  const nlohmann::json base = debit_credit_model();
  nlohmann::json inquiries = base;
  {
    auto inquiry = inquiries["workload"]["transaction_types"][0];
    inquiry["name"] = "inquiry";
    inquiry["update_share"] = 0.0;
    inquiries["workload"]["transaction_types"].push_back(inquiry);
  }
  const Sets page_history{{"database.partitions[HISTORY].lock_granularity", "page"}};
  const auto refs = [](const nlohmann::json& r) {
    return Sets{{"workload.transaction_types[0].references", r}};
  };
  const nlohmann::json listed = {{"values", {2, 4, 8}}, {"probabilities", {0.25, 0.5, 0.25}}};
  // The lock experiment (Sect. 6.5.2.7): 10 updates, 80 % to 1000 pages, page locks.
  const nlohmann::json lock = lock_experiment_model();
  const nlohmann::json lock_listed = {{"values", {5, 15}}, {"probabilities", {0.5, 0.5}}};
  struct Point {
    std::string label;
    nlohmann::json doc;
    double seconds;
  };
  const std::vector<Point> points = {
      {"closed: 1000 terminals, Z 10 s", with(base, closed(1000, 10000)), 200},
      {"closed: 1500 terminals, Z 10 s", with(base, closed(1500, 10000)), 200},
      {"closed: 50 terminals, Z 200 ms", with(base, closed(50, 200)), 120},
      {"closed: 10 terminals, Z 0", with(base, closed(10, 0)), 60},
      {"closed: 3 terminals, Z 20 ms", with(base, closed(3, 20)), 120},
      {"closed: 1 terminal, Z 0", with(base, closed(1, 0)), 200},
      {"closed: 100 terminals, Z 0.5 s, MPL 5",
       with(base, closed(100, 500) + Sets{{"policies.mpl", 5}}), 60},
      {"closed: 300 terminals, Z 2 s, 2 types", with(inquiries, closed(300, 2000)), 80},
      {"closed: 100 terminals, Z 1 s, HISTORY page locks",
       with(base, closed(100, 1000) + page_history), 80},
      {"refs mean 4 scv 0.5, 150 TPS",
       with(base, refs({{"mean", 4}, {"scv", 0.5}}) + Sets{{"workload.arrival_rate_per_s", 150}}),
       40},
      {"refs mean 4 scv 2, 150 TPS",
       with(base, refs({{"mean", 4}, {"scv", 2}}) + Sets{{"workload.arrival_rate_per_s", 150}}),
       40},
      {"refs 2/4/8, 120 TPS", with(base, refs(listed) + Sets{{"workload.arrival_rate_per_s", 120}}),
       40},
      {"lock experiment, refs 5/15, 50 TPS",
       with(lock, refs(lock_listed) + Sets{{"workload.arrival_rate_per_s", 50}}), 80},
      {"lock experiment, refs 5/15, 80 TPS",
       with(lock, refs(lock_listed) + Sets{{"workload.arrival_rate_per_s", 80}}), 80},
      {"lock experiment, refs mean 10 scv 0.5, 50 TPS",
       with(lock, refs({{"mean", 10}, {"scv", 0.5}}) + Sets{{"workload.arrival_rate_per_s", 50}}),
       80},
      {"lock experiment, closed: 20 terminals, Z 0.2 s, refs 5/15",
       with(lock, closed(20, 200) + refs(lock_listed)), 80},
      {"closed + refs scv 1: 200 terminals, Z 1 s",
       with(base, closed(200, 1000) + refs({{"mean", 4}, {"scv", 1}})), 60},
  };
  Worst throughput, response, percentile;
  for (const auto& p : points) {
    const Errors err = compare(p.doc, p.seconds, p.label);
    throughput.note(err.throughput, p.label);
    response.note(err.response, p.label);
    percentile.note(err.percentile, p.label);
    CHECK_MESSAGE(err.throughput <= 0.05, p.label);
    CHECK_MESSAGE(err.response <= 0.15, p.label);
    CHECK_MESSAGE(err.percentiles_pass, p.label);
  }
  std::printf("workloads grid (%zu points): worst throughput error %.1f %% (%s)\n", points.size(),
              100 * throughput.error, throughput.where.c_str());
  std::printf("workloads grid: worst mean response-time error %.1f %% (%s)\n", 100 * response.error,
              response.where.c_str());
  std::printf("workloads grid: worst percentile error %.1f %% (%s)\n", 100 * percentile.error,
              percentile.where.c_str());
}
