// Residence of one of N serialized chains at a single server (issue #13).
//
// Contract: a pure function of plain numbers. `chains` customers (N >= 1, not necessarily an
// integer) circulate, each between a delay and one visit of mean service `service_s` to an
// exponential single server that also serves an open (Poisson) load of utilization
// `open_utilization` < 1; together they visit it `throughput_per_s` times per second, so each
// customer's cycle is N / throughput. The result is the residence of a visit divided by its
// service, R(N) / S, from exact MVA of the closed chains in a mixed network (Reiser & Lavenberg
// 1980; Lazowska et al., Quantitative System Performance, 1984, §7.4: R(n) = S (1 + Q(n - 1)) /
// (1 - U_open)) with the delay chosen so that N customers carry the throughput; a non-integer N
// interpolates linearly between its integer neighbours (each carrying the same throughput). N = 1: 1 / (1 - U_open) (a customer of a chain
// of one finds none of its chain ahead). Bard-Schweitzer's Q(N - 1) = (N - 1) / N Q(N) would
// give 1 / (1 - U_open - U_chains (N - 1) / N), the open-load form, which overstates the queue
// of a few chains. Chains beyond `max_chains` use that form (the two agree for many chains).
// Returns +infinity when the chains and the open load saturate the server.
#pragma once

namespace tpeval::solver::mva {

double serialized_chain_stretch(double chains, double throughput_per_s, double service_s,
                                double open_utilization, double max_chains = 256);

}  // namespace tpeval::solver::mva
