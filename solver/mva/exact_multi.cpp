#include "solver/mva/exact_multi.hpp"

#include <algorithm>
#include <limits>
#include <numeric>
#include <stdexcept>

#include "solver/mva/rate_profile.hpp"
#include "solver/mva/solution_fill.hpp"

namespace tpeval::solver {

namespace {

/// Ranks the vectors of one lattice level in lexicographic order (class 0 most significant).
/// count[i][s] = number of tails (n_i..n_{C-1}) with sum s and n_j <= N_j;
/// offset(i, s, v) = sum_{u<v} count[i+1][s-u] is the rank contribution of n_i = v when the
/// classes i.. hold s jobs, so rank(n) = sum_{i<C-1} offset(i, s_i, n_i).
class LevelRanker {
 public:
  explicit LevelRanker(const std::vector<int>& limits) : limits_(limits) {
    const int classes = static_cast<int>(limits.size());
    total_ = 0;
    for (int v : limits) total_ += v;
    count_.assign(static_cast<std::size_t>(classes + 1), std::vector<std::int64_t>(total_ + 1, 0));
    count_[classes][0] = 1;
    for (int i = classes - 1; i >= 0; --i)
      for (int s = 0; s <= total_; ++s)
        for (int v = 0; v <= std::min(s, limits[i]); ++v) count_[i][s] += count_[i + 1][s - v];
    offset_.resize(static_cast<std::size_t>(classes));
    for (int i = 0; i < classes; ++i) {
      offset_[i].assign(static_cast<std::size_t>((total_ + 1) * (limits[i] + 1)), 0);
      for (int s = 0; s <= total_; ++s) {
        std::int64_t sum = 0;
        for (int v = 0; v <= limits[i]; ++v) {
          offset_[i][s * (limits[i] + 1) + v] = sum;
          if (v <= s) sum += count_[i + 1][s - v];
        }
      }
    }
  }
  std::int64_t level_size(int t) const { return count_[0][t]; }
  int total() const { return total_; }
  std::int64_t offset(int i, int s, int v) const { return offset_[i][s * (limits_[i] + 1) + v]; }

  /// Lexicographically smallest vector of level t (jobs pushed to the last classes).
  void first(int t, std::vector<int>& n) const {
    int rest = t;
    for (int i = static_cast<int>(n.size()) - 1; i >= 0; --i) {
      n[i] = std::min(rest, limits_[i]);
      rest -= n[i];
    }
  }
  /// Next vector of the same level in lexicographic order; false after the last one.
  bool next(std::vector<int>& n) const {
    const int classes = static_cast<int>(n.size());
    int behind = n[classes - 1];
    for (int i = classes - 2; i >= 0; --i) {
      if (n[i] < limits_[i] && behind >= 1) {
        ++n[i];
        int rest = behind - 1;
        for (int j = classes - 1; j > i; --j) {
          n[j] = std::min(rest, limits_[j]);
          rest -= n[j];
        }
        return true;
      }
      behind += n[i];
    }
    return false;
  }

 private:
  std::vector<int> limits_;
  int total_ = 0;
  std::vector<std::vector<std::int64_t>> count_;
  std::vector<std::vector<std::int64_t>> offset_;
};

struct LatticeStation {
  int index;
  std::vector<double> demand_s;  ///< per active class
  RateProfile profile;
  std::vector<double> correction;  ///< j (alpha(L)/alpha(j) - 1) for j = 1..L-1
  int marginal_offset = 0;         ///< where p(0..L-2) live in a vector's record
};

/// The classes with jobs, their populations (the lattice limits) and their think times.
struct ActiveClasses {
  std::vector<int> index;       ///< network class of each active class
  std::vector<int> limits;      ///< N_c
  std::vector<double> think_s;  ///< Z_c plus the demand at delay stations
};

ActiveClasses active_classes(const Network& network) {
  ActiveClasses a;
  for (int c = 0; c < network.class_count(); ++c) {
    if (network.classes[c].population <= 0) continue;
    const long pop = network.classes[c].population;
    if (pop > std::numeric_limits<int>::max() / 2)
      throw std::invalid_argument("population too large for exact MVA");
    a.index.push_back(c);
    a.limits.push_back(static_cast<int>(pop));
    a.think_s.push_back(network.classes[c].think_time_s);
  }
  return a;
}

/// The queueing stations the active classes visit, single-server ones first (their
/// residence-time loop is then branch-free and contiguous), with the record layout of one lattice
/// vector: Q_k per station, then the marginals p_k(0..L-2) of the multi-server stations.
struct LatticeStations {
  std::vector<LatticeStation> queues;
  int simple_count = 0;  ///< single-server stations, queues[0..simple_count)
  int record = 0;        ///< doubles per lattice vector
  /// scaled[c * queues.size() + k] = D_ck / alpha_k(L), the per-class row the inner loop reads.
  std::vector<double> scaled;
  int count() const { return static_cast<int>(queues.size()); }
};

/// Delay demand joins the think time (so it updates `classes.think_s`); queueing stations no
/// active class visits are dropped.
LatticeStations lattice_stations(const Network& network, ActiveClasses& classes) {
  const int class_count = static_cast<int>(classes.index.size());
  const int total_jobs =
      std::max(1, std::accumulate(classes.limits.begin(), classes.limits.end(), 0));
  LatticeStations ls;
  for (int k = 0; k < network.station_count(); ++k) {
    const Station& st = network.stations[k];
    std::vector<double> d(static_cast<std::size_t>(class_count));
    double total = 0;
    for (int a = 0; a < class_count; ++a) total += d[a] = network.demand_s(classes.index[a], k);
    if (total <= 0) continue;
    if (st.kind == StationKind::delay) {
      for (int a = 0; a < class_count; ++a) classes.think_s[a] += d[a];
      continue;
    }
    LatticeStation q{k, d, rate_profile(st), {}, 0};
    // With more servers than jobs in all, alpha(j) = j at every reachable j: N servers are the
    // same station, and the marginal records stay O(N) instead of O(m) (issue #16).
    if (q.profile.alpha.empty()) q.profile.servers = std::min(q.profile.servers, total_jobs);
    const int limit = q.profile.limit();
    for (int j = 1; j < limit; ++j)
      q.correction.push_back(j * (q.profile.tail_rate() / q.profile.at(j) - 1.0));
    ls.queues.push_back(std::move(q));
  }
  std::stable_partition(ls.queues.begin(), ls.queues.end(),
                        [](const LatticeStation& q) { return q.profile.limit() == 1; });
  ls.record = ls.count();
  for (LatticeStation& q : ls.queues) {
    q.marginal_offset = ls.record;
    ls.record += q.profile.limit() - 1;
    if (q.profile.limit() == 1) ++ls.simple_count;
  }
  const int width = std::max(ls.count(), 1);
  ls.scaled.resize(static_cast<std::size_t>(class_count * width));
  for (int c = 0; c < class_count; ++c)
    for (int k = 0; k < ls.count(); ++k)
      ls.scaled[c * ls.count() + k] = ls.queues[k].demand_s[c] / ls.queues[k].profile.tail_rate();
  return ls;
}

/// The MVA recursion over the lattice, two levels at a time. One object per solve; `x` and
/// `residence` hold the last vector's throughputs and residence times, i.e. after the sweep those
/// of the full population.
class LatticeSweep {
 public:
  LatticeSweep(const ActiveClasses& classes, const LatticeStations& stations)
      : classes_(classes),
        st_(stations),
        ranker_(classes.limits),
        classes_n_(static_cast<int>(classes.limits.size())) {
    std::int64_t widest = 0;
    for (int t = 0; t <= ranker_.total(); ++t) widest = std::max(widest, ranker_.level_size(t));
    previous_.resize(static_cast<std::size_t>(widest * st_.record));
    current_.resize(static_cast<std::size_t>(widest * st_.record));
    // Level 0: the empty network, Q = 0 and p(0) = 1.
    std::fill(previous_.begin(), previous_.begin() + st_.record, 0.0);
    for (const LatticeStation& q : st_.queues)
      if (q.profile.limit() > 1) previous_[q.marginal_offset] = 1.0;
    const auto size = static_cast<std::size_t>(classes_n_);
    n_.resize(size);
    rest_.resize(size);
    prefix_.resize(size + 1);
    suffix_.resize(size + 1);
    before_.resize(size);
    x.resize(size);
    residence.resize(static_cast<std::size_t>(classes_n_ * std::max(st_.count(), 1)));
  }

  void run() {
    for (int t = 1; t <= ranker_.total(); ++t) {
      ranker_.first(t, n_);
      std::int64_t rank = 0;
      do {
        solve_vector(t, current_.data() + rank * st_.record);
        ++rank;
      } while (ranker_.next(n_));
      std::swap(previous_, current_);
    }
  }

  std::vector<double> x;          ///< X_c(n) of the last vector
  std::vector<double> residence;  ///< R_ck(n) of the last vector, [c * stations + k]
  double lowest_p0 = 0.0;         ///< the smallest marginal p_k(0|n) met

 private:
  /// Ranks of the predecessors n - 1_c: rank(n - 1_c) = sum_{i<c} offset(i, s_i-1, n_i) +
  /// offset(c, s_c-1, n_c-1) + sum_{i>c} offset(i, s_i, n_i), from prefix and suffix sums.
  void rank_terms(int t) {
    rest_[0] = t;
    for (int i = 1; i < classes_n_; ++i) rest_[i] = rest_[i - 1] - n_[i - 1];
    prefix_[0] = 0;
    for (int i = 0; i < classes_n_; ++i)
      prefix_[i + 1] =
          prefix_[i] +
          (i < classes_n_ - 1 && rest_[i] >= 1 ? ranker_.offset(i, rest_[i] - 1, n_[i]) : 0);
    suffix_[classes_n_] = 0;
    for (int i = classes_n_ - 1; i >= 0; --i)
      suffix_[i] = suffix_[i + 1] + (i < classes_n_ - 1 ? ranker_.offset(i, rest_[i], n_[i]) : 0);
  }

  /// Residence times R_ck(n) and the throughput X_c(n) of class c from its predecessor's record.
  void residence_and_throughput(int c) {
    const std::int64_t pred =
        prefix_[c] + (c < classes_n_ - 1 ? ranker_.offset(c, rest_[c] - 1, n_[c] - 1) : 0) +
        suffix_[c + 1];
    const double* p = previous_.data() + pred * st_.record;
    before_[c] = p;
    const int stations = st_.count();
    double total = classes_.think_s[c];
    const double* demand = st_.scaled.data() + c * stations;
    double* res = residence.data() + c * stations;
    for (int k = 0; k < st_.simple_count; ++k) {
      const double r = demand[k] * (1.0 + p[k]);
      res[k] = r;
      total += r;
    }
    for (int k = st_.simple_count; k < stations; ++k) {
      const LatticeStation& q = st_.queues[k];
      double extra = 0;
      const double* marginal = p + q.marginal_offset;
      for (std::size_t j = 0; j < q.correction.size(); ++j) extra += q.correction[j] * marginal[j];
      const double r = demand[k] * (1.0 + p[k] + extra);
      res[k] = r;
      total += r;
    }
    x[c] = n_[c] / total;
  }

  /// p_k(j|n) for j = 0..L-2 of a multi-server station; p(L-1) is needed only for p(0).
  void marginals(const LatticeStation& q, double* out) {
    double busy = 0;
    for (int c = 0; c < classes_n_; ++c)
      if (n_[c] > 0) busy += x[c] * q.demand_s[c];
    const int limit = q.profile.limit();
    double* marginal = out + q.marginal_offset;
    double p0 = 1.0 - busy / q.profile.tail_rate();
    for (int j = 1; j < limit; ++j) {
      double flow = 0;
      for (int c = 0; c < classes_n_; ++c)
        if (n_[c] > 0) flow += x[c] * q.demand_s[c] * before_[c][q.marginal_offset + j - 1];
      const double pj = flow / q.profile.at(j);
      if (j < limit - 1) marginal[j] = pj;
      p0 -= (1.0 - q.profile.at(j) / q.profile.tail_rate()) * pj;
    }
    marginal[0] = p0;
    lowest_p0 = std::min(lowest_p0, p0);
  }

  /// One lattice vector n of level t: its record (Q_k, marginals) written to `out`.
  void solve_vector(int t, double* out) {
    rank_terms(t);
    for (int c = 0; c < classes_n_; ++c) {
      if (n_[c] == 0)
        x[c] = 0;
      else
        residence_and_throughput(c);
    }
    const int stations = st_.count();
    std::fill(out, out + stations, 0.0);
    for (int c = 0; c < classes_n_; ++c) {
      if (n_[c] == 0) continue;
      const double* res = residence.data() + c * stations;
      for (int k = 0; k < stations; ++k) out[k] += x[c] * res[k];
    }
    for (int k = st_.simple_count; k < stations; ++k) marginals(st_.queues[k], out);
  }

  const ActiveClasses& classes_;
  const LatticeStations& st_;
  const LevelRanker ranker_;
  const int classes_n_;
  std::vector<double> previous_, current_;
  std::vector<int> n_, rest_;  ///< the vector, and s_i = jobs in classes i..
  std::vector<std::int64_t> prefix_, suffix_;
  std::vector<const double*> before_;  ///< each class's predecessor record
};

/// Refuses a lattice beyond kMaxExactLattice before any int arithmetic on populations: below the
/// limit, every lattice count, the total population and classes x stations fit an int64/int.
void check_lattice_size(const Network& network, std::size_t active_classes) {
  const std::int64_t lattice = population_lattice_size(network);
  if (lattice <= kMaxExactLattice) return;
  throw std::invalid_argument("exact MVA over " + std::to_string(active_classes) +
                              " classes needs a population lattice of " +
                              (lattice == std::numeric_limits<std::int64_t>::max()
                                   ? std::string("more than 9.2e18")
                                   : std::to_string(lattice)) +
                              " points, beyond the limit of " + std::to_string(kMaxExactLattice) +
                              "; use --method linearizer (approximate MVA)");
}

}  // namespace

std::int64_t population_lattice_size(const Network& network) {
  std::int64_t size = 1;
  for (const JobClass& c : network.classes) {
    if (c.kind != ClassKind::closed) continue;
    const std::int64_t factor = c.population + 1;
    if (size > std::numeric_limits<std::int64_t>::max() / factor)
      return std::numeric_limits<std::int64_t>::max();
    size *= factor;
  }
  return size;
}

Solution solve_exact_multi(const Network& network) {
  check_closed_network(network);
  Solution s;
  s.method = "exact-mva";
  s.class_throughput_per_s = Eigen::VectorXd::Zero(network.class_count());
  s.mean_jobs = Eigen::MatrixXd::Zero(network.class_count(), network.station_count());

  std::size_t active_count = 0;
  for (const JobClass& c : network.classes) active_count += c.population > 0 ? 1 : 0;
  if (active_count == 0) {
    complete_solution(network, s);
    return s;
  }
  check_lattice_size(network, active_count);
  ActiveClasses classes = active_classes(network);
  const LatticeStations stations = lattice_stations(network, classes);
  LatticeSweep sweep(classes, stations);
  sweep.run();

  // The last level holds the full population only.
  for (std::size_t a = 0; a < classes.index.size(); ++a) {
    const int c = classes.index[a];
    s.class_throughput_per_s(c) = sweep.x[a];
    for (int k = 0; k < stations.count(); ++k)
      s.mean_jobs(c, stations.queues[k].index) =
          sweep.x[a] * sweep.residence[a * stations.count() + k];
    for (int k = 0; k < network.station_count(); ++k)
      if (network.stations[k].kind == StationKind::delay)
        s.mean_jobs(c, k) = sweep.x[a] * network.demand_s(c, k);
  }
  if (sweep.lowest_p0 < -1e-9) {
    s.converged = false;  // the numbers are not trustworthy; solve_closed falls back
    s.warnings.push_back(
        "exact multi-class MVA: numerical instability, marginal probability p(0) = " +
        std::to_string(sweep.lowest_p0) + " < 0 at a multi-server/load-dependent station");
  }
  complete_solution(network, s);
  return s;
}

}  // namespace tpeval::solver
