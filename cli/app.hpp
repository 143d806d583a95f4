// The whole tpeval command line as a function, so that the executable (cli/main.cpp) and the
// in-process fuzz harnesses (fuzz/) run exactly the same code.
//
// Contract: run_tpeval(argc, argv) parses the arguments, runs one subcommand and returns the exit
// code: 0 success; 1 a check failed (validate, study expectations); 2 bad input or arguments
// (message "tpeval: error: FILE: JSON.PATH: reason" on stderr); 3 an internal error (a bug).
// Output goes to std::cout / std::cerr.
#pragma once

namespace tpeval::cli {

int run_tpeval(int argc, char** argv);

}  // namespace tpeval::cli
