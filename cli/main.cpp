// tpeval: what-if answers for transaction-processing systems, analytic and simulated.
// Exit codes: 0 success; 1 a check failed (validate, study expectations); 2 bad input or
// arguments; 3 an internal error (a bug: please report it with the input). See cli/app.hpp.
#include "cli/app.hpp"

int main(int argc, char** argv) {
  return tpeval::cli::run_tpeval(argc, argv);
}
