#include "solver/fixed_point/anderson_acceleration.hpp"

#include <stdexcept>

namespace tpeval::solver::fixed_point {

AndersonAcceleration::AndersonAcceleration(std::size_t depth, std::vector<double> weights)
    : depth_(depth),
      weights_(Eigen::Map<const Eigen::VectorXd>(weights.data(),
                                                 static_cast<Eigen::Index>(weights.size()))) {
  const Eigen::Index n = weights_.size();
  const auto m = static_cast<Eigen::Index>(depth_);
  f_.resize(n);
  previous_f_.resize(n);
  previous_g_.resize(n);
  delta_f_.resize(n, m);
  delta_g_.resize(n, m);
  gram_.setZero(m, m);
}

void AndersonAcceleration::reset() {
  has_previous_ = false;
  count_ = 0;
  head_ = 0;
}

void AndersonAcceleration::next(const std::vector<double>& x, const std::vector<double>& g,
                                std::vector<double>& out) {
  const Eigen::Index n = weights_.size();
  if (static_cast<Eigen::Index>(x.size()) != n || g.size() != x.size())
    throw std::invalid_argument("AndersonAcceleration: vector sizes differ");
  const Eigen::Map<const Eigen::VectorXd> xv(x.data(), n), gv(g.data(), n);
  f_ = weights_.cwiseProduct(gv - xv);
  if (has_previous_ && depth_ > 0) {
    const auto col = static_cast<Eigen::Index>(head_);
    delta_f_.col(col) = f_ - previous_f_;
    delta_g_.col(col) = gv - previous_g_;
    count_ = std::min(count_ + 1, depth_);
    head_ = (head_ + 1) % depth_;
    for (Eigen::Index j = 0; j < static_cast<Eigen::Index>(count_); ++j) {
      gram_(col, j) = delta_f_.col(col).dot(delta_f_.col(j));
      gram_(j, col) = gram_(col, j);
    }
  }
  previous_g_ = gv;
  has_previous_ = true;
  out.assign(g.begin(), g.end());
  // f_ becomes the previous residual by a swap, not a copy (f_ is written afresh next time; 10^4
  // partitions: 70,000 values per step, issue #16).
  if (count_ == 0) {
    previous_f_.swap(f_);
    return;
  }
  const auto m = static_cast<Eigen::Index>(count_);
  // Columns are used in ring order; the least-squares solution does not depend on their order.
  const Eigen::VectorXd rhs = delta_f_.leftCols(m).transpose() * f_;
  // Rank-revealing: nearly dependent differences (a stalled iteration) do not blow gamma up.
  const Eigen::VectorXd gamma =
      gram_.topLeftCorner(m, m).completeOrthogonalDecomposition().solve(rhs);
  Eigen::Map<Eigen::VectorXd> ov(out.data(), n);
  ov.noalias() -= delta_g_.leftCols(m) * gamma;
  previous_f_.swap(f_);
}

}  // namespace tpeval::solver::fixed_point
