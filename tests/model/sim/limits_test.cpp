// Input the simulator cannot run is refused with the JSON path and the reason, never a crash.
#include <doctest/doctest.h>

#include <string>

#include "model/debit_credit.hpp"
#include "model/overrides.hpp"
#include "model/parse.hpp"
#include "model/sim/simulate.hpp"
#include "tests/support/input_error.hpp"

using namespace tpeval::model;
using tpeval::testing::error_of;

TEST_CASE("simulate: a page buffer beyond the exact LRU list's 2^31 pages names its path") {
  // The analytic model takes any size; the simulator keeps every page id in an exact LRU list.
  for (const std::string path : {"nodes[0].buffer.pages", "nodes[0].extended_memory.buffer_pages",
                                 "nodes[0].disk_cache.pages"}) {
    CAPTURE(path);
    auto doc = debit_credit_model();
    if (path == "nodes[0].disk_cache.pages")
      set_parameter(doc, "nodes[0].disk_cache.type", "non_volatile");
    set_parameter(doc, path, 3'000'000'000L);
    const SystemModel m = parse_model(doc);
    sim::TxSimOptions o;
    o.max_time_s = 1.0;
    CHECK(error_of([&] { sim::simulate_transactions(m, o); }) ==
          path + ": the simulator holds at most 2^31 - 2 pages per buffer, not 3000000000");
  }
}
