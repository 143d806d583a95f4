// See parallel_for.hpp.
#include "solver/parallel/parallel_for.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace tpeval::solver {

int resolve_thread_count(int threads) {
  if (threads > 0) return threads;
  return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

void parallel_for(std::size_t count, int threads, const std::function<void(std::size_t)>& step) {
  const std::size_t workers =
      std::min<std::size_t>(static_cast<std::size_t>(resolve_thread_count(threads)), count);
  if (workers <= 1) {
    for (std::size_t i = 0; i < count; ++i) step(i);
    return;
  }
  std::atomic<std::size_t> next{0};
  std::atomic<bool> failed{false};
  std::mutex mutex;  // guards first_error
  std::exception_ptr first_error;
  const auto work = [&] {
    while (!failed.load(std::memory_order_relaxed)) {
      const std::size_t i = next.fetch_add(1);
      if (i >= count) return;
      try {
        step(i);
      } catch (...) {
        const std::lock_guard<std::mutex> lock(mutex);
        if (!first_error) first_error = std::current_exception();
        failed = true;
      }
    }
  };
  std::vector<std::thread> pool;
  pool.reserve(workers - 1);
  try {
    for (std::size_t w = 1; w < workers; ++w) pool.emplace_back(work);
  } catch (...) {
    // Could not start a thread: stop handing out items, let the started ones finish, report.
    failed = true;
    for (auto& t : pool) t.join();
    throw;
  }
  work();  // the caller's thread is one of the workers
  for (auto& t : pool) t.join();
  if (first_error) std::rethrow_exception(first_error);
}

}  // namespace tpeval::solver
