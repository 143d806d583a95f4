// Generators for the ready-made model documents (see debit_credit.hpp).
#include "model/debit_credit.hpp"

#include <array>
#include <cmath>
#include <string>

namespace tpeval::model {
namespace {

using nlohmann::json;

// Default split of the net path length (the book gives only the total, L2402; ch6-5.md §1.12):
// 20 % at BOT, 60 % spread over the record references, 20 % at commit. The split only moves CPU
// time relative to lock acquisition (lock holding time); throughput bounds do not depend on it.
json path_split(double total, double references) {
  return {
      {"bot", 0.2 * total}, {"per_reference", 0.6 * total / references}, {"commit", 0.2 * total}};
}

json disk_pool(const std::string& name, double access_ms, json count) {
  return {{"name", name},           {"type", "disk"},     {"access_time_ms", access_ms},
          {"controller_ms", 1.0},   {"transfer_ms", 0.4}, {"count", std::move(count)},
          {"controllers", "enough"}};
}

// Tab. 6-6 hardware: 4 x 50 MIPS, 3000 instructions per I/O, 2000-page HS buffer, EH with one
// server at 50 us and 300 instructions set-up, DB disks 15 ms, log disk 5 ms, controller 1 ms,
// transfer 0.4 ms. One SSD pool is declared so allocations can be switched by a --set.
json tab_6_6_node() {
  return {
      {"name", "node1"},
      {"cpu", {{"count", 4}, {"mips", 50.0}}},
      {"io_overhead_instructions", 3000.0},
      {"buffer", {{"pages", 2000}}},
      {"extended_memory",
       {{"access_time_ms", 0.05},
        {"servers", 1},
        {"setup_instructions", 300.0},
        {"synchronous", true},
        {"buffer_pages", 0},
        {"write_buffer_pages", 64}}},
      {"disk_cache", {{"type", "none"}, {"pages", 0}, {"write_buffer_pages", 64}}},
      {"devices", json::array({disk_pool("db_disks", 15.0, "enough"), disk_pool("log_disk", 5.0, 1),
                               json{{"name", "ssd"},
                                    {"type", "ssd"},
                                    {"access_time_ms", 0.0},
                                    {"controller_ms", 1.0},
                                    {"transfer_ms", 0.4},
                                    {"count", "enough"},
                                    {"controllers", "enough"}}})},
      {"log", {{"device", "log_disk"}, {"write_buffer", "none"}, {"group_commit_size", 1}}}};
}

json partition(const std::string& name, double records, double blocking_factor,
               const std::string& access, const std::string& lock, json clustered_with) {
  return {{"name", name},
          {"records", records},
          {"blocking_factor", blocking_factor},
          {"access", access},
          {"lock_granularity", lock},
          {"clustered_with", std::move(clustered_with)},
          {"allocation",
           {{"device", "db_disks"},
            {"write_buffer", "none"},
            {"disk_cache", true},
            {"extended_buffer", false},
            {"migration", "all"}}}};
}

std::string partition_name(int index) {
  std::string name = "P";
  name += std::to_string(index + 1);
  return name;
}

json default_policies() {
  return {{"update_strategy", "noforce"},
          {"victim_write", "synchronous"},
          {"force_writes_to_extended_buffer", true},
          {"force_writes", "sequential"},
          {"mpl", nullptr},
          {"append_new_page_read", false}};
}

}  // namespace

json debit_credit_model(const DebitCreditOptions& o) {
  // TPC sizing per TPS: 1 BRANCH, 10 TELLER, 100,000 ACCOUNT (L269); HISTORY size is irrelevant
  // because inserts go to the end of file (L2402), so it is sized for 90 days at 8 h/day.
  const double branches = o.sized_for_tps;
  const double tellers = 10.0 * o.sized_for_tps;
  const double accounts = 100'000.0 * o.sized_for_tps;
  const double history = 90.0 * 8.0 * 3600.0 * o.sized_for_tps;
  json partitions = json::array();
  // BRANCH: blocking factor 1; with clustering its page also holds the branch's 10 TELLERs.
  partitions.push_back(partition("BRANCH", branches, 1.0, "random", "page", nullptr));
  partitions.push_back(partition("TELLER", tellers, o.teller_blocking_factor, "random", "page",
                                 o.branch_teller_clustering ? json("BRANCH") : json(nullptr)));
  partitions.push_back(
      partition("ACCOUNT", accounts, o.account_blocking_factor, "random", "page", nullptr));
  // HISTORY is never locked (special protocol, L2364) and grows at the end of file (L2315).
  partitions.push_back(
      partition("HISTORY", history, o.history_blocking_factor, "append", "none", nullptr));

  json type = {{"name", "debit_credit"},
               {"mix", 1.0},
               {"references", 4.0},
               {"update_share", 1.0},
               // One record of each type per transaction (L2315), BRANCH before TELLER (L2525).
               {"reference_shares",
                {{"BRANCH", 0.25}, {"TELLER", 0.25}, {"ACCOUNT", 0.25}, {"HISTORY", 0.25}}},
               {"instructions", path_split(o.path_instructions, 4.0)}};

  return {
      {"name", "Debit-Credit, Rahm 1993 Tab. 6-6"},
      {"generator",
       {{"kind", "debit_credit"},
        {"sized_for_tps", o.sized_for_tps},
        {"branch_teller_clustering", o.branch_teller_clustering},
        {"other_branch_share", o.other_branch_share}}},
      {"nodes", json::array({tab_6_6_node()})},
      {"database", {{"partitions", partitions}}},
      {"workload",
       {{"arrival_rate_per_s", o.arrival_rate_per_s}, {"transaction_types", json::array({type})}}},
      {"policies", default_policies()}};
}

const json& default_model() {
  static const json model = debit_credit_model();
  return model;
}

json real_load_model() {
  // Tab. 6-5 (L2325-2342): percent of all references, rows TT1..TT12, columns P1..P13. Blank cells
  // are 0; "0.0" cells are a non-zero share that rounds to 0.0 and are entered as 0.01.
  constexpr int kTypes = 12;
  constexpr int kParts = 13;
  const double z = 0.01;
  const std::array<std::array<double, kParts>, kTypes> m = {{
      {9.1, 3.5, 3.3, 0, 5.0, 0.9, 0.4, 0.1, 0, 0, 0, z, 0},
      {7.5, 6.9, 0.4, 2.6, z, 0.5, 0.8, 1.0, 0.3, 0.2, z, 0, 0},
      {6.4, 1.3, 2.8, z, 2.6, 0.2, 0.7, 0.1, 1.1, 0.4, 0, z, z},
      {z, 3.4, 0.3, 6.8, 0, 0, 0.6, 0.4, 0, 0, z, 0, 0},
      {3.1, 4.1, 0.4, 0, z, 0, 0.5, z, 0, 0, 0, 0, 0},
      {2.4, 2.5, 0.6, 0, 0.7, 0, 0.9, 0.3, 0, 0, 0, 0, 0},
      {1.3, 0, 2.6, 0, 0, 2.3, 0.1, 0, 0, 0, 0, 0, 0},
      {0.3, 2.3, 0.2, 0, z, 0, 0.1, 0, 0, 0, 0, 0, 0},
      {z, 1.4, z, 0, 0, 0, 0, 1.1, 0, 0, 0, 0, 0},
      {0.3, 0.1, 0.3, 0, 0, 1.0, 0.1, 0, 0, 0, 0, z, 0},
      {0, 0.9, 0, 0, 0, 0, 0, 0.2, 0, 0, 0, 0, 0},
      {0, 0.1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
  }};
  // Partition size (% of DB) and referenced share (%) of Tab. 6-5. The DB holds about
  // 66,000 / 0.069 = 957,000 pages (ch6-5.md §1.4.3, derived). Only the referenced part of each
  // partition is modelled (uniform access within it), blocking factor 1. P12/P13 (0.0 % size)
  // get 10 pages.
  const std::array<double, kParts> size_pct = {31.3, 6.3, 8.3, 17.8, 1.0, 20.8, 2.6,
                                               7.3,  2.6, 1.3, 0.8,  0.0, 0.0};
  const std::array<double, kParts> referenced_pct = {11.1, 16.6, 8.0, 2.5, 18.1, 1.5, 9.5,
                                                     4.4,  5.2,  2.7, 0.2, 13.5, 5.0};
  const double db_pages = 957'000.0;
  json model = debit_credit_model();
  model["name"] = "Real load, Rahm 1993 Tab. 6-5";
  model["generator"] = {{"kind", "real_load"}};
  json partitions = json::array();
  for (int p = 0; p < kParts; ++p) {
    double pages = db_pages * size_pct[p] / 100.0 * referenced_pct[p] / 100.0;
    if (pages < 10.0) pages = 10.0;
    partitions.push_back(
        partition(partition_name(p), std::round(pages), 1.0, "random", "page", nullptr));
  }
  model["database"]["partitions"] = partitions;
  // About 57 references per transaction on average (1,000,000 / 17,500, derived); per-type counts
  // are not given, so every type gets 57 and its arrival share is its row sum. 1.6 % of the
  // references update (L2586).
  json types = json::array();
  for (int t = 0; t < kTypes; ++t) {
    json shares = json::object();
    double row = 0.0;
    for (int p = 0; p < kParts; ++p) {
      if (m[t][p] > 0) shares[partition_name(p)] = m[t][p];
      row += m[t][p];
    }
    std::string type_name = "TT";
    type_name += std::to_string(t + 1);
    types.push_back({{"name", type_name},
                     {"mix", row},
                     {"references", 57.0},
                     {"update_share", 0.016},
                     {"reference_shares", shares},
                     {"instructions", path_split(250'000.0, 57.0)}});
  }
  model["workload"]["transaction_types"] = types;
  model["workload"]["arrival_rate_per_s"] = 20.0;
  return model;
}

json debit_credit_cluster_model() {
  // Tab. 7-2 (L3193-3207): the DB per 100 TPS and node (grows with n, L3185), 4 x 10 MIPS and
  // 200 pages per node, GEH with 1 server (50 us per page, 2 us per entry), messages 5000 /
  // 8000 instructions, 10 MB/s. All files on enough disks: no I/O bottleneck (L3219).
  DebitCreditOptions o;
  o.sized_for_tps = 100.0;
  json model = debit_credit_model(o);
  model["name"] = "Debit-Credit cluster, Rahm 1993 Tab. 7-2";
  auto& node = model["nodes"][0];
  node["cpu"] = {{"count", 4}, {"mips", 10.0}};
  node["buffer"] = {{"pages", 200}};
  node["devices"][1]["count"] = "enough";
  model["workload"]["arrival_rate_per_s"] = 100.0;  // per node
  model["cluster"] = {{"nodes", 2},
                      {"locking", "geh_lock_table"},
                      {"coherence", "on_request"},
                      {"routing", "random"},
                      {"scaling", {{"arrival_rate", "per_node"}, {"database", "per_node"}}},
                      {"messages",
                       {{"bandwidth_mb_per_s", 10.0},
                        {"short_bytes", 100.0},
                        {"long_bytes", 4096.0},
                        {"short_instructions", 5000.0},
                        {"long_instructions", 8000.0},
                        {"bundle_releases", true}}},
                      {"geh_lock_table",
                       {{"entry_access_ms", 0.002},
                        {"accesses_per_acquire", 2.0},
                        {"accesses_per_release", 2.0},
                        {"duplicated", false}}}};
  return model;
}

json lock_experiment_model() {
  json model = debit_credit_model();
  model["name"] = "Lock experiment, Rahm 1993 Sect. 6.5.2.7";
  model["generator"] = {{"kind", "lock_experiment"}};
  model["database"]["partitions"] =
      json::array({partition("small", 10'000, 10.0, "random", "page", nullptr),
                   partition("large", 100'000, 10.0, "random", "page", nullptr)});
  model["workload"]["transaction_types"] =
      json::array({json{{"name", "update10"},
                        {"mix", 1.0},
                        {"references", 10.0},
                        {"update_share", 1.0},
                        {"reference_shares", {{"small", 0.8}, {"large", 0.2}}},
                        {"instructions", path_split(250'000.0, 10.0)}}});
  // Log on a disk of its own; "enough" of them so the log disk is not the limit (the experiment
  // is about lock contention; L2627 says the CPU was not exhausted).
  model["nodes"][0]["devices"][1]["count"] = "enough";
  model["workload"]["arrival_rate_per_s"] = 50.0;
  return model;
}

}  // namespace tpeval::model
