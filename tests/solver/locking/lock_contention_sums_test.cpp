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
// classes that request such a page to it). Likewise when (issue #13) the wait behind those queued
// at a granule came to count in full for a transaction's first request on a partition
// (queue_ahead.hpp): printed again from the regrouped sums; the saturated case diverged one
// iteration earlier, before its probabilities reached the clamps, so it runs at 2.5 instead of 2
// transactions of c3 (the clamps bind again). Likewise when (issue #13) the two-cycle sums came
// to be multiplied by deadlock_cycle_factor for the cycles of three and more: the deadlock
// probabilities and rates printed again from the regrouped sums, outside the lock queues whose
// terms count every transaction ahead (class 0 of `mixed` x 1.033: its requests blocked on the
// end-of-file page keep their two-cycles; x 1.187 in `many(40, 2)`; the saturated case's class
// 0 reaches the clamp). Likewise when (issue #13) each cycle came to be booked to its victim, the
// transaction whose request closes it, not to the one blocked first: the deadlock probabilities
// printed again (the rates unchanged); the partition-pair form, forced off, gave the class-pair
// form's to 1e-15.
TEST_CASE("locking: regrouped class-pair sums give the straightforward loops' results") {
  SUBCASE("fewer classes than partitions (deadlocks by class pairs)") {
    check_same(
        analyze_lock_contention(mixed()),
        {{{0.043747187843672035, 0.018842306774181205, 0.13159438345594224, 0.032689555164056215},
          {0.016641610375770409, 0.030762805713198584, 0.038095541007873469, 0.0011745480060534267},
          {0.00047011569350918992, 0.041075243584555672, 0.020019310116213503, 0},
          {0, 0, 0, 0}},
         {0.41926287032688014, 1.6506642097731563, 5.4875557597212872, 0.22797325548505643, 0},
         0.76872539123189199,
         0.048973974925245349,
         4.2583960971335006,
         27});
  }
  SUBCASE("more classes than partitions (deadlocks by partition pairs)") {
    check_same(
        analyze_lock_contention(many(40, 2)),
        {{{0.014393772725092027, 0.066229034697084993, 0.040813142685835427,
           1.3915927613007987e-05},
          {0.022349797503058062, 0.078554058326959109, 0.10541183740979376, 0.00065184995849446286},
          {0.024396118772785223, 0.085839966241764099, 0.17865913406336675, 0.0019984868437406466},
          {0.029328188297781065, 0.087003092194913048, 0.10924060913587244, 0.0021616315390677291},
          {0.030939295128159978, 0.088773165007394614, 0.19246579148158047, 0.0057622821199262864},
          {0.029281545654940587, 0.076849603449950704, 0.30812843960457198, 0.012438725618554915},
          {0.036418111578205979, 0.089205645555210419, 0.17223311494047663, 0.010946392705974205}},
         {1.4641304218215812, 5.1709161365910941, 13.913861272962444},
         0.23957093570838073,
         0.15752890226526628,
         1.0733270357749625,
         44});
  }
  SUBCASE("more classes than partitions, clamped probabilities (saturated hot spot)") {
    const LockContention r = analyze_lock_contention(many(3, 2.5));
    CHECK(r.thrashing);
    check_same(r, {{{1, 10582887.125046441, 90.550884106523696, 1},
                    {1, 9264045.6620620228, 2280.262661026386, 1},
                    {1, 10183305.324877338, 4285.8011207524987, 1},
                    {1, 9330115.7798885182, 6459.5235316890057, 1},
                    {1, 10003917.083906332, 8476.5750751706764, 1},
                    {1, 9418268.0019865688, 10643.316489488479, 1},
                    {1, 9892280.7073039729, 12662.962747361051, 1}},
                   {54824.494141884556, 108694.49805773119, 338498.26477595593},
                   20.001185777919005,
                   0.99998371534596486,
                   70771.014340359601,
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

// Issue #13 (deadlock restarts, model/restarts.hpp): each class's deadlock sum split by the
// partition where the victim holds its lock of the cycle and where it requests: each part sums
// to the class's deadlock probability (where it is not clamped), and the class-pair and the
// partition-pair forms split alike (`many` with idle partitions added takes the class pairs).
TEST_CASE("locking: the deadlock sums split by held and requested partition") {
  const auto check_split = [](const LockContention& r) {
    const std::size_t np = r.partitions.size();
    REQUIRE(r.deadlock_held_on.size() == r.classes.size() * np);
    REQUIRE(r.deadlock_requested_on.size() == r.classes.size() * np);
    for (std::size_t c = 0; c < r.classes.size(); ++c) {
      CAPTURE(c);
      double held = 0, requested = 0;
      for (std::size_t p = 0; p < np; ++p) {
        CHECK(r.deadlock_held_on[c * np + p] >= 0.0);
        CHECK(r.deadlock_requested_on[c * np + p] >= 0.0);
        held += r.deadlock_held_on[c * np + p];
        requested += r.deadlock_requested_on[c * np + p];
      }
      CHECK(held == doctest::Approx(r.classes[c].deadlock_probability).epsilon(1e-12));
      CHECK(requested == doctest::Approx(r.classes[c].deadlock_probability).epsilon(1e-12));
    }
  };
  const LockContention mixed_result = analyze_lock_contention(mixed());
  check_split(mixed_result);
  // Class 0's victims: the hot partition (3 granules) and the end-of-file page both hold and
  // request; the unused partition neither.
  const std::size_t np = mixed_result.partitions.size();
  CHECK(mixed_result.deadlock_held_on[0 * np + 0] > 0.0);
  CHECK(mixed_result.deadlock_held_on[0 * np + 4] == 0.0);
  CHECK(mixed_result.deadlock_requested_on[0 * np + 4] == 0.0);

  const LockContention pairs = analyze_lock_contention(many(40, 2));
  check_split(pairs);
  LockWorkload wide = many(40, 2);
  for (int i = 0; i < 5; ++i) wide.partitions.push_back({"idle" + std::to_string(i), 100});
  const LockContention by_classes = analyze_lock_contention(wide);
  check_split(by_classes);
  const std::size_t nw = wide.partitions.size();
  for (std::size_t c = 0; c < pairs.classes.size(); ++c) {
    for (std::size_t p = 0; p < 3; ++p) {
      CAPTURE(c);
      CAPTURE(p);
      CHECK(by_classes.deadlock_held_on[c * nw + p] ==
            doctest::Approx(pairs.deadlock_held_on[c * 3 + p]).epsilon(1e-9));
      CHECK(by_classes.deadlock_requested_on[c * nw + p] ==
            doctest::Approx(pairs.deadlock_requested_on[c * 3 + p]).epsilon(1e-9));
    }
  }
}
