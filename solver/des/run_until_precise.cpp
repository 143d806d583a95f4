// See run_until_precise.hpp.
#include "solver/des/run_until_precise.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "solver/parallel/parallel_for.hpp"

namespace tpeval::solver::des {

namespace {

/// Rows of the first round; the series keeps between this many and twice as many.
constexpr std::size_t kIntervals = 512;

/// The state of one run between rounds: the series and each replication's fixed warm-up cut.
struct RunState {
  std::vector<IntervalSeries> series;
  std::vector<double> cut_time_s;  ///< < 0 while no reliable cut was found
  std::vector<ReplicationStatus> status;
};

void advance_all(std::span<Replication* const> reps, RunState& state, double horizon_s,
                 std::uint64_t events_each, int threads) {
  parallel_for(reps.size(), threads, [&](std::size_t r) {
    state.status[r] = reps[r]->advance(horizon_s, events_each, state.series[r]);
  });
}

/// First row whose start lies at or after `time_s`.
std::size_t row_at_time(const IntervalSeries& s, std::size_t time_counter, double time_s) {
  double t = 0.0;
  std::size_t i = 0;
  while (i < s.size() && t < time_s * (1.0 - 1e-12)) t += s.at(i++, time_counter);
  return i;
}

/// First kept row of replication r (fixing the cut when MSER-5 first trusts it).
WarmupCut warmup_of(const Replication& rep, RunState& state, std::size_t r,
                    const SeriesLayout& layout) {
  const IntervalSeries& s = state.series[r];
  const std::size_t model_first =
      std::min(s.size(), (rep.first_steady_interval() + s.factor() - 1) / s.factor());
  if (state.cut_time_s[r] >= 0.0)
    return {std::max(model_first, row_at_time(s, layout.time_counter, state.cut_time_s[r])), true};
  const WarmupCut cut = find_warmup(s, layout, model_first);
  if (cut.reliable) state.cut_time_s[r] = series_time_s(s, layout.time_counter, 0, cut.first);
  return cut;
}

struct Round {
  PreciseRun run;
  bool precise = false;
};

/// Warm-up, independence and estimates of one round.
Round analyse(std::span<Replication* const> reps, RunState& state,
              std::span<const Measure> measures, const PrecisionSettings& s) {
  Round round;
  PreciseRun& run = round.run;
  const std::size_t R = reps.size();
  const bool single = R == 1;
  run.interval_method = single ? "batch means" : "independent replications";
  run.batches = single ? s.batches : static_cast<int>(R);
  run.degrees_of_freedom = run.batches - 1;
  run.observation_interval_s = s.interval_s * static_cast<double>(state.series[0].factor());
  run.estimable = run.warmup_over = run.batches_independent = true;
  std::vector<std::size_t> first(R);
  double kept_time_s = std::numeric_limits<double>::infinity();
  for (std::size_t r = 0; r < R; ++r) {
    const IntervalSeries& series = state.series[r];
    const WarmupCut cut = warmup_of(*reps[r], state, r, s.layout);
    first[r] = cut.first;
    run.warmup_over = run.warmup_over && cut.reliable;
    run.simulated_time_s.push_back(reps[r]->now_s());
    run.truncated_intervals.push_back(static_cast<long>(cut.first));
    run.truncated_time_s.push_back(series_time_s(series, s.layout.time_counter, 0, cut.first));
    run.events += reps[r]->events();
    const std::size_t kept = series.size() - std::min(series.size(), cut.first);
    kept_time_s = std::min(kept_time_s,
                           series_time_s(series, s.layout.time_counter, cut.first, series.size()));
    const std::size_t needed = single ? static_cast<std::size_t>(s.batches) : 1;
    if (kept < needed) {
      run.estimable = false;
      run.shortage = "only " + std::to_string(kept) + " observation intervals after warm-up (" +
                     std::to_string(needed) + " needed)";
    }
    run.batches_independent =
        run.batches_independent && batches_independent(series, s.layout, cut.first, s.batches);
  }
  if (!run.estimable) return round;
  for (std::size_t m = 0; m < measures.size(); ++m) {
    run.estimates.push_back(
        estimate_measure(measures[m], state.series, first, s.batches, s.confidence));
    const Estimate& e = run.estimates.back();
    if (!measures[m].stopping || e.mean == 0.0) continue;
    if (e.relative_half_width() >= run.widest_relative_half_width) {
      run.widest_relative_half_width = e.relative_half_width();
      run.widest_measure = static_cast<int>(m);
    }
  }
  round.precise = run.warmup_over && run.batches_independent &&
                  run.widest_relative_half_width <= s.precision && kept_time_s >= s.min_time_s &&
                  run.events >= s.min_events;
  return round;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

void check_precision_settings(const PrecisionSettings& s) {
  if (!(s.precision > 0.0) || !std::isfinite(s.precision))
    throw SimulationError("precision must be a positive relative half-width, e.g. 0.02");
  if (!(s.confidence > 0.0 && s.confidence < 1.0))
    throw SimulationError("confidence must be in (0, 1)");
  if (s.batches < 4) throw SimulationError("batch means needs at least 4 batches");
  if (s.max_events == 0) throw SimulationError("max events must be positive");
  if (!(s.max_time_s > 0.0)) throw SimulationError("max time must be positive");
  if (!(s.interval_s > 0.0) || !std::isfinite(s.interval_s))
    throw SimulationError("the observation interval must be positive");
  if (s.min_events > s.max_events) throw SimulationError("min events exceeds max events");
  if (s.min_time_s > s.max_time_s) throw SimulationError("min time exceeds max time");
}

PreciseRun run_until_precise(std::span<Replication* const> replications,
                             std::span<const Measure> measures, const PrecisionSettings& s) {
  check_precision_settings(s);
  if (replications.empty()) throw SimulationError("replications must be at least 1");
  const auto wall_start = std::chrono::steady_clock::now();
  RunState state;
  for (const Replication* rep : replications)
    state.series.emplace_back(rep->counters(), kIntervals);
  state.cut_time_s.assign(replications.size(), -1.0);
  state.status.assign(replications.size(), ReplicationStatus::running);
  const std::uint64_t events_each = std::max<std::uint64_t>(1, s.max_events / replications.size());
  double horizon_s = s.interval_s * static_cast<double>(kIntervals);
  bool previous_precise = false;
  for (int round_number = 1;; ++round_number) {
    advance_all(replications, state, std::min(horizon_s, s.max_time_s), events_each, s.threads);
    Round round = analyse(replications, state, measures, s);
    PreciseRun& run = round.run;
    run.rounds = round_number;
    if (s.progress)
      s.progress(SimulationProgress{round_number, replications[0]->now_s(), run.events,
                                    run.widest_relative_half_width, s.precision});
    const auto any = [&](ReplicationStatus st) {
      return std::find(state.status.begin(), state.status.end(), st) != state.status.end();
    };
    run.precision_reached = round.precise;
    if (any(ReplicationStatus::stopped))
      run.cause = StopCause::model_stop;
    else if (round.precise && previous_precise)
      run.cause = StopCause::precision;
    else if (any(ReplicationStatus::event_budget))
      run.cause = StopCause::event_limit;
    else if (seconds_since(wall_start) >= s.max_wall_time_s)
      run.cause = StopCause::wall_time_limit;
    else if (horizon_s >= s.max_time_s)
      run.cause = StopCause::time_limit;
    else {
      previous_precise = round.precise;
      horizon_s *= 2.0;
      continue;
    }
    return std::move(run);
  }
}

}  // namespace tpeval::solver::des
