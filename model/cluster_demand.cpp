// Cluster work per transaction (see cluster_demand.hpp).
#include "model/cluster_demand.hpp"

#include <algorithm>
#include <cmath>

#include "model/cluster_messages.hpp"
#include "model/cpu_visits.hpp"
#include "model/routing.hpp"
#include "model/update_shares.hpp"

namespace tpeval::model {
namespace {

enum class Size { short_message, long_message };

/// Books work on the demand of one class.
class Work {
 public:
  Work(const SystemModel& m, const DemandModel& dm, TypeDemand& d)
      : m_(m), dm_(dm), d_(d), n_(m.nodes.size()) {}

  /// One message of `size` from this node to `target` (-1: any other node), `count` times.
  /// `waited`: the transaction waits for it (sender CPU, network, receiver CPU).
  void message_to(int target, Size size, double count, bool waited, Phase phase) {
    if (count <= 0) return;
    d_.messages += count;
    cpu_at(d_.node, count * instructions(size), count, waited, phase);
    cpu_elsewhere(target, count * instructions(size), count, waited, phase);
    network(count, size, waited, phase);
  }
  /// A message from `source` (-1: any other node) to this node.
  void message_from(int source, Size size, double count, bool waited, Phase phase) {
    message_to(source, size, count, waited, phase);  // costs are symmetric
  }
  /// `count` messages between nodes a and b, either of which may be this node (a revocation
  /// the GLM exchanges with the holder on behalf of this node's transaction).
  void message_between(int a, int b, Size size, double count, bool waited, Phase phase) {
    if (count <= 0) return;
    d_.messages += count;
    for (const int k : {a, b})
      cpu_at(static_cast<std::size_t>(k), count * instructions(size), count, waited, phase);
    network(count, size, waited, phase);
  }
  void geh_entries(double count, Phase phase) {
    if (count <= 0) return;
    d_.geh_entry_accesses[phase] += count;
    d_.load_ms[dm_.layout.extended_memory] += count * m_.cluster.geh_lock_table.entry_access_ms;
  }
  /// `count` further visits of the transaction to its own CPU without work of their own (it
  /// queues for a CPU to make GEH accesses, model/cpu_visits.hpp).
  void own_cpu_visits(double count, Phase phase) {
    if (count <= 0) return;
    const int k = dm_.layout.cpu[d_.node];
    d_.bursts[k] += count;
    d_.wait_bursts[phase][k] += count;
  }

 private:
  /// Message CPU work on node j's CPU: `visits` bursts of `instructions` in all. Waited work on
  /// the own node is the message's time (message_cpu_*), elsewhere remote waiting.
  double instructions(Size size) const {
    const auto& mc = m_.cluster.messages;
    return size == Size::short_message ? mc.short_instructions : mc.long_instructions;
  }
  /// Message CPU work at `target`, or spread evenly over the other nodes (-1).
  void cpu_elsewhere(int target, double instructions, double visits, bool waited, Phase phase) {
    if (target >= 0)
      return cpu_at(static_cast<std::size_t>(target), instructions, visits, waited, phase);
    const double share = 1.0 / static_cast<double>(n_ - 1);
    for (std::size_t j = 0; j < n_; ++j)
      if (j != d_.node) cpu_at(j, instructions * share, visits * share, waited, phase);
  }
  /// `count` transfers of a message of `size` on the network (1 MB/s = 1000 bytes per ms).
  void network(double count, Size size, bool waited, Phase phase) {
    const auto& mc = m_.cluster.messages;
    const double bytes = size == Size::short_message ? mc.short_bytes : mc.long_bytes;
    const int net = dm_.layout.network;
    const double net_ms = count * bytes / (mc.bandwidth_mb_per_s * 1000.0);
    d_.load_ms[net] += net_ms;
    d_.bursts[net] += count;
    d_.burst_ms2[net] += net_ms * net_ms / count;
    if (waited) {
      d_.wait_ms[phase][net] += net_ms;
      d_.wait_bursts[phase][net] += count;
    }
  }
  void cpu_at(std::size_t j, double instructions, double visits, bool waited, Phase phase) {
    const int k = dm_.layout.cpu[j];
    const double ms = instructions / (m_.nodes[j].cpu_mips * 1000.0);
    d_.load_ms[k] += ms;
    d_.bursts[k] += visits;
    if (visits > 0) d_.burst_ms2[k] += ms * ms / visits;
    if (!waited) return;
    if (j == d_.node) {
      d_.message_cpu_ms[phase] += ms;
      d_.message_cpu_visits[phase] += visits;
    } else {
      d_.wait_ms[phase][k] += ms;
      d_.wait_bursts[phase][k] += visits;
    }
  }

  const SystemModel& m_;
  const DemandModel& dm_;
  TypeDemand& d_;
  std::size_t n_;
};

/// Expected number of distinct other nodes among a transaction's remote lock owners (one bundled
/// release message each, L3168): each lock request is remote with its partition's probability
/// and then goes to any of the n - 1 other nodes, so a given other node owns none of them with
/// probability prod (1 - q_r / (n - 1)) = exp(`log_none`), the log summed over the requests.
double distinct_owners(double log_none, std::size_t n) {
  if (n < 2) return 0.0;
  return static_cast<double>(n - 1) * -std::expm1(log_none);
}

/// Probability that node i still holds a valid read authorisation for a granule of p: no other
/// node wrote it since i's last reference (per-granule rates, L2941).
double read_authorization_valid(const SystemModel& m,
                                const std::vector<std::vector<double>>& routing, std::size_t p,
                                std::size_t i) {
  const std::vector<double> rates = node_reference_rates(m, routing, p);
  double writes_elsewhere = 0.0, local = rates[i];
  double update = 0.0, refs = 0.0;
  for (std::size_t t = 0; t < m.transaction_types.size(); ++t) {
    const double r = m.transaction_types[t].mix * references_per_tx(m, t, p);
    refs += r;
    update += r * update_share_of(m.transaction_types[t], p);
  }
  const double w = refs > 0 ? update / refs : 0.0;
  for (std::size_t j = 0; j < rates.size(); ++j)
    if (j != i) writes_elsewhere += rates[j] * w;
  return local + writes_elsewhere > 0 ? local / (local + writes_elsewhere) : 0.0;
}

void primary_copy(const SystemModel& m, const std::vector<std::vector<double>>& routing, Work& w,
                  TypeDemand& d, const BufferLevels& buffers) {
  const auto& type = m.transaction_types[d.type];
  double remote = 0.0, shipped = 0.0, log_none = 0.0;
  for (std::size_t p = 0; p < m.partitions.size(); ++p) {
    const double k = references_per_tx(m, d.type, p);
    if (k <= 0 || lock_granules(m.partitions[p]) <= 0) continue;
    double own = authority_share(m, routing, p, d.node);
    // Read authorisations: an R lock under another node's authority is granted locally while
    // nobody wrote the object since (L2942, L3133) and the node still buffers its current page:
    // otherwise only the responsible node knows where the current version is, and the global
    // request brings it with the grant (L2977-2993, L3370; ch7.md §1.6). For page locks the
    // buffered current copy implies the authorisation, hence the smaller of the two.
    if (m.cluster.read_authorizations)
      own += (1.0 - own) * (1.0 - update_share_of(type, p)) *
             std::min(read_authorization_valid(m, routing, p, d.node),
                      buffers.partitions[p].hs_hit_ratio);
    d.lock_requests += k;
    d.local_lock_requests += k * own;
    remote += k * (1.0 - own);
    shipped += k * buffers.partitions[p].page_request_ratio * (1.0 - own);
    log_none += k * std::log1p(-(1.0 - own) / static_cast<double>(m.nodes.size() - 1));
  }
  // Request (short) and grant (long when it carries the current page version, L2977).
  w.message_to(-1, Size::short_message, remote, true, reference_phase);
  const double long_grants = std::min(shipped, remote);
  w.message_from(-1, Size::long_message, long_grants, true, reference_phase);
  w.message_from(-1, Size::short_message, remote - long_grants, true, reference_phase);
  // Releases after commit, bundled per owner node; modified pages travel with them (NOFORCE).
  const double releases =
      m.cluster.messages.bundle_releases ? distinct_owners(log_none, m.nodes.size()) : remote;
  const bool carries_pages =
      m.policies.update_strategy == UpdateStrategy::noforce && update_probability(m, d.type) > 0;
  w.message_to(-1, carries_pages ? Size::long_message : Size::short_message, releases, false,
               commit_phase);
}

/// Central locking: the expectation of the per-request rule (model/cluster_messages.hpp) over
/// who holds the object's write authorisation: the last node to reference it (L2941), this node
/// with its share of the references, otherwise another node by its use of the partition.
void central(const SystemModel& m, const std::vector<std::vector<double>>& routing, Work& w,
             TypeDemand& d) {
  const int glm = kGlobalLockManagerNode;
  const std::size_t n = m.nodes.size();
  const bool authorizations = m.cluster.write_authorizations;
  double remote = 0.0, releases = 0.0;
  std::vector<double> revoked(n, 0.0);
  for (std::size_t p = 0; p < m.partitions.size(); ++p) {
    const double k = references_per_tx(m, d.type, p);
    if (k <= 0 || lock_granules(m.partitions[p]) <= 0) continue;
    d.lock_requests += k;
    std::vector<double> holder(n, 0.0);  // P(node j holds the write authorisation)
    if (authorizations) {
      const double mine = authority_share(m, routing, p, d.node);
      const std::vector<double> rates = node_reference_rates(m, routing, p);
      double others = 0.0;
      for (std::size_t j = 0; j < n; ++j) others += j == d.node ? 0.0 : rates[j];
      for (std::size_t j = 0; j < n; ++j)
        holder[j] = j == d.node ? mine : others > 0 ? (1.0 - mine) * rates[j] / others : 0.0;
    }
    const auto count = [&](int h, double probability) {
      const CentralLockMessages c =
          central_lock_messages(static_cast<int>(d.node), h, authorizations);
      if (c.local) d.local_lock_requests += k * probability;
      if (c.request_grant) remote += k * probability;
      if (c.release) releases += k * probability;
      if (c.revoked_from >= 0) revoked[static_cast<std::size_t>(c.revoked_from)] += k * probability;
    };
    if (!authorizations) count(-1, 1.0);
    for (std::size_t j = 0; j < n && authorizations; ++j) count(static_cast<int>(j), holder[j]);
  }
  w.message_to(glm, Size::short_message, remote, true, reference_phase);
  w.message_from(glm, Size::short_message, remote, true, reference_phase);
  // Revocation (L2951): GLM -> holder and holder -> GLM, both waited for.
  for (std::size_t j = 0; j < n; ++j)
    w.message_between(glm, static_cast<int>(j), Size::short_message, 2.0 * revoked[j], true,
                      reference_phase);
  w.message_to(glm, Size::short_message, releases, false, commit_phase);
}

void geh_lock_table(const SystemModel& m, Work& w, TypeDemand& d) {
  const auto& g = m.cluster.geh_lock_table;
  double locks = 0.0;
  for (std::size_t p = 0; p < m.partitions.size(); ++p) {
    const double k = references_per_tx(m, d.type, p);
    if (k > 0 && lock_granules(m.partitions[p]) > 0) locks += k;
  }
  d.lock_requests += locks;
  // Read the entry, write it back with compare-and-swap; a duplicated GLT writes twice
  // (L3064-3066: 4-5 accesses per lock, 6-7 duplicated). The acquire accesses keep the CPU of
  // the burst before them; the release accesses need a CPU visit of their own after the log
  // write of an updating transaction (model/cpu_visits.hpp, both engines).
  w.geh_entries(locks * geh_acquire_entries(g), reference_phase);
  w.geh_entries(locks * geh_release_entries(g), commit_phase);
  // With group commit only the member that writes the log queues for this visit; the others
  // wait for it in their commit I/O (they complete with that member; model/point_solve.cpp
  // class_times, issue #13).
  if (locks > 0 && geh_release_entries(g) > 0)
    w.own_cpu_visits(update_probability(m, d.type) *
                         geh_release_cpu_visits(true, m.nodes[d.node].log.group_commit_size),
                     commit_phase);
}

}  // namespace

void add_cluster_work(const SystemModel& m, const std::vector<BufferLevels>& buffers,
                      const std::vector<std::vector<double>>& routing, DemandModel& dm) {
  const std::size_t n = m.nodes.size();
  if (n < 2) return;
  for (TypeDemand& d : dm.types) {
    Work w(m, dm, d);
    switch (m.cluster.locking) {
      case GlobalLocking::geh_lock_table:
        geh_lock_table(m, w, d);
        break;
      case GlobalLocking::primary_copy:
        primary_copy(m, routing, w, d, buffers[d.node]);
        break;
      case GlobalLocking::central:
        central(m, routing, w, d);
        break;
      case GlobalLocking::none:
        break;
    }
    // Page requests to the node holding the current version (NOFORCE; short request, long
    // reply: 26,000 instructions in all, L3189). Primary copy ships pages with its grants.
    if (m.cluster.locking != GlobalLocking::primary_copy) {
      w.message_to(-1, Size::short_message, d.page_requests, true, reference_phase);
      w.message_from(-1, Size::long_message, d.page_requests, true, reference_phase);
    }
    // Broadcast invalidation: every update commit notifies all other nodes and waits for their
    // acknowledgements before releasing its locks (L2971-2973). The n - 1 round trips run in
    // parallel and the transaction waits for the last one: a fork-join the evaluator times
    // (model/point_solve.cpp broadcast_wait_s); here only their load (per update transaction, so
    // weighted by its probability).
    const double others = invalidation_messages(m);
    const double u = update_probability(m, d.type);
    if (others > 0 && u > 0) {
      w.message_to(-1, Size::short_message, u * others, false, commit_phase);
      w.message_from(-1, Size::short_message, u * others, false, commit_phase);
      d.broadcast_probability = u;
      d.broadcast_legs = static_cast<int>(others);
    }
  }
}

}  // namespace tpeval::model
