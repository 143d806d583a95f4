// Fuzz targets (see targets.hpp).
#include "fuzz/targets.hpp"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/app.hpp"
#include "model/debit_credit.hpp"
#include "model/evaluate.hpp"
#include "model/overrides.hpp"
#include "model/parse.hpp"
#include "model/result_json.hpp"
#include "model/study/study.hpp"
#include "solver/io/json_input.hpp"
#include "solver/io/network_json.hpp"
#include "solver/open/open_network.hpp"
#include "solver/solve.hpp"

namespace tpeval::fuzz {

namespace {

void require_finite(const nlohmann::json& j, const std::string& where) {
  if (j.is_number_float() && !std::isfinite(j.get<double>()))
    throw FuzzFinding(where + ": non-finite number in the result");
  if (j.is_structured())
    for (const auto& e : j) require_finite(e, where);
}

/// Network solves are kept to inputs that finish in milliseconds, so the fuzzer spends its time on
/// the reader; the solvers' own cost limits are tested in tests/solver/mva/limits_test.cpp.
bool cheap_to_solve(const solver::Network& n) {
  long population = 0;
  for (const auto& c : n.classes) population += c.population;
  return population <= 2'000 && n.class_count() <= 8 && n.station_count() <= 200;
}

/// Runs `tpeval COMMAND FILE --format F EXTRA...` in-process for every format: the exit code must
/// be 0 or 2, an error must name the file, no output may hold nan/inf.
void run_cli_on(std::string_view data, const char* command,
                const std::vector<std::string>& extra = {}) {
  const auto dir = std::filesystem::temp_directory_path();
  const std::string file = (dir / ("tpeval_fuzz_" + std::to_string(::getpid()) + ".json")).string();
  {
    std::ofstream out(file, std::ios::binary);
    out.write(data.data(), static_cast<std::streamsize>(data.size()));
  }
  for (const char* format : {"json", "csv", "table"}) {
    std::ostringstream out, err;
    auto* old_out = std::cout.rdbuf(out.rdbuf());
    auto* old_err = std::cerr.rdbuf(err.rdbuf());
    std::vector<std::string> args = {"tpeval", command, file, "--format", format};
    args.insert(args.end(), extra.begin(), extra.end());
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    const int code = cli::run_tpeval(static_cast<int>(argv.size()), argv.data());
    std::cout.rdbuf(old_out);
    std::cerr.rdbuf(old_err);
    const std::string where = std::string(command) + " --format " + format;
    if (code != 0 && code != 2)
      throw FuzzFinding(where + ": exit code " + std::to_string(code) + ": " + err.str());
    if (code == 2 && err.str().find(file) == std::string::npos)
      throw FuzzFinding(where + ": the error does not name the file: " + err.str());
    if (has_non_finite_token(out.str())) throw FuzzFinding(where + ": nan/inf in the output");
    if (code == 2) break;  // refused input: the other formats refuse it the same way
  }
  std::filesystem::remove(file);
}

}  // namespace

bool has_non_finite_token(std::string_view text) {
  const auto word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
  std::string lower(text);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const std::string_view token : {"nan", "inf", "infinity"}) {
    for (std::size_t pos = lower.find(token); pos != std::string::npos;
         pos = lower.find(token, pos + 1)) {
      const bool starts = pos == 0 || !word(lower[pos - 1]);
      const bool ends = pos + token.size() == lower.size() || !word(lower[pos + token.size()]);
      if (starts && ends) return true;
    }
  }
  return false;
}

namespace {
bool same_network(const solver::Network& a, const solver::Network& b) {
  const auto same_station = [](const solver::Station& x, const solver::Station& y) {
    return x.name == y.name && x.kind == y.kind && x.discipline == y.discipline &&
           x.servers == y.servers && x.rate_multipliers == y.rate_multipliers &&
           x.service_scv == y.service_scv;
  };
  const auto same_class = [](const solver::JobClass& x, const solver::JobClass& y) {
    return x.name == y.name && x.kind == y.kind && x.arrival_rate_per_s == y.arrival_rate_per_s &&
           x.population == y.population && x.think_time_s == y.think_time_s;
  };
  return std::equal(a.stations.begin(), a.stations.end(), b.stations.begin(), b.stations.end(),
                    same_station) &&
         std::equal(a.classes.begin(), a.classes.end(), b.classes.begin(), b.classes.end(),
                    same_class) &&
         a.demand_s == b.demand_s && a.visits == b.visits;
}

/// The one-pass reader (io::parse_network_text_fast) must never accept what the reference reader
/// refuses, and must read the same network, name and description when both accept.
void check_one_pass_reader(std::string_view data, const solver::Network* reference,
                           const std::string& reference_error) {
  const auto fast = io::parse_network_text_fast(data);
  if (!fast) return;
  if (!reference)
    throw FuzzFinding("the one-pass network reader accepts a file parse_network refuses: " +
                      reference_error);
  const nlohmann::json doc = io::parse_json_text(data, "network.json");
  const auto text_member = [&](const char* key) {
    return doc.contains(key) && doc[key].is_string() ? doc[key].get<std::string>() : std::string();
  };
  if (!same_network(fast->network, *reference) || fast->name != text_member("name") ||
      fast->description != text_member("description"))
    throw FuzzFinding("the one-pass network reader reads another network than parse_network");
}
}  // namespace

void network_target(std::string_view data) {
  try {
    const solver::Network network = [&] {
      try {
        return io::parse_network(io::parse_json_text(data, "network.json"));
      } catch (const io::InputError& e) {
        check_one_pass_reader(data, nullptr, e.what());
        throw;
      }
    }();
    check_one_pass_reader(data, &network, "");
    if (!cheap_to_solve(network)) return;
    try {
      const solver::Solution s = solver::solve(network);
      require_finite(io::solution_to_json(network, s), "solve");
    } catch (const solver::UnstableNetwork&) {  // reported as bad input by `tpeval solve`
    } catch (const std::invalid_argument&) {    // likewise
    }
  } catch (const io::InputError&) {
  }
}

void model_target(std::string_view data) {
  try {
    const model::SystemModel m = model::parse_model(io::parse_json_text(data, "model.json"));
    require_finite(model::to_json(model::evaluate(m)), "evaluate");
  } catch (const io::InputError&) {
  }
}

void study_target(std::string_view data) {
  try {
    model::study::parse_study(io::parse_json_text(data, "study.json"),
                              std::string(TPEVAL_SOURCE_DIR) + "/studies");
  } catch (const io::InputError&) {
  }
}

void set_target(std::string_view data) {
  try {
    nlohmann::json doc = model::default_model();
    std::size_t start = 0;
    while (start < data.size()) {
      std::size_t end = data.find('\n', start);
      if (end == std::string_view::npos) end = data.size();
      const std::string line(data.substr(start, end - start));
      start = end + 1;
      if (line.empty()) continue;
      const model::Assignment a = model::parse_assignment(line);
      model::set_parameter(doc, a.path, a.value);
    }
    require_finite(model::to_json(model::evaluate(model::parse_model(doc))), "evaluate");
  } catch (const io::InputError&) {
  }
}

/// A simulation's length is the user's to choose (up to 10^8 references); the default 2.5 x 10^6
/// references took 45 s for the three formats under the sanitizers (`"method": "simulate"`). The
/// options override the file's, so every input runs a short one (issue #16), as network_target
/// solves only cheap networks.
void cache_target(std::string_view data) {
  run_cli_on(data, "cache", {"--references", "20000", "--warmup", "5000"});
}
void locks_target(std::string_view data) {
  run_cli_on(data, "locks");
}

const std::vector<Target>& targets() {
  static const std::vector<Target> all = {{"network", network_target}, {"model", model_target},
                                          {"study", study_target},     {"set", set_target},
                                          {"cache", cache_target},     {"locks", locks_target}};
  return all;
}

}  // namespace tpeval::fuzz
