// The analytic point solve (see point_solve.hpp): steps 1-4 of docs/model.md at one rate.
#include "model/point_solve.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <optional>
#include <stdexcept>

#include "model/cluster_buffer.hpp"
#include "model/cluster_demand.hpp"
#include "model/cpu_visits.hpp"
#include "model/device_demand.hpp"
#include "model/mpl.hpp"
#include "model/reference_count.hpp"
#include "model/response_variability.hpp"
#include "model/restarts.hpp"
#include "model/routing.hpp"
#include "model/update_shares.hpp"
#include "solver/locking/lock_contention.hpp"
#include "solver/mva/serialized_chains.hpp"
#include "solver/network/network.hpp"
#include "solver/open/count_moments.hpp"
#include "solver/open/erlang_arrivals.hpp"
#include "solver/open/expected_maximum.hpp"
#include "solver/open/fed_back_wait.hpp"
#include "solver/open/single_queue.hpp"
#include "solver/open/wait_correlation.hpp"

namespace tpeval::model::detail {

double lock_rate_factor(const Point& pt, std::size_t node) {
  return node < pt.lock_rate_factor.size() ? pt.lock_rate_factor[node] : 1.0;
}

void class_deadlock_shares(const Prepared& pr, const Point& pt, std::size_t c,
                           std::vector<double>& held, std::vector<double>& requested) {
  const std::size_t np = pr.model.partitions.size();
  held.clear();
  requested.clear();
  if (pt.deadlock_held_share.size() != pr.demand.types.size() * np) return;
  const auto from = static_cast<std::ptrdiff_t>(c * np);
  const auto to = static_cast<std::ptrdiff_t>((c + 1) * np);
  held.assign(pt.deadlock_held_share.begin() + from, pt.deadlock_held_share.begin() + to);
  requested.assign(pt.deadlock_requested_share.begin() + from,
                   pt.deadlock_requested_share.begin() + to);
}

namespace {

/// The work one restart of demand class `c` repeats (model/restarts.hpp, restart_work): its
/// repeated references from the lock model's split of its deadlocks, and per partition its lock
/// requests of one attempt - those the lock model counts and those that never conflict (records
/// appended under record locks, class_accesses). When given, per partition: `repeated_refs` the
/// repeated references, `held` the lock requests the aborted attempt held
/// (repeated_lock_requests).
RestartWork class_restart_work(const Prepared& pr, const Point& pt, std::size_t c,
                               std::vector<double>* repeated_refs = nullptr,
                               std::vector<double>* held = nullptr) {
  const auto& m = pr.model;
  const std::size_t np = m.partitions.size();
  const std::size_t type = pr.demand.types[c].type;
  std::vector<double> held_share, requested_share;
  class_deadlock_shares(pr, pt, c, held_share, requested_share);
  const ClassLocks& cl = pr.class_locks[c];
  std::vector<double> requests(np, 0.0);
  for (std::size_t p = 0; p < np; ++p) {
    if (p < cl.partition_lock_requests.size()) requests[p] = cl.partition_lock_requests[p];
    if (pr.lock_part[p] < 0 && m.partitions[p].lock_granularity != LockGranularity::none &&
        !m.partitions[p].clustered_with)
      requests[p] += references_per_tx(m, type, p);
  }
  const std::vector<double> repeated = repeated_per_restart(m, type, held_share, requested_share);
  if (repeated_refs) *repeated_refs = repeated;
  if (held) *held = repeated_lock_requests(m, type, repeated, requests);
  return restart_work(m, type, repeated, requests);
}

/// Reference-weighted averages of the nodes' buffer ratios (for the system-wide report).
BufferLevels system_average(const SystemModel& m, const std::vector<std::vector<double>>& routing,
                            const std::vector<BufferLevels>& nodes) {
  BufferLevels out;
  const std::size_t np = m.partitions.size();
  out.partitions.resize(np);
  double total_mix = 0.0;
  for (const auto& t : m.transaction_types) total_mix += t.mix;
  std::vector<double> node_tx(nodes.size(), 0.0);  // share of all transactions per node
  for (std::size_t t = 0; t < m.transaction_types.size(); ++t)
    for (std::size_t i = 0; i < nodes.size(); ++i)
      node_tx[i] += routing[t][i] * m.transaction_types[t].mix / total_mix;
  double total_refs = 0.0;
  for (std::size_t p = 0; p < np; ++p) {
    auto& o = out.partitions[p];
    double refs = 0.0;
    for (std::size_t i = 0; i < nodes.size(); ++i) {
      const auto& b = nodes[i].partitions[p];
      const double r = node_tx[i] * b.references_per_tx;
      refs += r;
      o.hs_hit_ratio += r * b.hs_hit_ratio;
      o.eh_hit_ratio += r * b.eh_hit_ratio;
      o.dc_hit_ratio += r * b.dc_hit_ratio;
      // Under primary copy the misses under the node's own authority read the disk (L2993).
      const double own = own_authority_read_share(m, routing, p, i);
      o.page_request_ratio += r * b.page_request_ratio * (1.0 - own);
      o.read_miss_ratio += r * (b.read_miss_ratio + b.page_request_ratio * own);
      o.modified_probability += r * b.modified_probability;
    }
    o.references_per_tx = refs;
    if (refs > 0) {
      o.hs_hit_ratio /= refs;
      o.eh_hit_ratio /= refs;
      o.dc_hit_ratio /= refs;
      o.page_request_ratio /= refs;
      o.read_miss_ratio /= refs;
      o.modified_probability /= refs;
    } else {
      o.hs_hit_ratio = 1.0;
    }
    total_refs += refs;
    out.hs_hit_ratio += refs * o.hs_hit_ratio;
    out.eh_hit_ratio += refs * o.eh_hit_ratio;
    out.dc_hit_ratio += refs * o.dc_hit_ratio;
  }
  if (total_refs > 0) {
    out.hs_hit_ratio /= total_refs;
    out.eh_hit_ratio /= total_refs;
    out.dc_hit_ratio /= total_refs;
  }
  return out;
}

}  // namespace

/// Residence-time factor R/S of an M/M/m queue with offered load a (busy servers) < m; 1 for a
/// pure delay (m = 0). Uses solver/open's Erlang C: R = S (1 + C(m, a) / (m - a)).
double stretch_factor(int servers, double offered) {
  if (servers <= 0 || offered <= 0) return 1.0;
  return 1.0 + solver::open::erlang_c(servers, offered) / (servers - offered);
}

namespace {

/// Applies Point::mpl_wait_factor to the stations' residence factors (station_loads).
void cut_station_waits(Point& pt) {
  for (std::size_t k = 0; k < pt.mpl_wait_factor.size(); ++k)
    pt.stretch[k] = 1.0 + (pt.stretch[k] - 1.0) * pt.mpl_wait_factor[k];
}

/// Applies Point::mpl_wait_factor to the cluster's visit waits (visit_waits).
void cut_visit_waits(Point& pt) {
  for (std::size_t k = 0; k < pt.mpl_wait_factor.size() && k < pt.visit_wait_s.size(); ++k)
    pt.visit_wait_s[k] *= pt.mpl_wait_factor[k];
}

std::string station_label(const Station& s) {
  return s.name;
}

}  // namespace

double own_burst_ms2(const Prepared& pr, std::size_t c, const std::array<double, 2>& held_ms) {
  const auto& d = pr.demand.types[c];
  const auto& type = pr.model.transaction_types[d.type];
  const double bot_ms = std::min(held_ms[0], type.instructions.bot * d.ms_per_instruction);
  const double refs = transaction_cpu_bursts(type) - 2.0;
  const double ref_ms = refs > 0 ? (held_ms[0] - bot_ms) / refs : 0.0;
  return bot_ms * bot_ms + refs * ref_ms * ref_ms + held_ms[1] * held_ms[1];
}

namespace {

/// The visits to node CPU `k` as fed-back streams (solver/open/fed_back_wait.hpp, issue #11):
/// a transaction queues at its node's CPU for its bursts (BOT, one per reference, commit:
/// model/cpu_visits.hpp) and for its waited message ends there, and leaves between them. Its
/// messages come in pairs - a send, the round trip, the receive of the reply (lock request and
/// grant, page request and page) - each pair before a reference burst, so a burst follows a
/// receive (while there are pairs) or a burst; its GEH release visit follows the commit burst.
/// The round trip is the class's waited time at other stations (remote CPUs, network), the rest
/// of its response time outside its CPU is spread over the gaps before its later bursts and
/// release visits. Another node's transaction makes its waited visits here in pairs too (receive
/// a request, send the reply at once); visits nobody waits for (releases after commit) and first
/// visits arrive as Poisson streams. `wait_s`: the current visit waits per station.
std::vector<solver::open::FedBackVisit> cpu_visit_streams(
    const Prepared& pr, const Point& pt, const std::vector<std::array<double, 2>>& held_ms,
    std::size_t k) {
  using solver::open::FedBackVisit;
  const auto& dm = pr.demand;
  std::vector<FedBackVisit> out;
  const auto add = [&](double rate, double mean_s) {
    out.push_back({});
    out.back().rate_per_s = rate;
    out.back().mean_s = mean_s;
    return out.size() - 1;
  };
  const double own_wait_s = pt.visit_wait_s[k];
  for (std::size_t c = 0; c < dm.types.size(); ++c) {
    const auto& d = dm.types[c];
    const double r = pt.types[c].rate;
    if (r <= 0) continue;
    const double waited = d.wait_bursts[0][k] + d.wait_bursts[1][k];
    const double waited_ms = d.wait_ms[0][k] + d.wait_ms[1][k];
    if (static_cast<int>(k) != dm.layout.cpu[d.node]) {
      // Another node's transaction: waited visits in pairs, the rest Poisson.
      if (waited > 0) {
        const double mean_s = waited_ms / waited / 1000.0;
        const std::size_t first = add(r * waited / 2.0, mean_s);
        const std::size_t second = add(r * waited / 2.0, mean_s);
        out[second].from.push_back({first, 1.0, 0.0});
      }
      const double other = d.bursts[k] - waited;
      if (other > 1e-12) add(r * other, std::max(0.0, d.load_ms[k] - waited_ms) / other / 1000.0);
      continue;
    }
    const auto& type = pr.model.transaction_types[d.type];
    const double bursts = transaction_cpu_bursts(type);
    const double burst_s = (held_ms[c][0] + held_ms[c][1]) / bursts / 1000.0;
    const double messages = d.message_cpu_visits[0] + d.message_cpu_visits[1];
    const double message_ms = d.message_cpu_ms[0] + d.message_cpu_ms[1];
    const double message_s = messages > 0 ? message_ms / messages / 1000.0 : 0.0;
    const double pairs = messages / 2.0;
    const double releases = waited;  // own visits without work (GEH release)
    const double other = d.bursts[k] - messages - releases;
    // Round trip: the waited time at other stations per pair.
    double away_s = 0.0;
    for (std::size_t j = 0; j < dm.stations.size(); ++j) {
      if (j == k) continue;
      const double v = d.wait_bursts[0][j] + d.wait_bursts[1][j];
      if (v > 0) away_s += v * pt.visit_wait_s[j] + (d.wait_ms[0][j] + d.wait_ms[1][j]) / 1000.0;
    }
    const double round_trip_s = pairs > 0 ? away_s / pairs : 0.0;
    const double at_cpu_s = bursts * (own_wait_s + burst_s) + messages * (own_wait_s + message_s) +
                            releases * own_wait_s;
    const double gaps = bursts - 1.0 + releases;
    const double gap_s =
        gaps > 0 ? std::max(0.0, pt.types[c].response_s - at_cpu_s - away_s) / gaps : 0.0;
    add(r, burst_s);  // BOT: the transaction's first visit
    if (bursts > 1) {
      const std::size_t later = add(r * (bursts - 1.0), burst_s);
      const double after_receive = std::min(1.0, pairs / (bursts - 1.0));
      if (pairs > 0) {
        const std::size_t send = add(r * pairs, message_s);
        out[send].from.push_back({later, 1.0, 0.0});
        const std::size_t receive = add(r * pairs, message_s);
        out[receive].from.push_back({send, 1.0, round_trip_s});
        out[later].from.push_back({receive, after_receive, gap_s});
      }
      out[later].from.push_back({later, 1.0 - (pairs > 0 ? after_receive : 0.0), gap_s});
      if (releases > 0) {
        const std::size_t release = add(r * releases, 0.0);
        out[release].from.push_back({later, 1.0, gap_s});
      }
    }
    if (other > 1e-12) add(r * other, std::max(0.0, d.load_ms[k] - message_ms) / other / 1000.0);
    if (!pt.aborted.empty() && pt.aborted[c].restarts > 0 && pt.aborted[c].cpu_bursts > 0) {
      // The aborted attempts' bursts (deadlock restarts), as first visits.
      const AbortedWork& a = pt.aborted[c];
      add(r * a.restarts * a.cpu_bursts, a.cpu_ms / a.cpu_bursts / 1000.0);
    }
  }
  return out;
}

/// Cluster CPUs and the network serve visits of very different length (multi-ms transaction
/// bursts, 0.5 ms message bursts, 10 us messages, GEH releases without work) first come, first
/// served: every visit waits for the work queued before it, whatever its own length (ch7.md
/// §1.9: the 6.5 ms page request is mostly CPU queueing). M/G/m (Lee & Longton's two-moment
/// form, ch. peers-and-formulas.md; the M/G/1 Pollaczek-Khinchine mean for m = 1): W_q =
/// C(m, a) / (m - a) * E[S^2] / (2 E[S]), with exponential visits of mean s_v E[S^2] / (2 E[S]) =
/// sum s_v^2 / sum s_v - a visit without work adds no waiting for the others. That holds for
/// Poisson visits; a node's CPU is fed by its own transactions, which queue, leave and come back
/// (issue #11): the second pass (`fed_back`, with the response times of the first) multiplies
/// the CPU's wait by the visits' mean ratio to the Poisson wait (cpu_visit_streams,
/// solver/open/fed_back_wait.hpp: a fed-back short visit finds the queue its own last visit
/// left, relaxed over its absence), and by (N - 1) / N with N the node's active transactions
/// (`active`): a transaction blocked on a lock makes no visits, and more are blocked while the
/// CPU is congested - the simulator's one-node CPU waits 0.92-0.94 of M/M/m with locks and
/// 0.97-0.99 without (docs/cluster.md, "The CPU-wait gap"), which the arrival-theorem factor of
/// the N active transactions (QSP §7.4.2, Schweitzer) expresses. The product is within -6 to
/// +8 % of the simulated CPU wait in 18 of 19 validated configurations (+13 % in the 19th).
void visit_waits(const Prepared& pr, Point& pt, const std::vector<std::array<double, 2>>& held_ms,
                 bool fed_back, const std::vector<double>& active = {}) {
  const auto& dm = pr.demand;
  if (!fed_back) {
    pt.wait_probability.assign(dm.stations.size(), 0.0);
    for (std::size_t k = 0; k < dm.stations.size(); ++k) {
      const auto& s = dm.stations[k];
      if ((s.kind == StationKind::cpu || s.kind == StationKind::network) && s.servers > 0 &&
          pt.offered[k] > 0)
        pt.wait_probability[k] = solver::open::erlang_c(s.servers, pt.offered[k]);
    }
  }
  std::vector<double> previous = pt.visit_wait_s;
  if (previous.size() != dm.stations.size()) previous.assign(dm.stations.size(), 0.0);
  pt.visit_wait_s.assign(dm.stations.size(), 0.0);
  std::vector<double> poisson_wait_s(dm.stations.size(), 0.0);
  for (std::size_t k = 0; k < dm.stations.size(); ++k) {
    const auto& s = dm.stations[k];
    if (s.kind != StationKind::cpu && s.kind != StationKind::network) continue;
    double visit_rate = 0.0, ms2_rate = 0.0;
    for (std::size_t c = 0; c < dm.types.size(); ++c) {
      const auto& d = dm.types[c];
      visit_rate += pt.types[c].rate * d.bursts[k];
      ms2_rate += pt.types[c].rate * d.burst_ms2[k];
      if (static_cast<int>(k) == dm.layout.cpu[d.node])
        ms2_rate += pt.types[c].rate * own_burst_ms2(pr, c, held_ms[c]);
    }
    if (visit_rate <= 0 || pt.offered[k] <= 0) continue;
    const double residual_s = ms2_rate / (pt.offered[k] * 1000.0) / 1000.0;
    poisson_wait_s[k] = pt.wait_probability[k] * residual_s / (s.servers - pt.offered[k]);
  }
  if (!fed_back) {
    pt.visit_wait_s = poisson_wait_s;
    cut_visit_waits(pt);
    return;
  }
  // The streams' absences use the first pass's waits.
  pt.visit_wait_s = previous;
  std::vector<double> wait_s = poisson_wait_s;
  for (std::size_t k = 0; k < dm.stations.size(); ++k) {
    if (dm.stations[k].kind != StationKind::cpu || poisson_wait_s[k] <= 0) continue;
    const auto streams = cpu_visit_streams(pr, pt, held_ms, k);
    const auto ratio = solver::open::fed_back_wait_ratios(dm.stations[k].servers, streams);
    double rate = 0.0, weighted = 0.0;
    for (std::size_t i = 0; i < streams.size(); ++i) {
      rate += streams[i].rate_per_s;
      weighted += streams[i].rate_per_s * ratio[i];
    }
    if (rate > 0) wait_s[k] *= weighted / rate;
    const auto node = static_cast<std::size_t>(dm.stations[k].node);
    if (dm.stations[k].node >= 0 && node < active.size() && active[node] > 1.0)
      wait_s[k] *= (active[node] - 1.0) / active[node];
  }
  pt.visit_wait_s = wait_s;
  cut_visit_waits(pt);
}

/// Mean and variance (s, s^2) of one FCFS visit at station k of `length_s` exponential service:
/// the visit waits with probability C(m, a) (Erlang C), then about exponentially, so its wait W
/// has E[W^2] = 2 W^2 / C (the M/M/m waiting-time distribution, Kleinrock vol. 1 §3.5).
std::pair<double, double> visit_moments(const Point& pt, int k, double length_s) {
  const double w = pt.visit_wait_s[static_cast<std::size_t>(k)];
  const double c = pt.wait_probability[static_cast<std::size_t>(k)];
  const double wait_var = c > 0 ? w * w * (2.0 / c - 1.0) : 0.0;
  return {w + length_s, std::max(0.0, wait_var) + length_s * length_s};
}

/// Broadcast invalidation (L2971-2973): an update transaction sends its n - 1 invalidations at
/// once and waits for the last acknowledgement - a fork-join of n - 1 round trips, each its own
/// send and the network, the receive and the acknowledgement's send at the other node (any
/// other node, their mean), the network and its own receive. The sends queue together at the
/// own CPU, so their wait is common to all legs; the rest of each leg is independent of the
/// others (other nodes, other arrivals) and, a sum of waits and services, about normal: the
/// join waits for the expected maximum of n - 1 such legs (solver/open/expected_maximum.hpp;
/// Nelson & Tantawi 1988 for fork-join). Until issue #11 the transaction waited for one round
/// trip plus all its other sends and receives in full: at 5 nodes, 100 TPS per node, 61 ms
/// against 41 ms simulated (now 41 ms), and the response time 10-12 % above the simulated
/// one.
double broadcast_wait_s(const Prepared& pr, const Point& pt, const TypeDemand& d) {
  if (d.broadcast_legs <= 0 || d.broadcast_probability <= 0) return 0.0;
  const auto& m = pr.model;
  const auto& mc = m.cluster.messages;
  const auto& layout = pr.demand.layout;
  const auto burst_s = [&](std::size_t node) {
    return mc.short_instructions / (m.nodes[node].cpu_mips * 1000.0) / 1000.0;
  };
  const int own = layout.cpu[d.node];
  const double own_burst_s = burst_s(d.node);
  const auto [own_mean, own_var] = visit_moments(pt, own, own_burst_s);
  const auto [net_mean, net_var] =
      visit_moments(pt, layout.network, mc.short_bytes / (mc.bandwidth_mb_per_s * 1000.0) / 1000.0);
  // The remote pair: the acknowledgement is sent the moment the receive ends, into the same
  // queue, so its wait is taken equal to the receive's (variance 4 var W, not 2).
  double remote_mean = 0.0, remote_var = 0.0;
  for (std::size_t j = 0; j < m.nodes.size(); ++j) {
    if (j == d.node) continue;
    const double s = burst_s(j);
    const auto [mean, var] = visit_moments(pt, layout.cpu[j], s);
    remote_mean += 2.0 * mean / static_cast<double>(m.nodes.size() - 1);
    remote_var += (4.0 * (var - s * s) + 2.0 * s * s) / static_cast<double>(m.nodes.size() - 1);
  }
  const double common_s = pt.visit_wait_s[static_cast<std::size_t>(own)];
  // Per leg beyond the common wait: the send's service, its receive (wait and service) and the
  // remote pair, both transfers.
  const double leg_mean = own_burst_s + own_mean + remote_mean + 2.0 * net_mean;
  const double leg_var = own_burst_s * own_burst_s + own_var + remote_var + 2.0 * net_var;
  return d.broadcast_probability * (common_s + solver::open::expected_max_normal(
                                                   d.broadcast_legs, leg_mean, std::sqrt(leg_var)));
}

/// Mean and variance (s, s^2) of the round trips that a step makes `trips` of on average, each
/// of mean `trip_s` and variance `trip_variance_s2`: a step makes one with probability x <= 1 (a
/// Bernoulli mixture: mean x t, second moment x E[t^2]; issue #13), more than one as floor(x)
/// and one more with the rest.
std::pair<double, double> trip_step(double trips, double trip_s, double trip_variance_s2) {
  if (!(trips > 0) || !(trip_s > 0)) return {0.0, 0.0};
  if (trips <= 1.0)
    return {trips * trip_s,
            trips * (trip_variance_s2 + trip_s * trip_s) - trips * trips * trip_s * trip_s};
  const double rest = trips - std::floor(trips);
  return {trips * trip_s, trips * trip_variance_s2 + rest * (1.0 - rest) * trip_s * trip_s};
}

/// The page requests of class c's reference phase (issue #13): a page request is a step that a
/// reference of partition p takes, after its lock, with probability page_request_steps[p] /
/// references (measured: about a third of the 2-node GEH transactions make one, 26 ms each), not
/// time spread over every reference, as it was. One request is the requester's short send and
/// long receive, the holder's receive and reply - sent into the same queue the moment the receive
/// ends, so its wait is the receive's, as broadcast_wait_s takes it - and both transfers
/// (visit_moments), at most the phase's waited remote time `remote_s` per request. Sets one
/// request's moments and the mean and variance of the requests per transaction, the references'
/// steps independent.
void remote_trip_moments(const Prepared& pr, Point& pt, std::size_t c, double remote_s) {
  const auto& m = pr.model;
  const auto& d = pr.demand.types[c];
  auto& tp = pt.types[c];
  tp.trip_s = tp.trip_variance_s2 = tp.trips_s = tp.trips_variance_s2 = 0.0;
  double trips = 0.0;
  for (double x : d.page_request_steps) trips += x;
  if (!(trips > 0) || !(remote_s > 0)) return;
  const auto& mc = m.cluster.messages;
  const auto& layout = pr.demand.layout;
  const auto burst_s = [&](std::size_t node, double instructions) {
    return instructions / (m.nodes[node].cpu_mips * 1000.0) / 1000.0;
  };
  const auto [send_mean, send_var] =
      visit_moments(pt, layout.cpu[d.node], burst_s(d.node, mc.short_instructions));
  const auto [receive_mean, receive_var] =
      visit_moments(pt, layout.cpu[d.node], burst_s(d.node, mc.long_instructions));
  const auto [out_mean, out_var] =
      visit_moments(pt, layout.network, mc.short_bytes / (mc.bandwidth_mb_per_s * 1000.0) / 1000.0);
  const auto [back_mean, back_var] =
      visit_moments(pt, layout.network, mc.long_bytes / (mc.bandwidth_mb_per_s * 1000.0) / 1000.0);
  double holder_mean = 0.0, holder_var = 0.0;  // any other node
  const double others = static_cast<double>(m.nodes.size() - 1);
  for (std::size_t j = 0; j < m.nodes.size(); ++j) {
    if (j == d.node) continue;
    const double in = burst_s(j, mc.short_instructions), out = burst_s(j, mc.long_instructions);
    const double w = pt.visit_wait_s[static_cast<std::size_t>(layout.cpu[j])];
    const double wait_var = visit_moments(pt, layout.cpu[j], 0.0).second;
    holder_mean += (2.0 * w + in + out) / others;
    holder_var += (4.0 * wait_var + in * in + out * out) / others;
  }
  const double mean = send_mean + out_mean + holder_mean + back_mean + receive_mean;
  const double var = send_var + out_var + holder_var + back_var + receive_var;
  const double scv = mean > 0 ? var / (mean * mean) : 1.0;
  tp.trip_s = std::min(mean, remote_s / trips);
  tp.trip_variance_s2 = scv * tp.trip_s * tp.trip_s;
  const ClassLocks& cl = pr.class_locks[c];
  for (std::size_t p = 0; p < d.page_request_steps.size(); ++p) {
    if (!(d.page_request_steps[p] > 0)) continue;
    const double refs = p < cl.refs.size() && cl.refs[p] > 0 ? cl.refs[p] : 1.0;
    const auto [step_mean, step_var] =
        trip_step(d.page_request_steps[p] / refs, tp.trip_s, tp.trip_variance_s2);
    tp.trips_s += refs * step_mean;
    tp.trips_variance_s2 += refs * step_var;
  }
}

/// Mean number of transactions active per node (arrival rate x response time without the input
/// queue): the population whose CPU visits queue at the node (visit_waits).
std::vector<double> active_per_node(const Prepared& pr, const Point& pt) {
  std::vector<double> n(pr.model.nodes.size(), 0.0);
  for (std::size_t c = 0; c < pr.demand.types.size(); ++c)
    n[pr.demand.types[c].node] += pt.types[c].rate * pt.types[c].response_s;
  return n;
}

/// Group commit size g whose log pages alone reach station k (1 when other writes share it or
/// it is not a single-server log disk). Under group commit the last of g update transactions
/// writes the group's page (L1352): the disk sees every g-th commit, Erlang-g interarrival
/// times, not a Poisson stream.
int log_group_arrivals(const SystemModel& m, const Station& st) {
  if (st.kind != StationKind::disk || st.servers != 1) return 1;
  const std::size_t node = st.node >= 0 ? static_cast<std::size_t>(st.node) : 0;
  if (st.node < 0 && m.nodes.size() > 1) return 1;  // a pool shared by several nodes' logs
  const LogConfig& log = m.nodes[node].log;
  if (log.group_commit_size <= 1 || log.device != st.device ||
      log.write_buffer != WriteBuffer::none)
    return 1;
  for (const auto& part : m.partitions)
    if (part.allocation.device == st.device) return 1;
  return log.group_commit_size;
}

/// Step 1: offered load and residence factor of every station (EH first: its queueing
/// lengthens the CPU holding time of synchronous accesses, L2376, L2420). Marks the point
/// saturated when a station's offered load reaches its servers.
void station_loads(const Prepared& pr, Point& pt, std::vector<std::array<double, 2>>& cpu_held_ms) {
  const auto& dm = pr.demand;
  const auto& ehp = pr.model.storage.extended_memory;
  const std::size_t ns = dm.stations.size();
  const std::size_t nc = dm.types.size();
  const auto saturate = [&](int k, double offered) {
    if (pt.saturated) return;
    const auto& s = dm.stations[k];
    pt.saturated = true;
    pt.bottleneck = station_label(s);
    // (never "inf": an overflowing load is named as such, issue #16)
    pt.reason =
        std::isfinite(offered)
            ? fmt::format("offered load {:.4g} of {} server(s) at {}", offered, s.servers, s.name)
            : fmt::format("offered load beyond the double range at {}", s.name);
  };
  const int eh = dm.extended_memory;
  for (std::size_t c = 0; c < nc; ++c)
    pt.offered[eh] += pt.types[c].rate * dm.types[c].load_ms[eh] / 1000.0;
  if (pt.offered[eh] >= dm.stations[eh].servers)
    saturate(eh, pt.offered[eh]);
  else
    pt.stretch[eh] = stretch_factor(dm.stations[eh].servers, pt.offered[eh]);
  const double eh_residence_ms = ehp.access_time_ms * pt.stretch[eh];
  const double entry_residence_ms =
      pr.model.cluster.geh_lock_table.entry_access_ms * pt.stretch[eh];

  // CPU of the class's node: instructions plus the time synchronous EH (and GEH entry)
  // accesses hold it.
  cpu_held_ms.assign(nc, {});
  for (std::size_t c = 0; c < nc; ++c) {
    const auto& d = dm.types[c];
    for (int ph = 0; ph < 2; ++ph)
      cpu_held_ms[c][ph] = d.cpu_instructions[ph] * d.ms_per_instruction +
                           (ehp.synchronous ? d.eh_sync_accesses[ph] * eh_residence_ms : 0.0) +
                           d.geh_entry_accesses[ph] * entry_residence_ms;
    pt.offered[dm.layout.cpu[d.node]] +=
        pt.types[c].rate * (cpu_held_ms[c][0] + cpu_held_ms[c][1]) / 1000.0;
    // The aborted attempts' CPU work (deadlock restarts; none without deadlocks).
    if (!pt.aborted.empty() && pt.aborted[c].restarts > 0)
      pt.offered[dm.layout.cpu[d.node]] +=
          pt.types[c].rate * pt.aborted[c].restarts * pt.aborted[c].cpu_ms / 1000.0;
  }
  // Everything else (and work a class places on other nodes' CPUs or unwaited on its own); class
  // by class, each station's sum in the same order as station by station (one pass over the
  // classes' loads instead of one per station, issue #16).
  for (std::size_t c = 0; c < nc; ++c) {
    const double rate = pt.types[c].rate;
    const auto& load_ms = dm.types[c].load_ms;
    for (std::size_t k = 0; k < ns; ++k)
      if (static_cast<int>(k) != eh) pt.offered[k] += rate * load_ms[k] / 1000.0;
  }
  for (std::size_t k = 0; k < ns; ++k) {
    if (static_cast<int>(k) == eh) continue;
    const int servers = dm.stations[k].servers;
    if (servers > 0 && pt.offered[k] >= servers)
      saturate(static_cast<int>(k), pt.offered[k]);
    else if (const int g = log_group_arrivals(pr.model, dm.stations[k]); g > 1)
      // The group-commit log disk: E_g/M/1, not M/M/1 (issue #13: at 661 TPS, g = 8, the
      // commit I/O was +21 % with the Poisson queue; solver/open/erlang_arrivals.hpp).
      pt.stretch[k] = solver::open::ek_m1_residence_factor(g, pt.offered[k]);
    else
      pt.stretch[k] = stretch_factor(servers, pt.offered[k]);
  }
  cut_station_waits(pt);
  if (pr.model.nodes.size() > 1 && !pt.saturated) visit_waits(pr, pt, cpu_held_ms, false);
}

}  // namespace

/// Log writers per second: transactions that update something write a log page and wait for a
/// group commit (a read-only transaction writes none).
/// Update transactions per second at `node`'s log (each node has its own log and its own commit
/// groups, ch7.md §2.1).
/// All nodes at once (one pass over the classes: once per class it was O(types^2), issue #16).
std::vector<double> node_update_rates(const Prepared& pr, const Point& pt) {
  std::vector<double> rate(pr.model.nodes.size(), 0.0);
  for (std::size_t c = 0; c < pr.demand.types.size(); ++c)
    rate[pr.demand.types[c].node] +=
        pt.types[c].rate * update_probability(pr.model, pr.demand.types[c].type);
  return rate;
}

namespace {

/// Step 2: residence times per class and phase, without lock waits.
/// Commits serialized by a hot lock (issue #13, docs/locking.md "Log wait of serialized
/// commits"). Strict 2PL holds an exclusive lock through the commit's log write (and FORCE
/// writes), so the transactions holding the same granule commit one after another: their
/// commit I/O is never in a device queue together. Seen from the tagged holder they are a chain
/// of population one at the device - its own commit -, and by the arrival theorem (Reiser &
/// Lavenberg 1980; Sevcik & Mitrani 1981; Lazowska et al. QSP §6.4.1) a customer of a chain
/// with population one finds none of its chain ahead: it queues only behind the other load, a
/// mixed network's closed class at population one, R = S / (1 - U_other) (QSP §7.4, eq. 7.12;
/// with m servers the Erlang C stretch at the other load). The serialized load of lock partition
/// p at station k is sum_c lambda_c pi_cp W_ck: pi_cp = min(1, k_cp u_cp / G_p) the probability
/// that a class-c transaction holds a given one of p's G_p granules exclusively at its commit
/// (hot_spot_share's form, solver/locking/hot_spot.hpp), W_ck its waited commit-phase load at
/// k (log page, FORCE writes; at most its load there). A class holding an exclusive lock on p
/// with probability x_cp = min(1, k_cp u_cp) waits at commit with the stretch at U_k - L_pk
/// with probability x_cp, the full one otherwise; p is the partition that excludes the most.
/// One hot page locked by every transaction: the commit is the bare log write, as simulated.
/// With many granules pi_cp is tiny and nothing changes. Returns the commit-phase stretch per
/// station for class c (empty: the plain stretch).
/// serialized_commit_stretch's answer: per class and station, flat (one allocation per solve, not
/// one per class: issue #16).
struct CommitStretch {
  std::size_t stations = 0;
  std::vector<char> has;        ///< per class: its commit phase has its own stretch
  std::vector<double> stretch;  ///< [class * stations + station]
  bool own(std::size_t c) const { return !has.empty() && has[c]; }
  double at(std::size_t c, std::size_t k) const { return stretch[c * stations + k]; }
};

CommitStretch serialized_commit_stretch(const Prepared& pr, const Point& pt) {
  const auto& m = pr.model;
  const auto& dm = pr.demand;
  const std::size_t ns = dm.stations.size(), nc = dm.types.size(), np = m.partitions.size();
  CommitStretch out;
  out.stations = ns;
  const auto io_station = [&](std::size_t k) {
    const StationKind kind = dm.stations[k].kind;
    return static_cast<int>(k) != dm.extended_memory && kind != StationKind::cpu &&
           kind != StationKind::network;
  };
  // Per class and partition: probability of holding an exclusive lock on p at commit (0: none).
  std::vector<double> held(nc * np, 0.0);
  std::vector<double> granules(np, 0.0);
  bool any = false;
  // End-of-file inserts (sequence partitions): the inserters of one page commit one after
  // another, those of other pages do not wait for them. The pages held at once are the page
  // queue's utilization rho (Little: request rate x holding time, one holder per held page), so
  // a holder's commit is serialized with 1 / max(1, rho) of the partition's: its granules for
  // this rule are max(1, rho), from the lock model's last solve (sequence_utilization; before
  // it, the partition is left out). Issue #13: page-locked HISTORY at 30 TPS, where rho < 1, the
  // commit had the M/M/1 log wait (7.5 ms against the simulated 6.4) and the HISTORY lock's
  // holding time was 4 % long (lock wait +11 %). With every commit serialized (granules 1) the
  // response at 130 / 140 TPS was -30 / -37 % (measured against the simulator that took an
  // insert's record at arrival).
  for (std::size_t p = 0; p < np; ++p) {
    if (m.partitions[p].access != AccessPattern::append) {
      // (a partition whose locks its host's page covers is serialized by the host's)
      granules[p] = pr.lock_part[p] >= 0 ? lock_granules(m.partitions[p]) : 0.0;
    } else if (p < pt.sequence_utilization.size() && pt.sequence_utilization[p] > 0) {
      granules[p] = std::max(1.0, pt.sequence_utilization[p]);
    }
  }
  for (std::size_t c = 0; c < nc; ++c) {
    const auto& d = dm.types[c];
    if (pt.types[c].rate <= 0) continue;
    const auto& type = m.transaction_types[d.type];
    for (std::size_t p = 0; p < np; ++p) {
      if (granules[p] <= 0 || pr.class_locks[c].refs[p] <= 0) continue;
      // (the granules of a partition other than an append one are the model's: computed once)
      const double x =
          m.partitions[p].access != AccessPattern::append
              ? pr.class_locks[c].commit_exclusive[p]
              : distinct_lock_requests(type, p, granules[p]) * update_share_of(type, p);
      if (x <= 0) continue;
      held[c * np + p] = x;
      any = true;
    }
  }
  if (!any) return out;
  std::vector<double> best_gain(nc, 0.0);
  for (std::size_t p = 0; p < np; ++p) {
    std::vector<double> load(ns, 0.0);  // serialized commit load per station (busy servers)
    double total = 0.0, commits = 0.0;  // commits: per second, by holders of p's granules
    for (std::size_t c = 0; c < nc; ++c) {
      if (held[c * np + p] <= 0) continue;
      const double pi = std::min(1.0, held[c * np + p] / granules[p]);
      commits += pt.types[c].rate * std::min(1.0, held[c * np + p]);
      const auto& d = dm.types[c];
      for (std::size_t k = 0; k < ns; ++k) {
        if (!io_station(k)) continue;
        const double w = std::min(d.load_ms[k], d.wait_ms[commit_phase][k]);
        if (w <= 0) continue;
        load[k] += pt.types[c].rate * pi * w / 1000.0;
        total += pt.types[c].rate * pi * w / 1000.0;
      }
    }
    if (total <= 0) continue;
    std::vector<double> serial(pt.stretch);  // stretch at the other load only
    const bool chains = m.partitions[p].access == AccessPattern::append;
    for (std::size_t k = 0; k < ns; ++k) {
      if (load[k] <= 0) continue;
      serial[k] = stretch_factor(dm.stations[k].servers, std::max(0.0, pt.offered[k] - load[k]));
      // End-of-file pages: the other pages' holders are max(1, rho) chains of one customer
      // each, not an open load (exact MVA, solver/mva/serialized_chains.hpp; issue #13: page-
      // locked HISTORY at 148 TPS, commit 14.6 ms against 12.7 simulated with them as open
      // load, the Bard-Schweitzer form).
      if (chains && dm.stations[k].servers == 1 && commits > 0) {
        const double all = load[k] * granules[p];  // every holder's serialized commit load
        serial[k] = solver::mva::serialized_chain_stretch(granules[p], commits, all / commits,
                                                          std::max(0.0, pt.offered[k] - all));
      }
    }
    for (std::size_t c = 0; c < nc; ++c) {
      if (held[c * np + p] <= 0) continue;
      const double x = std::min(1.0, held[c * np + p]);
      double gain = 0.0;  // commit-phase ms saved; the partition that saves most is taken
      for (std::size_t k = 0; k < ns; ++k)
        if (load[k] > 0)
          gain += x * (pt.stretch[k] - serial[k]) * dm.types[c].wait_ms[commit_phase][k];
      if (gain <= best_gain[c]) continue;
      best_gain[c] = gain;
      if (out.has.empty()) {
        out.has.assign(nc, 0);
        out.stretch.assign(nc * ns, 0.0);
      }
      out.has[c] = 1;
      for (std::size_t k = 0; k < ns; ++k)
        out.stretch[c * ns + k] =
            load[k] > 0 ? x * serial[k] + (1.0 - x) * pt.stretch[k] : pt.stretch[k];
    }
  }
  return out;
}

/// The service time of one operation at a device station, ms (its pool's transfer, controller or
/// access time); 0 elsewhere.
double operation_ms(const SystemModel& m, const Station& s) {
  if (s.pool < 0) return 0.0;
  const auto& dev = m.storage.devices[static_cast<std::size_t>(s.pool)];
  switch (s.kind) {
    case StationKind::disk:
      return dev.access_time_ms;
    case StationKind::controller:
      return dev.controller_ms;
    case StationKind::transfer:
      return dev.transfer_ms;
    default:
      return 0.0;
  }
}

void class_times(const Prepared& pr, Point& pt,
                 const std::vector<std::array<double, 2>>& cpu_held_ms) {
  const auto& m = pr.model;
  const auto& dm = pr.demand;
  const auto& ehp = m.storage.extended_memory;
  const std::size_t ns = dm.stations.size();
  const int eh = dm.extended_memory;
  const double eh_residence_ms = ehp.access_time_ms * pt.stretch[eh];
  const double entry_residence_ms = m.cluster.geh_lock_table.entry_access_ms * pt.stretch[eh];

  // Write buffers overflow when the disk behind them is busy: with K buffered pages the chance
  // that a write finds the buffer full is about rho^K (M/M/1/K tail); then it waits for the disk
  // (L2439, ch5-6a.md §4 "write buffer full -> synchronous disk write").
  std::vector<double> overflow(ns, 0.0);
  for (std::size_t k = 0; k < ns; ++k) {
    const auto& s = dm.stations[k];
    if (s.write_buffer_pages > 0 && s.servers > 0)
      overflow[k] = std::pow(pt.offered[k] / s.servers, static_cast<double>(s.write_buffer_pages));
  }
  pt.overflow = overflow;
  const bool cluster = m.nodes.size() > 1;
  const auto serialized = serialized_commit_stretch(pr, pt);
  std::vector<double> node_updates;  // per node, at the first class with group commits

  for (std::size_t c = 0; c < dm.types.size(); ++c) {
    const auto& d = dm.types[c];
    const int cpu = dm.layout.cpu[d.node];
    auto& tp = pt.types[c];
    auto& br = tp.breakdown;
    std::array<double, 2> phase_s{};
    tp.commit_io_variance_s2 = 0.0;
    double reference_remote_s = 0.0;  // waited remote time of the reference phase
    for (int ph = 0; ph < 2; ++ph) {
      const double service = d.cpu_instructions[ph] * d.ms_per_instruction / 1000.0;
      const double eh_s =
          (ehp.synchronous ? d.eh_sync_accesses[ph] * eh_residence_ms / 1000.0 : 0.0) +
          d.geh_entry_accesses[ph] * entry_residence_ms / 1000.0;
      const double wait = cluster ? d.wait_bursts[ph][cpu] * pt.visit_wait_s[cpu]
                                  : (pt.stretch[cpu] - 1.0) * cpu_held_ms[c][ph] / 1000.0;
      br.cpu_service_s += service;
      br.extended_memory_s += eh_s;
      br.cpu_wait_s += wait;
      phase_s[ph] += service + eh_s + wait;
      if (cluster) {
        // Waited message bursts on the own CPU: part of the message's time, as the simulator
        // measures it (its CPU service and wait are not the transaction's CPU time).
        const double message_s =
            d.message_cpu_ms[ph] / 1000.0 + d.message_cpu_visits[ph] * pt.visit_wait_s[cpu];
        // The broadcast at commit waits for its last acknowledgement (broadcast_wait_s).
        const double broadcast_s = ph == commit_phase ? broadcast_wait_s(pr, pt, d) : 0.0;
        br.remote_s += message_s + broadcast_s;
        phase_s[ph] += message_s + broadcast_s;
        if (ph == reference_phase) reference_remote_s += message_s;
      }
      for (std::size_t k = 0; k < ns; ++k) {
        if (static_cast<int>(k) == cpu) continue;
        const StationKind kind = dm.stations[k].kind;
        const bool visits = cluster && (kind == StationKind::cpu || kind == StationKind::network);
        const double stretch =
            ph == commit_phase && serialized.own(c) ? serialized.at(c, k) : pt.stretch[k];
        const double io_s =
            visits ? d.wait_ms[ph][k] / 1000.0 + d.wait_bursts[ph][k] * pt.visit_wait_s[k]
                   : (d.wait_ms[ph][k] + d.overflow_ms[ph][k] * overflow[k]) * stretch / 1000.0;
        if (io_s <= 0) continue;
        phase_s[ph] += io_s;
        if (static_cast<int>(k) == eh) {
          br.extended_memory_s += io_s;
        } else if (kind == StationKind::cpu || kind == StationKind::network) {
          br.remote_s += io_s;
          if (ph == reference_phase) reference_remote_s += io_s;
        } else if (ph == commit_phase) {
          br.commit_io_s += io_s;
          // Its operations here, each of one exponential residence r: variance T x r. The part of
          // a full write buffer (overflow) counts as one stage of its mean: its operations'
          // residence near a saturated disk would be the whole disk queue, which made the holding
          // times' spread too wide near the limit (Abb. 6-10's NV write buffer fell below the plain
          // log disk's limit, 198.62 against 198.69 TPS, study log_allocation V14).
          const double overflow_s = d.overflow_ms[ph][k] * overflow[k] * stretch / 1000.0;
          const double operations_s = io_s - overflow_s;
          tp.commit_io_variance_s2 +=
              operations_s * operation_ms(m, dm.stations[k]) * stretch / 1000.0 +
              overflow_s * overflow_s;
        } else {
          const std::string& dev = dm.stations[k].device;
          auto it = std::find_if(br.io_s.begin(), br.io_s.end(),
                                 [&](const auto& e) { return e.first == dev; });
          if (it == br.io_s.end())
            br.io_s.emplace_back(dev, io_s);
          else
            it->second += io_s;
        }
      }
    }
    // Group commit: a transaction waits on average for half a group of its node's update
    // transactions to arrive (L1352, L1364).
    const int g = m.nodes[d.node].log.group_commit_size;
    const double log_writer = g > 1 ? update_probability(m, d.type) : 0.0;  // writes a log page
    if (g > 1 && node_updates.empty()) node_updates = node_update_rates(pr, pt);
    const double updates = g > 1 ? node_updates[d.node] : 0.0;
    if (g > 1 && log_writer > 0 && updates > 0) {
      const double group_wait = log_writer * (g - 1) / (2.0 * updates);
      br.commit_io_s += group_wait;
      phase_s[commit_phase] += group_wait;
      // The wait for the g - 1 - i later members, i uniform on 0..g-1, each exponential of 1/u:
      // E[g - 1 - i] / u^2 + Var(i) / u^2.
      tp.commit_io_variance_s2 +=
          log_writer * ((g - 1) / 2.0 + (g * g - 1) / 12.0) / (updates * updates);
      if (cluster && m.cluster.locking == GlobalLocking::geh_lock_table &&
          d.geh_entry_accesses[commit_phase] > 0) {
        // The member that writes the log page releases every member's GEH locks in one CPU visit
        // and the others complete with it (model/sim/cluster_protocol.cpp plan_commit_cluster,
        // transaction_engine.cpp finish): a follower, (g - 1) / g of the members, waits after
        // the log write for that visit's CPU wait and the other members' release entries - in
        // its commit I/O, as the simulator books it (issue #13: 3 nodes, g = 4, log on enough
        // disks, 123 TPS per node: commit I/O 18.6 against 21.35 ms simulated).
        const double follower_s = pt.visit_wait_s[cpu] + (g - 1) *
                                                             d.geh_entry_accesses[commit_phase] *
                                                             entry_residence_ms / 1000.0;
        const double wait = log_writer * (g - 1) / g * follower_s;
        br.commit_io_s += wait;
        phase_s[commit_phase] += wait;
        tp.commit_io_variance_s2 += log_writer * (g - 1) / g * follower_s * follower_s;
      }
    }
    tp.reference_phase_s = phase_s[reference_phase];
    if (cluster) remote_trip_moments(pr, pt, c, reference_remote_s);
    tp.commit_phase_s = phase_s[commit_phase];
    tp.response_s = phase_s[0] + phase_s[1];
    if (!pt.aborted.empty() && pt.aborted[c].restarts > 0) {
      // The aborted attempts' CPU time: in the response time (the simulator's runs from the
      // first arrival to the final commit), not in the phases whose times are the lock model's
      // steps (lock_steps: the attempt that completes).
      const AbortedWork& a = pt.aborted[c];
      const double service = a.restarts * a.cpu_ms / 1000.0;
      const double wait = cluster ? a.restarts * a.cpu_bursts * pt.visit_wait_s[cpu]
                                  : (pt.stretch[cpu] - 1.0) * service;
      br.cpu_service_s += service;
      br.cpu_wait_s += wait;
      tp.response_s += service + wait;
    }
  }
}

/// Per partition, the partitions clustered with it (in index order).
std::vector<std::vector<std::size_t>> clustered_partitions(const SystemModel& m) {
  std::vector<std::vector<std::size_t>> on(m.partitions.size());
  for (std::size_t q = 0; q < m.partitions.size(); ++q)
    if (const auto& host = m.partitions[q].clustered_with)
      on[static_cast<std::size_t>(*host)].push_back(q);
  return on;
}

/// The reference phase of one type as blocks of CPU bursts and I/O episodes.
struct ReferenceWork {
  bool has_io = false;
  double episode_s = 0.0;                       ///< mean I/O episode
  double ops = 1.0;                             ///< device operations per episode
  double bot_s = 0.0;                           ///< BOT's share of the non-I/O time
  double cpu_s = 0.0;                           ///< non-I/O time per reference, page requests apart
  double trip_s = 0.0, trip_variance_s2 = 0.0;  ///< one page request (remote_trip_moments)

  /// A block of `bursts` references with `q` I/O episodes and `trips` page requests: mean and
  /// variance.
  std::pair<double, double> block(double bursts, double q, double trips = 0.0) const {
    double var = bursts * cpu_s * cpu_s;
    if (has_io && q <= 1.0)
      var += q * (1.0 + 1.0 / ops) * episode_s * episode_s - q * q * episode_s * episode_s;
    else if (has_io)  // several episodes per step: their sum, q * ops operations
      var += q * episode_s * episode_s / ops;
    const auto [trip_mean, trip_var] = trip_step(trips, trip_s, trip_variance_s2);
    return std::pair{bursts * cpu_s + (has_io ? q * episode_s : 0.0) + trip_mean, var + trip_var};
  }
};

/// The references and HS misses per partition of class `c` (ClassLocks::refs, misses).
void reference_counts(const Prepared& pr, const TypeDemand& d, ClassLocks& cl) {
  const auto& m = pr.model;
  const auto& buffers = pr.buffers[d.node];
  const std::size_t np = m.partitions.size();
  // I/O episodes are the HS misses of the reference phase: each may write a dirty victim
  // synchronously (L2368) and then reads the page (unless it is a new append page, or comes
  // from EH, whose time is counted in extended_memory_s). Counting misses rather than reads
  // keeps misses that only write a victim (an append partition's new page) from being folded
  // into a few read episodes of enormous length.
  cl.refs.assign(np, 0.0);
  cl.misses.assign(np, 0.0);
  cl.trips = d.page_request_steps;
  cl.trips.resize(np, 0.0);
  cl.episodes = cl.all_refs = 0.0;
  for (std::size_t p = 0; p < np; ++p) {
    cl.refs[p] = references_per_tx(m, d.type, p);
    cl.misses[p] = cl.refs[p] * buffers.partitions[p].eviction_ratio;
    cl.episodes += cl.misses[p];
    cl.all_refs += cl.refs[p];
  }
}

ReferenceWork reference_work(const Prepared& pr, std::size_t c, const TypePoint& tp) {
  const auto& m = pr.model;
  const auto& d = pr.demand.types[c];
  const ClassLocks& cl = pr.class_locks[c];
  ReferenceWork w;
  double io_ref_s = 0.0;
  for (const auto& e : tp.breakdown.io_s) io_ref_s += e.second;
  const double episodes = cl.episodes, all_refs = cl.all_refs;
  w.has_io = io_ref_s > 0 && episodes > 0;
  w.episode_s = w.has_io ? io_ref_s / episodes : 0.0;
  // Device operations per episode: reads that took device time plus synchronous victim writes.
  const double io_reads = d.reads - std::min(d.eh_accesses, d.reads - d.device_reads);
  const double victim_writes = std::max(0.0, d.synchronous_writes - d.log_writes - d.force_writes);
  w.ops = w.has_io ? std::max(1.0, (io_reads + victim_writes) / episodes) : 1.0;
  // Non-I/O time (CPU with its queueing, EH, messages): BOT's share by its instructions. The
  // page requests are steps of the references that make them (remote_trip_moments).
  w.trip_s = tp.trip_s;
  w.trip_variance_s2 = tp.trip_variance_s2;
  const double other_s = std::max(0.0, tp.reference_phase_s - io_ref_s - tp.trips_s);
  const double phase_instructions = d.cpu_instructions[reference_phase];
  w.bot_s = phase_instructions > 0
                ? other_s * std::min(1.0, m.transaction_types[d.type].instructions.bot /
                                              phase_instructions)
                : 0.0;
  w.cpu_s = all_refs > 0 ? (other_s - w.bot_s) / all_refs : 0.0;
  return w;
}

/// The waited visits of class `cls` to its own CPU, whose waits correlate (cpu_wait_covariances):
/// its own bursts and, in a cluster, the message bursts there (a message's send or its reply's
/// receive), whose waits the breakdown books as message time (remote_s), as the simulator does.
double waited_cpu_visits(const Prepared& pr, std::size_t cls) {
  const auto& d = pr.demand.types[cls];
  const auto k = static_cast<std::size_t>(pr.demand.layout.cpu[d.node]);
  return d.wait_bursts[0][k] + d.wait_bursts[1][k] + d.message_cpu_visits[0] +
         d.message_cpu_visits[1];
}

/// Commit: CPU plus log write and FORCE writes, each exponential; the variance of the phase.
double commit_variance(const TypePoint& tp) {
  if (tp.commit_phase_s <= 0) return 0.0;
  const double commit_io_s = std::min(tp.breakdown.commit_io_s, tp.commit_phase_s);
  const double commit_cpu_s = tp.commit_phase_s - commit_io_s;
  return commit_cpu_s * commit_cpu_s + tp.commit_io_variance_s2;
}

/// How long and how variable each lock request's step is (docs/locking.md "Steps of different
/// length", "How `tpeval eval` feeds it"). The simulator runs a transaction as BOT, then per
/// reference lock, page, CPU (transaction_engine.cpp next_reference; L2354), the references in
/// random order with a clustered reference right after its host's (TELLER after its BRANCH,
/// reference_generator.cpp; L2525), then commit. So a lock is requested at the start of its
/// reference and held for that whole step (own_step_held = 1) plus the steps of the clustered
/// references that follow it - one block -, every later block and the commit phase. References
/// that request no lock (unlocked partitions, appended records under record locks, a granule
/// the transaction already holds) are blocks too: each lies after a given lock with probability
/// 1/2, so half their time lengthens every lock's holding (added to the commit phase) and the
/// other half is lead time, like BOT (issue #11: without these blocks the BRANCH lock of the
/// cluster example was held 50 instead of 61 ms and its conflict probability was 18 % low).
/// Every reference is a CPU burst (BOT's share of the phase's non-I/O time by instructions);
/// a reference also waits for page I/O when its page is not buffered, which depends on the
/// partition (L2633). Service times are exponential as in the M/M/m stations: a CPU burst has
/// SCV 1, an I/O episode (the read plus the synchronous victim write before it, L2368) is n
/// such operations, SCV 1/n.
/// A clustered partition's references follow their host's in the same block (fixed counts),
/// unless they take locks of their own (record locks). Drawn references are blocks of their
/// own; those made before the host's lock a host page (leading_clustered_requests), counted
/// with the host's requests.
bool glued_to_host(const Prepared& pr, const TransactionType& type, const ClassLocks& cl,
                   std::size_t p) {
  const auto& host = pr.model.partitions[p].clustered_with;
  return host && pr.lock_part[p] < 0 && cl.refs[static_cast<std::size_t>(*host)] > 0 &&
         fixed_reference_counts(type);
}

/// lock_steps' fixed parts of class `cl` (after its accesses and reference counts): the first
/// access per lock partition, the clustered partitions' leading requests, each block's
/// references and misses.
void block_structure(const Prepared& pr, const TransactionType& type, ClassLocks& cl) {
  const auto& m = pr.model;
  const auto& lock_part = pr.lock_part;
  const std::size_t np = m.partitions.size();
  cl.access_on.assign(np, -1);  // per lock partition: the first access to it
  for (std::size_t a = cl.accesses.size(); a-- > 0;)
    if (cl.accesses[a].partition < np) cl.access_on[cl.accesses[a].partition] = static_cast<int>(a);
  cl.leading.assign(np, 0.0);  // per clustered partition
  for (std::size_t p = 0; p < np; ++p) {
    const auto& host = m.partitions[p].clustered_with;
    if (!host || lock_part[p] >= 0 || lock_part[static_cast<std::size_t>(*host)] < 0) continue;
    for (const CountClass& cc : pr.count_classes[&type - m.transaction_types.data()])
      cl.leading[p] +=
          cc.probability *
          leading_clustered_requests(type, p, static_cast<std::size_t>(*host), cc.references);
  }
  cl.block_refs = cl.refs;
  cl.block_misses = cl.misses;
  cl.block_trips = cl.trips;
  for (std::size_t p = 0; p < np; ++p) {
    if (!glued_to_host(pr, type, cl, p)) continue;
    const auto host = static_cast<std::size_t>(*m.partitions[p].clustered_with);
    cl.block_refs[host] += cl.refs[p];
    cl.block_misses[host] += cl.misses[p];
    cl.block_trips[host] += cl.trips[p];
  }
}

/// The parts of the commit time that grow with a transaction's number of references
/// (add_count_classes): half the unlocked blocks (in proportion), and the FORCE writes of the
/// commit I/O (with their wait, TypeDemand::class_force_waits: the pages written one after the
/// other, or the fork-join of parallel writes).
struct ScaledCommit {
  double unlocked_s = 0.0;
  double force_io_s = 0.0;
};

/// Returns the class's ScaledCommit.
ScaledCommit lock_steps(const Prepared& pr, std::size_t cls, const TypePoint& tp,
                        solver::locking::LockClass& c) {
  const auto& m = pr.model;
  const auto& d = pr.demand.types[cls];
  const ClassLocks& cl = pr.class_locks[cls];
  const auto& lock_part = pr.lock_part;
  const std::size_t np = m.partitions.size();
  const ReferenceWork w = reference_work(pr, cls, tp);
  const auto& refs = cl.refs;
  const auto& type = m.transaction_types[d.type];
  const auto& clustered_on = pr.clustered_on;
  const auto& access_on = cl.access_on;
  const auto& leading = cl.leading;
  const auto& block_refs = cl.block_refs;
  const auto& block_misses = cl.block_misses;
  const auto& block_trips = cl.block_trips;
  const auto glued = [&](std::size_t p) { return glued_to_host(pr, type, cl, p); };
  double unlocked_s = 0.0, unlocked_var = 0.0;  // the blocks without a lock request: U
  const auto add_unlocked = [&](double count, double bursts, double q, double trips) {
    if (count <= 0) return;
    const auto [mean, var] = w.block(bursts, q, trips);
    unlocked_s += count * mean;
    // after a given lock with probability 1/2: variance of that share of the holding
    unlocked_var += count * (0.25 * mean * mean + 0.5 * var);
  };
  double lock_seconds = 0.0;
  for (std::size_t p = 0; p < np; ++p) {
    if (refs[p] <= 0 || glued(p)) continue;
    auto acc = lock_part[p] >= 0 && access_on[static_cast<std::size_t>(lock_part[p])] >= 0
                   ? c.accesses.begin() + access_on[static_cast<std::size_t>(lock_part[p])]
                   : c.accesses.end();
    if (acc == c.accesses.end()) {
      add_unlocked(refs[p] - leading[p], block_refs[p] / refs[p], block_misses[p] / refs[p],
                   block_trips[p] / refs[p]);
      continue;
    }
    // Its own requests, less the clustered partitions' leading ones; a repeated reference to a
    // granule already held comes after its lock: part of that lock's block.
    double own = acc->lock_requests;
    for (const std::size_t r : clustered_on[p]) own -= leading[r];
    own = std::clamp(own, 1e-9, refs[p]);
    const auto [mean, var] =
        w.block(block_refs[p] / own, block_misses[p] / own, block_trips[p] / own);
    acc->step_time_s = mean;
    acc->step_time_scv = mean > 0 ? var / (mean * mean) : 0.0;
    lock_seconds += acc->lock_requests * mean;
  }
  c.own_step_held = 1.0;
  c.step_time_s = tp.lock_requests > 0 ? lock_seconds / tp.lock_requests : 0.0;
  c.lead_time_s = w.bot_s + 0.5 * unlocked_s;
  const double commit_var = commit_variance(tp);
  c.commit_time_s = tp.commit_phase_s + 0.5 * unlocked_s;
  c.commit_time_scv =
      c.commit_time_s > 0 ? (commit_var + unlocked_var) / (c.commit_time_s * c.commit_time_s) : 0.0;
  // Correlated CPU waits (cpu_wait_covariances): the mean covariance of two of its visits stands
  // for two of its pieces (a block or the commit phase is about one CPU visit).
  const double visits = waited_cpu_visits(pr, cls);
  c.step_covariance_s2 = visits > 1 ? tp.cpu_wait_covariance_s2 / (visits * (visits - 1.0)) : 0.0;
  const double commit_io_s = std::min(tp.breakdown.commit_io_s, tp.commit_phase_s);
  // The FORCE writes' share of the commit I/O, in units of one write (log page: one).
  const double force_io_s =
      d.force_wait > 0 ? commit_io_s * d.force_wait / (d.log_writes + d.force_wait) : 0.0;
  return {0.5 * unlocked_s, force_io_s};
}

/// Share of the lock holders on partition p that a lock request of node i meets at another node:
/// the partition's lock requests by node, or, under key affinity, per key range (node k's range
/// takes (1 - o) of node k's requests and o / (n - 1) of every other node's, model/routing.hpp).
double remote_holder_share(const Prepared& pr, std::size_t p, std::size_t i) {
  const auto& m = pr.model;
  const std::size_t n = m.nodes.size();
  if (m.partitions[p].access == AccessPattern::append) return 0.0;  // each node's own end page
  const std::vector<double> rates = node_reference_rates(m, pr.routing, p);
  double total = 0.0;
  for (double r : rates) total += r;
  if (total <= 0.0) return 0.0;
  if (!key_partitioned(m, p)) return 1.0 - rates[i] / total;
  const double o = m.cluster.other_node_share[p];
  const double spread = o / static_cast<double>(n - 1);
  double same = 0.0;
  for (std::size_t k = 0; k < n; ++k) {
    double range_total = 0.0;
    for (std::size_t j = 0; j < n; ++j) range_total += (j == k ? 1.0 - o : spread) * rates[j];
    const double to_k = k == i ? 1.0 - o : spread;  // node i's requests into range k
    if (range_total > 0.0) same += to_k * to_k * rates[i] / range_total;
  }
  return std::max(0.0, 1.0 - same);
}

/// Two lock classes that differ only in name and arrival rate.
bool same_lock_behaviour(const solver::locking::LockClass& a, const solver::locking::LockClass& b) {
  if (a.step_time_s != b.step_time_s || a.commit_time_s != b.commit_time_s ||
      a.step_time_scv != b.step_time_scv || a.commit_time_scv != b.commit_time_scv ||
      a.step_covariance_s2 != b.step_covariance_s2 ||
      a.concurrent_transactions != b.concurrent_transactions ||
      a.accesses.size() != b.accesses.size())
    return false;
  for (std::size_t i = 0; i < a.accesses.size(); ++i) {
    const auto& x = a.accesses[i];
    const auto& y = b.accesses[i];
    if (x.partition != y.partition || x.lock_requests != y.lock_requests ||
        x.exclusive_share != y.exclusive_share || x.request_position != y.request_position ||
        x.step_time_s != y.step_time_s || x.step_time_scv != y.step_time_scv)
      return false;
  }
  return true;
}

/// Variable reference counts (issue #13): a transaction with v references holds its own
/// number of locks, so the lock model gets one class per count class (Prepared::count_classes,
/// the simulator's count law, model/reference_count.hpp) with the share p_v of the type's
/// arrivals, the requests of a transaction of v references (ClassLocks::class_requests: distinct
/// granules and clustered leading requests at v, model/routing.hpp) and steps of its references
/// per request. Its commit phase grows by the parts that scale with the references
/// (ScaledCommit: its unlocked blocks and, under FORCE, the pages it writes at commit;
/// without it the locks of a long transaction under FORCE were held as briefly as the mean
/// one's: at 4 references of SCV 1.5, 140 TPS, lock wait 3.0 against 9.5 ms simulated). The mean
/// lock-seconds per transaction, E[k (k + 1)] / 2 steps, grow with the count's variance (Tay et
/// al. 1985 use the fixed k). Until the count law, a count of mean and SCV was the two-point
/// distribution of that mean and variance and the requests grew linearly with the count: the
/// conflict probability was 12-32 % high (bench/RESULTS.md "varref").
void add_count_classes(const Prepared& pr, std::size_t cls, const TransactionType& type,
                       solver::locking::LockClass lc, const ScaledCommit& scaled,
                       solver::locking::LockWorkload& lw) {
  const ClassLocks& cl = pr.class_locks[cls];
  const TypeDemand& d = pr.demand.types[cls];
  const auto& classes = pr.count_classes[pr.demand.types[cls].type];
  for (std::size_t k = 0; k < classes.size(); ++k) {
    const double value = classes[k].references;
    if (value <= 0) continue;  // no references, no locks: nothing to wait for
    solver::locking::LockClass sub = lc;
    sub.name += fmt::format("[{} refs]", value);
    sub.arrival_rate_per_s *= classes[k].probability;
    double requests = 0.0, lock_seconds = 0.0;
    for (std::size_t a = 0; a < sub.accesses.size(); ++a) {
      auto& acc = sub.accesses[a];
      acc.lock_requests = cl.class_requests[k][a];
      acc.step_time_s *= cl.class_step_scale[k][a];
      requests += acc.lock_requests;
      lock_seconds += acc.lock_requests * acc.step_time_s;
    }
    sub.step_time_s = requests > 0 ? lock_seconds / requests : 0.0;
    // The commit's SCV is kept: its pieces scale alike.
    sub.commit_time_s += scaled.unlocked_s * (value / type.references - 1.0);
    if (k < d.class_force_waits.size() && d.force_wait > 0)
      sub.commit_time_s += scaled.force_io_s * (d.class_force_waits[k] / d.force_wait - 1.0);
    lw.classes.push_back(std::move(sub));
  }
}

/// The type's lock result from its count classes (first at `first`): waits and deadlocks per
/// transaction weighted by p_v, conflicts per request by p_v times the class's requests.
solver::locking::ClassContention merge_count_classes(const Prepared& pr, std::size_t cls,
                                                     const solver::locking::LockContention& lr,
                                                     int first) {
  const ClassLocks& cl = pr.class_locks[cls];
  const auto& classes = pr.count_classes[pr.demand.types[cls].type];
  solver::locking::ClassContention out = lr.classes[first];
  out.blocking_time_s = out.conflict_probability = out.deadlock_probability = 0.0;
  out.blocking_time_variance_s2 = 0.0;
  double requests = 0.0;
  auto next = static_cast<std::size_t>(first);
  for (std::size_t k = 0; k < classes.size(); ++k) {
    const double p = classes[k].probability;
    if (classes[k].references <= 0) continue;
    const auto& r = lr.classes[next++];
    double v = 0.0;
    for (const double x : cl.class_requests[k]) v += x;
    out.blocking_time_s += p * r.blocking_time_s;
    out.deadlock_probability += p * r.deadlock_probability;
    out.conflict_probability += p * v * r.conflict_probability;
    // Within each count (the spread between counts is the reference-count SCV's term,
    // response_variability.cpp).
    out.blocking_time_variance_s2 += p * r.blocking_time_variance_s2;
    requests += p * v;
  }
  if (requests > 0) out.conflict_probability /= requests;
  return out;
}

/// Past iterates the lock model's Anderson acceleration combines: a handful is the usual choice
/// (Walker & Ni 2011 use 1-50); 5 cut the iterations of the real-load model's maximum-throughput
/// search near lock thrashing from thousands per solve to tens (bench/RESULTS.md, issue #16).
constexpr std::size_t kLockAndersonDepth = 5;

/// How long the lower operating point of an end-of-file lock queue must last to count as
/// sustainable (solver/locking/sequence_stall.hpp): one hour, the period for which a sizing
/// assumes its peak rate (docs/locking.md "Holder stalls at an end-of-file page"). The mean time
/// to collapse falls by orders of magnitude per few TPS, so the limit depends little on it.
constexpr double kSequenceStallHorizonS = 3600.0;

/// The fixed point of the deadlock restarts' loads (solve_at): stop when the restarts per
/// transaction change by less than this share - far below what a simulation resolves (validate's
/// half-widths of restart_rate_per_s are 3-5 %) - or after this many solves.
constexpr double kRestartTolerance = 1e-2;
constexpr int kRestartSolves = 8;

/// The lock model's partitions: those with lockable granules (`lock_part[p]` is the lock
/// partition of model partition p, -1 for none).
struct LockPartitions {
  std::vector<solver::locking::LockPartition> partitions;
  std::vector<int> lock_part;
  std::vector<char> covered;  ///< per model partition: clustered_locks_covered
};

LockPartitions lock_partitions(const SystemModel& m) {
  LockPartitions out;
  out.lock_part.assign(m.partitions.size(), -1);
  out.covered.assign(m.partitions.size(), 0);
  for (std::size_t p = 0; p < m.partitions.size(); ++p) {
    const double granules = lock_granules(m.partitions[p]);
    if (granules <= 0) continue;
    out.covered[p] = clustered_locks_covered(m, p);
    if (out.covered[p]) continue;
    out.lock_part[p] = static_cast<int>(out.partitions.size());
    out.partitions.push_back({m.partitions[p].name, granules});
    // End-of-file inserts take a page's records in turn: a page is a lock queue of at most
    // blocking-factor requesters (docs/locking.md "Hot spots"), as the simulator hands them out.
    if (m.partitions[p].access == AccessPattern::append)
      out.partitions.back().sequence_batch = m.partitions[p].blocking_factor;
  }
  return out;
}

/// A transaction of `references` references on lock partition p (of `granules` granules): its
/// lock requests there and those of them that are its own references' (not the clustered
/// partitions' leading ones).
std::pair<double, double> access_requests(const Prepared& pr, const TransactionType& type,
                                          std::size_t p, double granules, double references) {
  const auto& m = pr.model;
  double leading = 0.0;
  for (const std::size_t q : pr.clustered_on[p])
    if (lock_granules(m.partitions[q]) <= 0)
      leading += leading_clustered_requests(type, q, p, references);
  const double own = distinct_lock_requests(type, p, granules, references);
  return {leading + own, own};
}

/// ClassLocks::class_requests and class_step_scale of a type of several counts.
void count_class_requests(const Prepared& pr, const TransactionType& type,
                          const LockPartitions& parts, ClassLocks& cl) {
  const auto& classes = pr.count_classes[&type - pr.model.transaction_types.data()];
  const std::size_t na = cl.accesses.size();
  cl.class_requests.assign(classes.size(), std::vector<double>(na, 0.0));
  cl.class_step_scale.assign(classes.size(), std::vector<double>(na, 1.0));
  for (std::size_t a = 0; a < na; ++a) {
    const std::size_t p = cl.access_partition[a];
    const double granules = parts.partitions[cl.accesses[a].partition].granules;
    std::vector<double> own(classes.size(), 0.0);
    double own_mean = 0.0;
    for (std::size_t k = 0; k < classes.size(); ++k) {
      const auto [requests, own_requests] =
          access_requests(pr, type, p, granules, classes[k].references);
      cl.class_requests[k][a] = requests;
      own[k] = own_requests;
      own_mean += classes[k].probability * own_requests;
    }
    // lock_steps' step: the average's references per own request, m s / own_mean; a class of
    // v references makes v s / own_v per request.
    for (std::size_t k = 0; k < classes.size(); ++k)
      if (own[k] > 0 && own_mean > 0)
        cl.class_step_scale[k][a] = classes[k].references / type.references * own_mean / own[k];
  }
}

/// The lock requests of class `c` (ClassLocks), as the lock model's accesses.
void class_accesses(const Prepared& pr, std::size_t c, const LockPartitions& parts,
                    ClassLocks& cl) {
  const auto& m = pr.model;
  const auto& d = pr.demand.types[c];
  const auto& type = m.transaction_types[d.type];
  const auto& lock_part = parts.lock_part;
  for (std::size_t p = 0; p < m.partitions.size(); ++p) {
    const double k = references_per_tx(m, d.type, p);
    // Requests that never conflict: record locks on appended records, and those a held host
    // page covers (clustered_locks_covered). A page-clustered partition has no lock of its own.
    if (lock_part[p] < 0 && m.partitions[p].lock_granularity != LockGranularity::none &&
        (!m.partitions[p].clustered_with || parts.covered[p]))
      cl.free_lock_requests += k;
    if (lock_part[p] < 0 || k <= 0) continue;
    // A granule the transaction already holds is not requested again (routing.hpp); a
    // clustered reference made before its host's locks a host page of its own. A variable
    // count: the average over its law (count_class_requests).
    const double granules = parts.partitions[static_cast<std::size_t>(lock_part[p])].granules;
    double distinct = 0.0;
    for (const CountClass& cc : pr.count_classes[d.type])
      distinct += cc.probability * access_requests(pr, type, p, granules, cc.references).first;
    cl.accesses.push_back(
        {static_cast<std::size_t>(lock_part[p]), distinct, update_share_of(type, p), -1.0});
    cl.access_references.push_back(k);
    cl.access_partition.push_back(p);
    cl.lock_requests += distinct;
    cl.partition_lock_requests.resize(m.partitions.size(), 0.0);
    cl.partition_exclusive_share.resize(m.partitions.size(), 0.0);
    cl.partition_lock_requests[p] = distinct;
    cl.partition_exclusive_share[p] = update_share_of(type, p);
  }
}

/// ClassLocks::commit_exclusive (after the reference counts).
void commit_exclusives(const Prepared& pr, const TypeDemand& d, ClassLocks& cl) {
  const auto& m = pr.model;
  const auto& type = m.transaction_types[d.type];
  cl.commit_exclusive.assign(m.partitions.size(), 0.0);
  for (std::size_t p = 0; p < m.partitions.size(); ++p) {
    const double granules = lock_granules(m.partitions[p]);
    if (m.partitions[p].access == AccessPattern::append || granules <= 0 || pr.lock_part[p] < 0 ||
        cl.refs[p] <= 0)
      continue;
    for (const CountClass& cc : pr.count_classes[d.type])
      cl.commit_exclusive[p] += cc.probability *
                                distinct_lock_requests(type, p, granules, cc.references) *
                                update_share_of(type, p);
  }
}

/// Every class's ClassLocks (prepare).
std::vector<ClassLocks> class_locks(const Prepared& pr) {
  const LockPartitions parts = lock_partitions(pr.model);
  std::vector<ClassLocks> out(pr.demand.types.size());
  for (std::size_t c = 0; c < out.size(); ++c) {
    const auto& d = pr.demand.types[c];
    class_accesses(pr, c, parts, out[c]);
    if (!pr.single_count[d.type])
      count_class_requests(pr, pr.model.transaction_types[d.type], parts, out[c]);
    reference_counts(pr, d, out[c]);
    block_structure(pr, pr.model.transaction_types[d.type], out[c]);
    commit_exclusives(pr, d, out[c]);
  }
  return out;
}

/// The lock classes of the workload, one per type (per node in a cluster, merged across
/// symmetric nodes), with their accesses; fills the types' lock request counts. Returns each
/// demand class's lock class (-1 for none).
std::vector<int> lock_classes(const Prepared& pr, Point& pt, solver::locking::LockWorkload& lw) {
  const auto& m = pr.model;
  const auto& dm = pr.demand;
  const std::size_t nc = dm.types.size();
  std::vector<int> lock_class(nc, -1);
  // Per transaction type its lock classes: lookups instead of scans (O(types^2) per solve at
  // 10^4 of them, issue #16).
  std::vector<std::vector<std::size_t>> classes_of_type(m.transaction_types.size());
  // Per lock partition: record references and distinct lock requests per second. A page of
  // end-of-file inserts has blocking-factor records, but a transaction that appends several
  // of them holds its lock for all: the page's queue has B x distinct / references requesters.
  std::vector<double> append_refs(lw.partitions.size(), 0.0), append_locks(append_refs);
  lw.classes.reserve(nc);
  for (std::size_t c = 0; c < nc; ++c) {
    const auto& d = dm.types[c];
    const auto& type = m.transaction_types[d.type];
    const ClassLocks& cl = pr.class_locks[c];
    auto& tp = pt.types[c];
    if (tp.rate <= 0) continue;
    tp.free_lock_requests = cl.free_lock_requests;
    tp.lock_requests = cl.lock_requests;
    for (std::size_t a = 0; a < cl.accesses.size(); ++a) {
      const std::size_t lp = cl.accesses[a].partition;
      append_refs[lp] += tp.rate * cl.access_references[a];
      append_locks[lp] += tp.rate * cl.accesses[a].lock_requests;
    }
    if (tp.lock_requests <= 0) continue;
    solver::locking::LockClass lc;
    lc.name = m.nodes.size() > 1 ? type.name + "@" + m.nodes[d.node].name : type.name;
    lc.accesses = cl.accesses;
    lc.arrival_rate_per_s = tp.rate * lock_rate_factor(pt, d.node);
    const ScaledCommit scaled = lock_steps(pr, c, tp, lc);
    // The same type behaving the same on several nodes (symmetric nodes) is one open class of
    // the summed rate: exact for Poisson arrivals, and it keeps the contention model's
    // class-pair terms at types^2 rather than (types x nodes)^2 (types with a fixed count).
    if (pr.single_count[d.type]) {
      std::size_t same = lw.classes.size();
      for (const std::size_t k : classes_of_type[d.type])
        if (same_lock_behaviour(lw.classes[k], lc)) {
          same = k;
          break;
        }
      if (same < lw.classes.size()) {
        lock_class[c] = static_cast<int>(same);
        lw.classes[same].arrival_rate_per_s += lc.arrival_rate_per_s;
        lw.classes[same].name = type.name;
        continue;
      }
    }
    lock_class[c] = static_cast<int>(lw.classes.size());
    if (pr.single_count[d.type])
      lw.classes.push_back(std::move(lc));
    else
      add_count_classes(pr, c, type, std::move(lc), scaled, lw);
    for (std::size_t k = static_cast<std::size_t>(lock_class[c]); k < lw.classes.size(); ++k)
      classes_of_type[d.type].push_back(k);
  }
  for (std::size_t lp = 0; lp < lw.partitions.size(); ++lp)
    if (lw.partitions[lp].sequence_batch > 0 && append_refs[lp] > 0)
      lw.partitions[lp].sequence_batch =
          std::max(1.0, lw.partitions[lp].sequence_batch * append_locks[lp] / append_refs[lp]);
  return lock_class;
}

/// What one aborted attempt of a demand class meets at its held lock requests (deadlock restarts,
/// issue #13; AbortedWork::lock_requests): its conflicts, and its lock wait.
struct AbortedLocks {
  double conflicts = 0.0, wait_s = 0.0;
};

/// AbortedLocks of demand class `c` (lock class `cls`, whose lock wait per transaction is
/// `blocking_s`): each request meets its partition's conflict probability in its mode, and waits
/// as the class's requests there do - the class's lock wait with its requests reweighted, by
/// partition, by the lock model's mean wait per request there (LockIterationState::wait_on).
/// The aborted attempts' requests are not in the lock model's load: each is held only until the
/// refused request, about a step, where a completing attempt's is held to its commit (at p = 0.03
/// on 50 BRANCH pages, HISTORY's lock-seconds would grow by well under 1 %).
AbortedLocks aborted_locks(const Prepared& pr, const Point& pt,
                           const solver::locking::LockContention& lc, std::size_t c, int cls,
                           double blocking_s) {
  const std::size_t nlp = lc.partitions.size();
  const ClassLocks& cl = pr.class_locks[c];
  const AbortedWork& a = pt.aborted[c];
  AbortedLocks out;
  std::vector<double> own(nlp, 0.0), repeated(nlp, 0.0);
  for (std::size_t p = 0; p < cl.partition_lock_requests.size() && p < a.lock_requests.size();
       ++p) {
    const int lp = pr.lock_part[p];
    if (lp < 0) continue;  // (appended records under record locks: never conflict)
    const auto& part = lc.partitions[static_cast<std::size_t>(lp)];
    const double u = cl.partition_exclusive_share[p];
    out.conflicts += a.lock_requests[p] * (u * part.exclusive_conflict_probability +
                                           (1 - u) * part.shared_conflict_probability);
    own[static_cast<std::size_t>(lp)] += cl.partition_lock_requests[p];
    repeated[static_cast<std::size_t>(lp)] += a.lock_requests[p];
  }
  const auto* state = pt.lock_state.get();
  if (!state || cls < 0 || state->wait_on.size() < (static_cast<std::size_t>(cls) + 1) * nlp)
    return out;
  double all = 0.0, aborted = 0.0;
  for (std::size_t lp = 0; lp < nlp; ++lp) {
    const double w = std::max(0.0, state->wait_on[static_cast<std::size_t>(cls) * nlp + lp]);
    all += own[lp] * w;
    aborted += repeated[lp] * w;
  }
  if (all > 0) out.wait_s = blocking_s * aborted / all;
  return out;
}

/// The lock model's answer per type: lock waits, conflict and deadlock probabilities, and the
/// system's conflict probability per request.
void apply_lock_waits(const Prepared& pr, Point& pt, const solver::locking::LockContention& lc,
                      const std::vector<int>& lock_class) {
  const auto& dm = pr.demand;
  double requests = 0.0;
  for (std::size_t c = 0; c < dm.types.size(); ++c) {
    if (lock_class[c] < 0) continue;
    const std::size_t t = dm.types[c].type;
    // A type of a fixed count is one class: its result as it is, not a copy.
    solver::locking::ClassContention merged;
    if (!pr.single_count[t]) merged = merge_count_classes(pr, c, lc, lock_class[c]);
    const auto& cc =
        pr.single_count[t] ? lc.classes[static_cast<std::size_t>(lock_class[c])] : merged;
    auto& tp = pt.types[c];
    tp.breakdown.lock_wait_s = cc.blocking_time_s;
    tp.response_s += cc.blocking_time_s;
    // Per request as the simulator counts them: free requests never conflict (issue #13: the
    // page-locked HISTORY default was compared as 0.23 against 0.175 for this reason alone).
    double all = tp.lock_requests + tp.free_lock_requests;
    double conflicts = cc.conflict_probability * tp.lock_requests, aborted_conflicts = 0.0;
    double aborted_wait_s = 0.0;  // of one aborted attempt
    if (!pt.aborted.empty() && pt.aborted[c].restarts > 0) {
      // Its aborted attempts (deadlock restarts): their lock waits are the transaction's too, and
      // their requests count as the simulator counts them - the refused one a conflict.
      const AbortedWork& a = pt.aborted[c];
      const AbortedLocks al = aborted_locks(pr, pt, lc, c, lock_class[c], cc.blocking_time_s);
      aborted_wait_s = al.wait_s;
      tp.breakdown.lock_wait_s += a.restarts * al.wait_s;
      tp.response_s += a.restarts * al.wait_s;
      aborted_conflicts = a.restarts * (al.conflicts + 1.0);
      conflicts += aborted_conflicts;
      all += a.restarts * a.all_lock_requests;
    }
    tp.conflict_probability = conflicts / all;
    tp.deadlock_probability = cc.deadlock_probability;
    if (cc.wait_per_conflict_s > 0 && cc.wait_second_moment_s2 > 0)
      tp.lock_wait_scv = std::max(
          0.0, cc.wait_second_moment_s2 / (cc.wait_per_conflict_s * cc.wait_per_conflict_s) - 1.0);
    tp.lock_wait_variance_s2 = cc.blocking_time_variance_s2;
    if (aborted_wait_s > 0 && tp.lock_wait_variance_s2 >= 0) {
      // The aborted attempts' waits: N of them, geometric with mean r and variance r (1 + r),
      // each of mean w and SCV 1 (one blocked request's wait, mostly): Var = r w^2 (2 + r). Most
      // transactions never restart - a rare long part, not a longer response for all.
      const double r = pt.aborted[c].restarts;
      tp.lock_wait_variance_s2 += r * aborted_wait_s * aborted_wait_s * (2.0 + r);
    }
    pt.conflict_probability += tp.rate * tp.lock_requests * cc.conflict_probability;
    if (aborted_conflicts > 0) pt.conflict_probability += tp.rate * aborted_conflicts;
    requests += tp.rate * all;
  }
  if (requests > 0) pt.conflict_probability /= requests;
}

/// Point::deadlock_held_share and deadlock_requested_share from the lock model's parts of the
/// deadlock sums; a type of several counts (count classes) weights its classes' parts by their
/// probabilities, as its deadlock probability (merge_count_classes).
void deadlock_shares(const Prepared& pr, Point& pt, const solver::locking::LockContention& lc,
                     const std::vector<int>& lock_class) {
  const auto& m = pr.model;
  const std::size_t np = m.partitions.size();
  const std::size_t nlp = lc.partitions.size();
  if (lc.deadlock_held_on.size() != lc.classes.size() * nlp) return;
  std::vector<double> held(nlp), requested(nlp);
  for (std::size_t c = 0; c < pr.demand.types.size(); ++c) {
    if (lock_class[c] < 0 || !(pt.types[c].deadlock_probability > 0)) continue;
    std::fill(held.begin(), held.end(), 0.0);
    std::fill(requested.begin(), requested.end(), 0.0);
    auto next = static_cast<std::size_t>(lock_class[c]);
    const bool single = pr.single_count[pr.demand.types[c].type];
    for (const auto& [value, count_probability] : pr.count_classes[pr.demand.types[c].type]) {
      if (value <= 0) continue;
      const double probability = single ? 1.0 : count_probability;
      for (std::size_t lp = 0; lp < nlp; ++lp) {
        held[lp] += probability * lc.deadlock_held_on[next * nlp + lp];
        requested[lp] += probability * lc.deadlock_requested_on[next * nlp + lp];
      }
      ++next;
    }
    double all = 0.0;
    for (const double h : held) all += h;
    if (!(all > 0)) continue;
    if (pt.deadlock_held_share.empty()) {
      pt.deadlock_held_share.assign(pr.demand.types.size() * np, 0.0);
      pt.deadlock_requested_share.assign(pr.demand.types.size() * np, 0.0);
    }
    for (std::size_t p = 0; p < np; ++p) {
      const int lp = pr.lock_part[p];
      if (lp < 0) continue;
      pt.deadlock_held_share[c * np + p] = held[static_cast<std::size_t>(lp)] / all;
      pt.deadlock_requested_share[c * np + p] = requested[static_cast<std::size_t>(lp)] / all;
    }
  }
}

/// GEH locking: a request that waits for a holder at another node is granted by a message from
/// that node (ch7.md §5, "no messages except grant notifications to waiting nodes").
void add_grant_notifications(const Prepared& pr, Point& pt,
                             const solver::locking::LockContention& lc,
                             const std::vector<int>& lock_part) {
  const auto& m = pr.model;
  if (m.cluster.locking != GlobalLocking::geh_lock_table || m.nodes.size() <= 1) return;
  for (std::size_t c = 0; c < pr.demand.types.size(); ++c) {
    const auto& d = pr.demand.types[c];
    auto& tp = pt.types[c];
    if (tp.rate <= 0) continue;  // (its lock requests were not counted)
    const ClassLocks& cl = pr.class_locks[c];
    for (std::size_t p = 0; p < cl.partition_lock_requests.size(); ++p) {
      const double k = cl.partition_lock_requests[p];
      if (lock_part[p] < 0 || k <= 0) continue;
      // Each request waits with its mode's conflict probability: the real load's 98 % shared
      // requests rarely meet an X lock (it was every request at the X probability: 2.6
      // messages per transaction analytic against 0.33 simulated at 8 nodes).
      const auto& part = lc.partitions[lock_part[p]];
      const double u = cl.partition_exclusive_share[p];
      tp.grant_notifications +=
          k *
          (u * part.exclusive_conflict_probability + (1 - u) * part.shared_conflict_probability) *
          pr.remote_holder[p * m.nodes.size() + d.node];
    }
  }
}

/// The X-conflict probability per model partition; a clustered partition's own requests
/// (leading_clustered_requests) are on its host's pages.
void set_partition_conflicts(const SystemModel& m, Point& pt,
                             const solver::locking::LockContention& lc,
                             const std::vector<int>& lock_part) {
  pt.partition_conflict.assign(m.partitions.size(), 0.0);
  for (std::size_t p = 0; p < m.partitions.size(); ++p)
    if (lock_part[p] >= 0)
      pt.partition_conflict[p] = lc.partitions[lock_part[p]].exclusive_conflict_probability;
  for (std::size_t q = 0; q < m.partitions.size(); ++q) {
    const auto& host = m.partitions[q].clustered_with;
    if (!host || lock_part[q] >= 0 || lock_part[static_cast<std::size_t>(*host)] < 0) continue;
    bool leads = false;
    for (std::size_t t = 0; t < m.transaction_types.size(); ++t)
      leads = leads || leading_clustered_requests(m.transaction_types[t], q,
                                                  static_cast<std::size_t>(*host)) > 0;
    if (leads) pt.partition_conflict[q] = pt.partition_conflict[static_cast<std::size_t>(*host)];
  }
}

/// Step 3: lock contention (strict 2PL, locks held to the end of commit; ch6-5.md §1.6) over the
/// whole system: every class's requests compete for the same granules.
void lock_contention(const Prepared& pr, Point& pt,
                     const solver::locking::LockIterationState* start = nullptr) {
  LockPartitions parts = lock_partitions(pr.model);
  solver::locking::LockWorkload lw;
  lw.partitions = std::move(parts.partitions);
  const std::vector<int> lock_class = lock_classes(pr, pt, lw);
  if (lw.classes.empty()) return;
  solver::locking::LockOptions lo;
  lo.tolerance = 1e-8;
  lo.max_iterations = 5000;
  lo.anderson_depth = kLockAndersonDepth;
  lo.start = start;
  lo.results_when_thrashing = false;  // a thrashing point is only named (saturated)
  lo.sequence_stall_horizon_s = kSequenceStallHorizonS;
  auto lc = solver::locking::analyze_lock_contention(lw, lo);
  pt.lock_iterations += lc.iterations;
  if (lc.converged && !lc.lock_queue_saturated) pt.lock_alpha = lc.thomasian_alpha;
  if (lc.thrashing) {
    pt.saturated = true;
    pt.bottleneck =
        (lc.lock_queue_saturated ? "lock queue on " : "lock thrashing on ") + lc.bottleneck;
    pt.reason = lc.diagnosis.empty() ? "no stable lock operating point" : lc.diagnosis;
    return;
  }
  pt.lock_state = std::make_shared<const solver::locking::LockIterationState>(std::move(lc.state));
  for (std::size_t p = 0; p < pr.model.partitions.size(); ++p) {
    const int lp = parts.lock_part[p];
    if (lp < 0 || lw.partitions[static_cast<std::size_t>(lp)].sequence_batch <= 0) continue;
    pt.sequence_utilization.resize(pr.model.partitions.size(), 0.0);
    pt.sequence_utilization[p] = lc.partitions[static_cast<std::size_t>(lp)].queue_utilization;
  }
  pt.deadlock_rate_per_s = lc.deadlock_rate_per_s;
  if (!pt.lock_rate_factor.empty()) {
    // The lock model's rates were the seen ones (Point::lock_rate_factor): its deadlocks per
    // second back at the arrival rate.
    double rate = 0.0, seen = 0.0;
    for (std::size_t c = 0; c < pt.types.size(); ++c) {
      rate += pt.types[c].rate;
      seen += pt.types[c].rate * lock_rate_factor(pt, pr.demand.types[c].node);
    }
    if (seen > 0) pt.deadlock_rate_per_s *= rate / seen;
  }
  pt.blocked_share = lc.blocked_share;
  apply_lock_waits(pr, pt, lc, lock_class);
  deadlock_shares(pr, pt, lc, lock_class);
  add_grant_notifications(pr, pt, lc, parts.lock_part);
  set_partition_conflicts(pr.model, pt, lc, parts.lock_part);
}

/// Issue #13: a transaction's CPU visits see correlated waits. Near saturation a long CPU queue
/// stays long for longer than a transaction lives (91 % CPU, one node: the simulator's waits of
/// one transaction's visits correlate at 0.82, and the variance of their sum is 5 times that of
/// independent waits; docs/locking.md "Correlated CPU waits"). The covariance of two visits t
/// apart is the M/M/m queue's wait correlation at lag t (solver/open/wait_correlation.hpp) times
/// the variance of one visit's wait, W^2 (2 / C - 1) (visit_moments); the n waited visits are
/// taken evenly spread over the response time R (lags d R / n). The n visits are all the
/// transaction's waited visits to that CPU (waited_cpu_visits): in a cluster also the message
/// bursts of its requests and replies there, which wait in the same queue although their time
/// is booked as message time (issue #13: 4 nodes, primary copy, 94 % CPU, the simulator's
/// message time per transaction correlates with its CPU wait at 0.58, covariance 2730 ms^2,
/// the largest term the response-time variance missed; 2 nodes, GEH, 88 %: 0.22, 186 ms^2;
/// docs/cluster.md). Stored per class: the sum over ordered pairs, which lengthens the lock
/// holding times' second moment (lock_steps) and the response-time variance
/// (response_variability.cpp).
void cpu_wait_covariances(const Prepared& pr, Point& pt,
                          const std::vector<std::array<double, 2>>& held_ms) {
  const auto& dm = pr.demand;
  for (std::size_t node = 0; node < dm.layout.cpu.size(); ++node) {
    const auto k = static_cast<std::size_t>(dm.layout.cpu[node]);
    const int servers = dm.stations[k].servers;
    const double offered = pt.offered[k];
    double ms2_rate = 0.0;
    for (std::size_t c = 0; c < dm.types.size(); ++c) {
      const auto& d = dm.types[c];
      ms2_rate += pt.types[c].rate * d.burst_ms2[k];
      if (d.node == node) ms2_rate += pt.types[c].rate * own_burst_ms2(pr, c, held_ms[c]);
    }
    if (servers < 1 || !(offered > 0) || !(ms2_rate > 0)) continue;
    // Visits of unequal length (message bursts) as exponential ones of the same residual work,
    // sum s_v^2 / sum s_v (as visit_waits): the queue's work process keeps its mean and variance.
    const double equivalent_s = ms2_rate / (offered * 1000.0) / 1000.0;
    if (!(equivalent_s > 0) || !std::isfinite(equivalent_s) || !(offered < servers)) continue;
    // The queue-length states grow as 1 / (1 - rho): above 98 % the correlation at 98 % stands
    // in (near 1 over a transaction's life there anyway). The exponential fit costs O(states),
    // the exact form states x events, 100 times the rest of a solve (ch. 6.5 lock study).
    const double waiting = solver::open::erlang_c(servers, offered);
    // The fit builds the queue-length chain from 0 past `servers` (at most 200,000 states): a
    // queue that practically never waits has no wait correlation, and beyond 10^4 servers a
    // visit's mean wait is below S / (10^4 (1 - rho)), its covariances (of order W^2) negligible -
    // both are left out (fuzz_set: 429,497,297 CPUs at 0.001 % made the chain overflow, an
    // internal error).
    if (!(waiting > 1e-12) || servers > 10'000) continue;
    const auto fit = solver::open::mmm_wait_correlation_fit(
        servers, std::min(offered, 0.98 * servers), equivalent_s);
    for (std::size_t c = 0; c < dm.types.size(); ++c) {
      const auto& d = dm.types[c];
      auto& tp = pt.types[c];
      const double own = d.wait_bursts[0][k] + d.wait_bursts[1][k];
      const double n = waited_cpu_visits(pr, c);
      if (d.node != node || n <= 1 || own <= 0 || !(tp.breakdown.cpu_wait_s > 0) || !(waiting > 0))
        continue;
      const double w = tp.breakdown.cpu_wait_s / own;
      const double variance = w * w * (2.0 / waiting - 1.0);
      double pairs = 0.0;  // sum over d of (n - d) r(d R / n): the pairs d visits apart
      for (double lag = 1.0; lag < n; lag += 1.0)
        pairs += (n - lag) * fit.at(lag * tp.response_s / n);
      tp.cpu_wait_covariance_s2 = 2.0 * variance * pairs;
    }
  }
}

/// One solve of the open network; `sequence_utilization`: the page utilizations of locked append
/// partitions from a previous solve (serialized_commit_stretch), empty for none; `aborted`: the
/// aborted attempts to load (solve_at), empty for none; `cut`: an MPL's cut (solve_once).
Point solve_open(const Prepared& pr, double total_rate,
                 const solver::locking::LockIterationState* lock_start,
                 const std::vector<double>& sequence_utilization,
                 const std::vector<AbortedWork>& aborted, const MplCut& cut = {}) {
  const auto& dm = pr.demand;
  const std::size_t ns = dm.stations.size();
  const std::size_t nc = dm.types.size();
  Point pt;
  pt.sequence_utilization = sequence_utilization;
  pt.aborted = aborted;
  pt.mpl_wait_factor = cut.wait_factor;
  pt.lock_rate_factor = cut.lock_rate_factor;
  pt.offered.assign(ns, 0.0);
  pt.stretch.assign(ns, 1.0);
  pt.types.resize(nc);
  for (std::size_t c = 0; c < nc; ++c) pt.types[c].rate = total_rate * pr.class_share[c];
  station_loads(pr, pt, pt.cpu_held_ms);
  if (pt.saturated) return pt;
  class_times(pr, pt, pt.cpu_held_ms);
  if (pr.model.nodes.size() > 1) {
    // The CPU visit waits depend on the transactions' absences from their CPU and on the nodes'
    // active transactions, which the first pass estimates (visit_waits); the second uses them.
    visit_waits(pr, pt, pt.cpu_held_ms, true, active_per_node(pr, pt));
    for (auto& tp : pt.types) tp.breakdown = ResponseBreakdown{};
    class_times(pr, pt, pt.cpu_held_ms);
  }
  cpu_wait_covariances(pr, pt, pt.cpu_held_ms);
  lock_contention(pr, pt, lock_start);
  if (pt.saturated) return pt;
  for (std::size_t c = 0; c < nc; ++c) pt.mean_active += pt.types[c].rate * pt.types[c].response_s;
  return pt;
}

/// One solve (solve_open); with an MPL (step 4) a second one inside it: the open solve's times
/// give each node's closed network and its flow-equivalent server, whose population
/// distribution cuts the stations' waits (mpl_wait_factors) and the rate the lock model sees
/// (mpl_lock_rate_factors); the solve with the cut re-solves the lock model and adds the input
/// queue (mpl_input_queue). Point::mean_active counts the transactions inside the MPL.
Point solve_once(const Prepared& pr, double total_rate,
                 const solver::locking::LockIterationState* lock_start,
                 const std::vector<double>& sequence_utilization,
                 const std::vector<AbortedWork>& aborted) {
  Point pt = solve_open(pr, total_rate, lock_start, sequence_utilization, aborted);
  if (!pr.model.policies.mpl || !(total_rate > 0) || pt.saturated) return pt;
  const auto nodes = node_mpls(pr, pt, total_rate);
  if (mpl_saturated(pr, nodes, pt)) return pt;
  const MplCut cut{mpl_wait_factors(pr, nodes), mpl_lock_rate_factors(nodes)};
  Point inside = solve_open(pr, total_rate, lock_start, sequence_utilization, aborted, cut);
  inside.lock_iterations += pt.lock_iterations;
  // The maximum-throughput search interpolates alpha to where it thrashes (RateSearch), and the
  // open solve's alpha is the one that decides it; the inside solve's is lower (the MPL cuts the
  // contention: 0.124 against 0.226 at the limit of 10^4 Debit-Credit types with MPL 50), and
  // mixed into the interpolation it put every probe off the limit.
  if (!inside.saturated) inside.lock_alpha = pt.lock_alpha;
  if (!inside.saturated) mpl_input_queue(pr, inside, total_rate);
  return inside;
}

/// `lock_start`: the lock model's state at a lower rate to start from (bisect_rate). With a
/// locked append partition the commit times depend on its page utilization, which the lock model
/// gives: one more solve with it (serialized_commit_stretch). `aborted`: the aborted attempts to
/// load (solve_at).
Point solve_with_sequence(const Prepared& pr, double total_rate,
                          const solver::locking::LockIterationState* lock_start,
                          const std::vector<AbortedWork>& aborted) {
  Point pt = solve_once(pr, total_rate, lock_start, {}, aborted);
  if (pt.saturated || pt.sequence_utilization.empty()) return pt;
  const std::vector<double> utilization = pt.sequence_utilization;
  // From the caller's start, not this solve's state: the second solve's waits are lower, and
  // the iteration is to find the lowest operating point.
  Point second = solve_once(pr, total_rate, lock_start, utilization, aborted);
  second.lock_iterations += pt.lock_iterations;
  return second;
}

/// Per demand class, the aborted attempts of point `pt`'s deadlock restarts (model/restarts.hpp):
/// r = p / (1 - p) per transaction with the work restart_work counts; empty when no class
/// deadlocks (or `pt` is saturated, or some class's attempts never complete: p = 1 is lock
/// thrashing, named by the lock model).
std::vector<AbortedWork> aborted_work(const Prepared& pr, const Point& pt) {
  std::vector<AbortedWork> out;
  if (pt.saturated) return out;
  const std::size_t nc = pr.demand.types.size();
  for (std::size_t c = 0; c < nc; ++c) {
    const std::optional<double> r = restarts_per_transaction(pt.types[c].deadlock_probability);
    if (!r) return {};
    if (!(*r > 0)) continue;
    out.resize(nc);
    AbortedWork& a = out[c];
    a.restarts = *r;
    std::vector<double> repeated;
    const RestartWork w = class_restart_work(pr, pt, c, &repeated, &a.lock_requests);
    a.cpu_ms = w.cpu_instructions * pr.demand.types[c].ms_per_instruction;
    a.cpu_bursts = 1.0;  // BOT
    for (const double k : repeated) a.cpu_bursts += k;
    a.all_lock_requests = w.lock_requests;
  }
  return out;
}

/// Largest relative change of the restarts per transaction from the ones `loaded` to those of
/// `pt` (one when a class's restarts appear or vanish).
double restart_change(const std::vector<AbortedWork>& loaded, const Point& pt) {
  double change = 0.0;
  for (std::size_t c = 0; c < pt.types.size(); ++c) {
    const double was = c < loaded.size() ? loaded[c].restarts : 0.0;
    const double now = restarts_per_transaction(pt.types[c].deadlock_probability).value_or(0.0);
    if (was == now) continue;
    change = std::max(change, was > 0 && now > 0 ? std::abs(now - was) / now : 1.0);
  }
  return change;
}

/// The largest count of slow operations whose distribution the percentiles mix over one by one;
/// beyond a mean of kMaxSlowOperationsMean their sum is about normal and the gamma fit of the
/// whole response time takes it.
constexpr std::size_t kSlowOperationPmfLength = 64;
constexpr double kMaxSlowOperationsMean = 16.0;

/// P(K = k) of `trials` Bernoulli trials of `probability` convolved into `pmf` (the binomial's
/// terms by their ratio recurrence; a fractional last trial keeps the mean).
void add_binomial_trials(std::vector<double>& pmf, double trials, double probability) {
  const double whole = std::floor(trials);
  // Only the binomial's first min(n + 1, length) terms exist, and only the pmf's support so far.
  const std::vector<double> binomial = solver::open::binomial_pmf(
      whole, probability,
      static_cast<std::size_t>(std::min(whole, static_cast<double>(pmf.size() - 1))) + 1);
  const std::size_t terms = binomial.size();
  const double last = (trials - whole) * probability;  // the fractional trial
  std::size_t support = pmf.size();
  while (support > 1 && pmf[support - 1] == 0.0) --support;
  std::vector<double> out(pmf.size(), 0.0);
  for (std::size_t i = 0; i < support; ++i) {
    if (pmf[i] == 0.0) continue;
    for (std::size_t j = 0; j < terms && i + j < out.size(); ++j) {
      const double both = pmf[i] * binomial[j];
      out[i + j] += both * (1.0 - last);
      if (i + j + 1 < out.size()) out[i + j + 1] += both * last;
    }
  }
  pmf = std::move(out);
}

/// TypeResult::slow_operation_* of demand class c at the point: its waited reference-phase
/// device operations (TypeDemand::device_trials), each the sum of its stations' residence times;
/// the slow ones take at least half the time of the slowest (one disk pool, or disks alike),
/// the others stay in the response time's gamma part.
void slow_operations(const Prepared& pr, const Point& pt, std::size_t c, TypeResult& r) {
  const auto& trials = pr.demand.types[c].device_trials;
  std::vector<double> time_s(trials.size(), 0.0), squares(trials.size(), 0.0);
  double slowest = 0.0;
  for (std::size_t i = 0; i < trials.size(); ++i) {
    for (std::size_t j = 0; j < 3; ++j) {
      const int k = trials[i].stations[j];
      if (k < 0) continue;
      const double stage_s = trials[i].ms[j] * pt.stretch[static_cast<std::size_t>(k)] / 1000.0;
      time_s[i] += stage_s;
      squares[i] += stage_s * stage_s;  // exponential stages
    }
    slowest = std::max(slowest, time_s[i]);
  }
  solver::open::MomentMix operation;  // one slow operation's time, by the expected counts
  std::vector<double> pmf(kSlowOperationPmfLength, 0.0);
  pmf[0] = 1.0;
  for (std::size_t i = 0; i < trials.size(); ++i) {
    if (!(slowest > 0) || time_s[i] < 0.5 * slowest) continue;
    operation.add(trials[i].trials * trials[i].probability, time_s[i],
                  time_s[i] * time_s[i] + squares[i]);
    if (operation.weight() > kMaxSlowOperationsMean) return;
    add_binomial_trials(pmf, trials[i].trials, trials[i].probability);
  }
  if (!operation.positive()) return;
  r.slow_operation_pmf = std::move(pmf);
  r.slow_operation_s = operation.mean();
  r.slow_operation_scv = operation.scv();
}

/// TypeResult::slow_operation_* of a type from its classes (slow_operations), mixed by `weight`
/// (the pmfs by class, the operation's moments by the classes' expected counts); none when a
/// class has none or too many.
template <class Weight>
void slow_type_operations(const Prepared& pr, const Point& pt,
                          const std::vector<std::size_t>& classes, const Weight& weight,
                          TypeResult& r) {
  if (classes.size() == 1) {
    slow_operations(pr, pt, classes.front(), r);
    return;
  }
  std::vector<double> pmf(kSlowOperationPmfLength, 0.0);
  solver::open::MomentMix operation;
  for (const std::size_t c : classes) {
    TypeResult one;
    slow_operations(pr, pt, c, one);
    if (one.slow_operation_pmf.empty()) return;
    for (std::size_t k = 0; k < pmf.size(); ++k) pmf[k] += weight(c) * one.slow_operation_pmf[k];
    operation.add_scv(weight(c) * solver::open::count_moments(one.slow_operation_pmf).mean,
                      one.slow_operation_s, one.slow_operation_scv);
  }
  if (!operation.positive()) return;
  r.slow_operation_pmf = std::move(pmf);
  r.slow_operation_s = operation.mean();
  r.slow_operation_scv = operation.scv();
}

}  // namespace

/// The solve of a total rate (`lock_start` as in solve_with_sequence). Deadlock restarts (issue
/// #13): the aborted attempts' CPU work loads the CPU - and so, through the CPU waits, the lock
/// model's steps -, their CPU time and lock waits are part of the response time (AbortedWork,
/// aborted_locks), and the restarts per transaction come from the lock model's deadlock
/// probability, which depends on those loads. A fixed-point iteration on the restarts: the first
/// solve loads none; while some class deadlocks, solve again with the aborted attempts of the
/// previous solve, until the restarts per transaction change by less than kRestartTolerance
/// (relative) or after kRestartSolves solves (the last one is taken). Only the CPU waits feed
/// back, so the second solve changes r by little (50 BRANCH pages at 60 TPS: by 1e-6 of itself):
/// two solves wherever a class deadlocks. Without deadlocks (p = 0) this is the one solve
/// of before, and its outputs are unchanged.
Point solve_at(const Prepared& pr, double total_rate,
               const solver::locking::LockIterationState* lock_start) {
  Point pt = solve_with_sequence(pr, total_rate, lock_start, {});
  for (int solves = 1; solves < kRestartSolves && !pt.saturated; ++solves) {
    if (restart_change(pt.aborted, pt) <= kRestartTolerance) break;
    std::vector<AbortedWork> aborted = aborted_work(pr, pt);
    if (aborted.empty()) break;
    pt = solve_with_sequence(pr, total_rate, lock_start, aborted);
  }
  return pt;
}

/// A probe of the maximum-throughput search: whether `total_rate` is sustainable, judged without
/// the deadlock restarts' loads (solve_at). They add r x the restart's work to the CPU (50 BRANCH
/// pages at 60 TPS: 0.1 % of its capacity) and move the limits by 10^-5 of themselves (page-locked
/// HISTORY: 162.1185 -> 162.1170 TPS), while their fixed point in every probe cost 65 % more
/// instructions there (bench/RESULTS.md, restartload).
Point solve_probe(const Prepared& pr, double total_rate,
                  const solver::locking::LockIterationState* lock_start) {
  return solve_with_sequence(pr, total_rate, lock_start, {});
}

Prepared prepare(const SystemModel& model) {
  Prepared pr{model, routing_fractions(model), {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}};
  if (model.nodes.size() == 1) {
    pr.buffers.push_back(evaluate_buffers(model));
    pr.system_buffers = pr.buffers.front();
  } else {
    pr.buffers = evaluate_cluster_buffers(model, pr.routing);
    pr.system_buffers = system_average(model, pr.routing, pr.buffers);
  }
  pr.demand = build_demands(model, pr.buffers, pr.routing);
  add_cluster_work(model, pr.buffers, pr.routing, pr.demand);
  double total_mix = 0.0;
  for (const auto& t : model.transaction_types) total_mix += t.mix;
  for (const auto& t : model.transaction_types) pr.mix_share.push_back(t.mix / total_mix);
  for (const auto& d : pr.demand.types)
    pr.class_share.push_back(model.nodes.size() == 1
                                 ? pr.mix_share[d.type]
                                 : pr.mix_share[d.type] * pr.routing[d.type][d.node]);
  pr.clustered_on = clustered_partitions(model);
  pr.lock_part = lock_partitions(model).lock_part;
  for (const auto& t : model.transaction_types) {
    // A fixed count n that is not whole is two classes, floor(n) and floor(n) + 1, as the
    // simulator draws it (count_varies).
    pr.count_classes.push_back(count_varies(t) ? count_classes(t) : std::vector<CountClass>{});
    const auto& classes = pr.count_classes.back();
    pr.single_count.push_back(classes.empty() ||
                              (classes.size() == 1 && classes.front().references == t.references));
    if (pr.single_count.back()) pr.count_classes.back() = {{t.references, 1.0}};
  }
  pr.class_locks = class_locks(pr);
  if (model.nodes.size() > 1 && model.cluster.locking == GlobalLocking::geh_lock_table)
    for (std::size_t p = 0; p < model.partitions.size(); ++p)
      for (std::size_t i = 0; i < model.nodes.size(); ++i)
        pr.remote_holder.push_back(remote_holder_share(pr, p, i));
  return pr;
}

/// Upper bound of the sustainable rate from the linear loads (EH waits only add CPU time).
double capacity_bound(const Prepared& pr) {
  const auto& dm = pr.demand;
  double bound = std::numeric_limits<double>::infinity();
  for (std::size_t k = 0; k < dm.stations.size(); ++k) {
    const int servers = dm.stations[k].servers;
    if (servers <= 0) continue;
    double per_tx_s = 0.0;
    for (std::size_t c = 0; c < dm.types.size(); ++c) {
      per_tx_s += pr.class_share[c] * station_demand_ms(dm, dm.types[c], k) / 1000.0;
    }
    if (per_tx_s > 0) bound = std::min(bound, servers / per_tx_s);
  }
  return bound;
}

/// The stations' loads alone at a total rate (step 1 of solve_at) with the aborted attempts
/// `aborted` (deadlock restarts; empty for none): enough to judge utilizations.
Point loads_with(const Prepared& pr, double total_rate, const std::vector<AbortedWork>& aborted) {
  Point pt;
  pt.aborted = aborted;
  pt.offered.assign(pr.demand.stations.size(), 0.0);
  pt.stretch.assign(pr.demand.stations.size(), 1.0);
  pt.types.resize(pr.demand.types.size());
  for (std::size_t c = 0; c < pt.types.size(); ++c)
    pt.types[c].rate = total_rate * pr.class_share[c];
  std::vector<std::array<double, 2>> cpu_held_ms;
  station_loads(pr, pt, cpu_held_ms);
  return pt;
}

/// The stations' loads alone at a total rate, without restarts (the linear capacity checks of
/// the searches).
Point loads_at(const Prepared& pr, double total_rate, const solver::locking::LockIterationState*) {
  return loads_with(pr, total_rate, {});
}

/// Per transaction type: the classes of the type (one per node) weighted by their rates.
TypeResult type_result(const Prepared& pr, const Point& pt, std::size_t t,
                       const std::vector<std::size_t>& classes) {
  const auto& dm = pr.demand;
  TypeResult r;
  r.name = pr.model.transaction_types[t].name;
  double rate = 0.0;
  for (std::size_t c : classes) rate += pt.types[c].rate;
  const auto weight = [&](std::size_t c) {
    if (classes.size() == 1) return 1.0;
    return rate > 0 ? pt.types[c].rate / rate : 1.0 / static_cast<double>(classes.size());
  };
  r.arrival_rate_per_s = classes.size() == 1 ? pt.types[classes.front()].rate : rate;
  // Rate-weighted means over several classes start from 0, not from the single-class defaults.
  if (classes.size() > 1)
    r.lock_wait_scv = r.lock_wait_variance_s2 = r.input_queue_wait_probability =
        r.commit_io_variance_s2 = 0.0;
  bool unknown_lock_variance = false;
  bool restarts_known = true;  // null when some class's attempts never complete
  double restarts = 0.0;
  for (std::size_t c : classes) {
    const auto& d = dm.types[c];
    const double w = weight(c);
    const auto add = [&](double& field, double value) {
      field = classes.size() == 1 ? value : field + w * value;
    };
    add(r.page_misses, d.page_misses);
    add(r.reads, d.reads);
    add(r.device_reads, d.device_reads);
    add(r.victim_writes, d.victim_writes);
    add(r.force_writes, d.force_writes);
    add(r.log_writes, d.log_writes);
    add(r.synchronous_writes, d.synchronous_writes);
    add(r.asynchronous_writes, d.asynchronous_writes);
    add(r.eh_accesses, d.eh_accesses);
    add(r.io_operations, d.io_operations);
    add(r.cpu_instructions, d.cpu_instructions[0] + d.cpu_instructions[1]);
    add(r.messages, d.messages + (pt.saturated ? 0.0 : pt.types[c].grant_notifications));
    add(r.page_requests, d.page_requests);
    add(r.geh_entry_accesses, d.geh_entry_accesses[0] + d.geh_entry_accesses[1]);
    if (pt.saturated) continue;
    const auto& tp = pt.types[c];
    r.throughput_per_s = r.arrival_rate_per_s;
    double response = r.response_time_s.value_or(0.0);
    add(response, tp.response_s);
    r.response_time_s = response;
    add(r.lock_requests, tp.lock_requests + tp.free_lock_requests);
    add(r.conflict_probability, tp.conflict_probability);
    add(r.deadlock_probability, tp.deadlock_probability);
    const std::optional<double> tx_restarts = restarts_per_transaction(tp.deadlock_probability);
    restarts_known = restarts_known && tx_restarts.has_value();
    add(restarts, tx_restarts.value_or(0.0));
    if (tx_restarts.value_or(0.0) > 0) {
      // The work its restarts repeat, in its work counts (model/restarts.hpp).
      const RestartWork rw = class_restart_work(pr, pt, c);
      const double share = classes.size() == 1 ? 1.0 : w;
      r.cpu_instructions += share * *tx_restarts * rw.cpu_instructions;
      r.lock_requests += share * *tx_restarts * rw.lock_requests;
    }
    add(r.lock_wait_scv, tp.lock_wait_scv);
    add(r.lock_wait_variance_s2, tp.lock_wait_variance_s2);
    add(r.cpu_wait_covariance_s2, tp.cpu_wait_covariance_s2);
    add(r.input_queue_wait_probability, tp.input_queue_wait_probability);
    add(r.commit_io_variance_s2, tp.commit_io_variance_s2);
    add(r.remote_trips_s, tp.trips_s);
    add(r.remote_trips_variance_s2, tp.trips_variance_s2);
    if (tp.lock_wait_variance_s2 < 0) unknown_lock_variance = true;
    auto& br = r.breakdown;
    const auto& cb = tp.breakdown;
    add(br.cpu_service_s, cb.cpu_service_s);
    add(br.cpu_wait_s, cb.cpu_wait_s);
    add(br.extended_memory_s, cb.extended_memory_s);
    add(br.lock_wait_s, cb.lock_wait_s);
    add(br.commit_io_s, cb.commit_io_s);
    add(br.input_queue_s, cb.input_queue_s);
    add(br.remote_s, cb.remote_s);
    for (const auto& entry : cb.io_s) {
      const std::string& dev = entry.first;
      auto it = std::find_if(br.io_s.begin(), br.io_s.end(),
                             [&dev](const auto& e) { return e.first == dev; });
      if (it == br.io_s.end())
        br.io_s.emplace_back(dev, w * entry.second);
      else
        it->second += w * entry.second;
    }

    if (classes.size() == 1) br.io_s = cb.io_s;
  }
  if (!pt.saturated) slow_type_operations(pr, pt, classes, weight, r);
  if (unknown_lock_variance) r.lock_wait_variance_s2 = -1.0;
  if (!pt.saturated && restarts_known) r.restarts_per_transaction = restarts;
  return r;
}

}  // namespace tpeval::model::detail
