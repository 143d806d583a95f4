#include "solver/mva/exact_single.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "solver/mva/rate_profile.hpp"
#include "solver/mva/solution_fill.hpp"

namespace tpeval::solver {

namespace {

constexpr double minus_infinity = -std::numeric_limits<double>::infinity();

/// log(exp(a) + exp(b)) without overflow; -inf stands for zero.
double log_add(double a, double b) {
  if (a < b) std::swap(a, b);
  if (b == minus_infinity) return a;
  return a + std::log1p(std::exp(b - a));
}

struct QueueStation {
  int index;  ///< station index in the network
  double demand_s;
  RateProfile profile;
};

/// The class's view of the network: think time plus delay demand, and the visited queues.
struct SingleClassModel {
  double think_s = 0.0;  ///< Z + sum of delay-station demands
  std::vector<QueueStation> queues;
  bool all_simple = true;  ///< only single-server load-independent queues
};

SingleClassModel single_class_model(const Network& network, int c) {
  SingleClassModel m;
  m.think_s = network.classes[c].think_time_s;
  for (int k = 0; k < network.station_count(); ++k) {
    const double d = network.demand_s(c, k);
    if (d <= 0) continue;
    if (network.stations[k].kind == StationKind::delay) {
      m.think_s += d;
      continue;
    }
    QueueStation q{k, d, rate_profile(network.stations[k])};
    if (!q.profile.simple()) m.all_simple = false;
    m.queues.push_back(std::move(q));
  }
  return m;
}

/// log F(j) = sum_{i<=j} log(D / alpha(i)) for j = 0..n (geometric beyond the profile limit).
std::vector<double> log_station_factors(const QueueStation& q, long n) {
  std::vector<double> lf(static_cast<std::size_t>(n + 1));
  lf[0] = 0.0;
  const double log_d = std::log(q.demand_s);
  for (long j = 1; j <= n; ++j) lf[j] = lf[j - 1] + log_d - std::log(q.profile.at(j));
  return lf;
}

/// log G of the delay/think term alone: Z^n / n!.
std::vector<double> log_think_constant(double think_s, long n) {
  std::vector<double> lg(static_cast<std::size_t>(n + 1), minus_infinity);
  lg[0] = 0.0;
  if (think_s > 0)
    for (long j = 1; j <= n; ++j) lg[j] = j * std::log(think_s) - std::lgamma(j + 1.0);
  return lg;
}

/// Convolves log G with one queueing station: G'(n) = sum_j F(j) G(n-j). Terms j < L are summed
/// explicitly; the tail T(n) = sum_{j>=L} F(j) G(n-j) obeys T(n) = r T(n-1) + F(L) G(n-L) with
/// r = D / alpha(L), so the pass costs O(N L).
std::vector<double> convolve(const std::vector<double>& lg, const QueueStation& q) {
  const long n_max = static_cast<long>(lg.size()) - 1;
  const long limit = q.profile.limit();
  const std::vector<double> lf = log_station_factors(q, std::min(n_max, limit));
  const double log_r = std::log(q.demand_s / q.profile.tail_rate());
  std::vector<double> out(lg.size(), minus_infinity);
  double log_tail = minus_infinity;
  for (long n = 0; n <= n_max; ++n) {
    if (n >= limit) log_tail = log_add(log_tail + log_r, lf[limit] + lg[n - limit]);
    double peak = log_tail;
    const long explicit_terms = std::min(n, limit - 1);
    for (long j = 0; j <= explicit_terms; ++j) peak = std::max(peak, lf[j] + lg[n - j]);
    if (peak == minus_infinity) continue;
    double sum = std::exp(log_tail - peak);
    for (long j = 0; j <= explicit_terms; ++j) sum += std::exp(lf[j] + lg[n - j] - peak);
    out[n] = peak + std::log(sum);
  }
  return out;
}

/// X(1..n) and Q at population n for the simple (single-server/delay) case. With `keep_curve`
/// false only X(n) is returned (one element): O(M) memory for any n.
std::vector<double> simple_mva(const SingleClassModel& m, long n, std::vector<double>& queue_jobs,
                               bool keep_curve = true) {
  const std::size_t count = m.queues.size();
  std::vector<double> demand(count);
  for (std::size_t i = 0; i < count; ++i) demand[i] = m.queues[i].demand_s;
  queue_jobs.assign(count, 0.0);
  std::vector<double> residence(count);
  std::vector<double> throughput(keep_curve ? static_cast<std::size_t>(n) : 1);
  for (long pop = 1; pop <= n; ++pop) {
    double total = m.think_s;
    for (std::size_t i = 0; i < count; ++i) {
      residence[i] = demand[i] * (1.0 + queue_jobs[i]);
      total += residence[i];
    }
    const double x = static_cast<double>(pop) / total;
    for (std::size_t i = 0; i < count; ++i) queue_jobs[i] = x * residence[i];
    throughput[keep_curve ? static_cast<std::size_t>(pop - 1) : 0] = x;
  }
  return throughput;
}

/// log G of the think term and all single-server stations together. The simple recursion gives
/// their throughputs X_s(n) = G_s(n-1)/G_s(n) without any exp/log per station, so
/// log G_s(n) = log G_s(n-1) - log X_s(n): O(N M) multiplications plus one log per population.
std::vector<double> log_simple_constant(const SingleClassModel& m, long n) {
  SingleClassModel simple;
  simple.think_s = m.think_s;
  for (const QueueStation& q : m.queues)
    if (q.profile.simple()) simple.queues.push_back(q);
  if (simple.queues.empty()) return log_think_constant(m.think_s, n);
  std::vector<double> unused;
  const std::vector<double> x = simple_mva(simple, n, unused);
  std::vector<double> lg(static_cast<std::size_t>(n + 1), 0.0);
  for (long pop = 1; pop <= n; ++pop) lg[pop] = lg[pop - 1] - std::log(x[pop - 1]);
  return lg;
}

/// log G of the whole network (or without non-simple queue `skip`): the simple part, convolved
/// with each multi-server/load-dependent station.
std::vector<double> log_normalising_constant(const SingleClassModel& m,
                                             const std::vector<double>& simple_part,
                                             int skip = -1) {
  std::vector<double> lg = simple_part;
  for (int i = 0; i < static_cast<int>(m.queues.size()); ++i)
    if (i != skip && !m.queues[i].profile.simple()) lg = convolve(lg, m.queues[i]);
  return lg;
}

void enforce_limits(const Network& network, int c, long population) {
  const std::string reason = exact_single_over_limit(network, c, population);
  if (!reason.empty()) throw std::invalid_argument(reason);
}

}  // namespace

std::string exact_single_over_limit(const Network& network, int c, long population) {
  const SingleClassModel m = single_class_model(network, c);
  const auto queues = static_cast<std::int64_t>(std::max<std::size_t>(1, m.queues.size()));
  const std::string hint = "; use --method linearizer or schweitzer (approximate MVA)";
  if (population > 0 && population > kMaxExactSingleSteps / queues)
    return "exact MVA for class '" + network.classes[c].name +
           "' needs population x stations = " + std::to_string(population) + " x " +
           std::to_string(queues) + " steps, beyond the limit of " +
           std::to_string(kMaxExactSingleSteps) + hint;
  if (!m.all_simple && population > kMaxExactSingleLogSpacePopulation)
    return "exact MVA with multi-server or load-dependent stations holds population " +
           std::to_string(population) + " + 1 values per station, beyond the limit of " +
           std::to_string(kMaxExactSingleLogSpacePopulation) + hint;
  return {};
}

std::vector<double> exact_single_throughputs(const Network& network, int c, long max_population) {
  check_closed_network(network);
  if (c < 0 || c >= network.class_count()) throw std::invalid_argument("class index out of range");
  if (max_population < 0) throw std::invalid_argument("max_population must be >= 0");
  enforce_limits(network, c, max_population);
  const SingleClassModel m = single_class_model(network, c);
  if (max_population > 0 && m.think_s <= 0 && m.queues.empty())
    throw std::invalid_argument("invalid network: closed class '" + network.classes[c].name +
                                "' has zero demand and zero think time");
  if (m.all_simple) {
    std::vector<double> unused;
    return simple_mva(m, max_population, unused);
  }
  const std::vector<double> lg =
      log_normalising_constant(m, log_simple_constant(m, max_population));
  std::vector<double> x(static_cast<std::size_t>(max_population));
  for (long n = 1; n <= max_population; ++n) x[n - 1] = std::exp(lg[n - 1] - lg[n]);
  return x;
}

std::vector<double> mean_jobs_over_population(const Network& network, int c,
                                              const std::vector<double>& probability) {
  if (probability.empty()) throw std::invalid_argument("population distribution is empty");
  const long n_max = static_cast<long>(probability.size()) - 1;
  const std::vector<double> x = exact_single_throughputs(network, c, n_max);
  const SingleClassModel m = single_class_model(network, c);
  // The remainder station: the multi-server/load-dependent queue of the largest demand.
  int rest = -1;
  for (int i = 0; i < static_cast<int>(m.queues.size()); ++i)
    if (!m.queues[i].profile.simple() &&
        (rest < 0 || m.queues[i].demand_s > m.queues[rest].demand_s))
      rest = i;
  std::vector<double> jobs(m.queues.size(), 0.0);
  std::vector<double> out(static_cast<std::size_t>(network.station_count()), 0.0);
  double mean_throughput = 0.0;
  for (long n = 1; n <= n_max; ++n) {
    const double xn = x[static_cast<std::size_t>(n - 1)];
    double others = xn * m.think_s;
    for (int i = 0; i < static_cast<int>(m.queues.size()); ++i) {
      if (i == rest) continue;
      const QueueStation& q = m.queues[i];
      if (q.profile.simple()) {
        jobs[i] = xn * q.demand_s * (1.0 + jobs[i]);
      } else {
        const double servers = q.profile.tail_rate();  // Seidmann et al. 1987
        jobs[i] = xn * (q.demand_s / servers * (1.0 + jobs[i]) +
                        q.demand_s * std::max(0.0, servers - 1.0) / servers);
      }
      others += jobs[i];
    }
    if (rest >= 0) jobs[rest] = std::max(0.0, static_cast<double>(n) - others);
    const double pn = probability[static_cast<std::size_t>(n)];
    mean_throughput += pn * xn;
    for (std::size_t i = 0; i < m.queues.size(); ++i)
      out[static_cast<std::size_t>(m.queues[i].index)] += pn * jobs[i];
  }
  for (int k = 0; k < network.station_count(); ++k)
    if (network.stations[k].kind == StationKind::delay)
      out[static_cast<std::size_t>(k)] = mean_throughput * network.demand_s(c, k);
  return out;
}

Solution solve_exact_single(const Network& network, int c) {
  check_closed_network(network);
  if (c < 0 || c >= network.class_count()) throw std::invalid_argument("class index out of range");
  const long n = network.classes[c].population;
  enforce_limits(network, c, n);
  Solution s;
  s.method = "exact-mva";
  s.class_throughput_per_s = Eigen::VectorXd::Zero(network.class_count());
  s.mean_jobs = Eigen::MatrixXd::Zero(network.class_count(), network.station_count());
  const SingleClassModel m = single_class_model(network, c);
  if (n > 0) {
    double x = 0.0;
    if (m.all_simple) {
      std::vector<double> queue_jobs;
      x = simple_mva(m, n, queue_jobs, /*keep_curve=*/false).back();
      for (std::size_t i = 0; i < m.queues.size(); ++i)
        s.mean_jobs(c, m.queues[i].index) = queue_jobs[i];
    } else {
      const std::vector<double> simple_part = log_simple_constant(m, n);
      const std::vector<double> lg = log_normalising_constant(m, simple_part);
      std::vector<double> throughput(static_cast<std::size_t>(n + 1), 0.0);
      for (long pop = 1; pop <= n; ++pop) throughput[pop] = std::exp(lg[pop - 1] - lg[pop]);
      x = throughput[n];
      for (int i = 0; i < static_cast<int>(m.queues.size()); ++i) {
        const QueueStation& q = m.queues[i];
        double jobs = 0.0;
        if (q.profile.simple()) {
          // Q_k(n) = X(n) D_k (1 + Q_k(n-1)): products of positive numbers only.
          for (long pop = 1; pop <= n; ++pop) jobs = throughput[pop] * q.demand_s * (1.0 + jobs);
        } else {
          // Marginals p_k(j|N) = F_k(j) G_{-k}(N-j) / G(N); normalised by their computed sum so
          // that rounding cannot push the distribution off 1.
          const std::vector<double> lg_rest = log_normalising_constant(m, simple_part, i);
          const std::vector<double> lf = log_station_factors(q, n);
          double mass = 0.0;
          for (long j = 0; j <= n; ++j) {
            const double p = std::exp(lf[j] + lg_rest[n - j] - lg[n]);
            mass += p;
            jobs += j * p;
          }
          jobs /= mass;
        }
        s.mean_jobs(c, q.index) = jobs;
      }
    }
    s.class_throughput_per_s(c) = x;
    for (int k = 0; k < network.station_count(); ++k)
      if (network.stations[k].kind == StationKind::delay)
        s.mean_jobs(c, k) = x * network.demand_s(c, k);
  }
  complete_solution(network, s);
  return s;
}

}  // namespace tpeval::solver
