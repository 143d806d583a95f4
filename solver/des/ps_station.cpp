#include "solver/des/ps_station.hpp"

#include <algorithm>
#include <stdexcept>

namespace tpeval::solver::des {

PsStation::PsStation(Simulation& simulation, ResourceClient& client, int resource_id,
                     int class_count, int servers, std::vector<double> rate_multipliers)
    : Resource(simulation, client, resource_id, class_count),
      servers_(servers),
      rate_multipliers_(std::move(rate_multipliers)) {
  if (servers < 1) throw std::invalid_argument("PsStation needs at least one server");
  for (double a : rate_multipliers_)
    if (!(a > 0)) throw std::invalid_argument("rate multipliers must be positive");
}

double PsStation::rate_per_job(long n) const {
  if (n <= 0) return 0.0;
  if (!rate_multipliers_.empty()) {
    const auto index = std::min<std::size_t>(static_cast<std::size_t>(n), rate_multipliers_.size());
    return rate_multipliers_[index - 1] / static_cast<double>(n);
  }
  return n <= servers_ ? 1.0 : static_cast<double>(servers_) / static_cast<double>(n);
}

void PsStation::advance_virtual_clock(double now_s) {
  virtual_s_ += (now_s - last_update_s_) * rate_per_job(jobs_present());
  last_update_s_ = now_s;
}

void PsStation::plan_next(Simulation& simulation) {
  ++generation_;
  if (jobs_.empty()) return;
  const double left_s = std::max(0.0, jobs_.top().finish_virtual_s - virtual_s_);
  simulation.schedule_in(left_s / rate_per_job(jobs_present()), handler_, 0, generation_);
}

void PsStation::arrive(Simulation& simulation, JobId job, int job_class, double work_s) {
  const double now = simulation.now_s();
  advance_virtual_clock(now);
  record_arrival(now, job_class);
  jobs_.push(Entry{virtual_s_ + work_s, arrivals_++, job, job_class, work_s});
  plan_next(simulation);
}

void PsStation::handle(Simulation& simulation, const Event& event) {
  if (event.payload != generation_) return;  // superseded by a re-plan
  const double now = simulation.now_s();
  advance_virtual_clock(now);
  const Entry done = jobs_.top();
  jobs_.pop();
  // The event was planned to land exactly at the finish; remove rounding drift.
  virtual_s_ = std::max(virtual_s_, done.finish_virtual_s);
  record_departure(now, done.job_class, done.work_s);
  plan_next(simulation);
  client_.service_completed(simulation, resource_id(), done.job);
}

}  // namespace tpeval::solver::des
