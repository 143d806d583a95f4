// Two-level buffer hierarchy by Che (level 1) and a TTL model of level 2 (see hierarchy.hpp).
//
// Cycle model. For an item of an independent class (per-item rate lambda) and level-1
// characteristic time t1, a cycle starts with a level-1 miss at time 0. The item then stays in
// level 1 while successive gaps are below t1: K references in all (geometric, continuation
// probability q = 1 - exp(-lambda t1)), the last at time R; it is evicted at V = R + t1 and
// referenced again (the next miss) at L = V + E with E ~ Exp(lambda) (memoryless). E[L] =
// exp(lambda t1) / lambda, the mean time between misses. R is 0 when K = 1 (probability 1 - q)
// and otherwise the sum of K - 1 gaps truncated to [0, t1]; we replace that sum by an
// exponential with the same mean, which keeps every quantity below in closed form. A sequential
// item has one cycle: k references (gaps Exp(r), all level-1 hits in practice), R = (k-1)/r, and
// no next reference. Level 2 keeps an item for T2 after its last insertion or touch (a TTL
// cache; Fricker, Robert & Roberts 2012 explain why this is accurate for LRU); which events
// touch level 2 follows ch6-5.md §1.7-1.11 and A10 rules 1-5:
//   NV disk cache, NOFORCE: touch at 0 (read miss inserts), at V if dirty (write-allocate).
//   volatile disk cache, NOFORCE: touch at 0; at V only if still present (write-update).
//   disk caches, FORCE: touch at 0 and at every commit write during the residence (NV always
//     inserts; volatile only while present); victims are clean and never written.
//   extended memory, NOFORCE: exclusive; touch at V when the victim migrates (policy); a hit
//     removes the item from level 2.
//   extended memory, FORCE: commit writes insert (policy all|modified), clean victims migrate
//     at V (policy all|unmodified); a hit removes the item.
// The next miss is a level-2 hit iff the last touch is younger than T2. The level-2 occupancy
// of a class is (cycles per unit time) x (expected time in level 2 per cycle), and T2 solves
// occupancy = level2_items (Boost.Math TOMS 748 on a doubling bracket; the occupancy is
// increasing in T2 but not concave, so the monotone Newton of che.cpp does not apply).
#include "solver/cache/hierarchy.hpp"

#include <boost/math/tools/roots.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <utility>

#include "solver/cache/che.hpp"
#include "solver/cache/numerics.hpp"
#include "solver/io/json_input.hpp"

namespace tpeval::solver::cache {
namespace {

using detail::kInfinity;
using detail::one_minus_exp;

// P(X + Y <= s) for independent X ~ Exp(a), Y ~ Exp(b) (hypoexponential distribution).
double sum_cdf(double a, double b, double s) {
  if (s <= 0.0) return 0.0;
  if (std::isinf(s)) return 1.0;
  if (std::abs(a - b) <= 1e-6 * std::max(a, b)) return 1.0 - std::exp(-b * s) * (1.0 + b * s);
  return 1.0 - (b * std::exp(-a * s) - a * std::exp(-b * s)) / (b - a);
}

// E[min(X + Y, s)] = integral over [0, s] of P(X + Y > u).
double sum_truncated_mean(double a, double b, double s) {
  if (s <= 0.0) return 0.0;
  if (std::abs(a - b) <= 1e-6 * std::max(a, b)) {
    if (std::isinf(s)) return 2.0 / b;
    return (2.0 * one_minus_exp(b * s) - b * s * std::exp(-b * s)) / b;
  }
  return (b * one_minus_exp(a * s) / a - a * one_minus_exp(b * s) / b) / (b - a);
}

enum class ResidenceShape { zero, exponential, fixed };

// One kind of cycle: how long the level-1 residence lasts, how the item is re-referenced, and
// the gap distribution inside the residence.
struct Cycle {
  double rate = 0.0;   // cycles per unit time of this kind
  double dirty = 0.0;  // probability that the residence modified the item
  ResidenceShape shape = ResidenceShape::zero;
  double residence_rate = 0.0;       // exponential: 1 / E[R]
  double residence_fixed = 0.0;      // fixed: R
  double next_rate = 0.0;            // rate of E; 0 = never referenced again
  double gaps = 0.0;                 // expected number of gaps (references - 1) in the residence
  double gap_rate = 0.0;             // per-item reference rate inside the residence
  bool gaps_truncated = false;       // independent items: gaps conditioned to be below t1
  double continuation = 0.0;         // independent: q; sequential: unused
  double references_per_item = 1.0;  // sequential: k
  bool independent = true;
};

struct Level2Outcome {
  double hit = 0.0;           // probability that the miss ending the cycle is a level-2 hit
  double occupancy = 0.0;     // expected time in level 2 per cycle
  double writes = 0.0;        // victims written or migrated into level 2 per cycle
  double commit_share = 0.0;  // FORCE: share of the cycle's commit writes entering level 2
};

class CycleMath {
 public:
  CycleMath(const Cycle& c, double t1, double t2) : c_(c), t1_(t1), t2_(t2), s_(t2 - t1) {}

  double p_next() const { return c_.next_rate > 0.0 ? one_minus_exp(c_.next_rate * t2_) : 0.0; }
  double min_next() const {
    return c_.next_rate > 0.0 ? one_minus_exp(c_.next_rate * t2_) / c_.next_rate : t2_;
  }
  // P(R + t1 < T2) and E[min(R + t1, T2)].
  double p_evict_young() const {
    if (!(s_ > 0.0)) return 0.0;
    switch (c_.shape) {
      case ResidenceShape::zero:
        return 1.0;
      case ResidenceShape::exponential:
        return one_minus_exp(c_.residence_rate * s_);
      case ResidenceShape::fixed:
        return c_.residence_fixed < s_ ? 1.0 : 0.0;
    }
    return 0.0;
  }
  double min_evict() const {
    if (!(s_ > 0.0)) return t2_;
    switch (c_.shape) {
      case ResidenceShape::zero:
        return t1_;
      case ResidenceShape::exponential:
        return t1_ + one_minus_exp(c_.residence_rate * s_) / c_.residence_rate;
      case ResidenceShape::fixed:
        return std::min(c_.residence_fixed + t1_, t2_);
    }
    return t2_;
  }
  // P(R + t1 + E < T2) and E[min(R + t1 + E, T2)]: the whole cycle since the miss.
  double p_cycle_young() const {
    if (!(s_ > 0.0) || c_.next_rate <= 0.0) return 0.0;
    switch (c_.shape) {
      case ResidenceShape::zero:
        return one_minus_exp(c_.next_rate * s_);
      case ResidenceShape::exponential:
        return sum_cdf(c_.residence_rate, c_.next_rate, s_);
      case ResidenceShape::fixed:
        return s_ > c_.residence_fixed ? one_minus_exp(c_.next_rate * (s_ - c_.residence_fixed))
                                       : 0.0;
    }
    return 0.0;
  }
  double min_cycle() const {
    if (!(s_ > 0.0) || c_.next_rate <= 0.0) return t2_;
    switch (c_.shape) {
      case ResidenceShape::zero:
        return t1_ + one_minus_exp(c_.next_rate * s_) / c_.next_rate;
      case ResidenceShape::exponential:
        return t1_ + sum_truncated_mean(c_.residence_rate, c_.next_rate, s_);
      case ResidenceShape::fixed:
        if (s_ <= c_.residence_fixed) return t2_;
        return c_.residence_fixed + t1_ +
               one_minus_exp(c_.next_rate * (s_ - c_.residence_fixed)) / c_.next_rate;
    }
    return t2_;
  }
  // P(t1 + E < T2) and E[min(t1 + E, T2)]: since the last reference of the residence.
  double p_after_last() const {
    if (!(s_ > 0.0) || c_.next_rate <= 0.0) return 0.0;
    return one_minus_exp(c_.next_rate * s_);
  }
  double min_after_last() const {
    if (!(s_ > 0.0)) return t2_;
    if (c_.next_rate <= 0.0) return t2_;
    return t1_ + one_minus_exp(c_.next_rate * s_) / c_.next_rate;
  }
  // Gaps inside the residence: P(gap < T2) and E[min(gap, T2)].
  double p_gap() const {
    if (c_.gaps_truncated) {
      if (t2_ >= t1_) return 1.0;
      return one_minus_exp(c_.gap_rate * t2_) / c_.continuation;
    }
    return one_minus_exp(c_.gap_rate * t2_);
  }
  double min_gap() const {
    const double lambda = c_.gap_rate;
    if (c_.gaps_truncated) {
      if (t2_ >= t1_) return truncated_gap_mean(lambda, t1_);
      return (one_minus_exp(lambda * t2_) / lambda - t2_ * std::exp(-lambda * t1_)) /
             c_.continuation;
    }
    return one_minus_exp(lambda * t2_) / lambda;
  }
  // Write-allocate during the residence: every write re-inserts, so each gap is covered up to T2.
  double covered_residence() const { return c_.gaps > 0.0 ? c_.gaps * min_gap() : 0.0; }
  // Write-update during the residence: the item stays only while no gap exceeds T2.
  // `passed`: expected gaps survived before the first one above T2 (writes that still find the
  // item and refresh it).
  void volatile_chain(double* covered, double* survives, double* passed) const {
    if (!(c_.gaps > 0.0)) {
      *covered = 0.0;
      *survives = 1.0;
      *passed = 0.0;
      return;
    }
    const double p = p_gap();
    double examined = 0.0;
    if (c_.independent) {
      const double q = c_.continuation;
      examined = 1.0 / (1.0 - q * p);
      *survives = (1.0 - q) * p / (1.0 - q * p);
      *passed = p / (1.0 - q * p);
    } else {
      const double n = c_.gaps;
      examined = p >= 1.0 ? n : (1.0 - std::pow(p, n)) / (1.0 - p);
      *survives = std::pow(p, n);
      *passed = p * examined;
    }
    *covered = examined * min_gap();
  }

  // Mean of Exp(lambda) conditioned to [0, t]: (1/lambda)(1 - x / (e^x - 1)), x = lambda t.
  static double truncated_gap_mean(double lambda, double t) {
    const double x = lambda * t;
    if (std::isinf(x)) return 1.0 / lambda;
    const double ratio = x < 1e-4 ? x / 2.0 - x * x / 12.0 : 1.0 - x / std::expm1(x);
    return ratio / lambda;
  }

 private:
  const Cycle& c_;
  double t1_, t2_, s_;
};

// Level 2 as seen by stream i: none when the stream bypasses it, and its own migration policy.
HierarchyConfig stream_config(const HierarchyConfig& config, std::size_t i) {
  HierarchyConfig c = config;
  if (i < config.admission.size()) {
    if (!config.admission[i].admitted) c.level2 = Level2Kind::none;
    c.policy = config.admission[i].policy;
  }
  return c;
}

Level2Outcome level2_outcome(const Cycle& c, const HierarchyConfig& config, double t1, double t2,
                             bool dirty) {
  const CycleMath m(c, t1, t2);
  Level2Outcome o;
  const bool force = config.write_strategy == WriteStrategy::force;
  switch (config.level2) {
    case Level2Kind::none:
      return o;
    case Level2Kind::nonvolatile_disk_cache:
      if (force && dirty) {
        o.hit = m.p_after_last();
        o.occupancy = m.covered_residence() + m.min_after_last();
        o.commit_share = 1.0;
      } else if (!force && dirty) {
        o.hit = m.p_next();
        o.occupancy = m.min_evict() + m.min_next();
        o.writes = 1.0;
      } else {
        o.hit = m.p_cycle_young();
        o.occupancy = m.min_cycle();
      }
      return o;
    case Level2Kind::volatile_disk_cache:
      if (force && dirty) {
        double covered = 0.0, survives = 0.0, passed = 0.0;
        m.volatile_chain(&covered, &survives, &passed);
        o.hit = survives * m.p_after_last();
        o.occupancy = covered + survives * m.min_after_last();
        // The first write finds the item just inserted by the read miss; later ones only until
        // the first gap above T2.
        o.commit_share = (1.0 + passed) / (1.0 + c.gaps);
      } else if (!force && dirty) {
        const double present = m.p_evict_young();
        o.hit = present * m.p_next();
        o.occupancy = m.min_evict() + present * m.min_next();
        o.writes = present;
      } else {
        o.hit = m.p_cycle_young();
        o.occupancy = m.min_cycle();
      }
      return o;
    case Level2Kind::extended_memory: {
      const MigrationPolicy p = config.policy;
      if (!force) {
        const bool migrates = p == MigrationPolicy::all ||
                              (p == MigrationPolicy::modified && dirty) ||
                              (p == MigrationPolicy::unmodified && !dirty);
        if (migrates) {
          o.hit = m.p_next();
          o.occupancy = m.min_next();
          o.writes = 1.0;
        }
        return o;
      }
      const bool commit_to_level2 = dirty && p != MigrationPolicy::unmodified;
      const bool victim_to_level2 = p != MigrationPolicy::modified;
      if (commit_to_level2) {
        o.occupancy = m.covered_residence();
        o.commit_share = 1.0;
        if (victim_to_level2) {
          o.occupancy += std::min(t1, t2) + m.min_next();
          o.hit = m.p_next();
          o.writes = 1.0;
        } else {
          o.occupancy += m.min_after_last();
          o.hit = m.p_after_last();
        }
      } else if (victim_to_level2) {
        o.hit = m.p_next();
        o.occupancy = m.min_next();
        o.writes = 1.0;
      }
      return o;
    }
  }
  return o;
}

// Cycles of one stream at level-1 characteristic time t1 (each with its dirty probability).
std::vector<Cycle> stream_cycles(const ReferenceStream& s, double t1) {
  std::vector<Cycle> cycles;
  if (s.reference_rate <= 0.0 || s.kind == StreamKind::repeat) return cycles;
  const double w = s.write_fraction;
  if (s.kind == StreamKind::sequential) {
    Cycle c;
    c.independent = false;
    const double k = s.references_per_item;
    c.rate = s.reference_rate / k;
    c.dirty = 1.0 - std::pow(1.0 - w, k);
    c.shape = k > 1.0 ? ResidenceShape::fixed : ResidenceShape::zero;
    c.residence_fixed = (k - 1.0) / s.reference_rate;
    c.gaps = k - 1.0;
    c.gap_rate = s.reference_rate;
    c.references_per_item = k;
    cycles.push_back(c);
    return cycles;
  }
  if (std::isinf(t1)) return cycles;  // never a miss
  const double lambda = s.reference_rate / s.item_count;
  const double miss = std::exp(-lambda * t1);  // per reference
  const double q = 1.0 - miss;
  const double miss_rate = s.reference_rate * miss;
  Cycle single;  // K = 1: R = 0
  single.rate = miss_rate * (1.0 - q);
  single.dirty = w;
  single.shape = ResidenceShape::zero;
  single.next_rate = lambda;
  single.gap_rate = lambda;
  single.gaps_truncated = true;
  single.continuation = q;
  if (single.rate > 0.0) cycles.push_back(single);
  if (q > 0.0) {
    Cycle several = single;  // K >= 2: R approximated by an exponential with the exact mean
    several.rate = miss_rate * q;
    several.dirty = 1.0 - (1.0 - w) * (1.0 - w) * (1.0 - q) / (1.0 - q * (1.0 - w));
    several.shape = ResidenceShape::exponential;
    const double mean_gap = CycleMath::truncated_gap_mean(lambda, t1);
    several.residence_rate = (1.0 - q) / mean_gap;  // E[R | K >= 2] = E[gap] / (1 - q)
    several.gaps = 1.0 / (1.0 - q);
    if (several.rate > 0.0 && std::isfinite(several.residence_rate) && several.residence_rate > 0.0)
      cycles.push_back(several);
  }
  return cycles;
}

double level2_occupancy(const std::vector<std::vector<Cycle>>& cycles,
                        const HierarchyConfig& config, double t1, double t2) {
  double total = 0.0;
  for (std::size_t i = 0; i < cycles.size(); ++i)
    for (const auto& c : cycles[i]) {
      const HierarchyConfig own = stream_config(config, i);
      const auto dirty = level2_outcome(c, own, t1, t2, true);
      const auto clean = level2_outcome(c, own, t1, t2, false);
      // A branch that never happens adds nothing, also when its occupancy is infinite (a
      // sequential item never re-referenced stays forever at T2 = infinity): 0 x inf is NaN.
      const auto share = [](double p, double occupancy) { return p > 0.0 ? p * occupancy : 0.0; };
      total += c.rate * (share(c.dirty, dirty.occupancy) + share(1.0 - c.dirty, clean.occupancy));
    }
  return total;
}

void validate_config(const HierarchyConfig& config) {
  if (!std::isfinite(config.level1_items) || config.level1_items < 0.0)
    throw io::InputError("level1_items", "must be a finite number >= 0");
  if (!std::isfinite(config.level2_items) || config.level2_items < 0.0)
    throw io::InputError("level2_items", "must be a finite number >= 0");
}

void validate_admission(const HierarchyConfig& config, std::size_t streams) {
  if (!config.admission.empty() && config.admission.size() != streams)
    throw io::InputError("admission", "must be empty or have one entry per stream (" +
                                          std::to_string(streams) + "), not " +
                                          std::to_string(config.admission.size()));
}

}  // namespace

HierarchyResult che_hierarchy(const std::vector<ReferenceStream>& streams,
                              const HierarchyConfig& config) {
  validate_streams(streams);
  validate_config(config);
  validate_admission(config, streams.size());
  HierarchyResult result;
  result.config = config;
  const LruResult level1 = che_lru(streams, config.level1_items);
  const double t1 = level1.characteristic_time;
  result.level1_characteristic_time = t1;
  const bool has_level2 = config.level2 != Level2Kind::none && config.level2_items > 0.0;

  std::vector<std::vector<Cycle>> cycles;
  for (const auto& s : streams) cycles.push_back(stream_cycles(s, t1));

  double t2 = 0.0;
  if (has_level2) {
    const double capacity = config.level2_items;
    if (level2_occupancy(cycles, config, t1, kInfinity) <= capacity) {
      t2 = kInfinity;
    } else {
      auto f = [&](double t) { return level2_occupancy(cycles, config, t1, t) - capacity; };
      double hi =
          std::max({std::isfinite(t1) ? t1 : 0.0, capacity / total_reference_rate(streams), 1e-12});
      for (int i = 0; i < 2000 && f(hi) < 0.0 && std::isfinite(hi); ++i) hi *= 2.0;
      if (!(std::isfinite(hi) && f(hi) >= 0.0))
        throw std::logic_error("che_hierarchy: no finite level-2 characteristic time fills " +
                               std::to_string(capacity) + " items");
      double lo = 0.0;
      std::uintmax_t max_iterations = 200;
      const auto root = boost::math::tools::toms748_solve(
          f, lo, hi, f(lo), f(hi), boost::math::tools::eps_tolerance<double>(48), max_iterations);
      t2 = 0.5 * (root.first + root.second);
    }
  }
  result.level2_characteristic_time = t2;

  const bool force = config.write_strategy == WriteStrategy::force;
  const double total_rate = total_reference_rate(streams);
  for (std::size_t i = 0; i < streams.size(); ++i) {
    const auto& s = streams[i];
    HierarchyStreamResult r;
    r.name = s.name;
    r.reference_rate = s.reference_rate;
    r.level1_hit_ratio = level1.streams[i].hit_ratio;
    r.level1_occupancy_items = level1.streams[i].occupancy_items;
    double level2_hits_per_time = 0.0, level2_writes = 0.0, dirty_victims = 0.0;
    double cycle_references = 0.0, committed_to_level2 = 0.0;
    const HierarchyConfig own = stream_config(config, i);
    for (const auto& c : cycles[i]) {
      dirty_victims += c.rate * c.dirty;
      r.level1_miss_rate += c.rate;
      if (!has_level2) continue;
      const auto dirty = level2_outcome(c, own, t1, t2, true);
      const auto clean = level2_outcome(c, own, t1, t2, false);
      cycle_references += c.rate * (1.0 + c.gaps);
      committed_to_level2 += c.rate * (1.0 + c.gaps) * dirty.commit_share;
      // A sequential item is never referenced after its cycle: no level-2 hit to count.
      if (c.next_rate > 0.0)
        level2_hits_per_time += c.rate * (c.dirty * dirty.hit + (1.0 - c.dirty) * clean.hit);
      level2_writes += c.rate * (c.dirty * dirty.writes + (1.0 - c.dirty) * clean.writes);
      r.level2_occupancy_items +=
          c.rate * (c.dirty * dirty.occupancy + (1.0 - c.dirty) * clean.occupancy);
    }
    if (s.reference_rate > 0.0) {
      r.level2_hit_ratio =
          std::min(level2_hits_per_time / s.reference_rate, 1.0 - r.level1_hit_ratio);
      r.miss_ratio = std::max(0.0, 1.0 - r.level1_hit_ratio - r.level2_hit_ratio);
    }
    r.disk_read_rate = s.reference_rate * r.miss_ratio;
    r.level2_read_rate = s.reference_rate * r.level2_hit_ratio;
    r.modified_victim_rate = dirty_victims;
    r.level2_victim_write_rate = level2_writes;
    if (s.kind != StreamKind::repeat) {
      if (force)
        r.commit_write_rate = s.reference_rate * s.write_fraction;
      else
        r.dirty_writeback_rate = dirty_victims;
    }
    // Commit writes are exactly rate x write_fraction; the cycles only say which share of them
    // enters level 2 (weighted by the references per cycle).
    if (force && cycle_references > 0.0)
      level2_writes += r.commit_write_rate * committed_to_level2 / cycle_references;
    r.level2_write_rate = level2_writes;
    r.disk_write_rate = r.dirty_writeback_rate + r.commit_write_rate;

    add_stream(result, std::move(r), total_rate > 0.0 ? s.reference_rate / total_rate : 0.0);
  }
  return result;
}

void add_stream(HierarchyResult& total, HierarchyStreamResult stream, double reference_share) {
  total.level1_hit_ratio += reference_share * stream.level1_hit_ratio;
  total.level2_hit_ratio += reference_share * stream.level2_hit_ratio;
  total.miss_ratio += reference_share * stream.miss_ratio;
  total.disk_read_rate += stream.disk_read_rate;
  total.level2_read_rate += stream.level2_read_rate;
  total.dirty_writeback_rate += stream.dirty_writeback_rate;
  total.commit_write_rate += stream.commit_write_rate;
  total.level2_write_rate += stream.level2_write_rate;
  total.disk_write_rate += stream.disk_write_rate;
  total.streams.push_back(std::move(stream));
}

std::string to_string(Level2Kind kind) {
  switch (kind) {
    case Level2Kind::none:
      return "none";
    case Level2Kind::extended_memory:
      return "eh";
    case Level2Kind::volatile_disk_cache:
      return "volatile-cache";
    case Level2Kind::nonvolatile_disk_cache:
      return "nv-cache";
  }
  return "none";
}

std::string to_string(MigrationPolicy policy) {
  switch (policy) {
    case MigrationPolicy::all:
      return "all";
    case MigrationPolicy::modified:
      return "modified";
    case MigrationPolicy::unmodified:
      return "unmodified";
  }
  return "all";
}

std::string to_string(WriteStrategy strategy) {
  return strategy == WriteStrategy::force ? "force" : "noforce";
}

}  // namespace tpeval::solver::cache
