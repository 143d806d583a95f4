#include "solver/mva/amva_core.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "solver/mva/rate_profile.hpp"
#include "solver/mva/solution_fill.hpp"

namespace tpeval::solver {

namespace {

/// Newton's method for the core's throughputs. For fixed X the core equations are linear in Q:
/// with a_kc = X_c q_kc / (1 + X_c q_kc / n_c) and b_kc = 1 + S_kc,
///   Q_k = sum_c a_kc b_kc / (1 - sum_c a_kc),  Q_kc = a_kc (b_kc + Q_k),
///   R_ck = q_kc (b_kc + Q_k) / (1 + X_c q_kc / n_c),
/// so the fixed point is the root of h_c(X) = X_c (Z_c + sum_k R_ck + d_kc) - n_c, a C-dimensional
/// system whose Jacobian costs O(M C^2). Quadratic convergence replaces the hundreds of linear
/// Gauss-Seidel sweeps a core needs near saturation; the sweeps that follow confirm the
/// tolerance (and own the result if Newton fails, in which case `queue_jobs` is left untouched).
/// Returns the Newton steps taken (0 when it failed or was not allowed to run).
class NewtonCore {
 public:
  NewtonCore(const AmvaModel& model, const std::vector<int>& population,
             const std::vector<double>& shift)
      : model_(model),
        population_(population),
        shift_(shift),
        classes_(model.class_count()),
        stations_(model.station_count()) {
    for (int c = 0; c < classes_; ++c)
      if (population[c] > 0) active_.push_back(c);
    n_ = static_cast<int>(active_.size());
    queue_total_.resize(stations_);
    rate_sum_.resize(stations_);
  }

  /// The dense C x C Jacobian costs O(C^2) memory and O(C^3) per LU: beyond a few hundred
  /// classes the sweeps alone are cheaper (they own the result when Newton does not run).
  bool applicable(int max_steps) const {
    constexpr int max_newton_classes = 400;
    return n_ > 0 && max_steps >= 1 && n_ <= max_newton_classes;
  }

  int solve(int max_steps, std::vector<double>& throughput, std::vector<double>& queue_jobs) {
    Eigen::VectorXd x(n_), h(n_), trial(n_), h_trial(n_);
    for (int i = 0; i < n_; ++i) x(i) = throughput[active_[i]];
    if (!evaluate(x, h)) return 0;
    int steps = 0;
    for (; steps < max_steps && size(h) > 1e-13; ++steps) {
      const Eigen::VectorXd delta = jacobian(x, h).partialPivLu().solve(-h);
      if (!delta.allFinite()) return 0;
      double t = 1.0;
      bool accepted = false;
      for (int halving = 0; halving < 40; ++halving, t *= 0.5) {
        trial = x + t * delta;
        if (evaluate(trial, h_trial) && size(h_trial) < size(h)) {
          accepted = true;
          break;
        }
      }
      if (!accepted) return 0;
      x = trial;
      h = h_trial;
    }
    if (size(h) > 1e-10) return 0;
    evaluate(x, h);  // refresh queue_total for x
    write_back(x, throughput, queue_jobs);
    return steps;
  }

 private:
  std::size_t cell(int k, int c) const { return static_cast<std::size_t>(k * classes_ + c); }

  /// Evaluates h at `at`; false if X leaves the domain (X > 0, sum_c a_kc < 1).
  bool evaluate(const Eigen::VectorXd& at, Eigen::VectorXd& out) {
    for (int i = 0; i < n_; ++i)
      if (!(at(i) > 0)) return false;
    for (int k = 0; k < stations_; ++k) {
      double a_sum = 0, ab_sum = 0;
      for (int i = 0; i < n_; ++i) {
        const int c = active_[i];
        const double q = model_.queue_demand[cell(k, c)];
        const double a = at(i) * q / (1 + at(i) * q / population_[c]);
        a_sum += a;
        ab_sum += a * (1 + shift_[cell(k, c)]);
      }
      if (!(a_sum < 1)) return false;
      rate_sum_(k) = a_sum;
      queue_total_(k) = ab_sum / (1 - a_sum);
    }
    for (int i = 0; i < n_; ++i) {
      const int c = active_[i];
      double cycle = model_.think_s[c];
      for (int k = 0; k < stations_; ++k) {
        const double q = model_.queue_demand[cell(k, c)];
        cycle += q * (1 + shift_[cell(k, c)] + queue_total_(k)) / (1 + at(i) * q / population_[c]) +
                 model_.delay_demand[cell(k, c)];
      }
      out(i) = at(i) * cycle - population_[c];
    }
    return true;
  }

  double size(const Eigen::VectorXd& v) const {
    double worst = 0;
    for (int i = 0; i < n_; ++i) worst = std::max(worst, std::abs(v(i)) / population_[active_[i]]);
    return worst;
  }

  /// dh_c/dX_c' = delta_cc' (T_c - X_c sum_k q^2 (b + Q_k) / (n_c e^2))
  ///              + X_c sum_k (q_kc / e_kc) dQ_k/dX_c',
  /// dQ_k/dX_c' = q_kc' / e_kc'^2 (b_kc' + Q_k) / (1 - sum_c a_kc), e_kc = 1 + X_c q_kc / n_c,
  /// at x with residual h (queue_total_ and rate_sum_ of the last evaluate(x)).
  Eigen::MatrixXd jacobian(const Eigen::VectorXd& x, const Eigen::VectorXd& h) const {
    Eigen::MatrixXd w(n_, stations_), g(stations_, n_);
    Eigen::VectorXd diagonal(n_);
    for (int i = 0; i < n_; ++i) {
      const int c = active_[i];
      double own = 0;
      for (int k = 0; k < stations_; ++k) {
        const double q = model_.queue_demand[cell(k, c)];
        const double e = 1 + x(i) * q / population_[c];
        const double level = 1 + shift_[cell(k, c)] + queue_total_(k);
        w(i, k) = q / e;
        g(k, i) = q / (e * e) * level / (1 - rate_sum_(k));
        own += q * q * level / (population_[c] * e * e);
      }
      diagonal(i) = (h(i) + population_[c]) / x(i) - x(i) * own;  // T_c - X_c sum ...
    }
    Eigen::MatrixXd j = x.asDiagonal() * (w * g);
    j.diagonal() += diagonal;
    return j;
  }

  void write_back(const Eigen::VectorXd& x, std::vector<double>& throughput,
                  std::vector<double>& queue_jobs) const {
    for (int i = 0; i < n_; ++i) {
      const int c = active_[i];
      throughput[c] = x(i);
      for (int k = 0; k < stations_; ++k) {
        const double q = model_.queue_demand[cell(k, c)];
        const double a = x(i) * q / (1 + x(i) * q / population_[c]);
        queue_jobs[cell(k, c)] = a * (1 + shift_[cell(k, c)] + queue_total_(k));
      }
    }
  }

  const AmvaModel& model_;
  const std::vector<int>& population_;
  const std::vector<double>& shift_;
  const int classes_, stations_;
  std::vector<int> active_;
  int n_ = 0;
  Eigen::VectorXd queue_total_, rate_sum_;
};

int newton_core(const AmvaModel& model, const std::vector<int>& population,
                const std::vector<double>& shift, int max_steps, std::vector<double>& throughput,
                std::vector<double>& queue_jobs) {
  NewtonCore core(model, population, shift);
  if (!core.applicable(max_steps)) return 0;
  return core.solve(max_steps, throughput, queue_jobs);
}

}  // namespace

std::vector<int> amva_populations(const Network& network, const AmvaModel& model) {
  std::vector<int> population;
  for (int c : model.classes) {
    const long n = network.classes[c].population;
    if (n > kMaxApproximatePopulation)
      throw std::invalid_argument("class '" + network.classes[c].name + "': population " +
                                  std::to_string(n) + " beyond the limit of " +
                                  std::to_string(kMaxApproximatePopulation));
    population.push_back(static_cast<int>(n));
  }
  return population;
}

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
  // Loop order keeps the inner loop contiguous in F; the -1_c term is subtracted afterwards.
  if (!correction.empty())
    for (int k = 0; k < stations; ++k) {
      double* row = shift.data() + static_cast<std::size_t>(k) * classes;
      for (int other = 0; other < classes; ++other) {
        if (population[other] == 0) continue;
        const double* f =
            correction.data() + (static_cast<std::size_t>(k) * classes + other) * classes;
        const double weight = population[other];
        for (int c = 0; c < classes; ++c) row[c] += weight * f[c];
      }
      for (int c = 0; c < classes; ++c)
        if (population[c] > 0)
          row[c] -= correction[(static_cast<std::size_t>(k) * classes + c) * classes + c];
    }
  std::vector<double> total_jobs(static_cast<std::size_t>(stations));
  std::vector<double> residence(cells);
  state.iterations = 0;
  // Start values for Newton: the throughputs the current queue lengths imply.
  for (int k = 0; k < stations; ++k) {
    double sum = 0;
    for (int c = 0; c < classes; ++c) sum += state.queue_jobs[k * classes + c];
    total_jobs[k] = sum;
  }
  for (int c = 0; c < classes; ++c) {
    if (population[c] == 0) continue;
    double cycle = model.think_s[c];
    for (int k = 0; k < stations; ++k) {
      const std::size_t i = static_cast<std::size_t>(k * classes + c);
      const double seen =
          std::max(0.0, total_jobs[k] - state.queue_jobs[i] / population[c] + shift[i]);
      cycle += model.queue_demand[i] * (1.0 + seen) + model.delay_demand[i];
    }
    state.throughput[c] = population[c] / cycle;
  }
  // Newton steps count as iterations; one sweep is always left to measure the residual.
  state.iterations = newton_core(model, population, shift, std::min(50, max_iterations - 1),
                                 state.throughput, state.queue_jobs);
  state.converged = false;
  state.residual = 0.0;
  while (state.iterations < max_iterations) {
    ++state.iterations;
    for (int k = 0; k < stations; ++k) {
      double sum = 0;
      for (int c = 0; c < classes; ++c) sum += state.queue_jobs[k * classes + c];
      total_jobs[k] = sum;
    }
    // Gauss-Seidel sweep: each class sees the queue lengths the classes before it just updated,
    // which roughly halves the sweeps of the Jacobi form on the benchmark models.
    double change = 0;
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
      const double x = n / total;
      state.throughput[c] = x;
      for (int k = 0; k < stations; ++k) {
        const std::size_t i = static_cast<std::size_t>(k * classes + c);
        const double updated = x * residence[i];
        change =
            std::max(change, std::abs(updated - state.queue_jobs[i]) / std::max(updated, 1e-12));
        total_jobs[k] += updated - state.queue_jobs[i];
        state.queue_jobs[i] = updated;
      }
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
