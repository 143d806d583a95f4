// The rate searches (see rate_search.hpp).
#include "model/rate_search.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <utility>
#include <vector>

#include "solver/locking/lock_contention.hpp"

namespace tpeval::model::detail {
namespace {

/// The rate searches' bisection (bisect_rate, and the searches that replay it: RateSearch,
/// ClosedSearch): at most kBisectionSteps halvings, until the bracket is within 1e-5 of its
/// upper end.
constexpr int kBisectionSteps = 60;
bool bisection_closed(double lo, double hi) {
  return !((hi - lo) > 1e-5 * hi);
}

/// The bracket the bisection ends with from [lo, hi] at step `step` if every rate `known` does
/// not decide is acceptable below `limit` and not from it on: the same midpoints, computed the
/// same way (the searches' probes solve its two ends, so that their verdicts decide every
/// remaining step when the limit is right).
template <class Known>
std::pair<double, double> bisection_end(double lo, double hi, int step, const Known& known,
                                        double limit) {
  for (int i = step; i < kBisectionSteps && !bisection_closed(lo, hi); ++i) {
    const double mid = 0.5 * (lo + hi);
    const std::optional<bool> verdict = known(mid);
    ((verdict ? *verdict : mid < limit) ? lo : hi) = mid;
  }
  return {lo, hi};
}

/// The end of a predicted last bracket (bisection_end) to solve next: the acceptable end first
/// (cheap, and a new point to estimate from), then the other; none when `known` decides both
/// (the prediction holds: the remaining steps need no solve).
template <class Known>
std::optional<double> next_probe(const std::pair<double, double>& bracket, const Known& known) {
  if (!known(bracket.first)) return bracket.first;
  if (!known(bracket.second)) return bracket.second;
  return std::nullopt;
}

/// x at y = target by Lagrange interpolation of x over y through `points` (y, x): inverse
/// interpolation, a secant through two points, inverse quadratic through three (the searches'
/// estimates of where alpha reaches its threshold or the terminals' load is met); nullopt when
/// two y coincide or the result is not finite.
std::optional<double> inverse_interpolation(const std::vector<std::pair<double, double>>& points,
                                            double target) {
  if (points.size() < 2) return std::nullopt;
  double x = 0.0;
  for (std::size_t i = 0; i < points.size(); ++i) {
    double weight = 1.0;
    for (std::size_t j = 0; j < points.size(); ++j) {
      if (j == i) continue;
      if (points[i].first == points[j].first) return std::nullopt;
      weight *= (target - points[j].first) / (points[i].first - points[j].first);
    }
    x += weight * points[i].second;
  }
  return std::isfinite(x) ? std::optional<double>(x) : std::nullopt;
}

/// The rate at which Thomasian's alpha reaches its thrashing threshold: inverse quadratic
/// interpolation of the rate over 1 / alpha (nearly linear in the rate when a server's queueing
/// drives the holding times: 1 / alpha shrinks with the server's idle share) through the lowest
/// saturated rate solved, when its alpha is known (`saturated`: rate, alpha), and the highest
/// acceptable ones (`acceptable`: rate and alpha, highest first; up to the first without an
/// alpha, whose iteration did not converge), three points at most.
std::optional<double> alpha_threshold_rate(
    const std::optional<std::pair<double, double>>& saturated,
    const std::vector<std::pair<double, std::optional<double>>>& acceptable) {
  std::vector<std::pair<double, double>> pts;  // (1 / alpha, rate)
  if (saturated && saturated->second > 0)
    pts.emplace_back(1.0 / saturated->second, saturated->first);
  for (const auto& [rate, alpha] : acceptable) {
    if (pts.size() >= 3 || !alpha || !(*alpha > 0)) break;
    pts.emplace_back(1.0 / *alpha, rate);
  }
  return inverse_interpolation(pts, 1.0 / solver::locking::thomasian_alpha_threshold());
}

/// The largest total arrival rate (same mix) at which `acceptable` holds for the point `at`
/// computes, by bisection below the linear capacity bound; also the point just beyond it and
/// (`below`, when it was computed) the point at the rate returned. Each point's lock model starts
/// from the state of the highest acceptable rate so far (issue #16: near lock thrashing a solve
/// from zero waits took thousands of iterations); acceptable points lie below the lock model's
/// fold, so that start lies below the operating point sought.
template <class Acceptable,
          class At = Point (*)(const Prepared&, double, const solver::locking::LockIterationState*)>
double bisect_rate(const Prepared& pr, Acceptable acceptable, Point* beyond, At at = solve_at,
                   Point* below = nullptr) {
  double hi = capacity_bound(pr);
  if (!std::isfinite(hi)) hi = 1e9;
  double lo = 0.0;
  Point at_hi = at(pr, hi, nullptr);
  Point at_lo;
  bool have_lo = false;
  if (acceptable(at_hi)) {
    // Only delays and locks could limit; the linear bound was not reached (cannot happen with
    // a finite CPU, kept for safety).
    lo = hi;
  } else {
    for (int i = 0; i < kBisectionSteps && !bisection_closed(lo, hi); ++i) {
      const double mid = 0.5 * (lo + hi);
      Point p = at(pr, mid, have_lo ? at_lo.lock_state.get() : nullptr);
      if (!acceptable(p)) {
        hi = mid;
        at_hi = std::move(p);
      } else {
        lo = mid;
        at_lo = std::move(p);
        have_lo = true;
      }
    }
  }
  if (beyond) *beyond = std::move(at_hi);
  if (below && have_lo) *below = std::move(at_lo);
  return lo;
}

/// Closed workload at throughput x: an arriving transaction finds the load of the N - 1 other
/// terminals' transactions (arrival theorem, Reiser & Lavenberg 1980), so waits and lock
/// conflicts come from the open model at the rate x (N - 1) / N; utilizations and rates are those
/// of x. For a single-server station this is exactly the Bard-Schweitzer approximation of MVA,
/// R = D (1 + (N - 1) / N Q) (Lazowska et al. QSP §7.4.2), and exact for N = 1.
Point closed_point(const Prepared& pr, double x, long n,
                   const solver::locking::LockIterationState* lock_start = nullptr) {
  const double seen = x * static_cast<double>(n - 1) / static_cast<double>(n);
  Point pt = solve_at(pr, seen, lock_start);
  if (pt.saturated) return pt;
  Point loads = loads_with(pr, x, pt.aborted);
  if (loads.saturated) return loads;
  pt.offered = std::move(loads.offered);
  if (seen > 0) pt.deadlock_rate_per_s *= x / seen;
  pt.mean_active = 0.0;
  for (std::size_t c = 0; c < pt.types.size(); ++c) {
    pt.types[c].rate = x * pr.class_share[c];
    // Little's law for the admitted transactions (inside the MPL, as mpl_limit counts them).
    pt.mean_active +=
        pt.types[c].rate * (pt.types[c].response_s - pt.types[c].breakdown.input_queue_s);
  }
  // The arrival theorem's point is solved at (n - 1) / n of the throughput: with the MPL nearly
  // always full, Little's law at the full throughput lands a little above the MPL (5.007 for 5 at
  // 50 terminals), which no node can hold.
  if (pr.model.policies.mpl) {
    std::vector<char> used(pr.model.nodes.size(), 0);
    for (const auto& d : pr.demand.types) used[d.node] = 1;
    const double admitted = static_cast<double>(*pr.model.policies.mpl) *
                            static_cast<double>(std::count(used.begin(), used.end(), 1));
    pt.mean_active = std::min(pt.mean_active, admitted);
  }
  return pt;
}

double point_rate(const Point& pt) {
  double x = 0.0;
  for (const auto& tp : pt.types) x += tp.rate;
  return x;
}

double point_response_s(const Prepared& pr, const Point& pt) {
  double r = 0.0;
  for (std::size_t c = 0; c < pt.types.size(); ++c) r += pr.class_share[c] * pt.types[c].response_s;
  return r;
}

/// A closed system never loses its steady state: when locks thrash (or the MPL queue saturates)
/// before the terminals' load is reached, the throughput stays at the sustainable maximum and
/// the terminals that do not fit wait, `excess_s` each (N / X - Z - R, the response-time law),
/// where the open model saturated: as lock waits, or in the MPL input queue.
void add_closed_excess(const Point& beyond, double excess_s, Point& pt) {
  const bool mpl = beyond.bottleneck == "mpl";
  for (auto& tp : pt.types) {
    (mpl ? tp.breakdown.input_queue_s : tp.breakdown.lock_wait_s) += excess_s;
    tp.response_s += excess_s;
    if (!mpl) pt.mean_active += tp.rate * excess_s;
  }
  pt.closed_excess_s = excess_s;
  pt.bottleneck = beyond.bottleneck;
}

/// A closed workload's excess at an unsaturated point: X (R + Z) - N, the terminals' load that
/// the throughput X and response time R would need beyond the N there are (<= 0: it fits; the
/// interactive response-time law, QSP §3.3.3). One rule for both of solve_closed's searches.
double terminals_excess(const Prepared& pr, const Point& p, double n, double think_s) {
  return point_rate(p) * (point_response_s(pr, p) + think_s) - n;
}

/// solve_closed's bisection (bisect_rate on "fits" with closed_point) replayed: the same rates in
/// the same order and the same answer, in fewer solves (issue #16: 10^4 types with 1,000
/// terminals took twice the open evaluation). Where the terminals' load is reached below
/// saturation, the answer is the root of g(X) = X (R(X) + Z) - N, a smooth increasing function;
/// from the solved points it is interpolated (secant, or inverse quadratic through three), the
/// bisection's remaining steps are replayed as if the root were there, and the two rates that
/// would end it are solved (the fitting one first) - as RateSearch does with its limits. When
/// both verdicts come as predicted, every remaining step is decided by them (a rate at or below
/// a solved fitting one fits, one at or above a solved misfit does not: the bisection's premise).
/// A wrong prediction is a solve like any other; at most kProbes. Each solve starts from the lock
/// state of the highest fitting rate solved, as the bisection's do.
template <class At>
class ClosedSearch {
 public:
  /// `at`: the point at a throughput (closed_point for the N terminals), from a lock state.
  ClosedSearch(const Prepared& pr, long n, double think_s, const At& at)
      : pr_(pr), n_(static_cast<double>(n)), think_s_(think_s), at_(at) {}

  /// The bisection's answer; `beyond`: the point at its final upper rate.
  double run(Point& beyond) {
    hi_ = capacity_bound(pr_);
    if (!std::isfinite(hi_)) hi_ = 1e9;
    lo_ = 0.0;
    // bisect_rate solves its upper end first, from zero waits; `beyond` is the point at its
    // final upper end (this one when it fits).
    Point top = solve(hi_, nullptr);
    if (fits(hi_, top)) {
      lo_ = hi_;
      beyond = std::move(top);
      return lo_;
    }
    for (step_ = 0; step_ < kBisectionSteps && !bisection_closed(lo_, hi_); ++step_) {
      const double mid = 0.5 * (lo_ + hi_);
      (decide(mid) ? lo_ : hi_) = mid;
    }
    // The final upper end is the lowest misfit solved, unless a probe below it decided it.
    beyond = hi_ == bad_rate_ ? std::move(bad_point_) : solve(hi_, ok_state_.get());
    return lo_;
  }

 private:
  static constexpr int kProbes = 6;

  Point solve(double x, const solver::locking::LockIterationState* start) {
    return at_(pr_, x, start);
  }

  /// Records the verdict of a point solved at `x`; true if it fits (else `p` is moved from).
  bool fits(double x, Point& p) {
    const bool saturated = p.saturated;
    const double g = saturated ? 0.0 : terminals_excess(pr_, p, n_, think_s_);
    if (!saturated) solved_.push_back({x, g, p.lock_alpha});
    if (!saturated && g <= 0) {
      if (x > ok_rate_) {
        ok_rate_ = x;
        ok_state_ = p.lock_state;
      }
      return true;
    }
    if (x < bad_rate_) {
      bad_rate_ = x;
      bad_point_ = std::move(p);
    }
    return false;
  }

  std::optional<bool> known_verdict(double x) const {
    if (x <= ok_rate_) return true;
    if (x >= bad_rate_) return false;
    return std::nullopt;
  }

  bool decide(double x) {
    if (const auto known = known_verdict(x)) return *known;
    jump_to_root();
    if (const auto known = known_verdict(x)) return *known;
    Point p = solve(x, ok_state_.get());
    return fits(x, p);
  }

  /// The probes: the bisection's last bracket under the interpolated bound, the fitting end
  /// first.
  void jump_to_root() {
    while (probes_ < kProbes && solved_.size() != stalled_at_) {
      // The first bound the load meets: the terminals' load, or saturation by alpha.
      auto root = root_estimate();
      if (const auto saturation = saturation_estimate())
        root = root ? std::min(*root, *saturation) : *saturation;
      if (!root) return;
      const auto known = [this](double x) { return known_verdict(x); };
      const auto bracket = bisection_end(lo_, hi_, step_, known, *root);
      const auto next = next_probe(bracket, known);
      if (!next) return;
      const double probe = *next;
      ++probes_;
      const std::size_t seen = solved_.size();
      Point p = solve(probe, ok_state_.get());
      const bool fit = fits(probe, p);
      // A misfit where a fit was predicted, and nothing new to interpolate from (saturated):
      // leave the rest to the bisection until a new point is solved.
      if ((!fit && probe == bracket.first) || solved_.size() == seen) stalled_at_ = solved_.size();
    }
  }

  /// The root of g by inverse interpolation through the (up to) three solved points nearest to
  /// the bracket: the highest with g <= 0 and the lowest with g > 0 first. Only inside the
  /// bracket of the solved verdicts.
  std::optional<double> root_estimate() const {
    std::vector<std::pair<double, double>> pts;  // (g, x)
    const Solved* below = nullptr;
    const Solved* above = nullptr;
    for (const auto& q : solved_) {
      if (q.g <= 0 && (!below || q.x > below->x)) below = &q;
      if (q.g > 0 && (!above || q.x < above->x)) above = &q;
    }
    if (below) pts.emplace_back(below->g, below->x);
    if (above) pts.emplace_back(above->g, above->x);
    // A third: the next fitting point below (or, without a misfit, the two highest fitting).
    const Solved* third = nullptr;
    for (const auto& q : solved_)
      if (q.g <= 0 && below && q.x < below->x && (!third || q.x > third->x)) third = &q;
    if (third) pts.emplace_back(third->g, third->x);
    const auto root = inverse_interpolation(pts, 0.0);
    if (!root || !(*root > ok_rate_) || !(*root < bad_rate_)) return std::nullopt;
    return root;
  }

  struct Solved {
    double x = 0.0;
    double g = 0.0;  ///< X (R + Z) - N, of an unsaturated point
    std::optional<double> alpha;
  };

  /// Where the terminals' load saturates the system by Thomasian's alpha before it is met (the
  /// lowest misfit solved thrashed by alpha): where alpha reaches its threshold, as RateSearch
  /// estimates it (alpha_threshold_rate).
  std::optional<double> saturation_estimate() const {
    if (!bad_point_.saturated || !bad_point_.lock_alpha) return std::nullopt;
    std::vector<std::pair<double, std::optional<double>>> fitting;
    for (const auto& q : solved_)
      if (q.g <= 0) fitting.emplace_back(q.x, q.alpha);
    std::sort(fitting.begin(), fitting.end(),
              [](const auto& a, const auto& b) { return a.first > b.first; });
    const auto limit =
        alpha_threshold_rate(std::make_pair(bad_rate_, *bad_point_.lock_alpha), fitting);
    if (!limit || !(*limit > ok_rate_) || !(*limit < bad_rate_)) return std::nullopt;
    return limit;
  }

  const Prepared& pr_;
  const double n_;
  const double think_s_;
  const At& at_;
  double lo_ = 0.0, hi_ = 0.0;  ///< the bisection's bracket
  int step_ = 0;                ///< and its step
  double ok_rate_ = 0.0;        ///< the highest fitting rate solved (0 fits: the bracket's end)
  double bad_rate_ = std::numeric_limits<double>::infinity();  ///< the lowest misfit solved
  std::shared_ptr<const solver::locking::LockIterationState> ok_state_;
  Point bad_point_;
  std::vector<Solved> solved_;
  int probes_ = 0;
  std::size_t stalled_at_ = static_cast<std::size_t>(-1);
};

}  // namespace

/// Terminals (closed workload): the throughput X with X = N / (R(X) + Z) (the interactive
/// response-time law, QSP §3.3.3). X (R(X) + Z) grows with X, so X is found by bisection below
/// the capacity bound (ClosedSearch). When locks thrash (or the MPL queue saturates) before the
/// terminals' load is reached, the point is saturated with that bottleneck. `throughput` receives
/// X.
Point solve_closed(const Prepared& pr, const Terminals& t, const EvaluateOptions& options,
                   double& throughput) {
  const long n = t.count;
  const double z = t.think_time_ms / 1000.0;
  int solves = 0;
  const auto at = [n, &solves](const Prepared& p, double x,
                               const solver::locking::LockIterationState* start) {
    ++solves;
    return closed_point(p, x, n, start);
  };
  Point beyond;
  if (options.plain_rate_searches) {
    const auto fits = [&pr, n, z](const Point& p) {
      return !p.saturated && terminals_excess(pr, p, static_cast<double>(n), z) <= 0;
    };
    throughput = bisect_rate(pr, fits, &beyond, at);
  } else {
    throughput = ClosedSearch(pr, n, z, at).run(beyond);
  }
  if (options.search_cost) options.search_cost->closed_solves = solves;
  Point pt = closed_point(pr, throughput, n);
  const double cycle_s = point_response_s(pr, pt) + z;
  if (beyond.saturated && throughput > 0 && throughput * cycle_s < 0.999 * static_cast<double>(n))
    add_closed_excess(beyond, static_cast<double>(n) / throughput - cycle_s, pt);
  return pt;
}

namespace {

/// A verdict of the lock model that lost its operating point (diverged, or a full lock queue),
/// as against the loads' saturation or Thomasian's alpha past its threshold.
bool lock_divergence(const Point& p) {
  return p.saturated && !p.lock_alpha &&
         (p.bottleneck.rfind("lock thrashing", 0) == 0 || p.bottleneck.rfind("lock queue", 0) == 0);
}

/// The maximum-throughput bisection (bisect_rate on "not saturated" with solve_at) replayed:
/// the same rates in the same order, the same answer and the same point beyond it, in fewer full
/// solves (issue #16: with 10^4 types each solve is a lock-model solve over 10^4 classes). The
/// bisection's premise is that the acceptable rates form an interval from 0; so a rate at or
/// below one solved acceptable is acceptable, and one at or above one solved saturated is
/// saturated, without a solve. A rate whose station loads saturate is saturated whatever its
/// locks (solve_once judges the loads first), which loads_at decides without the lock model.
/// Where locks thrash before a server saturates (lock holding grows with its queueing: the
/// Debit-Credit default thrashes 1-6 TPS below the log disk's 200 TPS), the bisection spends
/// about 12 of its 18 solves closing in on the rate where Thomasian's alpha reaches its
/// threshold; that rate is interpolated instead (jump_to_limit), and the two rates the bisection
/// would end with, were the limit there, are solved, so its remaining steps - and the points at
/// its answer and beyond it - need no solve. Where the lock model
/// loses its operating point at a fold instead (a hot granule's queue), the fold is estimated and
/// approached from below, and the bisection's last bracket is solved (jump_to_fold). Each solve
/// starts from the lock state of the highest acceptable rate solved, as the bisection's do.
class RateSearch {
 public:
  RateSearch(const Prepared& pr, RateSearchCost& cost) : pr_(pr), cost_(cost) {}

  /// The bisection's answer; `beyond`: the point at its final upper rate, `below` the one at the
  /// answer (when the answer is not 0).
  double run(Point& beyond, Point& below) {
    hi_ = capacity_bound(pr_);
    if (!std::isfinite(hi_)) hi_ = 1e9;
    lo_ = 0.0;
    if (acceptable(hi_)) {
      lo_ = hi_;
    } else {
      for (step_ = 0; step_ < kBisectionSteps && !bisection_closed(lo_, hi_); ++step_) {
        const double mid = 0.5 * (lo_ + hi_);
        (acceptable(mid) ? lo_ : hi_) = mid;
      }
    }
    beyond = point_at(hi_);
    if (lo_ > 0) below = point_at(lo_);
    return lo_;
  }

 private:
  struct Solved {
    double rate = 0.0;
    Point point;
    /// Acceptable points: the mean lock wait per transaction, the fold's coordinate
    /// (fold_estimate); kept when the point itself is released.
    double lock_wait_s = std::numeric_limits<double>::quiet_NaN();
  };

  /// The verdict at `rate` that the solved points imply (the bisection's premise), if any.
  std::optional<bool> known_verdict(double rate) const {
    if (!ok_.empty() && rate <= ok_.back().rate) return true;
    if (bad_ && rate >= bad_->rate) return false;
    return std::nullopt;
  }

  bool acceptable(double rate) {
    if (const auto known = known_verdict(rate)) return *known;
    Point loads = loads_at(pr_, rate);
    if (loads.saturated) {
      bad_ = Solved{rate, std::move(loads)};
      return false;
    }
    jump_to_limit();
    jump_to_fold();
    if (const auto known = known_verdict(rate)) return *known;
    return solve(rate);
  }

  /// A full solve at `rate` from the highest acceptable state.
  Point solve_point(double rate) {
    return counted(
        solve_probe(pr_, rate, ok_.empty() ? nullptr : ok_.back().point.lock_state.get()));
  }

  Point counted(Point p) {
    ++cost_.solves;
    cost_.lock_iterations += p.lock_iterations;
    return p;
  }

  /// Records a solved point; true if acceptable.
  bool record(double rate, Point p) {
    const bool fine = !p.saturated;
    if (fine) {
      const double lock_wait_s = mean_lock_wait_s(p);
      ok_.push_back({rate, std::move(p), lock_wait_s});
    } else {
      bad_ = Solved{rate, std::move(p)};
    }
    return fine;
  }

  double mean_lock_wait_s(const Point& p) const {
    double wait_s = 0.0;
    for (std::size_t c = 0; c < p.types.size(); ++c)
      wait_s += pr_.class_share[c] * p.types[c].breakdown.lock_wait_s;
    return wait_s;
  }

  bool solve(double rate) {
    Point p = solve_point(rate);
    if (!p.saturated) release_passed_points();
    return record(rate, std::move(p));
  }

  /// The bisection's answer is the highest rate it accepts, and point_at starts a solve from the
  /// highest accepted state below its rate: once the bisection accepts a rate, no point solved
  /// below it can be returned or started from. Only their alphas stay (alpha_limit_estimate);
  /// 10^4 types kept 3.5 MB per point to the end (issue #16).
  void release_passed_points() {
    for (auto& q : ok_) {
      Point alpha_only;
      alpha_only.lock_alpha = q.point.lock_alpha;
      q.point = std::move(alpha_only);
    }
  }

  /// Probes the rate at which Thomasian's alpha reaches its thrashing threshold, estimated from
  /// the solved points nearest to it, once per new bracket, at most kJumps times, once a solve has
  /// thrashed: the bisection's remaining steps are replayed as if the limit were there, and the
  /// two rates that would end it are solved (the acceptable one first), so that when both verdicts
  /// come as predicted no further step, nor the points at the answer and beyond it, needs a solve.
  /// A probe counts only if its alpha is that threshold (within kAgreement): then alpha is
  /// continuous up to it, and the probe lies where the bisection would find the same verdict. A
  /// model with several lock operating points (a page-locked append partition, issue #13) can
  /// give another alpha there, from a start below (another branch); such a probe is dropped, so
  /// the bisection's own steps decide, as without it.
  void jump_to_limit() {
    constexpr int kJumps = 3;
    constexpr double kAgreement = 5e-3;  // of the threshold
    // Only across the crossing (a solved rate whose alpha thrashed): extrapolated from below
    // alone, the estimate is far off and the probes are wasted.
    if (ok_.empty() || !bad_ || !bad_->point.lock_alpha || jumps_ >= kJumps) return;
    const double bracket_hi = bad_->rate;
    if (ok_.back().rate == jumped_lo_ && bracket_hi == jumped_hi_) return;
    jumped_lo_ = ok_.back().rate;
    jumped_hi_ = bracket_hi;
    const auto limit = alpha_limit_estimate();
    if (!limit || *limit <= ok_.back().rate || *limit >= bracket_hi) return;
    ++jumps_;
    const double threshold = solver::locking::thomasian_alpha_threshold();
    const auto agrees = [threshold](const Point& p) {
      return p.lock_alpha && std::abs(*p.lock_alpha / threshold - 1.0) <= kAgreement;
    };
    const auto [lo, hi] = bracket_if_limit_at(*limit);
    for (const double rate : {lo, hi}) {
      if (known_verdict(rate)) continue;
      Point p = solve_point(rate);
      if (!agrees(p) || !record(rate, std::move(p))) return;
    }
  }

  /// alpha_threshold_rate through the solved points nearest to the limit.
  std::optional<double> alpha_limit_estimate() const {
    std::optional<std::pair<double, double>> saturated;
    if (bad_ && bad_->point.lock_alpha) saturated.emplace(bad_->rate, *bad_->point.lock_alpha);
    std::vector<std::pair<double, std::optional<double>>> acceptable;
    for (auto q = ok_.rbegin(); q != ok_.rend() && acceptable.size() < 3; ++q)
      acceptable.emplace_back(q->rate, q->point.lock_alpha);
    return alpha_threshold_rate(saturated, acceptable);
  }

  /// Where the lock model loses its operating point at a fold rather than by Thomasian's alpha
  /// (a hot granule's queue: the 10^4-partition real load, issue #16), the bisection spends most
  /// of its solves beyond the fold, each a divergence that passes slowly by the vanished point
  /// (40-100 lock iterations against 15 below it). Once a solve has diverged, the fold is
  /// estimated from the highest acceptable points (fold_estimate), the bisection's remaining
  /// steps are replayed as if the fold were there, and the two rates that would end it are solved:
  /// first the last acceptable one (cheap; it also improves the estimate), then the first
  /// saturated one. When both verdicts are as predicted, every remaining step is decided by them.
  /// A wrong prediction costs the probe's solve and is a verdict like any other; after a
  /// saturated probe where acceptance was predicted (the estimate was high) no probe follows
  /// until a new acceptable point exists. An acceptable probe counts only if its lock wait lies
  /// on the estimated branch (within kFoldAgreement of the waits' span): a model with several
  /// lock operating points (page-locked HISTORY, issue #13) finds another one from a start below,
  /// and then the bisection decides alone, as in jump_to_limit.
  void jump_to_fold() {
    constexpr int kFoldProbes = 12;
    while (fold_probes_ < kFoldProbes && bad_ && lock_divergence(bad_->point) && !ok_.empty() &&
           ok_.back().rate != fold_stalled_at_) {
      const auto fold = fold_estimate();
      if (!fold) return;
      const auto bracket = bracket_if_limit_at(fold->rate);
      const auto next = next_probe(bracket, [this](double x) { return known_verdict(x); });
      if (!next) return;
      const double probe = *next;
      const double lo = bracket.first;
      ++fold_probes_;
      Point loads = loads_at(pr_, probe);
      Point p = loads.saturated ? std::move(loads) : solve_point(probe);
      if (!p.saturated && !fold->on_branch(probe, mean_lock_wait_s(p))) {
        fold_stalled_at_ = ok_.back().rate;  // another operating point: leave it to the bisection
        return;
      }
      if (!p.saturated) release_passed_points();
      // Saturated where acceptance was predicted: the estimate was high. Saturated at `hi`: the
      // bracket is closed (the next round returns). Acceptable: a new point to estimate from.
      if (!record(probe, std::move(p)) && probe == lo) fold_stalled_at_ = ok_.back().rate;
    }
  }

  /// The parabola rate(w) = r0 + d01 (w - w0) + c (w - w0)(w - w1) through the three highest
  /// acceptable points (w: mean lock wait) and its vertex, the estimated fold.
  struct Fold {
    double r0, w0, w1, d01, c;
    double rate;    ///< at the vertex
    double wait_s;  ///< at the vertex
    double span_s;  ///< the waits' span: vertex minus lowest of the three points
    double rate_at(double w) const { return r0 + d01 * (w - w0) + c * (w - w0) * (w - w1); }
    /// The lower branch's wait at `rate` < the vertex's rate.
    double wait_at(double rate_below) const {
      return wait_s - std::sqrt(std::max(0.0, (rate - rate_below) / -c));
    }
    bool on_branch(double rate_probe, double w) const {
      return std::abs(w - wait_at(rate_probe)) <= kFoldAgreement * span_s;
    }
  };
  static constexpr double kFoldAgreement = 0.25;

  /// Near a fold (saddle-node) of the lock model's fixed-point equation, every quantity of the
  /// operating point follows x_f - x ~ sqrt(rate_f - rate) (the normal form x' = mu - x^2:
  /// Strogatz, Nonlinear Dynamics and Chaos, 2nd ed., §3.1; Kuznetsov, Elements of Applied
  /// Bifurcation Theory, 3rd ed., §3.2). So the rate is a parabola in the mean lock wait, with
  /// its maximum at the fold: the vertex of the parabola through the three highest acceptable
  /// points, when their waits rise with the rate and it opens downwards.
  std::optional<Fold> fold_estimate() const {
    if (ok_.size() < 3) return std::nullopt;
    const Solved& p0 = ok_[ok_.size() - 1];
    const Solved& p1 = ok_[ok_.size() - 2];
    const Solved& p2 = ok_[ok_.size() - 3];
    if (!(p0.lock_wait_s > p1.lock_wait_s && p1.lock_wait_s > p2.lock_wait_s))
      return std::nullopt;  // NaN (not recorded) or not rising
    Fold f{};
    f.r0 = p0.rate;
    f.w0 = p0.lock_wait_s;
    f.w1 = p1.lock_wait_s;
    f.d01 = (p0.rate - p1.rate) / (p0.lock_wait_s - p1.lock_wait_s);
    const double d12 = (p1.rate - p2.rate) / (p1.lock_wait_s - p2.lock_wait_s);
    f.c = (f.d01 - d12) / (p0.lock_wait_s - p2.lock_wait_s);
    if (!(f.c < 0)) return std::nullopt;
    // d rate / dw = d01 + c (2 w - w0 - w1) = 0
    f.wait_s = 0.5 * (p0.lock_wait_s + p1.lock_wait_s) - 0.5 * f.d01 / f.c;
    f.rate = f.rate_at(f.wait_s);
    f.span_s = f.wait_s - p2.lock_wait_s;
    if (!std::isfinite(f.rate) || !(f.wait_s > p0.lock_wait_s) || !(f.rate > p0.rate) ||
        !(f.rate < bad_->rate))
      return std::nullopt;
    return f;
  }

  /// The bracket the bisection ends with from its current state were the limit at `limit`.
  std::pair<double, double> bracket_if_limit_at(double limit) const {
    return bisection_end(
        lo_, hi_, step_, [this](double rate) { return known_verdict(rate); }, limit);
  }

  /// The point at a rate the bisection ended on: the solved one, or a solve (the loads' when
  /// they saturate), starting from the highest acceptable state below it.
  Point point_at(double rate) {
    for (auto& q : ok_)
      if (q.rate == rate) return std::move(q.point);
    if (bad_ && bad_->rate == rate) return std::move(bad_->point);
    Point loads = loads_at(pr_, rate);
    if (loads.saturated) return loads;
    const solver::locking::LockIterationState* start = nullptr;
    for (const auto& q : ok_)
      if (q.rate < rate) start = q.point.lock_state.get();
    Point p = counted(solve_probe(pr_, rate, start));
    // Saturated by the premise (a lower rate was); were it not, the lower rate's verdict names
    // the limit rather than "none".
    if (!p.saturated && bad_ && bad_->rate < rate) return std::move(bad_->point);
    return p;
  }

  const Prepared& pr_;
  RateSearchCost& cost_;
  std::vector<Solved> ok_;     ///< acceptable rates solved, ascending
  std::optional<Solved> bad_;  ///< the lowest saturated rate seen
  int jumps_ = 0;
  double jumped_lo_ = -1.0, jumped_hi_ = -1.0;
  int fold_probes_ = 0;
  double fold_stalled_at_ = -1.0;  ///< ok_.back().rate when a fold probe failed
  double lo_ = 0.0, hi_ = 0.0;     ///< the bisection's bracket
  int step_ = 0;                   ///< and its step
};

double max_sustainable_rate(const Prepared& pr, const EvaluateOptions& options, Point& beyond,
                            Point& below) {
  RateSearchCost cost;
  double rate = 0.0;
  if (options.plain_rate_searches) {
    const auto solve = [&cost](const Prepared& p, double r,
                               const solver::locking::LockIterationState* start) {
      Point pt = solve_probe(p, r, start);
      ++cost.solves;
      cost.lock_iterations += pt.lock_iterations;
      return pt;
    };
    rate = bisect_rate(
        pr, [](const Point& p) { return !p.saturated; }, &beyond, solve, &below);
  } else {
    rate = RateSearch(pr, cost).run(beyond, below);
  }
  if (options.search_cost) {
    options.search_cost->solves = cost.solves;
    options.search_cost->lock_iterations = cost.lock_iterations;
  }
  return rate;
}

}  // namespace

void report_max_throughput(const Prepared& pr, const EvaluateOptions& options, Evaluation& ev) {
  const auto& dm = pr.demand;
  Point at_hi, below;
  const double lo = max_sustainable_rate(pr, options, at_hi, below);
  ev.max_throughput_per_s = lo;
  ev.max_throughput_limited_by = at_hi.saturated ? at_hi.bottleneck : "none";
  // Lock thrashing right at a server's capacity is caused by that server's queueing (lock
  // holding times grow with its waits): name the server as the limit.
  if ((at_hi.bottleneck.rfind("lock thrashing", 0) == 0 ||
       at_hi.bottleneck.rfind("lock queue", 0) == 0) &&
      lo > 0) {
    const Point at_lo = below.types.empty() ? solve_probe(pr, lo) : std::move(below);
    int worst = -1;
    double worst_rho = 0.0;
    for (std::size_t k = 0; k < dm.stations.size(); ++k) {
      const int servers = dm.stations[k].servers;
      if (servers <= 0 || k >= at_lo.offered.size()) continue;
      const double rho = at_lo.offered[k] / servers;
      if (rho > worst_rho) {
        worst_rho = rho;
        worst = static_cast<int>(k);
      }
    }
    // Locks are named only when their waits are a material share (>= 25 %) of the response
    // time at the limit; otherwise the server alone limits.
    double lock_s = 0.0, response_s = 0.0;
    for (std::size_t c = 0; c < at_lo.types.size(); ++c) {
      lock_s += pr.class_share[c] * at_lo.types[c].breakdown.lock_wait_s;
      response_s += pr.class_share[c] * at_lo.types[c].response_s;
    }
    const bool locks_material = !at_lo.saturated && lock_s >= 0.25 * response_s;
    if (worst >= 0 && worst_rho >= 0.9)
      ev.max_throughput_limited_by =
          dm.stations[worst].name +
          (locks_material ? " (its queueing lengthens lock holding: " + at_hi.bottleneck + ")"
                          : std::string());
  }
}

/// Abb. 7-11: the throughput per node at which the busiest node's CPU reaches the cap. The CPU
/// loads are judged from the stations' loads alone (cheap); the result never exceeds the
/// sustainable maximum (lock thrashing may come first).
void report_cpu_cap_throughput(const Prepared& pr, double cap, Evaluation& ev) {
  const auto& layout = pr.demand.layout;
  const auto within_cap = [&](const Point& p) {
    if (p.saturated) return false;
    for (std::size_t i = 0; i < layout.cpu.size(); ++i)
      if (p.offered[layout.cpu[i]] / pr.demand.stations[layout.cpu[i]].servers > cap) return false;
    return true;
  };
  double total = bisect_rate(pr, within_cap, nullptr, loads_at);
  if (ev.max_throughput_per_s) total = std::min(total, *ev.max_throughput_per_s);
  ev.max_throughput_per_node_at_cpu_cap_per_s = total / static_cast<double>(layout.cpu.size());
}

}  // namespace tpeval::model::detail
