// The simulation core: random streams, distributions, the event calendar, resources and output
// analysis, each against a property that fails when the piece is wrong.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <set>
#include <stdexcept>
#include <vector>

#include "solver/des/distribution.hpp"
#include "solver/des/event_calendar.hpp"
#include "solver/des/fcfs_station.hpp"
#include "solver/des/infinite_server.hpp"
#include "solver/des/output_analysis.hpp"
#include "solver/des/ps_station.hpp"
#include "solver/des/random_stream.hpp"
#include "solver/des/simulation.hpp"
#include "solver/open/fed_back_wait.hpp"
#include "solver/open/single_queue.hpp"

using namespace tpeval::solver::des;

TEST_CASE("des random: deterministic_log matches std::log to 2 ulp over many magnitudes") {
  RandomStream stream(42);
  for (int i = 0; i < 200000; ++i) {
    const double x =
        stream.uniform_open0() * std::pow(2.0, static_cast<int>(stream.next_u64() % 200) - 100);
    const double ours = deterministic_log(x);
    const double ref = std::log(x);
    CHECK(std::abs(ours - ref) <= 2.0 * std::abs(std::nextafter(ref, 0.0) - ref) + 1e-300);
  }
  CHECK(deterministic_log(1.0) == 0.0);
}

TEST_CASE("des random: the same seed and source give the same numbers, others differ") {
  RandomStream a(7, "service/OLTP/cpu");
  RandomStream b(7, "service/OLTP/cpu");
  RandomStream c(8, "service/OLTP/cpu");
  RandomStream d(7, "service/OLTP/disk");
  RandomStream e(7, "service/OLTP/cpu", 1);
  int same_c = 0, same_d = 0, same_e = 0;
  for (int i = 0; i < 1000; ++i) {
    const auto x = a.next_u64();
    CHECK(x == b.next_u64());
    same_c += x == c.next_u64();
    same_d += x == d.next_u64();
    same_e += x == e.next_u64();
  }
  CHECK(same_c == 0);
  CHECK(same_d == 0);
  CHECK(same_e == 0);
}

TEST_CASE("des random: jump() moves to a disjoint part of the sequence") {
  RandomStream a(3);
  RandomStream b(3);
  b.jump();
  std::set<std::uint64_t> first;
  for (int i = 0; i < 10000; ++i) first.insert(a.next_u64());
  int overlap = 0;
  for (int i = 0; i < 10000; ++i) overlap += first.count(b.next_u64()) != 0;
  CHECK(overlap == 0);
  // Replication r of a source equals the replication-0 stream jumped r times.
  RandomStream r0(11, "arrival/x", 0);
  RandomStream r2(11, "arrival/x", 2);
  r0.jump();
  r0.jump();
  for (int i = 0; i < 100; ++i) CHECK(r0.next_u64() == r2.next_u64());
}

TEST_CASE("des random: uniforms are uniform (mean, variance, and no zero for the log argument)") {
  RandomStream s(99);
  const int n = 1'000'000;
  double sum = 0.0, sum2 = 0.0;
  for (int i = 0; i < n; ++i) {
    const double u = s.uniform_open0();
    REQUIRE(u > 0.0);
    REQUIRE(u <= 1.0);
    sum += u;
    sum2 += u * u;
  }
  const double mean = sum / n;
  // Standard error of the mean of U(0,1) is sqrt(1/12 / n) = 2.9e-4; 5 standard errors.
  CHECK(std::abs(mean - 0.5) < 5 * std::sqrt(1.0 / 12 / n));
  CHECK(std::abs(sum2 / n - mean * mean - 1.0 / 12) < 1e-3);
}

namespace {
/// Sample mean and SCV of a distribution with batch-means standard errors (100 batches).
struct Moments {
  double mean, mean_se, scv, scv_se;
};
Moments sample_moments(const Distribution& d, std::uint64_t key, int n = 1'000'000) {
  RandomStream s(key);
  const int batches = 100;
  const int per = n / batches;
  std::vector<double> means, scvs;
  double total = 0.0, total2 = 0.0;
  for (int b = 0; b < batches; ++b) {
    double sum = 0.0, sum2 = 0.0;
    for (int i = 0; i < per; ++i) {
      const double x = d.sample(s);
      sum += x;
      sum2 += x * x;
    }
    total += sum;
    total2 += sum2;
    const double m = sum / per;
    means.push_back(m);
    scvs.push_back(m > 0 ? (sum2 / per - m * m) / (m * m) : 0.0);
  }
  const auto se = [&](const std::vector<double>& v) {
    double m = 0;
    for (double x : v) m += x;
    m /= static_cast<double>(v.size());
    double q = 0;
    for (double x : v) q += (x - m) * (x - m);
    return std::sqrt(q / static_cast<double>(v.size() - 1) / static_cast<double>(v.size()));
  };
  const double mean = total / (per * batches);
  return {mean, se(means), (total2 / (per * batches) - mean * mean) / (mean * mean), se(scvs)};
}
}  // namespace

TEST_CASE("des distribution: every family has the requested mean and SCV") {
  struct Case {
    double mean, scv;
  };
  // Exponential, Erlang-4, Erlang mixtures (0.3, 0.7), hyperexponential (2, 5), deterministic.
  for (const Case c : {Case{2.0, 1.0}, Case{0.5, 0.25}, Case{3.0, 0.3}, Case{1.0, 0.7},
                       Case{0.01, 2.0}, Case{4.0, 5.0}, Case{1.5, 0.0}}) {
    CAPTURE(c.mean);
    CAPTURE(c.scv);
    const Distribution d = make_distribution(c.mean, c.scv);
    CHECK(d.mean() == doctest::Approx(c.mean).epsilon(1e-12));
    CHECK(d.scv() == doctest::Approx(c.scv).epsilon(1e-9));
    const Moments m = sample_moments(d, 1234);
    CHECK(std::abs(m.mean - c.mean) <= 4 * m.mean_se + 1e-12 * c.mean);
    CHECK(std::abs(m.scv - c.scv) <= 4 * m.scv_se + 1e-9);
  }
  const Distribution u = Distribution::uniform(2.0, 0.2);
  CHECK(u.scv() == doctest::Approx(0.2));
  const Moments mu = sample_moments(u, 77);
  CHECK(std::abs(mu.mean - 2.0) <= 4 * mu.mean_se);
  CHECK(std::abs(mu.scv - 0.2) <= 4 * mu.scv_se);
  CHECK(make_distribution(1.0, 0.25).kind() == DistributionKind::erlang);
  CHECK(make_distribution(1.0, 0.3).kind() == DistributionKind::erlang_mixture);
  CHECK(make_distribution(1.0, 3.0).kind() == DistributionKind::hyperexponential);
  CHECK_THROWS_AS(Distribution::uniform(1.0, 0.5), std::invalid_argument);
  CHECK_THROWS_AS(make_distribution(-1.0, 1.0), std::invalid_argument);
  CHECK_THROWS_AS(make_distribution(1.0, -0.1), std::invalid_argument);
}

TEST_CASE("des calendar: events leave by time, then by insertion order") {
  EventCalendar cal;
  RandomStream s(5);
  std::vector<double> times;
  for (int i = 0; i < 5000; ++i) {
    // Few distinct times, so ties are frequent.
    const double t = static_cast<double>(s.next_u64() % 50);
    cal.schedule(t, 0, 0, static_cast<std::uint64_t>(i));
  }
  double last_t = -1.0;
  std::uint64_t last_seq = 0;
  while (!cal.empty()) {
    const Event e = cal.pop();
    CHECK(e.time_s >= last_t);
    if (e.time_s == last_t) CHECK(e.sequence > last_seq);
    CHECK(e.payload == e.sequence);  // payload was the insertion index
    last_t = e.time_s;
    last_seq = e.sequence;
  }
}

namespace {
/// A client that feeds a resource as an M/M/1-type source and counts completions.
struct Recorder : ResourceClient {
  std::vector<std::pair<double, JobId>> done;
  std::vector<std::pair<double, JobId>> granted;
  void service_completed(Simulation& sim, int, JobId job) override {
    done.emplace_back(sim.now_s(), job);
  }
  void server_granted(Simulation& sim, int, JobId job) override {
    granted.emplace_back(sim.now_s(), job);
  }
};
struct Injector : EventHandler {
  Resource* target = nullptr;
  std::vector<double> work;
  std::uint32_t id = 0;
  void handle(Simulation& sim, const Event& e) override {
    target->arrive(sim, static_cast<JobId>(e.payload), 0, work[e.payload]);
  }
};
}  // namespace

TEST_CASE("des resources: FCFS, PS and infinite server finish jobs at the hand-computed times") {
  // Jobs arrive at t = 0, 1, 2 with work 3, 1, 2.
  const std::vector<double> arrivals{0.0, 1.0, 2.0};
  const std::vector<double> work{3.0, 1.0, 2.0};
  const auto run = [&](auto make) {
    Simulation sim;
    Recorder rec;
    Injector inj;
    inj.work = work;
    inj.id = sim.add_handler(inj);
    auto resource = make(sim, rec);
    inj.target = resource.get();
    for (std::size_t i = 0; i < arrivals.size(); ++i) sim.schedule_at(arrivals[i], inj.id, 0, i);
    sim.run_until(100.0);
    resource->close_areas(100.0);
    CHECK(resource->completions(0) == 3);
    CHECK(resource->work_done_s(0) == doctest::Approx(6.0));
    return rec.done;
  };
  // FCFS, one server: 0-3, 3-4, 4-6.
  auto fcfs =
      run([](Simulation& s, Recorder& r) { return std::make_unique<FcfsStation>(s, r, 0, 1, 1); });
  REQUIRE(fcfs.size() == 3);
  CHECK(fcfs[0] == std::pair<double, JobId>{3.0, 0});
  CHECK(fcfs[1] == std::pair<double, JobId>{4.0, 1});
  CHECK(fcfs[2] == std::pair<double, JobId>{6.0, 2});
  // FCFS, two servers: job 0 0-3, job 1 1-2, job 2 2-4.
  auto fcfs2 =
      run([](Simulation& s, Recorder& r) { return std::make_unique<FcfsStation>(s, r, 0, 1, 2); });
  CHECK(fcfs2[0] == std::pair<double, JobId>{2.0, 1});
  CHECK(fcfs2[1] == std::pair<double, JobId>{3.0, 0});
  CHECK(fcfs2[2] == std::pair<double, JobId>{4.0, 2});
  // PS, one server. 0-1: job 0 alone gets 1 (left 2). 1-2: two jobs, 0.5 each (job 0 left 1.5,
  // job 1 left 0.5). From 2: three jobs at 1/3: job 1 needs 0.5 -> t = 3.5; then jobs 0 (left 1)
  // and 2 (left 1.5) at 1/2 each: job 0 at 5.5, job 2 (left 0.5) alone at 6.
  auto ps =
      run([](Simulation& s, Recorder& r) { return std::make_unique<PsStation>(s, r, 0, 1, 1); });
  CHECK(ps[0].second == 1);
  CHECK(ps[0].first == doctest::Approx(3.5));
  CHECK(ps[1].second == 0);
  CHECK(ps[1].first == doctest::Approx(5.5));
  CHECK(ps[2].second == 2);
  CHECK(ps[2].first == doctest::Approx(6.0));
  // Load-dependent FCFS with alpha = (1, 2): job 0 alone at speed 1 in [0,1) (left 2), then
  // speed 2 while others wait: done at 2; job 1 (work 1) with 2 present: speed 2 -> 2.5; job 2
  // alone at speed 1 -> 4.5.
  auto ld = run([](Simulation& s, Recorder& r) {
    return std::make_unique<FcfsStation>(s, r, 0, 1, 1, std::vector<double>{1.0, 2.0});
  });
  CHECK(ld[0].first == doctest::Approx(2.0));
  CHECK(ld[1].first == doctest::Approx(2.5));
  CHECK(ld[2].first == doctest::Approx(4.5));
  // Infinite server: each leaves after its own work.
  auto is =
      run([](Simulation& s, Recorder& r) { return std::make_unique<InfiniteServer>(s, r, 0, 1); });
  CHECK(is[0] == std::pair<double, JobId>{2.0, 1});
  CHECK(is[1] == std::pair<double, JobId>{3.0, 0});
  CHECK(is[2] == std::pair<double, JobId>{4.0, 2});
}

TEST_CASE("des resources: a held server stays busy until release and counts as busy time") {
  Simulation sim;
  Recorder rec;
  FcfsStation cpu(sim, rec, 0, 1, 1);
  cpu.seize(sim, 10, 0);  // granted at once
  REQUIRE(rec.granted.size() == 1);
  cpu.arrive(sim, 11, 0, 1.0);  // must wait for the held server
  CHECK(cpu.queue_length() == 1);
  sim.run_until(5.0);
  CHECK(rec.done.empty());
  cpu.release(sim, 10);  // at t = 5: job 11 starts, done at 6
  sim.run_until(10.0);
  REQUIRE(rec.done.size() == 1);
  CHECK(rec.done[0] == std::pair<double, JobId>{6.0, 11});
  CHECK(cpu.work_done_s(0) == doctest::Approx(6.0));  // 5 s held + 1 s served
  CHECK_THROWS_AS(cpu.release(sim, 10), std::logic_error);
}

TEST_CASE("des analysis: t interval and ratio interval against hand computation") {
  const std::vector<double> v{1.0, 2.0, 3.0, 4.0};
  const Estimate e = t_interval(v);
  // mean 2.5, s^2 = 5/3, t_{0.975,3} = 3.182446305
  CHECK(e.mean == doctest::Approx(2.5));
  CHECK(e.half_width == doctest::Approx(3.182446305 * std::sqrt(5.0 / 3.0 / 4.0)).epsilon(1e-8));
  CHECK(student_t_quantile(0.95, 31) == doctest::Approx(2.039513446).epsilon(1e-8));
  const std::vector<double> num{2.0, 4.0, 6.0}, den{1.0, 2.0, 3.0};
  const Estimate r = ratio_interval(num, den);
  CHECK(r.mean == doctest::Approx(2.0));
  CHECK(r.half_width == doctest::Approx(0.0));
}

TEST_CASE("des analysis: sectioning interval against hand computation") {
  // Whole-run value 2, sections 1..4: S^2 = (1 + 0 + 1 + 4) / 3 = 2, half width t_{0.975,3}
  // sqrt(2/4).
  const std::vector<double> v{1.0, 2.0, 3.0, 4.0};
  const Estimate e = sectioning_interval(2.0, v);
  CHECK(e.mean == 2.0);
  CHECK(e.degrees_of_freedom == 3);
  CHECK(e.half_width == doctest::Approx(3.182446305 * std::sqrt(2.0 / 4.0)).epsilon(1e-8));
  const std::vector<double> one{1.0};
  CHECK_THROWS_AS(sectioning_interval(1.0, one), std::invalid_argument);
}

// The p99 of exponential(1) samples, true value ln 100 = 4.605, from 20 sections of 100: one
// section's p99 is biased low (the 99th of 100 order statistics has mean H_100 - H_1 = 4.19), so
// the mean of the section quantiles with its t interval misses the true value most of the time,
// while sectioning (the whole run's p99, the sections' spread around it; Asmussen & Glynn 2007
// §III.5a) covers it. Measured over 400 runs (seed 5): batch means cover in 39 %, sectioning in
// 93 % (nominal 95 %).
TEST_CASE(
    "des analysis: a quantile's sectioning interval covers where batch means of quantiles do not") {
  RandomStream s(5);
  const auto p99 = [](std::vector<double> x) {  // nearest rank, ceil(0.99 n)
    std::sort(x.begin(), x.end());
    return x[static_cast<std::size_t>(std::ceil(0.99 * static_cast<double>(x.size()))) - 1];
  };
  const double truth = std::log(100.0);
  const int runs = 400;
  int covered_batch_means = 0, covered_sectioning = 0;
  for (int run = 0; run < runs; ++run) {
    std::vector<double> all, sections;
    for (int b = 0; b < 20; ++b) {
      std::vector<double> section;
      for (int i = 0; i < 100; ++i) section.push_back(-std::log(s.uniform01()));
      sections.push_back(p99(section));
      all.insert(all.end(), section.begin(), section.end());
    }
    const Estimate batch_means = t_interval(sections);
    const Estimate sectioned = sectioning_interval(p99(all), sections);
    covered_batch_means += std::abs(batch_means.mean - truth) <= batch_means.half_width;
    covered_sectioning += std::abs(sectioned.mean - truth) <= sectioned.half_width;
  }
  MESSAGE("p99 coverage: batch means " << covered_batch_means << " / " << runs << ", sectioning "
                                       << covered_sectioning << " / " << runs);
  CHECK(covered_sectioning >= 0.90 * runs);
  CHECK(covered_batch_means < 0.60 * runs);
}

TEST_CASE("des analysis: exact count intervals (Garwood, Clopper-Pearson) bound rare counts") {
  // Garwood (1936): no event in an exposure of 1000 -> [0, -ln(0.025) / 1000]; 5 events ->
  // [chi2(0.025; 10) / 2, chi2(0.975; 12) / 2] = [1.6235, 11.6683], the wider side 6.6683.
  CHECK(exact_count_half_width(0, 1000, CountModel::poisson) ==
        doctest::Approx(3.688879454 / 1000).epsilon(1e-9));
  CHECK(exact_count_half_width(5, 1, CountModel::poisson) == doctest::Approx(6.6683).epsilon(1e-4));
  // Clopper & Pearson (1934): 0 of 15 -> [0, 1 - 0.025^(1/15)]; 10 of 10 -> [0.025^(1/10), 1].
  CHECK(exact_count_half_width(0, 15, CountModel::binomial) ==
        doctest::Approx(0.2180193609).epsilon(1e-9));
  CHECK(exact_count_half_width(10, 10, CountModel::binomial) ==
        doctest::Approx(1.0 - 0.6915028922).epsilon(1e-9));
  CHECK(exact_count_half_width(3, 10, CountModel::none) == 0.0);
  // Enough events per batch: the batch means stand, even when narrower than a binomial interval
  // (a share of stratified trials); too few: the exact interval is the floor.
  const Estimate narrow{0.7, 0.001, 31};
  CHECK(count_bounded_interval(narrow, 70'000, 100'000, CountModel::binomial, 32).half_width ==
        0.001);
  // 10 trials without the event: the rarer outcome is too rare for the batches.
  const Estimate near_one{0.9999, 1e-6, 31};
  CHECK(count_bounded_interval(near_one, 99'990, 100'000, CountModel::binomial, 32).half_width >
        1e-5);
  const Estimate zero{0.0, 0.0, 31};
  CHECK(count_bounded_interval(zero, 0, 15, CountModel::binomial, 32).half_width ==
        doctest::Approx(0.2180193609).epsilon(1e-9));
  // No trial at all: the share is unknown, [0, 1]; a rate over no exposure stays as it is.
  CHECK(count_bounded_interval(zero, 0, 0, CountModel::binomial, 32).half_width == 1.0);
  CHECK(count_bounded_interval(zero, 0, 0, CountModel::poisson, 32).half_width == 0.0);
}

TEST_CASE("des analysis: a rare share's interval covers with the exact count floor, not without") {
  // 32 batches of 300 Bernoulli trials with p = 2e-4: about 1.9 events a run, none in 15 % of
  // the runs, where the batch-means interval is 0 +- 0. Measured over 400 runs (seed 77): the
  // batch-means intervals cover p in 84 %, with the count floor in 99 %.
  RandomStream s(77);
  const double p = 2e-4;
  int covered_plain = 0, covered_bounded = 0;
  const int runs = 400;
  for (int run = 0; run < runs; ++run) {
    std::vector<double> num(32, 0.0), den(32, 300.0);
    double count = 0.0;
    for (int b = 0; b < 32; ++b)
      for (int i = 0; i < 300; ++i)
        if (s.uniform01() < p) num[static_cast<std::size_t>(b)] += 1.0, count += 1.0;
    const Estimate plain = ratio_interval(num, den);
    const Estimate bounded = count_bounded_interval(plain, count, 9600.0, CountModel::binomial, 32);
    covered_plain += std::abs(plain.mean - p) <= plain.half_width;
    covered_bounded += std::abs(bounded.mean - p) <= bounded.half_width;
  }
  MESSAGE("coverage: batch means " << covered_plain << " / " << runs << ", with the count floor "
                                   << covered_bounded << " / " << runs);
  CHECK(covered_bounded >= 0.95 * runs);
  CHECK(covered_plain < 0.90 * runs);
}

TEST_CASE("des analysis: MSER-5 finds a constructed transient and ignores a stationary series") {
  RandomStream s(2024);
  std::vector<double> series;
  // 200 observations decaying from 10 to the stationary mean 1, then 1800 stationary ones.
  for (int i = 0; i < 2000; ++i) {
    const double transient = i < 200 ? 9.0 * (1.0 - i / 200.0) : 0.0;
    series.push_back(1.0 + transient + (s.uniform01() - 0.5));
  }
  const Mser5Result m = mser5_truncation(series);
  CHECK(m.reliable);
  CHECK(m.truncated >= 150);
  CHECK(m.truncated <= 300);
  CHECK(m.truncated % 5 == 0);
  std::vector<double> flat;
  for (int i = 0; i < 2000; ++i) flat.push_back(1.0 + (s.uniform01() - 0.5));
  const Mser5Result f = mser5_truncation(flat);
  CHECK(f.reliable);
  CHECK(f.truncated <= 200);  // a stationary series loses little (noise only)
  // A series still trending at its end: the optimum falls in the second half -> unreliable.
  std::vector<double> trend;
  for (int i = 0; i < 2000; ++i)
    trend.push_back(static_cast<double>(2000 - i) + (s.uniform01() - 0.5));
  CHECK_FALSE(mser5_truncation(trend).reliable);
}

TEST_CASE("des analysis: group sums drop the leading remainder, lag-1 autocorrelation") {
  const std::vector<double> v{1, 2, 3, 4, 5, 6, 7};
  const auto g = group_sums(v, 3);
  REQUIRE(g.size() == 2);
  CHECK(g[0] == 2 + 3 + 4);
  CHECK(g[1] == 5 + 6 + 7);
  const std::vector<double> alternating{1, -1, 1, -1, 1, -1, 1, -1};
  CHECK(lag1_autocorrelation(alternating) < -0.8);
}

namespace {
/// Poisson arrivals of visits of several classes (exponential work of each class's mean) at one
/// resource; records each visit's wait (start - arrival) by class.
struct PoissonVisits : EventHandler, ResourceClient {
  std::vector<double> rate_per_s, mean_s;
  std::vector<RandomStream> streams;
  std::vector<double> arrival_s, work_s;
  std::vector<int> job_class;
  std::vector<double> wait_sum_s, visits;
  double warm_s = 0.0;
  FcfsStation* station = nullptr;
  std::uint32_t id = 0;
  void handle(Simulation& sim, const Event& e) override {
    const auto c = static_cast<std::size_t>(e.payload);
    arrival_s.push_back(sim.now_s());
    work_s.push_back(streams[c].exponential(mean_s[c]));
    job_class.push_back(static_cast<int>(c));
    sim.schedule_in(streams[c].exponential(1.0 / rate_per_s[c]), id, 0, c);
    station->arrive(sim, arrival_s.size() - 1, static_cast<int>(c), work_s.back());
  }
  void service_completed(Simulation& sim, int, JobId job) override {
    if (arrival_s[job] < warm_s) return;
    const auto c = static_cast<std::size_t>(job_class[job]);
    wait_sum_s[c] += sim.now_s() - arrival_s[job] - work_s[job];
    visits[c] += 1.0;
  }
  void server_granted(Simulation&, int, JobId) override {}
};
}  // namespace

TEST_CASE(
    "des resources: Poisson visits of 4.4 and 0.6 ms at 4 FCFS CPUs wait as the M/G/m "
    "two-moment form says (issue #11)") {
  // The visit mix of a node's CPU in the 10-node primary-copy cluster with random routing at
  // 100 TPS per node (measured in the transaction simulator, 200 s): 600 transaction bursts of
  // 4.36 ms and 1080 message bursts of 0.63 ms per second, each exponential; offered load 3.30
  // of 4 CPUs, visit-length SCV 2.7. With *Poisson* arrivals the FCFS wait is the same for both
  // kinds and within a few per cent of Lee & Longton's two-moment form (the analytic visit wait,
  // model/point_solve.cpp visit_waits, before the arrival-theorem factor): W = C(m, a) / (m - a) *
  // E[S^2] / (2 E[S]) = 3.27 ms here, against 1.79 ms for exponential visits of the mean length.
  // So the formula was not what made the analytic cluster CPU wait 14-19 % too high there; the
  // transaction simulator's visits, with the same moments, wait 2.75 ms: their arrivals are
  // smoother than Poisson (docs/cluster.md, "The CPU-wait gap"; closed by the fed-back rule).
  Simulation sim;
  PoissonVisits pv;
  pv.rate_per_s = {600.0, 1080.0};
  pv.mean_s = {4.36e-3, 0.63e-3};
  pv.wait_sum_s.assign(2, 0.0);
  pv.visits.assign(2, 0.0);
  for (int c = 0; c < 2; ++c) pv.streams.emplace_back(7, c == 0 ? "bursts" : "messages");
  pv.id = sim.add_handler(pv);
  FcfsStation cpu(sim, pv, 0, 2, 4);
  pv.station = &cpu;
  pv.warm_s = 10.0;
  for (std::uint64_t c = 0; c < 2; ++c) sim.schedule_at(0.0, pv.id, 0, c);
  sim.run_until(410.0);
  const double a = 600.0 * 4.36e-3 + 1080.0 * 0.63e-3;
  const double ms2 = 600.0 * 4.36 * 4.36 + 1080.0 * 0.63 * 0.63;  // sum of rate * s^2, ms^2/s
  const double residual_ms = ms2 / (a * 1000.0);                  // E[S^2] / (2 E[S])
  const double c_over = tpeval::solver::open::erlang_c(4, a) / (4.0 - a);
  const double lee_longton_ms = c_over * residual_ms;
  const double exponential_ms = c_over * a * 1000.0 / (600.0 + 1080.0);
  const double bursts_ms = 1000.0 * pv.wait_sum_s[0] / pv.visits[0];
  const double messages_ms = 1000.0 * pv.wait_sum_s[1] / pv.visits[1];
  const double all_ms =
      1000.0 * (pv.wait_sum_s[0] + pv.wait_sum_s[1]) / (pv.visits[0] + pv.visits[1]);
  MESSAGE("waits: bursts " << bursts_ms << " ms, messages " << messages_ms << " ms, Lee-Longton "
                           << lee_longton_ms << " ms, exponential " << exponential_ms << " ms");
  CHECK(lee_longton_ms == doctest::Approx(3.27).epsilon(0.01));
  CHECK(std::abs(bursts_ms / messages_ms - 1.0) < 0.04);  // FCFS: every visit waits the same
  CHECK(std::abs(all_ms / lee_longton_ms - 1.0) < 0.05);  // measured -2 %
  CHECK(all_ms > 1.5 * exponential_ms);                   // the long bursts' residual work counts
}

namespace {
/// Transactions arriving as a Poisson stream, each making the visits of `pattern_s` (mean visit
/// lengths, exponential work) to one FCFS resource in order, away for an exponential absence of
/// mean `absence_s` between two of its visits (0: back at once, at the end of the queue) - a
/// node's CPU fed by its own transactions, which come back after a disk I/O or a remote round
/// trip - plus, optionally, a Poisson stream of visits of mean `independent_mean_s` (other nodes'
/// work) and a Poisson stream of observers without work, whose waits are the resource's
/// time-average FCFS wait (PASTA). Records every visit's wait.
struct FeedbackVisits : EventHandler, ResourceClient {
  static constexpr std::uint64_t kIndependent = ~std::uint64_t{0};
  static constexpr std::uint64_t kObserver = kIndependent - 1;
  double rate_per_s = 0.0, absence_s = 0.0, warm_s = 0.0;
  double independent_rate_per_s = 0.0, independent_mean_s = 0.0, observer_rate_per_s = 0.0;
  std::vector<double> pattern_s;
  RandomStream arrivals{11, "transactions"}, work{11, "work"}, away{11, "absences"},
      observers{11, "observers"};
  std::vector<double> arrival_s, work_s;
  std::vector<std::size_t> next_visit;  // per transaction: index of its next visit in the pattern
  std::vector<std::uint64_t> transaction_of;  // per visit
  double wait_sum_s = 0.0, visits = 0.0, observer_wait_sum_s = 0.0, observations = 0.0;
  FcfsStation* station = nullptr;
  std::uint32_t id = 0;
  void visit(Simulation& sim, std::uint64_t tx) {
    const double length_s = pattern_s[next_visit[tx]++];
    arrival_s.push_back(sim.now_s());
    work_s.push_back(work.exponential(length_s));
    transaction_of.push_back(tx);
    station->arrive(sim, arrival_s.size() - 1, 0, work_s.back());
  }
  void handle(Simulation& sim, const Event& e) override {
    if (e.kind == 3) {  // an observer: a visit without work
      sim.schedule_in(observers.exponential(1.0 / observer_rate_per_s), id, 3, 0);
      arrival_s.push_back(sim.now_s());
      work_s.push_back(0.0);
      transaction_of.push_back(kObserver);
      station->arrive(sim, arrival_s.size() - 1, 0, 0.0);
    } else if (e.kind == 2) {  // an independent visit
      sim.schedule_in(arrivals.exponential(1.0 / independent_rate_per_s), id, 2, 0);
      arrival_s.push_back(sim.now_s());
      work_s.push_back(work.exponential(independent_mean_s));
      transaction_of.push_back(kIndependent);
      station->arrive(sim, arrival_s.size() - 1, 0, work_s.back());
    } else if (e.kind == 0) {  // a new transaction
      sim.schedule_in(arrivals.exponential(1.0 / rate_per_s), id, 0, 0);
      next_visit.push_back(0);
      visit(sim, next_visit.size() - 1);
    } else {  // back from an absence
      visit(sim, e.payload);
    }
  }
  void service_completed(Simulation& sim, int, JobId job) override {
    const std::uint64_t tx = transaction_of[job];
    if (arrival_s[job] >= warm_s) {
      const double wait_s = sim.now_s() - arrival_s[job] - work_s[job];
      if (tx == kObserver) {
        observer_wait_sum_s += wait_s;
        observations += 1.0;
        return;
      }
      wait_sum_s += wait_s;
      visits += 1.0;
    }
    if (tx != kIndependent && tx != kObserver && next_visit[tx] < pattern_s.size())
      sim.schedule_in(absence_s > 0 ? away.exponential(absence_s) : 0.0, id, 1, tx);
  }
  void server_granted(Simulation&, int, JobId) override {}
};

/// One run of FeedbackVisits: `rate_per_s` transactions per second at `servers` FCFS servers,
/// `horizon_s` after 20 s warm-up (observers at 2000 per second when `observe`).
struct FeedbackRun {
  std::vector<double> pattern_s;
  double absence_s = 0.0, rate_per_s = 100.0;
  double independent_rate_per_s = 0.0, independent_mean_s = 0.0;
  int servers = 4;
  double horizon_s = 300.0;
  bool observe = false;
};
struct FeedbackWaits {
  double visits_ms = 0.0;        ///< mean wait of a visit (transactions' and independent)
  double time_average_ms = 0.0;  ///< mean wait of an observer without work (0 if none)
};
FeedbackWaits feedback_waits(const FeedbackRun& run) {
  Simulation sim;
  FeedbackVisits fv;
  fv.rate_per_s = run.rate_per_s;
  fv.independent_rate_per_s = run.independent_rate_per_s;
  fv.independent_mean_s = run.independent_mean_s;
  fv.observer_rate_per_s = run.observe ? 2000.0 : 0.0;
  fv.absence_s = run.absence_s;
  fv.pattern_s = run.pattern_s;
  fv.warm_s = 20.0;
  fv.id = sim.add_handler(fv);
  FcfsStation cpu(sim, fv, 0, 1, run.servers);
  fv.station = &cpu;
  sim.schedule_at(0.0, fv.id, 0, 0);
  if (run.independent_rate_per_s > 0) sim.schedule_at(0.0, fv.id, 2, 0);
  if (run.observe) sim.schedule_at(0.0, fv.id, 3, 0);
  sim.run_until(20.0 + run.horizon_s);
  return {1000.0 * fv.wait_sum_s / fv.visits,
          fv.observations > 0 ? 1000.0 * fv.observer_wait_sum_s / fv.observations : 0.0};
}

/// Mean FCFS wait (ms) of the visits of 100 transactions per second with the given visit pattern
/// and mean absence (and independent Poisson visits) at 4 servers, 300 s after 20 s warm-up.
double feedback_wait_ms(const std::vector<double>& pattern_s, double absence_s,
                        double independent_rate_per_s = 0.0, double independent_mean_s = 0.0) {
  FeedbackRun run;
  run.pattern_s = pattern_s;
  run.absence_s = absence_s;
  run.independent_rate_per_s = independent_rate_per_s;
  run.independent_mean_s = independent_mean_s;
  return feedback_waits(run).visits_ms;
}
}  // namespace

TEST_CASE(
    "des resources: visits fed back by their own transactions wait less than M/G/m says when "
    "their lengths differ, as M/M/m says when they do not (issue #11)") {
  // The mechanism behind the cluster CPU-wait gap (docs/cluster.md "Known disagreements"): a
  // node's CPU fed by 100 transactions per second, each making 6 bursts of 4.35 ms and 10
  // message visits of 0.63 ms (L S S L S S ... L, exponential lengths, offered load 3.24 of 4,
  // visit-length SCV 2.6 - the 10-node primary-copy mix), away for an exponential absence
  // between its visits. Poisson visits of this mix wait as Lee & Longton's M/G/m form says (the
  // test above). Fed back after a short absence they wait far less; the gap closes as the
  // absence (and with it the number of transactions) grows. With visits of one mean length the
  // same network is product-form (Jackson 1963) and the M/M/m wait holds however short the
  // absence: the reduction needs both feedback and unequal lengths, so no population factor
  // alone ((N - 1) / N, a closed model of N transactions) can express it, and no rule tried
  // (docs/cluster.md) fits every cluster configuration. Measured: W / M/G/m 0.62 (3 ms absence,
  // about 9 transactions active), 0.81 (30 ms, 37), 0.92 (100 ms, 107); equal lengths 1.02.
  const double long_s = 4.35e-3, short_s = 0.63e-3;
  std::vector<double> mix{long_s};
  for (int i = 0; i < 5; ++i) mix.insert(mix.end(), {short_s, short_s, long_s});
  double sum_s = 0.0, sum2_s2 = 0.0;
  for (double s : mix) sum_s += s, sum2_s2 += s * s;
  const double a = 100.0 * sum_s;  // offered load
  const double c_over = tpeval::solver::open::erlang_c(4, a) / (4.0 - a);
  const double lee_longton_ms = 1000.0 * c_over * sum2_s2 / sum_s;  // E[S^2] / (2 E[S]) for exp.
  const double exponential_ms = 1000.0 * c_over * sum_s / static_cast<double>(mix.size());
  const double short_ms = feedback_wait_ms(mix, 3e-3);
  const double medium_ms = feedback_wait_ms(mix, 30e-3);
  const double long_ms = feedback_wait_ms(mix, 100e-3);
  const std::vector<double> equal(mix.size(), sum_s / static_cast<double>(mix.size()));
  const double equal_ms = feedback_wait_ms(equal, 3e-3);
  MESSAGE("feedback waits: " << short_ms << " / " << medium_ms << " / " << long_ms
                             << " ms (absence 3 / 30 / 100 ms), Lee-Longton " << lee_longton_ms
                             << " ms; equal lengths " << equal_ms << " ms, M/M/m " << exponential_ms
                             << " ms");
  CHECK(std::abs(equal_ms / exponential_ms - 1.0) < 0.06);  // product form: M/M/m holds
  CHECK(short_ms / lee_longton_ms > 0.5);
  CHECK(short_ms / lee_longton_ms < 0.7);  // measured 0.62
  CHECK(medium_ms / lee_longton_ms > 0.72);
  CHECK(medium_ms / lee_longton_ms < 0.89);  // measured 0.81
  CHECK(long_ms / lee_longton_ms > 0.84);
  CHECK(long_ms / lee_longton_ms < 0.98);  // measured 0.92
  CHECK(short_ms < medium_ms);
  CHECK(medium_ms < long_ms);
}

TEST_CASE(
    "des resources: fed-back short visits lower the FCFS wait of a mix, fed-back long ones do "
    "not (issue #11)") {
  // The same CPU and load as above, the mix split in two: the transactions' own visits fed back
  // after 3 ms absences, the other kind as a Poisson stream of the same rate. Fed-back message
  // visits (10 of 0.63 ms, long bursts independent) wait 0.67 of Lee & Longton, fed-back bursts
  // (6 of 4.35 ms, messages independent) 1.08 (measured, seed 11): the reduction of the cluster's
  // CPU wait comes from the short visits a transaction makes between its bursts - while a long
  // queue holds them they make no new visits - and a rule by absence alone, the same for every
  // visit (docs/cluster.md, the relaxation-time rule), cannot tell the two apart.
  const double long_s = 4.35e-3, short_s = 0.63e-3;
  const double a = 100.0 * (6.0 * long_s + 10.0 * short_s);
  const double sum2_s2 = 100.0 * (6.0 * long_s * long_s + 10.0 * short_s * short_s);
  const double lee_longton_ms =
      1000.0 * tpeval::solver::open::erlang_c(4, a) / (4.0 - a) * sum2_s2 / a;
  const double shorts_fed_back_ms =
      feedback_wait_ms(std::vector<double>(10, short_s), 3e-3, 600.0, long_s);
  const double longs_fed_back_ms =
      feedback_wait_ms(std::vector<double>(6, long_s), 3e-3, 1000.0, short_s);
  MESSAGE("short visits fed back " << shorts_fed_back_ms << " ms, long bursts fed back "
                                   << longs_fed_back_ms << " ms, Lee-Longton " << lee_longton_ms
                                   << " ms");
  CHECK(shorts_fed_back_ms / lee_longton_ms > 0.55);
  CHECK(shorts_fed_back_ms / lee_longton_ms < 0.8);  // measured 0.67
  CHECK(longs_fed_back_ms / lee_longton_ms > 0.95);
  CHECK(longs_fed_back_ms / lee_longton_ms < 1.2);  // measured 1.08
}

TEST_CASE(
    "des resources: most of the feedback reduction is in the time-average FCFS wait, not only in "
    "what the fed-back visits see (issue #11)") {
  // The 10-node primary-copy mix of the test above, fed back after 3 ms absences, with observers
  // without work arriving as a Poisson stream: their wait is the resource's time-average wait.
  // Measured (seed 11): visits wait 0.62 of Lee & Longton, observers 0.68 - the queue itself is
  // shorter than M/G/m's, so a rule that keeps the M/G/m time average and corrects only what a
  // fed-back kind sees (an arrival-theorem or "queue seen less own contribution" factor) cannot
  // reach the measured wait; the per-visit waits must feed back into the queue length through
  // Little's law (docs/cluster.md, "The CPU-wait gap").
  const double long_s = 4.35e-3, short_s = 0.63e-3;
  FeedbackRun run;
  run.pattern_s = {long_s};
  for (int i = 0; i < 5; ++i) run.pattern_s.insert(run.pattern_s.end(), {short_s, short_s, long_s});
  run.absence_s = 3e-3;
  run.observe = true;
  double sum_s = 0.0, sum2_s2 = 0.0;
  for (double s : run.pattern_s) sum_s += s, sum2_s2 += s * s;
  const double a = 100.0 * sum_s;
  const double lee_longton_ms =
      1000.0 * tpeval::solver::open::erlang_c(4, a) / (4.0 - a) * sum2_s2 / sum_s;
  const FeedbackWaits w = feedback_waits(run);
  MESSAGE("visits " << w.visits_ms << " ms, time average " << w.time_average_ms
                    << " ms, Lee-Longton " << lee_longton_ms << " ms");
  CHECK(w.time_average_ms / lee_longton_ms < 0.75);  // measured 0.68
  CHECK(w.time_average_ms / lee_longton_ms > 0.55);
  CHECK(w.visits_ms / w.time_average_ms > 0.85);  // measured 0.92
  CHECK(w.visits_ms / w.time_average_ms < 0.98);
}

namespace {
/// The visits of FeedbackRun as the fed-back streams of solver/open/fed_back_wait.hpp: the
/// transactions' visits in order, each fed back from the one before after the run's absence,
/// and the independent Poisson visits.
std::vector<tpeval::solver::open::FedBackVisit> rule_visits(const FeedbackRun& run) {
  std::vector<tpeval::solver::open::FedBackVisit> v(run.pattern_s.size());
  for (std::size_t i = 0; i < v.size(); ++i) {
    v[i].rate_per_s = run.rate_per_s;
    v[i].mean_s = run.pattern_s[i];
    if (i > 0) v[i].from.push_back({i - 1, 1.0, run.absence_s});
  }
  if (run.independent_rate_per_s > 0) {
    v.emplace_back();
    v.back().rate_per_s = run.independent_rate_per_s;
    v.back().mean_s = run.independent_mean_s;
  }
  return v;
}

/// Measured and predicted mean wait of a visit, both divided by Lee & Longton's M/G/m wait of
/// the same visits (Poisson).
struct RuleCheck {
  double measured = 0.0, predicted = 0.0;
};
RuleCheck check_rule(const FeedbackRun& run) {
  const auto v = rule_visits(run);
  double a = 0.0, sum2 = 0.0, rate = 0.0;
  for (const auto& x : v) {
    a += x.rate_per_s * x.mean_s;
    sum2 += x.rate_per_s * x.mean_s * x.mean_s;
    rate += x.rate_per_s;
  }
  const double lee_longton_s =
      tpeval::solver::open::erlang_c(run.servers, a) / (run.servers - a) * sum2 / a;
  const auto ratio = tpeval::solver::open::fed_back_wait_ratios(run.servers, v);
  double predicted = 0.0;
  for (std::size_t i = 0; i < v.size(); ++i) predicted += v[i].rate_per_s * ratio[i];
  return {feedback_waits(run).visits_ms / 1000.0 / lee_longton_s, predicted / rate};
}

/// The three structures of the tests above at `servers` FCFS servers and 81 % load: the 10-node
/// mix (L S S L ... L), ten short visits fed back with independent long bursts, six long bursts
/// fed back with independent short visits.
std::vector<FeedbackRun> feedback_structures(int servers, double absence_s, double horizon_s) {
  const double long_s = 4.35e-3, short_s = 0.63e-3;
  const double scale = servers / 4.0;
  std::vector<FeedbackRun> runs(3);
  runs[0].pattern_s = {long_s};
  for (int i = 0; i < 5; ++i)
    runs[0].pattern_s.insert(runs[0].pattern_s.end(), {short_s, short_s, long_s});
  runs[1].pattern_s.assign(10, short_s);
  runs[1].independent_rate_per_s = 600.0 * scale;
  runs[1].independent_mean_s = long_s;
  runs[2].pattern_s.assign(6, long_s);
  runs[2].independent_rate_per_s = 1000.0 * scale;
  runs[2].independent_mean_s = short_s;
  for (auto& run : runs) {
    run.rate_per_s = 100.0 * scale;
    run.servers = servers;
    run.absence_s = absence_s;
    run.horizon_s = horizon_s;
  }
  return runs;
}

/// Checks the rule against the three structures at `servers` servers fed back after
/// `absence_s`: predicted within `tolerance` of the measured wait (both / M/G/m).
void check_rule_on_structures(int servers, double absence_s, double horizon_s, double tolerance) {
  CAPTURE(servers);
  CAPTURE(absence_s);
  const auto runs = feedback_structures(servers, absence_s, horizon_s);
  for (std::size_t i = 0; i < runs.size(); ++i) {
    CAPTURE(i);
    const RuleCheck r = check_rule(runs[i]);
    MESSAGE(servers << " server(s), absence " << absence_s * 1000 << " ms, structure " << i
                    << ": W / M/G/m measured " << r.measured << ", rule " << r.predicted);
    CHECK(std::abs(r.predicted / r.measured - 1.0) < tolerance);
  }
}
}  // namespace

TEST_CASE(
    "des resources: the departure-epoch rule predicts the FCFS wait of fed-back visits at one "
    "server (issue #11)") {
  // solver/open/fed_back_wait.hpp against the three structures at one server (25 transactions
  // per second, 81 %), fed back at once and after 30 ms absences. Measured (seed 11, 1000 s;
  // W / M/G/1, rule in brackets): at once 0.60 (0.56), 0.58 (0.55), 1.14 (1.12); after 30 ms
  // 0.74 (0.67), 0.79 (0.77), 1.07 (1.10) - within 10 % where Lee & Longton is up to 45 % off,
  // the smoothing by fed-back short visits and the roughening by fed-back long ones alike.
  for (const double absence_s : {0.0, 30e-3}) check_rule_on_structures(1, absence_s, 1000.0, 0.12);
  CHECK(check_rule(feedback_structures(1, 0.0, 1.0)[0]).predicted ==
        doctest::Approx(0.5645).epsilon(0.002));
}

TEST_CASE(
    "des resources: the departure-epoch rule at four FCFS servers: right at 81 %, too little "
    "reduction at 70 % with longer absences (issue #11)") {
  // Four servers, taken by the rule as one four times as fast (Köllerström 1974). At 81 %
  // (100 transactions per second, 300 s, seed 11; W / M/G/m measured, rule in brackets):
  // absence 0: 0.60 (0.56), 0.57 (0.55), 1.11 (1.12); 3 ms: 0.62 (0.61), 0.67 (0.69), 1.08
  // (1.11); 30 ms: 0.81 (0.81), 0.87 (0.90), 1.08 (1.06). At 70 % load with 10 ms absences the
  // rule's reduction relaxes too fast (the fast server's relaxation time is too short for four
  // servers at moderate load): measured 0.72 and 0.80 against 0.82 and 0.90 - the multi-server
  // form is open (docs/cluster.md).
  for (const double absence_s : {0.0, 3e-3, 30e-3})
    check_rule_on_structures(4, absence_s, 300.0, 0.1);
  auto moderate = feedback_structures(4, 10e-3, 300.0);
  for (std::size_t i = 0; i < 2; ++i) {
    CAPTURE(i);
    FeedbackRun run = moderate[i];
    run.rate_per_s *= 0.7 / 0.81;
    run.independent_rate_per_s *= 0.7 / 0.81;
    const RuleCheck r = check_rule(run);
    MESSAGE("four servers at 70 %, absence 10 ms, structure " << i << ": measured " << r.measured
                                                              << ", rule " << r.predicted);
    CHECK(r.predicted / r.measured > 1.06);
    CHECK(r.predicted / r.measured < 1.35);
  }
}
