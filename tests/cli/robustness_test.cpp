// CLI-level robustness (issue #16): every subcommand that reads a file runs on a corpus of hostile
// inputs -- the fuzz regression corpus (fuzz/regressions/) plus a directory, an endless device, an
// empty file, a bare 1e400 and a deep nesting -- and must answer with exit code 0, 1 or 2, print no
// nan/inf in any output format, and name the file in its error. Every call runs under
// `timeout 60`: a hang shows as exit code 124 and fails the test.
#include <doctest/doctest.h>

#include <cctype>
#include <filesystem>
#include <string>
#include <vector>

#include "tests/support/cli_run.hpp"

namespace fs = std::filesystem;
using tpeval::test::CliRun;

namespace {

bool has_non_finite_token(const std::string& text) {
  const auto word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
  std::string lower = text;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const std::string token : {"nan", "inf", "infinity"})
    for (auto pos = lower.find(token); pos != std::string::npos; pos = lower.find(token, pos + 1))
      if ((pos == 0 || !word(lower[pos - 1])) &&
          (pos + token.size() == lower.size() || !word(lower[pos + token.size()])))
        return true;
  return false;
}

std::vector<std::string> hostile_files(const std::string& target) {
  std::vector<std::string> files;
  const fs::path dir = fs::path(TPEVAL_SOURCE_DIR) / "fuzz" / "regressions" / target;
  for (const auto& e : fs::directory_iterator(dir)) files.push_back(e.path().string());
  const auto scratch = tpeval::test::scratch_dir();
  files.push_back(scratch.string());  // a directory
  files.push_back("/dev/zero");       // never ends
  files.push_back(tpeval::test::write_scratch_file("empty.json", "").string());
  files.push_back(tpeval::test::write_scratch_file("overflow.json", "1e400").string());
  files.push_back(tpeval::test::write_scratch_file(
                      "deep.json", std::string(100'000, '[') + std::string(100'000, ']'))
                      .string());
  return files;
}

/// True unless the error names, right after the file, a JSON path outside `roots`: a solver's own
/// structure ("classes[0].commit_time_scv", "streams[2].reference_rate") is no path in the user's
/// file (issue #16). A reason (it has spaces before its first ": ") is not a path.
bool names_user_path(const std::string& err, const std::string& file,
                     const std::vector<std::string>& roots) {
  const auto at = err.find(file + ": ");
  if (at == std::string::npos) return true;
  const std::string rest = err.substr(at + file.size() + 2);
  const std::string token = rest.substr(0, rest.find(": "));
  if (rest.find(": ") == std::string::npos || token.find(' ') != std::string::npos) return true;
  if (token.rfind('[', 0) == 0) return true;  // a path in a file whose root is an array
  for (const auto& root : roots)
    if (token.rfind(root, 0) == 0) return true;
  return false;
}

const std::vector<std::string> kModelRoots = {"nodes",    "database",    "workload",
                                              "policies", "cluster",     "generator",
                                              "name",     "description", "$schema"};
const std::vector<std::string> kStudyRoots = {
    "name",  "title",   "description", "source",     "base",         "overrides", "configurations",
    "sweep", "metrics", "mode",        "simulation", "expectations", "$schema"};

/// `tpeval ARGUMENTS` under `timeout 60` (exit code 124 when it hangs).
CliRun run_bounded(const std::string& arguments) {
  const auto dir = tpeval::test::scratch_dir();
  const auto out = dir / "robust_out.txt", err = dir / "robust_err.txt";
  const std::string command = "timeout 60 '" + std::string(TPEVAL_BINARY) + "' " + arguments +
                              " >'" + out.string() + "' 2>'" + err.string() + "'";
  const int status = std::system(command.c_str());
  CliRun r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = tpeval::test::slurp(out);
  r.err = tpeval::test::slurp(err);
  return r;
}

/// `tpeval COMMAND 'FILE' OPTIONS` in each format; checks the promises of the CLI.
void check_command(const std::string& command, const std::string& file, const std::string& options,
                   bool all_formats = true, const std::vector<std::string>& roots = {}) {
  for (const char* format : {"json", "csv", "table"}) {
    const std::string args = command + " '" + file + "' " + options + " --format " + format;
    const CliRun r = run_bounded(args);
    INFO("tpeval " << args << "\nstderr: " << r.err);
    CHECK((r.exit_code == 0 || r.exit_code == 1 || r.exit_code == 2));
    CHECK_FALSE(has_non_finite_token(r.out));
    if (r.exit_code == 2) CHECK(r.err.find(file) != std::string::npos);
    if (r.exit_code == 2 && !roots.empty()) CHECK(names_user_path(r.err, file, roots));
    if (!all_formats || r.exit_code == 2) break;
  }
}

}  // namespace

TEST_CASE("robustness: solve and simulate on hostile network files") {
  for (const auto& file : hostile_files("network")) {
    check_command("solve", file, "");
    check_command("simulate", file, "--max-events 20000", false);
  }
}

TEST_CASE("robustness: eval and whatif on hostile model files") {
  for (const auto& file : hostile_files("model")) {
    check_command("eval", file, "", true, kModelRoots);
    check_command("whatif", file, "--set workload.arrival_rate_per_s=10", true, kModelRoots);
  }
}

TEST_CASE("robustness: simulate and validate on hostile model files") {
  for (const auto& file : hostile_files("model")) {
    check_command("simulate", file, "--max-events 20000", false, kModelRoots);
    check_command("validate", file, "--max-time 2", false, kModelRoots);
  }
}

TEST_CASE("robustness: an error path is the user's, not a solver's") {
  const std::string file = "m.json";
  CHECK(names_user_path("tpeval: error: m.json: nodes[0].cpu.count: must be", file, kModelRoots));
  CHECK(
      names_user_path("tpeval: error: m.json: is a directory, not a JSON file", file, kModelRoots));
  CHECK_FALSE(names_user_path("tpeval: error: m.json: classes[0].commit_time_scv: must be", file,
                              kModelRoots));
}

TEST_CASE("robustness: a study names the sweep value that breaks a point, and its file") {
  const std::string out = (tpeval::test::scratch_dir() / "study-sweep-out").string();
  const std::string dir = std::string(TPEVAL_SOURCE_DIR) + "/fuzz/regressions/study/";
  CliRun r =
      run_bounded("study '" + dir + "sweep_value_out_of_range.json' --force --out '" + out + "'");
  CHECK(r.exit_code == 2);
  CHECK(r.err.find(dir + "sweep_value_out_of_range.json: sweep[0].values[2]: "
                         "nodes[0].cpu.count: must be a positive integer") != std::string::npos);
  r = run_bounded("study '" + dir + "sweep_two_axes_combination.json' --force --out '" + out + "'");
  CHECK(r.exit_code == 2);
  CHECK(r.err.find(dir + "sweep_two_axes_combination.json: sweep[1].values[1]: policies.mpl: "
                         "must be at most 100000") != std::string::npos);
}

TEST_CASE("robustness: study, cache and locks on hostile files") {
  const std::string out = (tpeval::test::scratch_dir() / "study-out").string();
  for (const auto& file : hostile_files("study")) {
    const CliRun r = run_bounded("study '" + file + "' --quick --force --out '" + out + "'");
    INFO(file << "\nstderr: " << r.err);
    CHECK((r.exit_code == 0 || r.exit_code == 1 || r.exit_code == 2));
    if (r.exit_code == 2) CHECK(r.err.find(file) != std::string::npos);
    if (r.exit_code == 2) CHECK(names_user_path(r.err, file, kStudyRoots));
  }
  for (const auto& file : hostile_files("cache")) check_command("cache", file, "");
  for (const auto& file : hostile_files("locks")) check_command("locks", file, "");
}
