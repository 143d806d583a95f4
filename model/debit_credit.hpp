// Ready-made model descriptions: the Debit-Credit generator, the embedded default (Tab. 6-6), the
// real-load reference matrix (Tab. 6-5) and the lock experiment of Sect. 6.5.2.7.
//
// Contract: every function returns a complete model document (JSON, every key explicit) that
// parse_model() accepts; they are pure and deterministic. The documents are the ones shipped in
// examples/models/*.json and printed by `tpeval model --print-default`.
#pragma once

#include <nlohmann/json.hpp>

namespace tpeval::model {

/// Debit-Credit per TPC (ch1-4.md §1.8, L269; TPSIM generator L2315, L2402).
struct DebitCreditOptions {
  double sized_for_tps = 500.0;  ///< TPC sizing: 1 BRANCH, 10 TELLER, 100,000 ACCOUNT per TPS
  bool branch_teller_clustering = true;  ///< TELLER records in their BRANCH's page (L2402)
  double other_branch_share = 0.15;      ///< 15 % rule (L269); matters only with several nodes
  double account_blocking_factor = 10.0;
  double teller_blocking_factor = 10.0;
  double history_blocking_factor = 20.0;
  double arrival_rate_per_s = 100.0;   ///< chosen default (the book varies 10..700 TPS)
  double path_instructions = 250'000;  ///< net path length (Tab. 6-6)
};

/// A full Debit-Credit model on the Tab. 6-6 hardware (4 x 50 MIPS, 2000-page HS buffer, NOFORCE,
/// page locks, HISTORY unlocked, log on one disk, DB on enough disks).
nlohmann::json debit_credit_model(const DebitCreditOptions& options = {});

/// The embedded default: debit_credit_model() with default options.
const nlohmann::json& default_model();

/// The multi-node Debit-Credit of Tab. 7-2 (Rahm 1993 §7.6.2.1, L3185-3211): DB per 100 TPS per
/// node, 4 x 10 MIPS and 200 pages per node, GEH lock table, random routing, NOFORCE, 100 TPS
/// per node, 2 nodes (`cluster.nodes` varies 1-10 in the book).
nlohmann::json debit_credit_cluster_model();

/// The real load of Tab. 6-5 (L2325-2342) as a synthetic workload: 12 transaction types over 13
/// partitions (referenced parts only), Tab. 6-6 hardware.
nlohmann::json real_load_model();

/// The lock experiment of Sect. 6.5.2.7 (L2616-2635): 10 updates per transaction, 80 % to a
/// 10,000-record partition, 20 % to a 100,000-record one, blocking factor 10, page locks, all on
/// disk.
nlohmann::json lock_experiment_model();

}  // namespace tpeval::model
