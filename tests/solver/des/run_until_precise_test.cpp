// The run-until-precise driver (solver/des/run_until_precise) on synthetic replications whose true
// mean is known: an AR(1) congestion level per observation interval, optionally starting far from
// its mean (a transient the warm-up must remove). What the simulators need of it: a stop at the
// requested precision with an interval that holds the true mean, results independent of the
// thread count, the warm-up removed, a replication's exception in the caller, and the limits.
#include <doctest/doctest.h>

#include <cmath>
#include <memory>
#include <stdexcept>
#include <vector>

#include "solver/des/random_stream.hpp"
#include "solver/des/run_until_precise.hpp"

using namespace tpeval::solver::des;

namespace {

constexpr double kMean = 5.0;

/// Counters per interval: [0] seconds, [1] level x seconds. Level: AR(1) around kMean, phi 0.9.
class Ar1Replication final : public Replication {
 public:
  Ar1Replication(std::uint64_t seed, int replication, double start, double interval_s)
      : stream_(seed, "ar1", replication), level_(start), interval_s_(interval_s) {}
  ReplicationStatus advance(double horizon_s, std::uint64_t max_events,
                            IntervalSeries& rows) override {
    if (throw_at_s_ > 0 && horizon_s >= throw_at_s_) throw std::runtime_error("replication broke");
    while ((closed_ + 1) * interval_s_ <= horizon_s * (1 + 1e-12)) {
      if (events_ >= max_events) return ReplicationStatus::event_budget;
      if (stop_at_ > 0 && closed_ >= stop_at_) return ReplicationStatus::stopped;
      level_ = kMean + 0.9 * (level_ - kMean) + 2.0 * (stream_.uniform01() - 0.5);
      const double row[] = {interval_s_, level_ * interval_s_};
      rows.append(row);
      ++closed_;
      events_ += 10;
    }
    return ReplicationStatus::running;
  }
  std::size_t counters() const override { return 2; }
  std::uint64_t events() const override { return events_; }
  double now_s() const override { return static_cast<double>(closed_) * interval_s_; }

  double throw_at_s_ = 0.0;
  std::size_t stop_at_ = 0;

 private:
  RandomStream stream_;
  double level_;
  double interval_s_;
  std::size_t closed_ = 0;
  std::uint64_t events_ = 0;
};

struct Setup {
  std::vector<std::unique_ptr<Ar1Replication>> owned;
  std::vector<Replication*> reps;
  std::vector<Measure> measures{{{1}, 0, 1.0, true}};
  PrecisionSettings settings;
  Setup(int count, std::uint64_t seed, double start) {
    for (int r = 0; r < count; ++r) {
      owned.push_back(std::make_unique<Ar1Replication>(seed, r, start, 0.5));
      reps.push_back(owned.back().get());
    }
    settings.interval_s = 0.5;
    settings.precision = 0.005;
    settings.layout.time_counter = 0;
    settings.layout.congestion = {{1}};
  }
  PreciseRun run() { return run_until_precise(reps, measures, settings); }
};

}  // namespace

TEST_CASE("des driver: stops at the requested precision with an interval around the true mean") {
  for (const int replications : {1, 4}) {
    Setup s(replications, 3, kMean);
    const PreciseRun r = s.run();
    CAPTURE(replications);
    CHECK(r.precision_reached);
    CHECK(r.cause == StopCause::precision);
    CHECK(r.rounds >= 2);  // precise in two consecutive rounds
    CHECK(r.widest_relative_half_width <= 0.005);
    CHECK(r.interval_method == (replications == 1 ? "batch means" : "independent replications"));
    CHECK(r.degrees_of_freedom == (replications == 1 ? 31 : replications - 1));
    REQUIRE(r.estimates.size() == 1);
    CHECK(std::abs(r.estimates[0].mean - kMean) <= 3 * r.estimates[0].half_width);
  }
}

TEST_CASE("des driver: the same seed gives bit-identical results on 1 and 3 threads") {
  std::vector<PreciseRun> runs;
  for (const int threads : {1, 3}) {
    Setup s(5, 11, 3 * kMean);
    s.settings.threads = threads;
    runs.push_back(s.run());
  }
  CHECK(runs[0].estimates[0].mean == runs[1].estimates[0].mean);
  CHECK(runs[0].estimates[0].half_width == runs[1].estimates[0].half_width);
  CHECK(runs[0].truncated_time_s == runs[1].truncated_time_s);
  CHECK(runs[0].events == runs[1].events);
  CHECK(runs[0].rounds == runs[1].rounds);
  Setup other(5, 12, 3 * kMean);
  CHECK(other.run().estimates[0].mean != runs[0].estimates[0].mean);
}

TEST_CASE("des driver: a transient start is cut by MSER-5 and leaves no bias") {
  Setup s(1, 5, 40 * kMean);  // starts 8x above the mean; phi 0.9 decays it within ~100 intervals
  const PreciseRun r = s.run();
  REQUIRE(r.precision_reached);
  CHECK(r.warmup_over);
  CHECK(r.truncated_time_s[0] >= 10 * 0.5);
  CHECK(std::abs(r.estimates[0].mean - kMean) <= 3 * r.estimates[0].half_width);
}

TEST_CASE("des driver: an exception in a replication reaches the caller, whatever the threads") {
  for (const int threads : {1, 4}) {
    Setup s(4, 7, kMean);
    s.settings.threads = threads;
    s.owned[2]->throw_at_s_ = 1000.0;
    CAPTURE(threads);
    CHECK_THROWS_WITH_AS(s.run(), "replication broke", std::runtime_error);
  }
}

TEST_CASE("des driver: limits stop the run and say which - bad settings are refused") {
  Setup time(1, 1, kMean);
  time.settings.precision = 1e-6;
  time.settings.max_time_s = 2000.0;
  const PreciseRun t = time.run();
  CHECK_FALSE(t.precision_reached);
  CHECK(t.cause == StopCause::time_limit);
  CHECK(t.simulated_time_s[0] == doctest::Approx(2000.0));

  Setup events(2, 1, kMean);
  events.settings.precision = 1e-6;
  events.settings.max_events = 100'000;
  const PreciseRun e = events.run();
  CHECK(e.cause == StopCause::event_limit);
  CHECK(e.events <= 100'000);

  Setup stop(1, 1, kMean);
  stop.owned[0]->stop_at_ = 600;
  CHECK(stop.run().cause == StopCause::model_stop);

  Setup tiny(1, 1, kMean);
  tiny.settings.max_time_s = 5.0;  // 10 intervals: no 32 batches
  const PreciseRun n = tiny.run();
  CHECK_FALSE(n.estimable);
  CHECK(n.shortage.find("observation intervals after warm-up") != std::string::npos);

  Setup bad(1, 1, kMean);
  bad.settings.batches = 2;
  CHECK_THROWS_AS(bad.run(), SimulationError);
  bad.settings.batches = 32;
  bad.settings.precision = 0.0;
  CHECK_THROWS_AS(bad.run(), SimulationError);
}
