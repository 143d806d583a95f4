// Strict two-phase locking over actual lock ids (page or record ids) with FIFO lock queues and
// explicit deadlock detection, as TPSIM's lock manager (ch6-5.md §1.6, rule 11, Rahm L2364).
//
// Contract: a transaction (a small integer id) requests a lock in shared or exclusive mode. The
// request is granted at once when it is compatible with every other holder and nobody waits ahead
// of it (FIFO fairness; a shared-to-exclusive upgrade waits at the head of the queue). Otherwise
// the requester waits, unless waiting would close a cycle in the wait-for graph: then the request
// is refused with LockResult::deadlock and the requester - the transaction whose request closed the
// cycle - is the victim (L2364); it must be rolled back by release_all(). A blocked transaction
// waits for every other holder of the lock and every request queued ahead of it. Locks are held
// until release_all() (strict 2PL: long read and write locks), which also grants queued requests
// in order and reports the transactions whose wait ended. Deterministic: no hash-order dependence.
#pragma once

#include <cstdint>
#include <unordered_map>
#include <vector>

namespace tpeval::model::sim {

enum class LockMode : std::uint8_t { shared, exclusive };
enum class LockResult { granted, blocked, deadlock };

class LockManager {
 public:
  /// `tx` asks for `lock` in `mode`.
  LockResult request(std::uint32_t tx, std::uint64_t lock, LockMode mode);
  /// Releases every lock of `tx` and cancels its wait; appends the transactions whose waits were
  /// granted (in grant order) to `woken`.
  void release_all(std::uint32_t tx, std::vector<std::uint32_t>& woken);

  /// True when `tx` holds `lock` in `mode` or a stronger one: a request would change nothing.
  bool holds(std::uint32_t tx, std::uint64_t lock, LockMode mode) const;
  bool is_waiting(std::uint32_t tx) const { return tx < txs_.size() && txs_[tx].waiting; }
  std::size_t locks_held(std::uint32_t tx) const {
    return tx < txs_.size() ? txs_[tx].held.size() : 0;
  }
  /// Locks with at least one holder or waiter.
  std::size_t active_locks() const { return table_.size(); }
  /// Transactions currently waiting for a lock.
  std::size_t waiting_transactions() const { return waiting_count_; }

 private:
  struct Holder {
    std::uint32_t tx;
    LockMode mode;
  };
  struct Request {
    std::uint32_t tx;
    LockMode mode;
    bool upgrade;
  };
  struct Entry {
    std::vector<Holder> holders;
    std::vector<Request> queue;
  };
  struct TxState {
    std::vector<std::uint64_t> held;
    std::uint64_t waiting_for = 0;
    bool waiting = false;
    std::uint64_t visit_stamp = 0;
  };

  TxState& tx_state(std::uint32_t tx);
  static bool compatible(const Entry& entry, std::uint32_t tx, LockMode mode);
  /// Would `tx`, about to wait on `lock` (at the head for an upgrade), close a cycle?
  bool closes_cycle(std::uint32_t tx, std::uint64_t lock, bool upgrade);
  /// Appends the transactions `tx` (waiting on `entry`) waits for.
  static void waits_for(const Entry& entry, std::uint32_t tx, std::vector<std::uint32_t>& out);
  void grant_waiters(std::uint64_t lock, Entry& entry, std::vector<std::uint32_t>& woken);

  std::unordered_map<std::uint64_t, Entry> table_;
  std::vector<TxState> txs_;
  std::vector<std::uint32_t> stack_;
  std::vector<std::uint32_t> successors_;
  std::uint64_t stamp_ = 0;
  std::size_t waiting_count_ = 0;
};

}  // namespace tpeval::model::sim
