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
// sums match to 5e-15.
TEST_CASE("locking: regrouped class-pair sums give the straightforward loops' results") {
  SUBCASE("fewer classes than partitions (deadlocks by class pairs)") {
    check_same(
        analyze_lock_contention(mixed()),
        {{{0.043756183143690786, 0.018497428975688766, 0.13147501510469975, 0.035395528777655394},
          {0.016640817909143544, 0.029989566047359195, 0.037992407255654462, 0.0021591864237597369},
          {0.00046969316911233961, 0.040917335314166421, 0.020019218592522814, 0},
          {0, 0, 0, 0}},
         {0.41911011304304258, 1.6512608689233639, 5.4868491281724658, 0.22818023619247801, 0},
         0.8508397401395007,
         0.048017330147101918,
         4.2581900867758842,
         27});
  }
  SUBCASE("more classes than partitions (deadlocks by partition pairs)") {
    check_same(
        analyze_lock_contention(many(40, 2)),
        {{{0.014336448657387256, 0.064120966797822865, 0.040677067786752258,
           2.9152451499155183e-05},
          {0.022269866403163106, 0.075373737953028944, 0.10491065996704718, 0.0010293755362601237},
          {0.024336064231526258, 0.081986068294017889, 0.17796652755001321, 0.0010270405877792141},
          {0.029230293634401303, 0.083302362367054711, 0.10813204883728814, 0.0038174435825603071},
          {0.03087585520153905, 0.084651143973525286, 0.19113676460714313, 0.0032643328348605574},
          {0.029200142825789883, 0.073214028212252105, 0.3067232509657084, 0.0063635321655338096},
          {0.036351084754897622, 0.085041963306925469, 0.17018777895814205, 0.0077243784161507749}},
         {1.4576290317026899, 5.1594849675147163, 13.861133479451201},
         0.20199267986912822,
         0.15130656494874778,
         1.069134301820126,
         43});
  }
  SUBCASE("more classes than partitions, clamped probabilities (saturated hot spot)") {
    const LockContention r = analyze_lock_contention(many(3, 2));
    CHECK(r.thrashing);
    check_same(r, {{{1, 2546740.9596214318, 80.24858110401027, 0.48443705949406729},
                    {1, 2241025.7314901524, 604.94672902819013, 1},
                    {1, 2443185.1009940444, 988.47496911716371, 0.91399715669377768},
                    {1, 2245587.6123629687, 1535.7629606945673, 1},
                    {1, 2396324.1305673709, 1965.6733442668897, 1},
                    {1, 2263083.0073019005, 2534.8818577919355, 1},
                    {1, 2366907.7411255329, 3011.933706553189, 1}},
                   {14716.330071737842, 26354.324750256499, 79924.201866060379},
                   18.629236330793439,
                   0.99993100262705192,
                   16760.726852787364,
                   8});
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
