// Checking a study's expectations against its results.
//
// Contract: evaluate_expectations() is a pure function of the study and its point results (in
// any order). Each expectation is checked once on the analytic values and, when simulated
// results exist, once on the simulated means; the verdict is met, missed, not evaluated (no
// point of the results matches, e.g. in a --quick run), unchecked (an `unchecked` expectation) or,
// for a simulated check, not simulated (the simulator refused a model the check needs, e.g. a
// multi-node model; the reason is in Check::measured; a partial check on the points it did
// simulate would not be the expectation, so one refused point decides).
// A saturated point has no response time: in orderings, monotonic and crossing checks it counts
// as +infinity (a saturated configuration is slower than any stable one); in a value or
// difference check it is a miss, reported as "saturated (<bottleneck>)". Saturation limits are
// the analytic maximum throughput; for simulated results they are estimated from the sweep as
// the midpoint between the last stable and the first saturated rate. A simulated check is missed
// only when its 95 % interval contradicts the expectation (a bound outside [mean - hw, mean + hw];
// an order reversed by more than the combined half-widths); when the mean alone would miss, the
// check is "met within the interval" (Check::within_interval). The measured text always
// says where the expectation was decided (configuration and axis values).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "model/study/runner.hpp"
#include "model/study/study.hpp"

namespace tpeval::model::study {

enum class Verdict { met, missed, not_evaluated, unchecked, not_simulated };
/// "met", "missed", "not evaluated", "unchecked", "not simulated".
const char* verdict_name(Verdict verdict);

struct Check {
  Verdict verdict = Verdict::not_evaluated;
  std::optional<double> value;       ///< the decisive measured number, when there is one
  std::optional<double> half_width;  ///< simulated: its 95 % half-width
  std::string measured;              ///< human-readable measured value and where
  /// Simulated checks: met only because of the 95 % interval (the mean alone misses; the
  /// difference is within the simulation's noise). Analytic checks never set it.
  bool within_interval = false;
};

struct Outcome {
  Expectation expectation;
  std::string expected;  ///< human-readable expected value or relation
  Check analytic;
  std::optional<Check> simulated;
};

std::vector<Outcome> evaluate_expectations(const Study& study,
                                           const std::vector<PointResult>& results);

/// True when some check (analytic or simulated) is missed: the study's exit code is then 1.
bool any_missed(const std::vector<Outcome>& outcomes);

}  // namespace tpeval::model::study
