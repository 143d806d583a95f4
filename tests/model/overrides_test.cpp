// Parameter paths for `tpeval whatif` (model/overrides.hpp).
#include <doctest/doctest.h>

#include "model/debit_credit.hpp"
#include "model/overrides.hpp"
#include "model/parse.hpp"
#include "solver/io/json_input.hpp"

using namespace tpeval;
using namespace tpeval::model;

namespace {
std::string error_of_set(const std::string& path, const nlohmann::json& value) {
  nlohmann::json doc = default_model();
  try {
    set_parameter(doc, path, value);
  } catch (const io::InputError& e) {
    return e.what();
  }
  return "";
}
}  // namespace

TEST_CASE("set_parameter changes values by index, by element name, and creates optional keys") {
  nlohmann::json doc = default_model();
  set_parameter(doc, "workload.arrival_rate_per_s", 300);
  set_parameter(doc, "nodes[0].buffer.pages", 4000);
  set_parameter(doc, "database.partitions[ACCOUNT].allocation.device", "ssd");
  doc["nodes"][0].erase("extended_memory");
  set_parameter(doc, "nodes[0].extended_memory.buffer_pages", 500);
  const auto m = parse_model(doc);
  CHECK(m.arrival_rate_per_s == 300);
  CHECK(m.nodes[0].buffer_pages == 4000);
  CHECK(m.partitions[2].allocation.device == "ssd");
  CHECK(m.storage.extended_memory.buffer_pages == 500);
  CHECK(m.storage.extended_memory.servers == 1);  // other keys keep their defaults
}

TEST_CASE("unknown parameter paths name the closest valid path") {
  CHECK(error_of_set("workload.arrival_rate", 3) ==
        "workload.arrival_rate: unknown parameter 'arrival_rate'; the closest valid path is "
        "'workload.arrival_rate_per_s'");
  CHECK(error_of_set("nodes[0].bufer.pages", 3) ==
        "nodes[0].bufer.pages: unknown parameter 'bufer'; the closest valid path is "
        "'nodes[0].buffer'");
  CHECK(error_of_set("nodes[3].buffer.pages", 3) ==
        "nodes[3].buffer.pages: index 3 out of range ('nodes' has 1 elements)");
  CHECK(error_of_set("database.partitions[ACCOUNTS].records", 3) ==
        "database.partitions[ACCOUNTS].records: no element named 'ACCOUNTS' in "
        "'database.partitions'; the closest valid path is 'database.partitions[ACCOUNT].records'");
  // Paths without their prefix get the full path; wrong device names the closest device.
  CHECK(error_of_set("buffer.pages", 3) ==
        "buffer.pages: unknown parameter 'buffer'; the closest valid path is "
        "'nodes[0].buffer.pages'");
  CHECK(error_of_set("disk_cache.type", 3) ==
        "disk_cache.type: unknown parameter 'disk_cache'; the closest valid path is "
        "'nodes[0].disk_cache.type'");
  CHECK(error_of_set("nodes[0].devices[log_ssd].count", 3) ==
        "nodes[0].devices[log_ssd].count: no element named 'log_ssd' in 'nodes[0].devices'; the "
        "closest valid path is 'nodes[0].devices[log_disk].count'");
}

TEST_CASE("assignments and sweeps parse values and ranges") {
  const auto a = parse_assignment("policies.update_strategy=force");
  CHECK(a.path == "policies.update_strategy");
  CHECK(a.value == "force");
  CHECK(parse_assignment("nodes[0].buffer.pages=4000").value == 4000);
  CHECK(parse_assignment("policies.mpl=null").value.is_null());
  CHECK_THROWS_AS(parse_assignment("no-equals-sign"), io::InputError);
  const auto s = parse_sweep("workload.arrival_rate_per_s=10:100:10");
  CHECK(s.values.size() == 10);
  CHECK(s.values.back() == doctest::Approx(100.0));
  CHECK(parse_sweep("x=1:0.5:-0.25").values.size() == 3);
  CHECK_THROWS_AS(parse_sweep("x=1:10:0"), io::InputError);
  CHECK_THROWS_AS(parse_sweep("x=1:10:-1"), io::InputError);
  CHECK_THROWS_AS(parse_sweep("x=a:10:1"), io::InputError);
  CHECK_THROWS_AS(parse_sweep("x=0:1e9:1"), io::InputError);
}
