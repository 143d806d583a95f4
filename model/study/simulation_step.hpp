// The simulation step of a study: the adapter between the study runner and the transaction-system
// simulator.
//
// Contract: transaction_simulator() returns the Simulator (runner.hpp) that simulates one point
// of a study, or nullopt when this build has no transaction-system simulator. Every call simulates
// with the study's seed (common random numbers across points) and returns the metrics it measures
// with 95 % half-widths; a run whose queues grow without bound is reported as saturated. This is
// the only place that knows the simulator's API, so the runner stays independent of it.
#pragma once

#include <optional>

#include "model/study/runner.hpp"

namespace tpeval::model::study {

std::optional<Simulator> transaction_simulator();

}  // namespace tpeval::model::study
