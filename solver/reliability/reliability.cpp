#include "solver/reliability/reliability.hpp"

#include <Eigen/Sparse>
#include <Eigen/SparseLU>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <sstream>

#include "solver/io/json_input.hpp"

namespace tpeval::solver::reliability {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

void require_positive(double value, const char* name) {
  if (!(std::isfinite(value) && value > 0)) throw io::InputError(name, "must be a positive number");
}
void require_non_negative(double value, const char* name) {
  if (!(std::isfinite(value) && value >= 0)) {
    throw io::InputError(name, "must be a non-negative number");
  }
}
void require_group(double data_disks, double group_data_disks) {
  require_positive(data_disks, "data_disks");
  require_positive(group_data_disks, "group_data_disks");
  if (group_data_disks > data_disks) {
    throw io::InputError("group_data_disks", "must not exceed the number of data disks");
  }
}

}  // namespace

double mttdl_no_redundancy_h(double mttf_h, double disks) {
  require_positive(mttf_h, "mttf_h");
  require_positive(disks, "disks");
  return mttf_h / disks;
}

double parity_array_disks(double data_disks, double group_data_disks) {
  require_group(data_disks, group_data_disks);
  return data_disks + data_disks / group_data_disks;
}

double mttdl_parity_h(double mttf_h, double mttr_h, double data_disks, double group_data_disks) {
  require_positive(mttf_h, "mttf_h");
  require_positive(mttr_h, "mttr_h");
  // First factor: mean time until any of the N + N/G disks fails; second: 1 / P(one of the G
  // other disks of that group fails within the repair time) (Rahm L1625).
  return mttf_h / parity_array_disks(data_disks, group_data_disks) * mttf_h /
         (group_data_disks * mttr_h);
}

double mttdl_pgk_h(double mttf_h, double mttr_h, double data_disks, double group_data_disks,
                   double check_disks_per_group) {
  require_positive(mttf_h, "mttf_h");
  require_positive(mttr_h, "mttr_h");
  require_group(data_disks, group_data_disks);
  require_positive(check_disks_per_group, "check_disks_per_group");
  const double groups = data_disks / group_data_disks;
  return mttf_h * mttf_h /
         ((data_disks + check_disks_per_group * groups) *
          (group_data_disks + check_disks_per_group - 1) * mttr_h);
}

ChenRaid5Mttdl mttdl_chen_raid5(const ChenRaid5Input& in) {
  require_positive(in.total_disks, "total_disks");
  require_positive(in.group_disks, "group_disks");
  if (in.group_disks < 2 || in.group_disks > in.total_disks) {
    throw io::InputError("group_disks", "must be in [2, total_disks]");
  }
  require_positive(in.mttf_disk_h, "mttf_disk_h");
  require_positive(in.mttr_disk_h, "mttr_disk_h");
  if (!(in.bit_error_rate >= 0 && in.bit_error_rate < 1)) {
    throw io::InputError("bit_error_rate", "must be in [0, 1)");
  }
  require_non_negative(in.disk_capacity_bytes, "disk_capacity_bytes");
  require_non_negative(in.mttf_system_h, "mttf_system_h");
  require_non_negative(in.mttr_system_h, "mttr_system_h");

  ChenRaid5Mttdl out;
  const double n = in.total_disks, g = in.group_disks;
  out.double_failure_h = in.mttf_disk_h * in.mttf_disk_h / (n * (g - 1) * in.mttr_disk_h);
  out.bit_error_h = kInf;
  if (in.bit_error_rate > 0) {
    if (in.disk_capacity_bytes <= 0) {
      throw io::InputError("disk_capacity_bytes", "must be positive when bit_error_rate > 0");
    }
    // Rebuild reads the G - 1 surviving disks of the group completely. 1 - (1 - p)^b via
    // log1p/expm1: (1 - p)^b underflows nothing but loses all digits for p ~ 1e-15.
    const double bits_read = (g - 1) * in.disk_capacity_bytes * 8.0;
    const double p_error = -std::expm1(bits_read * std::log1p(-in.bit_error_rate));
    if (p_error > 0) out.bit_error_h = in.mttf_disk_h / (n * p_error);
  }
  out.system_crash_h = kInf;
  if (in.mttf_system_h > 0 && in.mttr_system_h > 0) {
    out.system_crash_h = in.mttf_system_h * in.mttf_disk_h / (n * in.mttr_system_h);
  }
  const double rate = 1.0 / out.double_failure_h + 1.0 / out.bit_error_h + 1.0 / out.system_crash_h;
  out.combined_h = 1.0 / rate;
  return out;
}

double mttdl_chen_raid6_h(double mttf_h, double mttr_h, double total_disks, double group_disks) {
  require_positive(mttf_h, "mttf_h");
  require_positive(mttr_h, "mttr_h");
  require_positive(total_disks, "total_disks");
  if (!(group_disks >= 3 && group_disks <= total_disks)) {
    throw io::InputError("group_disks", "must be in [3, total_disks] for RAID-6");
  }
  return std::pow(mttf_h, 3) /
         (total_disks * (group_disks - 1) * (group_disks - 2) * mttr_h * mttr_h);
}

// ---------------------------------------------------------------------------------------------

namespace {

/// A transient state of the array chain. For fault tolerance 1 with spares:
/// level = {groups rebuilding onto a spare, groups waiting for a plain repair}, spares_missing
/// = consumed spares not yet replaced. For fault tolerance f without spares: level[i] = groups
/// with i + 1 failed disks.
struct ArrayState {
  std::vector<std::int64_t> level;
  std::int64_t spares_missing = 0;
  bool operator<(const ArrayState& o) const {
    return level != o.level ? level < o.level : spares_missing < o.spares_missing;
  }
};

}  // namespace

namespace {

void validate_array_model(const ArrayReliabilityModel& m) {
  if (m.groups < 1) throw io::InputError("groups", "must be an integer >= 1");
  if (m.fault_tolerance < 0) throw io::InputError("fault_tolerance", "must be >= 0");
  if (m.disks_per_group < m.fault_tolerance + 1) {
    throw io::InputError("disks_per_group", "must exceed the fault tolerance");
  }
  require_positive(m.mttf_h, "mttf_h");
  if (m.fault_tolerance > 0) require_positive(m.mttr_h, "mttr_h");
  if (m.hot_spares < 0) throw io::InputError("hot_spares", "must be >= 0");
  if (m.hot_spares > 0) {
    if (m.fault_tolerance != 1) {
      throw io::InputError("hot_spares", "hot spares are modelled for fault tolerance 1 only");
    }
    require_positive(m.rebuild_h, "rebuild_h");
    require_positive(m.spare_replacement_h, "spare_replacement_h");
  }
}

/// Truncation: the number of groups under repair at once is about Poisson with mean
/// rho = disks * lambda * (longest repair) (M/G/infinity). States with more than `cap` degraded
/// groups are not built; a further failure there counts as data loss. That adds a loss rate of
/// about P(cap) * disks * lambda to the true one, about rho * lambda * (disks per group), so
/// P(cap) = rho^cap / cap! < 1e-16 * rho / groups keeps the relative error below 1e-16: the
/// result is a lower bound exact to double precision, and arrays of hundreds of groups need a
/// few hundred states instead of groups^2 * spares.
std::int64_t degraded_groups_cap(const ArrayReliabilityModel& m) {
  const double longest_repair_h = std::max(m.mttr_h, m.hot_spares > 0 ? m.rebuild_h : 0.0);
  const double lambda = 1.0 / m.mttf_h;
  const double rho = static_cast<double>(m.groups * m.disks_per_group) * lambda * longest_repair_h;
  const double negligible = 1e-16 * std::min(rho, 1.0) / static_cast<double>(m.groups);
  std::int64_t cap = 1;
  for (double tail = rho; cap < m.groups && tail >= negligible; ++cap) {
    tail *= rho / static_cast<double>(cap + 1);
  }
  return std::max<std::int64_t>(cap, std::min<std::int64_t>(m.groups, 3));
}

/// The transient part of the array's failure/repair chain, enumerated breadth-first from the
/// healthy state; data loss is the one absorbing state (rates into it count in exit_rate only).
class ArrayChain {
 public:
  explicit ArrayChain(const ArrayReliabilityModel& m)
      : m_(m),
        lambda_(1.0 / m.mttf_h),
        g_(m.disks_per_group),
        spares_(m.hot_spares > 0),
        cap_(degraded_groups_cap(m)) {
    ArrayState start;
    start.level.assign(spares_ ? 2 : static_cast<std::size_t>(m.fault_tolerance), 0);
    id_of(start);
    for (std::size_t cur = 0; cur < states_.size(); ++cur) {
      if (static_cast<std::int64_t>(states_.size()) > kMaxStates) {
        throw io::InputError("groups", "the Markov chain has more than 2,000,000 states");
      }
      cur_ = cur;
      const ArrayState s = states_[cur];
      if (spares_)
        spare_transitions(s);
      else
        parity_transitions(s);
    }
  }

  /// Mean time to absorption from the healthy state: t solves (-Q_T) t = 1.
  MarkovMttdl mean_time_to_data_loss() const {
    const auto n = static_cast<Eigen::Index>(states_.size());
    std::vector<Eigen::Triplet<double>> a;
    a.reserve(triplets_.size() + states_.size());
    for (const auto& t : triplets_) a.emplace_back(t.row(), t.col(), -t.value());
    for (Eigen::Index i = 0; i < n; ++i)
      a.emplace_back(i, i, exit_rate_[static_cast<std::size_t>(i)]);
    Eigen::SparseMatrix<double> matrix(n, n);
    matrix.setFromTriplets(a.begin(), a.end());
    Eigen::SparseLU<Eigen::SparseMatrix<double>> lu;
    lu.compute(matrix);
    if (lu.info() != Eigen::Success) {
      throw std::runtime_error("mttdl_markov: singular generator (no path to data loss?)");
    }
    const Eigen::VectorXd t = lu.solve(Eigen::VectorXd::Ones(n));
    return {t(0), static_cast<std::int64_t>(n)};
  }

 private:
  static constexpr std::int64_t kMaxStates = 2'000'000;

  std::int64_t id_of(const ArrayState& s) {
    auto [it, inserted] = index_.emplace(s, static_cast<std::int64_t>(states_.size()));
    if (inserted) {
      states_.push_back(s);
      exit_rate_.push_back(0.0);
    }
    return it->second;
  }
  void add(const ArrayState& to, double rate) {
    if (rate <= 0) return;
    exit_rate_[cur_] += rate;
    triplets_.emplace_back(static_cast<std::int64_t>(cur_), id_of(to), rate);
  }
  void lose(double rate) { exit_rate_[cur_] += rate; }  // into the absorbing state

  /// Fault tolerance 1 with hot spares: level = {groups rebuilding onto a spare, groups waiting
  /// for a plain repair}.
  void spare_transitions(const ArrayState& s) {
    const std::int64_t rebuilding = s.level[0], waiting = s.level[1];
    const std::int64_t healthy = m_.groups - rebuilding - waiting;
    // A healthy group loses a disk: rebuild onto a free spare if there is one.
    if (healthy > 0 && rebuilding + waiting >= cap_) {
      lose(static_cast<double>(healthy * g_) * lambda_);
    } else if (healthy > 0) {
      ArrayState to = s;
      if (s.spares_missing < m_.hot_spares) {
        ++to.level[0];
        ++to.spares_missing;
      } else {
        ++to.level[1];
      }
      add(to, static_cast<double>(healthy * g_) * lambda_);
    }
    lose(static_cast<double>((rebuilding + waiting) * (g_ - 1)) * lambda_);
    if (rebuilding > 0) {
      ArrayState to = s;
      --to.level[0];
      add(to, static_cast<double>(rebuilding) / m_.rebuild_h);
    }
    if (waiting > 0) {
      ArrayState to = s;
      --to.level[1];
      add(to, static_cast<double>(waiting) / m_.mttr_h);
    }
    if (s.spares_missing > 0) {
      ArrayState to = s;
      --to.spares_missing;
      add(to, static_cast<double>(s.spares_missing) / m_.spare_replacement_h);
    }
  }

  /// Fault tolerance f without spares: level[i] = groups with i + 1 failed disks.
  void parity_transitions(const ArrayState& s) {
    const int f = m_.fault_tolerance;
    std::int64_t degraded = 0;
    for (std::int64_t c : s.level) degraded += c;
    const std::int64_t healthy = m_.groups - degraded;
    if (healthy > 0 && degraded >= cap_) {
      lose(static_cast<double>(healthy * g_) * lambda_);
    } else if (healthy > 0) {
      ArrayState to = s;
      ++to.level[0];
      add(to, static_cast<double>(healthy * g_) * lambda_);
    }
    for (int i = 0; i < f; ++i) {
      const std::int64_t c = s.level[static_cast<std::size_t>(i)];
      if (c == 0) continue;
      const int failed = i + 1;
      // Another disk of such a group fails.
      const double fail_rate = static_cast<double>(c * (g_ - failed)) * lambda_;
      if (failed == f) {
        lose(fail_rate);
      } else {
        ArrayState to = s;
        --to.level[static_cast<std::size_t>(i)];
        ++to.level[static_cast<std::size_t>(i + 1)];
        add(to, fail_rate);
      }
      // Each failed disk is repaired independently (parallel repair).
      ArrayState to = s;
      --to.level[static_cast<std::size_t>(i)];
      if (i > 0) ++to.level[static_cast<std::size_t>(i - 1)];
      add(to, static_cast<double>(c * failed) / m_.mttr_h);
    }
  }

  const ArrayReliabilityModel& m_;
  const double lambda_;   ///< failure rate of one disk, 1 / MTTF
  const std::int64_t g_;  ///< disks per group
  const bool spares_;
  const std::int64_t cap_;  ///< degraded groups beyond which a failure counts as loss
  std::map<ArrayState, std::int64_t> index_;
  std::vector<ArrayState> states_;
  std::vector<Eigen::Triplet<double>> triplets_;  // generator restricted to transient states
  std::vector<double> exit_rate_;
  std::size_t cur_ = 0;  ///< the state whose transitions are being added
};

}  // namespace

MarkovMttdl mttdl_markov(const ArrayReliabilityModel& m) {
  validate_array_model(m);
  if (m.fault_tolerance == 0) {
    return {m.mttf_h / static_cast<double>(m.groups * m.disks_per_group), 1};
  }
  return ArrayChain(m).mean_time_to_data_loss();
}

// ---------------------------------------------------------------------------------------------

Redundancy parse_redundancy(const std::string& name) {
  if (name == "none") return Redundancy::none;
  if (name == "mirroring") return Redundancy::mirroring;
  if (name == "raid5") return Redundancy::raid5;
  if (name == "parity_striping") return Redundancy::parity_striping;
  if (name == "raid6") return Redundancy::raid6;
  throw io::InputError(
      "redundancy",
      "must be one of none, mirroring, raid5, parity_striping, raid6 (got '" + name + "')");
}

std::string to_string(Redundancy scheme) {
  switch (scheme) {
    case Redundancy::none:
      return "none";
    case Redundancy::mirroring:
      return "mirroring";
    case Redundancy::raid5:
      return "raid5";
    case Redundancy::parity_striping:
      return "parity_striping";
    case Redundancy::raid6:
      return "raid6";
  }
  return "none";
}

IoMultipliers io_multipliers(Redundancy scheme, double group_data_disks) {
  IoMultipliers io;
  switch (scheme) {
    case Redundancy::none:
      return io;
    case Redundancy::mirroring:
      // Writes go to both copies (L1752); reads use one copy; after a failure the survivor
      // serves all reads of the pair (L1758), still one I/O each.
      io.small_write = 2;
      io.full_stripe_write = 2;
      io.full_stripe_write_per_block = 2;
      io.capacity_overhead = 1;
      io.disks_per_data_disk = 2;
      return io;
    case Redundancy::raid5:
    case Redundancy::parity_striping:
    case Redundancy::raid6: {
      require_positive(group_data_disks, "group_data_disks");
      const double g = group_data_disks;
      const double checks = scheme == Redundancy::raid6 ? 2.0 : 1.0;
      // Small write = read old data and old parity, then write both (L1686): 2 + 2 for one
      // parity block, 3 + 3 with P+Q. Parity striping has the same counts; only the disks
      // touched differ (2 disks, L1712).
      io.small_write_reads = 1 + checks;
      io.small_write = 2 * (1 + checks);
      // Full-stripe write: G data + the check blocks, no reads (L1692), per data block.
      io.full_stripe_write = g + checks;
      io.full_stripe_write_per_block = (g + checks) / g;
      // A block on the failed disk is rebuilt from the G - 1 other data blocks and one check
      // block (L1678): G reads. With rotating parity every disk holds the same share of the
      // group's data blocks, q = 1 / (G + checks), so a random read costs (1 - q) + q G.
      io.degraded_read_failed = g;
      const double q = 1.0 / (g + checks);
      io.degraded_read = (1 - q) * 1.0 + q * g;
      io.capacity_overhead = checks / g;
      io.disks_per_data_disk = (g + checks) / g;
      return io;
    }
  }
  return io;
}

// ---------------------------------------------------------------------------------------------

namespace {
void check_mapping_args(std::int64_t g, std::int64_t k) {
  if (g < 1) throw io::InputError("group_data_disks", "must be an integer >= 1");
  if (k < 1) throw io::InputError("blocks_per_disk", "must be an integer >= 1");
}
void check_index(std::int64_t value, std::int64_t limit, const char* name) {
  if (value < 0 || value >= limit) {
    throw io::InputError(name, "must be in [0, " + std::to_string(limit) + ")");
  }
}
void check_striping_args(std::int64_t g, std::int64_t k) {
  check_mapping_args(g, k);
  if (k % (g + 1) != 0) {
    throw io::InputError("blocks_per_disk", "must be a multiple of G + 1 for parity striping");
  }
}
}  // namespace

BlockLocation raid5_data_location(std::int64_t i, std::int64_t g, std::int64_t k) {
  check_mapping_args(g, k);
  check_index(i, g * k, "block");
  const std::int64_t stripe = i / g, column = i % g;
  // Data skips the parity disk of its stripe, which rotates G, G-1, ..., 0 (Abb. 5-9).
  const std::int64_t disk = column < g - stripe % (g + 1) ? column : column + 1;
  return {disk, stripe};
}

BlockLocation raid5_parity_location(std::int64_t j, std::int64_t g, std::int64_t k) {
  check_mapping_args(g, k);
  check_index(j, k, "parity_block");
  return {g - j % (g + 1), j};
}

std::int64_t raid5_parity_of(std::int64_t i, std::int64_t g, std::int64_t k) {
  check_mapping_args(g, k);
  check_index(i, g * k, "block");
  return i / g;
}

BlockLocation parity_striping_data_location(std::int64_t i, std::int64_t g, std::int64_t k) {
  check_striping_args(g, k);
  check_index(i, g * k, "block");
  const std::int64_t d = k - k / (g + 1);
  return {i / d, i % d};
}

BlockLocation parity_striping_parity_location(std::int64_t j, std::int64_t g, std::int64_t k) {
  check_striping_args(g, k);
  check_index(j, k, "parity_block");
  const std::int64_t p = k / (g + 1), d = k - p;
  return {j / p, d + j % p};
}

std::int64_t parity_striping_parity_of(std::int64_t i, std::int64_t g, std::int64_t k) {
  check_striping_args(g, k);
  check_index(i, g * k, "block");
  const std::int64_t p = k / (g + 1), d = k - p;
  // Abb. 5-11: blocks of disk i div D whose parity would land on their own disk move to the
  // second half of the parity range.
  return i / d > (i % d) / p ? i % d : p + i % d;
}

}  // namespace tpeval::solver::reliability
