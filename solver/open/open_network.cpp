#include "solver/open/open_network.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "solver/open/single_queue.hpp"

namespace tpeval::solver {

namespace {

std::string format_number(double value) {
  return fmt::format("{:.4g}", value);
}

std::string unstable_message(const OpenStability& s) {
  return "unstable network: station '" + s.bottleneck_name + "' would be saturated (utilization " +
         format_number(s.bottleneck_utilization) + "); arrival rates can be at most " +
         format_number(s.max_arrival_factor) + " times the given ones";
}

double visits_of(const Network& network, int c, int k) {
  if (network.visits.size() != 0) return network.visits(c, k);
  return network.demand_s(c, k) > 0 ? 1.0 : 0.0;
}

/// Service capacity of a queueing station in single-server units: m, or the asymptotic rate
/// multiplier of a load-dependent station (the last entry holds for all larger populations).
double capacity_of(const Station& station) {
  if (station.load_dependent()) return station.rate_multipliers.back();
  return static_cast<double>(station.servers);
}

double open_load(const Network& network, int k) {
  double load = 0.0;
  for (int c = 0; c < network.class_count(); ++c)
    if (network.classes[c].kind == ClassKind::open)
      load += network.classes[c].arrival_rate_per_s * network.demand_s(c, k);
  return load;
}

bool closed_class_visits(const Network& network, int k) {
  for (int c = 0; c < network.class_count(); ++c)
    if (network.classes[c].kind == ClassKind::closed && network.classes[c].population > 0 &&
        network.demand_s(c, k) > 0)
      return true;
  return false;
}

/// True when the classes visiting station k (open ones with load, closed ones with jobs) have
/// different per-visit service times: FCFS is then outside the BCMP product-form conditions.
bool class_dependent_service(const Network& network, int k) {
  double first = -1.0;
  for (int c = 0; c < network.class_count(); ++c) {
    const auto& cls = network.classes[c];
    const bool active =
        cls.kind == ClassKind::open ? cls.arrival_rate_per_s > 0 : cls.population > 0;
    const double v = visits_of(network, c, k);
    if (!active || network.demand_s(c, k) <= 0 || v <= 0) continue;
    const double s = network.demand_s(c, k) / v;
    if (first < 0)
      first = s;
    else if (std::fabs(s - first) > 1e-12 * std::max(s, first))
      return true;
  }
  return false;
}

}  // namespace

UnstableNetwork::UnstableNetwork(OpenStability stability)
    : std::runtime_error(unstable_message(stability)), stability_(std::move(stability)) {}

OpenStability open_stability(const Network& network) {
  OpenStability result;
  result.open_utilization = Eigen::VectorXd::Zero(network.station_count());
  for (int k = 0; k < network.station_count(); ++k) {
    const Station& station = network.stations[k];
    if (station.kind == StationKind::delay) continue;  // infinite capacity
    const double u = open_load(network, k) / capacity_of(station);
    result.open_utilization(k) = u;
    if (u > 0 && u > result.bottleneck_utilization) {
      result.bottleneck_utilization = u;
      result.bottleneck_station = k;
      result.bottleneck_name = station.name;
    }
  }
  if (result.bottleneck_station >= 0)
    result.max_arrival_factor = 1.0 / result.bottleneck_utilization;
  result.stable = result.bottleneck_utilization < 1.0;
  return result;
}

namespace open {

LoadDependentQueue load_dependent_queue(const std::vector<double>& rate_multipliers,
                                        double offered_load) {
  if (rate_multipliers.empty()) throw std::invalid_argument("no rate multipliers");
  const std::size_t last = rate_multipliers.size();
  const double tail_ratio = offered_load / rate_multipliers.back();
  if (!(tail_ratio < 1.0) || offered_load < 0)
    throw std::domain_error("load-dependent queue is unstable");
  // Birth-death chain: p(n) = p(0) a^n / prod_{j<=n} alpha(j) (Lazowska et al. QSP ch. 8). The
  // terms t_n are rescaled whenever they grow large, so neither sum overflows; beyond the last
  // multiplier the terms are geometric with ratio r and summed in closed form:
  // sum_{i>=1} r^i = r/(1-r), sum_{i>=1} (J+i) r^i = J r/(1-r) + r/(1-r)^2.
  double term = 1.0, total = 1.0, weighted = 0.0, empty_term = 1.0;
  for (std::size_t n = 1; n <= last; ++n) {
    term *= offered_load / rate_multipliers[n - 1];
    total += term;
    weighted += static_cast<double>(n) * term;
    if (term > 1e200) {
      total /= term;
      weighted /= term;
      empty_term /= term;
      term = 1.0;
    }
  }
  const double r = tail_ratio, j = static_cast<double>(last);
  total += term * r / (1.0 - r);
  weighted += term * (j * r / (1.0 - r) + r / ((1.0 - r) * (1.0 - r)));
  LoadDependentQueue q;
  q.mean_jobs = weighted / total;
  q.probability_empty = empty_term / total;
  return q;
}

double peak_capacity(const Station& station) {
  if (station.load_dependent())
    return *std::max_element(station.rate_multipliers.begin(), station.rate_multipliers.end());
  return static_cast<double>(station.servers);
}

void fill_open_classes(const Network& network, const Eigen::VectorXd& closed_mean_jobs,
                       Solution& solution) {
  const int classes = network.class_count();
  for (int k = 0; k < network.station_count(); ++k) {
    const Station& station = network.stations[k];
    const double load = open_load(network, k);
    const bool shared = closed_class_visits(network, k);
    const double closed_jobs = shared ? closed_mean_jobs(k) : 0.0;

    // R_ck = D_ck * demand_factor + V_ck * wait_per_visit_s for every open class c.
    double demand_factor = 1.0;
    double wait_per_visit_s = 0.0;
    bool open_visits = false;
    for (int c = 0; c < classes; ++c)
      open_visits =
          open_visits || (network.classes[c].kind == ClassKind::open && network.demand_s(c, k) > 0);
    if (station.kind == StationKind::delay || !open_visits) {
      // A delay has no queueing; without open visits the factor is never used (R_ck = D_ck = 0).
    } else if (station.load_dependent()) {
      if (shared)
        throw std::invalid_argument("station '" + station.name +
                                    "': a load-dependent station visited by both open and closed "
                                    "classes is not supported");
      // Per-class split of the birth-death queue length in proportion to lambda_c D_ck, so
      // R_ck = Q_ck / lambda_c = D_ck Q_k / a_k; a zero open load leaves a lone job served at
      // rate alpha(1).
      demand_factor = load > 0
                          ? load_dependent_queue(station.rate_multipliers, load).mean_jobs / load
                          : 1.0 / station.rate_multipliers.front();
    } else {
      const int m = station.servers;
      const double rho = load / m;
      const bool exponential = station.service_scv == 1.0;
      if (station.discipline == Discipline::fcfs && class_dependent_service(network, k))
        solution.warnings.push_back(
            "station '" + station.name +
            "': FCFS with class-dependent service times is not product form; open classes get "
            "the total-load M/M/m residence time scaled by their demand (exact for PS)");
      if (m == 1 && station.discipline == Discipline::fcfs && !exponential && !shared) {
        // Multi-class M/G/1 FCFS (Pollaczek-Khinchine): W_q = sum_c lambda_c E[S_c^2] / (2 (1 -
        // rho)) with E[S^2] = (1 + C_s^2) S^2 (peers-and-formulas.md §3.3); same wait for all.
        double second_moment_rate = 0.0;
        for (int c = 0; c < classes; ++c) {
          const double v = visits_of(network, c, k);
          if (network.classes[c].kind != ClassKind::open || v <= 0) continue;
          const double s = network.demand_s(c, k) / v;
          second_moment_rate +=
              network.classes[c].arrival_rate_per_s * v * (1.0 + station.service_scv) * s * s;
        }
        wait_per_visit_s = second_moment_rate / (2.0 * (1.0 - rho));
        solution.warnings.push_back(
            "station '" + station.name + "': service_scv " + format_number(station.service_scv) +
            " uses the M/G/1 (Pollaczek-Khinchine) waiting time, which "
            "assumes Poisson arrivals at the station (approximate in a network)");
      } else {
        if (!exponential && station.discipline == Discipline::fcfs)
          solution.warnings.push_back("station '" + station.name + "': service_scv " +
                                      format_number(station.service_scv) +
                                      " ignored; exponential service assumed (product form)");
        // M/M/m: R = S (1 + C(m,a) / (m (1 - rho))) (peers-and-formulas.md §3.3). In a mixed
        // network the closed jobs found on arrival add Q_closed D / (1 - rho) (Lazowska et al.
        // QSP ch. 7: R = D (1 + Q_closed) / (1 - U_open) for m = 1, where C(1, a) = rho).
        const double waiting = m == 1 ? rho : erlang_c(m, load);
        demand_factor = 1.0 + (waiting + closed_jobs) / (m * (1.0 - rho));
        if (shared && m > 1)
          solution.warnings.push_back(
              "station '" + station.name +
              "': open classes at an m-server station shared with closed classes: R = D (1 + "
              "(C(m,a) + Q_closed) / (m (1 - rho_open))) and closed demands inflated by 1 / (1 - "
              "rho_open) (approximation; exact for m = 1)");
      }
    }

    for (int c = 0; c < classes; ++c) {
      const auto& cls = network.classes[c];
      if (cls.kind != ClassKind::open) continue;
      const double d = network.demand_s(c, k);
      const double lambda = cls.arrival_rate_per_s;
      const double r =
          d > 0 ? d * demand_factor + visits_of(network, c, k) * wait_per_visit_s : 0.0;
      solution.throughput_per_s(c, k) = lambda * visits_of(network, c, k);
      solution.utilization(c, k) =
          station.kind == StationKind::delay ? 0.0 : lambda * d / peak_capacity(station);
      solution.residence_time_s(c, k) = r;
      solution.mean_jobs(c, k) = lambda * r;  // Little's law
    }
  }
  for (int c = 0; c < classes; ++c) {
    if (network.classes[c].kind != ClassKind::open) continue;
    solution.class_throughput_per_s(c) = network.classes[c].arrival_rate_per_s;
    solution.class_response_time_s(c) = solution.residence_time_s.row(c).sum();
  }
}

void fill_station_totals(const Network& network, Solution& solution) {
  const int stations = network.station_count();
  solution.busy_servers = Eigen::VectorXd::Zero(stations);
  solution.station_utilization = Eigen::VectorXd::Zero(stations);
  for (int k = 0; k < stations; ++k) {
    const Station& station = network.stations[k];
    double busy = 0.0;
    for (int c = 0; c < network.class_count(); ++c)
      busy += solution.class_throughput_per_s(c) * network.demand_s(c, k);
    solution.busy_servers(k) = busy;
    if (station.kind == StationKind::queue)
      solution.station_utilization(k) = busy / peak_capacity(station);
  }
}

}  // namespace open

Solution solve_open(const Network& network) {
  validate(network);
  if (network.has_closed_classes())
    throw std::invalid_argument("solve_open: the network has closed classes (use solve())");
  const OpenStability stability = open_stability(network);
  if (!stability.stable) throw UnstableNetwork(stability);

  const int classes = network.class_count(), stations = network.station_count();
  Solution solution;
  solution.method = "open-product-form";
  solution.throughput_per_s = Eigen::MatrixXd::Zero(classes, stations);
  solution.utilization = Eigen::MatrixXd::Zero(classes, stations);
  solution.mean_jobs = Eigen::MatrixXd::Zero(classes, stations);
  solution.residence_time_s = Eigen::MatrixXd::Zero(classes, stations);
  solution.class_throughput_per_s = Eigen::VectorXd::Zero(classes);
  solution.class_response_time_s = Eigen::VectorXd::Zero(classes);
  open::fill_open_classes(network, Eigen::VectorXd::Zero(stations), solution);
  open::fill_station_totals(network, solution);
  return solution;
}

}  // namespace tpeval::solver
