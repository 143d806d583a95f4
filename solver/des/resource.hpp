// What every simulated resource (service station) shares: the client callback, per-class
// statistics, and the arrive() entry point.
//
// Contract: a job arrives at a resource with its class and the work it needs, in seconds at the
// speed of one server. When its service is complete the resource removes it and calls
// ResourceClient::service_completed() — the client (network simulator, transaction simulator)
// decides where the job goes next; a resource never routes. Resources keep, per job class, the
// number present, its time integral, the completions and the work served (seconds of one server),
// all cumulative from time 0; close_areas(now) brings the time integrals up to `now` so a caller
// can difference two snapshots. Work-based utilization (work / (m T)) is the quantity
// Solution::utilization defines (X_c D_ck / m), also for load-dependent stations.
// Callbacks may run synchronously inside arrive()/release() (FcfsStation grants a free server at
// once); clients must tolerate that re-entrancy.
#pragma once

#include <cstdint>
#include <vector>

#include "solver/des/simulation.hpp"

namespace tpeval::solver::des {

using JobId = std::uint32_t;

class ResourceClient {
 public:
  virtual ~ResourceClient() = default;
  /// `job` has finished its service at `resource` and left it.
  virtual void service_completed(Simulation& simulation, int resource, JobId job) = 0;
  /// A server that `job` asked for with FcfsStation::seize() is now its own.
  virtual void server_granted(Simulation& simulation, int resource, JobId job);
};

class Resource : public EventHandler {
 public:
  Resource(Simulation& simulation, ResourceClient& client, int resource_id, int class_count);

  /// `job` of class `job_class` arrives needing `work_s` >= 0 seconds of one server.
  virtual void arrive(Simulation& simulation, JobId job, int job_class, double work_s) = 0;

  int resource_id() const { return resource_id_; }
  int class_count() const { return static_cast<int>(present_.size()); }
  long jobs_present(int job_class) const { return present_[job_class]; }
  long jobs_present() const { return total_present_; }

  /// Brings every class's time integral of jobs present up to `now_s`.
  void close_areas(double now_s);
  double jobs_area(int job_class) const { return area_[job_class]; }  ///< job-seconds
  std::uint64_t completions(int job_class) const { return completions_[job_class]; }
  double work_done_s(int job_class) const { return work_s_[job_class]; }  ///< server-seconds

 protected:
  void record_arrival(double now_s, int job_class) {
    area_[job_class] +=
        static_cast<double>(present_[job_class]) * (now_s - last_change_s_[job_class]);
    last_change_s_[job_class] = now_s;
    ++present_[job_class];
    ++total_present_;
  }
  void record_departure(double now_s, int job_class, double work_s) {
    area_[job_class] +=
        static_cast<double>(present_[job_class]) * (now_s - last_change_s_[job_class]);
    last_change_s_[job_class] = now_s;
    --present_[job_class];
    --total_present_;
    ++completions_[job_class];
    work_s_[job_class] += work_s;
  }
  void book_work(int job_class, double work_s) { work_s_[job_class] += work_s; }

  ResourceClient& client_;
  std::uint32_t handler_;  ///< this resource's handler index in the Simulation

 private:
  int resource_id_;
  long total_present_ = 0;
  std::vector<long> present_;
  std::vector<double> area_;
  std::vector<double> last_change_s_;
  std::vector<std::uint64_t> completions_;
  std::vector<double> work_s_;
};

}  // namespace tpeval::solver::des
