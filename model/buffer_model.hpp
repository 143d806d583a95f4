// The buffer submodel: hit ratios per partition and buffer level (main-memory HS buffer, extended
// EH buffer, disk cache) and the dirty-victim probabilities that drive write-backs.
//
// Contract: evaluate_buffers() is a pure function of the model's partitions, buffer sizes,
// policies and the reference mix (hit ratios do not depend on the absolute arrival rate). It maps
// each partition to a reference stream (random: an IRM class of its pages; append/sequential:
// `blocking_factor` consecutive references per page; clustered: a repeat of its host's page) and
// solves the hierarchy with solver/cache/hierarchy.hpp (Che for HS, a TTL model for the second
// level, rules of ch6-5.md §1.7-1.11 and A10), which meets Tab. 6-7 within 1 pp. Partitions not
// allocated to the EH buffer or on a device without the disk cache bypass that level. With both
// an EH buffer and a disk cache, the disk cache sees the misses of one LRU of size HS + EH (exact
// for the exclusive NOFORCE EH buffer, L2559, A9). All hit ratios are fractions of all record
// references to the partition (as Tab. 6-7 counts them, A8).
#pragma once

#include <vector>

#include "model/description.hpp"

namespace tpeval::model {

struct PartitionBuffer {
  double references_per_tx = 0.0;  ///< record references per (average) transaction
  double hs_hit_ratio = 0.0;       ///< per record reference
  double eh_hit_ratio = 0.0;       ///< served by the EH extended buffer, per record reference
  double dc_hit_ratio = 0.0;       ///< served by the disk cache, per record reference
  /// HS misses per record reference that need a read (append partitions create new pages).
  double read_miss_ratio = 0.0;
  /// Page evictions from HS per record reference (= page misses in steady state).
  double eviction_ratio = 0.0;
  /// Probability that a page of this partition is modified while in HS (NOFORCE: dirty victim).
  double modified_probability = 0.0;
  /// Probability that an evicted page migrates into the EH buffer.
  double migration_probability = 0.0;
  /// Cluster: HS misses per record reference served by another node's buffer (NOFORCE page
  /// request or a page shipped with a lock grant); read_miss_ratio then counts only the misses
  /// read from storage.
  double page_request_ratio = 0.0;
};

struct BufferLevels {
  std::vector<PartitionBuffer> partitions;
  /// Characteristic times in transactions (of the average mix); infinite = never evicts.
  double hs_characteristic_time = 0.0;
  double eh_characteristic_time = 0.0;
  double dc_characteristic_time = 0.0;
  /// Reference-weighted hit ratios over all partitions.
  double hs_hit_ratio = 0.0;
  double eh_hit_ratio = 0.0;
  double dc_hit_ratio = 0.0;

  /// Sets the three overall hit ratios to the reference-weighted means of the partitions'.
  void average_hit_ratios();
};

/// References per transaction of type t to partition p.
double references_per_tx(const SystemModel& model, std::size_t t, std::size_t p);

BufferLevels evaluate_buffers(const SystemModel& model);

}  // namespace tpeval::model
