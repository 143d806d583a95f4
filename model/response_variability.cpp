// Response-time SCV from the analytic breakdown (see response_variability.hpp).
#include "model/response_variability.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <optional>
#include <utility>

#include "model/device_demand.hpp"
#include "model/reference_count.hpp"
#include "solver/open/count_moments.hpp"
#include "solver/open/response_quantile.hpp"

namespace tpeval::model {

namespace {

/// Variance of `total` seconds spread over `n` equal exponential stages (n >= 1).
double fixed_stages(double total, double n) {
  return total > 0 ? total * total / std::max(1.0, n) : 0.0;
}

/// Variance of a random number N of episodes of mean r = total / E[N], each the sum of
/// `stages` equal exponential stages (variance r^2 / stages): E[N] r^2 / stages + Var(N) r^2
/// (the variance of a random sum, Wald).
double random_stages(double total, double mean_count, double count_variance, double stages = 1.0) {
  if (!(total > 0) || !(mean_count > 0)) return 0.0;
  const double r = total / mean_count;
  return (mean_count / std::max(1.0, stages) + count_variance) * r * r;
}

/// A part of the response time made of a random number K of episodes: P(K = k), and one
/// episode's mean and variance (s, s^2).
struct EpisodeGroup {
  std::vector<double> pmf;
  /// The count of entry k of the pmf; empty: k itself.
  std::vector<double> counts;
  double mean_s = 0.0;
  double variance_s2 = 0.0;
  double count(std::size_t k) const { return counts.empty() ? static_cast<double>(k) : counts[k]; }
  solver::open::CountMoments moments() const {
    if (counts.empty()) return solver::open::count_moments(pmf);
    double mean = 0.0, second = 0.0;
    for (std::size_t k = 0; k < pmf.size(); ++k) {
      mean += pmf[k] * counts[k];
      second += pmf[k] * counts[k] * counts[k];
    }
    return {mean, std::max(0.0, second - mean * mean)};
  }
  double mean_count() const { return moments().mean; }
  /// E[K] Var(T) + Var(K) E[T]^2 (Wald).
  double total_variance_s2() const {
    return solver::open::random_sum_variance(moments(), mean_s, variance_s2);
  }
};

/// The slow device operations as episodes (TypeResult::slow_operation_pmf).
std::optional<EpisodeGroup> slow_episodes(const TypeResult& t) {
  if (t.slow_operation_pmf.empty()) return std::nullopt;
  return EpisodeGroup{t.slow_operation_pmf,
                      {},
                      t.slow_operation_s,
                      t.slow_operation_s * t.slow_operation_s * t.slow_operation_scv};
}

/// A variable number of references as episodes (TypeResult::reference_counts): a transaction of
/// k references takes the count-dependent part D (at the mean count m) k / m times, so each
/// reference is an episode of mean D / m and of 1 / m of the variance of D's stages
/// (TypeResult::count_dependent_variance_s2; the rest stays with the other parts); the mixture
/// keeps response_time_scv's variance, whose count term is Var(K) (D / m)^2.
std::optional<EpisodeGroup> count_episodes(const TypeResult& t) {
  if (t.reference_counts.size() < 2 || !(t.count_dependent_s > 0) || !t.response_time_s)
    return std::nullopt;
  EpisodeGroup g{t.reference_count_probabilities, t.reference_counts, 0.0, 0.0};
  const auto count = g.moments();
  const double mean = *t.response_time_s;
  if (!(count.mean > 0) || !(mean > 0)) return std::nullopt;
  g.mean_s = std::min(t.count_dependent_s, mean) / count.mean;
  g.variance_s2 = std::max(0.0, t.count_dependent_variance_s2) / count.mean;
  return g;
}

/// The lock waits as episodes when most transactions wait for no lock (P(no conflict) >= 1/2):
/// K ~ Binomial(requests, conflict probability), the waits' variance the lock model's
/// (TypeResult::lock_wait_variance_s2; the per-wait variance what the count's spread leaves of
/// it). Only for open workloads (`rare_lock_waits`: the closed form's variance differs).
std::optional<EpisodeGroup> lock_episodes(const TypeResult& t) {
  const double n = t.lock_requests, p = t.conflict_probability;
  if (!t.rare_lock_waits || !(t.lock_wait_variance_s2 >= 0) || !(n > 0) || !(p > 0) || !(p < 1) ||
      !(t.breakdown.lock_wait_s > 0))
    return std::nullopt;
  if (std::exp(n * std::log1p(-p)) < 0.5) return std::nullopt;
  // P(K = k) up to 17 terms, until it is negligible, renormalized.
  EpisodeGroup g;
  g.pmf = solver::open::binomial_pmf(n, p, 17, 1e-14);
  double total = 0.0;
  for (const double q : g.pmf) total += q;
  for (double& q : g.pmf) q /= total;
  const auto count = solver::open::count_moments(g.pmf);
  if (!(count.mean > 0)) return std::nullopt;
  g.mean_s = t.breakdown.lock_wait_s / count.mean;
  g.variance_s2 =
      std::max(0.0, (t.lock_wait_variance_s2 - count.variance * g.mean_s * g.mean_s) / count.mean);
  return g;
}

/// The parts of a response time whose count of episodes shapes it: the slow device operations
/// (TypeResult::slow_operation_pmf) and rare lock waits (lock_episodes).
std::vector<EpisodeGroup> episode_groups(const TypeResult& t) {
  std::vector<EpisodeGroup> groups;
  // A variable count: the mixture over the counts alone (count_episodes), its components' spread
  // the stages'. The slow operations' and rare lock waits' counts are the mean count's: in a
  // product with the references' count a short transaction would take the mean's reads (p50
  // +28 % at 10 references of SCV 2 without locks), and conditioned on the count, as binomials
  // of n k / m trials, the tails fell short (p99 -31 % there).
  if (auto counts = count_episodes(t)) {
    groups.push_back(std::move(*counts));
    return groups;
  }
  if (auto slow = slow_episodes(t)) groups.push_back(std::move(*slow));
  // The lock waits only where they shape the distribution: a tenth of its variance or more (10^4
  // Debit-Credit types with their few short waits took 4.9 s instead of 0.9 s for quantiles of
  // mixtures that equal the gamma's).
  const double variance =
      t.response_time_s ? t.response_time_scv * *t.response_time_s * *t.response_time_s : 0.0;
  if (auto lock = lock_episodes(t); lock && lock->total_variance_s2() >= 0.1 * variance)
    groups.push_back(std::move(*lock));
  return groups;
}

/// The response time as a mixture over its episode counts (episode_groups): each component the
/// rest of the response time (its variance what the groups leave of the total) plus k_g
/// episodes of each group g; one component without groups.
std::vector<solver::open::MomentComponent> response_components(const TypeResult& t, double weight) {
  const double mean = *t.response_time_s;
  const std::vector<EpisodeGroup> groups = episode_groups(t);
  if (groups.empty()) return {{weight, mean, t.response_time_scv}};
  double rest_variance = t.response_time_scv * mean * mean;
  for (const auto& g : groups) rest_variance -= g.total_variance_s2();
  rest_variance = std::max(0.0, rest_variance);
  // The cartesian product of the groups' counts, each term's weight, mean and variance.
  struct Term {
    double p, mean, variance;
  };
  std::vector<Term> terms{{1.0, mean, rest_variance}};
  for (const auto& g : groups) {
    const double count = g.mean_count();
    std::vector<Term> next;
    for (const Term& term : terms)
      for (std::size_t k = 0; k < g.pmf.size(); ++k) {
        const double p = term.p * g.pmf[k];
        if (!(p > 1e-12)) continue;
        const double kd = g.count(k);
        next.push_back(
            {p, term.mean + (kd - count) * g.mean_s, term.variance + kd * g.variance_s2});
      }
    terms = std::move(next);
  }
  std::vector<solver::open::MomentComponent> parts;
  for (const Term& term : terms)
    if (term.mean > 0)
      parts.push_back({weight * term.p, term.mean, term.variance / (term.mean * term.mean)});
  if (parts.empty()) return {{weight, mean, t.response_time_scv}};
  return parts;
}

}  // namespace

namespace {

/// The response time's variance without the count's spread (`all`), and the part of it in the
/// stages that grow with the number of references (`count_dependent`: the references' CPU
/// bursts, the I/O, the lock waits and the FORCE page writes).
struct StageVariance {
  double all = 0.0, count_dependent = 0.0;
};

StageVariance stage_variance(const TransactionType& type, const Policies& policies,
                             const TypeResult& t, const std::optional<ClosedQueues>& closed) {
  const auto& b = t.breakdown;
  double io_s = 0.0;
  for (const auto& part : b.io_s) io_s += part.second;
  const double m = type.references;
  double var = fixed_stages(b.cpu_service_s + b.cpu_wait_s, m + 2.0);
  double dependent = var * m / (m + 2.0);
  var += t.cpu_wait_covariance_s2;  // the visits' waits are correlated (issue #13)
  var += fixed_stages(b.extended_memory_s, t.eh_accesses);
  // The commit's writes by their own lengths (issue #13: FORCE with the log and ACCOUNT on NVMe
  // writes BRANCH, TELLER and HISTORY to disks, 16 ms each, and two pages in 0.1 ms: as five
  // equal stages the p99 was -16 %).
  const double commit_var = t.commit_io_variance_s2 >= 0
                                ? t.commit_io_variance_s2
                                : fixed_stages(b.commit_io_s, t.log_writes + t.force_writes);
  var += commit_var;
  if (b.commit_io_s > 0)
    dependent += commit_var *
                 force_commit_io_s(policies, b.commit_io_s, t.log_writes, t.force_writes) /
                 b.commit_io_s;
  const double frac = t.page_misses - std::floor(t.page_misses);
  // An I/O episode (HS miss) is a synchronous victim write and/or a read: device operations.
  const double operations =
      t.page_misses > 0 ? (t.device_reads + t.victim_writes) / t.page_misses : 1.0;
  // The slow device operations by their count's distribution (slow_operation_variance_s2); the
  // rest of the I/O time as before.
  const auto slow = slow_episodes(t);
  const double rest_io_s = std::max(0.0, io_s - (slow ? slow->mean_count() * slow->mean_s : 0.0));
  const double io_var = random_stages(rest_io_s, t.page_misses, frac * (1.0 - frac), operations) +
                        (slow ? slow->total_variance_s2() : 0.0);
  var += io_var;
  dependent += io_var;
  // With terminals the lock queues are bounded too: the number of blocked transactions is
  // binomial over the N terminals, about Poisson with mean q (q = throughput x lock wait,
  // Little), and a wait behind Poisson(q) holders of exponential length h has variance 2 q h^2
  // against the open system's geometric number's variance (q + q^2 + q) h^2: the exponential
  // form's variance divided by about q / 2.
  const double conflicts = t.lock_requests * t.conflict_probability;
  const double blocked = closed ? closed->lock_waits / 2.0 : 1.0;
  // Each wait has the SCV of the lock model's second moment (a hot end-of-file page's queue
  // wait is spread over its B inserters, SCV well below the exponential's 1; issue #13).
  // The lock model's variance of the wait per transaction sums each request's own (issue #13:
  // with page-locked HISTORY nearly every transaction waits for its page, so the binomial count
  // over all requests at their mean conflict probability overstated the spread: p50 -21 %,
  // p99 +36 % at 100 TPS); the binomial form remains for results without it, and with
  // terminals, whose bounded-queue correction above was derived for it (with the lock model's
  // variance the closed page-locked HISTORY point of the workloads grid was 26-29 % off at
  // p90-p99).
  const double wait_stages = t.lock_wait_scv > 0 ? 1.0 / t.lock_wait_scv : 1e9;
  const double lock_var =
      t.lock_wait_variance_s2 >= 0 && !closed
          ? t.lock_wait_variance_s2
          : random_stages(b.lock_wait_s, conflicts, conflicts * (1.0 - t.conflict_probability),
                          wait_stages);
  var += lock_var / std::max(1.0, blocked);
  dependent += lock_var / std::max(1.0, blocked);
  // Remote waits: page requests are steps that references take with a probability (their
  // variance from the evaluator, issue #13); the rest is one exponential.
  const double trips_s = std::clamp(t.remote_trips_s, 0.0, b.remote_s);
  const double other_remote_s = b.remote_s - trips_s;
  // The open input queue: an arrival waits with probability P (all slots taken), then about
  // exponentially, so E[W^2] = 2 W^2 / P (as an M/M/m queue's wait, Kleinrock vol. 1 §3.5;
  // issue #13: as one exponential, P = 1, the p99 at MPL 5 and 90 TPS was -15 %).
  const double slot_wait = std::clamp(t.input_queue_wait_probability, 1e-9, 1.0);
  var += (closed ? fixed_stages(b.input_queue_s, closed->input_queue)
                 : b.input_queue_s * b.input_queue_s * (2.0 / slot_wait - 1.0)) +
         (trips_s > 0 ? t.remote_trips_variance_s2 : 0.0) + other_remote_s * other_remote_s;
  return {var, dependent};
}

}  // namespace

double response_time_scv(const TransactionType& type, const Policies& policies, const TypeResult& t,
                         const std::optional<ClosedQueues>& closed) {
  if (!t.response_time_s || !(*t.response_time_s > 0)) return 0.0;
  double var = stage_variance(type, policies, t, closed).all;
  // A variable number of references k scales the reference-dependent part with k: it adds
  // scv_k x (that part)^2 (law of total variance, the part being proportional to k).
  // Under FORCE the commit writes the pages the transaction updated: that part grows with k too.
  const double per_reference_s = count_dependent_s(type, policies, t);
  var += type.reference_count.scv * per_reference_s * per_reference_s;
  const double mean = *t.response_time_s;
  return var / (mean * mean);
}

double count_dependent_s(const TransactionType& type, const Policies& policies,
                         const TypeResult& t) {
  const auto& b = t.breakdown;
  double io_s = 0.0;
  for (const auto& part : b.io_s) io_s += part.second;
  const double m = type.references;
  return io_s + b.lock_wait_s + (b.cpu_service_s + b.cpu_wait_s) * m / (m + 2.0) +
         force_commit_io_s(policies, b.commit_io_s, t.log_writes, t.force_writes);
}

void set_count_dependence(const TransactionType& type, const Policies& policies, TypeResult& t,
                          const std::optional<ClosedQueues>& closed) {
  t.reference_counts.clear();
  t.reference_count_probabilities.clear();
  t.count_dependent_s = 0.0;
  t.count_dependent_variance_s2 = 0.0;
  if (!type.reference_count.variable() || !t.response_time_s) return;
  for (const CountClass& cc : count_classes(type)) {
    t.reference_counts.push_back(cc.references);
    t.reference_count_probabilities.push_back(cc.probability);
  }
  t.count_dependent_s = count_dependent_s(type, policies, t);
  t.count_dependent_variance_s2 = stage_variance(type, policies, t, closed).count_dependent;
}

double force_commit_io_s(const Policies& policies, double commit_io_s, double log_writes,
                         double force_writes) {
  if (!(force_writes > 0) || !(commit_io_s > 0)) return 0.0;
  if (!policies.force_writes_parallel)
    return commit_io_s * force_writes / (log_writes + force_writes);
  // Parallel writes: their fork-join waits H_n writes, which grows with n by dH/dn = about
  // 1 / (n + 1/2): relative to n, the part grows n / ((n + 1/2) H_n) as fast as the count
  // (issue #13: without it the p99 at 4 references of SCV 1.5 was -21 %).
  const double harmonic = force_writes * parallel_write_weight(force_writes);
  const double part = commit_io_s * harmonic / (log_writes + harmonic);
  return part * force_writes / ((force_writes + 0.5) * harmonic);
}

namespace {

/// moment_quantile with its last few results kept per thread: the metrics ask for each
/// percentile of every type in turn, and 10^4 types of a few kinds have a few distinct (mean,
/// SCV) pairs (issue #16: 4 x 10^4 gamma inversions were 2 % of `tpeval eval`). The quantile is a
/// pure function of its arguments, matched bit for bit, so a kept result is the computed one.
double kept_moment_quantile(double mean, double scv, double p) {
  struct Kept {
    std::uint64_t mean = 0, scv = 0, p = 0;
    double quantile = 0;
    bool valid = false;
  };
  thread_local std::array<Kept, 8> kept{};
  thread_local std::size_t next = 0;
  const auto bits = [](double v) { return std::bit_cast<std::uint64_t>(v); };
  for (const Kept& k : kept)
    if (k.valid && k.mean == bits(mean) && k.scv == bits(scv) && k.p == bits(p)) return k.quantile;
  const double q = solver::open::moment_quantile(mean, scv, p);
  kept[next] = {bits(mean), bits(scv), bits(p), q, true};
  next = (next + 1) % kept.size();
  return q;
}

/// mixture_quantile with its last few results kept per thread, as kept_moment_quantile: a type's
/// components over its slow operations (response_components) match bit for bit those of the
/// types of its kind.
double kept_mixture_quantile(const std::vector<solver::open::MomentComponent>& parts, double p) {
  struct Kept {
    std::vector<solver::open::MomentComponent> parts;
    double p = 0, quantile = 0;
  };
  thread_local std::array<Kept, 8> kept{};
  thread_local std::size_t next = 0;
  const auto same = [](const std::vector<solver::open::MomentComponent>& a,
                       const std::vector<solver::open::MomentComponent>& b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
      if (a[i].weight != b[i].weight || a[i].mean != b[i].mean || a[i].scv != b[i].scv)
        return false;
    return true;
  };
  for (const Kept& k : kept)
    if (!k.parts.empty() && k.p == p && same(k.parts, parts)) return k.quantile;
  const double q = solver::open::mixture_quantile(parts, p);
  kept[next] = {parts, p, q};
  next = (next + 1) % kept.size();
  return q;
}

/// The components with equal mean and SCV summed into one (10^4 types of a few kinds are a few
/// components, not 10^4 gamma CDFs per step of the root search; issue #16).
std::vector<solver::open::MomentComponent> merged(
    std::vector<solver::open::MomentComponent> parts) {
  std::sort(parts.begin(), parts.end(), [](const auto& a, const auto& b) {
    return a.mean != b.mean ? a.mean < b.mean : a.scv < b.scv;
  });
  std::vector<solver::open::MomentComponent> out;
  for (const auto& part : parts) {
    if (!out.empty() && out.back().mean == part.mean && out.back().scv == part.scv)
      out.back().weight += part.weight;
    else
      out.push_back(part);
  }
  return out;
}

}  // namespace

std::vector<solver::open::MomentComponent> response_time_components(const TypeResult& t) {
  return response_components(t, 1.0);
}

std::optional<double> response_time_quantile_s(const TypeResult& t, double p) {
  if (!t.response_time_s) return std::nullopt;
  // The stored components when evaluate() set them, without a copy (4 x 10^4 calls at 10^4 types).
  std::vector<solver::open::MomentComponent> computed;
  if (t.response_time_components.empty()) computed = response_components(t, 1.0);
  const auto& parts = t.response_time_components.empty() ? computed : t.response_time_components;
  if (parts.size() > 1) return kept_mixture_quantile(parts, p);
  return kept_moment_quantile(*t.response_time_s, t.response_time_scv, p);
}

std::optional<double> system_response_time_quantile_s(const Evaluation& e, double p) {
  if (e.saturated || !e.mean_response_time_s) return std::nullopt;
  std::vector<solver::open::MomentComponent> parts;
  for (const auto& t : e.types) {
    if (!t.response_time_s) return std::nullopt;
    if (!(t.arrival_rate_per_s > 0)) continue;
    if (t.response_time_components.empty()) {
      for (const auto& part : response_components(t, t.arrival_rate_per_s)) parts.push_back(part);
      continue;
    }
    // The same weights as response_components(t, rate): rate x (1 x the term's probability).
    for (const auto& part : t.response_time_components)
      parts.push_back({t.arrival_rate_per_s * part.weight, part.mean, part.scv});
  }
  if (parts.empty()) return std::nullopt;
  return solver::open::mixture_quantile(merged(std::move(parts)), p);
}

}  // namespace tpeval::model
