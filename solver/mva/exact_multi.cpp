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

  std::vector<int> active;  // classes with jobs
  for (int c = 0; c < network.class_count(); ++c)
    if (network.classes[c].population > 0) active.push_back(c);
  if (active.empty()) {
    complete_solution(network, s);
    return s;
  }
  // Checked before any int arithmetic on populations: below the limit, every lattice count, the
  // total population and classes x stations fit an int64/int without overflow.
  if (const std::int64_t lattice = population_lattice_size(network); lattice > kMaxExactLattice)
    throw std::invalid_argument("exact MVA over " + std::to_string(active.size()) +
                                " classes needs a population lattice of " +
                                (lattice == std::numeric_limits<std::int64_t>::max()
                                     ? std::string("more than 9.2e18")
                                     : std::to_string(lattice)) +
                                " points, beyond the limit of " + std::to_string(kMaxExactLattice) +
                                "; use --method linearizer (approximate MVA)");
  const int classes = static_cast<int>(active.size());
  std::vector<int> limits(static_cast<std::size_t>(classes));
  std::vector<double> think_s(static_cast<std::size_t>(classes));
  for (int a = 0; a < classes; ++a) {
    const long pop = network.classes[active[a]].population;
    if (pop > std::numeric_limits<int>::max() / 2)
      throw std::invalid_argument("population too large for exact MVA");
    limits[a] = static_cast<int>(pop);
    think_s[a] = network.classes[active[a]].think_time_s;
  }

  const int total_jobs = std::max(1, std::accumulate(limits.begin(), limits.end(), 0));

  // Delay demand joins the think time; queueing stations no active class visits are dropped.
  std::vector<LatticeStation> queues;
  int record = 0;  // doubles per lattice vector: Q_k per station, then the marginals
  for (int k = 0; k < network.station_count(); ++k) {
    const Station& st = network.stations[k];
    std::vector<double> d(static_cast<std::size_t>(classes));
    double total = 0;
    for (int a = 0; a < classes; ++a) total += d[a] = network.demand_s(active[a], k);
    if (total <= 0) continue;
    if (st.kind == StationKind::delay) {
      for (int a = 0; a < classes; ++a) think_s[a] += d[a];
      continue;
    }
    LatticeStation q{k, d, rate_profile(st), {}, 0};
    // With more servers than jobs in all, alpha(j) = j at every reachable j: N servers are the
    // same station, and the marginal records stay O(N) instead of O(m) (issue #16).
    if (q.profile.alpha.empty()) q.profile.servers = std::min(q.profile.servers, total_jobs);
    const int limit = q.profile.limit();
    for (int j = 1; j < limit; ++j)
      q.correction.push_back(j * (q.profile.tail_rate() / q.profile.at(j) - 1.0));
    queues.push_back(std::move(q));
    ++record;
  }
  // Single-server stations first: their residence-time loop is then branch-free and contiguous.
  std::stable_partition(queues.begin(), queues.end(),
                        [](const LatticeStation& q) { return q.profile.limit() == 1; });
  for (LatticeStation& q : queues) {
    q.marginal_offset = record;
    record += q.profile.limit() - 1;
  }
  const int queue_count = static_cast<int>(queues.size());
  int simple_count = 0;
  while (simple_count < queue_count && queues[simple_count].profile.limit() == 1) ++simple_count;
  // scaled[c * queue_count + k] = D_ck / alpha_k(L), the per-class row the inner loop reads.
  std::vector<double> scaled(static_cast<std::size_t>(classes * std::max(queue_count, 1)));
  for (int c = 0; c < classes; ++c)
    for (int k = 0; k < queue_count; ++k)
      scaled[c * queue_count + k] = queues[k].demand_s[c] / queues[k].profile.tail_rate();

  const LevelRanker ranker(limits);
  std::int64_t widest = 0;
  for (int t = 0; t <= ranker.total(); ++t) widest = std::max(widest, ranker.level_size(t));
  std::vector<double> previous(static_cast<std::size_t>(widest * record));
  std::vector<double> current(static_cast<std::size_t>(widest * record));
  // Level 0: the empty network, Q = 0 and p(0) = 1.
  std::fill(previous.begin(), previous.begin() + record, 0.0);
  for (const LatticeStation& q : queues)
    if (q.profile.limit() > 1) previous[q.marginal_offset] = 1.0;

  std::vector<int> n(static_cast<std::size_t>(classes));
  std::vector<int> rest(static_cast<std::size_t>(classes));  // s_i = jobs in classes i..
  std::vector<std::int64_t> prefix(static_cast<std::size_t>(classes + 1));  // A_i
  std::vector<std::int64_t> suffix(static_cast<std::size_t>(classes + 1));  // B_i
  std::vector<const double*> before(static_cast<std::size_t>(classes));
  std::vector<double> x(static_cast<std::size_t>(classes));
  std::vector<double> residence(static_cast<std::size_t>(classes * std::max(queue_count, 1)));
  double lowest_p0 = 0.0;

  for (int t = 1; t <= ranker.total(); ++t) {
    ranker.first(t, n);
    std::int64_t rank = 0;
    do {
      rest[0] = t;
      for (int i = 1; i < classes; ++i) rest[i] = rest[i - 1] - n[i - 1];
      // rank(n - 1_c) = sum_{i<c} offset(i, s_i-1, n_i) + offset(c, s_c-1, n_c-1) + sum_{i>c}
      // offset(i, s_i, n_i)
      prefix[0] = 0;
      for (int i = 0; i < classes; ++i)
        prefix[i + 1] =
            prefix[i] + (i < classes - 1 && rest[i] >= 1 ? ranker.offset(i, rest[i] - 1, n[i]) : 0);
      suffix[classes] = 0;
      for (int i = classes - 1; i >= 0; --i)
        suffix[i] = suffix[i + 1] + (i < classes - 1 ? ranker.offset(i, rest[i], n[i]) : 0);
      double* out = current.data() + rank * record;
      for (int c = 0; c < classes; ++c) {
        if (n[c] == 0) {
          x[c] = 0;
          continue;
        }
        const std::int64_t pred = prefix[c] +
                                  (c < classes - 1 ? ranker.offset(c, rest[c] - 1, n[c] - 1) : 0) +
                                  suffix[c + 1];
        const double* p = previous.data() + pred * record;
        before[c] = p;
        double total = think_s[c];
        const double* demand = scaled.data() + c * queue_count;
        double* res = residence.data() + c * queue_count;
        for (int k = 0; k < simple_count; ++k) {
          const double r = demand[k] * (1.0 + p[k]);
          res[k] = r;
          total += r;
        }
        for (int k = simple_count; k < queue_count; ++k) {
          const LatticeStation& q = queues[k];
          double extra = 0;
          const double* marginal = p + q.marginal_offset;
          for (std::size_t j = 0; j < q.correction.size(); ++j)
            extra += q.correction[j] * marginal[j];
          const double r = demand[k] * (1.0 + p[k] + extra);
          res[k] = r;
          total += r;
        }
        x[c] = n[c] / total;
      }
      std::fill(out, out + queue_count, 0.0);
      for (int c = 0; c < classes; ++c) {
        if (n[c] == 0) continue;
        const double xc = x[c];
        const double* res = residence.data() + c * queue_count;
        for (int k = 0; k < queue_count; ++k) out[k] += xc * res[k];
      }
      for (int k = simple_count; k < queue_count; ++k) {
        const LatticeStation& q = queues[k];
        double busy = 0;
        for (int c = 0; c < classes; ++c)
          if (n[c] > 0) busy += x[c] * q.demand_s[c];
        const int limit = q.profile.limit();
        double* marginal = out + q.marginal_offset;
        // p(j|n) for j = 1..L-1; p(L-1) is needed only for p(0), so keep it in a local.
        double p0 = 1.0 - busy / q.profile.tail_rate();
        for (int j = 1; j < limit; ++j) {
          double flow = 0;
          for (int c = 0; c < classes; ++c)
            if (n[c] > 0) flow += x[c] * q.demand_s[c] * before[c][q.marginal_offset + j - 1];
          const double pj = flow / q.profile.at(j);
          if (j < limit - 1) marginal[j] = pj;
          p0 -= (1.0 - q.profile.at(j) / q.profile.tail_rate()) * pj;
        }
        marginal[0] = p0;
        lowest_p0 = std::min(lowest_p0, p0);
      }
      ++rank;
    } while (ranker.next(n));
    std::swap(previous, current);
  }

  // The last level holds the full population only.
  for (int a = 0; a < classes; ++a) {
    const int c = active[a];
    s.class_throughput_per_s(c) = x[a];
    for (int k = 0; k < queue_count; ++k)
      s.mean_jobs(c, queues[k].index) = x[a] * residence[a * queue_count + k];
    for (int k = 0; k < network.station_count(); ++k)
      if (network.stations[k].kind == StationKind::delay)
        s.mean_jobs(c, k) = x[a] * network.demand_s(c, k);
  }
  if (lowest_p0 < -1e-9) {
    s.converged = false;  // the numbers are not trustworthy; solve_closed falls back
    s.warnings.push_back(
        "exact multi-class MVA: numerical instability, marginal probability p(0) = " +
        std::to_string(lowest_p0) + " < 0 at a multi-server/load-dependent station");
  }
  complete_solution(network, s);
  return s;
}

}  // namespace tpeval::solver
