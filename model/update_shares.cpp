#include "model/update_shares.hpp"

#include <boost/math/distributions/gamma.hpp>
#include <cmath>

namespace tpeval::model {
namespace {

bool whole(double x) {
  return std::abs(x - std::round(x)) < 1e-9;
}

}  // namespace

double update_share_of(const TransactionType& type, std::size_t p) {
  return p < type.update_shares.size() ? type.update_shares[p] : type.update_share;
}

bool fixed_reference_counts(const TransactionType& type, std::size_t partitions) {
  if (!whole(type.references)) return false;
  for (std::size_t p = 0; p < partitions; ++p) {
    const double share = p < type.reference_shares.size() ? type.reference_shares[p] : 0.0;
    if (!whole(share * type.references)) return false;
  }
  return true;
}

/// E[q^K] for a variable count K (issue #13): listed values exactly; mean and SCV as a gamma
/// variable X (the two-moment fit of solver/open/response_quantile.hpp) rounded as the simulator
/// rounds, floor(X) + Bernoulli(X - floor(X)): on [j, j + 1) the expectation of
/// q^j (1 - (x - j)(1 - q)) is q^j ((1 - q) I_j + q F(j + 1) - F(j)) with I_j = integral of F
/// over [j, j + 1] (Simpson's rule).
double no_update_probability(const TransactionType& type, double q) {
  const ReferenceCount& rc = type.reference_count;
  double none = 0.0;
  if (!rc.values.empty()) {
    for (std::size_t i = 0; i < rc.values.size(); ++i)
      none += rc.probabilities[i] * std::pow(q, rc.values[i]);
    return none;
  }
  const boost::math::gamma_distribution<double> gamma(1.0 / rc.scv, type.references * rc.scv);
  const auto cdf = [&](double x) { return x <= 0 ? 0.0 : boost::math::cdf(gamma, x); };
  double qj = 1.0;
  for (int j = 0; j < 100000 && qj > 1e-15 && cdf(j) < 1.0 - 1e-15; ++j, qj *= q) {
    const double integral = (cdf(j) + 4.0 * cdf(j + 0.5) + cdf(j + 1.0)) / 6.0;
    none += qj * ((1.0 - q) * integral + q * cdf(j + 1.0) - cdf(j));
  }
  return none;
}

double update_probability(const SystemModel& model, std::size_t t) {
  const TransactionType& type = model.transaction_types[t];
  const std::size_t np = model.partitions.size();
  if (type.reference_count.variable()) {
    double per_reference = 0.0;
    for (std::size_t p = 0; p < np; ++p)
      per_reference += type.reference_shares[p] * update_share_of(type, p);
    return 1.0 - no_update_probability(type, 1.0 - per_reference);
  }
  if (fixed_reference_counts(type, np)) {
    // Exactly k_p references to partition p, each updating independently with u_p.
    double none = 1.0;
    for (std::size_t p = 0; p < np; ++p) {
      const double k = std::round(type.reference_shares[p] * type.references);
      if (k > 0) none *= std::pow(1.0 - update_share_of(type, p), k);
    }
    return 1.0 - none;
  }
  // floor(n) or floor(n) + 1 references (mean n), each to partition p with its share.
  double per_reference = 0.0;
  for (std::size_t p = 0; p < np; ++p)
    per_reference += type.reference_shares[p] * update_share_of(type, p);
  const double n0 = std::floor(type.references);
  const double frac = type.references - n0;
  const double none = (1.0 - frac) * std::pow(1.0 - per_reference, n0) +
                      frac * std::pow(1.0 - per_reference, n0 + 1.0);
  return 1.0 - none;
}

}  // namespace tpeval::model
