#include "solver/des/network_simulation.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <memory>

#include "solver/des/distribution.hpp"
#include "solver/des/fcfs_station.hpp"
#include "solver/des/infinite_server.hpp"
#include "solver/des/output_analysis.hpp"
#include "solver/des/ps_station.hpp"
#include "solver/des/random_stream.hpp"
#include "solver/des/replication.hpp"
#include "solver/des/run_until_precise.hpp"
#include "solver/des/simulation.hpp"
#include "solver/parallel/parallel_for.hpp"

namespace tpeval::solver::des {

namespace {

std::string quoted(const std::string& name) {
  return "'" + name + "'";
}

/// Servers, or the largest rate multiplier of a load-dependent station: the divisor of
/// utilization, as in the analytic solvers (solver/mva/rate_profile peak_rate).
double peak_capacity(const Station& station) {
  if (!station.load_dependent()) return static_cast<double>(station.servers);
  return *std::max_element(station.rate_multipliers.begin(), station.rate_multipliers.end());
}

/// Everything derived from the network once, shared read-only by all replications.
struct Plan {
  const Network* network = nullptr;
  int classes = 0;
  int stations = 0;
  Eigen::MatrixXd visits;                                   ///< classes x stations
  std::vector<std::vector<std::pair<double, int>>> routes;  ///< per class: (cumulative p, station)
  std::vector<Distribution> service;                        ///< c * stations + k, per-visit work
  std::vector<bool> active;                                 ///< class has arrivals or jobs
  double interval0_s = 1.0;                                 ///< first observation interval

  std::size_t q_index(int c, int k, int m) const {
    return (static_cast<std::size_t>(c) * stations + k) * 3 + m;
  }
  std::size_t system_index(int c, int m) const {
    return static_cast<std::size_t>(classes) * stations * 3 + 2 * static_cast<std::size_t>(c) + m;
  }
  std::size_t time_index() const {
    return static_cast<std::size_t>(classes) * stations * 3 + 2 * static_cast<std::size_t>(classes);
  }
  std::size_t quantities() const { return time_index() + 1; }
};

/// Visits per class and station: the network's, or one per station with demand.
Eigen::MatrixXd plan_visits(const Network& network) {
  Eigen::MatrixXd visits = network.visits.size() != 0
                               ? network.visits
                               : Eigen::MatrixXd((network.demand_s.array() > 0).cast<double>());
  for (int c = 0; c < network.class_count(); ++c)
    for (int k = 0; k < network.station_count(); ++k)
      if (network.demand_s(c, k) > 0 && !(visits(c, k) > 0))
        throw SimulationError("class " + quoted(network.classes[c].name) +
                              " has demand at station " + quoted(network.stations[k].name) +
                              " but no visits there");
  return visits;
}

/// A class's routing: after each visit the job moves to station k with probability
/// visits_k / (1 + total visits), and leaves (or returns to its think time) otherwise.
std::vector<std::pair<double, int>> class_routes(const Eigen::MatrixXd& visits, int c) {
  std::vector<std::pair<double, int>> route;
  const double total_visits = visits.row(c).sum();
  double cumulative = 0.0;
  for (int k = 0; k < visits.cols(); ++k) {
    if (visits(c, k) > 0) {
      cumulative += visits(c, k) / (1.0 + total_visits);
      route.emplace_back(cumulative, static_cast<int>(k));
    }
  }
  return route;
}

/// Whether class c has arrivals or jobs; adds its throughput bound (arrival rate, or the closed
/// class's asymptotic bound) to `throughput_bound`.
bool class_active(const Network& network, int c, double& throughput_bound) {
  const JobClass& jc = network.classes[c];
  if (jc.kind == ClassKind::open) {
    throughput_bound += jc.arrival_rate_per_s;
    return jc.arrival_rate_per_s > 0;
  }
  if (jc.population <= 0) return false;
  const double demand = network.demand_s.row(c).sum();
  const double max_demand = network.demand_s.row(c).maxCoeff();
  if (jc.think_time_s + demand <= 0)
    throw SimulationError(
        "closed class " + quoted(jc.name) +
        " has zero think time and zero demand: its jobs would cycle without time passing");
  double bound = static_cast<double>(jc.population) / (jc.think_time_s + demand);
  if (max_demand > 0) bound = std::min(bound, 1.0 / max_demand);
  throughput_bound += bound;
  return true;
}

/// Every closed job is an object of the run: bound their number (docs/network-format.md).
void check_closed_jobs(const Network& network) {
  constexpr long max_closed_jobs = 1'000'000;
  long closed_jobs = 0;
  for (const JobClass& jc : network.classes)
    if (jc.kind == ClassKind::closed) closed_jobs += jc.population;
  if (closed_jobs > max_closed_jobs)
    throw SimulationError("the closed classes hold " + std::to_string(closed_jobs) +
                          " jobs; the simulator holds at most " + std::to_string(max_closed_jobs));
}

/// Open classes alone must leave every queueing station below capacity (BCMP stability of the
/// open part; closed jobs are finitely many).
void check_open_stability(const Network& network) {
  for (int k = 0; k < network.station_count(); ++k) {
    const Station& st = network.stations[k];
    if (st.kind == StationKind::delay) continue;
    double open_load = 0.0;
    for (int c = 0; c < network.class_count(); ++c)
      if (network.classes[c].kind == ClassKind::open)
        open_load += network.classes[c].arrival_rate_per_s * network.demand_s(c, k);
    const double capacity =
        st.load_dependent() ? st.rate_multipliers.back() : static_cast<double>(st.servers);
    if (open_load >= capacity) {
      throw SimulationError(fmt::format(
          "unstable: the open classes load station {} to utilization {:.6g} >= 1 (offered {:.6g} "
          "server-seconds per second, capacity {:.6g}); lower the arrival rates or add capacity",
          quoted(st.name), open_load / capacity, open_load, capacity));
    }
  }
}

Plan make_plan(const Network& network, const SimulationOptions& options) {
  try {
    validate(network);
  } catch (const std::invalid_argument& e) {
    throw SimulationError(e.what());
  }
  if (options.replications < 1) throw SimulationError("replications must be at least 1");

  Plan plan;
  plan.network = &network;
  plan.classes = network.class_count();
  plan.stations = network.station_count();
  const int C = plan.classes;
  const int K = plan.stations;
  plan.visits = plan_visits(network);

  double throughput_bound = 0.0;
  bool any_active = false;
  plan.routes.resize(C);
  plan.active.resize(C);
  for (int c = 0; c < C; ++c) {
    plan.routes[c] = class_routes(plan.visits, c);
    plan.active[c] = class_active(network, c, throughput_bound);
    any_active = any_active || plan.active[c];
  }
  if (!any_active)
    throw SimulationError(
        "nothing to simulate: every open class has arrival rate 0 and every closed class "
        "population 0");
  check_closed_jobs(network);
  check_open_stability(network);

  plan.service.reserve(static_cast<std::size_t>(C) * K);
  for (int c = 0; c < C; ++c)
    for (int k = 0; k < K; ++k) {
      const double per_visit =
          plan.visits(c, k) > 0 ? network.demand_s(c, k) / plan.visits(c, k) : 0.0;
      plan.service.push_back(make_distribution(per_visit, network.stations[k].service_scv));
    }
  // About eight system completions per first interval: small enough that the first round already
  // holds enough intervals, and doubling makes them as long as the run needs.
  plan.interval0_s = 8.0 / throughput_bound;
  if (!std::isfinite(plan.interval0_s) || plan.interval0_s <= 0)
    throw SimulationError("cannot derive a time scale from the network (throughput bound " +
                          std::to_string(throughput_bound) + ")");
  return plan;
}

/// One replication: the simulation state and the cumulative snapshots at observation boundaries.
class NetworkRun final : public Replication, public EventHandler, public ResourceClient {
 public:
  NetworkRun(const Plan& plan, std::uint64_t seed, int replication)
      : plan_(plan), interval_s_(plan.interval0_s) {
    const Network& network = *plan.network;
    const int C = plan.classes;
    const int K = plan.stations;
    self_ = simulation_.add_handler(*this);
    for (int k = 0; k < K; ++k) {
      const Station& st = network.stations[k];
      if (st.kind == StationKind::delay) {
        stations_.push_back(std::make_unique<InfiniteServer>(simulation_, *this, k, C));
      } else if (st.discipline == Discipline::ps) {
        stations_.push_back(
            std::make_unique<PsStation>(simulation_, *this, k, C, st.servers, st.rate_multipliers));
      } else {
        stations_.push_back(std::make_unique<FcfsStation>(simulation_, *this, k, C, st.servers,
                                                          st.rate_multipliers));
      }
    }
    for (int c = 0; c < C; ++c) {
      const std::string& name = network.classes[c].name;
      arrival_.emplace_back(seed, "arrival/" + name, replication);
      routing_.emplace_back(seed, "route/" + name, replication);
      think_.emplace_back(seed, "think/" + name, replication);
      for (int k = 0; k < K; ++k)
        service_.emplace_back(seed, "service/" + name + "/" + network.stations[k].name,
                              replication);
    }
    in_system_.assign(C, 0);
    system_area_.assign(C, 0.0);
    system_last_s_.assign(C, 0.0);
    system_completions_.assign(C, 0);

    for (int c = 0; c < C; ++c) {
      const JobClass& jc = network.classes[c];
      if (jc.kind == ClassKind::open) {
        if (jc.arrival_rate_per_s > 0)
          simulation_.schedule_in(arrival_[c].exponential(1.0 / jc.arrival_rate_per_s), self_,
                                  kArrival, c);
      } else {
        for (long j = 0; j < jc.population; ++j) {
          const JobId job = new_job(c);
          if (jc.think_time_s > 0) {
            simulation_.schedule_in(think_[c].exponential(jc.think_time_s), self_, kThinkEnd, job);
          } else {
            enter_system(c);
            route(job);
          }
        }
      }
    }
    take_snapshot(nullptr);  // the cumulative counters at time 0
  }

  /// Runs to the last observation boundary <= horizon_s within `max_events` (cumulative).
  ReplicationStatus advance(double horizon_s, std::uint64_t max_events,
                            IntervalSeries& rows) override {
    for (;;) {
      const double boundary = static_cast<double>(next_index_) * interval_s_;
      if (boundary > horizon_s) return ReplicationStatus::running;
      if (!simulation_.run_until(boundary, max_events)) return ReplicationStatus::event_budget;
      take_snapshot(&rows);
      ++next_index_;
    }
  }
  std::size_t counters() const override { return plan_.quantities(); }
  std::uint64_t events() const override { return simulation_.events_processed(); }
  double now_s() const override { return static_cast<double>(next_index_ - 1) * interval_s_; }

  void handle(Simulation& simulation, const Event& event) override {
    if (event.kind == kArrival) {
      const int c = static_cast<int>(event.payload);
      simulation.schedule_in(
          arrival_[c].exponential(1.0 / plan_.network->classes[c].arrival_rate_per_s), self_,
          kArrival, c);
      const JobId job = new_job(c);
      enter_system(c);
      route(job);
    } else {  // think time over
      const JobId job = static_cast<JobId>(event.payload);
      enter_system(jobs_[job]);
      route(job);
    }
  }

  void service_completed(Simulation&, int, JobId job) override { route(job); }

 private:
  static constexpr std::uint32_t kArrival = 0;
  static constexpr std::uint32_t kThinkEnd = 1;

  JobId new_job(int c) {
    if (!free_.empty()) {
      const JobId job = free_.back();
      free_.pop_back();
      jobs_[job] = c;
      return job;
    }
    jobs_.push_back(c);
    return static_cast<JobId>(jobs_.size() - 1);
  }

  void enter_system(int c) {
    const double now = simulation_.now_s();
    system_area_[c] += static_cast<double>(in_system_[c]) * (now - system_last_s_[c]);
    system_last_s_[c] = now;
    ++in_system_[c];
  }
  void leave_system(int c) {
    const double now = simulation_.now_s();
    system_area_[c] += static_cast<double>(in_system_[c]) * (now - system_last_s_[c]);
    system_last_s_[c] = now;
    --in_system_[c];
    ++system_completions_[c];
  }

  /// Geometric routing (see the header): next station or the end of the job's cycle. Loops for a
  /// closed class with zero think time, whose next cycle starts at once.
  void route(JobId job) {
    for (;;) {
      const int c = jobs_[job];
      const double u = routing_[c].uniform01();
      for (const auto& [cumulative, k] : plan_.routes[c]) {
        if (u < cumulative) {
          const std::size_t index = static_cast<std::size_t>(c) * plan_.stations + k;
          stations_[k]->arrive(simulation_, job, c, plan_.service[index].sample(service_[index]));
          return;
        }
      }
      leave_system(c);
      const JobClass& jc = plan_.network->classes[c];
      if (jc.kind == ClassKind::open) {
        free_.push_back(job);
        return;
      }
      if (jc.think_time_s > 0) {
        simulation_.schedule_in(think_[c].exponential(jc.think_time_s), self_, kThinkEnd, job);
        return;
      }
      enter_system(c);
    }
  }

  /// Closes an observation interval: its row is the difference of the cumulative counters.
  void take_snapshot(IntervalSeries* rows) {
    const double now = simulation_.now_s();
    std::vector<double>& snap = snap_;
    snap.resize(plan_.quantities());
    for (int k = 0; k < plan_.stations; ++k) {
      Resource& r = *stations_[k];
      r.close_areas(now);
      for (int c = 0; c < plan_.classes; ++c) {
        snap[plan_.q_index(c, k, 0)] = r.jobs_area(c);
        snap[plan_.q_index(c, k, 1)] = static_cast<double>(r.completions(c));
        snap[plan_.q_index(c, k, 2)] = r.work_done_s(c);
      }
    }
    for (int c = 0; c < plan_.classes; ++c) {
      system_area_[c] += static_cast<double>(in_system_[c]) * (now - system_last_s_[c]);
      system_last_s_[c] = now;
      snap[plan_.system_index(c, 0)] = system_area_[c];
      snap[plan_.system_index(c, 1)] = static_cast<double>(system_completions_[c]);
    }
    snap[plan_.time_index()] = now;
    if (rows != nullptr) {
      row_.resize(snap.size());
      for (std::size_t q = 0; q < snap.size(); ++q) row_[q] = snap[q] - last_[q];
      rows->append(row_);
    }
    std::swap(last_, snap_);
  }

  const Plan& plan_;
  Simulation simulation_;
  std::uint32_t self_ = 0;
  std::vector<std::unique_ptr<Resource>> stations_;
  std::vector<RandomStream> arrival_, routing_, think_, service_;
  std::vector<int> jobs_;  ///< class of each job slot
  std::vector<JobId> free_;
  std::vector<long> in_system_;
  std::vector<double> system_area_;
  std::vector<double> system_last_s_;
  std::vector<std::uint64_t> system_completions_;
  std::vector<double> last_;  ///< cumulative counters at the last boundary
  std::vector<double> snap_;  ///< cumulative counters now (reused buffer)
  std::vector<double> row_;   ///< one interval's row (reused buffer)
  double interval_s_;
  std::size_t next_index_ = 1;
};

/// Where an estimate goes in the SimulationResult.
enum class Slot {
  throughput,
  utilization,
  mean_jobs,
  residence,
  class_throughput,
  class_response,
  class_jobs,
  busy,
  station_jobs
};
struct Target {
  Slot slot;
  int c = 0;
  int k = 0;
  std::string what;  ///< for the widest measure, e.g. "response time of class 'batch'"
};
struct MeasurePlan {
  std::vector<Measure> measures;
  std::vector<Target> targets;
  void add(Measure m, Target t) {
    measures.push_back(std::move(m));
    targets.push_back(std::move(t));
  }
};

void add_class_measures(const Plan& plan, int c, MeasurePlan& mp) {
  const Network& network = *plan.network;
  const std::size_t time = plan.time_index();
  const std::size_t completions = plan.system_index(c, 1);
  for (int k = 0; k < plan.stations; ++k) {
    if (!(plan.visits(c, k) > 0)) continue;
    const bool delay = network.stations[k].kind == StationKind::delay;
    const double per_server = delay ? 0.0 : 1.0 / peak_capacity(network.stations[k]);
    mp.add({{plan.q_index(c, k, 1)}, time, 1.0, false}, {Slot::throughput, c, k, ""});
    mp.add({{plan.q_index(c, k, 2)}, time, per_server, false}, {Slot::utilization, c, k, ""});
    mp.add({{plan.q_index(c, k, 0)}, time, 1.0, false}, {Slot::mean_jobs, c, k, ""});
    mp.add({{plan.q_index(c, k, 0)}, completions, 1.0, false}, {Slot::residence, c, k, ""});
  }
  const std::string name = quoted(network.classes[c].name);
  mp.add({{completions}, time, 1.0, true},
         {Slot::class_throughput, c, 0, "throughput of class " + name});
  mp.add({{plan.system_index(c, 0)}, completions, 1.0, network.demand_s.row(c).sum() > 0},
         {Slot::class_response, c, 0, "response time of class " + name});
  mp.add({{plan.system_index(c, 0)}, time, 1.0, false}, {Slot::class_jobs, c, 0, ""});
}

void add_station_measures(const Plan& plan, int k, MeasurePlan& mp) {
  const Network& network = *plan.network;
  Measure busy{{}, plan.time_index(), 1.0, true};
  Measure jobs{{}, plan.time_index(), 1.0, true};
  double demand = 0.0;
  for (int c = 0; c < plan.classes; ++c) {
    if (!plan.active[c]) continue;
    busy.numerators.push_back(plan.q_index(c, k, 2));
    jobs.numerators.push_back(plan.q_index(c, k, 0));
    demand += network.demand_s(c, k);
  }
  if (demand <= 0) return;
  const std::string name = quoted(network.stations[k].name);
  mp.add(std::move(busy), {Slot::busy, 0, k, "busy servers of station " + name});
  mp.add(std::move(jobs), {Slot::station_jobs, 0, k, "mean jobs at station " + name});
}

MeasurePlan measure_plan(const Plan& plan) {
  MeasurePlan mp;
  for (int c = 0; c < plan.classes; ++c)
    if (plan.active[c]) add_class_measures(plan, c, mp);
  for (int k = 0; k < plan.stations; ++k) add_station_measures(plan, k, mp);
  return mp;
}

/// Warm-up and independence series: jobs at each station, jobs of each class in the system.
SeriesLayout series_layout(const Plan& plan) {
  SeriesLayout layout;
  layout.time_counter = plan.time_index();
  for (int k = 0; k < plan.stations; ++k) {
    std::vector<std::size_t> qs;
    for (int c = 0; c < plan.classes; ++c) qs.push_back(plan.q_index(c, k, 0));
    layout.congestion.push_back(std::move(qs));
  }
  for (int c = 0; c < plan.classes; ++c) layout.congestion.push_back({plan.system_index(c, 0)});
  return layout;
}

SimulationResult empty_result(int C, int K) {
  SimulationResult res;
  Solution& s = res.solution;
  s.method = "simulation";
  for (Eigen::MatrixXd* m : {&s.throughput_per_s, &s.utilization, &s.mean_jobs, &s.residence_time_s,
                             &res.throughput_half_width, &res.utilization_half_width,
                             &res.mean_jobs_half_width, &res.residence_time_half_width})
    *m = Eigen::MatrixXd::Zero(C, K);
  for (Eigen::VectorXd* v :
       {&s.class_throughput_per_s, &s.class_response_time_s, &res.class_throughput_half_width,
        &res.class_response_time_half_width, &res.class_mean_jobs_half_width})
    *v = Eigen::VectorXd::Zero(C);
  for (Eigen::VectorXd* v :
       {&s.busy_servers, &s.station_utilization, &res.busy_servers_half_width,
        &res.station_utilization_half_width, &res.station_mean_jobs_half_width})
    *v = Eigen::VectorXd::Zero(K);
  return res;
}

void place(const Plan& plan, const Target& t, const Estimate& e, SimulationResult& res) {
  Solution& s = res.solution;
  switch (t.slot) {
    case Slot::throughput:
      s.throughput_per_s(t.c, t.k) = e.mean;
      res.throughput_half_width(t.c, t.k) = e.half_width;
      break;
    case Slot::utilization:
      s.utilization(t.c, t.k) = e.mean;
      res.utilization_half_width(t.c, t.k) = e.half_width;
      break;
    case Slot::mean_jobs:
      s.mean_jobs(t.c, t.k) = e.mean;
      res.mean_jobs_half_width(t.c, t.k) = e.half_width;
      break;
    case Slot::residence:
      s.residence_time_s(t.c, t.k) = e.mean;
      res.residence_time_half_width(t.c, t.k) = e.half_width;
      break;
    case Slot::class_throughput:
      s.class_throughput_per_s(t.c) = e.mean;
      res.class_throughput_half_width(t.c) = e.half_width;
      break;
    case Slot::class_response:
      s.class_response_time_s(t.c) = e.mean;
      res.class_response_time_half_width(t.c) = e.half_width;
      break;
    case Slot::class_jobs:
      res.class_mean_jobs_half_width(t.c) = e.half_width;
      break;
    case Slot::busy: {
      const Station& st = plan.network->stations[t.k];
      s.busy_servers(t.k) = e.mean;
      res.busy_servers_half_width(t.k) = e.half_width;
      if (st.kind != StationKind::delay) {
        s.station_utilization(t.k) = e.mean / peak_capacity(st);
        res.station_utilization_half_width(t.k) = e.half_width / peak_capacity(st);
      }
      break;
    }
    case Slot::station_jobs:
      res.station_mean_jobs_half_width(t.k) = e.half_width;
      break;
  }
}

std::string format_number(double v) {
  return fmt::format("{:.4g}", v);
}

/// Why a run that did not reach its precision stopped.
std::string limit_reason(const PreciseRun& run, const SimulationOptions& o, const Plan& plan) {
  const std::string limit = run.cause == StopCause::event_limit
                                ? "max events (" + std::to_string(o.max_events) + ")"
                                : "max time (" + format_number(o.max_time_s) + " s)";
  if (!run.estimable)
    throw SimulationError(limit + " too small to form confidence intervals: " + run.shortage +
                          "; the first 512 observation intervals take " +
                          format_number(plan.interval0_s * 512) + " s of simulated time");
  std::string why =
      "stopped at " + limit + " before reaching precision " + format_number(o.precision);
  if (!run.warmup_over) why += "; warm-up not over (MSER-5 optimum in the second half)";
  if (!run.batches_independent)
    why += o.replications == 1 ? "; batches still correlated"
                               : "; replications shorter than the correlation time";
  return why;
}

SimulationResult to_result(const Plan& plan, const MeasurePlan& mp, const PreciseRun& run,
                           const SimulationOptions& o) {
  SimulationResult res = empty_result(plan.classes, plan.stations);
  res.stop_reason =
      run.cause == StopCause::precision ? "precision reached" : limit_reason(run, o, plan);
  for (std::size_t i = 0; i < run.estimates.size(); ++i)
    place(plan, mp.targets[i], run.estimates[i], res);
  res.interval_method = run.interval_method;
  res.batches = run.batches;
  res.degrees_of_freedom = run.degrees_of_freedom;
  res.confidence = o.confidence;
  res.observation_interval_s = run.observation_interval_s;
  res.simulated_time_s = run.simulated_time_s;
  res.truncated_time_s = run.truncated_time_s;
  res.truncated_observations = run.truncated_intervals;
  res.events = run.events;
  res.precision_reached = run.precision_reached;
  res.widest_relative_half_width = run.widest_relative_half_width;
  if (run.widest_measure >= 0) res.widest_measure = mp.targets[run.widest_measure].what;
  if (!run.precision_reached && run.widest_relative_half_width > o.precision)
    res.stop_reason += "; widest relative half-width " +
                       format_number(run.widest_relative_half_width) + " (" + res.widest_measure +
                       ")";
  return res;
}

}  // namespace

SimulationResult simulate_network(const Network& network, const SimulationOptions& options) {
  const Plan plan = make_plan(network, options);
  PrecisionSettings settings;
  settings.precision = options.precision;
  settings.confidence = options.confidence;
  settings.batches = options.batches;
  settings.threads = options.threads;
  settings.interval_s = plan.interval0_s;
  settings.min_time_s = options.min_time_s;
  settings.max_time_s = options.max_time_s;
  settings.min_events = options.min_events;
  settings.max_events = options.max_events;
  settings.layout = series_layout(plan);
  settings.progress = options.progress;
  check_precision_settings(settings);
  // Each replication owns all its state, so the outcome does not depend on the schedule.
  std::vector<std::unique_ptr<NetworkRun>> runs(static_cast<std::size_t>(options.replications));
  parallel_for(runs.size(), options.threads, [&](std::size_t r) {
    runs[r] = std::make_unique<NetworkRun>(plan, options.seed, static_cast<int>(r));
  });
  std::vector<Replication*> reps;
  for (const auto& run : runs) reps.push_back(run.get());
  const MeasurePlan mp = measure_plan(plan);
  return to_result(plan, mp, run_until_precise(reps, mp.measures, settings), options);
}

}  // namespace tpeval::solver::des
