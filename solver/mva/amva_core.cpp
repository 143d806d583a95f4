#include "solver/mva/amva_core.hpp"

#include <algorithm>
#include <cmath>

#include "solver/mva/rate_profile.hpp"
#include "solver/mva/solution_fill.hpp"

namespace tpeval::solver {

AmvaModel amva_model(const Network& network) {
  check_closed_network(network);
  AmvaModel m;
  for (int c = 0; c < network.class_count(); ++c)
    if (network.classes[c].population > 0) {
      m.classes.push_back(c);
      m.think_s.push_back(network.classes[c].think_time_s);
    }
  const int classes = m.class_count();
  bool seidmann = false, load_dependent = false;
  for (int k = 0; k < network.station_count(); ++k) {
    const Station& st = network.stations[k];
    double total = 0;
    for (int a = 0; a < classes; ++a) total += network.demand_s(m.classes[a], k);
    if (total <= 0) continue;
    if (st.kind == StationKind::delay) {
      for (int a = 0; a < classes; ++a) m.think_s[a] += network.demand_s(m.classes[a], k);
      continue;
    }
    const RateProfile profile = rate_profile(st);
    if (!profile.simple()) (st.load_dependent() ? load_dependent : seidmann) = true;
    // Seidmann et al. 1987: queue at the full rate, plus the time a lone job loses to the
    // slower low-load rate as a pure delay (never negative for a profile that falls with load).
    const double slowdown = std::max(0.0, 1.0 / profile.at(1) - 1.0 / profile.tail_rate());
    m.stations.push_back(k);
    for (int a = 0; a < classes; ++a) {
      const double d = network.demand_s(m.classes[a], k);
      m.queue_demand.push_back(d / profile.tail_rate());
      m.delay_demand.push_back(d * slowdown);
    }
  }
  if (seidmann)
    m.warnings.push_back(
        "multi-server stations approximated by Seidmann et al. (1987): queue with demand D/m plus "
        "delay D(m-1)/m");
  if (load_dependent)
    m.warnings.push_back(
        "load-dependent stations approximated as a queue at the highest-load rate alpha(L) plus a "
        "delay for the low-load slowdown (Seidmann et al. 1987, generalised)");
  return m;
}

void amva_core(const AmvaModel& model, const std::vector<int>& population,
               const std::vector<double>& correction, double tolerance, int max_iterations,
               AmvaState& state) {
  const int classes = model.class_count();
  const int stations = model.station_count();
  const std::size_t cells = static_cast<std::size_t>(classes * stations);
  if (state.queue_jobs.size() != cells) {
    state.queue_jobs.assign(cells, 0.0);
    for (int c = 0; c < classes; ++c) {
      int visited = 0;
      for (int k = 0; k < stations; ++k) visited += model.queue_demand[k * classes + c] > 0;
      for (int k = 0; k < stations; ++k)
        if (model.queue_demand[k * classes + c] > 0)
          state.queue_jobs[k * classes + c] = static_cast<double>(population[c]) / visited;
    }
  }
  state.throughput.assign(static_cast<std::size_t>(classes), 0.0);
  // S_kc = sum_c' (n - 1_c)_c' F_kc'(c): constant during the core, so computed once (O(M C^2)).
  std::vector<double> shift(cells, 0.0);
  if (!correction.empty())
    for (int k = 0; k < stations; ++k)
      for (int c = 0; c < classes; ++c) {
        double sum = 0;
        for (int other = 0; other < classes; ++other) {
          const int jobs = population[other] - (other == c ? 1 : 0);
          if (jobs > 0)
            sum += jobs * correction[(static_cast<std::size_t>(k) * classes + other) * classes + c];
        }
        shift[k * classes + c] = sum;
      }
  std::vector<double> total_jobs(static_cast<std::size_t>(stations));
  std::vector<double> residence(cells);
  state.iterations = 0;
  state.converged = false;
  state.residual = 0.0;
  while (state.iterations < max_iterations) {
    ++state.iterations;
    for (int k = 0; k < stations; ++k) {
      double sum = 0;
      for (int c = 0; c < classes; ++c) sum += state.queue_jobs[k * classes + c];
      total_jobs[k] = sum;
    }
    for (int c = 0; c < classes; ++c) {
      if (population[c] == 0) {
        state.throughput[c] = 0;
        continue;
      }
      const double n = population[c];
      double total = model.think_s[c];
      for (int k = 0; k < stations; ++k) {
        const std::size_t i = static_cast<std::size_t>(k * classes + c);
        const double seen = std::max(0.0, total_jobs[k] - state.queue_jobs[i] / n + shift[i]);
        residence[i] = model.queue_demand[i] * (1.0 + seen);
        total += residence[i] + model.delay_demand[i];
      }
      state.throughput[c] = n / total;
    }
    double change = 0;
    for (int k = 0; k < stations; ++k)
      for (int c = 0; c < classes; ++c) {
        const std::size_t i = static_cast<std::size_t>(k * classes + c);
        const double updated = population[c] == 0 ? 0.0 : state.throughput[c] * residence[i];
        const double scale = std::max(updated, 1e-12);
        change = std::max(change, std::abs(updated - state.queue_jobs[i]) / scale);
        state.queue_jobs[i] = updated;
      }
    state.residual = change;
    if (change < tolerance) {
      state.converged = true;
      break;
    }
  }
}

Solution amva_solution(const Network& network, const AmvaModel& model, const AmvaState& state,
                       const std::string& method) {
  Solution s;
  s.method = method;
  s.warnings = model.warnings;
  s.class_throughput_per_s = Eigen::VectorXd::Zero(network.class_count());
  s.mean_jobs = Eigen::MatrixXd::Zero(network.class_count(), network.station_count());
  const int classes = model.class_count();
  for (int a = 0; a < classes; ++a) {
    const int c = model.classes[a];
    const double x = state.throughput.empty() ? 0.0 : state.throughput[a];
    s.class_throughput_per_s(c) = x;
    for (int k = 0; k < model.station_count(); ++k) {
      const std::size_t i = static_cast<std::size_t>(k * classes + a);
      s.mean_jobs(c, model.stations[k]) = state.queue_jobs[i] + x * model.delay_demand[i];
    }
    for (int k = 0; k < network.station_count(); ++k)
      if (network.stations[k].kind == StationKind::delay)
        s.mean_jobs(c, k) = x * network.demand_s(c, k);
  }
  complete_solution(network, s);
  return s;
}

}  // namespace tpeval::solver
