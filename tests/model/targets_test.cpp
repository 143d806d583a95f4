// Book targets of Rahm 1993 Sect. 6.5 (TPSIM) for the analytic model. Target ids and derived
// checks refer to notes/ch6-5.md §3 (V..) and §4 (A..); book lines are L2402 etc. Every tolerance
// is stated where it is used. Targets the model misses assert what the model gives and say why.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>

#include "model/device_demand.hpp"
#include "scenarios.hpp"

using namespace tpeval::model;
using namespace tpeval::model::testing;

TEST_CASE("V01/V02: 4 x 50 MIPS and 250,000 instructions give 800 TPS and 5 ms CPU (L2402)") {
  // The theoretical maximum (A1): no I/O overhead, nothing but the CPU can saturate
  // (main-memory DB, log on SSD which needs no CPU here) and synchronisation switched off as the
  // book's "best case" (L2364). Tolerance 0.1 %.
  const auto e =
      eval_default(allocation(Alloc::mm_db) + all_partitions("lock_granularity", "none") +
                   Sets{{"nodes[0].log.device", "ssd"},
                        {"nodes[0].io_overhead_instructions", 0},
                        {"workload.arrival_rate_per_s", 10}});
  REQUIRE(e.max_throughput_per_s);
  CHECK(*e.max_throughput_per_s == doctest::Approx(800.0).epsilon(0.001));
  CHECK(e.max_throughput_limited_by == "cpu");
  CHECK(e.types[0].breakdown.cpu_service_s == doctest::Approx(0.005).epsilon(1e-9));
  // With page locks the locks held during the CPU queue thrash just below the CPU bound; the
  // limit is then still named as the CPU.
  const auto locked =
      eval_default(allocation(Alloc::mm_db) +
                   Sets{{"nodes[0].log.device", "ssd"}, {"nodes[0].io_overhead_instructions", 0}});
  CHECK(locked.max_throughput_limited_by.rfind("cpu", 0) == 0);
  CHECK(*locked.max_throughput_per_s > 0.97 * 800.0);
}

TEST_CASE("V03: page access times without queueing 50 us / 1.4 / 6.4 / 16.4 ms (L2402)") {
  const auto m = parse_model(default_model());
  const auto& storage = m.storage;
  CHECK(storage.extended_memory.access_time_ms == doctest::Approx(0.05));
  CHECK(page_access_time_ms(storage.devices[find_device(storage, "ssd")]) == doctest::Approx(1.4));
  CHECK(page_access_time_ms(storage.devices[find_device(storage, "log_disk")]) ==
        doctest::Approx(6.4));
  CHECK(page_access_time_ms(storage.devices[find_device(storage, "db_disks")]) ==
        doctest::Approx(16.4));
  // And through the whole model at a negligible load: the commit waits for one log write of
  // 6.4 ms (tolerance 0.01 ms of queueing at 0.01 TPS).
  const auto e = eval_default({{"workload.arrival_rate_per_s", 0.01}}, false);
  CHECK(e.types[0].breakdown.commit_io_s * 1000 == doctest::Approx(6.4).epsilon(0.002));
}

TEST_CASE("V06: CPU utilisation above 90 % at 700 TPS (L2428, A3)") {
  // Only the SSD and EH log configurations sustain 700 TPS; A3 derives 90.9 % / 90.8 %.
  for (const char* log : {"ssd", "extended_memory"}) {
    CAPTURE(log);
    const auto e =
        eval_default({{"nodes[0].log.device", log}, {"workload.arrival_rate_per_s", 700}}, false);
    REQUIRE_FALSE(e.saturated);
    CHECK(e.servers[0].utilization > 0.90);
    CHECK(e.servers[0].utilization < 0.93);  // A3: 90.9 % with the I/O overhead
  }
}

TEST_CASE("V07/V08: one log disk limits throughput to 180-200 TPS, steep rise from 100 TPS") {
  // A4: 1 / 5 ms = 200 log writes per second (disk occupancy only; controller and transfer are
  // separate servers, L2388).
  const auto e = eval_default({});
  REQUIRE(e.max_throughput_per_s);
  CHECK(*e.max_throughput_per_s >= 180.0);
  CHECK(*e.max_throughput_per_s <= 200.0);
  CHECK(e.max_throughput_limited_by.rfind("log_disk.disk", 0) == 0);
  const auto r = [](double rate) {
    return rt_ms(eval_default({{"workload.arrival_rate_per_s", rate}}, false));
  };
  const double r50 = r(50), r100 = r(100), r150 = r(150);
  // "Steep rise from about 100 TPS" (L2439): the increase from 100 to 150 TPS is at least twice
  // the one from 50 to 100 (M/M/1 at the log disk: 10 -> 20 ms vs 6.7 -> 10 ms, A4).
  CHECK(r150 - r100 >= 2.0 * (r100 - r50));
  CHECK(eval_default({{"workload.arrival_rate_per_s", 200}}, false).saturated);
}

TEST_CASE("V09/V10: a non-volatile write buffer keeps the log RT flat until near 200 TPS") {
  const Sets wb{{"nodes[0].disk_cache.type", "non_volatile"},
                {"nodes[0].disk_cache.pages", 0},
                {"nodes[0].log.write_buffer", "disk_cache"}};
  const auto e = eval_default(wb);
  REQUIRE(e.max_throughput_per_s);
  // Still disk-limited at 200 TPS (A4): the asynchronous writes need 5 ms each.
  CHECK(*e.max_throughput_per_s >= 180.0);
  CHECK(*e.max_throughput_per_s <= 200.0);
  const double flat10 = rt_ms(eval_default(wb + Sets{{"workload.arrival_rate_per_s", 10}}, false));
  const double flat180 =
      rt_ms(eval_default(wb + Sets{{"workload.arrival_rate_per_s", 180}}, false));
  const double near = rt_ms(eval_default(wb + Sets{{"workload.arrival_rate_per_s", 198}}, false));
  // "Nearly unchanged and very short until shortly before the limit" (L2439): within 2 ms up to
  // 180 TPS; then the full buffer makes writes synchronous and the RT rises by more than 20 ms.
  CHECK(flat180 - flat10 < 2.0);
  CHECK(near - flat180 > 20.0);
  // And the WB gives the lower RT than the plain log disk at the same rate (V14 direction).
  CHECK(flat180 < rt_ms(eval_default({{"workload.arrival_rate_per_s", 180}}, false)));
}

TEST_CASE("V12/V13: EH log beats SSD log by about 1.4-1.5 ms per transaction (L2439, A5)") {
  const auto ssd = eval_default({{"nodes[0].log.device", "ssd"}}, false);
  const auto eh = eval_default({{"nodes[0].log.device", "extended_memory"}}, false);
  const double gap = rt_ms(ssd) - rt_ms(eh);
  // A5: 1.46 - 0.056 = 1.40 ms; the book says about 1.5 ms. Tolerance: 1.3 .. 1.6 ms.
  CHECK(gap > 1.3);
  CHECK(gap < 1.6);
}

TEST_CASE("V21: slightly more than one page fault per transaction at 2000 pages (L2476, A8)") {
  const auto e = eval_default({}, false);
  CHECK(e.types[0].page_misses > 1.0);
  CHECK(e.types[0].page_misses < 1.2);  // A8: 4 x (1 - 0.725) = 1.10
  // Every fault writes a dirty victim first (V22, L2482).
  CHECK(e.types[0].victim_writes == doctest::Approx(e.types[0].page_misses).epsilon(1e-9));
}

TEST_CASE("V23: about 40 ms of I/O delay per transaction with everything on disks (L2482)") {
  const auto e =
      eval_default(allocation(Alloc::disks) + Sets{{"workload.arrival_rate_per_s", 1}}, false);
  double io = e.types[0].breakdown.commit_io_s;
  for (const auto& [dev, s] : e.types[0].breakdown.io_s) io += s;
  // A6: 2 x 1.105 x 16.4 + 6.4 = 42.6 ms (the book: "about 40 ms"). Tolerance 35..45 ms; the
  // model does not read a new HISTORY page (docs/model.md), so it gives about 41.8 ms.
  CHECK(io * 1000 > 35.0);
  CHECK(io * 1000 < 45.0);
}

TEST_CASE("V32: FORCE adds about 2 write I/Os per transaction (L2513, A11)") {
  const auto no = eval_default({}, false);
  const auto fo = eval_default({{"policies.update_strategy", "force"}}, false);
  const auto writes = [](const Evaluation& e) {
    return e.types[0].synchronous_writes + e.types[0].asynchronous_writes;
  };
  CHECK(fo.types[0].force_writes == doctest::Approx(3.0));   // B/T page, ACCOUNT page, HISTORY page
  CHECK(fo.types[0].victim_writes == doctest::Approx(0.0));  // victims are clean
  // A11: 4 - 2.1 = 1.9, stated as "2 more". Tolerance 1.7 .. 2.1.
  CHECK(writes(fo) - writes(no) > 1.7);
  CHECK(writes(fo) - writes(no) < 2.1);
}

TEST_CASE("V33: FORCE with BRANCH/TELLER on one disk limits throughput below 70 TPS (L2515)") {
  nlohmann::json doc = default_model();
  doc["nodes"][0]["devices"].push_back(
      {{"name", "bt_disk"}, {"type", "disk"}, {"access_time_ms", 15}, {"count", 1}});
  const auto e = eval(with(doc, {{"policies.update_strategy", "force"},
                                 {"database.partitions[BRANCH].allocation.device", "bt_disk"},
                                 {"database.partitions[TELLER].allocation.device", "bt_disk"},
                                 {"workload.arrival_rate_per_s", 20}}));
  REQUIRE(e.max_throughput_per_s);
  // A12: 1000 / 15 = 66.7 TPS, with BRANCH misses about 63.5 TPS. Tolerance 55 .. 70.
  CHECK(*e.max_throughput_per_s < 70.0);
  CHECK(*e.max_throughput_per_s > 55.0);
  CHECK(e.max_throughput_limited_by.rfind("bt_disk.disk", 0) == 0);
}

TEST_CASE("V45: HS hit ratios 53.7 / 59.6 / 66.7 / 72.5 % (Tab. 6-7, L2544)") {
  // Per record reference (A8); tolerance 0.5 percentage points (A9: Che gives 53.4 .. 72.4).
  const double sizes[] = {200, 500, 1000, 2000};
  const double book[] = {0.537, 0.596, 0.667, 0.725};
  for (int i = 0; i < 4; ++i) {
    CAPTURE(sizes[i]);
    const auto e = eval_default({{"nodes[0].buffer.pages", sizes[i]}}, false);
    CHECK(std::abs(e.hs_hit_ratio - book[i]) < 0.005);
    for (const auto& p : e.partitions) {  // V35-V37: ACCOUNT ~0, HISTORY 95 %, TELLER 100 %
      if (p.name == "ACCOUNT") CHECK(p.hs_hit_ratio < 0.001);
      if (p.name == "HISTORY") CHECK(p.hs_hit_ratio == doctest::Approx(0.95).epsilon(0.001));
      if (p.name == "TELLER") CHECK(p.hs_hit_ratio == doctest::Approx(1.0));
    }
  }
}

TEST_CASE("V16-V20: ordering of the six DB allocations at 100 TPS (L2460-2474)") {
  const auto rt = [](Alloc a) { return rt_ms(eval_default(allocation(a), false)); };
  const double disks = rt(Alloc::disks), dc_wb = rt(Alloc::nv_dc_write_buffer),
               eh_wb = rt(Alloc::eh_write_buffer), ssd = rt(Alloc::ssd),
               eh = rt(Alloc::eh_resident), mm = rt(Alloc::mm_db);
  MESSAGE("RT ms: disks " << disks << ", NV DC WB " << dc_wb << ", EH WB " << eh_wb << ", SSD "
                          << ssd << ", EH " << eh << ", MM-DB " << mm);
  // V16: EH-resident best, almost only CPU.
  CHECK(eh < std::min({disks, dc_wb, eh_wb, ssd, mm}));
  // V17: MM-DB with the log on disk slightly worse than EH (the log write, 6.4 ms).
  CHECK(mm > eh);
  CHECK(mm - eh < 10.0);
  // V18: SSD "not much worse" than EH (A6: 3 x 1.4 ms).
  CHECK(ssd - eh < 10.0);
  // V19: a write buffer already improves significantly over plain disks (>= 25 %).
  CHECK(dc_wb < 0.75 * disks);
  CHECK(eh_wb < 0.75 * disks);
  // V20: EH WB only slightly better than DC WB (< 5 ms apart).
  CHECK(eh_wb < dc_wb);
  CHECK(dc_wb - eh_wb < 5.0);
}

TEST_CASE("V27-V31: FORCE vs NOFORCE over the allocations (L2494-2515)") {
  const Alloc all[] = {Alloc::disks, Alloc::nv_dc_write_buffer, Alloc::eh_write_buffer,
                       Alloc::ssd,   Alloc::eh_resident,        Alloc::mm_db};
  std::vector<double> no, fo;
  for (auto a : all) {
    no.push_back(rt_ms(eval_default(allocation(a), false)));
    fo.push_back(
        rt_ms(eval_default(allocation(a) + Sets{{"policies.update_strategy", "force"}}, false)));
  }
  // V28: FORCE is never faster (MM-DB has nothing to force: equal).
  for (std::size_t i = 0; i < no.size(); ++i) CHECK(fo[i] >= no[i] - 1e-9);
  // V27: the same ordering as under NOFORCE.
  const auto rank = [](const std::vector<double>& v) {
    std::vector<std::size_t> idx(v.size());
    for (std::size_t i = 0; i < v.size(); ++i) idx[i] = i;
    std::sort(idx.begin(), idx.end(), [&](auto a, auto b) { return v[a] < v[b]; });
    return idx;
  };
  // The model swaps SSD and MM-DB (log on disk) under FORCE: SSD pays 3 forced writes of 1.46 ms
  // while MM-DB forces nothing (A6 notes the book does not state the SSD / MM-DB ordering).
  // The ordering of the other five allocations is unchanged.
  MESSAGE("FORCE RT ms: SSD " << fo[3] << ", MM-DB " << fo[5] << " (NOFORCE " << no[3] << ", "
                              << no[5] << ")");
  std::vector<double> no5(no.begin(), no.begin() + 5), fo5(fo.begin(), fo.begin() + 5);
  CHECK(rank(no5) == rank(fo5));
  // V29: the penalty is large on disks and shrinks with faster media (SSD, then EH).
  const double pen_disk = fo[0] - no[0], pen_ssd = fo[3] - no[3], pen_eh = fo[4] - no[4];
  CHECK(pen_disk > pen_ssd);
  CHECK(pen_ssd > pen_eh);
  // V30: with a write buffer the penalty is small (below 20 % of the disk penalty).
  CHECK(fo[1] - no[1] < 0.2 * pen_disk);
  CHECK(fo[2] - no[2] < 0.2 * pen_disk);
  // V31: FORCE + WB beats NOFORCE on plain disks.
  CHECK(fo[1] < no[0]);
  CHECK(fo[2] < no[0]);
}

namespace {

/// Sect. 6.5.2.5 buffer configurations at 500 TPS, NOFORCE (L2519-2540); the log goes through the
/// second-level memory type where there is one, else to enough log disks.
Sets buffer_config(const std::string& kind, double hs_pages) {
  Sets s{{"nodes[0].devices[log_disk].count", "enough"},
         {"nodes[0].buffer.pages", hs_pages},
         {"workload.arrival_rate_per_s", 500}};
  if (kind == "vol_dc")
    s = s + Sets{{"nodes[0].disk_cache.type", "volatile"}, {"nodes[0].disk_cache.pages", 1000}};
  if (kind == "nv_dc" || kind == "nv_wb")
    s = s +
        Sets{{"nodes[0].disk_cache.type", "non_volatile"},
             {"nodes[0].disk_cache.pages", kind == "nv_dc" ? 1000 : 0},
             {"nodes[0].log.write_buffer", "disk_cache"}} +
        all_partitions("allocation.write_buffer", "disk_cache");
  if (kind == "eh500" || kind == "eh1000")
    s = s +
        Sets{{"nodes[0].extended_memory.buffer_pages", kind == "eh500" ? 500 : 1000},
             {"nodes[0].log.write_buffer", "extended_memory"}} +
        all_partitions("allocation.extended_buffer", true);
  return s;
}

double buffer_rt(const std::string& kind, double hs) {
  return rt_ms(eval_default(buffer_config(kind, hs), false));
}

}  // namespace

TEST_CASE("V39: HS-only RT falls with the buffer size, little gain beyond 2000 pages (L2532)") {
  const double r200 = buffer_rt("hs", 200), r500 = buffer_rt("hs", 500),
               r1000 = buffer_rt("hs", 1000), r2000 = buffer_rt("hs", 2000),
               r5000 = buffer_rt("hs", 5000);
  CHECK(r200 > r500);
  CHECK(r500 > r1000);
  CHECK(r1000 > r2000);
  CHECK(r2000 >= r5000);
  // "No notable further improvement": 2000 -> 5000 gains under 10 % of what 200 -> 2000 gained.
  CHECK(r2000 - r5000 < 0.1 * (r200 - r2000));
}

TEST_CASE("V40: a volatile disk cache of 1000 pages helps only at very small HS (L2534, A7)") {
  CHECK(buffer_rt("vol_dc", 200) < buffer_rt("hs", 200));
  for (double hs : {1000.0, 2000.0}) {
    CAPTURE(hs);
    // Zero DC hits once HS >= DC size (A7): the RT equals HS-only within 0.1 ms.
    CHECK(std::abs(buffer_rt("vol_dc", hs) - buffer_rt("hs", hs)) < 0.1);
    CHECK(eval_default(buffer_config("vol_dc", hs), false).dc_hit_ratio < 0.002);
  }
}

TEST_CASE(
    "V41-V43: NV disk cache and EH buffer, WB alone gets most savings, EH 500 beats DC 1000") {
  for (double hs : {200.0, 500.0, 1000.0, 2000.0}) {
    CAPTURE(hs);
    const double only = buffer_rt("hs", hs), nv = buffer_rt("nv_dc", hs),
                 wb = buffer_rt("nv_wb", hs), eh500 = buffer_rt("eh500", hs),
                 eh1000 = buffer_rt("eh1000", hs);
    // V41: strong improvement (the synchronous disk writes vanish): at least 30 % lower RT.
    CHECK(nv < 0.7 * only);
    CHECK(eh1000 < 0.7 * only);
    // V42: the WB alone gets most of the saving; the rest is the read-hit saving.
    CHECK(only - wb > wb - nv);
    CHECK(wb >= nv);
    // V43: EH 500 better than DC 1000.
    CHECK(eh500 < nv);
    CHECK(eh1000 <= eh500);
  }
}

TEST_CASE("V74-V77: lock experiment of Sect. 6.5.2.7 (L2616-2635)") {
  const auto doc = lock_experiment_model();
  const Sets record = {{"database.partitions[small].lock_granularity", "record"},
                       {"database.partitions[large].lock_granularity", "record"}};
  const Sets mixed = {{"database.partitions[small].allocation.device", "extended_memory"},
                      {"nodes[0].log.device", "extended_memory"}};
  const Sets all_eh =
      mixed + Sets{{"database.partitions[large].allocation.device", "extended_memory"}};
  const auto disk_page = eval(doc);
  const auto mixed_page = eval(with(doc, mixed));
  const auto disk_record = eval(with(doc, record));
  const auto mixed_record = eval(with(doc, mixed + record));
  const auto eh_page = eval(with(doc, all_eh));
  REQUIRE(disk_page.max_throughput_per_s);
  REQUIRE(mixed_page.max_throughput_per_s);
  // V74/V75: page locks saturate by lock thrashing, the disk allocation before the mixed one
  // (book: about 120 and 150 TPS, CPU not exhausted).
  CHECK(disk_page.max_throughput_limited_by.rfind("lock thrashing on small", 0) == 0);
  CHECK(mixed_page.max_throughput_limited_by.rfind("lock thrashing on small", 0) == 0);
  CHECK(*mixed_page.max_throughput_per_s > *disk_page.max_throughput_per_s);
  MESSAGE("V74 page locks, all on disk: model " << *disk_page.max_throughput_per_s
                                                << " TPS, book about 120 TPS");
  MESSAGE("V75 page locks, mixed: model " << *mixed_page.max_throughput_per_s
                                          << " TPS, book about 150 TPS");
  // The lock model takes the steps as they are (docs/locking.md): 8 short CPU steps on the
  // buffered small partition and 2 long disk steps (read + victim write, L2633) in random order,
  // so a hot lock's holding time varies with the disk steps still to come, and a blocked request
  // waits its length-biased residual. Its conflict probability and response time agree with
  // `tpeval simulate` within 3 %, its lock wait within the simulator's 95 % intervals (about
  // 10 %) at 30-135 TPS (disk) and 30-150 TPS (mixed); it thrashes (Thomasian's alpha =
  // 0.226) a little before the simulator, whose runs collapse between 140 and 150 TPS (disk)
  // and 170 and 180 TPS (mixed), depending on the seed.
  // V75 (book about 150 TPS) within +-15 %:
  CHECK(*mixed_page.max_throughput_per_s == doctest::Approx(150.0).epsilon(0.15));
  // V74 (book about 120 TPS, read as 100..140 TPS as in studies/lock_conflicts.json): 138 TPS,
  // near the upper edge and a little below the simulator of this model (see above). The rest of
  // the gap to the book lies in the load rather than the lock model - e.g. TPSIM drew "on
  // average 10" references (L2620), and a variable transaction size raises both conflicts and
  // waits (Thomasian, ICDE 1991).
  CHECK(*disk_page.max_throughput_per_s >= 100.0);
  CHECK(*disk_page.max_throughput_per_s <= 140.0);
  // The ratio mixed / disk is 1.15 (book 150 / 120 = 1.25, simulator about 1.2): the mixed
  // allocation's alpha reaches 0.226 at 158 TPS, while the simulator still runs at 165-170 TPS
  // (alpha about 0.24 there). Recorded: 1.10..1.22.
  const double ratio = *mixed_page.max_throughput_per_s / *disk_page.max_throughput_per_s;
  CHECK(ratio > 1.10);
  CHECK(ratio < 1.22);
  // V76: record locks remove the lock bottleneck: the CPU limits (near 770 TPS, A3-style).
  for (const auto* e : {&disk_record, &mixed_record}) {
    REQUIRE(e->max_throughput_per_s);
    CHECK(e->max_throughput_limited_by.rfind("cpu", 0) == 0);
    CHECK(*e->max_throughput_per_s > 3.0 * *disk_page.max_throughput_per_s);
  }
  // V77: everything in EH: no lock problem, short RT (below 10 ms at 50 TPS).
  REQUIRE(eh_page.max_throughput_per_s);
  CHECK(eh_page.max_throughput_limited_by.rfind("cpu", 0) == 0);
  CHECK(rt_ms(eh_page) < 10.0);
}

TEST_CASE("lock experiment: the deadlock rate counts cycles of three and more (issue #13)") {
  // 100 TPS, 10 page locks per transaction. Simulated (`tpeval validate --set
  // workload.arrival_rate_per_s=100 --precision 1e-6 --max-time 20000`, seeds 1-4, about 2
  // million transactions each): 0.2605 +- 0.0082, 0.2588 +- 0.0091, 0.2537 +- 0.0101,
  // 0.2594 +- 0.0065 restarts/s; 18 % of the deadlocks are cycles of three or more (a wait-for
  // graph walk, bench/RESULTS.md "Deadlock restarts"). The two-cycles alone gave 0.2154, outside
  // every interval; with deadlock_cycle_factor (blocked share 0.154) the analytic rate lies in
  // all four.
  const auto e = eval(with(lock_experiment_model(), {{"workload.arrival_rate_per_s", 100}}));
  REQUIRE_FALSE(e.saturated);
  REQUIRE(e.restart_rate_per_s);
  const double rate = *e.restart_rate_per_s;
  for (const auto& interval : {std::pair{0.2605, 0.0082}, std::pair{0.2588, 0.0091},
                               std::pair{0.2537, 0.0101}, std::pair{0.2594, 0.0065}}) {
    const double mean = interval.first;  // (clang 14 cannot CAPTURE a structured binding)
    const double half_width = interval.second;
    CAPTURE(mean);
    CHECK(std::abs(rate - mean) <= half_width);
  }
  // 50 TPS (blocked share 0.07, factor 1.08): simulated 0.0499 +- 0.0036 / 0.0495 +- 0.0035
  // (seeds 1 / 2, 20,000 s).
  const auto low = eval(with(lock_experiment_model(), {{"workload.arrival_rate_per_s", 50}}));
  REQUIRE(low.restart_rate_per_s);
  CHECK(std::abs(*low.restart_rate_per_s - 0.0499) <= 0.0036);
  CHECK(std::abs(*low.restart_rate_per_s - 0.0495) <= 0.0035);
}
