// Transaction routing in a cluster: which node runs which share of each transaction type, and
// how local each partition's references are (Rahm 1993 §7.6.1 L3148-3162, ch8-9-small.md §1.2).
//
// Contract: pure functions of the model. routing_fractions() returns [type][node] fractions
// that sum to 1 per type: random and key affinity spread every type evenly (key affinity keeps
// the data local instead, L3219); a routing table is taken as given (Tab. 7-1); type affinity
// sends each type to one node, largest mix first to the least loaded node (a greedy form of the
// locality-and-balance heuristic of [Ra86b], L3342). Under key affinity every random-access
// partition is split into n key ranges, one per node, and `other_node_share` of a partition's
// references go to another node's range (Debit-Credit ACCOUNT 15 %, L3219).
#pragma once

#include <vector>

#include "model/description.hpp"

namespace tpeval::model {

std::vector<std::vector<double>> routing_fractions(const SystemModel& model);

/// Whether partition p is split into per-node key ranges (key affinity, random access).
bool key_partitioned(const SystemModel& model, std::size_t p);

/// Record references to partition p made by each node, per transaction of the system's mix
/// (hit ratios do not depend on the absolute rate).
std::vector<double> node_reference_rates(const SystemModel& model,
                                         const std::vector<std::vector<double>>& routing,
                                         std::size_t p);

/// Share of node i's lock requests on partition p that fall under its own lock authority with
/// primary-copy locking: authority is assigned along the routing (L2961, L3304), so it is the
/// own key range under key affinity and otherwise proportional to each node's use of p (1/n
/// under random routing, V33/V56).
double authority_share(const SystemModel& model, const std::vector<std::vector<double>>& routing,
                       std::size_t p, std::size_t node);

/// Lock granules of a partition (0 = not locked): pages, or records, with one hot granule for
/// appends to the end-of-file page and no lock of its own for a clustered partition's page.
double lock_granules(const Partition& part);

/// Whether every partition's reference count of `type` is a fixed whole number: the
/// simulator then takes exactly that multiset of references in random order; otherwise each
/// reference picks its partition by the shares (model/sim/reference_generator.cpp).
bool fixed_reference_counts(const TransactionType& type);

/// Mean number of distinct granules a transaction of `type` locks on partition p of `granules`
/// granules (uniform; 1 for the end-of-file page of appends): a transaction that holds a lock
/// does not request it again (issue #13: five references with page-locked HISTORY make 1.25
/// appends per transaction to one page, 0.76 lock requests). Fixed counts k: D (1 - (1 - 1/D)^k);
/// drawn references (n, share s): D (1 - (1 - s/D)^n).
double distinct_lock_requests(const TransactionType& type, std::size_t p, double granules);
/// The same for a transaction of `references` drawn references (a count class of a variable
/// count, model/reference_count.hpp): the count classes' requests grow as these, not linearly
/// (issue #13: repeated granules; lock requests per transaction 2.47 against 2.34 simulated).
double distinct_lock_requests(const TransactionType& type, std::size_t p, double granules,
                              double references);
/// The rule under both: the mean number of distinct items among a transaction's references to
/// partition p that are selected with probability `selected` each (1: every reference; the
/// update share: the updated ones), each on one of `items` uniform items. Fixed counts k:
/// D (1 - (1 - q/D)^k); drawn references (n, share s): D (1 - (1 - s q/D)^n). The FORCE commit
/// writes use it for the distinct updated pages (model/device_demand.cpp), the simulator writing
/// each modified page once (model/sim/transaction_engine.cpp note_modified).
double distinct_selected_items(const TransactionType& type, std::size_t p, double items,
                               double selected, double references);

/// Lock requests on the host's granules made by references to a page-clustered partition q
/// (TELLER in BRANCH's page, L2402) before the transaction touched its host: such a reference
/// lies in a host page of its own and locks it (model/sim/reference_generator.cpp make); later
/// ones of either partition share a held page only if they are q's. With fixed counts the
/// clustered reference follows its host's (0); with drawn references (n, shares s_h, s_q) it is
/// the chance that the first of them is q's: s_q / (s_h + s_q) (1 - (1 - s_h - s_q)^n).
double leading_clustered_requests(const TransactionType& type, std::size_t q, std::size_t host);
/// The same for a transaction of `references` drawn references.
double leading_clustered_requests(const TransactionType& type, std::size_t q, std::size_t host,
                                  double references);

/// Whether the record locks of a partition q clustered in a page-locked host never conflict:
/// every type that references q has fixed counts and a host reference (the simulator places a
/// clustered reference right after its host's first one, in the host page that reference locked:
/// model/sim/reference_generator.cpp), and locks that page exclusively or reads q only. A holder
/// of a q record then holds its page, and whoever wants the record must wait for the page first
/// (issue #13: TELLER record locks in BRANCH pages - 0.0013 analytic conflicts per TELLER
/// request at 150 TPS, none simulated). Such requests are counted but not given to the lock model.
bool clustered_locks_covered(const SystemModel& model, std::size_t q);

}  // namespace tpeval::model
