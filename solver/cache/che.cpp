// Che's characteristic-time approximation of LRU (see che.hpp; Che, Tung & Wang 2002;
// peers-and-formulas.md §3.4; the Debit-Credit form is ch6-5.md A9).
#include "solver/cache/che.hpp"

#include <cmath>
#include <limits>

#include "solver/cache/numerics.hpp"
#include "solver/io/json_input.hpp"

namespace tpeval::solver::cache {
namespace {

using detail::kInfinity;
using detail::one_minus_exp;

struct OccupancyAndSlope {
  double occupancy = 0.0;
  double slope = 0.0;  // d occupancy / dt
};

// Occupancy of one stream at characteristic time t and its derivative. A sequential stream's
// current item is referenced at rate r, so it is buffered with probability 1 - exp(-r t); items
// it finished stay for t after their last reference, and it finishes r/k items per unit time:
// occupancy r t / k + (1 - 1/k)(1 - exp(-r t)) (for k = 1: one new item per reference, r t).
OccupancyAndSlope stream_occupancy(const ReferenceStream& s, double t) {
  const double r = s.reference_rate;
  if (r <= 0.0) return {};
  switch (s.kind) {
    case StreamKind::independent: {
      // One expm1 gives both terms: exp(-x) = 1 + expm1(-x) (the hot loop of Che for 10^6
      // classes is bound by transcendental calls).
      const double exp_minus_one = std::expm1(-(r / s.item_count) * t);
      return {-s.item_count * exp_minus_one, r * (1.0 + exp_minus_one)};
    }
    case StreamKind::sequential: {
      const double k = s.references_per_item;
      const double current = 1.0 - 1.0 / k;
      return {r * t / k + current * one_minus_exp(r * t), r / k + current * r * std::exp(-r * t)};
    }
    case StreamKind::repeat:
      return {};
  }
  return {};
}

// Largest occupancy any characteristic time can give (infinite with a sequential stream).
double maximum_occupancy(const std::vector<ReferenceStream>& streams) {
  double total = 0.0;
  for (const auto& s : streams) {
    if (s.reference_rate <= 0.0) continue;
    if (s.kind == StreamKind::sequential) return kInfinity;
    if (s.kind == StreamKind::independent) total += s.item_count;
  }
  return total;
}

// Newton's method on the concave increasing occupancy g(t), started at t = 0 < root: the
// tangent lies above g, so every iterate stays below the root and the sequence increases
// monotonically to it (no bracketing or damping needed). Hand-written rather than
// boost::math::tools::newton_raphson_iterate because one pass over the classes yields g and g'
// together and the monotone property makes the safeguards of the generic routine unnecessary.
template <class Evaluate>
double solve_concave(Evaluate&& evaluate, double buffer_items) {
  double t = 0.0;
  for (int iteration = 0; iteration < 500; ++iteration) {
    const OccupancyAndSlope g = evaluate(t);
    if (g.occupancy >= buffer_items * (1.0 - 1e-15) || !(g.slope > 0.0)) return t;
    const double step = (buffer_items - g.occupancy) / g.slope;
    t += step;
    // Newton converges quadratically here: after a step of relative size 1e-9 the remaining
    // error is of order 1e-18, so a further confirming pass over the classes is not needed.
    if (step <= 1e-9 * t) return t;
  }
  return t;  // 500 iterations only when C is within 1e-200 of saturation; t is then exact enough
}

}  // namespace

double lru_occupancy(const std::vector<ReferenceStream>& streams, double characteristic_time) {
  if (std::isinf(characteristic_time)) return maximum_occupancy(streams);
  double total = 0.0;
  for (const auto& s : streams) total += stream_occupancy(s, characteristic_time).occupancy;
  return total;
}

double lru_stream_hit_ratio(const ReferenceStream& s, double t) {
  switch (s.kind) {
    case StreamKind::independent:
      if (std::isinf(t)) return 1.0;
      return one_minus_exp(s.reference_rate / s.item_count * t);
    case StreamKind::sequential:
      // The first reference of each item always misses; the others hit when the gap since the
      // previous reference (exponential at rate r) is below t.
      if (std::isinf(t)) return 1.0 - 1.0 / s.references_per_item;
      return (1.0 - 1.0 / s.references_per_item) * one_minus_exp(s.reference_rate * t);
    case StreamKind::repeat:
      return t > 0.0 ? 1.0 : 0.0;  // a zero-size buffer keeps nothing, not even the last item
  }
  return 0.0;
}

double characteristic_time(const std::vector<ReferenceStream>& streams, double buffer_items) {
  validate_streams(streams);
  if (!std::isfinite(buffer_items) || buffer_items < 0.0)
    throw io::InputError("buffer_items", "must be a finite number >= 0");
  if (buffer_items == 0.0) return 0.0;
  if (maximum_occupancy(streams) <= buffer_items) return kInfinity;
  return solve_concave(
      [&](double t) {
        OccupancyAndSlope sum;
        for (const auto& s : streams) {
          const auto g = stream_occupancy(s, t);
          sum.occupancy += g.occupancy;
          sum.slope += g.slope;
        }
        return sum;
      },
      buffer_items);
}

double characteristic_time(std::span<const ItemClass> classes, double buffer_items) {
  if (!std::isfinite(buffer_items) || buffer_items < 0.0)
    throw io::InputError("buffer_items", "must be a finite number >= 0");
  double maximum = 0.0;
  for (std::size_t i = 0; i < classes.size(); ++i) {
    const auto& c = classes[i];
    if (!std::isfinite(c.item_count) || c.item_count < 1.0 || !std::isfinite(c.rate_per_item) ||
        c.rate_per_item < 0.0)
      throw io::InputError(io::element_path("classes", i),
                           "needs item_count >= 1 and a finite rate_per_item >= 0");
    if (c.rate_per_item > 0.0) maximum += c.item_count;
  }
  if (buffer_items == 0.0) return 0.0;
  if (maximum <= buffer_items) return kInfinity;
  return solve_concave(
      [&](double t) {
        double occupancy = 0.0, slope = 0.0;
        for (const auto& c : classes) {
          // One expm1 per class gives both 1 - exp(-x) (accurately for small x) and exp(-x).
          const double exp_minus_one = std::expm1(-c.rate_per_item * t);
          occupancy -= c.item_count * exp_minus_one;
          slope += c.item_count * c.rate_per_item * (1.0 + exp_minus_one);
        }
        return OccupancyAndSlope{occupancy, slope};
      },
      buffer_items);
}

double lru_hit_ratio(std::span<const ItemClass> classes, double buffer_items) {
  const double t = characteristic_time(classes, buffer_items);
  double hits = 0.0, total = 0.0;
  for (const auto& c : classes) {
    const double rate = c.item_count * c.rate_per_item;
    total += rate;
    hits += rate * (std::isinf(t) ? 1.0 : one_minus_exp(c.rate_per_item * t));
  }
  return total > 0.0 ? hits / total : 0.0;
}

LruResult che_lru(const std::vector<ReferenceStream>& streams, double buffer_items) {
  LruResult result;
  result.buffer_items = buffer_items;
  result.characteristic_time = characteristic_time(streams, buffer_items);
  result.all_items_fit = std::isinf(result.characteristic_time);
  const double total = total_reference_rate(streams);
  for (const auto& s : streams) {
    LruStreamResult r;
    r.name = s.name;
    r.reference_rate = s.reference_rate;
    r.hit_ratio = lru_stream_hit_ratio(s, result.characteristic_time);
    if (result.all_items_fit)
      r.occupancy_items =
          (s.kind == StreamKind::independent && s.reference_rate > 0.0) ? s.item_count : 0.0;
    else
      r.occupancy_items = stream_occupancy(s, result.characteristic_time).occupancy;
    result.hit_ratio += s.reference_rate / total * r.hit_ratio;
    result.streams.push_back(std::move(r));
  }
  return result;
}

}  // namespace tpeval::solver::cache
