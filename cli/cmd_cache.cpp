// `tpeval cache`: LRU hit ratios for classes of items and reference streams, with an optional
// second buffer level or a cluster of nodes with invalidation (solver/cache/).
//
//   tpeval cache --class 500:0.002:1 --repeat 1:1 --class 5000000:2e-7 --sequential 1:20
//                --buffer 2000 [--level2 eh --level2-size 1000 --policy all] [--force]
//   tpeval cache FILE.json [overriding options]
//
// Streams: --class ITEMS:RATE_PER_ITEM[:WRITE_FRACTION] (independent reference model),
// --sequential RATE:REFERENCES_PER_ITEM[:W], --one-touch RATE[:W], --repeat RATE[:W]. Rates are in
// any unit (per second, per transaction); all results are shares, or rates in that unit.
// Bad arguments and JSON input raise io::InputError (exit 2) naming the option or JSON path.
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "cli/command.hpp"
#include "cli/format.hpp"
#include "solver/cache/che.hpp"
#include "solver/cache/cluster.hpp"
#include "solver/cache/hierarchy.hpp"
#include "solver/cache/king.hpp"
#include "solver/cache/lru_simulator.hpp"
#include "solver/io/json_input.hpp"

namespace tpeval::cli {
namespace {

namespace cache = solver::cache;

struct CacheOptions {
  std::string file;
  std::vector<std::string> classes, sequential, one_touch, repeat;
  std::optional<double> buffer, level2_size;
  std::optional<std::string> level2, policy, method, invalidation;
  std::optional<int> nodes;
  bool force = false;
  std::optional<std::uint64_t> references, warmup, seed;
  std::string format = "table";
};

struct CacheRequest {
  std::vector<cache::ReferenceStream> streams;
  double buffer_items = -1.0;
  cache::HierarchyConfig hierarchy;
  bool cluster = false;
  cache::ClusterConfig cluster_config;
  std::string method = "che";
  std::uint64_t references = 2'000'000, warmup = 500'000, seed = 1;
};

// Splits "a:b:c" and parses each field as a finite number; errors name the option and value.
std::vector<double> parse_fields(const std::string& option, const std::string& value,
                                 std::size_t min_fields, std::size_t max_fields,
                                 const std::string& syntax) {
  const std::string path = option + " " + value;
  std::vector<double> fields;
  std::size_t start = 0;
  while (true) {
    const std::size_t colon = value.find(':', start);
    const std::string part =
        value.substr(start, colon == std::string::npos ? colon : colon - start);
    char* end = nullptr;
    const double x = std::strtod(part.c_str(), &end);
    if (part.empty() || end != part.c_str() + part.size() || !std::isfinite(x))
      throw io::InputError(path, "expected " + syntax + ", but '" + part + "' is not a number");
    fields.push_back(x);
    if (colon == std::string::npos) break;
    start = colon + 1;
  }
  if (fields.size() < min_fields || fields.size() > max_fields)
    throw io::InputError(path, "expected " + syntax);
  return fields;
}

void check_stream(const cache::ReferenceStream& s, const std::string& path) {
  try {
    cache::validate_streams({s});
  } catch (const io::InputError& e) {
    // Re-root "streams[0].field" at the option or JSON path.
    const std::string field = e.path().substr(e.path().find('.') + 1);
    throw io::InputError(path, field + " " + e.reason());
  }
}

cache::Level2Kind parse_level2(const std::string& name, const std::string& path) {
  if (name == "none") return cache::Level2Kind::none;
  if (name == "eh") return cache::Level2Kind::extended_memory;
  if (name == "volatile-cache") return cache::Level2Kind::volatile_disk_cache;
  if (name == "nv-cache") return cache::Level2Kind::nonvolatile_disk_cache;
  throw io::InputError(path, "must be one of none, eh, volatile-cache, nv-cache");
}

cache::MigrationPolicy parse_policy(const std::string& name, const std::string& path) {
  if (name == "all") return cache::MigrationPolicy::all;
  if (name == "modified") return cache::MigrationPolicy::modified;
  if (name == "unmodified") return cache::MigrationPolicy::unmodified;
  throw io::InputError(path, "must be one of all, modified, unmodified");
}

cache::Invalidation parse_invalidation(const std::string& name, const std::string& path) {
  if (name == "on-request") return cache::Invalidation::on_request;
  if (name == "broadcast") return cache::Invalidation::broadcast;
  throw io::InputError(path, "must be one of on-request, broadcast");
}

cache::ReferenceStream stream_from_json(const io::JsonNode& node) {
  node.expect_only({"name", "kind", "items", "rate_per_item", "rate", "references_per_item",
                    "write_fraction", "shared"});
  const std::string kind =
      node.has("kind")
          ? node.at("kind").as_choice({"independent", "sequential", "one-touch", "repeat"})
          : "independent";
  const double w = node.has("write_fraction") ? node.at("write_fraction").as_probability() : 0.0;
  const std::string name = node.has("name") ? node.at("name").as_string() : kind;
  cache::ReferenceStream s;
  auto forbid = [&](std::string_view key) {
    if (node.has(key)) node.at(key).fail("is not used by a " + kind + " stream");
  };
  if (kind == "independent") {
    forbid("rate");
    forbid("references_per_item");
    const auto items = node.at("items");
    const double n = items.as_number();
    if (n < 1.0) items.fail("must be a number >= 1");
    s = cache::independent_class(name, n, node.at("rate_per_item").as_non_negative(), w);
  } else {
    forbid("items");
    forbid("rate_per_item");
    const double rate = node.at("rate").as_non_negative();
    if (kind == "sequential") {
      const auto k = node.at("references_per_item");
      if (k.as_number() < 1.0) k.fail("must be a number >= 1");
      s = cache::sequential_stream(name, rate, k.as_number(), w);
    } else {
      forbid("references_per_item");
      s = kind == "repeat" ? cache::repeat_stream(name, rate, w)
                           : cache::one_touch_stream(name, rate, w);
    }
  }
  if (node.has("shared")) s.shared = node.at("shared").as_bool();
  return s;
}

void read_file(const std::string& file, CacheRequest& request) {
  const nlohmann::json doc = io::read_json_file(file);
  const io::JsonNode root(doc, "");
  root.expect_only(
      {"streams", "buffer_items", "write_strategy", "level2", "cluster", "method", "simulation"});
  for (const auto& element : root.at("streams").elements())
    request.streams.push_back(stream_from_json(element));
  if (root.has("buffer_items")) request.buffer_items = root.at("buffer_items").as_non_negative();
  if (root.has("write_strategy"))
    request.hierarchy.write_strategy =
        root.at("write_strategy").as_choice({"noforce", "force"}) == "force"
            ? cache::WriteStrategy::force
            : cache::WriteStrategy::noforce;
  if (auto level2 = root.find("level2")) {
    level2->expect_only({"kind", "items", "policy"});
    const auto kind = level2->at("kind");
    request.hierarchy.level2 = parse_level2(kind.as_string(), kind.path());
    request.hierarchy.level2_items = level2->at("items").as_non_negative();
    if (auto policy = level2->find("policy"))
      request.hierarchy.policy = parse_policy(policy->as_string(), policy->path());
  }
  if (auto cluster = root.find("cluster")) {
    cluster->expect_only({"nodes", "invalidation"});
    request.cluster = true;
    request.cluster_config.node_count =
        static_cast<int>(cluster->at("nodes").as_int_in_range(1, cache::kMaxClusterNodes));
    if (auto inv = cluster->find("invalidation"))
      request.cluster_config.invalidation = parse_invalidation(inv->as_string(), inv->path());
  }
  if (root.has("method")) request.method = root.at("method").as_choice({"che", "king", "simulate"});
  if (auto sim = root.find("simulation")) {
    sim->expect_only({"references", "warmup", "seed"});
    if (sim->has("references"))
      request.references = sim->at("references").as_int_in_range(1, 100'000'000);
    if (sim->has("warmup")) request.warmup = sim->at("warmup").as_int_in_range(0, 100'000'000);
    if (sim->has("seed")) request.seed = sim->at("seed").as_integer(0);
  }
}

CacheRequest build_request(const CacheOptions& o) {
  CacheRequest r;
  if (!o.file.empty()) parse_input_file(o.file, [&] { read_file(o.file, r); });
  for (const auto& v : o.classes) {
    const auto f = parse_fields("--class", v, 2, 3, "ITEMS:RATE_PER_ITEM[:WRITE_FRACTION]");
    if (f[0] < 1.0) throw io::InputError("--class " + v, "ITEMS must be >= 1");
    r.streams.push_back(
        cache::independent_class("class " + v, f[0], f[1], f.size() > 2 ? f[2] : 0));
    check_stream(r.streams.back(), "--class " + v);
  }
  for (const auto& v : o.sequential) {
    const auto f =
        parse_fields("--sequential", v, 2, 3, "RATE:REFERENCES_PER_ITEM[:WRITE_FRACTION]");
    r.streams.push_back(
        cache::sequential_stream("sequential " + v, f[0], f[1], f.size() > 2 ? f[2] : 0));
    check_stream(r.streams.back(), "--sequential " + v);
  }
  for (const auto& v : o.one_touch) {
    const auto f = parse_fields("--one-touch", v, 1, 2, "RATE[:WRITE_FRACTION]");
    r.streams.push_back(cache::one_touch_stream("one-touch " + v, f[0], f.size() > 1 ? f[1] : 0));
    check_stream(r.streams.back(), "--one-touch " + v);
  }
  for (const auto& v : o.repeat) {
    const auto f = parse_fields("--repeat", v, 1, 2, "RATE[:WRITE_FRACTION]");
    r.streams.push_back(cache::repeat_stream("repeat " + v, f[0], f.size() > 1 ? f[1] : 0));
    check_stream(r.streams.back(), "--repeat " + v);
  }
  if (r.streams.empty())
    throw io::InputError("--class",
                         "give at least one stream (--class, --sequential, "
                         "--one-touch, --repeat) or a JSON file");
  // The solvers check this too, but without the file; say it here where the source is known.
  if (!(cache::total_reference_rate(r.streams) > 0.0))
    throw io::InputError(o.file.empty() ? "--class" : o.file + ": streams",
                         "the total reference rate must be > 0 (every stream has rate 0)");
  if (o.buffer) {
    if (!(*o.buffer >= 0.0)) throw io::InputError("--buffer", "must be >= 0");
    r.buffer_items = *o.buffer;
  }
  if (r.buffer_items < 0.0)
    throw io::InputError(o.file.empty() ? "--buffer" : o.file + ": buffer_items",
                         "the buffer size is required (items, >= 0)");
  if (o.level2) r.hierarchy.level2 = parse_level2(*o.level2, "--level2");
  if (o.level2_size) {
    if (!(*o.level2_size >= 0.0)) throw io::InputError("--level2-size", "must be >= 0");
    r.hierarchy.level2_items = *o.level2_size;
  }
  if (o.policy) r.hierarchy.policy = parse_policy(*o.policy, "--policy");
  if (o.force) r.hierarchy.write_strategy = cache::WriteStrategy::force;
  if (r.hierarchy.level2 != cache::Level2Kind::none && !(r.hierarchy.level2_items > 0.0))
    throw io::InputError("--level2-size", "a second level needs a size > 0");
  if (o.nodes) {
    if (*o.nodes < 1 || *o.nodes > cache::kMaxClusterNodes)
      throw io::InputError("--nodes",
                           "must be in [1, " + std::to_string(cache::kMaxClusterNodes) + "]");
    r.cluster = true;
    r.cluster_config.node_count = *o.nodes;
  }
  if (o.invalidation) {
    r.cluster_config.invalidation = parse_invalidation(*o.invalidation, "--invalidation");
    r.cluster = true;
  }
  if (r.cluster && r.hierarchy.level2 != cache::Level2Kind::none)
    throw io::InputError("--nodes", "the cluster model has one buffer level; drop --level2");
  if (o.method) r.method = *o.method;
  if (r.method == "king" && (r.cluster || r.hierarchy.level2 != cache::Level2Kind::none))
    throw io::InputError("--method", "king covers one LRU buffer only (no --level2, no --nodes)");
  if (o.references) r.references = *o.references;
  if (o.warmup) r.warmup = *o.warmup;
  if (o.seed) r.seed = *o.seed;
  if (r.references == 0) throw io::InputError("--references", "must be >= 1");
  r.hierarchy.level1_items = r.buffer_items;
  r.cluster_config.buffer_items_per_node = r.buffer_items;
  r.cluster_config.write_strategy = r.hierarchy.write_strategy;
  return r;
}

std::string kind_name(const cache::ReferenceStream& s) {
  switch (s.kind) {
    case cache::StreamKind::independent:
      return "independent";
    case cache::StreamKind::sequential:
      return s.references_per_item == 1.0 ? "one-touch" : "sequential";
    case cache::StreamKind::repeat:
      return "repeat";
  }
  return "independent";
}

/// What `tpeval cache` prints: the JSON document, or a table with its title.
struct CacheReport {
  nlohmann::json json;
  std::vector<std::string> header{"stream", "kind", "rate"};
  std::vector<std::vector<std::string>> rows;
  std::string title;
};

/// An infinite characteristic time (all items fit, the level never fills) does not exist as a
/// number: null, as everywhere in the JSON output; the table says why.
nlohmann::json time_json(double t) {
  return std::isfinite(t) ? nlohmann::json(t) : nlohmann::json(nullptr);
}

void cluster_report(const CacheRequest& r, CacheReport& out) {
  const auto c = r.method == "simulate" ? cache::simulate_cluster(r.streams, r.cluster_config,
                                                                  r.references, r.warmup, r.seed)
                                        : cache::che_cluster(r.streams, r.cluster_config);
  out.header.insert(out.header.end(), {"hit %", "page request %", "disk %"});
  auto& json = out.json;
  json["nodes"] = r.cluster_config.node_count;
  json["invalidation"] = cache::to_string(r.cluster_config.invalidation);
  json["write_strategy"] = cache::to_string(r.cluster_config.write_strategy);
  if (r.method != "simulate") json["characteristic_time"] = time_json(c.characteristic_time);
  out.title = "LRU per node, " + std::to_string(r.cluster_config.node_count) + " nodes, " +
              cache::to_string(r.cluster_config.invalidation) + " invalidation (" + r.method + ")";
  for (std::size_t i = 0; i < c.streams.size(); ++i) {
    const auto& s = c.streams[i];
    out.rows.push_back({s.name, kind_name(r.streams[i]), general(s.reference_rate),
                        percent(s.hit_ratio, 2), percent(s.page_request_ratio, 2),
                        percent(s.disk_read_ratio, 2)});
    json["streams"].push_back({{"name", s.name},
                               {"reference_rate", s.reference_rate},
                               {"hit_ratio", s.hit_ratio},
                               {"page_request_ratio", s.page_request_ratio},
                               {"disk_read_ratio", s.disk_read_ratio}});
  }
  out.rows.push_back({"total", "", general(cache::total_reference_rate(r.streams)),
                      percent(c.hit_ratio, 2), percent(c.page_request_ratio, 2),
                      percent(c.disk_read_ratio, 2)});
  json["hit_ratio"] = c.hit_ratio;
  json["page_request_ratio"] = c.page_request_ratio;
  json["disk_read_ratio"] = c.disk_read_ratio;
}

void king_report(const CacheRequest& r, CacheReport& out) {
  const int buffer = static_cast<int>(r.buffer_items);
  if (buffer != r.buffer_items)
    throw io::InputError("--buffer", "king needs an integral buffer size");
  const auto hits = cache::king_stream_hit_ratios(r.streams, buffer);
  out.header.push_back("hit %");
  out.title = "LRU, King's exact method";
  double total = 0.0;
  const double rate = cache::total_reference_rate(r.streams);
  for (std::size_t i = 0; i < hits.size(); ++i) {
    const auto& s = r.streams[i];
    total += s.reference_rate / rate * hits[i];
    out.rows.push_back({s.name, kind_name(s), general(s.reference_rate), percent(hits[i], 2)});
    out.json["streams"].push_back(
        {{"name", s.name}, {"reference_rate", s.reference_rate}, {"hit_ratio", hits[i]}});
  }
  out.rows.push_back({"total", "", general(rate), percent(total, 2)});
  out.json["hit_ratio"] = total;
}

std::string hierarchy_title(const CacheRequest& r, const cache::HierarchyResult& h, bool two) {
  std::string title = "LRU buffer of " + general(r.buffer_items) + " items" +
                      (two ? " + " + cache::to_string(r.hierarchy.level2) + " of " +
                                 general(r.hierarchy.level2_items) + " (" +
                                 cache::to_string(r.hierarchy.policy) + ")"
                           : std::string()) +
                      ", " + cache::to_string(r.hierarchy.write_strategy) + " (" + r.method + ")";
  if (r.method != "simulate") {
    const double t1 = h.level1_characteristic_time;
    title += "\ncharacteristic time t1 = " +
             (std::isinf(t1) ? std::string("none (all items fit)") : general(t1));
    if (two) {
      const double t2 = h.level2_characteristic_time;
      title +=
          ", T2 = " + (std::isinf(t2) ? std::string("none (level 2 never fills)") : general(t2));
    }
  }
  return title;
}

void hierarchy_report(const CacheRequest& r, CacheReport& out) {
  const auto h = r.method == "simulate" ? cache::simulate_hierarchy(r.streams, r.hierarchy,
                                                                    r.references, r.warmup, r.seed)
                                        : cache::che_hierarchy(r.streams, r.hierarchy);
  const bool two = r.hierarchy.level2 != cache::Level2Kind::none;
  out.header.insert(out.header.end(), {"L1 hit %"});
  if (two) out.header.push_back("L2 hit %");
  out.header.insert(out.header.end(), {"miss %", "disk reads", "writebacks", "commit writes"});
  if (two) out.header.push_back("L2 writes");
  auto& json = out.json;
  json["write_strategy"] = cache::to_string(r.hierarchy.write_strategy);
  json["level2"] = {{"kind", cache::to_string(r.hierarchy.level2)},
                    {"items", r.hierarchy.level2_items},
                    {"policy", cache::to_string(r.hierarchy.policy)}};
  if (r.method != "simulate") {
    json["level1_characteristic_time"] = time_json(h.level1_characteristic_time);
    if (two) json["level2_characteristic_time"] = time_json(h.level2_characteristic_time);
  }
  auto add = [&](const std::string& name, const std::string& kind, double rate,
                 const auto& levels) {
    std::vector<std::string> row{name, kind, general(rate), percent(levels.level1_hit_ratio, 2)};
    if (two) row.push_back(percent(levels.level2_hit_ratio, 2));
    row.insert(row.end(),
               {percent(levels.miss_ratio, 2), general(levels.disk_read_rate, 4),
                general(levels.dirty_writeback_rate, 4), general(levels.commit_write_rate, 4)});
    if (two) row.push_back(general(levels.level2_write_rate, 4));
    out.rows.push_back(row);
  };
  for (std::size_t i = 0; i < h.streams.size(); ++i) {
    const auto& s = h.streams[i];
    add(s.name, kind_name(r.streams[i]), s.reference_rate, s);
    json["streams"].push_back({{"name", s.name},
                               {"reference_rate", s.reference_rate},
                               {"level1_hit_ratio", s.level1_hit_ratio},
                               {"level2_hit_ratio", s.level2_hit_ratio},
                               {"miss_ratio", s.miss_ratio},
                               {"disk_read_rate", s.disk_read_rate},
                               {"level2_read_rate", s.level2_read_rate},
                               {"dirty_writeback_rate", s.dirty_writeback_rate},
                               {"commit_write_rate", s.commit_write_rate},
                               {"level2_write_rate", s.level2_write_rate},
                               {"disk_write_rate", s.disk_write_rate}});
  }
  add("total", "", cache::total_reference_rate(r.streams), h);
  json["level1_hit_ratio"] = h.level1_hit_ratio;
  json["level2_hit_ratio"] = h.level2_hit_ratio;
  json["miss_ratio"] = h.miss_ratio;
  json["disk_read_rate"] = h.disk_read_rate;
  json["dirty_writeback_rate"] = h.dirty_writeback_rate;
  json["commit_write_rate"] = h.commit_write_rate;
  json["level2_write_rate"] = h.level2_write_rate;
  out.title = hierarchy_title(r, h, two);
}

void run_cache(const CacheOptions& options) {
  const CacheRequest r = build_request(options);
  const OutputFormat format = parse_format(options.format);
  CacheReport report;
  report.json["method"] = r.method;
  report.json["buffer_items"] = r.buffer_items;
  const auto compute = [&] {
    if (r.cluster)
      cluster_report(r, report);
    else if (r.method == "king")
      king_report(r, report);
    else
      hierarchy_report(r, report);
  };
  // The solvers' limits (King's stack states, the simulator's item counts) name their field;
  // the file it came from is known here (issue #16: every error names the file).
  if (options.file.empty())
    compute();
  else
    parse_input_file(options.file, compute);

  if (format == OutputFormat::json) {
    std::cout << report.json.dump(2) << '\n';
    return;
  }
  Table table(report.header);
  for (auto& row : report.rows) table.add_row(row);
  if (format == OutputFormat::csv)
    table.print_csv(std::cout);
  else
    table.print(std::cout, report.title);
}

}  // namespace

void add_cache_command(CLI::App& app, Context&) {
  auto options = std::make_shared<CacheOptions>();
  CLI::App* cmd = app.add_subcommand(
      "cache",
      "LRU buffer hit ratios (Che approximation, King's exact method, or exact simulation) for\n"
      "classes of items and reference streams; optional second level or cluster of nodes.");
  cmd->add_option("file", options->file,
                  "JSON input (streams, buffer_items, level2, cluster, ...)");
  cmd->add_option("--class", options->classes,
                  "ITEMS:RATE_PER_ITEM[:WRITE_FRACTION]  independent-reference class (repeatable)")
      ->allow_extra_args(false);
  cmd->add_option("--sequential", options->sequential,
                  "RATE:REFERENCES_PER_ITEM[:WRITE_FRACTION]  a new item every k references")
      ->allow_extra_args(false);
  cmd->add_option("--one-touch", options->one_touch,
                  "RATE[:WRITE_FRACTION]  items never re-referenced")
      ->allow_extra_args(false);
  cmd->add_option("--repeat", options->repeat,
                  "RATE[:WRITE_FRACTION]  immediate re-references (always hit)")
      ->allow_extra_args(false);
  cmd->add_option("--buffer", options->buffer, "level-1 (main-memory) buffer size in items");
  cmd->add_option("--level2", options->level2, "second level: eh|volatile-cache|nv-cache|none");
  cmd->add_option("--level2-size", options->level2_size, "second-level size in items");
  cmd->add_option("--policy", options->policy, "EH migration policy: all|modified|unmodified");
  cmd->add_flag("--force", options->force,
                "FORCE (write modified items at commit); default NOFORCE");
  cmd->add_option("--nodes", options->nodes, "cluster: number of nodes sharing the items");
  cmd->add_option("--invalidation", options->invalidation, "cluster: on-request|broadcast");
  cmd->add_option("--method", options->method, "che|king|simulate")
      ->check(CLI::IsMember({"che", "king", "simulate"}));
  cmd->add_option("--references", options->references, "simulate: measured references");
  cmd->add_option("--warmup", options->warmup, "simulate: warm-up references");
  cmd->add_option("--seed", options->seed, "simulate: random seed");
  cmd->add_option("--format", options->format, "table|json|csv")
      ->check(CLI::IsMember({"table", "json", "csv"}));
  cmd->callback([options] { run_cache(*options); });
}

}  // namespace tpeval::cli
