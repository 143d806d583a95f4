// tpeval: what-if answers for transaction-processing systems, analytic and simulated.
// Exit codes: 0 success; 1 a check failed (validate, study expectations); 2 bad input or
// arguments; 3 an internal error (a bug: please report it with the input). See cli/app.hpp.
#include <cstdlib>  // (defines __GLIBC__ with glibc)

#include "cli/app.hpp"
#if defined(__GLIBC__)
#include <malloc.h>
#endif

int main(int argc, char** argv) {
#if defined(__GLIBC__)
  // glibc hands a freed block above 128 KiB (mmap) and the heap's free top above 128 KiB (trim)
  // back to the kernel at once, so the next allocation of that size faults its pages in again.
  // The lock solver takes and frees its iteration state per solve (70,000 values at 10^4
  // partitions, and Anderson's history of them; megabytes at 10^4 types): keeping freed memory
  // in the process halves the page faults of `eval` at 10^4 partitions (20,600 -> 9,000) and cuts
  // them by a quarter at 10^4 types (issue #16, bench/RESULTS.md "ninth pass", branches partsfast
  // and typesfast). Memory never touched costs nothing.
  mallopt(M_TOP_PAD, 16 << 20);
  mallopt(M_TRIM_THRESHOLD, 64 << 20);
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
#endif
  return tpeval::cli::run_tpeval(argc, argv);
}
