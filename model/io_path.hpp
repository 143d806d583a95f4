// The I/O path of a page: which stations a page read, a page write or a log write visits and
// which of them the transaction waits for. One rule (ch6-5.md §1.11 rules 2-5 and 8, Rahm 1993
// L2368-2390, L2189, L2439) for both engines: the analytic demands (model/device_demand) turn a
// path into service demands, the simulator (model/sim/transaction_engine) into timed actions.
//
// Contract: pure functions of the shared storage (model/description.hpp). A location is a device
// pool index (>= 0), kMainMemory (nothing to do) or kExtendedMemory (a synchronous EH access).
// A path has at most two steps. A device step names its pool, whether the disk stage is needed
// (false for a disk-cache hit; SSD stages follow model/device_pool.hpp) and what the transaction
// waits for: every stage (waited), transfer + controller with the disk write following
// asynchronously through a bounded write buffer (buffered: NV disk cache), or nothing
// (background; optionally through a write buffer, which makes the write synchronous when full).
// The flags say how the path is counted: a read, a read reaching a device, a synchronous and/or
// asynchronous write, one disk/SSD I/O (which costs the node's I/O overhead instructions), and
// whether the written page passes the disk cache (write-allocate or write-update, L2390).
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "model/description.hpp"

namespace tpeval::model {

inline constexpr int kMainMemory = -1;
inline constexpr int kExtendedMemory = -2;

/// The location of an allocation: a pool index, kMainMemory or kExtendedMemory.
int storage_location(const Storage& storage, const std::string& device);

enum class IoWait : std::uint8_t { waited, buffered, background };

struct IoStep {
  enum class Kind : std::uint8_t { extended_memory, device };
  Kind kind = Kind::device;
  int pool = -1;
  bool with_disk = true;  ///< the disk stage is needed (not a disk-cache hit)
  IoWait wait = IoWait::waited;
  WriteBuffer buffer = WriteBuffer::none;  ///< write buffer of the asynchronous disk part
};

struct IoPath {
  std::array<IoStep, 2> steps{};
  int count = 0;
  bool read = false;
  bool device_read = false;
  bool synchronous_write = false;
  bool asynchronous_write = false;
  bool io_operation = false;       ///< a disk/SSD I/O: costs the I/O overhead instructions
  bool passes_disk_cache = false;  ///< a written page enters / refreshes the disk cache

  const IoStep* begin() const { return steps.data(); }
  const IoStep* end() const { return steps.data() + count; }
};

/// Which copy serves a read: the allocation itself, the EH extended buffer or the disk cache.
enum class ReadSource : std::uint8_t { storage, extended_buffer, disk_cache };

IoPath read_path(const Storage& storage, int location, ReadSource source);

/// A page write to `location` through `write_buffer`; `dc_cached` = the partition is buffered by
/// the disk cache (false for the log); `waited` = false for writes nobody waits for
/// (asynchronous write-back, write-through from the EH buffer).
IoPath write_path(const Storage& storage, int location, WriteBuffer write_buffer, bool dc_cached,
                  bool waited);

/// Capacity in pages of a write buffer (0 for none).
long write_buffer_pages(const Storage& storage, WriteBuffer buffer);

}  // namespace tpeval::model
