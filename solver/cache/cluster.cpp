// Per-node LRU with invalidation in a shared-disk cluster (see cluster.hpp; ch7.md §1.10;
// peers-and-formulas.md §3.5).
#include "solver/cache/cluster.hpp"

#include <cmath>
#include <limits>

#include "solver/cache/che.hpp"
#include "solver/cache/numerics.hpp"
#include "solver/io/json_input.hpp"

namespace tpeval::solver::cache {
namespace {

using detail::kInfinity;
using detail::one_minus_exp;

struct SharedRates {
  double local = 0.0;          // a: per-item reference rate at one node
  double remote_writes = 0.0;  // b: per-item write rate of all other nodes
};

bool is_shared_class(const ReferenceStream& s, int nodes) {
  return s.kind == StreamKind::independent && s.shared && nodes > 1 && s.reference_rate > 0.0;
}

SharedRates shared_rates(const ReferenceStream& s, int nodes) {
  SharedRates r;
  r.local = s.reference_rate / s.item_count;
  r.remote_writes = (nodes - 1) * r.local * s.write_fraction;
  return r;
}

// Occupancy of one stream at one node and its derivative in t (concave increasing in t).
void occupancy(const ReferenceStream& s, const ClusterConfig& config, double t, double* value,
               double* slope) {
  if (!is_shared_class(s, config.node_count)) {
    const std::vector<ReferenceStream> one{s};
    // Reuse Che's stream occupancy; the slope by the closed forms below.
    *value = lru_occupancy(one, t);
    const double r = s.reference_rate;
    if (r <= 0.0 || s.kind == StreamKind::repeat) {
      *slope = 0.0;
    } else if (s.kind == StreamKind::independent) {
      *slope = r * std::exp(-r / s.item_count * t);
    } else {
      const double k = s.references_per_item;
      *slope = r / k + (1.0 - 1.0 / k) * r * std::exp(-r * t);
    }
    return;
  }
  const SharedRates q = shared_rates(s, config.node_count);
  if (config.invalidation == Invalidation::on_request) {
    *value = s.item_count * one_minus_exp(q.local * t);
    *slope = s.reference_rate * std::exp(-q.local * t);
  } else {
    const double total = q.local + q.remote_writes;
    *value = s.item_count * q.local / total * one_minus_exp(total * t);
    *slope = s.reference_rate * std::exp(-total * t);
  }
}

double maximum_occupancy(const std::vector<ReferenceStream>& streams, const ClusterConfig& c) {
  double total = 0.0;
  for (const auto& s : streams) {
    if (s.reference_rate <= 0.0) continue;
    if (s.kind == StreamKind::sequential) return kInfinity;
    if (s.kind != StreamKind::independent) continue;
    if (is_shared_class(s, c.node_count) && c.invalidation == Invalidation::broadcast) {
      const SharedRates q = shared_rates(s, c.node_count);
      total += s.item_count * q.local / (q.local + q.remote_writes);
    } else {
      total += s.item_count;
    }
  }
  return total;
}

}  // namespace

ClusterResult che_cluster(const std::vector<ReferenceStream>& streams,
                          const ClusterConfig& config) {
  validate_streams(streams);
  if (config.node_count < 1) throw io::InputError("node_count", "must be an integer >= 1");
  if (!std::isfinite(config.buffer_items_per_node) || config.buffer_items_per_node < 0.0)
    throw io::InputError("buffer_items_per_node", "must be a finite number >= 0");
  ClusterResult result;
  result.config = config;
  const double capacity = config.buffer_items_per_node;
  const int n = config.node_count;

  // Characteristic time: monotone Newton from below on the concave occupancy (as in che.cpp).
  double t = 0.0;
  if (capacity > 0.0) {
    if (maximum_occupancy(streams, config) <= capacity) {
      t = kInfinity;
    } else {
      for (int iteration = 0; iteration < 500; ++iteration) {
        double value = 0.0, slope = 0.0;
        for (const auto& s : streams) {
          double v = 0.0, d = 0.0;
          occupancy(s, config, t, &v, &d);
          value += v;
          slope += d;
        }
        if (value >= capacity * (1.0 - 1e-15) || !(slope > 0.0)) break;
        const double step = (capacity - value) / slope;
        t += step;
        if (step <= 1e-14 * t) break;
      }
    }
  }
  result.characteristic_time = t;

  const double total_rate = total_reference_rate(streams);
  const bool force = config.write_strategy == WriteStrategy::force;
  for (const auto& s : streams) {
    ClusterStreamResult r;
    r.name = s.name;
    r.reference_rate = s.reference_rate;
    double value = 0.0, slope = 0.0;
    if (std::isinf(t)) {
      value = s.kind == StreamKind::independent && s.reference_rate > 0.0 ? s.item_count : 0.0;
      if (is_shared_class(s, n) && config.invalidation == Invalidation::broadcast) {
        const SharedRates q = shared_rates(s, n);
        value *= q.local / (q.local + q.remote_writes);
      }
    } else {
      occupancy(s, config, t, &value, &slope);
    }
    r.occupancy_items = value;
    if (is_shared_class(s, n)) {
      const SharedRates q = shared_rates(s, n);
      const double total = q.local + q.remote_writes;
      // The local copy is valid iff the last local reference (Exp(a) ago) is younger than t and
      // no remote write came since: integral of a e^{-a u} e^{-b u} over [0, t].
      r.hit_ratio = q.local / total * one_minus_exp(total * t);
      // The most recent referencer anywhere holds the current version; nobody within t -> disk.
      const double nobody = std::isinf(t) ? 0.0 : std::exp(-n * q.local * t);
      r.disk_read_ratio = force ? 1.0 - r.hit_ratio : nobody;
      r.page_request_ratio = force ? 0.0 : std::max(0.0, 1.0 - r.hit_ratio - nobody);
    } else {
      r.hit_ratio = lru_stream_hit_ratio(s, t);
      r.disk_read_ratio = 1.0 - r.hit_ratio;
    }
    const double share = s.reference_rate / total_rate;
    result.hit_ratio += share * r.hit_ratio;
    result.page_request_ratio += share * r.page_request_ratio;
    result.disk_read_ratio += share * r.disk_read_ratio;
    result.streams.push_back(std::move(r));
  }
  return result;
}

std::string to_string(Invalidation invalidation) {
  return invalidation == Invalidation::broadcast ? "broadcast" : "on-request";
}

}  // namespace tpeval::solver::cache
