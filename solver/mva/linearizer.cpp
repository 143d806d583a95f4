#include "solver/mva/linearizer.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "solver/mva/amva_core.hpp"

namespace tpeval::solver {

Solution solve_linearizer(const Network& network, double tolerance, int max_iterations) {
  if (!(tolerance > 0) || max_iterations < 1)
    throw std::invalid_argument("Linearizer needs tolerance > 0 and max_iterations >= 1");
  const AmvaModel model = amva_model(network);
  const int classes = model.class_count();
  const int stations = model.station_count();
  // Each outer iteration holds and solves stations x classes^2 correction terms
  // (docs/network-format.md, "Limits").
  const std::vector<int> population = amva_populations(network, model);
  const auto terms = static_cast<std::int64_t>(stations) * classes * classes;
  if (terms > kMaxLinearizerTerms)
    throw std::invalid_argument(
        "Linearizer over " + std::to_string(classes) + " classes and " + std::to_string(stations) +
        " stations needs " + std::to_string(terms) + " correction terms, beyond the limit of " +
        std::to_string(kMaxLinearizerTerms) + "; use --method schweitzer (Bard-Schweitzer AMVA)");
  if (classes == 0) return amva_solution(network, model, AmvaState{}, "linearizer");

  // The core itself needs a tighter tolerance than the outer loop, or the F estimates drift.
  const double core_tolerance = tolerance * 0.1;
  std::vector<double> correction;  // F, empty = Bard–Schweitzer for the first pass
  AmvaState full;
  std::vector<AmvaState> reduced(static_cast<std::size_t>(classes));
  bool cores_converged = true;
  int outer = 0;
  double outer_change = 0.0;
  bool converged = false;
  while (outer < max_iterations) {
    ++outer;
    const std::vector<double> before = full.queue_jobs;
    amva_core(model, population, correction, core_tolerance, max_iterations, full);
    cores_converged = full.converged;
    if (outer > 1) {
      outer_change = 0;
      for (std::size_t i = 0; i < before.size(); ++i)
        outer_change = std::max(outer_change, std::abs(full.queue_jobs[i] - before[i]) /
                                                  std::max(full.queue_jobs[i], 1e-12));
      if (outer_change < tolerance) {
        converged = true;
        break;
      }
    }
    // Cores at n - 1_j with the current F, started from the scaled full-population solution.
    std::vector<double> next(static_cast<std::size_t>(stations * classes * classes), 0.0);
    for (int j = 0; j < classes; ++j) {
      std::vector<int> smaller = population;
      --smaller[j];
      AmvaState& state = reduced[j];
      if (state.queue_jobs.empty()) {
        state.queue_jobs = full.queue_jobs;
        for (int k = 0; k < stations; ++k)
          state.queue_jobs[k * classes + j] *= static_cast<double>(smaller[j]) / population[j];
      }
      amva_core(model, smaller, correction, core_tolerance, max_iterations, state);
      cores_converged = cores_converged && state.converged;
      for (int k = 0; k < stations; ++k)
        for (int c = 0; c < classes; ++c) {
          if (smaller[c] == 0) continue;
          const std::size_t i = static_cast<std::size_t>(k * classes + c);
          next[i * classes + j] =
              state.queue_jobs[i] / smaller[c] - full.queue_jobs[i] / population[c];
        }
    }
    correction = std::move(next);
  }
  Solution s = amva_solution(network, model, full, "linearizer");
  s.iterations = outer;
  s.residual = outer_change;
  s.converged = classes == 0 || (converged && cores_converged);
  if (!s.converged)
    s.warnings.push_back("Linearizer did not converge in " + std::to_string(outer) +
                         " outer iterations (residual " + std::to_string(outer_change) + ")");
  return s;
}

}  // namespace tpeval::solver
