// King's exact LRU analysis under the IRM (see king.hpp; peers-and-formulas.md §3.4).
#include "solver/cache/king.hpp"

#include <cmath>
#include <string>

#include "solver/io/json_input.hpp"

namespace tpeval::solver::cache {
namespace {

// Depth-first enumeration of ordered stacks (i_1..i_depth) of distinct items. `probability` is
// the state probability of the prefix, `mass` = sum of the prefix's probabilities. At full
// depth the state contributes probability * mass (the chance the next reference hits).
double enumerate(const std::vector<double>& p, std::vector<char>& used, int depth_left,
                 double probability, double mass) {
  if (depth_left == 0) return probability * mass;
  double sum = 0.0;
  for (std::size_t i = 0; i < p.size(); ++i) {
    if (used[i]) continue;
    used[i] = 1;
    sum += enumerate(p, used, depth_left - 1, probability * p[i] / (1.0 - mass), mass + p[i]);
    used[i] = 0;
  }
  return sum;
}

}  // namespace

double king_lru_hit_ratio(std::span<const double> probabilities, int buffer_items) {
  if (buffer_items < 0) throw io::InputError("buffer_items", "must be >= 0");
  double total = 0.0;
  for (std::size_t i = 0; i < probabilities.size(); ++i) {
    if (!std::isfinite(probabilities[i]) || probabilities[i] <= 0.0)
      throw io::InputError(io::element_path("probabilities", i), "must be a finite number > 0");
    total += probabilities[i];
  }
  if (probabilities.empty()) throw io::InputError("probabilities", "must not be empty");
  const std::size_t d = probabilities.size();
  if (static_cast<std::size_t>(buffer_items) >= d) return 1.0;
  double states = 1.0;
  for (int k = 0; k < buffer_items; ++k) states *= static_cast<double>(d - k);
  // The limit keeps the oracle an oracle: 10^5 states take milliseconds. The former 10^8 took
  // seconds in Release and minutes under the sanitizers, asked for by an 80-byte `tpeval cache`
  // file (issue #16). Larger buffers have Che's approximation and the exact simulation.
  if (states > kKingMaxStates)
    throw io::InputError("buffer_items",
                         "King's exact method would enumerate " + std::to_string(states) +
                             " stack states (limit 10^5); use the Che approximation or the "
                             "exact simulation");
  std::vector<double> p(probabilities.begin(), probabilities.end());
  for (auto& x : p) x /= total;
  std::vector<char> used(d, 0);
  return enumerate(p, used, buffer_items, 1.0, 0.0);
}

std::vector<double> king_stream_hit_ratios(const std::vector<ReferenceStream>& streams,
                                           int buffer_items) {
  validate_streams(streams);
  // Expand each independent class into single items; the per-class hit ratio is the weighted
  // hit probability of its items, found by enumerating with a per-item attribution.
  std::vector<double> item_rates;
  std::vector<std::size_t> item_stream;
  for (std::size_t i = 0; i < streams.size(); ++i) {
    const auto& s = streams[i];
    if (s.kind == StreamKind::sequential)
      throw io::InputError(io::child_path(io::element_path("streams", i), "kind"),
                           "King's method covers independent classes only, not sequential streams");
    if (s.kind != StreamKind::independent || s.reference_rate <= 0.0) continue;
    if (s.item_count != std::floor(s.item_count) || s.item_count > 64)
      throw io::InputError(io::child_path(io::element_path("streams", i), "item_count"),
                           "King's method needs an integral item count <= 64");
    for (int k = 0; k < static_cast<int>(s.item_count); ++k) {
      item_rates.push_back(s.reference_rate / s.item_count);
      item_stream.push_back(i);
    }
  }
  std::vector<double> result(streams.size(), 0.0);
  for (std::size_t i = 0; i < streams.size(); ++i)
    if (streams[i].kind == StreamKind::repeat) result[i] = buffer_items > 0 ? 1.0 : 0.0;
  if (item_rates.empty()) return result;
  // Hit probability of item j = P(j in the top-C stack); by symmetry within a class all items
  // of a class share it. Compute it as the hit ratio with only item j counted:
  // P(j in stack) = (H(all) contribution of j) / p_j. Enumerate once per class representative.
  const std::size_t d = item_rates.size();
  double total = 0.0;
  for (double r : item_rates) total += r;
  std::vector<double> p(d);
  for (std::size_t j = 0; j < d; ++j) p[j] = item_rates[j] / total;
  if (static_cast<std::size_t>(buffer_items) >= d) {
    for (std::size_t i = 0; i < streams.size(); ++i)
      if (streams[i].kind == StreamKind::independent && streams[i].reference_rate > 0.0)
        result[i] = 1.0;
    return result;
  }
  (void)king_lru_hit_ratio(p, buffer_items);  // validates the state-count limit
  // P(item j in stack) by enumeration of the stack contents.
  std::vector<double> in_stack(d, 0.0);
  std::vector<char> used(d, 0);
  std::vector<std::size_t> stack;
  auto recurse = [&](auto&& self, int depth_left, double probability, double mass) -> void {
    if (depth_left == 0) {
      for (std::size_t j : stack) in_stack[j] += probability;
      return;
    }
    for (std::size_t j = 0; j < d; ++j) {
      if (used[j]) continue;
      used[j] = 1;
      stack.push_back(j);
      self(self, depth_left - 1, probability * p[j] / (1.0 - mass), mass + p[j]);
      stack.pop_back();
      used[j] = 0;
    }
  };
  recurse(recurse, buffer_items, 1.0, 0.0);
  std::vector<double> stream_hits(streams.size(), 0.0), stream_mass(streams.size(), 0.0);
  for (std::size_t j = 0; j < d; ++j) {
    stream_hits[item_stream[j]] += p[j] * in_stack[j];
    stream_mass[item_stream[j]] += p[j];
  }
  for (std::size_t i = 0; i < streams.size(); ++i)
    if (stream_mass[i] > 0.0) result[i] = stream_hits[i] / stream_mass[i];
  return result;
}

}  // namespace tpeval::solver::cache
