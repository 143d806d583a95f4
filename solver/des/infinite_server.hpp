// Infinite-server (delay) station: every job is served at once at speed 1, so its sojourn is its
// work. Contract: one calendar event per job; completions in (time, arrival) order. Work is booked
// at arrival, so work_done_s() / T estimates the mean number of busy servers (= mean jobs).
#pragma once

#include "solver/des/resource.hpp"

namespace tpeval::solver::des {

class InfiniteServer final : public Resource {
 public:
  InfiniteServer(Simulation& simulation, ResourceClient& client, int resource_id, int class_count)
      : Resource(simulation, client, resource_id, class_count) {}

  void arrive(Simulation& simulation, JobId job, int job_class, double work_s) override {
    // The work is booked at arrival (the event cannot carry it); over a run this differs from
    // booking at departure only by the jobs still present at the end.
    record_arrival(simulation.now_s(), job_class);
    book_work(job_class, work_s);
    simulation.schedule_in(work_s, handler_, static_cast<std::uint32_t>(job_class), job);
  }

  void handle(Simulation& simulation, const Event& event) override {
    const int job_class = static_cast<int>(event.kind);
    record_departure(simulation.now_s(), job_class, 0.0);
    client_.service_completed(simulation, resource_id(), static_cast<JobId>(event.payload));
  }
};

}  // namespace tpeval::solver::des
