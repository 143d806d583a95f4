// Quantiles of a response time known by its first two moments.
//
// Contract: moment_quantile(mean, scv, p) returns the p-quantile (0 < p < 1) of the gamma
// distribution with the given mean and squared coefficient of variation (shape 1/scv, scale
// mean * scv); scv = 0 gives the mean itself (deterministic). The gamma is the usual two-moment
// fit for sojourn times: exact for the exponential sojourn time of an M/M/1 queue (scv = 1) and for
// a sum of k equal exponential phases (Erlang-k, scv = 1/k), and close to the sum of independent
// exponential stages of unequal means (Whitt, "Approximating a point process by a renewal
// process", Oper. Res. 30, 1982, two-moment fits; Kleinrock, Queueing Systems I, §4.3 Erlang
// stages). Invalid arguments (mean < 0, scv < 0, p outside (0, 1), non-finite) throw
// std::invalid_argument. Pure function (Boost.Math gamma quantile).
#pragma once

#include <vector>

namespace tpeval::solver::open {

double moment_quantile(double mean, double scv, double p);

/// A response time drawn from one of several two-moment (gamma) distributions with the given
/// weights (e.g. the transaction types by arrival share): the p-quantile of the mixture, found by
/// bisection on its distribution function. Sizes must agree; weights >= 0 with a positive sum.
struct MomentComponent {
  double weight = 1.0;
  double mean = 0.0;
  double scv = 1.0;
};
double mixture_quantile(const std::vector<MomentComponent>& components, double p);

}  // namespace tpeval::solver::open
