#include "solver/open/single_queue.hpp"

#include <fmt/format.h>

#include <boost/math/special_functions/gamma.hpp>
#include <boost/math/tools/fraction.hpp>
#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <utility>

namespace tpeval::solver::open {

namespace {

/// Below this P(Poisson(a) <= m) (a > m + 1 far enough), gamma_q and the Poisson term lose digits
/// to the subnormal range and Erlang B switches to the continued fraction.
constexpr double kSmallestGammaQ = 1e-200;
/// The fraction needs few terms where it is used ((a - m)^2 >> m there); this only bounds a loop.
constexpr std::uintmax_t kMaxFractionTerms = 100'000;

void check_arguments(double arrival_rate_per_s, double service_time_s) {
  if (!std::isfinite(arrival_rate_per_s) || arrival_rate_per_s < 0)
    throw std::invalid_argument("arrival rate must be finite and >= 0");
  if (!std::isfinite(service_time_s) || !(service_time_s > 0))
    throw std::invalid_argument("service time must be finite and > 0");
}

void check_stable(double utilization) {
  if (utilization >= 1.0) {
    throw std::domain_error(
        fmt::format("queue is unstable (utilization {:.4g} >= 1)", utilization));
  }
}

// Fills the Little's-law quantities from lambda, S and W_q.
QueueMeasures complete(double lambda, double s, double busy, double utilization, double p_wait,
                       double wq) {
  QueueMeasures q;
  q.utilization = utilization;
  q.busy_servers = busy;
  q.probability_of_waiting = p_wait;
  q.waiting_time_s = wq;
  q.response_time_s = wq + s;
  q.mean_jobs_in_queue = lambda * wq;
  q.mean_jobs_in_system = lambda * q.response_time_s;
  return q;
}

/// B(m, a) for a > m + 1 by the continued fraction of the upper incomplete gamma function
/// (DLMF §8.9, in the even form of Numerical Recipes 3rd ed. §6.2; Jagerman 1974):
/// B(m, a) = a^m e^-a / Gamma(m + 1, a) = (b_0 + a_1 / (b_1 + a_2 / (b_2 + ...))) / a with
/// b_i = a - m + 2i and a_i = i (m + 1 - i). It stops at i = m + 1 (a_{m+1} = 0) and, far above
/// the server count, converges in a few terms; nothing in it underflows, unlike a^m e^-a / m!.
struct ErlangBFractionTerms {
  using result_type = std::pair<double, double>;
  double m;
  double a;
  double i = 0.0;
  result_type operator()() {
    const result_type term{i * (m + 1.0 - i), a - m + 2.0 * i};
    i += 1.0;
    return term;
  }
};

double erlang_b_fraction(int servers, double offered_load) {
  ErlangBFractionTerms terms{static_cast<double>(servers), offered_load};
  std::uintmax_t max_terms = kMaxFractionTerms;
  const double fraction = boost::math::tools::continued_fraction_b(
      terms, std::numeric_limits<double>::epsilon(), max_terms);
  return fraction / offered_load;
}

}  // namespace

double erlang_b(int servers, double offered_load) {
  if (servers < 1) throw std::invalid_argument("Erlang B needs at least one server");
  if (!std::isfinite(offered_load) || offered_load < 0)
    throw std::invalid_argument("offered load must be finite and >= 0");
  if (offered_load == 0.0) return 0.0;
  // B(m, a) = (a^m e^-a / m!) / P(Poisson(a) <= m) = gamma_p_derivative(m + 1, a) /
  // gamma_q(m + 1, a), since Gamma(m + 1, a) = m! e^-a sum_{k<=m} a^k / k! (DLMF §8.4; Jagerman
  // 1974, "Some properties of the Erlang loss function", Bell Syst. Tech. J. 53(3)). Boost.Math
  // evaluates both to full double precision at a cost that does not grow with m, where the
  // Erlang-B recursion B_k = a B_{k-1} / (k + a B_{k-1}) costs O(m) (105 s per evaluation for
  // 10^9 disks, issue #16).
  const double s = static_cast<double>(servers) + 1.0;
  const double q = boost::math::gamma_q(s, offered_load);
  // Far above the server count both factors underflow (0 / 0); the continued fraction does not.
  if (q < kSmallestGammaQ) return erlang_b_fraction(servers, offered_load);
  return boost::math::gamma_p_derivative(s, offered_load) / q;
}

double erlang_c(int servers, double offered_load) {
  if (servers < 1) throw std::invalid_argument("Erlang C needs at least one server");
  const double rho = offered_load / servers;
  if (rho >= 1.0) throw std::domain_error("Erlang C needs offered load below the server count");
  const double b = erlang_b(servers, offered_load);
  // C = B / (1 - rho (1 - B)) (Kleinrock vol. 1 eq. 3.44 rearranged); the denominator is >= 1 - rho
  // > 0.
  return b / (1.0 - rho * (1.0 - b));
}

QueueMeasures mm1(double arrival_rate_per_s, double service_time_s) {
  check_arguments(arrival_rate_per_s, service_time_s);
  const double rho = arrival_rate_per_s * service_time_s;
  check_stable(rho);
  // W_q = rho S / (1 - rho) (peers-and-formulas.md §3.3).
  return complete(arrival_rate_per_s, service_time_s, rho, rho, rho,
                  rho * service_time_s / (1.0 - rho));
}

QueueMeasures mmm(double arrival_rate_per_s, double service_time_s, int servers) {
  check_arguments(arrival_rate_per_s, service_time_s);
  if (servers < 1) throw std::invalid_argument("an M/M/m queue needs at least one server");
  const double a = arrival_rate_per_s * service_time_s;
  const double rho = a / servers;
  check_stable(rho);
  const double c = erlang_c(servers, a);
  // W_q = C(m, a) / (m mu - lambda) = C S / (m (1 - rho)) (peers-and-formulas.md §3.3).
  return complete(arrival_rate_per_s, service_time_s, a, rho, c,
                  c * service_time_s / (servers * (1.0 - rho)));
}

QueueMeasures mg1(double arrival_rate_per_s, double service_time_s, double service_scv) {
  check_arguments(arrival_rate_per_s, service_time_s);
  if (!std::isfinite(service_scv) || service_scv < 0)
    throw std::invalid_argument("service-time SCV must be finite and >= 0");
  const double rho = arrival_rate_per_s * service_time_s;
  check_stable(rho);
  // Pollaczek-Khinchine: W_q = rho S (1 + C_s^2) / (2 (1 - rho)) (peers-and-formulas.md §3.3).
  return complete(arrival_rate_per_s, service_time_s, rho, rho, rho,
                  rho * service_time_s * (1.0 + service_scv) / (2.0 * (1.0 - rho)));
}

QueueMeasures mm_inf(double arrival_rate_per_s, double service_time_s) {
  check_arguments(arrival_rate_per_s, service_time_s);
  const double a = arrival_rate_per_s * service_time_s;
  // Infinitely many servers: per-server utilization is 0 and nobody waits.
  return complete(arrival_rate_per_s, service_time_s, a, 0.0, 0.0, 0.0);
}

}  // namespace tpeval::solver::open
