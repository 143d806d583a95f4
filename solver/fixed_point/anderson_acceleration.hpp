// Anderson acceleration of a fixed-point iteration x <- G(x) (Anderson, J. ACM 12(4) 1965; the
// form of Walker & Ni, SIAM J. Numer. Anal. 49(4) 2011, "Anderson acceleration for fixed-point
// iterations", Alg. AA with mixing 1).
//
// Contract: next(x, g) takes the current iterate x and the map's value g = G(x) and returns the
// next iterate g - dG gamma, where gamma minimises the weighted residual
// || W (f - dF gamma) ||_2 over the last `depth` differences of residuals f = G(x) - x (dF) and
// of map values (dG); with no history yet it returns g. The fixed points are those of G; the
// caller keeps its own stopping rule and safeguards (reset() drops the history, e.g. after a
// rejected step). Weights put components of different units on one scale (seconds and seconds
// squared). Pure apart from the history it holds, which is allocated once.
#pragma once

#include <Eigen/Dense>

#include <cstddef>
#include <deque>
#include <vector>

namespace tpeval::solver::fixed_point {

class AndersonAcceleration {
 public:
  AndersonAcceleration(std::size_t depth, std::vector<double> weights);
  /// Writes the next iterate to `out` (resized to x's size).
  void next(const std::vector<double>& x, const std::vector<double>& g, std::vector<double>& out);
  void reset();

 private:
  std::size_t depth_;
  Eigen::VectorXd weights_;
  Eigen::VectorXd f_, previous_f_, previous_g_;  // weighted residuals, map value
  bool has_previous_ = false;
  // The last `count_` differences in a ring of `depth_` columns, and their Gram matrix: the
  // least-squares problem is solved by its normal equations, O(n depth) per step with no
  // allocation (a QR of the n x depth matrix per step cost as much as the model's own step).
  Eigen::MatrixXd delta_f_, delta_g_, gram_;
  std::size_t count_ = 0, head_ = 0;
};

}  // namespace tpeval::solver::fixed_point
