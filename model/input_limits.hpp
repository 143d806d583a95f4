// The documented ranges of the transaction model's numeric fields (docs/model.md, "Input limits").
//
// Contract: parse_model() refuses a value outside these ranges with its JSON path and the range,
// exit code 2, so no integer is silently narrowed and no evaluation runs for hours. The ranges are
// far beyond the book's systems (Rahm ch. 6.5: a few CPUs, tens of disks, MPL in the hundreds);
// they only keep the arithmetic exact and the cost of one evaluation bounded.
#pragma once

#include <cstddef>
#include <cstdint>

namespace tpeval::model {

/// cpu.count, extended_memory.servers, devices[].count and devices[].controllers. The Erlang
/// formulas cost O(1) in the server count (solver/open/single_queue.hpp) and the MPL's exact MVA
/// O(min(servers, mpl)), so the range only keeps the count an `int`; the simulator holds fewer
/// (model/sim/server_limits.hpp).
inline constexpr std::int64_t kMaxServers = 1'000'000'000;
/// buffer.pages, extended_memory.buffer_pages/write_buffer_pages, disk_cache.pages and
/// write_buffer_pages: exact in a double and in the simulator's 44-bit page numbers' range.
inline constexpr std::int64_t kMaxPages = 1'000'000'000'000'000;  // 10^15
/// log.group_commit_size.
inline constexpr std::int64_t kMaxGroupCommitSize = 1'000'000;
/// policies.mpl: the MPL-limited evaluation solves the closed network for 1..mpl (O(mpl) memory).
inline constexpr std::int64_t kMaxMpl = 100'000;
/// database.partitions[].records (a double field): exact in a double.
inline constexpr double kMaxRecords = 1e15;
/// workload.transaction_types[].references: references of one transaction (the simulator draws
/// each one).
inline constexpr double kMaxReferences = 1e6;

/// workload.transaction_types[].references.scv and the length of `values`.
inline constexpr double kMaxReferenceScv = 100.0;
inline constexpr std::size_t kMaxReferenceValues = 10'000;
/// workload.terminals: the simulator holds one pending event per terminal.
inline constexpr std::int64_t kMaxTerminals = 1'000'000;
/// workload.think_time_ms: at most a day.
inline constexpr double kMaxThinkTimeMs = 86'400'000.0;

/// Transaction types x partitions. One evaluation costs O(types x partitions) per iteration of
/// the lock model's mean-value solution and some hundreds of iterations (about 20 solves in the
/// maximum-throughput search), besides a dense row of reference shares per type. Measured on the
/// 2-core VM under load (bench/RESULTS.md, issue #16): 10^4 types on 2 partitions or 10^4
/// partitions with 2 types about 4 s of CPU, 10^3 real-load types (13 partitions) 2.3 s, 4 x 10^4
/// pairs 4-17 s, the real load's 10^4 types x 13 partitions 46 s. Beyond the limit the input is
/// refused up front rather than run for minutes.
inline constexpr double kMaxTypePartitionPairs = 20'000;

/// Nodes of a cluster (`cluster.nodes`, or the entries of `nodes`): the simulator's page
/// directory records at most 64 holder nodes per page (model/sim/page_directory.hpp), so a
/// larger cluster could not be validated, and the analytic evaluation's cost grows with the
/// square of the node count (each demand class holds a row over every node's stations): the real
/// load took 3.5 s at 64 nodes, 12 s at 128 and 47 s (295 MB) at 256; with Erlang C once per
/// station and point, 1.2 s at 64 and 4.4 s at 128 (bench/RESULTS.md, issue #16, "Clusters that
/// scale"). Was 1,024.
inline constexpr int kMaxNodes = 64;

/// Transaction types x nodes of a cluster (its demand classes). Several per-class steps of the
/// cluster model sum over every type (a partition's reference rates per node, read
/// authorisations), so an evaluation costs about types^2 x nodes: 10^4 types took 56 s on 2 nodes
/// and 120 s on 4, 1,000 types on 8 nodes 5-8 s; at this limit at most about 5 s (the real
/// load's 13 partitions with 1,000 types on 2 nodes; bench/RESULTS.md, issue #16, "Clusters
/// that scale"). One node keeps kMaxTypePartitionPairs only.
inline constexpr double kMaxClusterTypeNodes = 2'000;

/// The count classes of the transaction types whose count varies, together (model/
/// reference_count.hpp count_classes: up to kMaxCountClasses per type; a fixed whole count is one
/// lock class like any type, bounded by kMaxTypePartitionPairs). The
/// lock model takes one class per count class, and its mean-value iteration takes more steps the
/// more classes there are: Debit-Credit types of SCV 1.5 (43 count classes each) took 0.5 s at
/// 50 and 70 types, 2.6 s at 100, over 300 s at 1,000 (off-grid sweep 3, issue #16). Beyond the
/// limit the input is refused up front rather than run for minutes.
inline constexpr double kMaxCountClassesInAll = 4'000;

}  // namespace tpeval::model
