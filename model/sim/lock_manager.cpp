// Strict 2PL lock table with deadlock detection (see lock_manager.hpp).
#include "model/sim/lock_manager.hpp"

#include <algorithm>
#include <stdexcept>

namespace tpeval::model::sim {

LockManager::TxState& LockManager::tx_state(std::uint32_t tx) {
  if (tx >= txs_.size()) txs_.resize(static_cast<std::size_t>(tx) + 1);
  return txs_[tx];
}

bool LockManager::compatible(const Entry& entry, std::uint32_t tx, LockMode mode) {
  for (const Holder& h : entry.holders) {
    if (h.tx == tx) continue;
    if (mode == LockMode::exclusive || h.mode == LockMode::exclusive) return false;
  }
  return true;
}

void LockManager::waits_for(const Entry& entry, std::uint32_t tx, std::vector<std::uint32_t>& out) {
  for (const Holder& h : entry.holders)
    if (h.tx != tx) out.push_back(h.tx);
  for (const Request& r : entry.queue) {
    if (r.tx == tx) break;
    out.push_back(r.tx);
  }
}

bool LockManager::closes_cycle(std::uint32_t tx, std::uint64_t lock, bool upgrade) {
  // Depth-first search of the wait-for graph from the transactions `tx` would wait for; a path
  // back to `tx` is a cycle that this request closes. Visit stamps keep it O(V + E).
  ++stamp_;
  stack_.clear();
  successors_.clear();
  const Entry& first = table_.at(lock);
  for (const Holder& h : first.holders)
    if (h.tx != tx) stack_.push_back(h.tx);
  // A new request queues last and waits for everybody queued; an upgrade waits at the head.
  if (!upgrade)
    for (const Request& r : first.queue) stack_.push_back(r.tx);
  while (!stack_.empty()) {
    const std::uint32_t u = stack_.back();
    stack_.pop_back();
    if (u == tx) return true;
    TxState& s = tx_state(u);
    if (s.visit_stamp == stamp_) continue;
    s.visit_stamp = stamp_;
    if (!s.waiting) continue;
    successors_.clear();
    waits_for(table_.at(s.waiting_for), u, successors_);
    stack_.insert(stack_.end(), successors_.begin(), successors_.end());
  }
  return false;
}

bool LockManager::holds(std::uint32_t tx, std::uint64_t lock, LockMode mode) const {
  const auto it = table_.find(lock);
  if (it == table_.end()) return false;
  for (const Holder& h : it->second.holders)
    if (h.tx == tx) return h.mode == LockMode::exclusive || mode == LockMode::shared;
  return false;
}

LockResult LockManager::request(std::uint32_t tx, std::uint64_t lock, LockMode mode) {
  TxState& state = tx_state(tx);
  if (state.waiting) throw std::logic_error("lock request by a waiting transaction");
  Entry& entry = table_[lock];
  Holder* own = nullptr;
  for (Holder& h : entry.holders)
    if (h.tx == tx) own = &h;
  if (own != nullptr) {
    if (own->mode == LockMode::exclusive || mode == LockMode::shared) return LockResult::granted;
    // Upgrade S -> X: granted when tx is the only holder, else it waits at the head of the queue.
    if (entry.holders.size() == 1) {
      own->mode = LockMode::exclusive;
      return LockResult::granted;
    }
    if (closes_cycle(tx, lock, true)) return LockResult::deadlock;
    entry.queue.insert(entry.queue.begin(), Request{tx, mode, true});
  } else {
    if (entry.queue.empty() && compatible(entry, tx, mode)) {
      entry.holders.push_back(Holder{tx, mode});
      state.held.push_back(lock);
      return LockResult::granted;
    }
    if (closes_cycle(tx, lock, false)) {
      if (entry.holders.empty() && entry.queue.empty()) table_.erase(lock);
      return LockResult::deadlock;
    }
    entry.queue.push_back(Request{tx, mode, false});
  }
  TxState& s = tx_state(tx);  // tx_state may have grown the vector during the search
  s.waiting = true;
  s.waiting_for = lock;
  ++waiting_count_;
  return LockResult::blocked;
}

void LockManager::grant_waiters(std::uint64_t lock, Entry& entry,
                                std::vector<std::uint32_t>& woken) {
  std::size_t granted = 0;
  while (granted < entry.queue.size()) {
    const Request r = entry.queue[granted];
    if (!compatible(entry, r.tx, r.mode)) break;
    TxState& s = txs_[r.tx];
    if (r.upgrade) {
      for (Holder& h : entry.holders)
        if (h.tx == r.tx) h.mode = LockMode::exclusive;
    } else {
      entry.holders.push_back(Holder{r.tx, r.mode});
      s.held.push_back(lock);
    }
    s.waiting = false;
    --waiting_count_;
    woken.push_back(r.tx);
    ++granted;
  }
  entry.queue.erase(entry.queue.begin(),
                    entry.queue.begin() + static_cast<std::ptrdiff_t>(granted));
}

void LockManager::release_all(std::uint32_t tx, std::vector<std::uint32_t>& woken) {
  TxState& state = tx_state(tx);
  if (state.waiting) {
    const std::uint64_t lock = state.waiting_for;
    Entry& entry = table_.at(lock);
    const auto it = std::find_if(entry.queue.begin(), entry.queue.end(),
                                 [tx](const Request& r) { return r.tx == tx; });
    const bool was_head = it == entry.queue.begin();
    entry.queue.erase(it);
    state.waiting = false;
    --waiting_count_;
    // Whoever queued behind the cancelled request may now be grantable.
    if (was_head) grant_waiters(lock, entry, woken);
    if (entry.holders.empty() && entry.queue.empty()) table_.erase(lock);
  }
  std::vector<std::uint64_t> held;
  held.swap(state.held);
  for (const std::uint64_t lock : held) {
    Entry& entry = table_.at(lock);
    entry.holders.erase(std::find_if(entry.holders.begin(), entry.holders.end(),
                                     [tx](const Holder& h) { return h.tx == tx; }));
    grant_waiters(lock, entry, woken);
    if (entry.holders.empty() && entry.queue.empty()) table_.erase(lock);
  }
  held.clear();
  txs_[tx].held.swap(held);  // keep the capacity for the slot's next transaction
}

}  // namespace tpeval::model::sim
