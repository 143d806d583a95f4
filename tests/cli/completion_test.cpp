// `tpeval completion bash`: the generated script is valid bash and completes subcommands, their
// options and the values of restricted options, as the CLI11 definitions say.
#include <doctest/doctest.h>

#include <string>

#include "tests/support/cli_run.hpp"

using tpeval::test::run_tpeval;

namespace {

// The completions bash offers for the words `line` (the last word is being completed).
std::string complete(const std::string& script, const std::string& line) {
  const auto file = tpeval::test::write_scratch_file("completion.bash", script);
  const auto out = tpeval::test::scratch_dir() / "completion.out";
  const std::string command = "bash -c 'source \"" + file.string() + "\"; COMP_WORDS=(" + line +
                              "); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); _tpeval; echo " +
                              "\"${COMPREPLY[*]}\"' >'" + out.string() + "' 2>&1";
  REQUIRE(std::system(command.c_str()) == 0);
  std::string text = tpeval::test::slurp(out);
  while (!text.empty() && text.back() == '\n') text.pop_back();
  return text;
}

}  // namespace

TEST_CASE("completion: the bash script completes subcommands, options and option values") {
  const auto r = run_tpeval("completion bash");
  REQUIRE(r.exit_code == 0);
  const auto file = tpeval::test::write_scratch_file("syntax.bash", r.out);
  CHECK(std::system(("bash -n '" + file.string() + "'").c_str()) == 0);
  CHECK(complete(r.out, "tpeval stu") == "study");
  CHECK(complete(r.out, "tpeval study s.json --sh") == "--shard");
  CHECK(complete(r.out, "tpeval study --me") == "--merge");
  CHECK(complete(r.out, "tpeval study s.json --mode \"\"") == "analytic simulate both");
  CHECK(complete(r.out, "tpeval solve --method ex") == "exact");
  CHECK(run_tpeval("completion zsh").exit_code == 2);
}
