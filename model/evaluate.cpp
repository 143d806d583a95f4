// Open multi-class network + lock fixed point + optional MPL flow-equivalent server (see
// evaluate.hpp).
#include "model/evaluate.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "model/device_demand.hpp"
#include "model/ineffective_settings.hpp"
#include "model/update_shares.hpp"
#include "solver/locking/lock_contention.hpp"
#include "solver/mva/closed.hpp"
#include "solver/network/network.hpp"
#include "solver/open/single_queue.hpp"

namespace tpeval::model {
namespace {

struct Prepared {
  const SystemModel& model;
  BufferLevels buffers;
  DemandModel demand;
  std::vector<double> mix_share;  // per type, arrival share
};

struct TypePoint {
  double rate = 0.0;
  ResponseBreakdown breakdown;
  double response_s = 0.0;
  double reference_phase_s = 0.0;  // without lock waits
  double commit_phase_s = 0.0;
  double lock_requests = 0.0;
  double conflict_probability = 0.0;
  double deadlock_probability = 0.0;
};

struct Point {
  bool saturated = false;
  std::string bottleneck;
  std::string reason;
  std::vector<double> offered;  // busy servers per station
  std::vector<double> stretch;  // residence / service per station
  std::vector<TypePoint> types;
  double conflict_probability = 0.0;
  double deadlock_rate_per_s = 0.0;
  double blocked_share = 0.0;
  double mean_active = 0.0;
  std::vector<double> partition_conflict;  // per model partition
};

/// Residence-time factor R/S of an M/M/m queue with offered load a (busy servers) < m; 1 for a
/// pure delay (m = 0). Uses solver/open's Erlang C: R = S (1 + C(m, a) / (m - a)).
double stretch_factor(int servers, double offered) {
  if (servers <= 0 || offered <= 0) return 1.0;
  return 1.0 + solver::open::erlang_c(servers, offered) / (servers - offered);
}

std::string station_label(const Station& s) {
  return s.name;
}

Point solve_at(const Prepared& pr, double total_rate) {
  const auto& m = pr.model;
  const auto& dm = pr.demand;
  const Node& node = m.nodes.front();
  const std::size_t ns = dm.stations.size();
  const std::size_t nt = dm.types.size();
  Point pt;
  pt.offered.assign(ns, 0.0);
  pt.stretch.assign(ns, 1.0);
  pt.types.resize(nt);
  for (std::size_t t = 0; t < nt; ++t) pt.types[t].rate = total_rate * pr.mix_share[t];

  const auto saturate = [&](int k, double offered) {
    if (pt.saturated) return;
    const auto& s = dm.stations[k];
    pt.saturated = true;
    pt.bottleneck = station_label(s);
    pt.reason = "offered load " + std::to_string(offered).substr(0, 6) + " of " +
                std::to_string(s.servers) + " server(s) at " + s.name;
  };

  // Extended memory first: its queueing lengthens the CPU holding time of synchronous accesses.
  const int eh = dm.extended_memory;
  const auto& ehp = node.extended_memory;
  for (std::size_t t = 0; t < nt; ++t)
    pt.offered[eh] += pt.types[t].rate * dm.types[t].load_ms[eh] / 1000.0;
  if (pt.offered[eh] >= dm.stations[eh].servers)
    saturate(eh, pt.offered[eh]);
  else
    pt.stretch[eh] = stretch_factor(dm.stations[eh].servers, pt.offered[eh]);
  const double eh_residence_ms = ehp.access_time_ms * pt.stretch[eh];

  // CPU: instructions plus the time synchronous EH accesses hold it (L2376, L2420).
  const int cpu = dm.cpu;
  std::vector<std::array<double, 2>> cpu_held_ms(nt);
  for (std::size_t t = 0; t < nt; ++t) {
    for (int ph = 0; ph < 2; ++ph)
      cpu_held_ms[t][ph] =
          dm.types[t].cpu_instructions[ph] * dm.ms_per_instruction +
          (ehp.synchronous ? dm.types[t].eh_sync_accesses[ph] * eh_residence_ms : 0.0);
    pt.offered[cpu] += pt.types[t].rate * (cpu_held_ms[t][0] + cpu_held_ms[t][1]) / 1000.0;
  }
  // EH accesses that are waited for but not CPU-synchronous already sit in wait_ms.
  for (std::size_t k = 0; k < ns; ++k) {
    if (static_cast<int>(k) == cpu || static_cast<int>(k) == eh) continue;
    for (std::size_t t = 0; t < nt; ++t)
      pt.offered[k] += pt.types[t].rate * dm.types[t].load_ms[k] / 1000.0;
  }
  for (std::size_t k = 0; k < ns; ++k) {
    if (static_cast<int>(k) == eh) continue;
    const int servers = dm.stations[k].servers;
    if (servers > 0 && pt.offered[k] >= servers)
      saturate(static_cast<int>(k), pt.offered[k]);
    else
      pt.stretch[k] = stretch_factor(servers, pt.offered[k]);
  }
  if (pt.saturated) return pt;

  // Write buffers overflow when the disk behind them is busy: with K buffered pages the chance
  // that a write finds the buffer full is about rho^K (M/M/1/K tail); then it waits for the disk
  // (L2439, ch5-6a.md §4 "write buffer full -> synchronous disk write").
  std::vector<double> overflow(ns, 0.0);
  for (std::size_t k = 0; k < ns; ++k) {
    const auto& s = dm.stations[k];
    if (s.write_buffer_pages > 0 && s.servers > 0)
      overflow[k] = std::pow(pt.offered[k] / s.servers, static_cast<double>(s.write_buffer_pages));
  }

  // Group commit: a transaction waits on average for half a group to arrive (L1352, L1364).
  double update_rate = 0.0;
  for (std::size_t t = 0; t < nt; ++t)
    update_rate += pt.types[t].rate * update_probability(m, t);  // log writers
  const int g = node.log.group_commit_size;

  for (std::size_t t = 0; t < nt; ++t) {
    const auto& d = dm.types[t];
    auto& tp = pt.types[t];
    auto& br = tp.breakdown;
    std::array<double, 2> phase_s{};
    for (int ph = 0; ph < 2; ++ph) {
      const double service = d.cpu_instructions[ph] * dm.ms_per_instruction / 1000.0;
      const double eh_s = ehp.synchronous ? d.eh_sync_accesses[ph] * eh_residence_ms / 1000.0 : 0.0;
      const double wait = (pt.stretch[cpu] - 1.0) * cpu_held_ms[t][ph] / 1000.0;
      br.cpu_service_s += service;
      br.extended_memory_s += eh_s;
      br.cpu_wait_s += wait;
      phase_s[ph] += service + eh_s + wait;
      for (std::size_t k = 0; k < ns; ++k) {
        if (static_cast<int>(k) == cpu) continue;
        const double io_s =
            (d.wait_ms[ph][k] + d.overflow_ms[ph][k] * overflow[k]) * pt.stretch[k] / 1000.0;
        if (io_s <= 0) continue;
        phase_s[ph] += io_s;
        if (static_cast<int>(k) == eh) {
          br.extended_memory_s += io_s;
        } else if (ph == commit_phase) {
          br.commit_io_s += io_s;
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
    if (g > 1 && update_probability(m, t) > 0 && update_rate > 0) {
      const double group_wait = update_probability(m, t) * (g - 1) / (2.0 * update_rate);
      br.commit_io_s += group_wait;
      phase_s[commit_phase] += group_wait;
    }
    tp.reference_phase_s = phase_s[reference_phase];
    tp.commit_phase_s = phase_s[commit_phase];
    tp.response_s = phase_s[0] + phase_s[1];
  }

  // --- Lock contention (strict 2PL, locks held to the end of commit; ch6-5.md §1.6) -------------
  solver::locking::LockWorkload lw;
  std::vector<int> lock_part(m.partitions.size(), -1);
  for (std::size_t p = 0; p < m.partitions.size(); ++p) {
    const auto& part = m.partitions[p];
    double granules = 0.0;
    if (part.lock_granularity == LockGranularity::page) {
      if (part.clustered_with) continue;  // same page as its host, already locked (L2402)
      // Appends all go to the current end-of-file page: one hot granule (why HISTORY is unlocked).
      granules = part.access == AccessPattern::append ? 1.0 : part.pages();
    } else if (part.lock_granularity == LockGranularity::record) {
      if (part.access == AccessPattern::append) continue;  // new records never conflict
      granules = part.records;
    } else {
      continue;
    }
    lock_part[p] = static_cast<int>(lw.partitions.size());
    lw.partitions.push_back({part.name, std::max(1.0, granules)});
    // End-of-file inserts take a page's records in turn: a page is a lock queue of at most
    // blocking-factor requesters (docs/locking.md "Hot spots"), as the simulator hands them out.
    if (part.access == AccessPattern::append)
      lw.partitions.back().sequence_batch = part.blocking_factor;
  }
  std::vector<int> lock_class(nt, -1);
  for (std::size_t t = 0; t < nt; ++t) {
    const auto& type = m.transaction_types[t];
    auto& tp = pt.types[t];
    if (tp.rate <= 0) continue;
    solver::locking::LockClass c;
    c.name = type.name;
    for (std::size_t p = 0; p < m.partitions.size(); ++p) {
      const double k = references_per_tx(m, t, p);
      if (lock_part[p] < 0 || k <= 0) continue;
      c.accesses.push_back(
          {static_cast<std::size_t>(lock_part[p]), k, update_share_of(type, p), -1.0});
      tp.lock_requests += k;
    }
    if (tp.lock_requests <= 0) continue;
    c.arrival_rate_per_s = tp.rate;
    c.step_time_s = tp.reference_phase_s / tp.lock_requests;
    c.commit_time_s = tp.commit_phase_s;
    // How long and how variable each request's step is (docs/locking.md "Steps of different
    // length"): every step is a CPU burst; a step also waits for page I/O when its page is not
    // buffered, which depends on the partition (L2633: the small partition stays in the HS
    // buffer, the large one is read from disk). Service times are exponential as in the M/M/m
    // stations above: a CPU burst has SCV 1, an I/O episode (the read plus the synchronous
    // victim write before it, L2368) is n such operations, SCV 1/n.
    const auto& d = dm.types[t];
    const double k = tp.lock_requests;
    double io_ref_s = 0.0;
    for (const auto& e : tp.breakdown.io_s) io_ref_s += e.second;
    const double cpu_step_s = std::max(0.0, tp.reference_phase_s - io_ref_s) / k;
    // I/O episodes are the HS misses of the reference phase: each may write a dirty victim
    // synchronously (L2368) and then reads the page (unless it is a new append page, or comes
    // from EH, whose time is counted in extended_memory_s). Counting misses rather than reads
    // keeps misses that only write a victim (an append partition's new page) from being folded
    // into a few read episodes of enormous length. Episodes of unlocked partitions are spread
    // over all steps.
    std::vector<double> device_reads(m.partitions.size(), 0.0);  // HS misses per partition
    double device_reads_sum = 0.0, locked_reads = 0.0;
    for (std::size_t p = 0; p < m.partitions.size(); ++p) {
      device_reads[p] = references_per_tx(m, t, p) * pr.buffers.partitions[p].eviction_ratio;
      device_reads_sum += device_reads[p];
      if (lock_part[p] >= 0) locked_reads += device_reads[p];
    }
    const double episodes = device_reads_sum;
    const bool has_io = io_ref_s > 0 && episodes > 0;
    const double episode_s = has_io ? io_ref_s / episodes : 0.0;
    // Device operations per episode: reads that took device time plus synchronous victim writes.
    const double io_reads = d.reads - std::min(d.eh_accesses, d.reads - d.device_reads);
    const double victim_writes =
        std::max(0.0, d.synchronous_writes - d.log_writes - d.force_writes);
    const double ops = has_io ? std::max(1.0, (io_reads + victim_writes) / episodes) : 1.0;
    const double spread =
        device_reads_sum > 0 ? episodes * (1.0 - locked_reads / device_reads_sum) / k : 0.0;
    for (auto& acc : c.accesses) {
      std::size_t p = 0;
      while (lock_part[p] != static_cast<int>(acc.partition)) ++p;
      const double q =
          (device_reads_sum > 0 ? episodes * device_reads[p] / device_reads_sum / acc.lock_requests
                                : episodes / k) +
          spread;
      double var = cpu_step_s * cpu_step_s;
      if (has_io && q <= 1.0)
        var += q * (1.0 + 1.0 / ops) * episode_s * episode_s - q * q * episode_s * episode_s;
      else if (has_io)  // several episodes per step: their sum, q * ops operations
        var += q * episode_s * episode_s / ops;
      acc.step_time_s = cpu_step_s + (has_io ? q * episode_s : 0.0);
      acc.step_time_scv = acc.step_time_s > 0 ? var / (acc.step_time_s * acc.step_time_s) : 0.0;
    }
    // Commit: CPU plus log write and FORCE writes, each exponential.
    if (c.commit_time_s > 0) {
      const double commit_io_s = std::min(tp.breakdown.commit_io_s, c.commit_time_s);
      const double commit_cpu_s = c.commit_time_s - commit_io_s;
      const double commit_ops = std::max(1.0, d.log_writes + d.force_writes);
      c.commit_time_scv = (commit_cpu_s * commit_cpu_s + commit_io_s * commit_io_s / commit_ops) /
                          (c.commit_time_s * c.commit_time_s);
    }
    lock_class[t] = static_cast<int>(lw.classes.size());
    lw.classes.push_back(std::move(c));
  }
  if (!lw.classes.empty()) {
    solver::locking::LockOptions lo;
    lo.tolerance = 1e-8;
    lo.max_iterations = 5000;
    const auto lc = solver::locking::analyze_lock_contention(lw, lo);
    if (lc.thrashing) {
      pt.saturated = true;
      pt.bottleneck =
          (lc.lock_queue_saturated ? "lock queue on " : "lock thrashing on ") + lc.bottleneck;
      pt.reason = lc.diagnosis.empty() ? "no stable lock operating point" : lc.diagnosis;
      return pt;
    }
    pt.deadlock_rate_per_s = lc.deadlock_rate_per_s;
    pt.blocked_share = lc.blocked_share;
    double requests = 0.0;
    for (std::size_t t = 0; t < nt; ++t) {
      if (lock_class[t] < 0) continue;
      const auto& cc = lc.classes[lock_class[t]];
      auto& tp = pt.types[t];
      tp.breakdown.lock_wait_s = cc.blocking_time_s;
      tp.response_s += cc.blocking_time_s;
      tp.conflict_probability = cc.conflict_probability;
      tp.deadlock_probability = cc.deadlock_probability;
      pt.conflict_probability += tp.rate * tp.lock_requests * cc.conflict_probability;
      requests += tp.rate * tp.lock_requests;
    }
    if (requests > 0) pt.conflict_probability /= requests;
    pt.partition_conflict.assign(m.partitions.size(), 0.0);
    for (std::size_t p = 0; p < m.partitions.size(); ++p)
      if (lock_part[p] >= 0)
        pt.partition_conflict[p] = lc.partitions[lock_part[p]].exclusive_conflict_probability;
  }

  double mean_response = 0.0;
  for (std::size_t t = 0; t < nt; ++t) {
    pt.mean_active += pt.types[t].rate * pt.types[t].response_s;
    mean_response += pr.mix_share[t] * pt.types[t].response_s;
  }

  // --- MPL: flow-equivalent server + birth-death input queue (Lazowska et al. QSP ch. 8) -------
  if (m.policies.mpl && total_rate > 0) {
    const long mpl = *m.policies.mpl;
    solver::Network net;
    net.classes.push_back({"all", solver::ClassKind::closed, 0.0, mpl, 0.0});
    std::vector<double> demand_s;
    for (std::size_t k = 0; k < ns; ++k) {
      const auto& s = dm.stations[k];
      double dk = 0.0;
      for (std::size_t t = 0; t < nt; ++t) {
        const auto& d = dm.types[t];
        if (static_cast<int>(k) == cpu)
          dk += pr.mix_share[t] * (cpu_held_ms[t][0] + cpu_held_ms[t][1]);
        else if (static_cast<int>(k) == eh && ehp.synchronous)
          continue;
        else
          dk += pr.mix_share[t] * (d.wait_ms[0][k] + d.wait_ms[1][k] +
                                   (d.overflow_ms[0][k] + d.overflow_ms[1][k]) * overflow[k]);
      }
      if (dk <= 0) continue;
      solver::Station st;
      st.name = s.name;
      st.kind = s.servers > 0 ? solver::StationKind::queue : solver::StationKind::delay;
      st.servers = std::max(1, s.servers);
      net.stations.push_back(st);
      demand_s.push_back(dk / 1000.0);
    }
    // Lock waits and group-commit waits act as delays inside the MPL.
    double delay_s = 0.0;
    for (std::size_t t = 0; t < nt; ++t)
      delay_s += pr.mix_share[t] * pt.types[t].breakdown.lock_wait_s;
    if (g > 1 && update_rate > 0) delay_s += (g - 1) / (2.0 * update_rate);
    if (delay_s > 0) {
      solver::Station st;
      st.name = "lock_and_group_wait";
      st.kind = solver::StationKind::delay;
      net.stations.push_back(st);
      demand_s.push_back(delay_s);
    }
    net.demand_s = Eigen::MatrixXd(1, static_cast<Eigen::Index>(demand_s.size()));
    net.visits = Eigen::MatrixXd::Ones(1, static_cast<Eigen::Index>(demand_s.size()));
    for (std::size_t k = 0; k < demand_s.size(); ++k)
      net.demand_s(0, static_cast<Eigen::Index>(k)) = demand_s[k];
    const std::vector<double> x = solver::throughput_curve(net, mpl);
    const double x_max = x.back();
    if (total_rate >= x_max) {
      pt.saturated = true;
      pt.bottleneck = "mpl";
      pt.reason = "arrival rate reaches the throughput " + std::to_string(x_max).substr(0, 7) +
                  "/s of the MPL-limited system (MPL " + std::to_string(mpl) + ")";
      return pt;
    }
    // p_n proportional to prod_{i<=n} lambda / X(min(i, MPL)); geometric beyond the MPL.
    std::vector<double> p(static_cast<std::size_t>(mpl) + 1, 0.0);
    p[0] = 1.0;
    double norm = 1.0;
    for (long n = 1; n <= mpl; ++n) {
      p[n] = p[n - 1] * total_rate / x[n - 1];
      norm += p[n];
    }
    const double r = total_rate / x_max;
    const double tail = p[mpl] * r / (1.0 - r);  // sum over n > MPL
    norm += tail;
    double mean_n = 0.0, mean_active = 0.0;
    for (long n = 1; n <= mpl; ++n) {
      mean_n += n * p[n];
      mean_active += n * p[n];
    }
    // sum_{n>MPL} n p_MPL r^(n-MPL) = p_MPL (MPL r/(1-r) + r/(1-r)^2)
    mean_n += p[mpl] * (mpl * r / (1.0 - r) + r / ((1.0 - r) * (1.0 - r)));
    mean_active += mpl * tail;
    mean_n /= norm;
    mean_active /= norm;
    const double in_system_s = mean_active / total_rate;
    const double queue_s = std::max(0.0, (mean_n - mean_active) / total_rate);
    const double scale = mean_response > 0 ? in_system_s / mean_response : 1.0;
    for (auto& tp : pt.types) {
      auto& br = tp.breakdown;
      br.cpu_service_s *= scale;
      br.cpu_wait_s *= scale;
      br.extended_memory_s *= scale;
      for (auto& e : br.io_s) e.second *= scale;
      br.lock_wait_s *= scale;
      br.commit_io_s *= scale;
      br.input_queue_s = queue_s;
      tp.response_s = tp.response_s * scale + queue_s;
    }
    pt.mean_active = mean_active;
  }
  return pt;
}

Prepared prepare(const SystemModel& model) {
  Prepared pr{model, evaluate_buffers(model), {}, {}};
  pr.demand = build_demands(model, pr.buffers);
  double total_mix = 0.0;
  for (const auto& t : model.transaction_types) total_mix += t.mix;
  for (const auto& t : model.transaction_types) pr.mix_share.push_back(t.mix / total_mix);
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
    for (std::size_t t = 0; t < dm.types.size(); ++t) {
      const auto& d = dm.types[t];
      double ms = d.load_ms[k];
      if (static_cast<int>(k) == dm.cpu)
        ms = (d.cpu_instructions[0] + d.cpu_instructions[1]) * dm.ms_per_instruction;
      per_tx_s += pr.mix_share[t] * ms / 1000.0;
    }
    if (per_tx_s > 0) bound = std::min(bound, servers / per_tx_s);
  }
  return bound;
}

}  // namespace

Evaluation evaluate(const SystemModel& model, const EvaluateOptions& options) {
  const Prepared pr = prepare(model);
  const auto& dm = pr.demand;
  const double rate = model.arrival_rate_per_s;
  const Point pt = solve_at(pr, rate);

  Evaluation ev;
  ev.warnings = ineffective_settings(model);  // settings that do nothing, said (issue #13)
  ev.model_name = model.name;
  ev.arrival_rate_per_s = rate;
  ev.saturated = pt.saturated;
  ev.bottleneck = pt.bottleneck;
  ev.saturation_reason = pt.reason;
  ev.throughput_per_s = pt.saturated ? 0.0 : rate;
  ev.hs_hit_ratio = pr.buffers.hs_hit_ratio;
  ev.eh_hit_ratio = pr.buffers.eh_hit_ratio;
  ev.dc_hit_ratio = pr.buffers.dc_hit_ratio;

  for (std::size_t k = 0; k < dm.stations.size(); ++k) {
    const auto& s = dm.stations[k];
    ServerResult sr;
    sr.name = s.name;
    sr.kind = s.kind;
    sr.servers = s.servers;
    sr.offered_load = k < pt.offered.size() ? pt.offered[k] : 0.0;
    sr.utilization = s.servers > 0 ? std::min(1.0, sr.offered_load / s.servers) : 0.0;
    sr.mean_residence_factor = pt.saturated ? 0.0 : pt.stretch[k];
    ev.servers.push_back(sr);
  }
  for (std::size_t p = 0; p < model.partitions.size(); ++p) {
    const auto& b = pr.buffers.partitions[p];
    PartitionResult r;
    r.name = model.partitions[p].name;
    r.references_per_s = b.references_per_tx * rate;
    r.hs_hit_ratio = b.hs_hit_ratio;
    r.eh_hit_ratio = b.eh_hit_ratio;
    r.dc_hit_ratio = b.dc_hit_ratio;
    r.dirty_victim_probability =
        model.policies.update_strategy == UpdateStrategy::force ? 0.0 : b.modified_probability;
    if (!pt.saturated && p < pt.partition_conflict.size())
      r.lock_conflict_probability = pt.partition_conflict[p];
    ev.partitions.push_back(r);
  }
  double mean_response = 0.0;
  for (std::size_t t = 0; t < model.transaction_types.size(); ++t) {
    const auto& d = dm.types[t];
    const auto& tp = pt.types[t];
    TypeResult r;
    r.name = model.transaction_types[t].name;
    r.arrival_rate_per_s = tp.rate;
    r.page_misses = d.page_misses;
    r.reads = d.reads;
    r.device_reads = d.device_reads;
    r.victim_writes = d.victim_writes;
    r.force_writes = d.force_writes;
    r.log_writes = d.log_writes;
    r.synchronous_writes = d.synchronous_writes;
    r.asynchronous_writes = d.asynchronous_writes;
    r.eh_accesses = d.eh_accesses;
    r.io_operations = d.io_operations;
    r.cpu_instructions = d.cpu_instructions[0] + d.cpu_instructions[1];
    if (!pt.saturated) {
      r.throughput_per_s = tp.rate;
      r.response_time_s = tp.response_s;
      r.breakdown = tp.breakdown;
      r.lock_requests = tp.lock_requests;
      r.conflict_probability = tp.conflict_probability;
      r.deadlock_probability = tp.deadlock_probability;
      mean_response += pr.mix_share[t] * tp.response_s;
    }
    ev.types.push_back(std::move(r));
  }
  if (!pt.saturated) {
    ev.mean_response_time_s = mean_response;
    ev.conflict_probability = pt.conflict_probability;
    ev.deadlock_rate_per_s = pt.deadlock_rate_per_s;
    ev.blocked_share = pt.blocked_share;
    ev.mean_active_transactions = pt.mean_active;
  }

  if (options.find_max_throughput) {
    double hi = capacity_bound(pr);
    if (!std::isfinite(hi)) hi = 1e9;
    double lo = 0.0;
    Point at_hi = solve_at(pr, hi);
    if (!at_hi.saturated) {
      // Only delays and locks could limit; the linear bound was not reached (cannot happen with
      // a finite CPU, kept for safety).
      lo = hi;
    } else {
      for (int i = 0; i < 60 && (hi - lo) > 1e-5 * hi; ++i) {
        const double mid = 0.5 * (lo + hi);
        Point p = solve_at(pr, mid);
        if (p.saturated) {
          hi = mid;
          at_hi = std::move(p);
        } else {
          lo = mid;
        }
      }
    }
    ev.max_throughput_per_s = lo;
    ev.max_throughput_limited_by = at_hi.saturated ? at_hi.bottleneck : "none";
    // Lock thrashing right at a server's capacity is caused by that server's queueing (lock
    // holding times grow with its waits): name the server as the limit.
    if ((at_hi.bottleneck.rfind("lock thrashing", 0) == 0 ||
         at_hi.bottleneck.rfind("lock queue", 0) == 0) &&
        lo > 0) {
      const Point at_lo = solve_at(pr, lo);
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
      for (std::size_t t = 0; t < at_lo.types.size(); ++t) {
        lock_s += pr.mix_share[t] * at_lo.types[t].breakdown.lock_wait_s;
        response_s += pr.mix_share[t] * at_lo.types[t].response_s;
      }
      const bool locks_material = !at_lo.saturated && lock_s >= 0.25 * response_s;
      if (worst >= 0 && worst_rho >= 0.9)
        ev.max_throughput_limited_by =
            dm.stations[worst].name +
            (locks_material ? " (its queueing lengthens lock holding: " + at_hi.bottleneck + ")"
                            : std::string());
    }
  }
  if (ev.saturated && ev.max_throughput_per_s)
    ev.warnings.push_back("saturated: the arrival rate " + std::to_string(rate) +
                          "/s exceeds the sustainable maximum");
  return ev;
}

}  // namespace tpeval::model
