// The number of record references of one transaction: one rule for both engines (issue #13).
//
// Contract: ReferenceCountDraw::draw() is the simulator's count K of one transaction of a type:
// a listed value by its probability, a draw X of the two-moment distribution of
// solver/des/distribution.hpp (mean and SCV: Erlang mixture below SCV 1, exponential at 1,
// balanced two-phase hyperexponential above; X at most kMaxReferences), or the fixed mean X = n;
// X is then rounded keeping the mean: floor(X), plus one with probability X - floor(X).
// count_classes() is the exact law of that K, grouped for the analytic lock model into at most
// kMaxCountClasses classes, each with its probability and mean count; count_generating_function()
// is E[q^K] (log writes: P(no update) = E[q^K], model/update_shares.hpp). Both are pure functions
// of the type, computed from the same Distribution the draw samples (its Erlang branches), so
// the engines cannot drift apart: before, the simulator drew this K while the lock model took a
// two-point distribution of the same mean and variance and the log writes a rounded gamma
// (docs/model.md "Variable work per transaction").
//
// Method: for X >= 0 with Y = min(X, C) and K = floor(Y) + Bernoulli(Y - floor(Y)),
// P(K > j) = integral over [j, j + 1] of P(Y > x) dx = H(j) - H(j + 1), H(x) = E[(Y - x)^+];
// for an Erlang branch of k phases of mean t, E[(X - x)^+] = k t Q(k + 1, x / t) - x Q(k, x / t)
// (Q the regularized upper incomplete gamma function), exact. Sums over j then follow in closed
// form: E[K; K <= b] = H(0) - H(b) - b P(K > b).
#pragma once

#include <cstddef>
#include <optional>
#include <vector>

#include "model/description.hpp"
#include "solver/des/distribution.hpp"
#include "solver/des/random_stream.hpp"

namespace tpeval::model {

/// One class of a type's count law: `probability` of its transactions, with `references`
/// references on average (a whole number unless the class groups several counts).
struct CountClass {
  double references = 0.0;
  double probability = 0.0;
};

/// At most this many count classes per type. A count law of more values is grouped: the
/// counts below its 0.1 % quantile form the first class, those above its 99.9 % quantile the
/// last (each at its conditional mean), the counts between them classes of equal width (one
/// count each while they fit; Debit-Credit's 4 references of SCV 1.5 are 43 classes, counts 0
/// to 41 and the 0.1 % above). The lock model's cost grows linearly with the classes.
inline constexpr std::size_t kMaxCountClasses = 64;

/// The simulator's draw (the contract above).
class ReferenceCountDraw {
 public:
  ReferenceCountDraw() = default;  ///< a count of 0
  explicit ReferenceCountDraw(const TransactionType& type);
  std::size_t draw(solver::des::RandomStream& stream) const;

 private:
  double mean_ = 0.0;
  /// Listed values with cumulative probabilities, or a two-moment distribution; neither for a
  /// fixed count.
  std::vector<double> values_, cumulative_;
  std::optional<solver::des::Distribution> distribution_;
};

/// The law of the drawn count, grouped into at most kMaxCountClasses classes (classes of
/// probability 0 left out): listed values as given (in their order) when they are few enough;
/// a fixed count n is floor(n) and floor(n) + 1 (one class when n is whole).
std::vector<CountClass> count_classes(const TransactionType& type);

/// Whether a transaction's count varies: a variable law, or a fixed mean that is not whole
/// (floor(n) or floor(n) + 1 references); then count_classes() gives more than one class, which
/// the lock model, the log writes and the FORCE writes take (issue #13: a fixed 4.5 was one lock
/// class of 4.5 references).
bool count_varies(const TransactionType& type);

/// E[q^K] of the drawn count K, q in [0, 1].
double count_generating_function(const TransactionType& type, double q);

}  // namespace tpeval::model
