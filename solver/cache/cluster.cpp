// Per-node LRU with invalidation in a shared-disk cluster (see cluster.hpp; ch7.md §1.10;
// peers-and-formulas.md §3.5).
#include "solver/cache/cluster.hpp"

#include <cmath>
#include <limits>
#include <string>

#include "solver/cache/che.hpp"
#include "solver/cache/numerics.hpp"
#include "solver/io/json_input.hpp"

namespace tpeval::solver::cache {
namespace {

using detail::kInfinity;
using detail::one_minus_exp;

struct SharedRates {
  double local = 0.0;          // a_i: per-item reference rate at this node
  double remote_writes = 0.0;  // b_i: per-item write rate of all other nodes
  double all = 0.0;            // sum_j a_j
};

int referencing_nodes(const NodeStream& s) {
  int k = 0;
  for (double r : s.reference_rate) k += r > 0.0 ? 1 : 0;
  return k;
}

bool is_shared_class(const NodeStream& s) {
  return s.kind == StreamKind::independent && s.shared && referencing_nodes(s) > 1;
}

SharedRates shared_rates(const NodeStream& s, std::size_t node) {
  SharedRates r;
  for (std::size_t j = 0; j < s.reference_rate.size(); ++j) {
    const double a = s.reference_rate[j] / s.item_count;
    r.all += a;
    if (j == node)
      r.local = a;
    else
      r.remote_writes += a * s.write_fraction;
  }
  return r;
}

ReferenceStream private_view(const NodeStream& s, std::size_t node) {
  ReferenceStream r;
  r.name = s.name;
  r.kind = s.kind;
  r.item_count = s.item_count;
  r.reference_rate = s.reference_rate[node];
  r.references_per_item = s.references_per_item;
  r.write_fraction = s.write_fraction;
  r.shared = false;
  return r;
}

// Occupancy of one stream at one node and its derivative in t (concave increasing in t).
void occupancy(const NodeStream& s, std::size_t node, Invalidation inv, double t, double* value,
               double* slope) {
  const double r = s.reference_rate[node];
  if (!is_shared_class(s)) {
    const std::vector<ReferenceStream> one{private_view(s, node)};
    *value = lru_occupancy(one, t);  // Che's stream occupancy; the slope by the closed forms
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
  const SharedRates q = shared_rates(s, node);
  if (q.local <= 0.0) {
    *value = *slope = 0.0;
  } else if (inv == Invalidation::on_request) {
    *value = s.item_count * one_minus_exp(q.local * t);
    *slope = r * std::exp(-q.local * t);
  } else {
    const double total = q.local + q.remote_writes;
    *value = s.item_count * q.local / total * one_minus_exp(total * t);
    *slope = r * std::exp(-total * t);
  }
}

double maximum_occupancy(const std::vector<NodeStream>& streams, std::size_t node,
                         Invalidation inv) {
  double total = 0.0;
  for (const auto& s : streams) {
    if (s.reference_rate[node] <= 0.0) continue;
    if (s.kind == StreamKind::sequential) return kInfinity;
    if (s.kind != StreamKind::independent) continue;
    if (is_shared_class(s) && inv == Invalidation::broadcast) {
      const SharedRates q = shared_rates(s, node);
      total += s.item_count * q.local / (q.local + q.remote_writes);
    } else {
      total += s.item_count;
    }
  }
  return total;
}

// Characteristic time of one node: monotone Newton from below on the concave occupancy (as in
// che.cpp).
double characteristic_time(const std::vector<NodeStream>& streams, std::size_t node,
                           double capacity, Invalidation inv) {
  if (capacity <= 0.0) return 0.0;
  if (maximum_occupancy(streams, node, inv) <= capacity) return kInfinity;
  double t = 0.0;
  for (int iteration = 0; iteration < 500; ++iteration) {
    double value = 0.0, slope = 0.0;
    for (const auto& s : streams) {
      double v = 0.0, d = 0.0;
      occupancy(s, node, inv, t, &v, &d);
      value += v;
      slope += d;
    }
    if (value >= capacity * (1.0 - 1e-15) || !(slope > 0.0)) break;
    const double step = (capacity - value) / slope;
    t += step;
    if (step <= 1e-14 * t) break;
  }
  return t;
}

// Level-1 hit ratio of a copy kept for t after its last local reference: valid unless another
// node wrote the item since (shared classes), Che's stream hit ratio otherwise.
double valid_hit_ratio(const NodeStream& s, std::size_t node, double t) {
  if (!is_shared_class(s)) return lru_stream_hit_ratio(private_view(s, node), t);
  const SharedRates q = shared_rates(s, node);
  const double total = q.local + q.remote_writes;
  return q.local / total * one_minus_exp(total * t);
}

// Occupancy of one stream at one node as t grows without bound.
double stream_maximum_occupancy(const NodeStream& s, std::size_t node, Invalidation inv) {
  if (s.reference_rate[node] <= 0.0) return 0.0;
  if (s.kind == StreamKind::sequential) return kInfinity;
  if (s.kind != StreamKind::independent) return 0.0;
  if (is_shared_class(s) && inv == Invalidation::broadcast) {
    const SharedRates q = shared_rates(s, node);
    return s.item_count * q.local / (q.local + q.remote_writes);
  }
  return s.item_count;
}

// Share of a stream's level-1 victims that enter level 2, given the probability m that a victim
// holds a modification.
double entry_probability(const NodeStream& s, double modified) {
  if (!s.level2_admitted) return 0.0;
  switch (s.level2_policy) {
    case MigrationPolicy::modified:
      return modified;
    case MigrationPolicy::unmodified:
      return 1.0 - modified;
    case MigrationPolicy::all:
      break;
  }
  return 1.0;
}

// Level-2 characteristic time t_2 of one node behind level 1's t_1: the admitted victims fill it,
// sum_s f_s (N_s(t_1 + t_2) - N_s(t_1)) = capacity (concave increasing in t_2: Newton from below).
double level2_time(const std::vector<NodeStream>& streams, const std::vector<double>& entry,
                   std::size_t node, double t1, double capacity, Invalidation inv) {
  if (capacity <= 0.0 || std::isinf(t1)) return 0.0;
  const auto fill = [&](double t2, double* slope) {
    double value = 0.0;
    *slope = 0.0;
    for (std::size_t k = 0; k < streams.size(); ++k) {
      if (entry[k] <= 0.0) continue;
      double at1 = 0.0, d1 = 0.0, at2 = 0.0, d2 = 0.0;
      occupancy(streams[k], node, inv, t1, &at1, &d1);
      occupancy(streams[k], node, inv, t1 + t2, &at2, &d2);
      value += entry[k] * (at2 - at1);
      *slope += entry[k] * d2;
    }
    return value;
  };
  double most = 0.0;
  for (std::size_t k = 0; k < streams.size(); ++k) {
    if (entry[k] <= 0.0) continue;
    double at1 = 0.0, d1 = 0.0;
    occupancy(streams[k], node, inv, t1, &at1, &d1);
    most += entry[k] * (stream_maximum_occupancy(streams[k], node, inv) - at1);
  }
  if (most <= capacity) return kInfinity;
  double t2 = 0.0;
  for (int iteration = 0; iteration < 500; ++iteration) {
    double slope = 0.0;
    const double value = fill(t2, &slope);
    if (value >= capacity * (1.0 - 1e-15) || !(slope > 0.0)) break;
    const double step = (capacity - value) / slope;
    t2 += step;
    if (step <= 1e-14 * t2) break;
  }
  return t2;
}

// Probability that a copy leaving a node's level 1 after t holds the current modified version
// (NOFORCE: it must be written back; a copy superseded by another node's update need not be).
double modified_probability(const NodeStream& s, std::size_t node, double t) {
  const double w = s.write_fraction;
  if (is_shared_class(s)) {
    const SharedRates q = shared_rates(s, node);
    // Dirty when written during its residence and still the current version.
    const double written = 1.0 - (1.0 - w) * (std::isinf(t) ? 0.0 : std::exp(-w * q.local * t));
    const double current =
        std::isinf(t) ? q.local / (q.local + q.remote_writes) : std::exp(-q.remote_writes * t);
    return written * current;
  }
  const double a = s.kind == StreamKind::independent ? s.reference_rate[node] / s.item_count : 0.0;
  return s.kind == StreamKind::independent
             ? 1.0 - (1.0 - w) * (std::isinf(t) ? 0.0 : std::exp(-w * a * t))
             : w;
}

// exp(-rate t) with exp(-0 inf) = 1.
double survival(double rate, double t) {
  if (rate <= 0.0) return 1.0;
  return std::isinf(t) ? 0.0 : std::exp(-rate * t);
}

// One node's accesses to the storage for one item of a stream, as a renewal cycle from one miss
// of the node's buffers to the next (mean length L = 1 / (a x miss ratio)): the copy stays in the
// buffers for V = L - 1/a, then the item is not referenced for an Exp(a) time. A miss reads the
// item from storage with probability q (otherwise another node ships it); the cycle writes it to
// storage with probability w: the write-back of a modified victim at V (NOFORCE) or a commit
// write at the last reference, t_1 before V (FORCE).
struct StorageCycle {
  double a = 0.0;           // per-item reference rate
  double length = 0.0;      // L
  double resident = 0.0;    // V
  double read = 0.0;        // q
  double written = 0.0;     // w
  double write_lead = 0.0;  // time from the write to V
};

StorageCycle storage_cycle(const NodeStream& s, std::size_t node, const NodeStreamResult& r,
                           double t1, bool force) {
  StorageCycle c;
  const double miss = 1.0 - r.hit_ratio - r.level2_hit_ratio;
  if (!s.storage_cache_admitted || s.kind != StreamKind::independent ||
      s.reference_rate[node] <= 0.0 || miss <= 0.0)
    return c;
  c.a = s.reference_rate[node] / s.item_count;
  c.length = 1.0 / (c.a * miss);
  c.resident = std::max(0.0, c.length - 1.0 / c.a);
  c.read = std::min(1.0, r.disk_read_ratio / miss);
  if (force) {
    c.written = 1.0 - std::pow(1.0 - s.write_fraction, 1.0 / miss);  // any update in the cycle
    c.write_lead = std::isinf(t1) ? 0.0 : t1;
  } else {
    c.written = r.modified_probability;
  }
  return c;
}

// The storage cache: TTL t_S (LRU as a TTL cache), presence of each item, hits of storage reads.
class StorageCache {
 public:
  StorageCache(const std::vector<NodeStream>& streams, const ClusterNodesConfig& config,
               const ClusterNodesResult& result)
      : streams_(streams), config_(config) {
    const bool force = config.write_strategy == WriteStrategy::force;
    cycles_.assign(result.nodes.size(), std::vector<StorageCycle>(streams.size()));
    pages_.assign(result.nodes.size(), std::vector<double>(streams.size(), 0.0));
    write_back_lead_ = pages_;
    for (std::size_t i = 0; i < result.nodes.size(); ++i)
      for (std::size_t k = 0; k < streams.size(); ++k) {
        const NodeStream& st = streams[k];
        const NodeStreamResult& r = result.nodes[i][k];
        cycles_[i][k] = storage_cycle(st, i, r, result.characteristic_time[i], force);
        // A sequential stream reads each page once; under NOFORCE a modified page is written
        // back when it leaves the buffer, t_1 later, which keeps it cached that much longer.
        if (st.storage_cache_admitted && st.kind == StreamKind::sequential &&
            st.reference_rate[i] > 0.0) {
          pages_[i][k] = st.reference_rate[i] / st.references_per_item;
          const double t1 = result.characteristic_time[i];
          if (!force && std::isfinite(t1)) write_back_lead_[i][k] = r.modified_probability * t1;
        }
      }
  }

  // Probability that the last access of the cycle's node is younger than t when the item is not
  // in the node's buffers (the Exp(a) part of the cycle, and the instant of its next miss): its
  // write (age Exp(a) + lead), or else its read (age V + Exp(a)), or else, when this cycle did
  // not touch the storage (a page request, no write), an access of an earlier cycle.
  double recent_when_out(const StorageCycle& c, double t) const {
    if (c.a <= 0.0) return 0.0;
    const double w = written(c, t);
    const double untouched = (1.0 - w) * (1.0 - c.read);
    return w * within(c, c.write_lead, t) + (1.0 - w) * c.read * within(c, c.resident, t) +
           untouched * earlier(c, c.resident + c.length, t);
  }

  // Share of time the cycle's node keeps the item in the cache: while it is buffered, its read
  // (or a commit write) is younger than t for about min(1, t / V) of the stay.
  double presence(const StorageCycle& c, double t) const {
    if (c.a <= 0.0) return 0.0;
    const double out = 1.0 / c.a / c.length;
    const double in = 1.0 - out;
    const double touched_in =
        std::max(c.read, config_.write_strategy == WriteStrategy::force ? c.written : 0.0);
    const double young = c.resident > 0.0 ? std::min(1.0, t / c.resident) : 1.0;
    return in * (touched_in * young + (1.0 - touched_in) * earlier(c, 0.5 * c.resident, t)) +
           out * recent_when_out(c, t);
  }

  double occupancy(double t) const {
    double total = 0.0;
    const std::size_t n = cycles_.size();
    for (std::size_t k = 0; k < streams_.size(); ++k) {
      const NodeStream& s = streams_[k];
      if (s.kind == StreamKind::sequential) {
        for (std::size_t i = 0; i < n; ++i) {
          const double lead = write_back_lead_[i][k];
          // a volatile cache keeps the write-back only when the page is still there
          const double extra = config_.storage_cache_nonvolatile || t > lead ? lead : 0.0;
          total += pages_[i][k] * (t + extra);
        }
      } else if (s.kind == StreamKind::independent && is_shared_class(s)) {
        double absent = 1.0;
        for (std::size_t i = 0; i < n; ++i) absent *= 1.0 - presence(cycles_[i][k], t);
        total += s.item_count * (1.0 - absent);
      } else if (s.kind == StreamKind::independent) {
        for (std::size_t i = 0; i < n; ++i) total += s.item_count * presence(cycles_[i][k], t);
      }
    }
    return total;
  }

  // TTL of the cache: its occupancy (increasing in t) equals its capacity; +infinity when every
  // page that is ever accessed fits.
  double characteristic_time() const {
    const double capacity = config_.storage_cache_items;
    if (capacity <= 0.0) return 0.0;
    double hi = 1.0;
    for (int i = 0; i < 200 && occupancy(hi) < capacity; ++i) hi *= 2.0;
    if (occupancy(hi) < capacity) return kInfinity;
    double lo = 0.0;
    for (int i = 0; i < 200 && hi - lo > 1e-12 * hi; ++i) {
      const double mid = 0.5 * (lo + hi);
      (occupancy(mid) < capacity ? lo : hi) = mid;
    }
    return 0.5 * (lo + hi);
  }

  // Probability that a storage read of stream k at node i finds its page in the cache: node i's
  // own last access, or another node's. Under NOFORCE a storage read means no node holds the
  // current version, so the others are out of their buffers too; under FORCE they may be in.
  double read_hit(std::size_t i, std::size_t k, double t) const {
    const NodeStream& s = streams_[k];
    const StorageCycle& own = cycles_[i][k];
    if (s.kind != StreamKind::independent || own.a <= 0.0 || own.read <= 0.0) return 0.0;
    double absent = 1.0 - recent_when_out(own, t);
    if (is_shared_class(s))
      for (std::size_t j = 0; j < cycles_.size(); ++j) {
        if (j == i) continue;
        const StorageCycle& c = cycles_[j][k];
        // FORCE: the others may hold the page. NOFORCE: a storage read means no other node
        // holds an unwritten current copy (GEH rule) or no current copy at all (shipping rule);
        // a clean copy may still be buffered elsewhere unless every reference writes.
        const double out = recent_when_out(c, t);
        const double anywhere = presence(c, t);
        const double w = config_.ship_current_copies ? 1.0 : s.write_fraction;
        absent *=
            1.0 - (config_.write_strategy == WriteStrategy::force ? anywhere
                                                                  : w * out + (1.0 - w) * anywhere);
      }
    return 1.0 - absent;
  }

 private:
  // P(an access `lead` + Exp(a) ago is younger than t).
  static double within(const StorageCycle& c, double lead, double t) {
    return t > lead ? 1.0 - survival(c.a, t - lead) : 0.0;
  }

  // P(some earlier cycle's access is younger than t) when the last one began `age` ago: cycle m
  // back touched the storage with probability p, the first such one is age + m L old.
  double earlier(const StorageCycle& c, double age, double t) const {
    const double w = written(c, t);
    const double p = w + (1.0 - w) * c.read;
    if (p <= 0.0) return 0.0;
    if (std::isinf(t)) return 1.0;
    double sum = 0.0, untouched = 1.0;
    for (int m = 0; m < 10000 && untouched > 1e-12; ++m) {
      const double y = within(c, age + m * c.length, t);
      if (y <= 0.0) break;
      sum += untouched * p * y;
      untouched *= 1.0 - p;
    }
    return sum;
  }

  // A volatile cache takes a write only while the page is present (its read younger than t).
  double written(const StorageCycle& c, double t) const {
    if (config_.storage_cache_nonvolatile) return c.written;
    const double young = c.resident > 0.0 ? std::min(1.0, t / c.resident) : 1.0;
    return c.written * c.read * young;
  }

  const std::vector<NodeStream>& streams_;
  const ClusterNodesConfig& config_;
  std::vector<std::vector<StorageCycle>> cycles_;     // [node][stream]
  std::vector<std::vector<double>> pages_;            // [node][stream], sequential streams
  std::vector<std::vector<double>> write_back_lead_;  // [node][stream], sequential streams
};

void add_storage_cache(const std::vector<NodeStream>& streams, const ClusterNodesConfig& config,
                       ClusterNodesResult& result) {
  if (config.storage_cache_items <= 0.0) return;
  const StorageCache cache(streams, config, result);
  const double ts = cache.characteristic_time();
  result.storage_cache_characteristic_time = ts;
  for (std::size_t i = 0; i < result.nodes.size(); ++i)
    for (std::size_t k = 0; k < streams.size(); ++k) {
      NodeStreamResult& r = result.nodes[i][k];
      r.storage_cache_hit_ratio = r.disk_read_ratio * cache.read_hit(i, k, ts);
    }
}

// Probability that a copy referenced at time 0 and then at Poisson rate r stays in an LRU buffer
// of characteristic time t until time U (no gap between references, or since the last one,
// reaches t): 1 for U < t, and for U >= t the renewal-theory asymptote C exp(-theta U) of
// S(U) = exp(-r U) [U < t] + int_0^min(U,t) r exp(-r x) S(U - x) dx (Feller vol. 2, XI.6):
// theta solves int_0^t r exp((theta - r) x) dx = 1, C = 1 / (r int_0^t x exp((theta - r) x) dx).
struct Survival {
  double decay = 0.0;   // theta
  double factor = 0.0;  // C
};

Survival lru_survival(double r, double t) {
  if (r <= 0.0) return {0.0, 0.0};       // no further references: gone at t
  const auto mass = [&](double theta) {  // int_0^t r exp((theta - r) x) dx
    const double g = theta - r;
    return std::abs(g * t) < 1e-9 ? r * t : r * std::expm1(g * t) / g;
  };
  double lo = 0.0, hi = r + 1.0 / t;
  while (mass(hi) < 1.0) hi *= 2.0;
  for (int i = 0; i < 200 && hi - lo > 1e-14 * hi; ++i) {
    const double mid = 0.5 * (lo + hi);
    (mass(mid) < 1.0 ? lo : hi) = mid;
  }
  const double theta = 0.5 * (lo + hi);
  const double g = theta - r;
  const double mean = std::abs(g * t) < 1e-9
                          ? r * t * t / 2.0
                          : r * (std::exp(g * t) * (t / g - 1.0 / (g * g)) + 1.0 / (g * g));
  return {theta, 1.0 / mean};
}

// P(a reference of node i finds the last modifier j != i still buffering its unwritten copy, and
// node i no valid copy of its own), summed over j. The last write came U ~ Exp(W) ago (W = w sum
// a_k), by j with probability a_j / sum a_k; since then only reads happened (rate r_j =
// a_j (1 - w) at j). j's copy survived in its LRU buffer when no gap between its references
// since the write exceeded t_j: certain for U < t_j, otherwise C exp(-theta U) (lru_survival). Node
// i has no valid copy unless it read the page within min(U, t_i) (rate b = a_i (1 - w)). Integrated
// piecewise over U (breakpoints t_i, t_j).
double dirty_elsewhere(const NodeStream& s, std::size_t i, const std::vector<double>& tc,
                       double own_hold) {
  const double w = s.write_fraction;
  if (w <= 0.0) return 0.0;
  double all = 0.0;
  for (double r : s.reference_rate) all += r / s.item_count;
  const double write_rate = w * all;
  const double b = s.reference_rate[i] / s.item_count * (1.0 - w);
  // integral over [from, to) of W k exp(-(W + beta) U) dU
  const auto segment = [&](double from, double to, double k, double beta) {
    if (!(to > from)) return 0.0;
    const double g = write_rate + beta;
    const double upper = std::isinf(to) ? 0.0 : std::exp(-g * to);
    return k * write_rate / g * (std::exp(-g * from) - upper);
  };
  const double ti = own_hold;  // node i keeps a read copy this long (level 1, then level 2)
  const double mi = std::isinf(ti) ? 0.0 : std::exp(-b * ti);  // i's miss beyond it
  double total = 0.0;
  for (std::size_t j = 0; j < s.reference_rate.size(); ++j) {
    const double a_j = s.reference_rate[j] / s.item_count;
    if (j == i || a_j <= 0.0) continue;
    const double tj = tc[j];
    const double r = a_j * (1.0 - w);
    double integral = segment(0.0, std::min(ti, tj), 1.0, b);
    if (std::isinf(tj)) {
      integral += segment(ti, kInfinity, mi, 0.0);  // j keeps it; i past t_i
    } else {
      // exact at U = t_j (a read within t_j), then the asymptotic decay rate
      const double theta = lru_survival(r, tj).decay;
      const double survive = -std::expm1(-r * tj) * std::exp(theta * tj);  // x e^{-theta U}
      if (ti < tj) {
        integral += segment(ti, tj, mi, 0.0);
        integral += segment(tj, kInfinity, mi * survive, theta);
      } else {
        integral += segment(tj, ti, survive, b + theta);
        integral += segment(ti, kInfinity, mi * survive, theta);
      }
    }
    total += a_j / all * integral;
  }
  return total;
}

void validate(const std::vector<NodeStream>& streams, const ClusterNodesConfig& config) {
  const std::size_t n = config.buffer_items.size();
  if (n < 1) throw io::InputError("buffer_items", "must hold one entry per node (>= 1)");
  for (std::size_t i = 0; i < n; ++i)
    if (!std::isfinite(config.buffer_items[i]) || config.buffer_items[i] < 0.0)
      throw io::InputError(io::element_path("buffer_items", i), "must be a finite number >= 0");
  if (!std::isfinite(config.storage_cache_items) || config.storage_cache_items < 0.0)
    throw io::InputError("storage_cache_items", "must be a finite number >= 0");
  if (!config.level2_items.empty() && config.level2_items.size() != n)
    throw io::InputError("level2_items", "must be empty or hold one entry per node");
  for (std::size_t i = 0; i < config.level2_items.size(); ++i)
    if (!std::isfinite(config.level2_items[i]) || config.level2_items[i] < 0.0)
      throw io::InputError(io::element_path("level2_items", i), "must be a finite number >= 0");
  std::vector<ReferenceStream> flat;
  for (std::size_t k = 0; k < streams.size(); ++k) {
    if (streams[k].reference_rate.size() != n)
      throw io::InputError(io::child_path(io::element_path("streams", k), "reference_rate"),
                           "must hold one rate per node");
    ReferenceStream r = private_view(streams[k], 0);
    r.reference_rate = 0.0;
    for (double x : streams[k].reference_rate) {
      if (!std::isfinite(x) || x < 0.0)
        throw io::InputError(io::child_path(io::element_path("streams", k), "reference_rate"),
                             "must be finite and >= 0");
      r.reference_rate += x;
    }
    flat.push_back(r);
  }
  validate_streams(flat);
}

}  // namespace

ClusterNodesResult che_cluster_nodes(const std::vector<NodeStream>& streams,
                                     const ClusterNodesConfig& config) {
  validate(streams, config);
  const std::size_t n = config.buffer_items.size();
  const std::size_t ns = streams.size();
  const bool force = config.write_strategy == WriteStrategy::force;
  const Invalidation inv = config.invalidation;
  ClusterNodesResult result;
  result.nodes.assign(n, std::vector<NodeStreamResult>(ns));
  for (std::size_t i = 0; i < n; ++i)
    result.characteristic_time.push_back(
        characteristic_time(streams, i, config.buffer_items[i], inv));
  const auto& tc = result.characteristic_time;
  // Level 1 per node and stream: residence, modification and entry into level 2.
  std::vector<std::vector<double>> entry(n, std::vector<double>(ns, 0.0));
  result.level2_characteristic_time.assign(n, 0.0);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t k = 0; k < ns; ++k) {
      if (streams[k].reference_rate[i] <= 0.0) continue;
      NodeStreamResult& r = result.nodes[i][k];
      r.modified_probability = modified_probability(streams[k], i, tc[i]);
      if (!config.level2_items.empty())
        entry[i][k] = entry_probability(streams[k], r.modified_probability);
      r.level2_entry_probability = entry[i][k];
    }
    if (!config.level2_items.empty())
      result.level2_characteristic_time[i] =
          level2_time(streams, entry[i], i, tc[i], config.level2_items[i], inv);
  }
  const auto& t2 = result.level2_characteristic_time;
  for (std::size_t k = 0; k < ns; ++k) {
    const NodeStream& s = streams[k];
    // The most recent referencer anywhere holds the current version in its level 1; nobody
    // within that time -> the page comes from external storage (a page leaving level 1 for
    // level 2 is written through, so storage holds the current version then).
    double exposure = 0.0;
    bool held_somewhere = false;  // a referencing node whose buffers hold every page
    for (std::size_t j = 0; j < n; ++j) {
      const double a = s.reference_rate[j] / s.item_count;
      if (a <= 0.0) continue;
      if (std::isinf(tc[j]))
        held_somewhere = true;
      else
        exposure += a * tc[j];
    }
    for (std::size_t i = 0; i < n; ++i) {
      NodeStreamResult& r = result.nodes[i][k];
      const double t = tc[i];
      if (s.reference_rate[i] <= 0.0) continue;
      double value = 0.0, slope = 0.0;
      if (std::isinf(t)) {
        value = s.kind == StreamKind::independent ? s.item_count : 0.0;
        if (is_shared_class(s) && inv == Invalidation::broadcast) {
          const SharedRates q = shared_rates(s, i);
          value *= q.local / (q.local + q.remote_writes);
        }
      } else {
        occupancy(s, i, inv, t, &value, &slope);
      }
      r.occupancy_items = value;
      r.hit_ratio = valid_hit_ratio(s, i, t);
      if (entry[i][k] > 0.0 && t2[i] > 0.0)
        r.level2_hit_ratio =
            entry[i][k] * std::max(0.0, valid_hit_ratio(s, i, t + t2[i]) - r.hit_ratio);
      const double held = r.hit_ratio + r.level2_hit_ratio;
      if (is_shared_class(s)) {
        // No level-1 copy anywhere, minus the level-2 hits among those: a valid level-2 copy
        // means no other node wrote the page since, so the others only did not read it within
        // their t_C, probability exp(-(1 - w) sum_{j != i} a_j t_j).
        double nobody = held_somewhere ? 0.0 : std::exp(-exposure);
        if (r.level2_hit_ratio > 0.0 && !held_somewhere) {
          const double others = exposure - s.reference_rate[i] / s.item_count * t;
          nobody = std::max(
              0.0, nobody - r.level2_hit_ratio * std::exp(-(1.0 - s.write_fraction) * others));
        }
        double requests = std::max(0.0, 1.0 - held - nobody);
        if (!config.ship_current_copies) {
          // Only the last modifier's unwritten copy; a valid copy in either level serves first.
          const double own_hold = entry[i][k] > 0.0 ? t + entry[i][k] * t2[i] : t;
          requests = std::min(dirty_elsewhere(s, i, tc, own_hold), 1.0 - held);
        }
        r.page_request_ratio = force ? 0.0 : requests;
        r.disk_read_ratio = std::max(0.0, 1.0 - held - r.page_request_ratio);
      } else {
        r.disk_read_ratio = 1.0 - held;
      }
    }
  }
  add_storage_cache(streams, config, result);
  return result;
}

ClusterResult che_cluster(const std::vector<ReferenceStream>& streams,
                          const ClusterConfig& config) {
  validate_streams(streams);
  if (config.node_count < 1 || config.node_count > kMaxClusterNodes)
    throw io::InputError("node_count",
                         "must be an integer in [1, " + std::to_string(kMaxClusterNodes) + "]");
  if (!std::isfinite(config.buffer_items_per_node) || config.buffer_items_per_node < 0.0)
    throw io::InputError("buffer_items_per_node", "must be a finite number >= 0");
  // Identical nodes: every node runs the same streams; node 0 speaks for all.
  const std::size_t n = static_cast<std::size_t>(config.node_count);
  std::vector<NodeStream> node_streams;
  for (const auto& s : streams)
    node_streams.push_back({s.name, s.kind, s.item_count, std::vector<double>(n, s.reference_rate),
                            s.references_per_item, s.write_fraction, s.shared,
                            config.level2_items_per_node > 0.0, MigrationPolicy::all,
                            config.storage_cache_items > 0.0});
  ClusterNodesConfig nodes_config;
  nodes_config.buffer_items.assign(n, config.buffer_items_per_node);
  nodes_config.write_strategy = config.write_strategy;
  nodes_config.invalidation = config.invalidation;
  nodes_config.ship_current_copies = config.ship_current_copies;
  if (!std::isfinite(config.level2_items_per_node) || config.level2_items_per_node < 0.0)
    throw io::InputError("level2_items_per_node", "must be a finite number >= 0");
  if (config.level2_items_per_node > 0.0)
    nodes_config.level2_items.assign(n, config.level2_items_per_node);
  nodes_config.storage_cache_items = config.storage_cache_items;
  nodes_config.storage_cache_nonvolatile = config.storage_cache_nonvolatile;
  const ClusterNodesResult general = che_cluster_nodes(node_streams, nodes_config);
  ClusterResult result;
  result.config = config;
  result.characteristic_time = general.characteristic_time.front();
  const double total_rate = total_reference_rate(streams);
  for (std::size_t k = 0; k < streams.size(); ++k) {
    const NodeStreamResult& g = general.nodes.front()[k];
    ClusterStreamResult r;
    r.name = streams[k].name;
    r.reference_rate = streams[k].reference_rate;
    r.hit_ratio = g.hit_ratio;
    r.page_request_ratio = g.page_request_ratio;
    r.disk_read_ratio = streams[k].reference_rate > 0.0 ? g.disk_read_ratio : 0.0;
    r.occupancy_items = g.occupancy_items;
    r.level2_hit_ratio = g.level2_hit_ratio;
    r.storage_cache_hit_ratio = g.storage_cache_hit_ratio;
    const double share = streams[k].reference_rate / total_rate;
    result.level2_hit_ratio += share * r.level2_hit_ratio;
    result.storage_cache_hit_ratio += share * r.storage_cache_hit_ratio;
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
