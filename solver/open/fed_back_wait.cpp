#include "solver/open/fed_back_wait.hpp"

#include "solver/fixed_point/anderson_acceleration.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>
#include <stdexcept>

namespace tpeval::solver::open {
namespace {

/// Below this the standard normal upper tail is taken from erfc directly; beyond it (where it is
/// below 3e-89 and its product with e^{2x} needs logarithms) from the asymptotic series.
constexpr double kTailSeriesFrom = 20.0;

/// The standard normal upper tail Phi^c(z), for z < kTailSeriesFrom.
double normal_tail(double z) {
  return 0.5 * std::erfc(z / std::numbers::sqrt2);
}

/// log Phi^c(z) for z >= kTailSeriesFrom (the asymptotic series, Abramowitz & Stegun 26.2.12).
double log_normal_tail_far(double z) {
  const double z2 = z * z;
  return -0.5 * z2 - std::log(z * std::sqrt(2.0 * std::numbers::pi)) +
         std::log1p(-1.0 / z2 + 3.0 / (z2 * z2));
}

/// E[Z(t) | Z(0) = x] for canonical RBM: the integral over y of P(Z(t) > y) = Phi^c((y - x +
/// t) / sqrt t) + e^{-2y} Phi((t - x - y) / sqrt t) (Harrison 1985 §1.8), done in closed form.
/// The fed-back waits evaluate it 16 times per visit and step (issue #16: a third of a 2,000-
/// class cluster's evaluation), so the tails are taken without a logarithm where they cannot
/// underflow: b = (t + x) / sqrt t >= 2 sqrt x, so b < kTailSeriesFrom means x < 100 and e^{2x}
/// Phi^c(b) is a product of two finite numbers.
double rbm_mean_from(double t, double x) {
  if (t <= 0.0) return x;
  const double rt = std::sqrt(t);
  const double a = (t - x) / rt;
  const double upper =
      a < kTailSeriesFrom ? normal_tail(a) : std::exp(log_normal_tail_far(a));  // Phi^c(a)
  const double density = std::exp(-0.5 * a * a) / std::sqrt(2.0 * std::numbers::pi);
  const double first = rt * (density - a * upper);
  const double b = (t + x) / rt;
  const double reflected = b < kTailSeriesFrom ? std::exp(2.0 * x) * normal_tail(b)
                                               : std::exp(2.0 * x + log_normal_tail_far(b));
  const double second = 0.5 * (1.0 - upper) - 0.5 * reflected;
  return std::max(0.0, first + second);
}

/// Nodes and weights of 16-point Gauss-Laguerre quadrature (weight e^{-x} on [0, inf)), by
/// Newton's method on the Laguerre recurrence (Press et al., Numerical Recipes 3rd ed. §4.6,
/// gaulag).
struct Laguerre {
  static constexpr int n = 16;
  std::array<double, n> x{}, w{};
  Laguerre() {
    double z = 0.0;
    for (int i = 0; i < n; ++i) {
      if (i == 0)
        z = 3.0 / (1.0 + 2.4 * n);
      else if (i == 1)
        z += 15.0 / (1.0 + 2.5 * n);
      else
        z += (1.0 + 2.55 * (i - 1)) / (1.9 * (i - 1)) * (z - x[static_cast<std::size_t>(i - 2)]);
      double p1 = 1.0, p2 = 0.0, pp = 0.0;
      for (int it = 0; it < 100; ++it) {
        p1 = 1.0;
        p2 = 0.0;
        for (int j = 0; j < n; ++j) {
          const double p3 = p2;
          p2 = p1;
          p1 = ((2 * j + 1 - z) * p2 - j * p3) / (j + 1);
        }
        pp = (n * p1 - n * p2) / z;
        const double z1 = z;
        z = z1 - p1 / pp;
        if (std::abs(z - z1) <= 3e-14 * z) break;
      }
      x[static_cast<std::size_t>(i)] = z;
      w[static_cast<std::size_t>(i)] = -1.0 / (pp * n * p2);
    }
  }
};

}  // namespace

double rbm_mean_from_exponential(double t, double start_mean) {
  if (t <= 0.0) return start_mean;
  if (start_mean <= 0.0) return rbm_mean_from(t, 0.0);
  static const Laguerre q;
  double sum = 0.0;
  for (int i = 0; i < Laguerre::n; ++i)
    sum += q.w[static_cast<std::size_t>(i)] *
           rbm_mean_from(t, start_mean * q.x[static_cast<std::size_t>(i)]);
  return sum;
}

std::vector<double> fed_back_wait_ratios(int servers, const std::vector<FedBackVisit>& visits) {
  const std::size_t n = visits.size();
  for (const auto& v : visits) {
    double shares = 0.0;
    for (const auto& f : v.from) {
      if (f.visit >= n || f.share < 0 || f.absence_s < 0)
        throw std::invalid_argument("fed_back_wait_ratios: bad predecessor");
      shares += f.share;
    }
    if (shares > 1.0 + 1e-9) throw std::invalid_argument("fed_back_wait_ratios: shares above 1");
  }
  std::vector<double> ratio(n, 1.0);
  if (servers < 1) return ratio;
  // One server `servers` times as fast.
  std::vector<double> s(n);
  double rho = 0.0, residual = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    s[i] = visits[i].mean_s / servers;
    rho += visits[i].rate_per_s * s[i];
    residual += visits[i].rate_per_s * s[i] * s[i];
  }
  if (rho <= 0.0 || rho >= 1.0 || residual <= 0.0) return ratio;
  const double poisson_s = residual / (1.0 - rho);  // Pollaczek-Khinchine, exponential lengths
  // The waits' fixed point w = G(w), Anderson-accelerated (solver/fixed_point): the plain
  // iteration damped by half needed 60-1,950 steps on the 10-node cluster's CPUs, accelerated
  // it needs 7-9.
  const auto map = [&](const std::vector<double>& w, std::vector<double>& g) {
    double work = residual;
    for (std::size_t i = 0; i < n; ++i) work += visits[i].rate_per_s * w[i] * s[i];
    const double scale = 2.0 * work;               // RBM space unit: stationary mean 1/2 <-> work
    const double time_unit = scale / (1.0 - rho);  // space unit / drift
    for (std::size_t i = 0; i < n; ++i) {
      double poisson_share = 1.0, next = 0.0;
      for (const auto& f : visits[i].from) {
        poisson_share -= f.share;
        const double left = rho * (w[f.visit] + s[f.visit]);
        next += f.share * scale * rbm_mean_from_exponential(f.absence_s / time_unit, left / scale);
      }
      g[i] = next + std::max(0.0, poisson_share) * work;
    }
  };
  std::vector<double> w(n, poisson_s), g(n), next(n);
  fixed_point::AndersonAcceleration anderson(5, std::vector<double>(n, 1.0 / poisson_s));
  const auto step = [&] {  // g = G(w); the largest change
    map(w, g);
    double change = 0.0;
    for (std::size_t i = 0; i < n; ++i) change = std::max(change, std::abs(g[i] - w[i]));
    return change;
  };
  const double tolerance = 1e-10 * poisson_s;
  bool converged = false;
  for (int it = 0; it < 200; ++it) {
    if (step() < tolerance) {
      w = g;
      converged = true;
      break;
    }
    anderson.next(w, g, next);
    // A step that leaves the waits' domain is replaced by the plain step.
    const bool inside = std::all_of(next.begin(), next.end(),
                                    [](double v) { return std::isfinite(v) && v >= 0.0; });
    if (!inside) anderson.reset();
    w = inside ? next : g;
  }
  // Should acceleration stall, the plain iteration damped by half (slow, but it converges).
  for (int it = 0; it < 5000 && !converged; ++it) {
    converged = step() < tolerance;
    for (std::size_t i = 0; i < n; ++i) w[i] = 0.5 * (w[i] + g[i]);
  }
  for (std::size_t i = 0; i < n; ++i) ratio[i] = w[i] / poisson_s;
  return ratio;
}

}  // namespace tpeval::solver::open
