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
// partitions^2) loops of main b67d73f, before the sums were regrouped; the regrouped sums
// differ from them only in rounding (1e-15 relative). A change of the lock model's semantics
// changes them, and they are then printed again from the simple loops of that model.
TEST_CASE("locking: regrouped class-pair sums give the straightforward loops' results") {
  SUBCASE("fewer classes than partitions (deadlocks by class pairs)") {
    check_same(
        analyze_lock_contention(mixed()),
        {{{0.043691920118930791, 0.019258586712041996, 0.13173155704312065, 0.035368828656291686},
          {0.016622594485051503, 0.031039530616607431, 0.038127660234629934, 0.0021594369765864179},
          {0.00047023877427435892, 0.04104043274063806, 0.020019298802720249, 0},
          {0, 0, 0, 0}},
         {0.41815208921578317, 1.651444569729932, 5.4876485696436239, 0.22773586430911069, 0},
         0.84866381589587125,
         0.049725200029160657,
         4.2584602555030742,
         32});
  }
  SUBCASE("more classes than partitions (deadlocks by partition pairs)") {
    check_same(
        analyze_lock_contention(many(40, 2)),
        {{{0.014378210361913286, 0.068495765892966021, 0.040939386113573742,
           2.9262538013734582e-05},
          {0.022335908222630686, 0.079887627528694355, 0.10559835763151296, 0.0010322731435793439},
          {0.024391395379948329, 0.086012893904200902, 0.17868582149254877, 0.0010305635728474921},
          {0.029316930364544302, 0.087346186470026649, 0.10932685958351947, 0.0038306159294023349},
          {0.030938654473162974, 0.088545196843428639, 0.19239469245421575, 0.0032765993345388721},
          {0.029278296422117149, 0.077507212399279671, 0.30836598917887864, 0.0063910625895897315},
          {0.036419474820279019, 0.088849334002934766, 0.17206599899857483, 0.0077521679540496647}},
         {1.4623239865748641, 5.1714627409959855, 13.910213166915243},
         0.20168567300869911,
         0.15794407205903124,
         1.0730224524586411,
         49});
  }
  SUBCASE("more classes than partitions, clamped probabilities (saturated hot spot)") {
    const LockContention r = analyze_lock_contention(many(3, 2));
    CHECK(r.thrashing);
    check_same(
        r, {{{0.57892604877737486, 1279.9934999487398, 176.99314233304932, 0.090236340464940279},
             {0.65445727005326348, 56983.228385863302, 305.51150806666556, 0.38833098874179561},
             {0.59897718931178556, 114226.85538339376, 152.78696255003126, 0.32454084229405672},
             {0.6453403557120283, 117188.94766166416, 355.74465107933372, 1},
             {0.60699764552554991, 157375.52274124467, 153.07755904842048, 0.61509674309431306},
             {0.64058756001367356, 149241.06377638766, 306.21156183113669, 1},
             {0.61131635271757678, 180185.73759341662, 177.95493182821684, 1}},
            {5.299420332059924, 2715.7594163266594, 5847.5742004866643},
            13.181643719704418,
            0.99916602906990193,
            1260.7821161608456,
            5});
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
