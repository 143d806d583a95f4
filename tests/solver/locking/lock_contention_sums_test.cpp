// The class-pair sums of the lock model regrouped for many classes or partitions (issue #16):
// leave-one-class-out sums instead of a loop over the other classes, the deadlock sum over q
// once per class pair, and with more classes than partitions once per partition pair. They
// must give the sums of the straightforward loops.
#include <doctest/doctest.h>

#include <cstddef>
#include <string>
#include <vector>

#include "solver/locking/lock_contention.hpp"

using namespace tpeval::solver::locking;

namespace {

/// Four classes (closed with 3 and with 1 transaction, open, idle) on five partitions: a hot
/// partition locked once per transaction (taken last), shared and exclusive mixes, per-access
/// steps, an end-of-file sequence partition and one nobody uses. Fewer classes than partitions:
/// the deadlock sum by class pairs.
LockWorkload mixed() {
  LockWorkload w;
  w.partitions = {{"hot", 3}, {"branch", 50}, {"account", 20000}, {"history", 1, 4}, {"idle", 100}};
  LockClass a;
  a.name = "closed-3";
  a.accesses = {{0, 1, 1.0, 1.0}, {1, 2, 0.5}, {2, 4, 0.75, -1, 0.02, 1.0}, {3, 1, 1.0, 1.0}};
  a.concurrent_transactions = 3;
  a.step_time_s = 0.01;
  a.commit_time_s = 0.005;
  a.step_time_scv = 0.5;
  a.commit_time_scv = 1;
  LockClass b;
  b.name = "open";
  b.accesses = {{1, 1.5, 0.2}, {2, 6, 0.1, 0.3}, {0, 0.5, 1.0}};
  b.arrival_rate_per_s = 20;
  b.step_time_s = 0.004;
  b.commit_time_s = 0.002;
  b.step_time_scv = 2;
  LockClass c;
  c.name = "closed-1";
  c.accesses = {{2, 1, 1.0}};
  c.concurrent_transactions = 1;
  c.step_time_s = 0.02;
  LockClass d;
  d.name = "idle";
  d.step_time_s = 0.01;
  w.classes = {a, b, c, d};
  return w;
}

/// Seven classes, open and closed, on three partitions (more classes than partitions: the
/// deadlock sum by partition pairs where no min(1, .) binds). `population` is the closed class
/// c3's; with few hot granules the hot queue saturates and the clamps bind.
LockWorkload many(double hot_granules, double population) {
  LockWorkload w;
  w.partitions = {{"hot", hot_granules}, {"branch", 50}, {"account", 20000}};
  for (int i = 0; i < 7; ++i) {
    LockClass c;
    c.name = "c" + std::to_string(i);
    c.accesses = {{0, 1.0 + i % 2, i % 3 == 0 ? 1.0 : 0.4, i % 2 ? 1.0 : -1.0},
                  {1, 0.5 * i, 0.3 + 0.1 * i},
                  {2, 3.0 + i, 0.5, -1, 0.01 * (1 + i % 3), 0.5 * i}};
    if (i % 2) {
      c.concurrent_transactions = i == 3 ? population : 1.5;
    } else {
      c.arrival_rate_per_s = 2.0 + i;
    }
    c.step_time_s = 0.003 + 0.001 * i;
    c.commit_time_s = 0.004;
    c.step_time_scv = 0.2 * i;
    w.classes.push_back(c);
  }
  return w;
}

struct ClassFigures {
  double conflict_probability, wait_per_conflict_s, response_time_s, deadlock_probability;
};

struct Figures {
  std::vector<ClassFigures> classes;
  std::vector<double> exclusive_locks_held;
  double deadlock_rate_per_s, blocked_share, tay_workload;
  std::size_t iterations;
};

void check_same(const LockContention& r, const Figures& expected) {
  const auto same = [](double x) { return doctest::Approx(x).epsilon(1e-12); };
  REQUIRE(r.classes.size() == expected.classes.size());
  for (std::size_t c = 0; c < r.classes.size(); ++c) {
    CAPTURE(c);
    CHECK(r.classes[c].conflict_probability == same(expected.classes[c].conflict_probability));
    CHECK(r.classes[c].wait_per_conflict_s == same(expected.classes[c].wait_per_conflict_s));
    CHECK(r.classes[c].response_time_s == same(expected.classes[c].response_time_s));
    CHECK(r.classes[c].deadlock_probability == same(expected.classes[c].deadlock_probability));
  }
  REQUIRE(r.partitions.size() == expected.exclusive_locks_held.size());
  for (std::size_t p = 0; p < r.partitions.size(); ++p) {
    CAPTURE(p);
    CHECK(r.partitions[p].exclusive_locks_held == same(expected.exclusive_locks_held[p]));
  }
  CHECK(r.deadlock_rate_per_s == same(expected.deadlock_rate_per_s));
  CHECK(r.blocked_share == same(expected.blocked_share));
  CHECK(r.tay_workload == same(expected.tay_workload));
  CHECK(r.iterations == expected.iterations);
}

}  // namespace

// The expected figures were printed (17 digits) by the straightforward O(classes^2 x
// partitions^2) loops, before the sums were regrouped; the regrouped sums differ from them only
// in rounding (1e-15 relative). A change of the lock model's semantics changes them, and they
// are then printed again from the simple loops of that model: last from the lock model with
// locks held from the start of their step (branch `lockagree`, a06728d), which the regrouped
// sums match to 5e-15. Then (issue #13) a hot granule's holder stopped waiting for locks held
// by transactions queued behind it (the holding times changed, not the sums): the figures were
// printed again from the regrouped sums, and the saturated hot spot, which that change made
// stable at a population of 2 (3 granules), is now taken at a population of 8.
TEST_CASE("locking: regrouped class-pair sums give the straightforward loops' results") {
  SUBCASE("fewer classes than partitions (deadlocks by class pairs)") {
    check_same(
        analyze_lock_contention(mixed()),
        {{{0.043725133337286587, 0.018485746971604353, 0.13146633399414773, 0.035393371076271628},
          {0.016624551527634073, 0.029983494369063186, 0.037987697170307422, 0.0021586387842200574},
          {0.0004696732324150445, 0.040914160870244271, 0.020019216285818309, 0},
          {0, 0, 0, 0}},
         {0.41837073938423341, 1.6510876990350685, 5.4868145927209175, 0.22819530360780779, 0},
         0.85083288152976178,
         0.04795889515207756,
         4.2581806783490039,
         27});
  }
  SUBCASE("more classes than partitions (deadlocks by partition pairs)") {
    check_same(
        analyze_lock_contention(many(40, 2)),
        {{{0.014296648494504826, 0.063897251081502016, 0.040654066146079026,
           2.9118841710343665e-05},
          {0.02220442046287429, 0.075172104638069059, 0.10484949459971662, 0.00102649642976083},
          {0.024272521958692072, 0.081814893083118206, 0.17790097650053327, 0.0010240104423641276},
          {0.029151216086472257, 0.083126850472681355, 0.1080208633808516, 0.0038069789424440997},
          {0.03079775042398375, 0.084490280032619394, 0.19102110553886126, 0.0032546696885416082},
          {0.029118229339978728, 0.073032749588884005, 0.30658230434842165, 0.0063427404475524408},
          {0.036261241966538335, 0.084884981971573348, 0.17001445326106293, 0.0077026652149440877}},
         {1.4527872087417348, 5.1459081071086032, 13.856182194459532},
         0.20150770816139085,
         0.15069697236291846,
         1.0687758937049947,
         42});
  }
  SUBCASE("more classes than partitions, clamped probabilities (saturated hot spot)") {
    const LockContention r = analyze_lock_contention(many(3, 8));
    CHECK(r.thrashing);
    check_same(r, {{{1, 20223528.316222332, 11.091454773889771, 0.62249840436983217},
                    {1, 16594062.341743091, 4572.5995599051375, 1},
                    {1, 19261172.108377039, 9117.1213052058101, 1},
                    {1, 17031102.669949103, 13649.700189188869, 1},
                    {1, 18876225.869124584, 18193.349050967059, 1},
                    {1, 17258360.380266711, 22692.886907303026, 1},
                    {1, 18668944.235592995, 27239.864692057636, 1}},
                   {3.6291957702455955, 219.59692476313668, 649441.94808774849},
                   19.245977043177611,
                   0.99999240856482796,
                   151951.9332733856,
                   1});
  }
}

TEST_CASE("locking: an open class split into identical copies gives the same contention") {
  // Open classes see every transaction (no N - 1 correction), so copies with a share of the
  // arrival rate each are the same load: 2 classes on 3 partitions (deadlocks by class pairs)
  // against 2 x 8 copies (by partition pairs) must agree.
  LockWorkload whole;
  whole.partitions = {{"hot", 20}, {"branch", 200}, {"account", 20000}};
  LockClass a;
  a.name = "a";
  a.accesses = {{0, 1, 1.0, 1.0}, {1, 2, 0.5}, {2, 5, 0.8, -1, 0.02, 1.0}};
  a.arrival_rate_per_s = 40;
  a.step_time_s = 0.005;
  a.commit_time_s = 0.004;
  a.step_time_scv = 1;
  LockClass b;
  b.name = "b";
  b.accesses = {{1, 3, 0.1}, {2, 8, 0.3}};
  b.arrival_rate_per_s = 30;
  b.step_time_s = 0.003;
  b.commit_time_s = 0.002;
  whole.classes = {a, b};
  LockWorkload split = whole;
  split.classes.clear();
  constexpr int kCopies = 8;
  for (const LockClass& cls : whole.classes) {
    for (int i = 0; i < kCopies; ++i) {
      LockClass copy = cls;
      copy.name = cls.name + std::to_string(i);
      copy.arrival_rate_per_s = cls.arrival_rate_per_s / kCopies;
      split.classes.push_back(copy);
    }
  }
  const LockContention one = analyze_lock_contention(whole);
  const LockContention copies = analyze_lock_contention(split);
  REQUIRE(one.converged);
  REQUIRE(copies.converged);
  CHECK(one.classes[0].deadlock_probability > 1e-4);
  const auto same = [](double x) { return doctest::Approx(x).epsilon(1e-9); };
  for (std::size_t c = 0; c < split.classes.size(); ++c) {
    CAPTURE(c);
    const ClassContention& expected = one.classes[c / kCopies];
    CHECK(copies.classes[c].conflict_probability == same(expected.conflict_probability));
    CHECK(copies.classes[c].response_time_s == same(expected.response_time_s));
    CHECK(copies.classes[c].deadlock_probability == same(expected.deadlock_probability));
  }
  CHECK(copies.deadlock_rate_per_s == same(one.deadlock_rate_per_s));
  CHECK(copies.blocked_share == same(one.blocked_share));
}
