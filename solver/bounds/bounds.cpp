#include "solver/bounds/bounds.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace tpeval::solver {

namespace {

/// Largest service-rate multiplier sup_j alpha(j): the station's capacity in units of one server.
double peak_rate(const Station& s) {
  if (!s.load_dependent()) return static_cast<double>(s.servers);
  return *std::max_element(s.rate_multipliers.begin(), s.rate_multipliers.end());
}

/// max_j alpha(j)/j: the fastest a single job is ever served (1 for load-independent stations).
/// Beyond the last listed multiplier alpha(j)/j only decreases, so the list suffices.
double peak_rate_per_job(const Station& s) {
  if (!s.load_dependent()) return 1.0;
  double best = 0.0;
  for (std::size_t j = 0; j < s.rate_multipliers.size(); ++j)
    best = std::max(best, s.rate_multipliers[j] / static_cast<double>(j + 1));
  return best;
}

/// min_j alpha(j): the slowest the station ever works while busy (1 for load-independent ones).
double lowest_rate(const Station& s) {
  if (!s.load_dependent()) return 1.0;
  return *std::min_element(s.rate_multipliers.begin(), s.rate_multipliers.end());
}

}  // namespace

std::vector<ClassBounds> closed_bounds(const Network& network) {
  validate(network);
  std::vector<ClassBounds> out;
  for (int c = 0; c < network.class_count(); ++c) {
    const JobClass& job_class = network.classes[c];
    if (job_class.kind != ClassKind::closed) continue;
    ClassBounds b;
    b.class_index = c;
    b.class_name = job_class.name;
    b.population = job_class.population;

    // Delay demand behaves like think time (QSP ch. 5: only queueing centres can saturate).
    double think_s = job_class.think_time_s;
    double demand_s = 0.0;              // D: no-contention demand at queueing stations
    double pessimistic_demand_s = 0.0;  // sum of D_ck / min alpha: each job waits for all others
    double max_demand_s = 0.0;          // D_max: bottleneck demand D_ck / sup alpha
    int queue_stations_visited = 0;
    bool balanced_applicable = true;
    for (int k = 0; k < network.station_count(); ++k) {
      const Station& s = network.stations[k];
      const double d = network.demand_s(c, k);
      if (d <= 0) continue;
      if (s.kind == StationKind::delay) {
        think_s += d;
        continue;
      }
      ++queue_stations_visited;
      demand_s += d / peak_rate_per_job(s);
      pessimistic_demand_s += d / lowest_rate(s);
      const double bottleneck = d / peak_rate(s);
      if (bottleneck > max_demand_s) {
        max_demand_s = bottleneck;
        b.bottleneck_station = k;
      }
      if (s.load_dependent() || s.servers != 1) balanced_applicable = false;
    }
    const double n = static_cast<double>(job_class.population);
    if (job_class.population > 0 && demand_s <= 0 && think_s <= 0)
      throw std::invalid_argument("invalid network: closed class '" + job_class.name +
                                  "' has zero demand and zero think time");
    if (max_demand_s > 0) b.knee_population = (demand_s + think_s) / max_demand_s;
    if (job_class.population == 0) {
      b.response_time_lower_s = b.response_time_upper_s = demand_s;
      b.balanced_bounds_applied = balanced_applicable;
      out.push_back(b);
      continue;
    }

    // ABA (QSP ch. 5, peers-and-formulas.md §3.2): X <= min(1/D_max, N/(D+Z)); X >= N/(N D + Z).
    double aba_upper = n / (demand_s + think_s);
    if (max_demand_s > 0) aba_upper = std::min(aba_upper, 1.0 / max_demand_s);
    const double aba_lower = n / (n * pessimistic_demand_s + think_s);
    b.aba_throughput_lower_per_s = aba_lower;
    b.aba_throughput_upper_per_s = aba_upper;
    b.bjb_throughput_lower_per_s = aba_lower;
    b.bjb_throughput_upper_per_s = aba_upper;

    // BJB with think time (Zahorjan et al. 1982; QSP ch. 5, Table 5.3), valid for single-server
    // load-independent centres: with D_avg = D / K,
    //   N / (D + Z + (N-1) D_max / (1 + Z/(N D))) <= X(N) <= N / (D + Z + (N-1) D_avg / (1 + Z/D)).
    // (With Z = 0 both reduce to the batch form of §3.2.)
    b.balanced_bounds_applied = balanced_applicable && queue_stations_visited > 0;
    if (b.balanced_bounds_applied) {
      const double d_avg = demand_s / queue_stations_visited;
      const double bjb_lower =
          n / (demand_s + think_s + (n - 1) * max_demand_s / (1 + think_s / (n * demand_s)));
      const double bjb_upper =
          n / (demand_s + think_s + (n - 1) * d_avg / (1 + think_s / demand_s));
      // min(): with N = 1 or a single station the bounds meet at the exact X, up to rounding.
      b.bjb_throughput_upper_per_s = std::min(aba_upper, bjb_upper);
      b.bjb_throughput_lower_per_s =
          std::min(std::max(aba_lower, bjb_lower), b.bjb_throughput_upper_per_s);
    }
    b.throughput_lower_per_s = b.bjb_throughput_lower_per_s;
    b.throughput_upper_per_s = b.bjb_throughput_upper_per_s;
    // Interactive response-time law R = N/X - Z, with Z including delay-station demand; the
    // delay demand is part of the response time, so add it back.
    const double delay_s = think_s - job_class.think_time_s;
    b.response_time_lower_s = std::max(demand_s, n / b.throughput_upper_per_s - think_s) + delay_s;
    b.response_time_upper_s = n / b.throughput_lower_per_s - think_s + delay_s;
    out.push_back(b);
  }
  return out;
}

}  // namespace tpeval::solver
