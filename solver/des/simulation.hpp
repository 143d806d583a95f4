// The state of one simulation run: the clock, the event calendar and the event handlers.
//
// Contract: a Simulation owns no model state; model objects (resources, sources, the network or
// transaction simulator) register themselves as EventHandlers and keep their state in themselves,
// so everything a run needs lives in the objects of that run and nothing is global. run_until()
// processes events in calendar order while their time is <= the horizon and the event budget
// lasts, then sets the clock to the horizon (so time averages can be closed there). Handlers must
// outlive the Simulation's use of them; neither is copyable.
#pragma once

#include <cstdint>
#include <limits>
#include <vector>

#include "solver/des/event_calendar.hpp"

namespace tpeval::solver::des {

class Simulation;

/// Anything that reacts to events: resources, arrival sources, simulators.
class EventHandler {
 public:
  virtual ~EventHandler() = default;
  virtual void handle(Simulation& simulation, const Event& event) = 0;
};

class Simulation {
 public:
  Simulation() = default;
  Simulation(const Simulation&) = delete;
  Simulation& operator=(const Simulation&) = delete;

  /// Registers a handler and returns the index events must carry to reach it.
  std::uint32_t add_handler(EventHandler& handler) {
    handlers_.push_back(&handler);
    return static_cast<std::uint32_t>(handlers_.size() - 1);
  }

  double now_s() const { return now_s_; }
  std::uint64_t events_processed() const { return events_processed_; }
  const EventCalendar& calendar() const { return calendar_; }

  /// Schedules an event `delay_s` >= 0 after now.
  void schedule_in(double delay_s, std::uint32_t handler, std::uint32_t kind,
                   std::uint64_t payload) {
    calendar_.schedule(now_s_ + delay_s, handler, kind, payload);
  }
  void schedule_at(double time_s, std::uint32_t handler, std::uint32_t kind,
                   std::uint64_t payload) {
    calendar_.schedule(time_s, handler, kind, payload);
  }

  /// Processes events with time <= horizon_s while events_processed() < max_events. Returns true
  /// when the horizon was reached (the clock is then horizon_s), false when the budget ran out (the
  /// clock is the time of the last event).
  bool run_until(double horizon_s,
                 std::uint64_t max_events = std::numeric_limits<std::uint64_t>::max()) {
    while (!calendar_.empty() && calendar_.top().time_s <= horizon_s) {
      if (events_processed_ >= max_events) return false;
      const Event event = calendar_.pop();
      now_s_ = event.time_s;
      ++events_processed_;
      handlers_[event.handler]->handle(*this, event);
    }
    if (horizon_s > now_s_) now_s_ = horizon_s;
    return true;
  }

 private:
  EventCalendar calendar_;
  std::vector<EventHandler*> handlers_;
  double now_s_ = 0.0;
  std::uint64_t events_processed_ = 0;
};

}  // namespace tpeval::solver::des
