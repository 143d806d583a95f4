#include "solver/solve.hpp"

#include "solver/mva/mixed.hpp"

namespace tpeval::solver {

Solution solve(const Network& network, const SolveOptions& options) {
  validate(network);
  if (!network.has_open_classes()) return solve_closed(network, options.closed);
  if (!network.has_closed_classes()) return solve_open(network);
  return solve_mixed(network, options.closed);
}

}  // namespace tpeval::solver
