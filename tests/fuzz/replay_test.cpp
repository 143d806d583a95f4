// Replays the fuzz regression corpus (fuzz/regressions/<target>/) and the seed inputs
// (fuzz/seeds/<target>/) through the fuzz targets: every input that once broke a promise of the
// CLI (issue #16) must now be accepted or refused as bad input. A new finding of scripts/fuzz.sh
// is added to fuzz/regressions/ and is from then on checked here, without the fuzzer.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "fuzz/targets.hpp"

namespace fs = std::filesystem;

namespace {
std::string read_all(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

int replay(const std::string& corpus) {
  int replayed = 0;
  for (const auto& target : tpeval::fuzz::targets()) {
    const fs::path dir = fs::path(TPEVAL_SOURCE_DIR) / "fuzz" / corpus / target.name;
    if (!fs::is_directory(dir)) continue;
    for (const auto& entry : fs::directory_iterator(dir)) {
      if (!entry.is_regular_file()) continue;
      INFO(corpus << "/" << target.name << "/" << entry.path().filename().string());
      CHECK_NOTHROW(target.run(read_all(entry.path())));
      ++replayed;
    }
  }
  return replayed;
}
}  // namespace

TEST_CASE("fuzz: the regression corpus is accepted or refused as bad input") {
  CHECK(replay("regressions") >= 20);
}

TEST_CASE("fuzz: the committed seed inputs are accepted or refused as bad input") {
  CHECK(replay("seeds") >= 6);
}

TEST_CASE("fuzz: nan/inf tokens are found as words only") {
  using tpeval::fuzz::has_non_finite_token;
  CHECK(has_non_finite_token("throughput_per_s,inf\n"));
  CHECK(has_non_finite_token("\"x\": -nan,"));
  CHECK(has_non_finite_token("Infinity"));
  CHECK_FALSE(has_non_finite_token("infinite servers; information; finance; nano"));
}
