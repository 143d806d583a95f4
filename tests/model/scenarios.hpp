// Configurations of the Sect. 6.5 experiments (Rahm 1993) built from the embedded default by
// parameter paths, shared by the model tests.
#pragma once

#include <nlohmann/json.hpp>

#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "model/debit_credit.hpp"
#include "model/evaluate.hpp"
#include "model/overrides.hpp"
#include "model/parse.hpp"

namespace tpeval::model::testing {

using Sets = std::vector<std::pair<std::string, nlohmann::json>>;

inline nlohmann::json with(nlohmann::json doc, const Sets& sets) {
  for (const auto& [path, value] : sets) set_parameter(doc, path, value);
  return doc;
}

inline Evaluation eval(const nlohmann::json& doc, bool max_throughput = true) {
  return evaluate(parse_model(doc), EvaluateOptions{max_throughput});
}

inline Evaluation eval_default(const Sets& sets, bool max_throughput = true) {
  return eval(with(default_model(), sets), max_throughput);
}

/// A model of examples/models/ by file name.
inline nlohmann::json example(const std::string& name) {
  std::ifstream in(std::string(TPEVAL_SOURCE_DIR) + "/examples/models/" + name);
  return nlohmann::json::parse(in);
}

/// The Debit-Credit default on BRANCH and ACCOUNT with its type repeated `n` times (the model
/// of bench_scaling's BM_EvalDebitCreditTypesProcess).
inline nlohmann::json repeated_types(int n) {
  nlohmann::json doc = default_model();
  nlohmann::json kept = nlohmann::json::array();
  for (const auto& p : doc["database"]["partitions"]) {
    const std::string name = p.at("name").get<std::string>();
    if (name == "BRANCH" || name == "ACCOUNT") kept.push_back(p);
  }
  doc["database"]["partitions"] = kept;
  nlohmann::json type = doc["workload"]["transaction_types"][0];
  type["reference_shares"] = {{"BRANCH", 0.5}, {"ACCOUNT", 0.5}};
  type.erase("update_shares");
  nlohmann::json types = nlohmann::json::array();
  for (int k = 0; k < n; ++k) {
    type["name"] = "T" + std::to_string(k);
    types.push_back(type);
  }
  doc["workload"]["transaction_types"] = types;
  return doc;
}

/// The real load (Tab. 6-5) with its 13 partitions split into `n` copies that share the
/// records, its first `types` types referencing every copy with shares 1 + k % 5: the model of
/// bench/scaling_models.py's parts-N (a hot granule's lock queue limits it).
inline nlohmann::json split_partitions(int n, int types) {
  nlohmann::json doc = example("real_load.json");
  const nlohmann::json parts = doc["database"]["partitions"];
  nlohmann::json split = nlohmann::json::array();
  for (int k = 0; k < n; ++k) {
    nlohmann::json p = parts[static_cast<std::size_t>(k) % parts.size()];
    p["name"] = "Q" + std::to_string(k);
    p.erase("clustered_with");
    const double records = p.at("records").get<double>() * static_cast<double>(parts.size()) / n;
    p["records"] = records < 1.0 ? 1.0 : records;
    split.push_back(p);
  }
  doc["database"]["partitions"] = split;
  nlohmann::json kept = nlohmann::json::array();
  for (int t = 0; t < types; ++t) {
    nlohmann::json type = doc["workload"]["transaction_types"][static_cast<std::size_t>(t)];
    nlohmann::json shares = nlohmann::json::object();
    for (int k = 0; k < n; ++k) shares["Q" + std::to_string(k)] = 1.0 + k % 5;
    type["reference_shares"] = shares;
    type.erase("update_shares");
    kept.push_back(type);
  }
  doc["workload"]["transaction_types"] = kept;
  return doc;
}

/// Sets a value for every Debit-Credit partition (BRANCH, TELLER, ACCOUNT, HISTORY).
inline Sets all_partitions(const std::string& sub_path, const nlohmann::json& value) {
  Sets s;
  for (const char* p : {"BRANCH", "TELLER", "ACCOUNT", "HISTORY"})
    s.emplace_back(std::string("database.partitions[") + p + "]." + sub_path, value);
  return s;
}

inline Sets operator+(Sets a, const Sets& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

/// Sect. 6.5.2.3 allocations (L2458-2470), "enough" disks and controllers everywhere.
enum class Alloc { disks = 1, nv_dc_write_buffer, eh_write_buffer, ssd, eh_resident, mm_db };

inline Sets allocation(Alloc a) {
  Sets s{{"nodes[0].devices[log_disk].count", "enough"}};
  switch (a) {
    case Alloc::disks:
      break;
    case Alloc::nv_dc_write_buffer:
      s = s +
          Sets{{"nodes[0].disk_cache.type", "non_volatile"},
               {"nodes[0].disk_cache.pages", 0},
               {"nodes[0].log.write_buffer", "disk_cache"}} +
          all_partitions("allocation.write_buffer", "disk_cache");
      break;
    case Alloc::eh_write_buffer:
      s = s + Sets{{"nodes[0].log.write_buffer", "extended_memory"}} +
          all_partitions("allocation.write_buffer", "extended_memory");
      break;
    case Alloc::ssd:
      s = s + Sets{{"nodes[0].log.device", "ssd"}} + all_partitions("allocation.device", "ssd");
      break;
    case Alloc::eh_resident:
      s = s + Sets{{"nodes[0].log.device", "extended_memory"}} +
          all_partitions("allocation.device", "extended_memory");
      break;
    case Alloc::mm_db:
      s = s + all_partitions("allocation.device", "main_memory");
      break;
  }
  return s;
}

inline double rt_ms(const Evaluation& e) {
  return e.mean_response_time_s.value() * 1000.0;
}

}  // namespace tpeval::model::testing
