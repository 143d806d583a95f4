// Buffer hierarchy contents (see buffer_manager.hpp).
#include "model/sim/buffer_manager.hpp"

#include "model/sim/reference_generator.hpp"

namespace tpeval::model::sim {

namespace {
std::size_t pages(long count) {
  return count > 0 ? static_cast<std::size_t>(count) : 0;
}
std::uint32_t modified_bit(bool modified) {
  return modified ? BufferManager::kModified : 0;
}
std::uint32_t with_version(std::uint32_t version, bool modified) {
  return (version << 1) | modified_bit(modified);
}
std::uint32_t version_of(std::uint32_t payload) {
  return payload >> 1;
}
}  // namespace

BufferManager::BufferManager(const SystemModel& model, std::size_t node, LruBuffer& disk_cache)
    : hs_(pages(model.nodes[node].buffer_pages)),
      eh_(pages(model.storage.extended_memory.buffer_pages)),
      dc_(&disk_cache) {
  const Storage& storage = model.storage;
  volatile_cache_ = storage.disk_cache.type == DiskCacheType::volatile_cache;
  force_ = model.policies.update_strategy == UpdateStrategy::force;
  force_to_eh_ = model.policies.force_writes_to_extended_buffer;
  for (const Partition& p : model.partitions) {
    const Allocation& a = p.allocation;
    resident_.push_back(a.device == "main_memory");
    extended_.push_back(a.extended_buffer && eh_.capacity() > 0 && a.device != "main_memory" &&
                        a.device != "extended_memory");
    const int pool = find_device(storage, a.device);
    // A disk cache sits in a disk controller: it buffers partitions on disks only (L2388).
    cached_.push_back(a.disk_cache && dc_->capacity() > 0 && pool >= 0 &&
                      storage.devices[static_cast<std::size_t>(pool)].type == DeviceType::disk);
    migration_.push_back(a.migration);
  }
}

PageFix BufferManager::fix(std::uint64_t page, std::uint32_t owner, bool update, bool reads,
                           bool current, bool remote, std::uint32_t version) {
  PageFix f;
  if (resident_[owner]) {
    f.hs_hit = true;
    return f;
  }
  const std::uint32_t after = version + (update && track_versions_ ? 1 : 0);
  if (!current) {
    if (hs_.touch(page)) {
      hs_.set_payload(page, with_version(after, update));  // the superseded version is dropped
      return f;
    }
  } else if (hs_.touch(page, modified_bit(update))) {
    if (update) hs_.set_payload(page, with_version(after, true));
    f.hs_hit = true;
    return f;
  }
  std::uint32_t eh_payload = 0;
  if (extended_[owner] && eh_.contains(page)) {
    eh_payload = eh_.payload(page);
    eh_.erase(page);
    f.eh_hit = version_of(eh_payload) == version;  // otherwise a stale copy, dropped
  }
  if (!f.eh_hit && !remote && reads && cached_[owner]) {
    if (dc_->touch(page))
      f.dc_hit = true;
    else
      dc_->insert(page, 0);  // a read miss inserts the page (rule 10)
  }
  std::uint32_t victim_payload = 0;
  if (hs_.insert(page, with_version(after, update), &f.victim_page, &victim_payload)) {
    f.victim = true;
    f.victim_modified = (victim_payload & kModified) != 0;
    const std::uint32_t vowner = page_partition(f.victim_page);
    if (extended_[vowner]) {
      const Migration m = migration_[vowner];
      f.victim_migrated = m == Migration::all || (m == Migration::modified && f.victim_modified) ||
                          (m == Migration::unmodified && !f.victim_modified);
      if (f.victim_migrated) {
        const std::uint32_t copy = with_version(version_of(victim_payload), false);
        if (eh_.touch(f.victim_page))
          eh_.set_payload(f.victim_page, copy);
        else
          eh_.insert(f.victim_page, copy);
      }
    }
  }
  return f;
}

void BufferManager::write_to_disk_cache(std::uint64_t page, std::uint32_t owner) {
  if (!cached_[owner]) return;
  if (volatile_cache_) {
    dc_->touch(page);  // write-update: only a present copy is refreshed
  } else if (!dc_->touch(page)) {
    dc_->insert(page, 0);  // write-allocate
  }
}

void BufferManager::force_written(std::uint64_t page, std::uint32_t owner) {
  // no longer modified (absent pages are left alone); the copy keeps its version
  const std::uint32_t copy = hs_.contains(page) ? hs_.payload(page) & ~kModified : 0;
  if (hs_.contains(page)) hs_.set_payload(page, copy);
  if (extended_[owner] && force_to_eh_) {
    if (eh_.touch(page))
      eh_.set_payload(page, copy);
    else
      eh_.insert(page, copy);
  }
}

}  // namespace tpeval::model::sim
