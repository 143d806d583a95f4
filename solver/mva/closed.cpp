#include "solver/mva/closed.hpp"

#include <stdexcept>
#include <string>

#include "solver/mva/exact_multi.hpp"
#include "solver/mva/exact_single.hpp"
#include "solver/mva/linearizer.hpp"
#include "solver/mva/schweitzer.hpp"
#include "solver/mva/solution_fill.hpp"

namespace tpeval::solver {

namespace {

/// Exact MVA: the stable single-class solver when at most one class has jobs, else the lattice.
Solution solve_exact(const Network& network) {
  int populated = 0, last = -1;
  for (int c = 0; c < network.class_count(); ++c)
    if (network.classes[c].population > 0) ++populated, last = c;
  if (populated == 1) return solve_exact_single(network, last);
  return solve_exact_multi(network);
}

/// Exact MVA, or Linearizer when the lattice recursion reports the p(0) instability
/// (peers-and-formulas.md §2 lesson #1: detect it and fall back to a stable algorithm).
Solution solve_exact_or_fallback(const Network& network, const ClosedOptions& options) {
  Solution exact = solve_exact(network);
  if (exact.converged) return exact;
  Solution s = solve_linearizer(network, options.tolerance, options.max_iterations);
  s.warnings.insert(s.warnings.begin(), exact.warnings.begin(), exact.warnings.end());
  s.warnings.insert(s.warnings.begin(),
                    "exact MVA was numerically unstable; Linearizer used instead");
  return s;
}

}  // namespace

Solution solve_closed(const Network& network, const ClosedOptions& options) {
  check_closed_network(network);
  if (options.max_exact_lattice < 1) throw std::invalid_argument("max_exact_lattice must be >= 1");
  switch (options.method) {
    case ClosedMethod::exact:
      return solve_exact_or_fallback(network, options);
    case ClosedMethod::linearizer:
      return solve_linearizer(network, options.tolerance, options.max_iterations);
    case ClosedMethod::schweitzer:
      return solve_schweitzer(network, options.tolerance, options.max_iterations);
    case ClosedMethod::automatic:
      break;
  }
  int populated = 0, last = -1;
  for (int c = 0; c < network.class_count(); ++c)
    if (network.classes[c].population > 0) ++populated, last = c;
  std::string why_not_exact;
  if (populated == 1) {
    // One class: exact unless its cost limit is exceeded (huge N), then Linearizer.
    why_not_exact = exact_single_over_limit(network, last, network.classes[last].population);
    if (why_not_exact.empty()) return solve_exact_or_fallback(network, options);
    why_not_exact = "automatic method: " + why_not_exact.substr(0, why_not_exact.find(';'));
  } else {
    const std::int64_t lattice = population_lattice_size(network);
    if (populated == 0 || lattice <= options.max_exact_lattice)
      return solve_exact_or_fallback(network, options);
    why_not_exact = "automatic method: population lattice " + std::to_string(lattice) +
                    " exceeds max_exact_lattice " + std::to_string(options.max_exact_lattice);
  }
  // Linearizer, or Bard-Schweitzer when even Linearizer's correction terms exceed their limit.
  const auto classes = static_cast<std::int64_t>(network.class_count());
  const bool linearizer_fits =
      static_cast<std::int64_t>(network.station_count()) * classes * classes <= kMaxLinearizerTerms;
  Solution s = linearizer_fits
                   ? solve_linearizer(network, options.tolerance, options.max_iterations)
                   : solve_schweitzer(network, options.tolerance, options.max_iterations);
  s.warnings.insert(s.warnings.begin(),
                    why_not_exact + (linearizer_fits ? ", Linearizer used instead of exact MVA"
                                                     : ", Bard-Schweitzer used instead of exact "
                                                       "MVA (too many classes for Linearizer)"));
  return s;
}

std::vector<double> throughput_curve(const Network& single_class_network, long max_population) {
  if (single_class_network.class_count() != 1)
    throw std::invalid_argument("throughput_curve needs a network with exactly one class");
  return exact_single_throughputs(single_class_network, 0, max_population);
}

}  // namespace tpeval::solver
