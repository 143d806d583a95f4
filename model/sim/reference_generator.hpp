// The reference strings of simulated transactions: which record, page and lock each record
// reference touches, and whether it updates (TPSIM load generators, ch6-5.md §1.4).
//
// Contract: generate() fills a transaction's references from its type, one RandomStream and the
// generator's own cursors (append partitions), and nothing else, so the same stream gives the same
// string. Rules:
// - Counts: when `references` and every references x share are whole numbers (Debit-Credit: one
//   record of each of the 4 types, L2315; the lock experiment: 8 + 2, L2616) every transaction
//   makes exactly those references, in a random order; otherwise each reference picks its
//   partition by the shares (the relative reference matrix of Tab. 6-4 / 6-5, L2300) and the count
//   is floor(n) or floor(n)+1 with the right mean. A variable count (`references` as mean and
//   SCV, or values with probabilities; issue #13) is drawn per transaction, and each reference
//   then picks its partition by the shares.
// - Within a partition access is uniform over its records (L2300). An append partition (HISTORY)
//   takes the next record at the end of file, so a page is new every blocking-factor-th insert
//   (L2315, L2525). The record is taken when the insert is made, not when the transaction
//   arrives ("an insert at the current end of file", ch6-5.md §1.4): place_appends() takes the
//   transaction's records of that partition, consecutive ones, at its first insert there (so
//   its inserts share a page as the analytic model assumes); a restart keeps them. Issue #13:
//   taken at arrival, an insert made late in a transaction found its page already started by
//   later arrivals (a read, not a new page), which made the hot lock's later steps shorter
//   under load. One node only: clusters still take them at arrival (their page requests were
//   validated that way; taken when made, the 2-node GEH example's page_request_ms fell 10 %
//   below the analytic value, not re-examined yet), and so does an append partition that hosts
//   clustered records. A sequential partition continues from a random start record.
// - A partition clustered with a host (TELLER in BRANCH, L2402) stores its records in the host's
//   pages; a reference to it goes to a record in the host page the transaction already touched
//   (its teller works at its branch), else to a random one; such references are placed right
//   after the first host reference.
// - Clusters: under key affinity a random-access partition is split into one key range per node;
//   a node's references go to its own range except `cluster.other_node_share` of them (the 15 %
//   rule of L269 for ACCOUNT), which go to another node's range. Each node appends to its own
//   region of an append partition (its own end-of-file page).
// - Page ids are unique across partitions (the host partition's index is in the high bits); lock
//   ids are the page id (page locks) or a record id (record locks); partitions with lock
//   granularity "none" are never locked (HISTORY, L2364).
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "model/description.hpp"
#include "model/reference_count.hpp"
#include "solver/des/random_stream.hpp"

namespace tpeval::model::sim {

struct Reference {
  std::uint32_t partition = 0;       ///< the referenced partition (hit ratios count per it)
  std::uint32_t page_partition = 0;  ///< the partition owning the page (allocation, buffers)
  std::uint64_t page = 0;            ///< globally unique page id
  std::uint64_t lock = 0;            ///< lock id (valid when `locked`)
  bool locked = false;
  bool update = false;
  bool new_page = false;  ///< first record of a fresh append page: nothing to read
  /// An end-of-file insert whose record is not taken yet: place_appends() takes it when the
  /// reference is made (page, lock and new_page are valid only after that).
  bool append_pending = false;
  std::int32_t range_node = -1;  ///< key affinity: the node owning the record's key range
};

/// Page and lock ids pack the partition into the high bits: page numbers and record numbers get
/// kIdBits bits, partitions fewer than 2^19. Larger databases are refused up front
/// (check_id_limits), since an overlapping id would corrupt the buffer lists (issue #16).
inline constexpr int kIdBits = 44;
inline constexpr std::uint64_t kMaxIdNumber = (std::uint64_t{1} << kIdBits) - 1;
inline constexpr std::size_t kMaxSimulatedPartitions = (std::size_t{1} << 19) - 1;

/// Throws io::InputError naming the JSON path (database.partitions[i].records) when a partition
/// has more records or pages than the packed ids hold, or when there are too many partitions.
void check_id_limits(const SystemModel& model);

/// Page id of page `page_number` of partition `partition` (and its inverse).
inline std::uint64_t page_id(std::uint32_t partition, std::uint64_t page_number) {
  return (static_cast<std::uint64_t>(partition + 1) << 44) | page_number;
}
inline std::uint32_t page_partition(std::uint64_t page) {
  return static_cast<std::uint32_t>((page >> 44) & 0xfffffu) - 1;
}

/// Spreads ids (pages over disks, locks over authority nodes): stable, platform independent.
inline std::uint64_t spread_id(std::uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ULL;
  x ^= x >> 33;
  return x;
}

class ReferenceGenerator {
 public:
  explicit ReferenceGenerator(const SystemModel& model);
  /// `node`: the node running the transaction (key ranges and append regions in a cluster).
  void generate(std::size_t type, solver::des::RandomStream& stream, std::vector<Reference>& out,
                std::size_t node = 0);

  /// Takes the records of the pending end-of-file inserts of refs[at]'s partition, refs[at]
  /// and the later ones, from the partition's cursor (`node`'s region in a cluster).
  void place_appends(std::vector<Reference>& refs, std::size_t at, std::size_t node = 0);

  /// Pages of a partition's own storage (clustered partitions: 0, they live in the host).
  std::uint64_t pages(std::size_t partition) const { return geometry_[partition].pages; }

 private:
  struct Geometry {
    std::uint64_t records = 0;
    std::uint64_t pages = 0;
    double records_per_page = 1.0;  ///< in the page-owning partition's pages
    std::uint32_t owner = 0;        ///< page-owning partition (host for clustered ones)
    bool clustered = false;
    AccessPattern access = AccessPattern::random;
    LockGranularity lock = LockGranularity::page;
  };
  struct TypePlan {
    bool fixed_counts = false;
    std::vector<std::uint32_t> fixed;  ///< the multiset of partitions (fixed counts)
    std::vector<double> cumulative;    ///< cumulative shares (drawn partitions)
    double references = 0.0;
    std::vector<double> update_shares;  ///< per partition (model/update_shares.hpp)
    /// The number of references of one transaction: the rule whose law the analytic model
    /// takes (model/reference_count.hpp).
    ReferenceCountDraw count;
  };

  Reference make(std::uint32_t partition, bool update, solver::des::RandomStream& stream,
                 std::size_t node);
  std::uint64_t keyed_record(std::uint32_t partition, std::size_t node,
                             solver::des::RandomStream& stream, Reference& r);
  std::uint64_t appended_record(std::uint32_t partition, std::size_t node);
  /// Page, new_page and lock of `r` for `record` of its (non-clustered) partition.
  void locate(Reference& r, std::uint64_t record) const;
  static std::uint64_t below(solver::des::RandomStream& stream, std::uint64_t n) {
    return n <= 1 ? 0 : static_cast<std::uint64_t>(stream.uniform01() * static_cast<double>(n));
  }

  std::vector<Geometry> geometry_;
  std::vector<TypePlan> plans_;
  std::size_t nodes_ = 1;
  std::vector<char> key_range_;                ///< per partition: split into per-node ranges
  std::vector<double> other_share_;            ///< per partition: references to another range
  std::vector<std::uint64_t> append_cursor_;   ///< next record per (append partition, node)
  std::vector<char> hosts_clustered_;          ///< per partition: a clustered one lives in it
  std::vector<std::int64_t> last_page_;        ///< per partition, page touched by this tx (-1)
  std::vector<std::int64_t> sequential_next_;  ///< per partition, next record in this tx (-1)
  std::vector<std::uint32_t> order_, arranged_, clustered_;  ///< scratch, reused
};

}  // namespace tpeval::model::sim
