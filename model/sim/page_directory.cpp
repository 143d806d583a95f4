// Coherence state of the simulated cluster (see page_directory.hpp).
#include "model/sim/page_directory.hpp"

#include <bit>

namespace tpeval::model::sim {
namespace {
std::uint64_t bit(int node) {
  return std::uint64_t{1} << static_cast<unsigned>(node);
}
}  // namespace

bool PageDirectory::holds(std::uint64_t page, int node) const {
  const auto it = pages_.find(page);
  return it != pages_.end() && (it->second.holders & bit(node)) != 0;
}

int PageDirectory::other_holder(std::uint64_t page, int node) const {
  const auto it = pages_.find(page);
  if (it == pages_.end()) return -1;
  const std::uint64_t others = it->second.holders & ~bit(node);
  if (others == 0) return -1;
  if (it->second.last >= 0 && (others & bit(it->second.last)) != 0) return it->second.last;
  return std::countr_zero(others);
}

void PageDirectory::referenced(std::uint64_t page, int node, bool update) {
  Entry& e = pages_[page];
  e.holders = update ? bit(node) : (e.holders | bit(node));
  e.last = node;
  if (update && track_versions_) ++versions_[page];
}

std::uint32_t PageDirectory::version(std::uint64_t page) const {
  const auto it = versions_.find(page);
  return it == versions_.end() ? 0 : it->second;
}

void PageDirectory::evicted(std::uint64_t page, int node) {
  const auto it = pages_.find(page);
  if (it == pages_.end()) return;
  it->second.holders &= ~bit(node);
  if (it->second.holders == 0) pages_.erase(it);
}

}  // namespace tpeval::model::sim
