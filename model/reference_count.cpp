// A transaction's reference count: the draw and its law (see reference_count.hpp).
#include "model/reference_count.hpp"

#include <algorithm>
#include <boost/math/special_functions/gamma.hpp>
#include <cmath>

#include "model/input_limits.hpp"

namespace tpeval::model {

ReferenceCountDraw::ReferenceCountDraw(const TransactionType& type) : mean_(type.references) {
  const ReferenceCount& rc = type.reference_count;
  double cumulative = 0.0;
  for (std::size_t i = 0; i < rc.values.size(); ++i) {
    values_.push_back(rc.values[i]);
    cumulative_.push_back(cumulative += rc.probabilities[i]);
  }
  if (rc.values.empty() && rc.scv > 0)
    distribution_ = solver::des::Distribution::from_moments(type.references, rc.scv);
}

std::size_t ReferenceCountDraw::draw(solver::des::RandomStream& stream) const {
  double n = mean_;
  if (!cumulative_.empty()) {
    const double u = stream.uniform01() * cumulative_.back();
    const auto it = std::upper_bound(cumulative_.begin(), cumulative_.end() - 1, u);
    n = values_[static_cast<std::size_t>(it - cumulative_.begin())];
  } else if (distribution_) {
    n = std::min(distribution_->sample(stream), kMaxReferences);
  }
  auto count = static_cast<std::size_t>(std::floor(n));
  if (stream.uniform01() < n - std::floor(n)) ++count;
  return count;
}

namespace {

/// The share of the law left out at each end of the grouped classes (kMaxCountClasses).
constexpr double kTailShare = 1e-3;

/// The drawn count K of a two-moment distribution X (reference_count.hpp, "Method").
class RoundedLaw {
 public:
  explicit RoundedLaw(const solver::des::Distribution& x)
      : branches_(x.erlang_branches()), point_(x.mean()) {
    cap_tail_ = raw_tail(kMaxReferences);
    mean_ = raw_tail(0.0) - cap_tail_;
  }

  /// E[K] = E[min(X, C)].
  double mean() const { return mean_; }

  /// P(K > j) for whole j (1 below 0).
  double tail(double j) const {
    if (j < 0) return 1.0;
    return std::max(0.0, partial(j) - partial(j + 1.0));
  }

  /// E[K; K <= b] for whole b.
  double partial_mean(double b) const {
    if (b < 0) return 0.0;
    return std::max(0.0, mean_ - partial(b) - b * tail(b));
  }

 private:
  /// E[(X - x)^+] over the branches.
  double raw_tail(double x) const {
    double h = 0.0;
    for (const auto& br : branches_) {
      if (br.phases == 0) {  // the point mean()
        h += br.probability * std::max(0.0, point_ - x);
        continue;
      }
      const double k = br.phases, t = br.phase_mean, z = x / t;
      const double part =
          x <= 0 ? k * t
                 : k * t * boost::math::gamma_q(k + 1.0, z) - x * boost::math::gamma_q(k, z);
      h += br.probability * std::max(0.0, part);
    }
    return h;
  }

 public:
  /// H(x) = E[(min(X, C) - x)^+].
  double partial(double x) const {
    return x >= kMaxReferences ? 0.0 : std::max(0.0, raw_tail(x) - cap_tail_);
  }

 private:
  std::vector<solver::des::Distribution::ErlangBranch> branches_;
  double point_ = 0.0;
  double cap_tail_ = 0.0;
  double mean_ = 0.0;
};

/// The smallest whole j in [0, C] with tail(j) <= share (tail is non-increasing).
double upper_quantile(const RoundedLaw& law, double share) {
  double lo = 0.0, hi = std::max(1.0, std::ceil(law.mean()));
  while (hi < kMaxReferences && law.tail(hi) > share) hi = std::min(kMaxReferences, 2.0 * hi);
  if (law.tail(lo) <= share) return lo;
  while (hi - lo > 1.0) {  // tail(lo) > share >= tail(hi)
    const double mid = std::floor(0.5 * (lo + hi));
    (law.tail(mid) > share ? lo : hi) = mid;
  }
  return hi;
}

/// Classes of the counts [a, b] (b < 0: [a, infinity)).
CountClass rounded_class(const RoundedLaw& law, double a, double b) {
  const double above = b < 0 ? 0.0 : law.tail(b);
  const double probability = law.tail(a - 1.0) - above;
  if (!(probability > 0)) return {a, 0.0};
  if (a == b) return {a, probability};
  const double below = b < 0 ? law.mean() : law.partial_mean(b);
  const double mean = (below - law.partial_mean(a - 1.0)) / probability;
  const double upper = b < 0 ? kMaxReferences : b;
  return {std::clamp(mean, a, upper), probability};
}

std::vector<CountClass> rounded_classes(const solver::des::Distribution& x) {
  const RoundedLaw law(x);
  // Counts 0..lo form the first class, hi + 1.. the last, the counts between them groups of
  // `width`.
  const double lo = upper_quantile(law, 1.0 - kTailShare);  // P(K > lo) <= 1 - share
  const double first = std::max(0.0, lo - 1.0);             // P(K <= first) < share
  const double hi = std::max(first, upper_quantile(law, kTailShare));
  const double inner = static_cast<double>(kMaxCountClasses - 2);
  const double width = std::max(1.0, std::ceil((hi - first) / inner));
  std::vector<CountClass> out;
  const auto add = [&](double a, double b) {
    const CountClass c = rounded_class(law, a, b);
    if (c.probability > 0) out.push_back(c);
  };
  add(0.0, first);
  for (double a = first + 1.0; a <= hi; a += width) add(a, std::min(hi, a + width - 1.0));
  if (hi + 1.0 <= kMaxReferences) add(hi + 1.0, -1.0);
  return out;
}

/// Listed values: as given when few enough, else grouped like the drawn counts.
std::vector<CountClass> listed_classes(const ReferenceCount& rc) {
  std::vector<CountClass> points;
  for (std::size_t i = 0; i < rc.values.size(); ++i)
    if (rc.probabilities[i] > 0) points.push_back({rc.values[i], rc.probabilities[i]});
  if (points.size() <= kMaxCountClasses) return points;
  std::sort(points.begin(), points.end(),
            [](const CountClass& a, const CountClass& b) { return a.references < b.references; });
  double total = 0.0;
  for (const auto& p : points) total += p.probability;
  // The values below the 0.1 % quantile and above the 99.9 % quantile form one class each.
  double seen = 0.0, lo = points.front().references, hi = points.back().references;
  for (const auto& p : points) {
    if (seen + p.probability <= kTailShare * total) lo = p.references;
    if (seen < (1.0 - kTailShare) * total) hi = p.references;
    seen += p.probability;
  }
  const double width =
      std::max(1.0, std::ceil((hi - lo) / static_cast<double>(kMaxCountClasses - 2)));
  std::vector<CountClass> sums(kMaxCountClasses);
  for (const auto& p : points) {
    std::size_t i = 0;
    if (p.references > hi)
      i = kMaxCountClasses - 1;
    else if (p.references > lo)
      i = 1 + std::min(kMaxCountClasses - 3,
                       static_cast<std::size_t>((p.references - lo - 1.0) / width));
    sums[i].probability += p.probability;
    sums[i].references += p.probability * p.references;
  }
  std::vector<CountClass> out;
  for (const auto& s : sums)
    if (s.probability > 0) out.push_back({s.references / s.probability, s.probability});
  return out;
}

}  // namespace

std::vector<CountClass> count_classes(const TransactionType& type) {
  const ReferenceCount& rc = type.reference_count;
  if (!rc.values.empty()) return listed_classes(rc);
  if (rc.scv > 0)
    return rounded_classes(solver::des::Distribution::from_moments(type.references, rc.scv));
  const double n0 = std::floor(type.references), frac = type.references - n0;
  if (frac == 0.0) return {{type.references, 1.0}};
  return {{n0, 1.0 - frac}, {n0 + 1.0, frac}};
}

bool count_varies(const TransactionType& type) {
  return type.reference_count.variable() || type.references != std::floor(type.references);
}

double count_generating_function(const TransactionType& type, double q) {
  const ReferenceCount& rc = type.reference_count;
  double sum = 0.0;
  if (!rc.values.empty()) {
    for (std::size_t i = 0; i < rc.values.size(); ++i)
      sum += rc.probabilities[i] * std::pow(q, rc.values[i]);
    return sum;
  }
  if (!(rc.scv > 0)) {
    for (const auto& c : count_classes(type)) sum += c.probability * std::pow(q, c.references);
    return sum;
  }
  // E[q^K] = 1 - (1 - q) sum_j P(K > j) q^j (summation by parts), P(K > j) = H(j) - H(j + 1);
  // the terms fall at least as fast as q^j and the tail. At most 10^5 terms (a count of more
  // than 10^5 references that almost never updates).
  const RoundedLaw law(solver::des::Distribution::from_moments(type.references, rc.scv));
  double qj = 1.0, h = law.partial(0.0);
  for (int j = 0; j < 100000 && qj > 1e-15; ++j, qj *= q) {
    const double next = law.partial(j + 1.0);
    const double tail = std::max(0.0, h - next);
    if (tail < 1e-15) break;
    sum += tail * qj;
    h = next;
  }
  return std::clamp(1.0 - (1.0 - q) * sum, 0.0, 1.0);
}

}  // namespace tpeval::model
