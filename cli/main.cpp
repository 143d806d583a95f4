// tpeval: what-if answers for transaction-processing systems, analytic and simulated.
// Exit codes: 0 success; 1 a check failed (validate, study expectations); 2 bad input or
// arguments; 3 an internal error (a bug: please report it with the input). See cli/app.hpp.
#include <malloc.h>

#include "cli/app.hpp"

int main(int argc, char** argv) {
  // glibc gives the top of its heap back to the kernel whenever 128 KiB or more are free there,
  // and serves large blocks by mmap: an evaluation of 10^4 transaction types frees and takes
  // again megabytes per lock solve, and a quarter of its page faults were pages faulted in
  // again (issue #16, bench/RESULTS.md "ninth pass, branch typesfast"). Freed memory is kept for
  // reuse instead; memory never touched costs nothing.
  mallopt(M_TOP_PAD, 16 << 20);
  mallopt(M_TRIM_THRESHOLD, 64 << 20);
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  return tpeval::cli::run_tpeval(argc, argv);
}
