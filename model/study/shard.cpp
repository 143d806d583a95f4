// Shard files of a study and their merge (see shard.hpp).
#include "model/study/shard.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>

#include "solver/io/json_input.hpp"

namespace tpeval::model::study {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

constexpr int format_version = 1;
constexpr std::size_t max_shards = 100000;

Mode mode_from_name(const std::string& name, const std::string& file) {
  for (const Mode m : {Mode::analytic, Mode::simulate, Mode::both})
    if (name == mode_name(m)) return m;
  throw io::InputError(file, "mode: unknown mode '" + name + "'");
}

// The shard files a path names: the file itself, or a directory's shard-*-of-*.json files.
std::vector<std::string> shard_files(const std::string& path) {
  std::error_code ec;
  if (!fs::is_directory(path, ec)) {
    if (!fs::exists(path, ec)) throw io::InputError(path, "no such shard file or directory");
    return {path};
  }
  static const std::regex pattern(R"(shard-[0-9]+-of-[0-9]+\.json)");
  std::vector<std::string> files;
  for (const auto& entry : fs::directory_iterator(path, ec))
    if (entry.is_regular_file() && std::regex_match(entry.path().filename().string(), pattern))
      files.push_back(entry.path().string());
  if (ec) throw io::InputError(path, "cannot list the directory: " + ec.message());
  if (files.empty()) throw io::InputError(path, "no shard-K-of-N.json files in the directory");
  std::sort(files.begin(), files.end());
  return files;
}

struct ShardFile {
  std::string file;
  ShardRun run;
  std::vector<std::pair<std::size_t, json>> points;  ///< index, {key, result}
};

ShardFile read_shard(const std::string& file) {
  const json doc = io::read_json_file(file);
  ShardFile s;
  s.file = file;
  try {
    if (doc.at("tpeval_study_shard").get<int>() != format_version)
      throw io::InputError(file, "tpeval_study_shard: unsupported version");
    s.run.study_document = doc.at("study");
    s.run.study_dir = doc.at("study_dir").get<std::string>();
    s.run.mode = mode_from_name(doc.at("mode").get<std::string>(), file);
    s.run.quick = doc.at("quick").get<bool>();
    s.run.simulation_available = doc.at("simulation_available").get<bool>();
    s.run.shard = parse_shard(doc.at("shard").get<std::string>(), file + ": shard");
    for (const auto& p : doc.at("points"))
      s.points.emplace_back(p.at("index").get<std::size_t>(),
                            json{{"key", p.at("key")}, {"result", p.at("result")}});
  } catch (const json::exception& e) {
    throw io::InputError(file, std::string("not a tpeval study shard file: ") + e.what());
  }
  return s;
}

std::string describe(const ShardSpec& s) {
  return std::to_string(s.index) + "/" + std::to_string(s.count);
}

}  // namespace

ShardSpec parse_shard(const std::string& text, const std::string& where) {
  static const std::regex pattern(R"(([0-9]{1,6})/([0-9]{1,6}))");
  std::smatch m;
  if (!std::regex_match(text, m, pattern))
    throw io::InputError(where, "'" + text + "' is not K/N (shard K of N, e.g. 2/4)");
  ShardSpec s;
  s.index = std::stoul(m[1].str());
  s.count = std::stoul(m[2].str());
  if (s.count < 1 || s.count > max_shards)
    throw io::InputError(where,
                         "N must be in [1, " + std::to_string(max_shards) + "], not " + m[2].str());
  if (s.index < 1 || s.index > s.count)
    throw io::InputError(where, "K must be in [1, N] = [1, " + m[2].str() + "], not " + m[1].str());
  return s;
}

std::string shard_file_name(const ShardSpec& shard) {
  return "shard-" + std::to_string(shard.index) + "-of-" + std::to_string(shard.count) + ".json";
}

void write_shard_file(const std::string& directory, const ShardRun& run, const Study& study,
                      const std::vector<PointResult>& results) {
  const std::vector<Point> points = expand_points(study, run.quick);
  json out = json::array();
  std::size_t k = 0;
  for (const auto& p : points) {
    if (!run.shard.contains(p.index)) continue;
    if (k >= results.size()) throw std::logic_error("write_shard_file: too few results");
    out.push_back({{"index", p.index}, {"key", p.key()}, {"result", to_json(results[k++])}});
  }
  if (k != results.size()) throw std::logic_error("write_shard_file: too many results");
  const json doc = {{"tpeval_study_shard", format_version},
                    {"study", run.study_document},
                    {"study_dir", run.study_dir},
                    {"mode", mode_name(run.mode)},
                    {"quick", run.quick},
                    {"simulation_available", run.simulation_available},
                    {"shard", describe(run.shard)},
                    {"points", out}};
  // Written under a temporary name and renamed, so a merge never sees half a shard.
  const std::string file = directory + "/" + shard_file_name(run.shard);
  const std::string temporary = file + ".tmp";
  {
    std::ofstream f(temporary);
    if (!f) throw io::InputError(temporary, "cannot write the file");
    f << doc.dump(1) << '\n';
    if (!f) throw io::InputError(temporary, "write failed");
  }
  std::error_code ec;
  fs::rename(temporary, file, ec);
  if (ec) throw io::InputError(file, "cannot rename " + temporary + ": " + ec.message());
}

MergedStudy merge_shards(const std::vector<std::string>& paths) {
  if (paths.empty()) throw io::InputError("--merge", "no shard directories given");
  std::vector<ShardFile> shards;
  for (const auto& path : paths)
    for (const auto& file : shard_files(path)) shards.push_back(read_shard(file));

  const ShardFile& first = shards.front();
  const std::size_t n = first.run.shard.count;
  std::map<std::size_t, const ShardFile*> by_index;
  for (const auto& s : shards) {
    const auto differs = [&](const std::string& what) {
      return io::InputError(
          s.file, what + " differs from " + first.file + "'s: the shards are not of one study run");
    };
    if (s.run.study_document != first.run.study_document) throw differs("the study");
    if (s.run.mode != first.run.mode) throw differs("the mode");
    if (s.run.quick != first.run.quick) throw differs("--quick");
    if (s.run.simulation_available != first.run.simulation_available)
      throw differs("simulation_available");
    if (s.run.shard.count != n) throw differs("the shard count N");
    const auto [it, inserted] = by_index.emplace(s.run.shard.index, &s);
    if (!inserted)
      throw io::InputError(s.file,
                           "shard " + describe(s.run.shard) + " is also in " + it->second->file);
  }
  for (std::size_t k = 1; k <= n; ++k)
    if (!by_index.count(k))
      throw io::InputError("--merge", "shard " + std::to_string(k) + "/" + std::to_string(n) +
                                          " is missing (" + std::to_string(by_index.size()) +
                                          " of " + std::to_string(n) + " shards found)");

  MergedStudy merged;
  merged.study = parse_study(first.run.study_document, first.run.study_dir);
  merged.mode = first.run.mode;
  merged.quick = first.run.quick;
  merged.simulation_available = first.run.simulation_available;
  merged.shards = n;
  const std::vector<Point> points = expand_points(merged.study, merged.quick);
  const Mode effective =
      merged.mode == Mode::both && !merged.simulation_available ? Mode::analytic : merged.mode;
  std::vector<std::optional<PointResult>> results(points.size());
  for (const auto& s : shards) {
    for (const auto& [index, entry] : s.points) {
      const std::string where = s.file + ": point " + std::to_string(index);
      if (index >= points.size() || !s.run.shard.contains(index))
        throw io::InputError(where, "not a point of shard " + describe(s.run.shard));
      const Point& p = points[index];
      if (entry.at("key").get<std::string>() != p.key())
        throw io::InputError(where, "is '" + entry.at("key").get<std::string>() +
                                        "', the study now has '" + p.key() + "' there");
      PointResult r;
      try {
        r = point_from_json(entry.at("result"));
      } catch (const json::exception& e) {
        throw io::InputError(where, std::string("malformed result: ") + e.what());
      }
      if (r.fingerprint != fingerprint(p, merged.study, effective))
        throw io::InputError(where,
                             "its model differs from the study's now (the study or its "
                             "base model changed after the shard ran); rerun the shard");
      if (results[index]) throw io::InputError(where, "appears twice");
      r.reused = false;
      results[index] = std::move(r);
    }
  }
  for (std::size_t i = 0; i < points.size(); ++i) {
    if (!results[i])
      throw io::InputError(by_index.at(i % n + 1)->file,
                           "point " + std::to_string(i) + " (" + points[i].key() + ") is missing");
    merged.results.push_back(std::move(*results[i]));
  }
  return merged;
}

}  // namespace tpeval::model::study
