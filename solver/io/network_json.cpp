// Reader and writer of the network file format (docs/network-format.md,
// schemas/network.schema.json).
#include "solver/io/network_json.hpp"

#include <cmath>
#include <optional>
#include <ostream>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

namespace tpeval::io {

namespace {

using solver::ClassKind;
using solver::Discipline;
using solver::JobClass;
using solver::Network;
using solver::Station;
using solver::StationKind;

using network_limits::max_class_station_pairs;
using network_limits::max_population;
using network_limits::max_servers;

/// Station (or class) name -> index, so that name lookups stay O(1) for 10^5 stations.
using NameIndex = std::unordered_map<std::string, int>;

Station parse_station(const JsonNode& node) {
  node.expect_only(
      {"name", "kind", "discipline", "servers", "rate_multipliers", "service_scv", "description"});
  Station station;
  station.name = node.at("name").as_string();
  if (station.name.empty()) node.at("name").fail("must not be empty");
  if (const auto kind = node.find("kind"))
    station.kind =
        kind->as_choice({"queue", "delay"}) == "delay" ? StationKind::delay : StationKind::queue;
  if (station.kind == StationKind::delay) {
    // An infinite-server station has no queue discipline, server count or load dependence.
    for (const char* key : {"discipline", "servers", "rate_multipliers"})
      if (const auto member = node.find(key))
        member->fail("not allowed for a delay station (it has infinitely many servers)");
  }
  if (const auto discipline = node.find("discipline"))
    station.discipline =
        discipline->as_choice({"fcfs", "ps"}) == "ps" ? Discipline::ps : Discipline::fcfs;
  if (const auto servers = node.find("servers")) {
    station.servers = static_cast<int>(servers->as_int_in_range(1, max_servers));
  }
  if (const auto multipliers = node.find("rate_multipliers")) {
    const auto elements = multipliers->elements();
    if (elements.empty()) multipliers->fail("must list at least one rate multiplier");
    for (const auto& e : elements) station.rate_multipliers.push_back(e.as_positive());
    if (station.servers != 1)
      node.at("servers").fail(
          "must be 1 for a load-dependent station (rate_multipliers already say how many jobs "
          "are served at once)");
  }
  if (const auto scv = node.find("service_scv")) station.service_scv = scv->as_non_negative();
  return station;
}

/// Reads an object keyed by station name into (station index, value) pairs in document order;
/// unknown names are errors naming the closest station. A member's path is built only for an
/// error (a class may name 10^5 stations, issue #16).
std::vector<std::pair<int, double>> parse_station_map(const JsonNode& node,
                                                      const std::vector<std::string>& station_names,
                                                      const NameIndex& station_index,
                                                      bool positive) {
  if (!node.is_object()) node.members();  // throws "must be an object, not ..."
  std::vector<std::pair<int, double>> values;
  values.reserve(node.json().size());
  for (auto it = node.json().begin(); it != node.json().end(); ++it) {
    const auto found = station_index.find(it.key());
    const double v = it.value().is_number() ? it.value().get<double>() : -1.0;
    if (found == station_index.end() || !std::isfinite(v) || !(positive ? v > 0 : v >= 0)) {
      const JsonNode value(it.value(), child_path(node.path(), it.key()));
      if (found == station_index.end()) {
        std::string reason = "unknown station";
        const std::string suggestion = closest_name(it.key(), station_names);
        if (!suggestion.empty()) reason += " (did you mean '" + suggestion + "'?)";
        value.fail(reason);
      }
      if (positive) {
        value.as_positive();  // throws the reason
      } else {
        value.as_non_negative();
      }
    }
    values.emplace_back(found->second, v);
  }
  return values;
}

JobClass parse_class_header(const JsonNode& node) {
  JobClass job_class;
  job_class.name = node.at("name").as_string();
  if (job_class.name.empty()) node.at("name").fail("must not be empty");
  const auto rate = node.find("arrival_rate_per_s");
  const auto population = node.find("population");
  if (rate && population)
    population->fail(
        "a class is either open ('arrival_rate_per_s') or closed ('population'), not both");
  if (!rate && !population)
    node.fail("needs 'arrival_rate_per_s' (an open class) or 'population' (a closed class)");
  if (rate) {
    job_class.kind = ClassKind::open;
    job_class.arrival_rate_per_s = rate->as_non_negative();
    if (const auto think = node.find("think_time_s"))
      think->fail("only closed classes have a think time");
  } else {
    job_class.kind = ClassKind::closed;
    job_class.population = static_cast<long>(population->as_int_in_range(0, max_population));
    if (const auto think = node.find("think_time_s"))
      job_class.think_time_s = think->as_non_negative();
  }
  return job_class;
}

}  // namespace

solver::Network parse_network(const JsonNode& root) {
  root.expect_only({"$schema", "name", "description", "stations", "classes"});
  if (const auto name = root.find("name")) name->as_string();
  if (const auto description = root.find("description")) description->as_string();

  Network network;
  const JsonNode stations_node = root.at("stations");
  const auto stations = stations_node.elements();
  if (stations.empty()) stations_node.fail("must list at least one station");
  std::vector<std::string> station_names;
  NameIndex station_index;
  station_index.reserve(stations.size());
  station_names.reserve(stations.size());
  network.stations.reserve(stations.size());
  for (const auto& node : stations) {
    Station station = parse_station(node);
    const auto [it, fresh] =
        station_index.emplace(station.name, static_cast<int>(station_names.size()));
    if (!fresh)
      node.at("name").fail("duplicate station name '" + station.name + "' (also stations[" +
                           std::to_string(it->second) + "])");
    station_names.push_back(station.name);
    network.stations.push_back(std::move(station));
  }

  const JsonNode classes_node = root.at("classes");
  const auto classes = classes_node.elements();
  if (classes.empty()) classes_node.fail("must list at least one class");
  if (static_cast<std::int64_t>(classes.size()) * static_cast<std::int64_t>(stations.size()) >
      max_class_station_pairs)
    classes_node.fail(std::to_string(classes.size()) + " classes x " +
                      std::to_string(stations.size()) + " stations exceed the limit of " +
                      std::to_string(max_class_station_pairs) + " class-station pairs");
  const int station_count = static_cast<int>(station_names.size());
  const int class_count = static_cast<int>(classes.size());
  network.demand_s = Eigen::MatrixXd::Zero(class_count, station_count);
  network.visits = Eigen::MatrixXd::Zero(class_count, station_count);
  NameIndex class_index;
  for (int c = 0; c < class_count; ++c) {
    const JsonNode& node = classes[c];
    node.expect_only({"name", "description", "arrival_rate_per_s", "population", "think_time_s",
                      "demands_s", "visits", "service_times_s"});
    JobClass job_class = parse_class_header(node);
    if (const auto [it, fresh] = class_index.emplace(job_class.name, c); !fresh)
      node.at("name").fail("duplicate class name '" + job_class.name + "' (also classes[" +
                           std::to_string(it->second) + "])");

    // Demands: either D_ck directly, or visits V_ck with per-visit service times S_ck.
    const auto demands = node.find("demands_s");
    const auto visits = node.find("visits");
    const auto service_times = node.find("service_times_s");
    if (demands && (visits || service_times))
      (visits ? *visits : *service_times)
          .fail("give either 'demands_s' or 'visits' with 'service_times_s', not both");
    if (demands) {
      for (const auto& [k, d] : parse_station_map(*demands, station_names, station_index, false)) {
        network.demand_s(c, k) = d;
        network.visits(c, k) = d > 0 ? 1.0 : 0.0;
      }
    } else if (visits || service_times) {
      if (!visits)
        throw InputError(child_path(node.path(), "visits"), "is required with 'service_times_s'");
      if (!service_times)
        throw InputError(child_path(node.path(), "service_times_s"), "is required with 'visits'");
      const auto v = parse_station_map(*visits, station_names, station_index, false);
      const auto s = parse_station_map(*service_times, station_names, station_index, true);
      std::vector<double> time_s(station_names.size(), 0.0);  // 0: no service time given
      for (const auto& [k, time] : s) time_s[k] = time;
      std::vector<bool> listed(station_names.size(), false);
      for (const auto& [k, count] : v) {
        if (count > 0 && time_s[k] <= 0)
          throw InputError(child_path(service_times->path(), station_names[k]),
                           "is required (the class visits '" + station_names[k] + "')");
        network.visits(c, k) = count;
        if (count > 0) network.demand_s(c, k) = count * time_s[k];
        listed[k] = true;
      }
      for (const auto& [k, time] : s)
        if (!listed[k])
          throw InputError(child_path(visits->path(), station_names[k]),
                           "is required (a service time is given for '" + station_names[k] + "')");
    } else {
      throw InputError(child_path(node.path(), "demands_s"),
                       "is required (or give 'visits' and 'service_times_s')");
    }
    if (!(network.demand_s.row(c).array() > 0).any())
      (demands ? *demands : *visits)
          .fail("the class must have a positive demand at one station at least");
    network.classes.push_back(std::move(job_class));
  }

  try {
    solver::validate(network);
  } catch (const std::invalid_argument& e) {
    // The checks above should make this unreachable; keep the promise of the contract anyway.
    root.fail(e.what());
  }
  return network;
}

namespace {

double checked(double value, const char* what) {
  if (!std::isfinite(value))
    throw std::logic_error(std::string("solution has a non-finite ") + what);
  return value;
}

}  // namespace

namespace {

using nlohmann::json;

json header_json(const solver::Solution& solution) {
  json out;
  out["format"] = "tpeval-solution/1";
  out["method"] = solution.method;
  out["iterations"] = solution.iterations;
  out["residual"] = checked(solution.residual, "residual");
  out["converged"] = solution.converged;
  out["warnings"] = solution.warnings;
  return out;
}

// The members of one entry of the solution document, in the order nlohmann's objects keep them
// (sorted by key), handed to `put(key, value)`: once to build a json object
// (solution_to_json) and once to stream the entry (write_solution_json), from one list.
template <class Put>
void class_members(const Network& network, const solver::Solution& solution, int c, Put&& put) {
  const auto& cls = network.classes[c];
  const bool open = cls.kind == ClassKind::open;
  if (open) put("arrival_rate_per_s", cls.arrival_rate_per_s);
  put("kind", open ? "open" : "closed");
  put("mean_jobs", checked(solution.mean_jobs.row(c).sum(), "mean number of jobs"));
  put("name", cls.name);
  if (!open) put("population", cls.population);
  put("response_time_s", checked(solution.class_response_time_s(c), "response time"));
  if (!open) put("think_time_s", cls.think_time_s);
  put("throughput_per_s", checked(solution.class_throughput_per_s(c), "throughput"));
}

template <class Put>
void station_members(const Network& network, const solver::Solution& solution, int k, Put&& put) {
  const auto& station = network.stations[k];
  const bool queue = station.kind == StationKind::queue;
  put("busy_servers", checked(solution.busy_servers(k), "busy servers"));
  if (queue) put("discipline", station.discipline == Discipline::ps ? "ps" : "fcfs");
  put("kind", queue ? "queue" : "delay");
  if (queue) put("load_dependent", station.load_dependent());
  put("mean_jobs", checked(solution.mean_jobs.col(k).sum(), "mean number of jobs"));
  put("name", station.name);
  if (queue) put("servers", station.servers);
  put("throughput_per_s", checked(solution.throughput_per_s.col(k).sum(), "throughput"));
  put("utilization", checked(solution.station_utilization(k), "utilization"));
}

template <class Put>
void pair_members(const Network& network, const solver::Solution& solution, int c, int k,
                  Put&& put) {
  put("class", network.classes[c].name);
  put("demand_s", network.demand_s(c, k));
  put("mean_jobs", checked(solution.mean_jobs(c, k), "mean number of jobs"));
  put("residence_time_s", checked(solution.residence_time_s(c, k), "residence time"));
  put("response_time_per_visit_s",
      checked(solution.response_time_per_visit_s(network, c, k), "response time"));
  put("station", network.stations[k].name);
  put("throughput_per_s", checked(solution.throughput_per_s(c, k), "throughput"));
  put("utilization", checked(solution.utilization(c, k), "utilization"));
  put("visits", network.visits.size() ? network.visits(c, k) : 1.0);
}

/// Builds a json object from one of the member lists above.
template <class Members>
json entry_json(Members&& members) {
  json entry = json::object();
  members([&](const char* key, const auto& value) { entry[key] = value; });
  return entry;
}

/// nlohmann's writer of values (the one json::dump() uses), kept for a whole document: one
/// per value would allocate its output adapter 10^6 times for a 10^5-station solution.
using ValueWriter = nlohmann::detail::serializer<json>;

/// Streams one entry as json::dump() would write the object (compact, keys in order), without
/// building it: a 10^5-station solution is written in one pass (issue #16). Text goes to a string
/// buffer (`out`) that the caller hands to the stream in large blocks: one ostream call per
/// token cost a locked fwrite each, a third of the time of `tpeval solve`.
template <class Members>
void write_entry(std::string& out, ValueWriter& writer, Members&& members) {
  char separator = '{';
  members([&](const char* key, const auto& value) {
    out += separator;
    out += '"';
    out += key;
    out += "\":";
    writer.dump(json(value), false, false, 0);
    separator = ',';
  });
  out += '}';
}

}  // namespace

nlohmann::json solution_to_json(const solver::Network& network, const solver::Solution& solution) {
  json out = header_json(solution);
  json classes = json::array();
  for (int c = 0; c < network.class_count(); ++c)
    classes.push_back(entry_json([&](auto&& put) { class_members(network, solution, c, put); }));
  out["classes"] = std::move(classes);
  json stations = json::array();
  for (int k = 0; k < network.station_count(); ++k)
    stations.push_back(entry_json([&](auto&& put) { station_members(network, solution, k, put); }));
  out["stations"] = std::move(stations);
  json pairs = json::array();
  for (int c = 0; c < network.class_count(); ++c)
    for (int k = 0; k < network.station_count(); ++k)
      pairs.push_back(entry_json([&](auto&& put) { pair_members(network, solution, c, k, put); }));
  out["class_stations"] = std::move(pairs);
  return out;
}

nlohmann::json network_to_json(const solver::Network& network, const std::string& name,
                               const std::string& description) {
  using nlohmann::json;
  json out = json::object();
  out["$schema"] = "https://tpeval.example/schemas/network.schema.json";
  if (!name.empty()) out["name"] = name;
  if (!description.empty()) out["description"] = description;
  json stations = json::array();
  for (const auto& s : network.stations) {
    json e = {{"name", s.name}};
    if (s.kind == StationKind::delay) {
      e["kind"] = "delay";
    } else {
      e["kind"] = "queue";
      e["discipline"] = s.discipline == Discipline::ps ? "ps" : "fcfs";
      if (s.servers != 1) e["servers"] = s.servers;
      if (s.load_dependent()) e["rate_multipliers"] = s.rate_multipliers;
    }
    if (s.service_scv != 1.0) e["service_scv"] = s.service_scv;
    stations.push_back(std::move(e));
  }
  out["stations"] = std::move(stations);
  json classes = json::array();
  for (int c = 0; c < network.class_count(); ++c) {
    const auto& cls = network.classes[c];
    json e = {{"name", cls.name}};
    if (cls.kind == ClassKind::open) {
      e["arrival_rate_per_s"] = cls.arrival_rate_per_s;
    } else {
      e["population"] = cls.population;
      if (cls.think_time_s > 0) e["think_time_s"] = cls.think_time_s;
    }
    json visits = json::object();
    json times = json::object();
    for (int k = 0; k < network.station_count(); ++k) {
      const double d = network.demand_s(c, k);
      if (!(d > 0)) continue;
      const double v =
          network.visits.size() && network.visits(c, k) > 0 ? network.visits(c, k) : 1.0;
      visits[network.stations[k].name] = v;
      times[network.stations[k].name] = d / v;
    }
    e["visits"] = std::move(visits);
    e["service_times_s"] = std::move(times);
    classes.push_back(std::move(e));
  }
  out["classes"] = std::move(classes);
  return out;
}

void write_solution_json(std::ostream& out, const solver::Network& network,
                         const solver::Solution& solution, const nlohmann::json& extra) {
  // The same document as solution_to_json(), written entry by entry: a 10^5-station network never
  // holds the whole output tree (issue #16: <= 200 MB for parse + solve + print).
  json head = header_json(solution);
  for (auto it = extra.begin(); extra.is_object() && it != extra.end(); ++it) head[it.key()] = *it;
  std::string text = head.dump(2);
  text.resize(text.size() - 2);  // without the closing "\n}"
  ValueWriter writer(nlohmann::detail::output_adapter<char>(text), ' ');
  const auto array = [&](const char* name, int count, auto&& members) {
    text += ",\n  \"";
    text += name;
    text += "\": [";
    for (int i = 0; i < count; ++i) {
      text += i ? ",\n    " : "\n    ";
      write_entry(text, writer, [&](auto&& put) { members(i, put); });
      if (text.size() >= (std::size_t{1} << 16)) {  // memory stays bounded by the block size
        out.write(text.data(), static_cast<std::streamsize>(text.size()));
        text.clear();
      }
    }
    text += count ? "\n  ]" : "]";
  };
  array("classes", network.class_count(),
        [&](int c, auto&& put) { class_members(network, solution, c, put); });
  array("stations", network.station_count(),
        [&](int k, auto&& put) { station_members(network, solution, k, put); });
  const int stations = network.station_count();
  array("class_stations", network.class_count() * stations, [&](int i, auto&& put) {
    pair_members(network, solution, i / stations, i % stations, put);
  });
  text += "\n}\n";
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
}

const char* example_network_json() {
  // Keep identical to examples/networks/central_server.json (tests compare the two).
  return R"json({
  "name": "central-server",
  "description": "Central-server model: one CPU (processor sharing) and two FCFS disks, shared by 20 interactive OLTP terminals (2 s think time) and 2 batch jobs. Each job alternates CPU bursts and disk I/O; visits count CPU bursts and disk accesses per transaction.",
  "stations": [
    {"name": "cpu", "kind": "queue", "discipline": "ps"},
    {"name": "disk1", "kind": "queue", "discipline": "fcfs"},
    {"name": "disk2", "kind": "queue", "discipline": "fcfs"}
  ],
  "classes": [
    {
      "name": "oltp",
      "population": 20,
      "think_time_s": 2.0,
      "visits": {"cpu": 10, "disk1": 5, "disk2": 4},
      "service_times_s": {"cpu": 0.003, "disk1": 0.010, "disk2": 0.012}
    },
    {
      "name": "batch",
      "population": 2,
      "visits": {"cpu": 41, "disk1": 25, "disk2": 15},
      "service_times_s": {"cpu": 0.010, "disk1": 0.010, "disk2": 0.012}
    }
  ]
}
)json";
}

}  // namespace tpeval::io
