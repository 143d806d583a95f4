#include "solver/des/fcfs_station.hpp"

#include <algorithm>
#include <stdexcept>

namespace tpeval::solver::des {

FcfsStation::FcfsStation(Simulation& simulation, ResourceClient& client, int resource_id,
                         int class_count, int servers, std::vector<double> rate_multipliers)
    : Resource(simulation, client, resource_id, class_count),
      rate_multipliers_(std::move(rate_multipliers)) {
  if (servers < 1) throw std::invalid_argument("FcfsStation needs at least one server");
  if (!rate_multipliers_.empty() && servers != 1)
    throw std::invalid_argument("a load-dependent FcfsStation has exactly one server");
  for (double a : rate_multipliers_)
    if (!(a > 0)) throw std::invalid_argument("rate multipliers must be positive");
  servers_.resize(static_cast<std::size_t>(servers));
}

double FcfsStation::speed() const {
  const long n = jobs_present();
  if (n <= 0) return 0.0;
  const auto index = std::min<std::size_t>(static_cast<std::size_t>(n), rate_multipliers_.size());
  return rate_multipliers_[index - 1];
}

void FcfsStation::arrive(Simulation& simulation, JobId job, int job_class, double work_s) {
  const double now = simulation.now_s();
  if (!rate_multipliers_.empty()) {
    const double old_speed = speed();
    record_arrival(now, job_class);
    if (!servers_[0].busy) {
      start(simulation, 0, Request{job, job_class, work_s});
    } else {
      waiting_.push_back(Request{job, job_class, work_s});
      replan_load_dependent(simulation, old_speed);
    }
    return;
  }
  record_arrival(now, job_class);
  if (busy_count_ < servers()) {
    for (std::size_t s = 0; s < servers_.size(); ++s) {
      if (!servers_[s].busy) {
        start(simulation, s, Request{job, job_class, work_s});
        return;
      }
    }
  }
  waiting_.push_back(Request{job, job_class, work_s});
}

void FcfsStation::seize(Simulation& simulation, JobId job, int job_class) {
  if (!rate_multipliers_.empty())
    throw std::logic_error("servers of a load-dependent station cannot be held");
  record_arrival(simulation.now_s(), job_class);
  if (busy_count_ < servers()) {
    for (std::size_t s = 0; s < servers_.size(); ++s) {
      if (!servers_[s].busy) {
        start(simulation, s, Request{job, job_class, -1.0});
        return;
      }
    }
  }
  waiting_.push_back(Request{job, job_class, -1.0});
}

void FcfsStation::release(Simulation& simulation, JobId job) {
  for (std::size_t s = 0; s < servers_.size(); ++s) {
    Server& server = servers_[s];
    if (server.busy && server.held && server.job == job) {
      const double now = simulation.now_s();
      server.busy = false;
      server.held = false;
      --busy_count_;
      record_departure(now, server.job_class, now - server.start_s);
      start_next(simulation, s);
      return;
    }
  }
  throw std::logic_error("release() by a job that holds no server");
}

void FcfsStation::start(Simulation& simulation, std::size_t s, const Request& request) {
  Server& server = servers_[s];
  server.busy = true;
  server.held = request.work_s < 0;
  server.job = request.job;
  server.job_class = request.job_class;
  server.work_s = request.work_s;
  server.start_s = simulation.now_s();
  ++busy_count_;
  if (server.held) {
    client_.server_granted(simulation, resource_id(), request.job);
    return;
  }
  if (rate_multipliers_.empty()) {
    simulation.schedule_in(request.work_s, handler_, 0, s);
  } else {
    remaining_work_s_ = request.work_s;
    last_update_s_ = simulation.now_s();
    simulation.schedule_in(remaining_work_s_ / speed(), handler_, 0, ++generation_);
  }
}

void FcfsStation::start_next(Simulation& simulation, std::size_t s) {
  if (waiting_.empty()) return;
  const Request next = waiting_.front();
  waiting_.pop_front();
  start(simulation, s, next);
}

void FcfsStation::replan_load_dependent(Simulation& simulation, double old_speed) {
  const double now = simulation.now_s();
  remaining_work_s_ = std::max(0.0, remaining_work_s_ - (now - last_update_s_) * old_speed);
  last_update_s_ = now;
  simulation.schedule_in(remaining_work_s_ / speed(), handler_, 0, ++generation_);
}

void FcfsStation::handle(Simulation& simulation, const Event& event) {
  std::size_t s = 0;
  if (!rate_multipliers_.empty()) {
    if (event.payload != generation_) return;  // superseded by a re-plan
  } else {
    s = static_cast<std::size_t>(event.payload);
  }
  Server& server = servers_[s];
  const JobId job = server.job;
  const int job_class = server.job_class;
  server.busy = false;
  --busy_count_;
  record_departure(simulation.now_s(), job_class, server.work_s);
  start_next(simulation, s);
  client_.service_completed(simulation, resource_id(), job);
}

}  // namespace tpeval::solver::des
