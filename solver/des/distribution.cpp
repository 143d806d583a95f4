#include "solver/des/distribution.hpp"

#include <cmath>
#include <stdexcept>

namespace tpeval::solver::des {

namespace {
void require(bool ok, const std::string& what) {
  if (!ok) throw std::invalid_argument("distribution: " + what);
}
void require_mean(double mean) {
  require(std::isfinite(mean) && mean >= 0.0, "mean must be finite and >= 0");
}
}  // namespace

Distribution Distribution::deterministic(double mean) {
  require_mean(mean);
  Distribution d;
  d.kind_ = DistributionKind::deterministic;
  d.mean_ = mean;
  return d;
}

Distribution Distribution::exponential(double mean) {
  require_mean(mean);
  Distribution d;
  d.kind_ = DistributionKind::exponential;
  d.mean_ = mean;
  return d;
}

Distribution Distribution::erlang(double mean, int phases) {
  require_mean(mean);
  require(phases >= 1, "Erlang needs at least one phase");
  Distribution d;
  d.kind_ = DistributionKind::erlang;
  d.mean_ = mean;
  d.phases_ = phases;
  d.a_ = mean / phases;
  return d;
}

Distribution Distribution::hyperexponential(double mean, double scv) {
  require_mean(mean);
  require(std::isfinite(scv) && scv >= 1.0, "hyperexponential needs scv >= 1");
  // Balanced means (Tijms §2.9): p1 = (1 + sqrt((c2 - 1) / (c2 + 1))) / 2, mean_i = mean / (2 p_i).
  Distribution d;
  d.kind_ = DistributionKind::hyperexponential;
  d.mean_ = mean;
  d.p_ = 0.5 * (1.0 + std::sqrt((scv - 1.0) / (scv + 1.0)));
  d.a_ = mean / (2.0 * d.p_);
  d.b_ = mean / (2.0 * (1.0 - d.p_));
  return d;
}

Distribution Distribution::uniform(double mean, double scv) {
  require_mean(mean);
  require(std::isfinite(scv) && scv >= 0.0 && scv <= 1.0 / 3.0, "uniform needs 0 <= scv <= 1/3");
  Distribution d;
  d.kind_ = DistributionKind::uniform;
  d.mean_ = mean;
  const double h = mean * std::sqrt(3.0 * scv);
  d.a_ = mean - h;
  d.b_ = mean + h;
  return d;
}

Distribution Distribution::from_moments(double mean, double scv) {
  require_mean(mean);
  require(std::isfinite(scv) && scv >= 0.0, "scv must be finite and >= 0");
  if (mean == 0.0 || scv == 0.0) return deterministic(mean);
  if (scv == 1.0) return exponential(mean);
  if (scv > 1.0) return hyperexponential(mean, scv);
  // 1/k <= scv < 1/(k-1): k = ceil(1/scv).
  const double inverse = 1.0 / scv;
  const double nearest = std::round(inverse);
  if (std::abs(inverse - nearest) <= 1e-9 * inverse) return erlang(mean, static_cast<int>(nearest));
  const int k = static_cast<int>(std::ceil(inverse));
  require(k <= 1'000'000, "scv too small for an Erlang fit; use 0 for deterministic");
  // Tijms §2.9: with probability p an Erlang-(k-1), else Erlang-k, all phases with mean 1/mu:
  // p = [k scv - sqrt(k (1 + scv) - k^2 scv)] / (1 + scv), mu = (k - p) / mean.
  const double kd = k;
  const double p = (kd * scv - std::sqrt(kd * (1.0 + scv) - kd * kd * scv)) / (1.0 + scv);
  Distribution d;
  d.kind_ = DistributionKind::erlang_mixture;
  d.mean_ = mean;
  d.phases_ = k;
  d.p_ = p;
  d.a_ = mean / (kd - p);
  return d;
}

double Distribution::scv() const {
  switch (kind_) {
    case DistributionKind::deterministic:
      return 0.0;
    case DistributionKind::exponential:
      return 1.0;
    case DistributionKind::erlang:
      return 1.0 / phases_;
    case DistributionKind::hyperexponential: {
      const double m2 = 2.0 * (p_ * a_ * a_ + (1.0 - p_) * b_ * b_);
      return m2 / (mean_ * mean_) - 1.0;
    }
    case DistributionKind::uniform:
      return mean_ > 0 ? (b_ - a_) * (b_ - a_) / 12.0 / (mean_ * mean_) : 0.0;
    case DistributionKind::erlang_mixture: {
      // E[S^2] of Erlang-j with phase mean a: j (j + 1) a^2.
      const double k = phases_;
      const double m2 = (p_ * (k - 1) * k + (1.0 - p_) * k * (k + 1)) * a_ * a_;
      return m2 / (mean_ * mean_) - 1.0;
    }
  }
  return 0.0;
}

std::string Distribution::name() const {
  switch (kind_) {
    case DistributionKind::deterministic:
      return "deterministic";
    case DistributionKind::exponential:
      return "exponential";
    case DistributionKind::erlang:
      return "erlang-" + std::to_string(phases_);
    case DistributionKind::erlang_mixture:
      return "erlang-" + std::to_string(phases_ - 1) + "/" + std::to_string(phases_) + " mixture";
    case DistributionKind::hyperexponential:
      return "hyperexponential-2 (balanced means)";
    case DistributionKind::uniform:
      return "uniform";
  }
  return "?";
}

std::vector<Distribution::ErlangBranch> Distribution::erlang_branches() const {
  switch (kind_) {
    case DistributionKind::deterministic:
      return {{1.0, 0, 0.0}};
    case DistributionKind::exponential:
      return {{1.0, 1, mean_}};
    case DistributionKind::erlang:
      return {{1.0, phases_, a_}};
    case DistributionKind::erlang_mixture:
      return {{p_, phases_ - 1, a_}, {1.0 - p_, phases_, a_}};
    case DistributionKind::hyperexponential:
      return {{p_, 1, a_}, {1.0 - p_, 1, b_}};
    case DistributionKind::uniform:
      return {};
  }
  return {};
}

double Distribution::erlang_sample(RandomStream& stream, int phases, double phase_mean) {
  double log_sum = 0.0;
  int left = phases;
  while (left > 0) {
    double product = 1.0;
    const int block = left < 16 ? left : 16;
    for (int i = 0; i < block; ++i) product *= stream.uniform_open0();
    log_sum += deterministic_log(product);
    left -= block;
  }
  return -phase_mean * log_sum;
}

}  // namespace tpeval::solver::des
