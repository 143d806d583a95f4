// Processor-sharing station: n jobs present share the station's capacity equally.
//
// Contract: with n jobs present the station works at total speed c(n) = min(n, m) for m servers,
// or alpha(n) when rate multipliers are given (load-dependent, Station::rate_multiplier), and each
// job receives c(n) / n. Implemented with a virtual clock V (the service every present job has
// received since time 0 advances at c(n)/n), so a job arriving at V_a with work w leaves when V
// reaches V_a + w: one pending completion event and O(log n) per arrival or departure. A change of
// n re-plans the completion; the superseded event is ignored by its generation number.
#pragma once

#include <cstdint>
#include <queue>
#include <vector>

#include "solver/des/resource.hpp"

namespace tpeval::solver::des {

class PsStation final : public Resource {
 public:
  PsStation(Simulation& simulation, ResourceClient& client, int resource_id, int class_count,
            int servers, std::vector<double> rate_multipliers = {});

  void arrive(Simulation& simulation, JobId job, int job_class, double work_s) override;
  void handle(Simulation& simulation, const Event& event) override;

 private:
  struct Entry {
    double finish_virtual_s;
    std::uint64_t sequence;  ///< tie-breaker: arrival order
    JobId job;
    int job_class;
    double work_s;
  };
  struct Later {
    bool operator()(const Entry& a, const Entry& b) const {
      return a.finish_virtual_s > b.finish_virtual_s ||
             (a.finish_virtual_s == b.finish_virtual_s && a.sequence > b.sequence);
    }
  };

  /// Per-job service rate with n jobs present.
  double rate_per_job(long n) const;
  void advance_virtual_clock(double now_s);
  void plan_next(Simulation& simulation);

  int servers_;
  std::vector<double> rate_multipliers_;
  std::priority_queue<Entry, std::vector<Entry>, Later> jobs_;
  double virtual_s_ = 0.0;
  double last_update_s_ = 0.0;
  std::uint64_t arrivals_ = 0;
  std::uint64_t generation_ = 0;
};

}  // namespace tpeval::solver::des
