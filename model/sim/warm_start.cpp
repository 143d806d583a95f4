// The simulator's warm start (EngineSettings::warm_start, `tpeval simulate --warm-start`).
//
// Why: every run otherwise starts with empty buffers, and near a lock limit the cold start's
// misses (each a 16 ms disk read inside the lock holding time) can tip an open system without an
// MPL into lock thrashing, an absorbing state that stays once the buffers are warm: the lock
// experiment with 8 CPUs and buffer 20000 collapses from 150-200 TPS cold but runs at 700 TPS
// warm (bench/RESULTS.md "Off-grid finding 6 pinned down", docs/transaction-simulation.md
// "Cold start"). The buffer warm-up rule (close_interval) removes the start's bias from the hit
// ratios but cannot undo that transition.
//
// What: before the first arrival, transactions drawn by the mix (and routed as arrivals are) make
// their references without time: each reference goes through the buffers by the same rules as a
// timed one (fix_in_buffers, note_modified, victim_write_due, victim_write, force_write,
// disk_cache_write, note_reference; FORCE writes its updated pages at the end), but no station is
// visited and nothing is counted. The pass stops when every buffer level is full or took no new
// page during a chunk of references (buffers_turned_over, the warm-up rule itself), or at a budget
// of references. A full LRU buffer holds the most recently used distinct pages of the reference
// string, so its state is then a steady-state one, up to the modified bits of pages whose timed
// write-back was still pending. The pass uses its own random stream ("warm-start"), so the timed
// run's streams are the same as without it.
#include <algorithm>

#include "model/sim/transaction_engine.hpp"

namespace tpeval::model::sim {

namespace des = solver::des;

namespace {

/// At most this many untimed references (about 10-20 s). A pass reaches it only for buffers of
/// millions of pages, whose timed warm-up would cost far more.
constexpr std::uint64_t kMaxWarmReferences = 100'000'000;

}  // namespace

void TransactionEngine::warm_buffers(std::uint64_t seed, int replication) {
  des::RandomStream stream(seed, "warm-start", replication);
  std::vector<double> mix_cdf;
  double total = 0.0;
  for (const auto& type : model_.transaction_types) mix_cdf.push_back(total += type.mix);
  if (!(total > 0)) return;
  std::uint64_t capacity = disk_cache_.capacity();
  for (const BufferManager& b : buffers_) capacity += b.hs().capacity() + b.eh().capacity();
  const std::uint64_t budget = std::min(kMaxWarmReferences, 20 * capacity + 100'000);
  const std::uint64_t chunk = std::max<std::uint64_t>(1'000, capacity / 4);
  std::vector<Reference> refs;
  std::vector<std::uint64_t> updated;
  std::uint64_t made = 0;
  while (made < budget) {
    for (std::uint64_t end = std::min(budget, made + chunk); made < end;) {
      const double u = stream.uniform01() * total;
      const auto type = static_cast<std::uint32_t>(
          std::upper_bound(mix_cdf.begin(), mix_cdf.end() - 1, u) - mix_cdf.begin());
      const std::size_t node = cluster_ ? route(type, stream) : 0;
      references_.generate(type, stream, refs, node);
      updated.clear();
      for (std::size_t i = 0; i < refs.size(); ++i) {
        if (refs[i].append_pending) references_.place_appends(refs, i, node);
        const Reference& r = refs[i];
        const PageFix f = fix_in_buffers(node, r, false);
        note_modified(node, r, updated);
        if (!f.hs_hit && f.victim && victim_write_due(node, f)) {
          // The victim's write-back (fix_page): only its disk-cache copy is state.
          const PageWrite w = victim_write(f);
          disk_cache_write(node, w.pool, w.buffer, f.victim_page, w.owner, w.waited);
        }
        note_reference(node, r);
      }
      for (const std::uint64_t page : updated) {  // FORCE at commit (commit())
        const std::uint32_t owner = page_partition(page);
        const PageWrite w = force_write(node, owner);
        disk_cache_write(node, w.pool, w.buffer, page, w.owner, w.waited);
        buffers_[node].force_written(page, owner);
      }
      made += std::max<std::size_t>(1, refs.size());
    }
    if (buffers_turned_over()) break;
  }
}

}  // namespace tpeval::model::sim
