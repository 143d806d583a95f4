// The future-event list of a discrete-event simulation.
//
// Contract: events leave in order of (time, insertion sequence): two events scheduled for the same
// simulated time leave in the order they were scheduled, so a run never depends on heap layout or
// platform. Times are simulated seconds (double). An Event carries a handler index (who reacts), a
// kind and a 64-bit payload (what it is about), and nothing owning: handlers keep their own state.
// The calendar is a binary min-heap with hole-based sifting (Knuth vol. 3 §5.2.3); push and pop are
// O(log n). Cancellation is left to handlers (they ignore stale events by a generation number in
// the payload), which keeps the heap free of back-pointers.
#pragma once

#include <cstdint>
#include <vector>

namespace tpeval::solver::des {

struct Event {
  double time_s = 0.0;
  std::uint64_t sequence = 0;  ///< insertion number: the tie-breaker
  std::uint32_t handler = 0;
  std::uint32_t kind = 0;
  std::uint64_t payload = 0;
};

class EventCalendar {
 public:
  /// Schedules an event and returns its sequence number.
  std::uint64_t schedule(double time_s, std::uint32_t handler, std::uint32_t kind,
                         std::uint64_t payload) {
    const Event event{time_s, next_sequence_, handler, kind, payload};
    ++next_sequence_;
    std::size_t hole = heap_.size();
    heap_.push_back(event);
    while (hole > 0) {
      const std::size_t parent = (hole - 1) / 2;
      if (!before(event, heap_[parent])) break;
      heap_[hole] = heap_[parent];
      hole = parent;
    }
    heap_[hole] = event;
    return event.sequence;
  }

  bool empty() const { return heap_.empty(); }
  std::size_t size() const { return heap_.size(); }
  /// The next event (calendar must not be empty).
  const Event& top() const { return heap_.front(); }

  /// Removes and returns the next event (calendar must not be empty).
  Event pop() {
    const Event result = heap_.front();
    const Event last = heap_.back();
    heap_.pop_back();
    const std::size_t n = heap_.size();
    if (n > 0) {
      std::size_t hole = 0;
      for (;;) {
        std::size_t child = 2 * hole + 1;
        if (child >= n) break;
        if (child + 1 < n && before(heap_[child + 1], heap_[child])) ++child;
        if (!before(heap_[child], last)) break;
        heap_[hole] = heap_[child];
        hole = child;
      }
      heap_[hole] = last;
    }
    return result;
  }

  void clear() {
    heap_.clear();
    next_sequence_ = 0;
  }

 private:
  static bool before(const Event& a, const Event& b) {
    return a.time_s < b.time_s || (a.time_s == b.time_s && a.sequence < b.sequence);
  }

  std::vector<Event> heap_;
  std::uint64_t next_sequence_ = 0;
};

}  // namespace tpeval::solver::des
