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
#include "solver/des/simulation.hpp"
#include "solver/parallel/parallel_for.hpp"

namespace tpeval::solver::des {

namespace {

/// Observation intervals of the first round; later rounds keep 2x this many (pairs are merged
/// when the run doubles), so every analysis sees between kIntervals and 2 kIntervals intervals.
constexpr std::size_t kIntervals = 512;
/// Sub-batches per batch in the batch-independence check (see analyse()).
constexpr int kSubBatchesPerBatch = 4;
/// Largest lag-1 autocorrelation of the sub-batch means accepted: batches kSubBatchesPerBatch
/// times longer then have a lag-1 correlation of about 0.1 or less (it falls roughly in
/// proportion to the batch length once batches exceed the correlation time).
constexpr double kMaxSubBatchLag1 = 0.4;

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
  std::size_t quantities() const {
    return static_cast<std::size_t>(classes) * stations * 3 + 2 * classes;
  }
};

Plan make_plan(const Network& network, const SimulationOptions& options) {
  try {
    validate(network);
  } catch (const std::invalid_argument& e) {
    throw SimulationError(e.what());
  }
  if (!(options.precision > 0.0) || !std::isfinite(options.precision))
    throw SimulationError("precision must be a positive relative half-width, e.g. 0.02");
  if (!(options.confidence > 0.0 && options.confidence < 1.0))
    throw SimulationError("confidence must be in (0, 1)");
  if (options.replications < 1) throw SimulationError("replications must be at least 1");
  if (options.batches < 4) throw SimulationError("batch means needs at least 4 batches");
  if (options.max_events == 0) throw SimulationError("max events must be positive");
  if (!(options.max_time_s > 0.0)) throw SimulationError("max time must be positive");
  if (options.min_events > options.max_events)
    throw SimulationError("min events exceeds max events");
  if (options.min_time_s > options.max_time_s) throw SimulationError("min time exceeds max time");

  Plan plan;
  plan.network = &network;
  plan.classes = network.class_count();
  plan.stations = network.station_count();
  const int C = plan.classes;
  const int K = plan.stations;
  plan.visits = network.visits.size() != 0
                    ? network.visits
                    : Eigen::MatrixXd((network.demand_s.array() > 0).cast<double>());
  for (int c = 0; c < C; ++c)
    for (int k = 0; k < K; ++k)
      if (network.demand_s(c, k) > 0 && !(plan.visits(c, k) > 0))
        throw SimulationError("class " + quoted(network.classes[c].name) +
                              " has demand at station " + quoted(network.stations[k].name) +
                              " but no visits there");

  double throughput_bound = 0.0;
  bool any_active = false;
  plan.routes.resize(C);
  plan.active.resize(C);
  for (int c = 0; c < C; ++c) {
    const JobClass& jc = network.classes[c];
    const double total_visits = plan.visits.row(c).sum();
    double cumulative = 0.0;
    for (int k = 0; k < K; ++k) {
      if (plan.visits(c, k) > 0) {
        cumulative += plan.visits(c, k) / (1.0 + total_visits);
        plan.routes[c].emplace_back(cumulative, k);
      }
    }
    const double demand = network.demand_s.row(c).sum();
    const double max_demand = network.demand_s.row(c).maxCoeff();
    if (jc.kind == ClassKind::open) {
      plan.active[c] = jc.arrival_rate_per_s > 0;
      throughput_bound += jc.arrival_rate_per_s;
    } else {
      plan.active[c] = jc.population > 0;
      if (plan.active[c]) {
        if (jc.think_time_s + demand <= 0)
          throw SimulationError(
              "closed class " + quoted(jc.name) +
              " has zero think time and zero demand: its jobs would cycle without time passing");
        double bound = static_cast<double>(jc.population) / (jc.think_time_s + demand);
        if (max_demand > 0) bound = std::min(bound, 1.0 / max_demand);
        throughput_bound += bound;
      }
    }
    any_active = any_active || plan.active[c];
  }
  if (!any_active)
    throw SimulationError(
        "nothing to simulate: every open class has arrival rate 0 and every closed class "
        "population 0");
  // Every closed job is an object of the run: bound their number (docs/network-format.md).
  constexpr long max_closed_jobs = 1'000'000;
  long closed_jobs = 0;
  for (const JobClass& jc : network.classes)
    if (jc.kind == ClassKind::closed) closed_jobs += jc.population;
  if (closed_jobs > max_closed_jobs)
    throw SimulationError("the closed classes hold " + std::to_string(closed_jobs) +
                          " jobs; the simulator holds at most " + std::to_string(max_closed_jobs));

  // Open classes alone must leave every queueing station below capacity (BCMP stability of the
  // open part; closed jobs are finitely many).
  for (int k = 0; k < K; ++k) {
    const Station& st = network.stations[k];
    if (st.kind == StationKind::delay) continue;
    double open_load = 0.0;
    for (int c = 0; c < C; ++c)
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
class NetworkRun final : public EventHandler, public ResourceClient {
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
    take_snapshot();
  }

  /// Runs to the last observation boundary <= horizon_s within `max_events` (cumulative). Returns
  /// false when the event budget ran out first.
  bool advance(double horizon_s, std::uint64_t max_events) {
    for (;;) {
      if (snapshots_.size() == 2 * kIntervals + 1 && next_boundary_time() <= horizon_s) compress();
      const double boundary = next_boundary_time();
      if (boundary > horizon_s) return true;
      if (!simulation_.run_until(boundary, max_events)) return false;
      take_snapshot();
      ++next_index_;
    }
  }

  double interval_s() const { return interval_s_; }
  double observed_time_s() const {
    return static_cast<double>(snapshots_.size() - 1) * interval_s_;
  }
  double next_boundary_time() const { return static_cast<double>(next_index_) * interval_s_; }
  std::uint64_t events() const { return simulation_.events_processed(); }
  const std::vector<std::vector<double>>& snapshots() const { return snapshots_; }

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

  void take_snapshot() {
    const double now = simulation_.now_s();
    std::vector<double> snap(plan_.quantities());
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
    snapshots_.push_back(std::move(snap));
  }

  /// Merges pairs of intervals (keeps every other cumulative snapshot) and doubles the width.
  void compress() {
    std::vector<std::vector<double>> kept;
    kept.reserve(kIntervals + 1);
    for (std::size_t i = 0; i < snapshots_.size(); i += 2) kept.push_back(std::move(snapshots_[i]));
    snapshots_ = std::move(kept);
    interval_s_ *= 2.0;
    next_index_ = snapshots_.size();
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
  std::vector<std::vector<double>> snapshots_;
  double interval_s_;
  std::size_t next_index_ = 1;
};

/// The outcome of analysing all replications at one point of the run.
struct Analysis {
  SimulationResult result;
  bool enough_data = true;  ///< intervals could be formed for every measure
  bool warmup_over = true;  ///< MSER-5 minimum in the first half for every replication
  bool batches_independent = true;
  std::string shortage;  ///< why enough_data is false
};

/// Per-interval differences of one quantity for replication r, from interval `first` on.
std::vector<double> interval_series(const NetworkRun& run, std::size_t q, std::size_t first) {
  const auto& snaps = run.snapshots();
  std::vector<double> out;
  if (snaps.size() < first + 2) return out;
  out.reserve(snaps.size() - 1 - first);
  for (std::size_t i = first; i + 1 < snaps.size(); ++i)
    out.push_back(snaps[i + 1][q] - snaps[i][q]);
  return out;
}

std::vector<double> sum_series(const NetworkRun& run, const std::vector<std::size_t>& qs,
                               std::size_t first) {
  std::vector<double> total;
  for (std::size_t q : qs) {
    const auto s = interval_series(run, q, first);
    if (total.empty()) total.assign(s.size(), 0.0);
    for (std::size_t i = 0; i < s.size(); ++i) total[i] += s[i];
  }
  return total;
}

Analysis analyse(const Plan& plan, const std::vector<std::unique_ptr<NetworkRun>>& runs,
                 const SimulationOptions& options) {
  const Network& network = *plan.network;
  const int C = plan.classes;
  const int K = plan.stations;
  const int R = static_cast<int>(runs.size());
  const int B = options.batches;
  Analysis a;
  SimulationResult& res = a.result;

  // Warm-up: MSER-5 on the congestion series (jobs at each station, jobs of each class in the
  // system); the largest deletion point of any series applies to the replication.
  std::vector<std::vector<std::size_t>> congestion;  // groups of quantity indices, summed
  for (int k = 0; k < K; ++k) {
    std::vector<std::size_t> qs;
    for (int c = 0; c < C; ++c) qs.push_back(plan.q_index(c, k, 0));
    congestion.push_back(qs);
  }
  for (int c = 0; c < C; ++c) congestion.push_back({plan.system_index(c, 0)});

  std::vector<std::size_t> first(R, 0);
  for (int r = 0; r < R; ++r) {
    const NetworkRun& run = *runs[r];
    for (const auto& qs : congestion) {
      const auto series = sum_series(run, qs, 0);
      const Mser5Result m = mser5_truncation(series);
      if (!m.reliable) a.warmup_over = false;
      first[r] = std::max(first[r], m.truncated);
    }
    const std::size_t intervals = run.snapshots().size() - 1;
    res.simulated_time_s.push_back(run.observed_time_s());
    res.truncated_observations.push_back(static_cast<long>(first[r]));
    res.truncated_time_s.push_back(static_cast<double>(first[r]) * run.interval_s());
    res.events += run.events();
    const std::size_t kept = intervals - std::min(intervals, first[r]);
    const std::size_t needed = R == 1 ? static_cast<std::size_t>(2 * B) : 2;
    if (kept < needed) {
      a.enough_data = false;
      a.shortage = "only " + std::to_string(kept) + " observation intervals after warm-up (" +
                   std::to_string(needed) + " needed)";
    }
  }
  res.confidence = options.confidence;
  res.observation_interval_s = runs[0]->interval_s();
  res.interval_method = R == 1 ? "batch means" : "independent replications";
  res.batches = R == 1 ? B : R;
  res.degrees_of_freedom = res.batches - 1;
  if (!a.enough_data) return a;

  // Batch independence: the lag-1 autocorrelation of kSubBatchesPerBatch x B sub-batch means of
  // the congestion series must be small. For batch means this makes the batches nearly
  // independent; for replications it makes every replication span many correlation times, which
  // keeps the O(1/T) bias of its mean (start-up remainder, ratio estimators) small against the
  // interval — otherwise many short replications give narrow intervals around a biased mean.
  for (int r = 0; r < R; ++r) {
    const NetworkRun& run = *runs[r];
    const std::size_t kept = run.snapshots().size() - 1 - first[r];
    const std::size_t sub = kept / static_cast<std::size_t>(kSubBatchesPerBatch * B);
    if (sub < 1) {
      a.batches_independent = false;
      continue;
    }
    for (const auto& qs : congestion) {
      const auto series = sum_series(run, qs, first[r]);
      if (lag1_autocorrelation(group_sums(series, sub)) > kMaxSubBatchLag1)
        a.batches_independent = false;
    }
  }

  // Rate measure: sum over kept intervals of the summed quantities / time (scaled).
  const auto rate = [&](const std::vector<std::size_t>& qs, double scale) -> Estimate {
    if (scale == 0.0 || qs.empty()) return Estimate{};
    std::vector<double> values;
    if (R == 1) {
      const auto series = sum_series(*runs[0], qs, first[0]);
      const std::size_t group = series.size() / static_cast<std::size_t>(B);
      for (double v : group_sums(series, group))
        values.push_back(v / (static_cast<double>(group) * runs[0]->interval_s()) * scale);
    } else {
      for (int r = 0; r < R; ++r) {
        const auto series = sum_series(*runs[r], qs, first[r]);
        double total = 0.0;
        for (double v : series) total += v;
        values.push_back(total / (static_cast<double>(series.size()) * runs[r]->interval_s()) *
                         scale);
      }
    }
    return t_interval(values, options.confidence);
  };
  // Ratio measure: job-seconds / completions.
  const auto ratio = [&](const std::vector<std::size_t>& num, std::size_t den) -> Estimate {
    if (R == 1) {
      const auto n_series = sum_series(*runs[0], num, first[0]);
      const auto d_series = interval_series(*runs[0], den, first[0]);
      const std::size_t group = n_series.size() / static_cast<std::size_t>(B);
      const auto n = group_sums(n_series, group);
      const auto d = group_sums(d_series, group);
      double total = 0.0;
      for (double v : d) total += v;
      if (total <= 0) return Estimate{};
      return ratio_interval(n, d, options.confidence);
    }
    std::vector<double> values;
    for (int r = 0; r < R; ++r) {
      const auto n_series = sum_series(*runs[r], num, first[r]);
      const auto d_series = interval_series(*runs[r], den, first[r]);
      double n = 0.0, d = 0.0;
      for (double v : n_series) n += v;
      for (double v : d_series) d += v;
      if (d <= 0) return Estimate{};
      values.push_back(n / d);
    }
    return t_interval(values, options.confidence);
  };

  Solution& s = res.solution;
  s.method = "simulation";
  s.throughput_per_s = Eigen::MatrixXd::Zero(C, K);
  s.utilization = Eigen::MatrixXd::Zero(C, K);
  s.mean_jobs = Eigen::MatrixXd::Zero(C, K);
  s.residence_time_s = Eigen::MatrixXd::Zero(C, K);
  s.class_throughput_per_s = Eigen::VectorXd::Zero(C);
  s.class_response_time_s = Eigen::VectorXd::Zero(C);
  s.busy_servers = Eigen::VectorXd::Zero(K);
  s.station_utilization = Eigen::VectorXd::Zero(K);
  res.throughput_half_width = Eigen::MatrixXd::Zero(C, K);
  res.utilization_half_width = Eigen::MatrixXd::Zero(C, K);
  res.mean_jobs_half_width = Eigen::MatrixXd::Zero(C, K);
  res.residence_time_half_width = Eigen::MatrixXd::Zero(C, K);
  res.class_throughput_half_width = Eigen::VectorXd::Zero(C);
  res.class_response_time_half_width = Eigen::VectorXd::Zero(C);
  res.busy_servers_half_width = Eigen::VectorXd::Zero(K);
  res.station_utilization_half_width = Eigen::VectorXd::Zero(K);
  res.class_mean_jobs_half_width = Eigen::VectorXd::Zero(C);
  res.station_mean_jobs_half_width = Eigen::VectorXd::Zero(K);

  const auto stop_measure = [&](const Estimate& e, const std::string& what) {
    const double rel = e.relative_half_width();
    if (rel >= res.widest_relative_half_width) {
      res.widest_relative_half_width = rel;
      res.widest_measure = what;
    }
  };

  for (int c = 0; c < C; ++c) {
    if (!plan.active[c]) continue;
    const std::string cname = quoted(network.classes[c].name);
    for (int k = 0; k < K; ++k) {
      if (!(plan.visits(c, k) > 0)) continue;
      const bool delay = network.stations[k].kind == StationKind::delay;
      const double m = delay ? 0.0 : 1.0 / peak_capacity(network.stations[k]);
      const Estimate x = rate({plan.q_index(c, k, 1)}, 1.0);
      const Estimate u = rate({plan.q_index(c, k, 2)}, m);
      const Estimate q = rate({plan.q_index(c, k, 0)}, 1.0);
      const Estimate rt = ratio({plan.q_index(c, k, 0)}, plan.system_index(c, 1));
      s.throughput_per_s(c, k) = x.mean;
      res.throughput_half_width(c, k) = x.half_width;
      s.utilization(c, k) = u.mean;
      res.utilization_half_width(c, k) = u.half_width;
      s.mean_jobs(c, k) = q.mean;
      res.mean_jobs_half_width(c, k) = q.half_width;
      s.residence_time_s(c, k) = rt.mean;
      res.residence_time_half_width(c, k) = rt.half_width;
    }
    const Estimate x = rate({plan.system_index(c, 1)}, 1.0);
    s.class_throughput_per_s(c) = x.mean;
    res.class_throughput_half_width(c) = x.half_width;
    stop_measure(x, "throughput of class " + cname);
    const Estimate rt = ratio({plan.system_index(c, 0)}, plan.system_index(c, 1));
    s.class_response_time_s(c) = rt.mean;
    res.class_response_time_half_width(c) = rt.half_width;
    if (network.demand_s.row(c).sum() > 0) stop_measure(rt, "response time of class " + cname);
    res.class_mean_jobs_half_width(c) = rate({plan.system_index(c, 0)}, 1.0).half_width;
  }
  for (int k = 0; k < K; ++k) {
    const Station& st = network.stations[k];
    std::vector<std::size_t> work, jobs;
    double demand = 0.0;
    for (int c = 0; c < C; ++c) {
      if (!plan.active[c]) continue;
      work.push_back(plan.q_index(c, k, 2));
      jobs.push_back(plan.q_index(c, k, 0));
      demand += network.demand_s(c, k);
    }
    if (demand <= 0) continue;
    const Estimate busy = rate(work, 1.0);
    s.busy_servers(k) = busy.mean;
    res.busy_servers_half_width(k) = busy.half_width;
    if (st.kind != StationKind::delay) {
      s.station_utilization(k) = busy.mean / peak_capacity(st);
      res.station_utilization_half_width(k) = busy.half_width / peak_capacity(st);
    }
    stop_measure(busy, "busy servers of station " + quoted(st.name));
    const Estimate jobs_at_station = rate(jobs, 1.0);
    res.station_mean_jobs_half_width(k) = jobs_at_station.half_width;
    stop_measure(jobs_at_station, "mean jobs at station " + quoted(st.name));
  }
  return a;
}

std::string format_number(double v) {
  return fmt::format("{:.4g}", v);
}

}  // namespace

SimulationResult simulate_network(const Network& network, const SimulationOptions& options) {
  const Plan plan = make_plan(network, options);
  const int R = options.replications;
  // Each replication is touched by one thread only and owns all its state, so the outcome does
  // not depend on the schedule.
  const int threads = resolve_thread_count(options.threads);
  const std::uint64_t events_per_run =
      std::max<std::uint64_t>(1, options.max_events / static_cast<std::uint64_t>(R));

  std::vector<std::unique_ptr<NetworkRun>> runs(static_cast<std::size_t>(R));
  parallel_for(runs.size(), threads, [&](std::size_t r) {
    runs[r] = std::make_unique<NetworkRun>(plan, options.seed, static_cast<int>(r));
  });

  double horizon_s = plan.interval0_s * static_cast<double>(kIntervals);
  for (int round = 1;; ++round) {
    const double target_s = std::min(horizon_s, options.max_time_s);
    std::vector<char> budget_left(static_cast<std::size_t>(R), 1);
    parallel_for(runs.size(), threads, [&](std::size_t r) {
      budget_left[r] = runs[r]->advance(target_s, events_per_run) ? 1 : 0;
    });
    const bool events_exhausted =
        std::any_of(budget_left.begin(), budget_left.end(), [](char b) { return b == 0; });
    const bool time_exhausted = runs[0]->next_boundary_time() > options.max_time_s;

    Analysis a = analyse(plan, runs, options);
    SimulationResult& res = a.result;
    const double observed_s = runs[0]->observed_time_s();
    if (options.progress) {
      options.progress(SimulationProgress{round, observed_s, res.events,
                                          a.enough_data ? res.widest_relative_half_width : 0.0,
                                          options.precision});
    }
    const bool precise = a.enough_data && a.warmup_over && a.batches_independent &&
                         res.widest_relative_half_width <= options.precision;
    const bool long_enough = res.events >= options.min_events && observed_s >= options.min_time_s;
    if (precise && long_enough) {
      res.precision_reached = true;
      res.stop_reason = "precision reached";
      return std::move(res);
    }
    if (events_exhausted || time_exhausted) {
      const std::string limit = events_exhausted
                                    ? "max events (" + std::to_string(options.max_events) + ")"
                                    : "max time (" + format_number(options.max_time_s) + " s)";
      if (!a.enough_data)
        throw SimulationError(
            limit + " too small to form confidence intervals: " + a.shortage + "; the first " +
            std::to_string(kIntervals) + " observation intervals take " +
            format_number(plan.interval0_s * kIntervals) + " s of simulated time");
      res.precision_reached = false;
      std::string why =
          "stopped at " + limit + " before reaching precision " + format_number(options.precision);
      if (!a.warmup_over) why += "; warm-up not over (MSER-5 optimum in the second half)";
      if (!a.batches_independent)
        why += R == 1 ? "; batches still correlated"
                      : "; replications shorter than the correlation time";
      if (res.widest_relative_half_width > options.precision)
        why += "; widest relative half-width " + format_number(res.widest_relative_half_width) +
               " (" + res.widest_measure + ")";
      res.stop_reason = why;
      return std::move(res);
    }
    horizon_s *= 2.0;
  }
}

}  // namespace tpeval::solver::des
