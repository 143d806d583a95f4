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
//   (L2315, L2525). A sequential partition continues from a random start record.
// - A partition clustered with a host (TELLER in BRANCH, L2402) stores its records in the host's
//   pages; a reference to it goes to a record in the host page the transaction already touched
//   (its teller works at its branch), else to a random one; such references are placed right
//   after the first host reference. The 15 % rule (L269) concerns the account's home node and is
//   irrelevant with one node.
// - Page ids are unique across partitions (the host partition's index is in the high bits); lock
//   ids are the page id (page locks) or a record id (record locks); partitions with lock
//   granularity "none" are never locked (HISTORY, L2364).
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "model/description.hpp"
#include "solver/des/distribution.hpp"
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

class ReferenceGenerator {
 public:
  explicit ReferenceGenerator(const SystemModel& model);
  void generate(std::size_t type, solver::des::RandomStream& stream, std::vector<Reference>& out);

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
    /// Variable reference counts: values with cumulative probabilities, or a two-moment
    /// distribution (solver/des/distribution.hpp); both empty for a fixed count.
    std::vector<double> count_values, count_cumulative;
    std::optional<solver::des::Distribution> count_distribution;
  };

  /// The number of references of one transaction: the mean n as floor(n) or floor(n) + 1 with
  /// mean n; a variable count drawn first, then rounded the same way (the mean is kept).
  static std::size_t draw_count(const TypePlan& plan, solver::des::RandomStream& stream);

  Reference make(std::uint32_t partition, bool update, solver::des::RandomStream& stream);
  static std::uint64_t below(solver::des::RandomStream& stream, std::uint64_t n) {
    return n <= 1 ? 0 : static_cast<std::uint64_t>(stream.uniform01() * static_cast<double>(n));
  }

  std::vector<Geometry> geometry_;
  std::vector<TypePlan> plans_;
  std::vector<std::uint64_t> append_cursor_;   ///< next record of each append partition
  std::vector<std::int64_t> last_page_;        ///< per partition, page touched by this tx (-1)
  std::vector<std::int64_t> sequential_next_;  ///< per partition, next record in this tx (-1)
  std::vector<std::uint32_t> order_, arranged_, clustered_;  ///< scratch, reused
};

}  // namespace tpeval::model::sim
