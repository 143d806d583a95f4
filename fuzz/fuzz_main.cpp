// libFuzzer entry point; fuzz/CMakeLists.txt builds one executable per target, selecting it with
// TPEVAL_FUZZ_TARGET (fuzz/targets.hpp). A finding aborts the run (an escaping exception or a
// sanitizer report), and scripts/fuzz.sh keeps the input.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz/targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  TPEVAL_FUZZ_TARGET(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
