// Exact LRU buffer (see lru_buffer.hpp). Hand-written because no listed library offers an LRU
// list with O(1) operations, no allocation per reference and a payload word per item; the
// simulators run tens of millions of references per second through it (bench/RESULTS.md).
#include "solver/cache/lru_buffer.hpp"

#include <algorithm>
#include <stdexcept>

namespace tpeval::solver::cache {

namespace {
inline std::size_t home_slot(ItemId item, std::size_t mask) {
  std::uint64_t h = item * 0x9E3779B97F4A7C15ull;  // Fibonacci hashing
  return static_cast<std::size_t>(h ^ (h >> 29)) & mask;
}
}  // namespace

LruBuffer::LruBuffer(std::size_t capacity) : capacity_(capacity) {
  if (capacity >= npos / 2) throw std::length_error("LruBuffer: capacity above 2^31");
  // The pool and the table grow with the items held, not with the capacity: a buffer of 10^9
  // items that a short run never fills took an 8 GB table before its first reference (issue
  // #16). Doubling keeps the cost amortised O(1) per insertion.
  nodes_.reserve(std::min<std::size_t>(capacity, 1024));
  table_.assign(16, npos);
  mask_ = table_.size() - 1;
}

std::size_t LruBuffer::allocated_bytes() const noexcept {
  return nodes_.capacity() * sizeof(Node) + table_.capacity() * sizeof(std::uint32_t);
}

// Doubles the table when the next node would raise its load factor above 1/2, and re-inserts the
// items held (the list from head_; erased nodes are not in the table).
void LruBuffer::grow_table_for(std::size_t nodes) {
  if (2 * nodes <= table_.size()) return;
  std::size_t table_size = table_.size();
  while (2 * nodes > table_size) table_size <<= 1;
  table_.assign(table_size, npos);
  mask_ = table_size - 1;
  for (std::uint32_t node = head_; node != npos; node = nodes_[node].next) {
    std::size_t slot = home_slot(nodes_[node].item, mask_);
    while (table_[slot] != npos) slot = (slot + 1) & mask_;
    table_[slot] = node;
  }
}

std::uint32_t LruBuffer::find(ItemId item) const {
  for (std::size_t slot = home_slot(item, mask_);; slot = (slot + 1) & mask_) {
    const std::uint32_t node = table_[slot];
    if (node == npos) return npos;
    if (nodes_[node].item == item) return node;
  }
}

void LruBuffer::unlink(std::uint32_t node) {
  Node& n = nodes_[node];
  if (n.prev != npos)
    nodes_[n.prev].next = n.next;
  else
    head_ = n.next;
  if (n.next != npos)
    nodes_[n.next].prev = n.prev;
  else
    tail_ = n.prev;
}

void LruBuffer::push_front(std::uint32_t node) {
  Node& n = nodes_[node];
  n.prev = npos;
  n.next = head_;
  if (head_ != npos)
    nodes_[head_].prev = node;
  else
    tail_ = node;
  head_ = node;
}

// Linear-probing deletion with backward shift (no tombstones, so lookups stay short).
void LruBuffer::table_erase(std::uint32_t node) {
  std::size_t i = home_slot(nodes_[node].item, mask_);
  while (table_[i] != node) i = (i + 1) & mask_;
  table_[i] = npos;
  for (std::size_t j = (i + 1) & mask_; table_[j] != npos; j = (j + 1) & mask_) {
    const std::size_t k = home_slot(nodes_[table_[j]].item, mask_);
    // Move the entry at j into the hole at i unless its home k lies cyclically in (i, j].
    const bool stays = i <= j ? (i < k && k <= j) : (i < k || k <= j);
    if (stays) continue;
    table_[i] = table_[j];
    table_[j] = npos;
    i = j;
  }
}

bool LruBuffer::touch(ItemId item) {
  return touch(item, 0);
}

bool LruBuffer::touch(ItemId item, std::uint32_t payload_bits) {
  const std::uint32_t node = find(item);
  if (node == npos) return false;
  nodes_[node].payload |= payload_bits;
  if (node != head_) {
    unlink(node);
    push_front(node);
  }
  return true;
}

std::uint32_t LruBuffer::payload(ItemId item) const {
  return nodes_[find(item)].payload;
}

void LruBuffer::set_payload(ItemId item, std::uint32_t payload) {
  const std::uint32_t node = find(item);
  if (node != npos) nodes_[node].payload = payload;
}

bool LruBuffer::insert(ItemId item, std::uint32_t payload, ItemId* victim,
                       std::uint32_t* victim_payload) {
  if (capacity_ == 0) return false;
  std::uint32_t node;
  bool evicted = false;
  if (size_ == capacity_) {
    node = tail_;
    unlink(node);
    table_erase(node);
    if (victim) *victim = nodes_[node].item;
    if (victim_payload) *victim_payload = nodes_[node].payload;
    evicted = true;
  } else if (free_ != npos) {
    node = free_;
    free_ = nodes_[node].next;
    ++size_;
  } else {
    grow_table_for(nodes_.size() + 1);
    node = static_cast<std::uint32_t>(nodes_.size());
    nodes_.push_back(Node{});
    ++size_;
  }
  ++insertions_;
  nodes_[node].item = item;
  nodes_[node].payload = payload;
  push_front(node);
  std::size_t slot = home_slot(item, mask_);
  while (table_[slot] != npos) slot = (slot + 1) & mask_;
  table_[slot] = node;
  return evicted;
}

bool LruBuffer::erase(ItemId item) {
  const std::uint32_t node = find(item);
  if (node == npos) return false;
  unlink(node);
  table_erase(node);
  nodes_[node].next = free_;
  free_ = node;
  --size_;
  return true;
}

}  // namespace tpeval::solver::cache
