// Characteristic-time model of the HS / EH / disk-cache hierarchy (see buffer_model.hpp).
//
// Time is counted in transactions of the average mix, so hit ratios do not depend on the arrival
// rate. For a random-access partition with n pages referenced at r per page and transaction, a
// page is in an LRU buffer of characteristic time T with probability 1 - exp(-r T) (Che). The
// second levels use the memoryless gap after an HS eviction: a page evicted from HS and not
// referenced for G ~ Exp(r) is found at the second level when its last touch there lies less than
// that level's characteristic time in the past.
#include "model/buffer_model.hpp"

#include <boost/math/tools/roots.hpp>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>

namespace tpeval::model {
namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();

/// 1 - exp(-x) without cancellation; 1 for x = inf.
double one_minus_exp(double x) {
  return std::isinf(x) ? 1.0 : -std::expm1(-x);
}

/// Smallest T with occupancy(T) = capacity, for occupancy increasing from occupancy(0) = 0.
/// Infinite when the buffer never fills. Boost's TOMS 748 is used rather than hand bisection.
double characteristic_time(const std::function<double(double)>& occupancy, double capacity) {
  if (capacity <= 0) return 0.0;
  double hi = 1.0;
  while (occupancy(hi) < capacity) {
    hi *= 4.0;
    if (hi > 1e15) return kInfinity;
  }
  const double lo = hi > 1.0 ? hi / 4.0 : 0.0;
  std::uintmax_t max_iter = 200;
  const auto f = [&](double t) { return occupancy(t) - capacity; };
  const auto [a, b] = boost::math::tools::toms748_solve(
      f, lo, hi, boost::math::tools::eps_tolerance<double>(40), max_iter);
  return 0.5 * (a + b);
}

struct PageStream {
  bool resident = false;   // main-memory resident: always a hit, no buffer space
  bool clustered = false;  // shares the page just referenced by another partition
  bool append = false;     // append or sequential: each page referenced in one burst
  bool sequential_read = false;
  double pages = 0.0;
  double refs = 0.0;       // record references per transaction
  double rate = 0.0;       // page references per page per transaction (random partitions)
  double new_pages = 0.0;  // pages started per transaction (append / sequential)
  double update_share = 0.0;
  bool in_eh = false;
  bool in_dc = false;
};

}  // namespace

double references_per_tx(const SystemModel& model, std::size_t t, std::size_t p) {
  const auto& type = model.transaction_types[t];
  return type.references * type.reference_shares[p];
}

BufferLevels evaluate_buffers(const SystemModel& model) {
  const Node& node = model.nodes.front();
  const std::size_t np = model.partitions.size();
  double total_mix = 0.0;
  for (const auto& t : model.transaction_types) total_mix += t.mix;

  // Reference and write intensities per average transaction.
  std::vector<double> refs(np, 0.0), writes(np, 0.0);
  for (std::size_t t = 0; t < model.transaction_types.size(); ++t) {
    const double w = model.transaction_types[t].mix / total_mix;
    for (std::size_t p = 0; p < np; ++p) {
      const double r = w * references_per_tx(model, t, p);
      refs[p] += r;
      writes[p] += r * model.transaction_types[t].update_share;
    }
  }
  // Writes to a clustered partition modify the page of its host (TELLER in the BRANCH page).
  std::vector<double> page_writes = writes;
  for (std::size_t p = 0; p < np; ++p)
    if (model.partitions[p].clustered_with)
      page_writes[*model.partitions[p].clustered_with] += writes[p];

  const bool eh_buffer = node.extended_memory.buffer_pages > 0;
  const bool dc_buffer = node.disk_cache.type != DiskCacheType::none && node.disk_cache.pages > 0;
  std::vector<PageStream> s(np);
  for (std::size_t p = 0; p < np; ++p) {
    const auto& part = model.partitions[p];
    auto& x = s[p];
    x.refs = refs[p];
    x.resident = part.allocation.device == "main_memory";
    x.clustered = part.clustered_with.has_value();
    x.append = part.access != AccessPattern::random;
    x.sequential_read = part.access == AccessPattern::sequential;
    x.pages = part.pages();
    x.update_share = refs[p] > 0 ? std::min(1.0, page_writes[p] / refs[p]) : 0.0;
    if (x.append)
      x.new_pages = refs[p] / part.blocking_factor;
    else if (x.pages > 0)
      x.rate = refs[p] / x.pages;
    x.in_eh = eh_buffer && part.allocation.extended_buffer && !x.resident && !x.clustered;
    const int dev = find_device(node, part.allocation.device);
    x.in_dc = dc_buffer && part.allocation.disk_cache && !x.resident && !x.clustered && dev >= 0 &&
              node.devices[dev].type == DeviceType::disk;
  }
  const auto in_buffer = [](const PageStream& x) {
    return !x.resident && !x.clustered && x.refs > 0;
  };

  BufferLevels out;
  out.partitions.resize(np);

  // --- HS (main-memory buffer), Che -----------------------------------------------------------
  const auto hs_occupancy = [&](double t) {
    double occ = 0.0;
    for (const auto& x : s) {
      if (!in_buffer(x)) continue;
      occ += x.append ? x.new_pages * t : x.pages * one_minus_exp(x.rate * t);
    }
    return occ;
  };
  const double t1 = characteristic_time(hs_occupancy, static_cast<double>(node.buffer_pages));
  out.hs_characteristic_time = t1;

  const bool force = model.policies.update_strategy == UpdateStrategy::force;
  std::vector<double> miss(np, 0.0), residency(np, 0.0), stay_out(np, 0.0);
  for (std::size_t p = 0; p < np; ++p) {
    const auto& x = s[p];
    auto& b = out.partitions[p];
    b.references_per_tx = x.refs;
    if (x.resident || x.clustered || x.refs <= 0) {
      b.hs_hit_ratio = 1.0;  // resident (L2376) or the page was just referenced (TELLER, L2525)
      continue;
    }
    const double bf = model.partitions[p].blocking_factor;
    if (x.append) {
      // A new page every bf references; consecutive references to the current page are 1/refs
      // transactions apart and hit while that gap is below T1.
      const double new_page = 1.0 / bf;
      b.hs_hit_ratio = (1.0 - new_page) * one_minus_exp(x.refs * t1);
      const double m = 1.0 - b.hs_hit_ratio;
      b.eviction_ratio = m;
      b.read_miss_ratio = (x.sequential_read || model.policies.append_new_page_read)
                              ? m
                              : std::max(0.0, m - new_page);
      b.modified_probability = 1.0 - std::pow(1.0 - x.update_share, bf);
    } else {
      b.hs_hit_ratio = one_minus_exp(x.rate * t1);
      const double m = 1.0 - b.hs_hit_ratio;
      b.eviction_ratio = m;
      b.read_miss_ratio = m;
      // A residency holds 1/(1-h) references; the page is modified if any of them writes.
      b.modified_probability =
          m > 0 ? 1.0 - std::pow(1.0 - x.update_share, 1.0 / m) : (x.update_share > 0 ? 1.0 : 0.0);
      // Mean residency (transactions) = T1 + E[K] E[Y | Y < T1], K = h/(1-h) re-references.
      const double rt = x.rate * t1;
      double mean_gap = 0.5 * t1;
      if (rt > 1e-6 && std::isfinite(rt))
        mean_gap = 1.0 / x.rate - t1 * std::exp(-rt) / one_minus_exp(rt);
      residency[p] = std::isfinite(t1) && m > 0 ? t1 + (b.hs_hit_ratio / m) * mean_gap : kInfinity;
    }
    miss[p] = 1.0 - b.hs_hit_ratio;
    stay_out[p] = miss[p];  // = exp(-r T1) for random partitions
    auto& mig = b.migration_probability;
    switch (model.partitions[p].allocation.migration) {
      case Migration::all:
        mig = 1.0;
        break;
      case Migration::modified:
        mig = b.modified_probability;
        break;
      case Migration::unmodified:
        mig = 1.0 - b.modified_probability;
        break;
    }
    if (!x.in_eh) mig = 0.0;
  }

  // --- EH extended buffer: exclusive under NOFORCE (L2374, A9), replicas under FORCE ------------
  const bool replicas = force && model.policies.force_writes_to_extended_buffer;
  if (eh_buffer && std::isfinite(t1)) {
    const auto eh_occupancy = [&](double t2) {
      double occ = 0.0;
      for (std::size_t p = 0; p < np; ++p) {
        const auto& x = s[p];
        if (!x.in_eh || !in_buffer(x)) continue;
        const double f = out.partitions[p].migration_probability;
        if (x.append) {
          occ += x.new_pages * f * t2;
          if (replicas) occ += x.new_pages * std::min(t1, t2);
        } else {
          occ += x.pages * f * stay_out[p] * one_minus_exp(x.rate * t2);
          // FORCE: pages written at commit stay in HS and are replicated in EH (L2374).
          if (replicas) occ += x.pages * one_minus_exp(x.rate * x.update_share * std::min(t1, t2));
        }
      }
      return occ;
    };
    const double t2 =
        characteristic_time(eh_occupancy, static_cast<double>(node.extended_memory.buffer_pages));
    out.eh_characteristic_time = t2;
    for (std::size_t p = 0; p < np; ++p) {
      const auto& x = s[p];
      if (!x.in_eh || !in_buffer(x) || x.append) continue;
      auto& b = out.partitions[p];
      b.eh_hit_ratio = b.migration_probability * stay_out[p] * one_minus_exp(x.rate * t2);
    }
  }

  // --- Disk cache: read misses insert; writes of modified pages allocate (NV) or update (vol.) --
  if (dc_buffer && std::isfinite(t1)) {
    const bool nv = node.disk_cache.type == DiskCacheType::non_volatile;
    // Probability that the page is found at the next HS read miss, given the DC time t3.
    const auto found = [&](std::size_t p, double t3) {
      const auto& x = s[p];
      const auto& b = out.partitions[p];
      const double d = residency[p];
      const double mod = b.modified_probability;
      const auto q = [&](double offset) {
        return std::isfinite(offset) ? one_minus_exp(x.rate * std::max(0.0, t3 - offset)) : 0.0;
      };
      if (!force) {
        // NOFORCE: a dirty victim is written at eviction (offset 0): NV always inserts
        // (write-allocate), a volatile cache only refreshes a page it still holds (write-update).
        const double dirty_offset = (nv || d < t3) ? 0.0 : d;
        return mod * q(dirty_offset) + (1.0 - mod) * q(d);
      }
      // FORCE: the commit write happened at the last reference, T1 before the eviction.
      const double write_offset = (nv || d - t1 < t3) ? t1 : d;
      return mod * q(write_offset) + (1.0 - mod) * q(d);
    };
    const auto dc_occupancy = [&](double t3) {
      double occ = 0.0;
      for (std::size_t p = 0; p < np; ++p) {
        const auto& x = s[p];
        if (!x.in_dc || !in_buffer(x)) continue;
        if (x.append) {
          if (nv || x.sequential_read || model.policies.append_new_page_read)
            occ += x.new_pages * t3;
          continue;
        }
        const auto& b = out.partitions[p];
        double in_hs = x.pages * b.hs_hit_ratio *
                       (std::isfinite(residency[p]) ? std::min(1.0, t3 / residency[p]) : 0.0);
        if (force && nv)
          in_hs =
              std::max(in_hs, x.pages * one_minus_exp(x.rate * x.update_share * std::min(t1, t3)));
        occ += in_hs + x.pages * stay_out[p] * found(p, t3);
      }
      return occ;
    };
    const double t3 = characteristic_time(dc_occupancy, static_cast<double>(node.disk_cache.pages));
    out.dc_characteristic_time = t3;
    for (std::size_t p = 0; p < np; ++p) {
      const auto& x = s[p];
      if (!x.in_dc || !in_buffer(x) || x.append) continue;
      auto& b = out.partitions[p];
      b.dc_hit_ratio = std::max(0.0, stay_out[p] * found(p, t3) - b.eh_hit_ratio);
    }
  }

  double total_refs = 0.0;
  for (std::size_t p = 0; p < np; ++p) {
    const auto& b = out.partitions[p];
    total_refs += b.references_per_tx;
    out.hs_hit_ratio += b.references_per_tx * b.hs_hit_ratio;
    out.eh_hit_ratio += b.references_per_tx * b.eh_hit_ratio;
    out.dc_hit_ratio += b.references_per_tx * b.dc_hit_ratio;
  }
  if (total_refs > 0) {
    out.hs_hit_ratio /= total_refs;
    out.eh_hit_ratio /= total_refs;
    out.dc_hit_ratio /= total_refs;
  }
  return out;
}

}  // namespace tpeval::model
