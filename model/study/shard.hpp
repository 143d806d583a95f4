// Splitting a study over machines: shard files and their merge.
//
// Contract: a shard run (`tpeval study STUDY.json --shard K/N`) computes the points of
// run_study() with options.shard = K/N and writes them with write_shard_file() as
// DIR/shard-K-of-N.json: the study document itself (so a merge needs no access to the study
// file), the directory a relative base model is resolved against, mode, quick, whether a
// simulator was available, K, N and every computed point with its expand_points() index, key
// and result (runner.hpp to_json; doubles round-trip exactly through JSON).
// merge_shards() reads the shard files of one or more directories (or shard files named
// directly), checks that they belong to one study run (same study document, mode, quick and N),
// that every shard 1..N is present exactly once, re-parses the study and re-expands its points,
// and checks every point's key and fingerprint against the re-expanded study (a base model or
// study edited between the shards and the merge is an error naming the point). The merged
// results are in expand_points() order and equal, value for value, those of one run on one
// machine; evaluate_expectations() and write_study_outputs() then produce the same files.
// Every inconsistency is io::InputError naming the file and the reason.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "model/study/runner.hpp"
#include "model/study/study.hpp"

namespace tpeval::model::study {

/// Parses "K/N" (1 <= K <= N <= 100000); errors are io::InputError at `where`.
ShardSpec parse_shard(const std::string& text, const std::string& where = "--shard");

/// "shard-K-of-N.json".
std::string shard_file_name(const ShardSpec& shard);

/// What a shard run records besides its points.
struct ShardRun {
  nlohmann::json study_document;  ///< the study file as read
  std::string study_dir;          ///< where a relative base model is resolved (absolute)
  Mode mode = Mode::analytic;
  bool quick = false;
  bool simulation_available = false;
  ShardSpec shard;
};

/// Writes DIR/shard-K-of-N.json; `results` are run_study()'s results for run.shard.
void write_shard_file(const std::string& directory, const ShardRun& run, const Study& study,
                      const std::vector<PointResult>& results);

struct MergedStudy {
  Study study;
  Mode mode = Mode::analytic;
  bool quick = false;
  bool simulation_available = false;
  std::size_t shards = 0;
  std::vector<PointResult> results;  ///< expand_points() order, all points
};

/// Merges the shard files found in `paths` (directories, searched for shard-*-of-*.json, or
/// shard files).
MergedStudy merge_shards(const std::vector<std::string>& paths);

}  // namespace tpeval::model::study
