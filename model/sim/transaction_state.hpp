// The per-transaction and per-operation state of the transaction engine, shared by its source
// files (model/sim/transaction_engine.cpp, model/sim/cluster_protocol.cpp). Private to the engine.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "model/sim/transaction_engine.hpp"

namespace tpeval::model::sim {

inline constexpr std::uint32_t kNoTx = 0xffffffffu;
/// Job ids of I/O and message operations carry this bit (transactions do not).
inline constexpr std::uint32_t kOpBit = 0x80000000u;
enum EventKind : std::uint32_t {
  ev_arrival = 0,
  ev_interval = 1,
  ev_eh_setup_done = 2,
  ev_cpu_burst_done = 3,  ///< a burst on a held CPU (the GEH accesses after it keep the CPU)
};

enum class TransactionEngine::Activity : std::uint8_t {
  none,
  input_queue,
  cpu,
  cpu_wait,
  cpu_service,
  extended_memory,
  io,
  commit_io,
  lock_wait,
  message
};

/// Where a transaction is in a reference: acquiring the global lock (cluster actions), or past it.
enum class TransactionEngine::Stage : std::uint8_t { page, lock };

struct TransactionEngine::Action {
  enum Kind : std::uint8_t { device, eh, async_device, log_group, message, lock, geh, broadcast };
  Kind kind = device;
  std::int8_t write_buffer = 0;  ///< async_device: 0 none, 1 NV disk-cache WB, 2 EH WB
  bool with_disk = true;         ///< device: the disk server is needed (not a cache hit / SSD)
  bool front_stages = true;      ///< async_device: transfer + controller (false: disk only)
  bool parallel = false;         ///< device: issued together with the parallel ones after it
  std::int32_t pool = -1;
  std::uint64_t page = 0;
  std::int16_t from = 0;  ///< message: sender node (with_disk = long message)
  std::int16_t to = 0;    ///< message: receiver node
  std::uint8_t mark = 0;  ///< message: 1 starts a page request, 2 ends it
  double entries = 0.0;   ///< geh: lock-table entry accesses
};

struct TransactionEngine::Tx {
  std::uint32_t type = 0;
  bool commit_phase = false;
  bool after_bot = true;
  bool any_update = false;
  bool shipped = false;    ///< primary copy: the page came with the lock grant
  bool holds_cpu = false;  ///< seized a CPU for a synchronous (G)EH access
  bool keep_cpu = false;   ///< the current burst keeps its CPU for the GEH accesses after it
  Stage stage = Stage::page;
  std::uint32_t node = 0;
  Activity activity = Activity::none;
  double geh_entries = 0.0;  ///< pending GEH entry accesses (0: an EH page access)
  double page_request_start_s = 0.0;
  double cluster_locks = 0.0;            ///< global lock requests (GEH release entries)
  std::uint64_t remote_authorities = 0;  ///< primary copy: nodes holding our remote locks
  int remote_locks = 0;
  int pending_acks = 0;  ///< broadcast invalidation: acknowledgements still to come
  int parallel_ios = 0;  ///< parallel FORCE writes still under way
  int io_pool = 0;
  double arrival_s = 0.0;
  double activity_start_s = 0.0;
  double cpu_work_s = 0.0;
  double pending_instructions = 0.0;  ///< I/O overhead to charge with the next CPU burst
  std::vector<Reference> refs;
  std::size_t next_ref = 0;
  std::vector<Action> actions;
  std::size_t next_action = 0;
  std::vector<std::uint64_t> modified;   ///< distinct pages modified (FORCE)
  std::vector<std::uint32_t> followers;  ///< group-commit members this one writes the log for
  double c[tc_io_s_first] = {};
  std::vector<double> io_s;

  void reset(std::size_t pools) {
    commit_phase = false;
    after_bot = true;
    any_update = false;
    shipped = false;
    holds_cpu = false;
    keep_cpu = false;
    stage = Stage::page;
    activity = Activity::none;
    geh_entries = 0.0;
    cluster_locks = 0.0;
    remote_authorities = 0;
    remote_locks = 0;
    parallel_ios = 0;
    pending_instructions = 0.0;
    next_ref = 0;
    actions.clear();
    next_action = 0;
    modified.clear();
    followers.clear();
    std::fill(std::begin(c), std::end(c), 0.0);
    io_s.assign(pools, 0.0);
  }
};

struct TransactionEngine::IoOp {
  std::uint32_t tx = kNoTx;
  std::uint8_t stages = 0;
  std::uint8_t next = 0;
  std::int8_t write_buffer = 0;
  bool page_request_end = false;  ///< the reply of a page request: its time is measured
  std::uint8_t broadcast = 0;     ///< 1: an invalidation (then acknowledged), 2: its ack
  std::int16_t from = 0;          ///< message: sender node
  std::int16_t to = 0;            ///< message: receiver node
  std::int32_t resource[3] = {0, 0, 0};
  double work_s[3] = {0, 0, 0};
};

struct TransactionEngine::Group {
  std::vector<int> resources;  ///< resource ids of the members
};

}  // namespace tpeval::model::sim
