// Correlation of M/M/m waits at a time lag (see wait_correlation.hpp).
#include "solver/open/wait_correlation.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace tpeval::solver::open {

namespace {

constexpr std::size_t kMaxStates = 200000;

/// Stationary distribution of the M/M/m queue length, truncated where the tail is negligible.
std::vector<double> stationary(int m, double a) {
  // pi_n proportional to a^n / n! for n < m, a^m / m! (a / m)^(n - m) above; built in ratios
  // from pi_0 = 1 and normalised (no factorials: stable for large m and a).
  const double rho = a / m;
  std::vector<double> pi{1.0};
  double total = 1.0;
  for (std::size_t n = 1;; ++n) {
    const double ratio = n <= static_cast<std::size_t>(m) ? a / static_cast<double>(n) : rho;
    pi.push_back(pi.back() * ratio);
    total += pi.back();
    // Geometric tail beyond n: pi_n rho / (1 - rho).
    if (n >= static_cast<std::size_t>(m) && pi.back() * rho / (1.0 - rho) < 1e-10 * total) break;
    if (pi.size() > kMaxStates)
      throw std::invalid_argument("mmm_wait_correlation: utilization " + std::to_string(rho) +
                                  " needs more than 200000 queue-length states");
  }
  for (double& p : pi) p /= total;
  return pi;
}

/// The wait of an arrival that finds n: mean f(n) = (n - m + 1) / (m mu) for n >= m, else 0.
struct WaitMoments {
  std::vector<double> f;
  double mean = 0.0, variance = 0.0;
};

WaitMoments wait_moments(int m, double mu, const std::vector<double>& pi) {
  WaitMoments w;
  w.f.assign(pi.size(), 0.0);
  const double theta = m * mu;  // the queue's departure rate while all servers are busy
  double second = 0.0;
  for (std::size_t n = static_cast<std::size_t>(m); n < pi.size(); ++n) {
    const double k = static_cast<double>(n) - m + 1.0;  // services to wait for
    w.f[n] = k / theta;
    w.mean += pi[n] * w.f[n];
    second += pi[n] * k * (k + 1.0) / (theta * theta);
  }
  w.variance = second - w.mean * w.mean;
  return w;
}

void check_arguments(int servers, double offered_load, double mean_service_s) {
  if (servers < 1 || !(offered_load >= 0) || !(offered_load < servers) || !(mean_service_s > 0) ||
      !std::isfinite(mean_service_s))
    throw std::invalid_argument(
        "mmm_wait_correlation: needs servers >= 1, 0 <= offered load < servers, service > 0");
}

}  // namespace

WaitCorrelationFit mmm_wait_correlation_fit(int servers, double offered_load,
                                            double mean_service_s) {
  check_arguments(servers, offered_load, mean_service_s);
  WaitCorrelationFit fit;
  if (offered_load == 0) return fit;
  const double mu = 1.0 / mean_service_s;
  const double lambda = offered_load * mu;
  const std::vector<double> pi = stationary(servers, offered_load);
  const WaitMoments w = wait_moments(servers, mu, pi);
  if (!(w.variance > 0)) return fit;
  // Var(f(N)) and the integral of Cov(f(N_0), f(N_t)) over t >= 0: for a birth-death process
  // sum_n F_n^2 / (lambda pi_n), F_n = sum_{j <= n} pi_j (f(j) - E f) (the solution of the
  // Poisson equation Q g = -(f - E f) by detailed balance; Whitt 1992, "Asymptotic formulas for
  // Markov processes with applications to simulation", Oper. Res. 40(2)).
  double var_f = 0.0, partial = 0.0, integral = 0.0;
  for (std::size_t n = 0; n < pi.size(); ++n) {
    const double centred = w.f[n] - w.mean;
    var_f += pi[n] * centred * centred;
    partial += pi[n] * centred;
    if (n + 1 < pi.size()) integral += partial * partial / (lambda * pi[n]);
  }
  if (!(var_f > 0)) return fit;
  fit.at_zero = std::clamp(var_f / w.variance, 0.0, 1.0);
  fit.time_constant_s = integral / var_f;
  return fit;
}

double WaitCorrelationFit::at(double lag_s) const {
  return time_constant_s > 0 ? at_zero * std::exp(-lag_s / time_constant_s) : 0.0;
}

std::vector<double> mmm_wait_correlation(int servers, double offered_load, double mean_service_s,
                                         const std::vector<double>& lags_s) {
  check_arguments(servers, offered_load, mean_service_s);
  double t_max = 0.0;
  for (double t : lags_s) {
    if (!(t >= 0) || !std::isfinite(t))
      throw std::invalid_argument("mmm_wait_correlation: lags must be finite and >= 0");
    t_max = std::max(t_max, t);
  }
  std::vector<double> out(lags_s.size(), 0.0);
  if (offered_load == 0 || lags_s.empty()) return out;
  const int m = servers;
  const double mu = 1.0 / mean_service_s;
  const double lambda = offered_load * mu;
  const double theta = m * mu;
  const std::vector<double> pi = stationary(m, offered_load);
  const std::size_t states = pi.size();
  const WaitMoments w = wait_moments(m, mu, pi);
  const std::vector<double>& f = w.f;
  const double mean = w.mean, variance = w.variance;
  if (!(variance > 0)) return out;
  // Uniformization: e^{Qt} f = sum_k Poisson(k; L t) P^k f with P = I + Q / L.
  const double rate = lambda + theta;
  const auto up = [&](std::size_t n) { return n + 1 < states ? lambda / rate : 0.0; };
  const auto down = [&](std::size_t n) {
    return static_cast<double>(std::min<std::size_t>(n, static_cast<std::size_t>(m))) * mu / rate;
  };
  const double lt_max = rate * t_max;
  const auto steps = static_cast<std::size_t>(std::ceil(lt_max + 10.0 * std::sqrt(lt_max) + 20.0));
  std::vector<double> v = f, next(states);
  std::vector<double> acc(lags_s.size(), 0.0);  // sum_n pi_n f(n) (e^{Qt} f)(n)
  for (std::size_t k = 0; k <= steps; ++k) {
    double inner = 0.0;  // sum_n pi_n f(n) (P^k f)(n)
    for (std::size_t n = static_cast<std::size_t>(m); n < states; ++n) inner += pi[n] * f[n] * v[n];
    for (std::size_t i = 0; i < lags_s.size(); ++i) {
      const double lt = rate * lags_s[i];
      const double kd = static_cast<double>(k);
      // Poisson weights beyond 10 standard deviations of the mean are below 1e-20: skipped.
      if (std::abs(kd - lt) > 10.0 * std::sqrt(lt) + 20.0) continue;
      const double weight =
          lt > 0 ? std::exp(kd * std::log(lt) - lt - std::lgamma(kd + 1.0)) : (k == 0 ? 1.0 : 0.0);
      acc[i] += weight * inner;
    }
    if (k == steps) break;
    for (std::size_t n = 0; n < states; ++n) {
      const double u = up(n), d = down(n);
      next[n] = (1.0 - u - d) * v[n] + u * (n + 1 < states ? v[n + 1] : 0.0) +
                d * (n > 0 ? v[n - 1] : 0.0);
    }
    v.swap(next);
  }
  for (std::size_t i = 0; i < lags_s.size(); ++i)
    out[i] = std::clamp((acc[i] - mean * mean) / variance, 0.0, 1.0);
  return out;
}

}  // namespace tpeval::solver::open
