// Storage reliability and redundancy costs of disk arrays: MTTDL, I/O multipliers, block mapping.
//
// Contract: all times are in hours (`_h`); disks fail independently with exponential lifetimes of
// mean `mttf_h` and are repaired (replaced and rebuilt) in exponential time of mean `mttr_h`.
// The closed forms are the book's eq. 5.1 and 5.2 (Rahm 1993, ch5-6a.md §1.7, after Patterson,
// Gibson & Katz 1988), the general PGK form with C check disks per group, and the Chen et al.
// (ACM CSUR 1994) forms for RAID-5 (double failure, unrecoverable read error during rebuild,
// system crash) and RAID-6; they assume MTTR << MTTF. mttdl_markov() solves the exact
// continuous-time Markov chain of the whole array (groups, hot spares, rebuild and replacement
// times) with Eigen, so the approximations can be compared with the exact mean time to data
// loss. io_multipliers() gives the disk I/Os per logical operation for the queueing model, and the
// mapping functions implement Abb. 5-9 (RAID-5 with rotating parity) and Abb. 5-11 (parity
// striping) exactly as printed. Invalid arguments throw io::InputError naming the parameter.
// Everything is a pure function of its arguments.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace tpeval::solver::reliability {

inline constexpr double kHoursPerYear = 8760.0;  // the book's arithmetic (ch5-6a.md §3.1)

/// Eq. 5.1 (Rahm L1584): MTTDL without redundancy, MTTF / N.
double mttdl_no_redundancy_h(double mttf_h, double disks);

/// Eq. 5.2 (Rahm L1623, [PGK88]): N data disks in parity groups of G data disks + 1 parity,
/// MTTDL = MTTF / (N + N/G) * MTTF / (G * MTTR). G = N: one group; G = 1: mirroring.
double mttdl_parity_h(double mttf_h, double mttr_h, double data_disks, double group_data_disks);

/// Total disks of eq. 5.2, N + N/G.
double parity_array_disks(double data_disks, double group_data_disks);

/// Patterson, Gibson & Katz (SIGMOD 1988): MTTF^2 / ((D + C n_G) (G + C - 1) MTTR) with
/// n_G = D / G groups of G data and C check disks (C = 1 reduces to eq. 5.2).
double mttdl_pgk_h(double mttf_h, double mttr_h, double data_disks, double group_data_disks,
                   double check_disks_per_group = 1);

/// Chen, Lee, Gibson, Katz & Patterson (ACM CSUR 26(2) 1994), RAID-5 of `total_disks` in groups
/// of `group_disks` (data + parity). Each part is a mean time to data loss; `combined_h` adds
/// their rates (harmonic sum).
struct ChenRaid5Input {
  double total_disks = 0;
  double group_disks = 0;  ///< G in Chen's notation: disks per group incl. parity
  double mttf_disk_h = 0;
  double mttr_disk_h = 0;
  double bit_error_rate = 0;       ///< unrecoverable read errors per bit read; 0 = ignore
  double disk_capacity_bytes = 0;  ///< needed when bit_error_rate > 0
  double mttf_system_h = 0;        ///< system crash (loses parity consistency); 0 = ignore
  double mttr_system_h = 0;
};
struct ChenRaid5Mttdl {
  double double_failure_h = 0;  ///< MTTF^2 / (N (G-1) MTTR)
  double bit_error_h = 0;       ///< MTTF / (N (1 - (1 - BER)^{bits read in rebuild})); inf if off
  double system_crash_h = 0;    ///< MTTF_sys MTTF_disk / (N MTTR_sys); inf if off
  double combined_h = 0;
};
ChenRaid5Mttdl mttdl_chen_raid5(const ChenRaid5Input& input);

/// Chen et al. RAID-6 (P+Q), double failures tolerated: MTTF^3 / (N (G-1) (G-2) MTTR^2).
double mttdl_chen_raid6_h(double mttf_h, double mttr_h, double total_disks, double group_disks);

/// The exact array model. `groups` independent redundancy groups of `disks_per_group` disks each
/// tolerate `fault_tolerance` failed disks per group (1: parity/mirroring, 2: RAID-6, 0: none).
/// Failed disks are repaired in parallel. With `hot_spares` > 0 (only for fault_tolerance 1) a
/// failure starts the rebuild onto a spare at once (mean `rebuild_h`) and the consumed spare is
/// replaced in mean `spare_replacement_h`; without a free spare the repair takes `mttr_h`.
struct ArrayReliabilityModel {
  std::int64_t groups = 1;
  std::int64_t disks_per_group = 2;
  int fault_tolerance = 1;
  double mttf_h = 0;
  double mttr_h = 0;
  int hot_spares = 0;
  double rebuild_h = 0;            ///< with a spare
  double spare_replacement_h = 0;  ///< time to replace a consumed spare
};
struct MarkovMttdl {
  double mttdl_h = 0;
  std::int64_t states = 0;  ///< transient states of the chain
};
/// Mean time to absorption in "data lost" from the all-healthy state (Eigen sparse LU). States
/// with so many groups under repair at once that their probability is below 1e-17 are cut off
/// (counted as data loss), which keeps large arrays small without changing the double result.
MarkovMttdl mttdl_markov(const ArrayReliabilityModel& model);

// ---------------------------------------------------------------------------------------------
// I/O multipliers and capacity (Rahm L1686-1692, L1738, L1752; ch5-6a.md §3.16)
// ---------------------------------------------------------------------------------------------

enum class Redundancy { none, mirroring, raid5, parity_striping, raid6 };

/// Parses "none" | "mirroring" | "raid5" | "parity_striping" | "raid6" (InputError otherwise).
Redundancy parse_redundancy(const std::string& name);
std::string to_string(Redundancy scheme);

struct IoMultipliers {
  double read = 1;               ///< disk I/Os per logical block read, normal mode
  double small_write = 1;        ///< disk I/Os per single-block write
  double small_write_reads = 0;  ///< of which reads done first (read-modify-write)
  double full_stripe_write = 1;  ///< disk I/Os to write one whole group (G + 1 for RAID-5)
  double full_stripe_write_per_block = 1;  ///< the same per data block, (G + 1) / G
  double degraded_read = 1;         ///< mean disk I/Os per read in a group with a failed disk
  double degraded_read_failed = 1;  ///< I/Os for a block on the failed disk itself
  double capacity_overhead = 0;     ///< redundant / data capacity (1/G, 1 for mirroring)
  double disks_per_data_disk = 1;   ///< total / data disks
};
/// `group_data_disks` is G, the data disks per parity group (ignored for none and mirroring).
IoMultipliers io_multipliers(Redundancy scheme, double group_data_disks);

// ---------------------------------------------------------------------------------------------
// Block-address mapping (ch5-6a.md §1.8). Disks 0..G, K blocks per disk.
// ---------------------------------------------------------------------------------------------

struct BlockLocation {
  std::int64_t disk = 0;
  std::int64_t position = 0;
  bool operator==(const BlockLocation&) const = default;
};

/// Abb. 5-9 (L1670-1676), RAID-5 with declustering: data block B_i, i in [0, G K).
BlockLocation raid5_data_location(std::int64_t block, std::int64_t group_data_disks,
                                  std::int64_t blocks_per_disk);
/// Parity block P_j, j in [0, K): disk G - j mod (G+1), position j.
BlockLocation raid5_parity_location(std::int64_t parity_block, std::int64_t group_data_disks,
                                    std::int64_t blocks_per_disk);
/// Index j of the parity block protecting B_i: i div G.
std::int64_t raid5_parity_of(std::int64_t block, std::int64_t group_data_disks,
                             std::int64_t blocks_per_disk);

/// Abb. 5-11 (L1720-1727), parity striping: K must be a multiple of G + 1; P = K/(G+1) parity
/// and D = K - P data blocks per disk.
BlockLocation parity_striping_data_location(std::int64_t block, std::int64_t group_data_disks,
                                            std::int64_t blocks_per_disk);
BlockLocation parity_striping_parity_location(std::int64_t parity_block,
                                              std::int64_t group_data_disks,
                                              std::int64_t blocks_per_disk);
std::int64_t parity_striping_parity_of(std::int64_t block, std::int64_t group_data_disks,
                                       std::int64_t blocks_per_disk);

}  // namespace tpeval::solver::reliability
