// A page buffer with exact LRU replacement over actual page ids: the HS main-memory DB buffer, the
// EH extended buffer and the disk cache of the transaction simulator (ch6-5.md §1.7, §1.8: "LRU"
// for every buffer level, L2368, L2390).
//
// Contract: a buffer of capacity C >= 0 holds at most C distinct pages, each with a "modified"
// flag. touch() moves a present page to the most-recently-used end; insert() adds an absent page
// there and, when the buffer is full, first evicts the least-recently-used page and returns it with
// its flag. A buffer of capacity 0 never holds a page. All operations are O(1) expected (hash map
// plus an intrusive doubly linked list in one vector, no allocation after the buffer has filled).
// Deterministic: no iteration over hash order is ever exposed.
#pragma once

#include <cstdint>
#include <optional>
#include <unordered_map>
#include <vector>

namespace tpeval::model::sim {

struct EvictedPage {
  std::uint64_t page = 0;
  bool modified = false;
};

class LruBuffer {
 public:
  explicit LruBuffer(long capacity) : capacity_(capacity < 0 ? 0 : capacity) {
    if (capacity_ > 0) {
      index_.reserve(static_cast<std::size_t>(capacity_) * 2);
      nodes_.reserve(static_cast<std::size_t>(capacity_));
    }
  }

  long capacity() const { return capacity_; }
  long size() const { return static_cast<long>(index_.size()); }
  bool contains(std::uint64_t page) const { return index_.find(page) != index_.end(); }

  /// Moves `page` to the MRU end and ORs `modified` into its flag; false when absent.
  bool touch(std::uint64_t page, bool modified) {
    const auto it = index_.find(page);
    if (it == index_.end()) return false;
    const std::uint32_t n = it->second;
    nodes_[n].modified = nodes_[n].modified || modified;
    unlink(n);
    push_front(n);
    return true;
  }

  /// Inserts an absent page at the MRU end; returns the evicted LRU page when the buffer was full.
  std::optional<EvictedPage> insert(std::uint64_t page, bool modified) {
    if (capacity_ == 0) return std::nullopt;
    std::optional<EvictedPage> evicted;
    std::uint32_t n;
    if (size() >= capacity_) {
      n = tail_;
      evicted = EvictedPage{nodes_[n].page, nodes_[n].modified};
      unlink(n);
      index_.erase(nodes_[n].page);
    } else if (!free_.empty()) {
      n = free_.back();
      free_.pop_back();
    } else {
      n = static_cast<std::uint32_t>(nodes_.size());
      nodes_.push_back(Node{});
    }
    nodes_[n].page = page;
    nodes_[n].modified = modified;
    ++insertions_;
    push_front(n);
    index_.emplace(page, n);
    return evicted;
  }

  /// Removes `page`; false when absent.
  bool erase(std::uint64_t page) {
    const auto it = index_.find(page);
    if (it == index_.end()) return false;
    const std::uint32_t n = it->second;
    unlink(n);
    index_.erase(it);
    free_.push_back(n);
    return true;
  }

  /// Sets the flag of a present page (no LRU movement); false when absent.
  bool set_modified(std::uint64_t page, bool modified) {
    const auto it = index_.find(page);
    if (it == index_.end()) return false;
    nodes_[it->second].modified = modified;
    return true;
  }

  /// Pages inserted since construction (a measure of turnover for warm-up detection).
  std::uint64_t insertions() const { return insertions_; }

  /// The least-recently-used page (buffer must not be empty).
  std::uint64_t lru_page() const { return nodes_[tail_].page; }

 private:
  static constexpr std::uint32_t kNone = 0xffffffffu;
  struct Node {
    std::uint64_t page = 0;
    std::uint32_t prev = kNone;
    std::uint32_t next = kNone;
    bool modified = false;
  };

  void unlink(std::uint32_t n) {
    Node& node = nodes_[n];
    if (node.prev != kNone)
      nodes_[node.prev].next = node.next;
    else
      head_ = node.next;
    if (node.next != kNone)
      nodes_[node.next].prev = node.prev;
    else
      tail_ = node.prev;
    node.prev = node.next = kNone;
  }
  void push_front(std::uint32_t n) {
    nodes_[n].prev = kNone;
    nodes_[n].next = head_;
    if (head_ != kNone) nodes_[head_].prev = n;
    head_ = n;
    if (tail_ == kNone) tail_ = n;
  }

  long capacity_;
  std::unordered_map<std::uint64_t, std::uint32_t> index_;
  std::vector<Node> nodes_;
  std::vector<std::uint32_t> free_;
  std::uint32_t head_ = kNone;
  std::uint32_t tail_ = kNone;
  std::uint64_t insertions_ = 0;
};

}  // namespace tpeval::model::sim
