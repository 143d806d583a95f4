// `tpeval study STUDY.json [--out DIR] [--jobs N] [--mode analytic|simulate|both] [--quick]
// [--fresh] [--force] [--format table|json|csv]`: runs every point of a study (model/study/),
// writes results.csv, results.json and summary.md into DIR, prints the summary, and exits 1 when an
// expectation is missed. Finished points are journalled in DIR/journal.jsonl, so an interrupted
// study resumes where it stopped (--fresh ignores the journal). A directory that holds another
// study's results is refused (--force replaces them). A progress bar goes to stderr only when
// stderr is a terminal. On a cluster: `--shard K/N` runs every N-th point and writes
// DIR/shard-K-of-N.json (no summary, exit 0); `tpeval study --merge DIR...` combines the shards
// into the files and exit code one run on one machine gives (model/study/shard.hpp,
// docs/studies.md).
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "cli/command.hpp"
#include "cli/format.hpp"
#include "model/study/expectations.hpp"
#include "model/study/output.hpp"
#include "model/study/point_error.hpp"
#include "model/study/runner.hpp"
#include "model/study/shard.hpp"
#include "model/study/simulation_step.hpp"
#include "model/study/study.hpp"
#include "solver/io/json_input.hpp"

namespace tpeval::cli {
namespace {

namespace st = model::study;

void draw_progress(const st::Progress& p) {
  constexpr int width = 30;
  const double f = p.total ? static_cast<double>(p.done) / static_cast<double>(p.total) : 1.0;
  const int filled = static_cast<int>(f * width);
  std::string bar(static_cast<std::size_t>(filled), '#');
  bar.resize(width, '.');
  std::fprintf(stderr, "\rtpeval study: [%s] %zu/%zu points (%zu reused)", bar.c_str(), p.done,
               p.total, p.reused);
  if (p.done == p.total) std::fputc('\n', stderr);
  std::fflush(stderr);
}

struct StudyArgs {
  std::string file, out, mode, shard;
  std::vector<std::string> merge;
  int jobs = 0;
  bool quick = false, fresh = false, force = false;
  std::string format = "table";
};
/// Refuses an output directory that holds another study's results (they would be overwritten and
/// its journal mixed into this run) unless --force; then claims the directory for this study.
void claim_output_directory(const std::string& dir, const std::string& study, bool force) {
  const std::filesystem::path marker = std::filesystem::path(dir) / "study-name";
  std::string owner;
  if (std::ifstream in(marker); in) {
    std::getline(in, owner);
  } else if (std::ifstream results(std::filesystem::path(dir) / "results.json"); results) {
    try {
      owner = nlohmann::json::parse(results).value("study", std::string());
    } catch (const nlohmann::json::exception&) {
      owner = "(unreadable results.json)";
    }
  }
  if (!owner.empty() && owner != study && !force)
    throw io::InputError("--out", "'" + dir + "' holds the results of study '" + owner +
                                      "'; choose another --out or pass --force to replace them");
  if (!owner.empty() && owner != study) {
    std::error_code ec;
    for (const char* f : {"journal.jsonl", "journal-quick.jsonl"})
      std::filesystem::remove(std::filesystem::path(dir) / f, ec);
  }
  std::ofstream(marker) << study << '\n';
}

std::string make_output_dir(const StudyArgs& a, const std::string& study_name) {
  const std::string dir = a.out.empty() ? study_name + "-results" : a.out;
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw io::InputError("--out", "cannot create directory '" + dir + "': " + ec.message());
  claim_output_directory(dir, study_name, a.force);
  return dir;
}

// The files, summary and exit code of a whole study (one run, or the merge of its shards).
void finish_study(const st::Study& study, const std::vector<st::PointResult>& results,
                  st::StudyRunInfo info, const std::string& dir, const std::string& format_name,
                  Context& context) {
  const auto outcomes = st::evaluate_expectations(study, results);
  for (const auto& r : results) info.reused_points += r.reused ? 1 : 0;
  st::write_study_outputs(dir, study, results, outcomes, info);
  const OutputFormat format = parse_format(format_name);
  if (format == OutputFormat::json)
    std::cout << st::results_json(study, results, outcomes, info).dump(1) << '\n';
  else if (format == OutputFormat::csv)
    std::cout << st::results_csv(study, results);
  else
    std::cout << st::summary_markdown(study, outcomes, info);
  if (st::any_missed(outcomes)) context.exit_code = 1;
}

void merge_command(const StudyArgs& a, Context& context) {
  const auto start = std::chrono::steady_clock::now();
  const st::MergedStudy merged = st::merge_shards(a.merge);
  const std::string dir = make_output_dir(a, merged.study.name);
  st::StudyRunInfo info;
  info.mode = merged.mode;
  info.simulation_available = merged.simulation_available;
  info.quick = merged.quick;
  finish_study(merged.study, merged.results, info, dir, a.format, context);
  const double elapsed_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  (a.format == "table" ? std::cout : std::cerr)
      << merged.results.size() << " points merged from " << merged.shards << " shards in "
      << elapsed_s << " s; results in " << dir << "/\n";
}

/// run_study() with its point errors (study paths) prefixed by the study file, like every other
/// input error; the journal and --shard errors already name what they concern.
std::vector<st::PointResult> run_points(const std::string& file, const st::Study& study,
                                        const st::RunOptions& options) {
  try {
    return st::run_study(study, options);
  } catch (const st::PointError& e) {
    throw io::InputError(file + ": " + e.path(), e.reason());
  }
}

void run_command(const StudyArgs& a, Context& context) {
  if (a.file.empty()) throw io::InputError("study", "a study file is required (or --merge DIR...)");
  const auto start = std::chrono::steady_clock::now();
  const st::Study study = parse_input_file(a.file, [&] { return st::read_study_file(a.file); });
  st::RunOptions options;
  options.mode = study.mode;
  if (a.mode == "analytic")
    options.mode = st::Mode::analytic;
  else if (a.mode == "simulate")
    options.mode = st::Mode::simulate;
  else if (a.mode == "both")
    options.mode = st::Mode::both;
  options.jobs = a.jobs;
  options.quick = a.quick;
  if (!a.shard.empty()) options.shard = st::parse_shard(a.shard);
  const bool sharded = !a.shard.empty();
  if (options.mode != st::Mode::analytic) options.simulator = st::transaction_simulator();
  if (options.mode == st::Mode::both && !options.simulator)
    std::cerr << "tpeval study: warning: no transaction simulator in this build; running the "
                 "analytic part only\n";

  const std::string dir = make_output_dir(a, study.name);
  // The journal of a quick run is kept apart so it never masks full-run points; each shard has
  // its own, so shards may share one output directory.
  std::string journal = dir + (a.quick ? "/journal-quick" : "/journal");
  if (sharded)
    journal += "-shard-" + std::to_string(options.shard.index) + "-of-" +
               std::to_string(options.shard.count);
  journal += ".jsonl";
  std::error_code ec;
  if (a.fresh) std::filesystem::remove(journal, ec);
  options.journal_file = journal;
  if (isatty(fileno(stderr))) options.progress = draw_progress;

  const auto results = run_points(a.file, study, options);
  std::size_t reused = 0;
  for (const auto& r : results) reused += r.reused ? 1 : 0;
  const double elapsed_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (sharded) {
    st::ShardRun run;
    run.study_document = io::read_json_file(a.file);
    run.study_dir = std::filesystem::absolute(a.file).parent_path().string();
    run.mode = options.mode;
    run.quick = a.quick;
    run.simulation_available = options.simulator.has_value();
    run.shard = options.shard;
    st::write_shard_file(dir, run, study, results);
    std::cout << "shard " << a.shard << ": " << results.size() << " points (" << reused
              << " reused from the journal) in " << elapsed_s << " s; written to " << dir << "/"
              << st::shard_file_name(options.shard) << "; merge with: tpeval study --merge " << dir
              << "\n";
    return;
  }
  st::StudyRunInfo info;
  info.mode = options.mode;
  info.simulation_available = options.simulator.has_value();
  info.quick = a.quick;
  info.elapsed_s = elapsed_s;
  finish_study(study, results, info, dir, a.format, context);
  (a.format == "table" ? std::cout : std::cerr)
      << results.size() << " points (" << reused << " reused from the journal) in " << elapsed_s
      << " s; results in " << dir << "/\n";
}

}  // namespace

void add_study_command(CLI::App& app, Context& context) {
  auto* cmd = app.add_subcommand(
      "study", "Run a study (configurations x sweeps) and check its expectations");
  auto a = std::make_shared<StudyArgs>();
  auto* file = cmd->add_option("study", a->file, "Study JSON file (docs/studies.md)");
  cmd->add_option("--out", a->out, "Output directory (default: <study name>-results)");
  cmd->add_option("--jobs", a->jobs, "Points evaluated in parallel (default: all cores)")
      ->check(CLI::Range(1, 1024));
  auto* mode = cmd->add_option("--mode", a->mode, "Override the study's mode")
                   ->check(CLI::IsMember({"analytic", "simulate", "both"}));
  auto* quick =
      cmd->add_flag("--quick", a->quick, "Reduced sweeps (each axis's quick_values, or 4 values)");
  auto* fresh =
      cmd->add_flag("--fresh", a->fresh, "Ignore the journal of an earlier run and recompute all");
  auto* shard = cmd->add_option("--shard", a->shard,
                                "Run only shard K of N (every N-th point) and write "
                                "OUT/shard-K-of-N.json, e.g. --shard 2/4");
  auto* merge = cmd->add_option("--merge", a->merge,
                                "Merge the shard files in these directories into the outputs of "
                                "one run (instead of a study file)");
  merge->expected(1, -1);
  cmd->add_flag("--force", a->force, "Replace the results of another study in --out");
  cmd->add_option("--format", a->format,
                  "Output on stdout: table (the summary), json (results.json) or csv "
                  "(results.csv); the files are written in every case")
      ->check(CLI::IsMember({"table", "json", "csv"}));
  for (auto* other : {file, mode, quick, fresh, shard}) merge->excludes(other);
  cmd->callback([a, &context]() {
    if (!a->merge.empty())
      merge_command(*a, context);
    else
      run_command(*a, context);
  });
}

}  // namespace tpeval::cli
