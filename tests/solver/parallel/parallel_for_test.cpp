// parallel_for: every item exactly once on any thread count, and an exception in a worker
// reaches the caller (the CLI turns it into a message and exit 3) instead of terminating.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>
#include <vector>

#include "solver/parallel/parallel_for.hpp"

using tpeval::solver::parallel_for;

TEST_CASE("parallel_for: every item runs exactly once, whatever the thread count") {
  for (const int threads : {0, 1, 2, 3, 8, 64}) {
    std::vector<std::atomic<int>> calls(97);
    parallel_for(calls.size(), threads, [&](std::size_t i) { ++calls[i]; });
    for (const auto& c : calls) CHECK(c.load() == 1);
  }
  int none = 0;
  parallel_for(0, 4, [&](std::size_t) { ++none; });
  CHECK(none == 0);
}

TEST_CASE("parallel_for: a worker's exception is rethrown in the caller and stops new items") {
  for (const int threads : {1, 2, 4}) {
    CAPTURE(threads);
    std::atomic<int> started{0};
    const auto step = [&](std::size_t i) {
      ++started;
      if (i == 3) throw std::runtime_error("item 3 failed");
      if (i > 3) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    };
    CHECK_THROWS_WITH_AS(parallel_for(10000, threads, step), "item 3 failed", std::runtime_error);
    // Items are handed out in ascending order and none after the failure is noticed: on one
    // thread the loop ends at item 3; on several, the others stop within an item or two, far
    // from all 10000 (which would take seconds at 1 ms each).
    if (threads == 1) CHECK(started.load() == 4);
    CHECK(started.load() < 1000);
  }
}
