// Open queue in front of a flow-equivalent server (see flow_equivalent.hpp).
#include "solver/open/flow_equivalent.hpp"

#include <utility>

namespace tpeval::solver::open {

std::optional<FlowEquivalentMeasures> flow_equivalent_queue(const std::vector<double>& x,
                                                            double lambda) {
  if (x.empty()) return std::nullopt;
  const long limit = static_cast<long>(x.size());
  const double x_max = x.back();
  if (!(lambda < x_max)) return std::nullopt;
  // p_n proportional to prod_{i<=n} lambda / X(min(i, N)); geometric beyond N.
  std::vector<double> p(static_cast<std::size_t>(limit) + 1, 0.0);
  p[0] = 1.0;
  double norm = 1.0;
  for (long n = 1; n <= limit; ++n) {
    p[n] = p[n - 1] * lambda / x[n - 1];
    norm += p[n];
  }
  const double r = lambda / x_max;
  const double tail = p[limit] * r / (1.0 - r);  // sum over n > N
  norm += tail;
  double mean_n = 0.0, mean_inside = 0.0;
  for (long n = 1; n <= limit; ++n) {
    mean_n += n * p[n];
    mean_inside += n * p[n];
  }
  // sum_{n>N} n p_N r^(n-N) = p_N (N r/(1-r) + r/(1-r)^2)
  mean_n += p[limit] * (limit * r / (1.0 - r) + r / ((1.0 - r) * (1.0 - r)));
  mean_inside += limit * tail;
  p[limit] += tail;
  for (double& pn : p) pn /= norm;
  return FlowEquivalentMeasures{mean_n / norm, mean_inside / norm, std::move(p)};
}

}  // namespace tpeval::solver::open
