// An exact LRU buffer of 64-bit item ids: the one LRU list of the project.
//
// Contract: LruBuffer holds at most `capacity` items (capacity < 2^31; larger throws
// std::length_error, so callers check sizes from input first). It is an open-addressing hash
// table into a pool of intrusive doubly linked nodes: O(1) per operation (amortised: the pool
// and the table double with the items held, so memory fits the items held, not the capacity). It is
// domain-free: each item carries a 32-bit payload the owner interprets (a dirty flag, a tag, a
// version). The cache simulators (lru_simulator.hpp) and the transaction simulator's buffer levels
// (model/sim/buffer_manager.hpp) both use it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace tpeval::solver::cache {

using ItemId = std::uint64_t;

/// Exact LRU buffer. `payload` is a per-item 32-bit word the owner may use (dirty flag, version).
class LruBuffer {
 public:
  explicit LruBuffer(std::size_t capacity);

  std::size_t capacity() const noexcept { return capacity_; }
  std::size_t size() const noexcept { return size_; }
  bool contains(ItemId item) const { return find(item) != npos; }
  /// Moves the item to the MRU end if present; returns whether it was present.
  bool touch(ItemId item);
  /// touch() that also ORs `payload_bits` into a present item's payload (one lookup, e.g. for
  /// marking a referenced page modified).
  bool touch(ItemId item, std::uint32_t payload_bits);
  /// Payload of a present item (precondition: contains(item)).
  std::uint32_t payload(ItemId item) const;
  void set_payload(ItemId item, std::uint32_t payload);
  /// Inserts an absent item at the MRU end (precondition: !contains(item)). When the buffer was
  /// full, the LRU item is removed first and returned through `victim`/`victim_payload`.
  /// Returns whether a victim was removed. A zero-capacity buffer stores nothing.
  bool insert(ItemId item, std::uint32_t payload, ItemId* victim = nullptr,
              std::uint32_t* victim_payload = nullptr);
  /// Removes the item if present; returns whether it was present.
  bool erase(ItemId item);
  /// Items inserted since construction: a measure of turnover (e.g. for warm-up detection).
  std::uint64_t insertions() const noexcept { return insertions_; }
  /// Bytes of the node pool and the table: O(items held), whatever the capacity.
  std::size_t allocated_bytes() const noexcept;

 private:
  static constexpr std::uint32_t npos = 0xffffffffu;
  struct Node {
    ItemId item;
    std::uint32_t prev, next, payload;
  };
  std::uint32_t find(ItemId item) const;
  void unlink(std::uint32_t node);
  void push_front(std::uint32_t node);
  void table_erase(std::uint32_t node);
  void grow_table_for(std::size_t nodes);
  std::size_t capacity_;
  std::size_t size_ = 0;
  std::vector<Node> nodes_;
  std::vector<std::uint32_t> table_;  // slot -> node index or npos
  std::size_t mask_;
  std::uint32_t head_ = npos, tail_ = npos, free_ = npos;  // free_: list of erased nodes
  std::uint64_t insertions_ = 0;
};

}  // namespace tpeval::solver::cache
