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
// printed again from the regrouped sums. Likewise when (issue #13) a request waiting for an
// end-of-file page came to wait for everyone ahead of it in the page's queue and a held page to
// meet only later requests while it still takes records (sequence_deadlock_terms): class 0's
// deadlock probability 0.0354 -> 0.0308 (the class-pair form; the partition-pair form leaves
// classes that request such a page to it).
TEST_CASE("locking: regrouped class-pair sums give the straightforward loops' results") {
  SUBCASE("fewer classes than partitions (deadlocks by class pairs)") {
    check_same(
        analyze_lock_contention(mixed()),
        {{{0.04375087051907791, 0.01849558770569161, 0.13147358448798843, 0.030754533934411334},
          {0.016638080367181705, 0.029988907211480228, 0.037991662779853948, 0.0021591187695376487},
          {0.00046969016741993814, 0.040916865616547719, 0.020019218249089196, 0},
          {0, 0, 0, 0}},
         {0.41897968078540659, 1.651257657756408, 5.4868447500807678, 0.22818271911298527, 0},
         0.74494769321140852,
         0.048007828090234864,
         4.2581885996805093,
         27});
  }
  SUBCASE("more classes than partitions (deadlocks by partition pairs)") {
    check_same(
        analyze_lock_contention(many(40, 2)),
        {{{0.014336426850311801, 0.064120848810643324, 0.040677055427531916,
           2.9152433996343073e-05},
          {0.022269832852260824, 0.07537363722587509, 0.10491062894883002, 0.0010293741251137629},
          {0.024336033829543417, 0.081985986488802065, 0.17796649616654109, 0.0010270391075867214},
          {0.029230254814175141, 0.083302277549116066, 0.1081319945631608, 0.0038174384793869592},
          {0.030875818880499221, 0.08465106823443079, 0.19113671047590644, 0.0032643282497048613},
          {0.029200103952702446, 0.073213941300612873, 0.30672318366716173, 0.0063635222041113146},
          {0.036351043338139377, 0.085041889635546555, 0.170187698355628, 0.0077243682447486993}},
         {1.4576263731372741, 5.1594788852108469, 13.861131369368875},
         0.20199244837067989,
         0.15130627134859309,
         1.0691341347605761,
         43});
  }
  SUBCASE("more classes than partitions, clamped probabilities (saturated hot spot)") {
    const LockContention r = analyze_lock_contention(many(3, 2));
    CHECK(r.thrashing);
    check_same(r, {{{1, 7163584.7093979474, 87.339315073501822, 0.6246442005454319},
                    {1, 6267164.6645207368, 1580.3856519904825, 1},
                    {1, 6893166.8333679438, 2894.0896780825433, 1},
                    {1, 6313481.7859089645, 4371.3264041841594, 1},
                    {1, 6771880.2706422927, 5697.4288584669148, 1},
                    {1, 6373585.961285945, 7168.9501456391308, 1},
                    {1, 6696480.2658564402, 8497.4468562266102, 1}},
                   {36719.604899474172, 73144.173138461367, 227380.84548938181},
                   19.25090429920202,
                   0.99997577087250855,
                   47542.367337189396,
                   9});
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
