#include <doctest/doctest.h>

#include <cmath>
#include <set>
#include <string>
#include <vector>

#include "solver/io/json_input.hpp"
#include "solver/reliability/reliability.hpp"
#include "tests/support/input_error.hpp"

using tpeval::testing::error_of;
using namespace tpeval::solver::reliability;

namespace {

constexpr double kYear = kHoursPerYear;

/// x rounded to `digits` significant digits, as the book prints Tab. 5-2.
double round_significant(double x, int digits) {
  const double scale = std::pow(10.0, digits - 1 - std::floor(std::log10(std::abs(x))));
  return std::round(x * scale) / scale;
}

}  // namespace

TEST_CASE("reliability: eq. 5.1 without redundancy (Rahm L1584-1586, ch5-6a.md §3.2)") {
  // 100 disks of MTTF 5 years lose data after 0.05 years = 18.25 days ("a few weeks").
  CHECK(mttdl_no_redundancy_h(5 * kYear, 100) / 24 == doctest::Approx(18.25).epsilon(1e-12));
  CHECK(mttdl_no_redundancy_h(10 * kYear, 100) / 24 == doctest::Approx(36.5).epsilon(1e-12));
}

TEST_CASE("reliability: Tab. 5-2 disks and MTTDL (Rahm L1633-1639, ch5-6a.md §3.1)") {
  struct Row {
    double group, disks, mttdl_5h_y, mttdl_1h_y;
  };
  // N = 100 data disks, MTTF = 5 years; book values printed with two significant digits.
  for (const Row& row : {Row{100, 101, 4.3, 22}, Row{10, 110, 40, 200}, Row{1, 200, 220, 1100}}) {
    CAPTURE(row.group);
    CHECK(parity_array_disks(100, row.group) == row.disks);
    CHECK(round_significant(mttdl_parity_h(5 * kYear, 5, 100, row.group) / kYear, 2) ==
          row.mttdl_5h_y);
    CHECK(round_significant(mttdl_parity_h(5 * kYear, 1, 100, row.group) / kYear, 2) ==
          row.mttdl_1h_y);
  }
  // Unrounded values of the notes' recomputation (ch5-6a.md §3.1).
  CHECK(mttdl_parity_h(5 * kYear, 5, 100, 100) == doctest::Approx(37988.9).epsilon(1e-5));
  CHECK(mttdl_parity_h(5 * kYear, 5, 100, 10) == doctest::Approx(348807).epsilon(1e-5));
  CHECK(mttdl_parity_h(5 * kYear, 5, 100, 1) == doctest::Approx(1918440).epsilon(1e-5));
  // "Faktor 9" and "more than factor 5" (L1627).
  const double one = mttdl_parity_h(5 * kYear, 5, 100, 100);
  const double ten = mttdl_parity_h(5 * kYear, 5, 100, 10);
  const double mirror = mttdl_parity_h(5 * kYear, 5, 100, 1);
  CHECK(std::round(ten / one) == 9);
  CHECK(mirror / ten > 5);
}

TEST_CASE("reliability: Patterson-Gibson-Katz check values (peers-and-formulas §3.7)") {
  // D = 100, MTTF = 30,000 h, MTTR = 1 h: G = 10 -> 818,182 h; G = 25 -> 346,154 h.
  CHECK(std::round(mttdl_pgk_h(30000, 1, 100, 10)) == 818182);
  CHECK(std::round(mttdl_pgk_h(30000, 1, 100, 25)) == 346154);
  // With one check disk PGK is eq. 5.2.
  CHECK(mttdl_pgk_h(43800, 5, 100, 10, 1) ==
        doctest::Approx(mttdl_parity_h(43800, 5, 100, 10)).epsilon(1e-14));
  // Two check disks per group: (D + 2 n_G) (G + 1).
  CHECK(mttdl_pgk_h(30000, 1, 100, 10, 2) == doctest::Approx(9e8 / (120.0 * 11.0)).epsilon(1e-14));
}

TEST_CASE("reliability: Chen et al. RAID-5 parts and their harmonic combination") {
  ChenRaid5Input in;
  in.total_disks = 110;
  in.group_disks = 11;
  in.mttf_disk_h = 30000;
  in.mttr_disk_h = 1;
  ChenRaid5Mttdl m = mttdl_chen_raid5(in);
  // Chen's G counts the parity disk: N (G - 1) = 110 * 10, the same as PGK for D=100, G=10.
  CHECK(m.double_failure_h == doctest::Approx(mttdl_pgk_h(30000, 1, 100, 10)).epsilon(1e-14));
  CHECK(std::isinf(m.bit_error_h));
  CHECK(m.combined_h == m.double_failure_h);

  in.bit_error_rate = 1e-14;
  in.disk_capacity_bytes = 1e12;  // 1 TB: a rebuild reads 10 disks = 8e13 bits
  m = mttdl_chen_raid5(in);
  // 1 - (1 - p)^b = 1 - exp(-p b) up to p^2 b = 8e-15 relative: 1 - exp(-0.8).
  const double p_error = 1 - std::exp(-0.8);
  CHECK(m.bit_error_h == doctest::Approx(30000 / (110 * p_error)).epsilon(1e-9));
  CHECK(m.combined_h ==
        doctest::Approx(1 / (1 / m.double_failure_h + 1 / m.bit_error_h)).epsilon(1e-14));
  CHECK(m.combined_h < m.bit_error_h);

  in.mttf_system_h = 2000;
  in.mttr_system_h = 2;
  m = mttdl_chen_raid5(in);
  CHECK(m.system_crash_h == doctest::Approx(2000.0 * 30000 / (110 * 2)).epsilon(1e-14));
}

TEST_CASE("reliability: CTMC of one mirrored pair equals the exact birth-death result") {
  // Pair: 2 lambda to degraded, mu back, lambda to loss: MTTDL = (3 lambda + mu) / (2 lambda^2).
  ArrayReliabilityModel m;
  m.groups = 1;
  m.disks_per_group = 2;
  m.mttf_h = 1000;
  m.mttr_h = 50;
  const double l = 1.0 / 1000, mu = 1.0 / 50;
  const MarkovMttdl r = mttdl_markov(m);
  CHECK(r.states == 2);
  CHECK(r.mttdl_h == doctest::Approx((3 * l + mu) / (2 * l * l)).epsilon(1e-12));
}

TEST_CASE("reliability: the truncated CTMC equals the full birth-death chain") {
  // Without spares the array is a birth-death chain in the number i of degraded groups:
  // up (n - i) g lambda, down i mu, loss i (g - 1) lambda. Solve all n + 1 states here with the
  // tridiagonal (Thomas) algorithm in long double and compare with mttdl_markov, which cuts the
  // chain where the states' probability no longer matters.
  for (std::int64_t n : {1, 10, 100, 1000}) {
    CAPTURE(n);
    const std::int64_t g = 11;
    const long double lambda = 1.0L / 43800, mu = 1.0L / 5;
    const auto size = static_cast<std::size_t>(n + 1);
    std::vector<long double> lower(size), diag(size), upper(size), rhs(size, 1.0L);
    for (std::size_t i = 0; i < size; ++i) {
      const long double up =
          static_cast<long double>(n - static_cast<std::int64_t>(i)) * g * lambda;
      const long double down = static_cast<long double>(i) * mu;
      const long double loss = static_cast<long double>(i) * (g - 1) * lambda;
      diag[i] = up + down + loss;
      upper[i] = -up;
      lower[i] = -down;
    }
    for (std::size_t i = 1; i < size; ++i) {  // forward elimination
      const long double w = lower[i] / diag[i - 1];
      diag[i] -= w * upper[i - 1];
      rhs[i] -= w * rhs[i - 1];
    }
    std::vector<long double> t(size);
    t[size - 1] = rhs[size - 1] / diag[size - 1];
    for (std::size_t i = size - 1; i-- > 0;) t[i] = (rhs[i] - upper[i] * t[i + 1]) / diag[i];

    ArrayReliabilityModel m;
    m.groups = n;
    m.disks_per_group = g;
    m.mttf_h = 43800;
    m.mttr_h = 5;
    const MarkovMttdl r = mttdl_markov(m);
    CHECK(r.states <= n + 1);
    CHECK(r.mttdl_h == doctest::Approx(static_cast<double>(t[0])).epsilon(1e-12));
  }
}

TEST_CASE("reliability: closed forms agree with the exact CTMC when MTTR << MTTF") {
  // Tab. 5-2 arrays: N = 100, MTTF = 5 years, MTTR = 1 h; MTTR/MTTF = 2.3e-5.
  for (double group : {100.0, 10.0, 1.0}) {
    CAPTURE(group);
    ArrayReliabilityModel m;
    m.groups = static_cast<std::int64_t>(100 / group);
    m.disks_per_group = static_cast<std::int64_t>(group) + 1;
    m.mttf_h = 5 * kYear;
    m.mttr_h = 1;
    const double exact = mttdl_markov(m).mttdl_h;
    const double closed = mttdl_parity_h(5 * kYear, 1, 100, group);
    // The neglected terms are of relative order (G + 1) MTTR / MTTF <= 101 * 2.3e-5.
    CHECK(std::abs(exact / closed - 1) < 101 * 1.0 / (5 * kYear) * 2);
  }
  // ... and drift apart when the repair time is no longer small.
  ArrayReliabilityModel slow;
  slow.groups = 10;
  slow.disks_per_group = 11;
  slow.mttf_h = 1000;
  slow.mttr_h = 100;
  const double exact = mttdl_markov(slow).mttdl_h;
  const double closed = mttdl_parity_h(1000, 100, 100, 10);
  CHECK(std::abs(exact / closed - 1) > 0.2);
}

TEST_CASE("reliability: hot spares make the rebuild time the effective MTTR (Rahm L1736)") {
  ArrayReliabilityModel m;
  m.groups = 10;
  m.disks_per_group = 11;
  m.mttf_h = 5 * kYear;
  m.mttr_h = 48;  // replacement by a technician, then rebuild
  const double no_spare = mttdl_markov(m).mttdl_h;
  m.hot_spares = 1;
  m.rebuild_h = 1;
  m.spare_replacement_h = 48;
  const MarkovMttdl spare = mttdl_markov(m);
  CHECK(spare.states > 2);
  CHECK(spare.mttdl_h > 5 * no_spare);
  // Cross-check with eq. 5.2 and an effective MTTR: the single spare is missing with the
  // renewal probability p = x / (1 + x), x = 110 * 48 h / MTTF (failures while it is being
  // replaced), and then a failure waits the full 48 h: MTTR_eff = (1 - p) * 1 h + p * 48 h.
  // The approximation ignores that failures cluster in time (about 2 %).
  const double x = 110 * 48 / (5 * kYear);
  const double p = x / (1 + x);
  const double effective_mttr = (1 - p) * 1 + p * 48;
  CHECK(spare.mttdl_h ==
        doctest::Approx(mttdl_parity_h(5 * kYear, effective_mttr, 100, 10)).epsilon(0.03));
  m.hot_spares = 3;
  const double three = mttdl_markov(m).mttdl_h;
  CHECK(three > spare.mttdl_h);
  CHECK(three < mttdl_parity_h(5 * kYear, 1, 100, 10));  // never better than MTTR = rebuild
}

TEST_CASE("reliability: RAID-6 CTMC vs Chen et al. (parallel repairs double Chen's value)") {
  // Chen's MTTF^3 / (N (G-1)(G-2) MTTR^2) repairs one disk at a time from the double-failure
  // state; the chain here repairs both failed disks in parallel (rate 2 mu), which doubles the
  // mean time in the limit MTTR << MTTF.
  ArrayReliabilityModel m;
  m.groups = 4;
  m.disks_per_group = 10;
  m.fault_tolerance = 2;
  m.mttf_h = 1e6;
  m.mttr_h = 1;
  const double exact = mttdl_markov(m).mttdl_h;
  const double chen = mttdl_chen_raid6_h(1e6, 1, 40, 10);
  CHECK(exact / chen == doctest::Approx(2.0).epsilon(1e-3));
  m.fault_tolerance = 1;
  CHECK(exact > 1e3 * mttdl_markov(m).mttdl_h);
}

TEST_CASE("reliability: I/O multipliers of the redundancy schemes (ch5-6a.md §3.16)") {
  const IoMultipliers raid5 = io_multipliers(Redundancy::raid5, 4);
  CHECK(raid5.small_write == 4);  // 2 reads, then 2 writes (L1686)
  CHECK(raid5.small_write_reads == 2);
  CHECK(raid5.full_stripe_write == 5);  // G + 1 (L1692)
  CHECK(raid5.full_stripe_write_per_block == 1.25);
  CHECK(raid5.read == 1);
  CHECK(raid5.degraded_read_failed == 4);  // G - 1 data + parity (L1678)
  CHECK(raid5.degraded_read == doctest::Approx(0.8 * 1 + 0.2 * 4));
  CHECK(raid5.capacity_overhead == 0.25);
  const IoMultipliers mirror = io_multipliers(Redundancy::mirroring, 1);
  CHECK(mirror.small_write == 2);  // L1752
  CHECK(mirror.small_write_reads == 0);
  CHECK(mirror.capacity_overhead == 1);
  CHECK(mirror.disks_per_data_disk == 2);
  const IoMultipliers raid6 = io_multipliers(Redundancy::raid6, 8);
  CHECK(raid6.small_write == 6);
  CHECK(raid6.full_stripe_write == 10);
  CHECK(io_multipliers(Redundancy::none, 1).small_write == 1);
  CHECK(io_multipliers(Redundancy::parity_striping, 4).small_write == 4);
  // Tab. 5-2: one group of 100 costs 1 % extra capacity, ten groups 10 % (L1615, L1627).
  CHECK(io_multipliers(Redundancy::raid5, 100).capacity_overhead == doctest::Approx(0.01));
  CHECK(io_multipliers(Redundancy::raid5, 10).capacity_overhead == doctest::Approx(0.10));
  CHECK(parse_redundancy("raid5") == Redundancy::raid5);
  CHECK(error_of([] { parse_redundancy("raid7"); }).find("redundancy: must be one of") == 0);
}

TEST_CASE("reliability: RAID-5 mapping reproduces Abb. 5-9 for G = 4, K = 5 (ch5-6a.md §3.14)") {
  const std::int64_t g = 4, k = 5;
  // Parity disks per stripe rotate 4, 3, 2, 1, 0.
  for (std::int64_t j = 0; j < k; ++j) CHECK(raid5_parity_location(j, g, k).disk == 4 - j);
  // Stripe 1: B4..B7 on disks 0, 1, 2, 4 (P1 on disk 3); stripe 3: B12..B15 on 0, 2, 3, 4.
  const std::int64_t stripe1[] = {0, 1, 2, 4}, stripe3[] = {0, 2, 3, 4}, stripe4[] = {1, 2, 3, 4};
  for (int c = 0; c < 4; ++c) {
    CHECK(raid5_data_location(4 + c, g, k) == BlockLocation{stripe1[c], 1});
    CHECK(raid5_data_location(12 + c, g, k) == BlockLocation{stripe3[c], 3});
    CHECK(raid5_data_location(16 + c, g, k) == BlockLocation{stripe4[c], 4});
  }
  CHECK(raid5_parity_of(7, g, k) == 1);  // B4-B7 form P1's group (L1662)
}

TEST_CASE("reliability: parity striping reproduces Abb. 5-11 for G = 4, K = 10 (§3.15)") {
  const std::int64_t g = 4, k = 10;
  const std::set<std::int64_t> expected[10] = {
      {8, 16, 24, 32}, {9, 17, 25, 33}, {0, 18, 26, 34}, {1, 19, 27, 35}, {2, 10, 28, 36},
      {3, 11, 29, 37}, {4, 12, 20, 38}, {5, 13, 21, 39}, {6, 14, 22, 30}, {7, 15, 23, 31}};
  std::set<std::int64_t> groups[10];
  for (std::int64_t i = 0; i < g * k; ++i) groups[parity_striping_parity_of(i, g, k)].insert(i);
  for (int j = 0; j < 10; ++j) CHECK(groups[j] == expected[j]);
  CHECK(parity_striping_data_location(0, g, k) == BlockLocation{0, 0});
  CHECK(parity_striping_parity_location(2, g, k) == BlockLocation{1, 8});  // B0 -> P2
  CHECK(parity_striping_parity_location(0, g, k) == BlockLocation{0, 8});  // B8 -> P0
}

TEST_CASE("reliability: every parity group lies on distinct disks and the layouts are bijective") {
  for (std::int64_t g : {1, 2, 3, 4, 7, 10}) {
    for (std::int64_t stripes : {1, 2, 3, 5}) {
      const std::int64_t k = stripes * (g + 1);  // also valid for parity striping
      CAPTURE(g);
      CAPTURE(k);
      for (int layout = 0; layout < 2; ++layout) {
        std::set<std::pair<std::int64_t, std::int64_t>> used;
        std::vector<std::set<std::int64_t>> group_disks(static_cast<std::size_t>(k));
        std::vector<int> group_size(static_cast<std::size_t>(k), 0);
        for (std::int64_t i = 0; i < g * k; ++i) {
          const BlockLocation at =
              layout == 0 ? raid5_data_location(i, g, k) : parity_striping_data_location(i, g, k);
          const std::int64_t j =
              layout == 0 ? raid5_parity_of(i, g, k) : parity_striping_parity_of(i, g, k);
          CHECK(at.disk >= 0);
          CHECK(at.disk <= g);
          CHECK(at.position >= 0);
          CHECK(at.position < k);
          used.insert({at.disk, at.position});
          group_disks[static_cast<std::size_t>(j)].insert(at.disk);
          ++group_size[static_cast<std::size_t>(j)];
        }
        for (std::int64_t j = 0; j < k; ++j) {
          const BlockLocation p = layout == 0 ? raid5_parity_location(j, g, k)
                                              : parity_striping_parity_location(j, g, k);
          used.insert({p.disk, p.position});
          const auto& disks = group_disks[static_cast<std::size_t>(j)];
          CHECK(group_size[static_cast<std::size_t>(j)] == g);  // G data blocks per group
          CHECK(static_cast<std::int64_t>(disks.size()) == g);  // ... on G distinct disks
          CHECK(disks.count(p.disk) == 0);                      // ... none on the parity disk
        }
        // (G + 1) K distinct slots: data and parity fill the array exactly once.
        CHECK(static_cast<std::int64_t>(used.size()) == (g + 1) * k);
      }
    }
  }
}

TEST_CASE("reliability: invalid arguments are InputErrors naming the parameter") {
  CHECK(error_of([] { mttdl_parity_h(-1, 5, 100, 10); }) == "mttf_h: must be a positive number");
  CHECK(error_of([] { mttdl_parity_h(100, 5, 100, 200); }) ==
        "group_data_disks: must not exceed the number of data disks");
  CHECK(error_of([] { parity_striping_parity_of(0, 4, 11); }) ==
        "blocks_per_disk: must be a multiple of G + 1 for parity striping");
  CHECK(error_of([] { raid5_data_location(20, 4, 5); }) == "block: must be in [0, 20)");
  ArrayReliabilityModel m;
  m.mttf_h = 100;
  m.mttr_h = 1;
  m.fault_tolerance = 2;
  m.disks_per_group = 5;
  m.hot_spares = 1;
  CHECK(error_of([&] { mttdl_markov(m); }) ==
        "hot_spares: hot spares are modelled for fault tolerance 1 only");
}
