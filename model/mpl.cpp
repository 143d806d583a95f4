// Step 4 of the analytic point solve: an MPL per node (see mpl.hpp).
#include "model/mpl.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "model/response_variability.hpp"
#include "solver/mva/closed.hpp"
#include "solver/mva/exact_single.hpp"
#include "solver/open/count_moments.hpp"

namespace tpeval::model::detail {
namespace {

/// The single-class closed network behind one node's MPL: the node's classes, weighted by their
/// arrival shares within the node, at every station they use. In a cluster the other nodes' work
/// at a station is open load the node's transactions only queue behind: the station's demand is
/// stretched by 1 / (1 - U_other), the mixed-network rule of Lazowska et al. QSP §7.4 (eq. 7.12).
/// Lock waits and group-commit waits act as delays inside the MPL. `model_station`: per network
/// station, the model station it stands for (-1 for the delay of lock and group-commit waits).
solver::Network node_mpl_network(const Prepared& pr, const Point& pt, std::size_t node,
                                 double node_share,
                                 const std::vector<std::array<double, 2>>& cpu_held_ms,
                                 std::vector<int>& model_station) {
  const auto& m = pr.model;
  const auto& dm = pr.demand;
  const std::size_t ns = dm.stations.size();
  const std::size_t nt = dm.types.size();
  const int cpu = dm.layout.cpu[node];
  const int eh = dm.extended_memory;
  const bool cluster = m.nodes.size() > 1;
  solver::Network net;
  net.classes.push_back({"all", solver::ClassKind::closed, 0.0, *m.policies.mpl, 0.0});
  std::vector<double> demand_s;
  model_station.clear();
  for (std::size_t k = 0; k < ns; ++k) {
    const auto& s = dm.stations[k];
    double dk = 0.0, own_offered = 0.0;
    for (std::size_t t = 0; t < nt; ++t) {
      const auto& d = dm.types[t];
      if (d.node != node) continue;
      const double w = pr.class_share[t] / node_share;
      if (static_cast<int>(k) == cpu) {
        dk += w * (cpu_held_ms[t][0] + cpu_held_ms[t][1]);
        own_offered += pt.types[t].rate * (cpu_held_ms[t][0] + cpu_held_ms[t][1]) / 1000.0;
      } else if (static_cast<int>(k) == eh && m.storage.extended_memory.synchronous) {
        continue;
      } else {
        dk += w * (d.wait_ms[0][k] + d.wait_ms[1][k] +
                   (d.overflow_ms[0][k] + d.overflow_ms[1][k]) * pt.overflow[k]);
      }
      if (static_cast<int>(k) != cpu) own_offered += pt.types[t].rate * d.load_ms[k] / 1000.0;
    }
    if (dk <= 0) continue;
    if (cluster && s.servers > 0) {
      const double other_utilization = std::max(0.0, pt.offered[k] - own_offered) / s.servers;
      dk /= std::max(1e-9, 1.0 - other_utilization);
    }
    solver::Station st;
    st.name = s.name;
    st.kind = s.servers > 0 ? solver::StationKind::queue : solver::StationKind::delay;
    st.servers = std::max(1, s.servers);
    net.stations.push_back(st);
    demand_s.push_back(dk / 1000.0);
    model_station.push_back(static_cast<int>(k));
  }
  double delay_s = 0.0;
  for (std::size_t t = 0; t < nt; ++t) {
    if (dm.types[t].node != node) continue;
    delay_s += pr.class_share[t] / node_share * pt.types[t].breakdown.lock_wait_s;
  }
  const double updates = node_update_rates(pr, pt)[node];
  const int g = m.nodes[node].log.group_commit_size;
  if (g > 1 && updates > 0) delay_s += (g - 1) / (2.0 * updates);
  if (delay_s > 0) {
    solver::Station st;
    st.name = "lock_and_group_wait";
    st.kind = solver::StationKind::delay;
    net.stations.push_back(st);
    demand_s.push_back(delay_s);
    model_station.push_back(-1);
  }
  net.demand_s = Eigen::MatrixXd(1, static_cast<Eigen::Index>(demand_s.size()));
  net.visits = Eigen::MatrixXd::Ones(1, static_cast<Eigen::Index>(demand_s.size()));
  for (std::size_t k = 0; k < demand_s.size(); ++k)
    net.demand_s(0, static_cast<Eigen::Index>(k)) = demand_s[k];
  return net;
}

}  // namespace

std::vector<std::optional<NodeMpl>> node_mpls(const Prepared& pr, const Point& pt,
                                              double total_rate) {
  const auto& dm = pr.demand;
  std::vector<std::optional<NodeMpl>> out(pr.model.nodes.size());
  for (std::size_t node = 0; node < out.size(); ++node) {
    double node_share = 0.0;
    for (std::size_t c = 0; c < dm.types.size(); ++c)
      if (dm.types[c].node == node) node_share += pr.class_share[c];
    if (node_share <= 0) continue;
    NodeMpl& nm = out[node].emplace();
    nm.rate_per_s = total_rate * node_share;
    nm.network = node_mpl_network(pr, pt, node, node_share, pt.cpu_held_ms, nm.model_station);
    nm.throughput = solver::throughput_curve(nm.network, *pr.model.policies.mpl);
    nm.fes = solver::open::flow_equivalent_queue(nm.throughput, nm.rate_per_s);
  }
  return out;
}

bool mpl_saturated(const Prepared& pr, const std::vector<std::optional<NodeMpl>>& nodes,
                   Point& pt) {
  const auto& m = pr.model;
  for (std::size_t node = 0; node < nodes.size(); ++node) {
    if (!nodes[node] || nodes[node]->fes) continue;
    pt.saturated = true;
    pt.bottleneck = m.nodes.size() > 1 ? m.nodes[node].name + ".mpl" : "mpl";
    pt.reason = fmt::format(
        "arrival rate {}reaches the throughput {:.5g}/s of the MPL-limited system (MPL {})",
        m.nodes.size() > 1 ? "at " + m.nodes[node].name + " " : "", nodes[node]->throughput.back(),
        *m.policies.mpl);
    return true;
  }
  return false;
}

std::vector<double> mpl_wait_factors(const Prepared& pr,
                                     const std::vector<std::optional<NodeMpl>>& nodes) {
  const std::size_t ns = pr.demand.stations.size();
  std::vector<double> weighted(ns, 0.0), weight(ns, 0.0);
  for (const auto& nm : nodes) {
    if (!nm || !nm->fes) continue;
    const double lambda = nm->rate_per_s;
    const std::vector<double> jobs =
        solver::mean_jobs_over_population(nm->network, 0, nm->fes->inside_probability);
    for (std::size_t j = 0; j < nm->model_station.size(); ++j) {
      const auto& st = nm->network.stations[j];
      if (nm->model_station[j] < 0 || st.kind != solver::StationKind::queue) continue;
      const double demand = nm->network.demand_s(0, static_cast<Eigen::Index>(j));
      const double open_wait = demand * (stretch_factor(st.servers, lambda * demand) - 1.0);
      if (!(open_wait > 0)) continue;
      const double closed_wait = std::max(0.0, jobs[j] / lambda - demand);
      const auto k = static_cast<std::size_t>(nm->model_station[j]);
      weighted[k] += lambda * demand * std::min(1.0, closed_wait / open_wait);
      weight[k] += lambda * demand;
    }
  }
  std::vector<double> factor(ns, 1.0);
  for (std::size_t k = 0; k < ns; ++k)
    if (weight[k] > 0) factor[k] = weighted[k] / weight[k];
  return factor;
}

namespace {

/// The squared coefficient of variation of the time a node's transactions spend inside its MPL:
/// each class's from its breakdown (response_time_scv), mixed by the classes' rates.
double inside_time_scv(const Prepared& pr, const Point& pt, std::size_t node) {
  solver::open::MomentMix inside;
  for (std::size_t c = 0; c < pr.demand.types.size(); ++c) {
    const auto& d = pr.demand.types[c];
    const auto& tp = pt.types[c];
    if (d.node != node || !(tp.rate > 0)) continue;
    const TypeResult r = type_result(pr, pt, d.type, {c});
    inside.add_scv(tp.rate, tp.response_s,
                   response_time_scv(pr.model.transaction_types[d.type], pr.model.policies, r));
  }
  return inside.positive() ? inside.scv() : 1.0;
}

/// The squared coefficient of variation of the service a node's transaction takes at the most
/// utilized station of its closed network (NodeMpl): at its own CPU the sum of its exponential
/// bursts (own_burst_ms2), mixed over the node's classes; elsewhere one exponential operation.
double bottleneck_service_scv(const Prepared& pr, const Point& pt, const NodeMpl& nm,
                              std::size_t node) {
  int bottleneck = -1;
  double worst = 0.0;
  for (std::size_t j = 0; j < nm.model_station.size(); ++j) {
    const auto& st = nm.network.stations[j];
    if (nm.model_station[j] < 0 || st.kind != solver::StationKind::queue) continue;
    const double u = nm.network.demand_s(0, static_cast<Eigen::Index>(j)) / st.servers;
    if (u > worst) worst = u, bottleneck = nm.model_station[j];
  }
  if (bottleneck != pr.demand.layout.cpu[node]) return 1.0;
  solver::open::MomentMix service;
  for (std::size_t c = 0; c < pr.demand.types.size(); ++c) {
    if (pr.demand.types[c].node != node || !(pt.types[c].rate > 0)) continue;
    const auto& held = pt.cpu_held_ms[c];
    const double mean = held[0] + held[1];
    service.add(pt.types[c].rate, mean, mean * mean + own_burst_ms2(pr, c, held));
  }
  return service.positive() ? service.scv() : 1.0;
}

}  // namespace

void mpl_input_queue(const Prepared& pr, Point& pt, double total_rate) {
  const auto nodes = node_mpls(pr, pt, total_rate);
  if (mpl_saturated(pr, nodes, pt)) return;
  std::vector<double> queue_s(nodes.size(), 0.0), waits(nodes.size(), 1.0);
  const auto mpl = static_cast<double>(*pr.model.policies.mpl);
  for (std::size_t node = 0; node < nodes.size(); ++node) {
    const auto& nm = nodes[node];
    if (!nm) continue;
    const double exponential_s =
        std::max(0.0, (nm->fes->mean_in_system - nm->fes->mean_inside) / nm->rate_per_s);
    const double efficiency =
        std::clamp(nm->throughput.back() / (mpl * nm->throughput.front()), 0.0, 1.0);
    const double scv = efficiency * inside_time_scv(pr, pt, node) +
                       (1.0 - efficiency) * bottleneck_service_scv(pr, pt, *nm, node);
    queue_s[node] = exponential_s * (1.0 + scv) / 2.0;
    // An arrival waits when it finds all slots taken (PASTA): P(min(n, N) = N).
    waits[node] = nm->fes->inside_probability.back();
  }
  for (std::size_t c = 0; c < pr.demand.types.size(); ++c) {
    const double q = queue_s[pr.demand.types[c].node];
    pt.types[c].breakdown.input_queue_s = q;
    pt.types[c].response_s += q;
    pt.types[c].input_queue_wait_probability = waits[pr.demand.types[c].node];
  }
}

std::vector<double> mpl_lock_rate_factors(const std::vector<std::optional<NodeMpl>>& nodes) {
  std::vector<double> inside(nodes.size(), 0.0), seen_own(nodes.size(), 0.0);
  double all_inside = 0.0;
  for (std::size_t node = 0; node < nodes.size(); ++node) {
    if (!nodes[node] || !nodes[node]->fes) continue;
    const auto& p = nodes[node]->fes->inside_probability;
    double pairs = 0.0;
    for (std::size_t n = 2; n < p.size(); ++n)
      pairs += p[n] * static_cast<double>(n) * static_cast<double>(n - 1);
    inside[node] = nodes[node]->fes->mean_inside;
    seen_own[node] = inside[node] > 0 ? pairs / inside[node] : 0.0;
    all_inside += inside[node];
  }
  std::vector<double> factor(nodes.size(), 1.0);
  if (!(all_inside > 0)) return factor;
  for (std::size_t node = 0; node < nodes.size(); ++node)
    if (inside[node] > 0)
      factor[node] =
          std::clamp((seen_own[node] + all_inside - inside[node]) / all_inside, 0.0, 1.0);
  return factor;
}

}  // namespace tpeval::model::detail
