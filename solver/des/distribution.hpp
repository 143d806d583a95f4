// Service and inter-event time distributions given by their mean and squared coefficient of
// variation (SCV = variance / mean^2), the two moments the analytic models use.
//
// Contract: every Distribution has exactly the requested mean and SCV (up to floating point) and
// samples by transforms written here from one RandomStream (bit-identical on every platform, see
// random_stream.hpp). make_distribution(mean, scv) picks: deterministic for scv = 0; Erlang-k for
// scv = 1/k; a mixture of Erlang-(k-1) and Erlang-k for other scv < 1 (Tijms, "A First Course in
// Stochastic Models", 2003, §2.9: exact two-moment fit); exponential for scv = 1; the two-phase
// hyperexponential with balanced means for scv > 1 (Tijms §2.9). Uniform is available by name for
// scv <= 1/3 (a non-negative support). Invalid parameters throw std::invalid_argument.
#pragma once

#include <string>
#include <vector>

#include "solver/des/random_stream.hpp"

namespace tpeval::solver::des {

enum class DistributionKind {
  deterministic,
  exponential,
  erlang,
  erlang_mixture,
  hyperexponential,
  uniform
};

class Distribution {
 public:
  static Distribution deterministic(double mean);
  static Distribution exponential(double mean);
  /// Erlang with `phases` >= 1 exponential phases (scv = 1 / phases).
  static Distribution erlang(double mean, int phases);
  /// Two-phase hyperexponential with balanced means (p1 / mu1 = p2 / mu2); scv >= 1.
  static Distribution hyperexponential(double mean, double scv);
  /// Uniform on [mean - h, mean + h] with h = mean sqrt(3 scv); scv <= 1/3.
  static Distribution uniform(double mean, double scv);
  /// Exact two-moment fit for any scv >= 0 (see the contract above).
  static Distribution from_moments(double mean, double scv);

  DistributionKind kind() const { return kind_; }
  double mean() const { return mean_; }
  /// The SCV of the distribution as constructed.
  double scv() const;
  std::string name() const;

  /// One branch of the distribution as a mixture of Erlang distributions: with `probability`,
  /// the sum of `phases` exponential phases of mean `phase_mean` (0 phases: the point `mean()`).
  struct ErlangBranch {
    double probability = 1.0;
    int phases = 0;
    double phase_mean = 0.0;
  };
  /// The distribution as that mixture (sample() draws exactly it): one branch of 0 phases for
  /// deterministic, one for exponential and Erlang, two for the Erlang mixture and the
  /// hyperexponential; empty for uniform, which is no such mixture.
  std::vector<ErlangBranch> erlang_branches() const;

  double sample(RandomStream& stream) const {
    switch (kind_) {
      case DistributionKind::deterministic:
        return mean_;
      case DistributionKind::exponential:
        return stream.exponential(mean_);
      case DistributionKind::hyperexponential:
        return stream.uniform01() < p_ ? stream.exponential(a_) : stream.exponential(b_);
      case DistributionKind::uniform:
        return a_ + (b_ - a_) * stream.uniform01();
      case DistributionKind::erlang:
        return erlang_sample(stream, phases_, a_);
      case DistributionKind::erlang_mixture:
        return erlang_sample(stream, stream.uniform01() < p_ ? phases_ - 1 : phases_, a_);
    }
    return mean_;
  }

 private:
  /// Sum of `phases` exponentials with mean phase_mean: -phase_mean ln(prod U), the product taken
  /// in blocks of 16 so it cannot underflow.
  static double erlang_sample(RandomStream& stream, int phases, double phase_mean);

  DistributionKind kind_ = DistributionKind::deterministic;
  double mean_ = 0.0;
  double p_ = 0.0;  ///< branch probability (hyperexponential, Erlang mixture)
  double a_ = 0.0;  ///< branch-1 mean, phase mean, or lower bound
  double b_ = 0.0;  ///< branch-2 mean or upper bound
  int phases_ = 1;
};

/// The factory of the contract: Distribution::from_moments(mean, scv).
inline Distribution make_distribution(double mean, double scv) {
  return Distribution::from_moments(mean, scv);
}

}  // namespace tpeval::solver::des
