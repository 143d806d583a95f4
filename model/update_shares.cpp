#include "model/update_shares.hpp"

#include <cmath>

#include "model/reference_count.hpp"

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

double update_probability(const SystemModel& model, std::size_t t) {
  const TransactionType& type = model.transaction_types[t];
  const std::size_t np = model.partitions.size();
  if (type.reference_count.variable()) {
    double per_reference = 0.0;
    for (std::size_t p = 0; p < np; ++p)
      per_reference += type.reference_shares[p] * update_share_of(type, p);
    // E[q^K] over the simulator's count law (model/reference_count.hpp; issue #13: a rounded
    // gamma of the same mean and SCV stood for it before).
    return 1.0 - count_generating_function(type, 1.0 - per_reference);
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
