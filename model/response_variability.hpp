// How variable a transaction type's response time is: its squared coefficient of variation (SCV)
// from the analytic response-time breakdown, for the percentile approximation.
//
// Contract: response_time_scv() is a pure function of a type's description and its analytic
// result (0 when the type has no response time). Method (docs/model.md "Response-time
// percentiles"): the response time is a sum of independent exponential stages, as in the M/M/m
// stations of the analytic model (the sojourn time of an M/M/1 queue is exponential, Kleinrock,
// Queueing Systems I, §3.2): CPU bursts (references + 2, with their queueing), EH accesses - each
// part a fixed number of equal stages, variance T^2/n -, commit writes (log + FORCE) by their
// stations' own operation lengths (TypeResult::commit_io_variance_s2), and parts whose
// number of stages is random: reference-phase I/O episodes (HS misses, floor(n) + Bernoulli; each
// episode its device operations, a victim write and a read, as equal stages) and
// lock waits (Binomial(lock requests, conflict probability)), variance E[N] r^2 + Var(N) r^2
// with r = T / E[N]. The input-queue wait (MPL) in an open system is 0 or, with the probability
// that every slot is taken, about exponential (TypeResult::input_queue_wait_probability); with
// terminals the queues are bounded and a wait behind
// q transactions is about Erlang-q (q from Little's law, ClosedQueues), for the input queue and
// the lock waits. Remote waits (clusters) count as one exponential, except the page requests:
// each a step that a reference takes with a probability (the evaluator's variance of their sum,
// TypeResult::remote_trips_variance_s2; issue #13).
// A variable number of references (SCV c) adds c x (reference-dependent part)^2; the percentiles
// then mix over the count's classes (set_count_dependence).
// Correlations between the parts (a busy period lengthens all of them) are neglected, so the
// SCV is an estimate; the percentiles follow by a two-moment gamma fit (solver/open/
// response_quantile.hpp).
#pragma once

#include <optional>
#include <vector>

#include "model/description.hpp"
#include "model/evaluate.hpp"

namespace tpeval::model {

/// Closed workloads: the mean numbers of transactions waiting (Little's law) for an MPL slot and
/// for locks, all types together.
struct ClosedQueues {
  double input_queue = 0.0;
  double lock_waits = 0.0;
};

double response_time_scv(const TransactionType& type, const Policies& policies,
                         const TypeResult& result,
                         const std::optional<ClosedQueues>& closed = std::nullopt);

/// The part of a transaction's commit I/O time that grows with its number of references: its
/// FORCE page writes (one per page it updated), by their share of the commit's device
/// operations (the log page write does not grow). A transaction drawn with k references instead
/// of the mean m writes about k / m times as many pages at commit, one after the other, so its
/// commit lasts that much longer (issue #13). 0 under NOFORCE, and 0 for parallel FORCE writes,
/// whose fork-join wait grows only with the harmonic number of the writes. Used for the
/// response-time variance; the lock model's count classes take each class's own FORCE wait
/// (TypeDemand::class_force_waits; docs/model.md "Variable work per transaction").
double force_commit_io_s(const Policies& policies, double commit_io_s, double log_writes,
                         double force_writes);

/// The part of a type's response time that grows with its number of references, s: the I/O,
/// lock waits, the references' CPU bursts and the FORCE writes (force_commit_io_s). A
/// transaction of k references instead of the mean m takes about k / m times it.
double count_dependent_s(const TransactionType& type, const Policies& policies,
                         const TypeResult& result);

/// Sets TypeResult::reference_counts, reference_count_probabilities, count_dependent_s and
/// count_dependent_variance_s2 (as response_time_scv counts the stages, `closed` alike) of a
/// type whose count varies (model/reference_count.hpp count_classes), for the percentiles: the
/// response time is then a mixture over the counts, each with its own mean (issue #13: one gamma
/// of the whole SCV at 10 references of SCV 2 put the p50 25 % low and the p90 26 % high).
void set_count_dependence(const TransactionType& type, const Policies& policies, TypeResult& result,
                          const std::optional<ClosedQueues>& closed = std::nullopt);

/// The type's response time as a mixture of gamma components, weights summing to 1: over the
/// counts of its slow device operations and rare lock waits, or one component of its mean and
/// SCV (docs/model.md "Response-time percentiles"). Needs a response time.
std::vector<solver::open::MomentComponent> response_time_components(const TypeResult& result);

/// The p-quantile of the type's response time in seconds (nullopt without a response time); from
/// TypeResult::response_time_components when set.
std::optional<double> response_time_quantile_s(const TypeResult& result, double p);

/// The p-quantile of the response time of all types (mixture by arrival rate), seconds.
std::optional<double> system_response_time_quantile_s(const Evaluation& evaluation, double p);

}  // namespace tpeval::model
