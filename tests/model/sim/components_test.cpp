// The building blocks of the transaction simulator: the buffer hierarchy (exact LRU levels on the
// solver's LruBuffer, itself tested in tests/solver/cache/simulator_test.cpp), the strict-2PL lock
// table with deadlock detection (a constructed two-transaction deadlock, Rahm L2364: the requester
// that closes the cycle is the victim), and the Debit-Credit reference generator (L2315, L2402).
#include <doctest/doctest.h>

#include <set>
#include <vector>

#include "model/debit_credit.hpp"
#include "model/parse.hpp"
#include "model/sim/buffer_manager.hpp"
#include "model/sim/lock_manager.hpp"
#include "model/sim/reference_generator.hpp"

using namespace tpeval::model;
using namespace tpeval::model::sim;

TEST_CASE("two transactions deadlock: the requester closing the cycle is the victim") {
  LockManager locks;
  std::vector<std::uint32_t> woken;
  REQUIRE(locks.request(1, 100, LockMode::exclusive) == LockResult::granted);
  REQUIRE(locks.request(2, 200, LockMode::exclusive) == LockResult::granted);
  CHECK(locks.request(1, 200, LockMode::exclusive) == LockResult::blocked);
  CHECK(locks.is_waiting(1));
  // T2 now asks for T1's lock: T2 -> T1 -> T2 is a cycle that T2's request closes.
  CHECK(locks.request(2, 100, LockMode::exclusive) == LockResult::deadlock);
  CHECK_FALSE(locks.is_waiting(2));
  // Rolling T2 back releases its lock; T1's wait ends.
  locks.release_all(2, woken);
  REQUIRE(woken.size() == 1);
  CHECK(woken[0] == 1);
  CHECK_FALSE(locks.is_waiting(1));
  CHECK(locks.locks_held(1) == 2);
  woken.clear();
  locks.release_all(1, woken);
  CHECK(woken.empty());
  CHECK(locks.active_locks() == 0);
}

TEST_CASE("shared locks are compatible, FIFO queues and upgrades") {
  LockManager locks;
  std::vector<std::uint32_t> woken;
  CHECK(locks.request(1, 7, LockMode::shared) == LockResult::granted);
  CHECK(locks.request(2, 7, LockMode::shared) == LockResult::granted);
  CHECK(locks.request(3, 7, LockMode::exclusive) == LockResult::blocked);
  // A later shared request queues behind the exclusive one (no overtaking).
  CHECK(locks.request(4, 7, LockMode::shared) == LockResult::blocked);
  // T1 upgrades while T2 also holds S: it waits at the head; T2 upgrading too closes a cycle.
  CHECK(locks.request(1, 7, LockMode::exclusive) == LockResult::blocked);
  CHECK(locks.request(2, 7, LockMode::exclusive) == LockResult::deadlock);
  locks.release_all(2, woken);
  REQUIRE(woken.size() == 1);
  CHECK(woken[0] == 1);  // the upgrade is granted first
  woken.clear();
  locks.release_all(1, woken);
  REQUIRE(woken.size() == 1);
  CHECK(woken[0] == 3);
  woken.clear();
  locks.release_all(3, woken);
  REQUIRE(woken.size() == 1);
  CHECK(woken[0] == 4);
}

TEST_CASE("a longer wait-for cycle is found through lock queues") {
  LockManager locks;
  REQUIRE(locks.request(1, 1, LockMode::exclusive) == LockResult::granted);
  REQUIRE(locks.request(2, 2, LockMode::exclusive) == LockResult::granted);
  REQUIRE(locks.request(3, 3, LockMode::exclusive) == LockResult::granted);
  CHECK(locks.request(1, 2, LockMode::exclusive) == LockResult::blocked);   // 1 -> 2
  CHECK(locks.request(2, 3, LockMode::exclusive) == LockResult::blocked);   // 2 -> 3
  CHECK(locks.request(4, 1, LockMode::shared) == LockResult::blocked);      // 4 -> 1, no cycle
  CHECK(locks.request(3, 1, LockMode::exclusive) == LockResult::deadlock);  // 3 -> 1 -> 2 -> 3
}

TEST_CASE("Debit-Credit references: one record of each type, TELLER in its BRANCH page") {
  // Rahm L2315/L2402: 4 record references, all updates, on 3 distinct pages; HISTORY unlocked and
  // appended sequentially (20 records per page).
  const SystemModel m = parse_model(debit_credit_model());
  ReferenceGenerator gen(m);
  tpeval::solver::des::RandomStream stream(42, "test", 0);
  std::vector<Reference> refs;
  std::set<std::uint64_t> history_pages;
  int new_history_pages = 0;
  for (int i = 0; i < 200; ++i) {
    gen.generate(0, stream, refs);
    REQUIRE(refs.size() == 4);
    // The HISTORY insert takes its record when it is made (issue #13): pending until then.
    for (std::size_t k = 0; k < refs.size(); ++k) {
      CHECK(refs[k].append_pending == (m.partitions[refs[k].partition].name == "HISTORY"));
      if (refs[k].append_pending) gen.place_appends(refs, k);
      CHECK_FALSE(refs[k].append_pending);
    }
    std::set<std::uint32_t> parts;
    std::set<std::uint64_t> pages;
    std::uint64_t branch_page = 0, teller_page = 1;
    for (std::size_t k = 0; k < refs.size(); ++k) {
      const Reference& r = refs[k];
      CHECK(r.update);
      parts.insert(r.partition);
      pages.insert(r.page);
      const std::string& name = m.partitions[r.partition].name;
      if (name == "BRANCH") branch_page = r.page;
      if (name == "TELLER") {
        teller_page = r.page;
        REQUIRE(k > 0);
        CHECK(m.partitions[refs[k - 1].partition].name == "BRANCH");  // follows its branch
        CHECK(r.lock == branch_page);  // page lock on the shared page
      }
      if (name == "HISTORY") {
        CHECK_FALSE(r.locked);
        history_pages.insert(r.page);
        if (r.new_page) ++new_history_pages;
      } else {
        CHECK(r.locked);
      }
    }
    CHECK(parts.size() == 4);
    CHECK(pages.size() == 3);
    CHECK(teller_page == branch_page);
  }
  CHECK(history_pages.size() == 10);  // 200 inserts / 20 per page
  CHECK(new_history_pages == 10);
}

TEST_CASE("append references take their records when made, in the order they are made") {
  // Issue #13: an insert at the current end of file (ch6-5.md §1.4). Two transactions generated
  // in arrival order whose inserts are made in the other order: the later arrival, inserting
  // first, takes the first record - the new page -, and the earlier one the next record.
  const SystemModel m = parse_model(debit_credit_model());
  ReferenceGenerator gen(m);
  tpeval::solver::des::RandomStream stream(7, "test", 0);
  std::vector<Reference> first, second;
  gen.generate(0, stream, first);
  gen.generate(0, stream, second);
  const auto history = [&](const std::vector<Reference>& refs) {
    for (std::size_t k = 0; k < refs.size(); ++k)
      if (m.partitions[refs[k].partition].name == "HISTORY") return k;
    return refs.size();
  };
  const std::size_t a = history(first), b = history(second);
  REQUIRE(a < first.size());
  REQUIRE(b < second.size());
  gen.place_appends(second, b);
  gen.place_appends(first, a);
  CHECK(second[b].new_page);  // record 0: the first of page 0
  CHECK_FALSE(first[a].new_page);
  CHECK(first[a].page == second[b].page);
  // A restart keeps the placed record: placing again changes nothing.
  const std::uint64_t page = first[a].page;
  gen.place_appends(first, a);
  CHECK(first[a].page == page);
}

TEST_CASE("buffer manager: NOFORCE exclusive EH buffer and disk-cache insertion rules") {
  nlohmann::json doc = debit_credit_model();
  doc["nodes"][0]["buffer"]["pages"] = 2;
  doc["nodes"][0]["extended_memory"]["buffer_pages"] = 2;
  for (auto& p : doc["database"]["partitions"]) p["allocation"]["extended_buffer"] = true;
  const SystemModel m = parse_model(doc);
  tpeval::solver::cache::LruBuffer disk_cache(0);
  BufferManager b(m, 0, disk_cache);
  const auto acc = [](std::uint64_t n) { return page_id(2, n); };  // ACCOUNT pages
  CHECK_FALSE(b.fix(acc(1), 2, true, true).hs_hit);
  CHECK_FALSE(b.fix(acc(2), 2, false, true).hs_hit);
  PageFix f = b.fix(acc(3), 2, false, true);  // evicts page 1 (modified) into EH
  CHECK(f.victim);
  CHECK(f.victim_page == acc(1));
  CHECK(f.victim_modified);
  CHECK(f.victim_migrated);
  f = b.fix(acc(1), 2, false, true);  // EH hit moves it back and removes it from EH
  CHECK(f.eh_hit);
  CHECK_FALSE(b.eh().contains(acc(1)));
  CHECK(b.eh().contains(acc(2)));
}

TEST_CASE("buffer manager: an update hit marks the HS page modified, a FORCE write clears it") {
  nlohmann::json doc = debit_credit_model();
  doc["nodes"][0]["buffer"]["pages"] = 2;
  const SystemModel m = parse_model(doc);
  tpeval::solver::cache::LruBuffer disk_cache(0);
  BufferManager b(m, 0, disk_cache);
  const auto acc = [](std::uint64_t n) { return page_id(2, n); };  // ACCOUNT pages
  CHECK_FALSE(b.fix(acc(1), 2, false, true).hs_hit);
  CHECK_FALSE(b.fix(acc(2), 2, false, true).hs_hit);
  CHECK(b.fix(acc(1), 2, true, true).hs_hit);   // update hit: page 1 modified, now MRU
  CHECK(b.fix(acc(1), 2, false, true).hs_hit);  // a read hit keeps the flag
  CHECK(b.fix(acc(2), 2, true, true).hs_hit);   // page 2 modified too, page 1 is LRU
  b.force_written(acc(2), 2);                   // FORCE commit write: page 2 clean again
  PageFix f = b.fix(acc(3), 2, false, true);
  REQUIRE(f.victim);
  CHECK(f.victim_page == acc(1));
  CHECK(f.victim_modified);
  f = b.fix(acc(4), 2, false, true);
  REQUIRE(f.victim);
  CHECK(f.victim_page == acc(2));
  CHECK_FALSE(f.victim_modified);
}

TEST_CASE("buffer manager: a cluster node's EH copy of another version is stale, not a hit") {
  nlohmann::json doc = debit_credit_model();
  doc["nodes"][0]["buffer"]["pages"] = 1;
  doc["nodes"][0]["extended_memory"]["buffer_pages"] = 2;
  for (auto& p : doc["database"]["partitions"]) p["allocation"]["extended_buffer"] = true;
  const SystemModel m = parse_model(doc);
  tpeval::solver::cache::LruBuffer disk_cache(0);
  BufferManager b(m, 0, disk_cache);
  b.track_versions();
  const auto acc = [](std::uint64_t n) { return page_id(2, n); };     // ACCOUNT pages
  CHECK_FALSE(b.fix(acc(1), 2, false, true, true, false, 4).hs_hit);  // version 4
  CHECK(b.fix(acc(2), 2, false, true).victim_migrated);               // page 1 into EH
  // Another node updated page 1 meanwhile (version 5): the EH copy is dropped.
  PageFix f = b.fix(acc(1), 2, false, true, true, false, 5);
  CHECK_FALSE(f.eh_hit);
  CHECK_FALSE(b.eh().contains(acc(1)));
  // Page 2's copy (version 0) is still current when it comes back.
  f = b.fix(acc(2), 2, false, true, true, false, 0);
  CHECK(f.eh_hit);
}
