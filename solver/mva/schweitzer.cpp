#include "solver/mva/schweitzer.hpp"

#include <stdexcept>

#include "solver/mva/amva_core.hpp"

namespace tpeval::solver {

Solution solve_schweitzer(const Network& network, double tolerance, int max_iterations) {
  if (!(tolerance > 0) || max_iterations < 1)
    throw std::invalid_argument("Bard-Schweitzer needs tolerance > 0 and max_iterations >= 1");
  const AmvaModel model = amva_model(network);
  const std::vector<int> population = amva_populations(network, model);
  AmvaState state;
  amva_core(model, population, {}, tolerance, max_iterations, state);
  Solution s = amva_solution(network, model, state, "schweitzer");
  s.iterations = state.iterations;
  s.residual = state.residual;
  s.converged = state.converged || model.classes.empty();
  if (!s.converged)
    s.warnings.push_back("Bard-Schweitzer did not converge in " + std::to_string(max_iterations) +
                         " iterations (residual " + std::to_string(state.residual) + ")");
  return s;
}

}  // namespace tpeval::solver
