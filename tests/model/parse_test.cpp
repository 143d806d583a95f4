// The model document: defaults, the shipped examples and schema, and bad input (path + reason).
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "model/debit_credit.hpp"
#include "model/overrides.hpp"
#include "model/parse.hpp"
#include "model/schema.hpp"
#include "solver/io/json_input.hpp"

using namespace tpeval;
using namespace tpeval::model;

namespace {

/// The InputError text of parsing `doc`, or "" when it parses.
std::string error_of(const nlohmann::json& doc) {
  try {
    parse_model(doc);
  } catch (const io::InputError& e) {
    return e.what();
  }
  return "";
}

nlohmann::json changed(const std::string& path, const nlohmann::json& value) {
  nlohmann::json doc = default_model();
  set_parameter(doc, path, value);
  return doc;
}

}  // namespace

TEST_CASE("the embedded default is Tab. 6-6 (L2407-2418)") {
  const auto m = parse_model(default_model());
  REQUIRE(m.nodes.size() == 1);
  const auto& n = m.nodes.front();
  CHECK(n.cpu_count == 4);
  CHECK(n.cpu_mips == 50.0);
  CHECK(n.buffer_pages == 2000);
  CHECK(n.io_overhead_instructions == 3000.0);
  CHECK(m.policies.update_strategy == UpdateStrategy::noforce);
  REQUIRE(m.partitions.size() == 4);
  CHECK(m.partitions[0].name == "BRANCH");
  CHECK(m.partitions[0].pages() == doctest::Approx(500.0));          // L2525
  CHECK(m.partitions[2].pages() == doctest::Approx(5'000'000.0));    // 50e6 / 10
  CHECK(m.partitions[1].clustered_with == 0);                        // TELLER in BRANCH pages
  CHECK(m.partitions[3].lock_granularity == LockGranularity::none);  // HISTORY, L2364
  const auto& path = m.transaction_types[0].instructions;
  CHECK(path.bot + 4 * path.per_reference + path.commit == doctest::Approx(250'000.0));
  CHECK(m.arrival_rate_per_s == 100.0);
}

TEST_CASE("shipped files equal what the binary generates") {
  // The shipped files name their schema ("$schema", for editors); the generated ones need not.
  const auto read = [](const std::string& rel) {
    auto doc = io::read_json_file(std::string(TPEVAL_SOURCE_DIR) + "/" + rel);
    if (rel.rfind("examples/", 0) == 0) doc.erase("$schema");
    return doc;
  };
  CHECK(read("schemas/model.schema.json") == model_schema());
  CHECK(read("examples/models/debit_credit_default.json") == default_model());
  CHECK(read("examples/models/real_load.json") == real_load_model());
  CHECK(read("examples/models/lock_experiment.json") == lock_experiment_model());
  CHECK(read("examples/models/debit_credit_cluster.json") == debit_credit_cluster_model());
  // All parse.
  CHECK_NOTHROW(parse_model(real_load_model()));
  CHECK_NOTHROW(parse_model(lock_experiment_model()));
}

TEST_CASE("the generator follows the TPC sizing per TPS (L269) and the clustering option") {
  DebitCreditOptions o;
  o.sized_for_tps = 100;
  o.branch_teller_clustering = false;
  const auto m = parse_model(debit_credit_model(o));
  CHECK(m.partitions[0].records == 100);
  CHECK(m.partitions[1].records == 1000);
  CHECK(m.partitions[2].records == 10'000'000);
  CHECK_FALSE(m.partitions[1].clustered_with);
  CHECK(m.partitions[1].pages() == doctest::Approx(100.0));
}

TEST_CASE("real load: Tab. 6-5 rows are renormalised relative shares") {
  const auto m = parse_model(real_load_model());
  CHECK(m.transaction_types.size() == 12);
  CHECK(m.partitions.size() == 13);
  for (const auto& t : m.transaction_types) {
    double sum = 0;
    for (double s : t.reference_shares) sum += s;
    CHECK(sum == doctest::Approx(1.0));
  }
}

TEST_CASE("bad input names the JSON path and the reason") {
  CHECK(error_of(changed("nodes[0].cpu.count", 0)) ==
        "nodes[0].cpu.count: must be a positive integer");
  CHECK(error_of(changed("nodes[0].cpu.mips", -5)) == "nodes[0].cpu.mips: must be positive");
  CHECK(error_of(changed("database.partitions[0].records", 0)) ==
        "database.partitions[0].records: must be positive");
  CHECK(error_of(changed("policies.update_strategy", "forse"))
            .find("policies.update_strategy: must be one of") == 0);
  CHECK(error_of(changed("database.partitions[ACCOUNT].allocation.device", "db_disk")) ==
        "database.partitions[2].allocation.device: unknown device 'db_disk' (did you mean "
        "'db_disks'?)");
  CHECK(error_of(changed("nodes[0].log.device", "log_dsk")) ==
        "nodes[0].log.device: unknown device 'log_dsk' (did you mean 'log_disk'?)");
  CHECK(error_of(changed("nodes[0].log.device", "main_memory")).find("nodes[0].log.device:") == 0);
  CHECK(error_of(changed("nodes[0].log.write_buffer", "disk_cache")) ==
        "nodes[0].log.write_buffer: a disk-cache write buffer needs disk_cache.type "
        "\"non_volatile\"");
  CHECK(error_of(changed("workload.transaction_types[0].reference_shares.ACOUNT", 0.25)) ==
        "workload.transaction_types[0].reference_shares.ACOUNT: unknown partition 'ACOUNT' (did "
        "you mean 'ACCOUNT'?)");
  CHECK(error_of(changed("workload.transaction_types[0].update_share", 1.5)) ==
        "workload.transaction_types[0].update_share: must be between 0 and 1");
  CHECK(error_of(changed("database.partitions[TELLER].clustered_with", "TELLER")) ==
        "database.partitions[1].clustered_with: a partition cannot be clustered with itself");
  CHECK(error_of(changed("nodes[0].devices[log_disk].count", "lots"))
            .find("nodes[0].devices[1].count: must be one of") == 0);
  CHECK(error_of(changed("policies.mpl", 0)) == "policies.mpl: must be a positive integer");
  nlohmann::json doc = default_model();
  doc["nodes"][0]["bufer"] = 3;
  CHECK(error_of(doc) == "nodes[0].bufer: unknown key (did you mean 'buffer'?)");
  doc = default_model();
  doc["nodes"].push_back(doc["nodes"][0]);
  CHECK(error_of(doc).find("nodes[1].extended_memory: storage is shared by all nodes") == 0);
  doc = default_model();
  doc.erase("workload");
  CHECK(error_of(doc) == "workload: is required");
  doc = default_model();
  doc["workload"]["transaction_types"][0]["reference_shares"] = {{"BRANCH", 0.0}};
  CHECK(error_of(doc) ==
        "workload.transaction_types[0].reference_shares: must give at least one partition a "
        "positive share");
}
