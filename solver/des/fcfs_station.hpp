// First-come-first-served station with m identical servers, optionally load-dependent, whose
// servers can also be *held* by a job (seize/release) — for synchronous access to another resource
// while keeping a CPU busy (the job keeps its CPU server while it waits for and uses, say, extended
// memory).
//
// Contract: jobs are served in arrival order by the first free server; each server works at
// speed 1. A load-dependent station (one server, rate multipliers alpha(j) as in
// Station::rate_multiplier) serves its head job at speed alpha(n) with n jobs present; the
// remaining work is rescaled on every change of n (exact for the exponential service product form
// assumes, and the natural generalisation otherwise). seize() queues like an arrival but, when a
// server is assigned, calls ResourceClient::server_granted() instead of starting a service; the
// server stays busy until release(). Held time counts as busy time (work) and the job as present.
// Seizing is only available on stations that are not load-dependent.
#pragma once

#include <cstdint>
#include <deque>
#include <vector>

#include "solver/des/resource.hpp"

namespace tpeval::solver::des {

class FcfsStation final : public Resource {
 public:
  /// `servers` >= 1; `rate_multipliers` empty (not load-dependent) or alpha(1), alpha(2), ...
  /// (last entry holds for larger j; then servers must be 1).
  FcfsStation(Simulation& simulation, ResourceClient& client, int resource_id, int class_count,
              int servers, std::vector<double> rate_multipliers = {});

  void arrive(Simulation& simulation, JobId job, int job_class, double work_s) override;
  /// Asks for a server to hold; ResourceClient::server_granted() follows (at once if one is free).
  void seize(Simulation& simulation, JobId job, int job_class);
  /// Gives back the server `job` holds; the next waiting job starts.
  void release(Simulation& simulation, JobId job);

  int servers() const { return static_cast<int>(servers_.size()); }
  int busy_servers() const { return busy_count_; }
  std::size_t queue_length() const { return waiting_.size(); }

  void handle(Simulation& simulation, const Event& event) override;

 private:
  struct Request {
    JobId job;
    int job_class;
    double work_s;  ///< < 0 marks a seize request
  };
  struct Server {
    bool busy = false;
    bool held = false;
    JobId job = 0;
    int job_class = 0;
    double work_s = 0.0;
    double start_s = 0.0;
  };

  void start(Simulation& simulation, std::size_t server, const Request& request);
  void start_next(Simulation& simulation, std::size_t server);
  double speed() const;
  /// Load-dependent only: re-plans the head job's completion after n changed.
  void replan_load_dependent(Simulation& simulation, double old_speed);

  std::vector<Server> servers_;
  std::deque<Request> waiting_;
  std::vector<double> rate_multipliers_;
  int busy_count_ = 0;
  // Load-dependent state: remaining work of the job in service, when it was last updated, and a
  // generation number that makes earlier completion events stale.
  double remaining_work_s_ = 0.0;
  double last_update_s_ = 0.0;
  std::uint64_t generation_ = 0;
};

}  // namespace tpeval::solver::des
