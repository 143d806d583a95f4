// The I/O path of a page (see io_path.hpp). Rules cite ch6-5.md §1.11 and Rahm 1993 lines.
#include "model/io_path.hpp"

namespace tpeval::model {
namespace {

IoPath& add(IoPath& path, IoStep step) {
  path.steps[static_cast<std::size_t>(path.count++)] = step;
  return path;
}
IoStep eh_step() {
  IoStep s;
  s.kind = IoStep::Kind::extended_memory;
  return s;
}
IoStep device_step(int pool, bool with_disk, IoWait wait, WriteBuffer buffer = WriteBuffer::none) {
  IoStep s;
  s.pool = pool;
  s.with_disk = with_disk;
  s.wait = wait;
  s.buffer = buffer;
  return s;
}

}  // namespace

int storage_location(const Storage& storage, const std::string& device) {
  if (device == "main_memory") return kMainMemory;
  if (device == "extended_memory") return kExtendedMemory;
  return find_device(storage, device);
}

IoPath read_path(const Storage& /*storage*/, int location, ReadSource source) {
  IoPath p;
  p.read = true;
  if (location == kMainMemory) return p;
  // An EH-resident page or an EH-buffer hit: one synchronous EH access (L2376, rule 1).
  if (source == ReadSource::extended_buffer || location == kExtendedMemory)
    return add(p, eh_step());
  p.io_operation = true;
  // A disk-cache hit needs transfer + controller only (rule 3).
  if (source == ReadSource::disk_cache) return add(p, device_step(location, false, IoWait::waited));
  p.device_read = true;
  return add(p, device_step(location, true, IoWait::waited));
}

IoPath write_path(const Storage& storage, int location, WriteBuffer write_buffer, bool dc_cached,
                  bool waited) {
  IoPath p;
  if (location == kMainMemory) return p;
  if (location == kExtendedMemory) {
    p.synchronous_write = true;  // EH write, CPU held (L2376)
    return add(p, eh_step());
  }
  p.io_operation = true;
  if (!waited) {
    // Asynchronous write nobody waits for (EH write-through, asynchronous victim write-back).
    p.asynchronous_write = true;
    p.passes_disk_cache = true;
    return add(p, device_step(location, true, IoWait::background));
  }
  const DevicePool& dev = storage.devices[static_cast<std::size_t>(location)];
  p.synchronous_write = true;
  if (dev.type == DeviceType::ssd)
    return add(p, device_step(location, false, IoWait::waited));  // controller + transfer (rule 2)
  const DiskCache& dc = storage.disk_cache;
  const bool nv_cache = dc.type == DiskCacheType::non_volatile &&
                        (write_buffer == WriteBuffer::disk_cache || (dc_cached && dc.pages > 0));
  if (nv_cache) {
    // NV disk cache: 1.4 ms synchronously, the disk write follows asynchronously through the
    // bounded write buffer (rule 3); write-allocate into the file buffer (L2390).
    p.asynchronous_write = true;
    p.passes_disk_cache = true;
    return add(p, device_step(location, true, IoWait::buffered, WriteBuffer::disk_cache));
  }
  if (write_buffer == WriteBuffer::extended_memory) {
    // EH write buffer: the I/O completes in EH; the disk write goes from HS (rule 5, L2189).
    p.asynchronous_write = true;
    add(p, eh_step());
    return add(p, device_step(location, true, IoWait::background, WriteBuffer::extended_memory));
  }
  // Plain disk, or volatile disk cache with synchronous write-through and write-update (rule 4).
  p.passes_disk_cache = true;
  return add(p, device_step(location, true, IoWait::waited));
}

long write_buffer_pages(const Storage& storage, WriteBuffer buffer) {
  switch (buffer) {
    case WriteBuffer::disk_cache:
      return storage.disk_cache.write_buffer_pages;
    case WriteBuffer::extended_memory:
      return storage.extended_memory.write_buffer_pages;
    case WriteBuffer::none:
      break;
  }
  return 0;
}

}  // namespace tpeval::model
