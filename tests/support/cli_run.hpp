// Running the built tpeval executable (TPEVAL_BINARY) from a test: exit code, stdout and stderr
// of one call, and scratch files in a per-process temporary directory (ctest runs test cases as
// parallel processes, so the directory carries the process id).
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace tpeval::test {

struct CliRun {
  int exit_code = -1;
  std::string out, err;
};

inline std::string slurp(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

inline std::filesystem::path scratch_dir() {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("tpeval_test_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  return dir;
}

/// Runs `tpeval ARGUMENTS` through the shell (arguments are not quoted for you).
inline CliRun run_tpeval(const std::string& arguments) {
  const auto dir = scratch_dir();
  const auto out = dir / "stdout.txt", err = dir / "stderr.txt";
  const std::string command = std::string("'") + TPEVAL_BINARY + "' " + arguments + " >'" +
                              out.string() + "' 2>'" + err.string() + "'";
  const int status = std::system(command.c_str());
  CliRun r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = slurp(out);
  r.err = slurp(err);
  return r;
}

inline std::filesystem::path write_scratch_file(const std::string& name, const std::string& text) {
  const auto path = scratch_dir() / name;
  std::ofstream(path) << text;
  return path;
}

}  // namespace tpeval::test
