// parse_network_text(): the network file from its text in one pass (issue #16: parse + solve +
// print of a 10^5-station network <= 0.5 s).
//
// Building nlohmann's DOM of a 10^5-station file (a std::map node per member, a path string per
// JsonNode) took about 60 % of `tpeval solve`. Here a SAX handler reads the file straight into the
// network's value types. It recognises the common, valid form only: whenever it meets anything
// else (an error of any kind, a duplicate key, 'classes' before 'stations', a float where an
// integer is due, a non-string description, ...) it stops, and the reference reader
// (parse_json_text + parse_network) reads the text again and reports exactly its usual error. So
// errors need no second implementation and stay identical; the fast reader must only never
// accept what the reference reader refuses, and must build the same Network when both accept
// (the network fuzz target checks both on every input, fuzz/targets.cpp).
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "solver/io/network_json.hpp"

namespace tpeval::io {

namespace {

using nlohmann::json;
using solver::ClassKind;
using solver::Discipline;
using solver::JobClass;
using solver::Network;
using solver::Station;
using solver::StationKind;

// Beyond the limits this reader defers to the reference reader, which names them.
using network_limits::max_class_station_pairs;
using network_limits::max_population;
using network_limits::max_servers;

/// A number as the lexer delivered it: integral literals keep their integer value.
struct Number {
  double value = 0;
  std::optional<std::int64_t> integer;  ///< set for integer literals within int64
};

/// The station-keyed maps of a class: (station index, value) in document order.
using StationValues = std::vector<std::pair<int, double>>;

struct StationFields {
  unsigned seen = 0;  // bit per key: a duplicate key defers to the reference reader
  std::optional<std::string> name, kind, discipline;
  std::optional<Number> servers, service_scv;
  std::vector<double> multipliers;
};

struct ClassFields {
  unsigned seen = 0;
  std::optional<std::string> name;
  std::optional<Number> rate, population, think;
  StationValues demands, visits, times;
};

/// Station name -> index by open addressing over the stations' own names: no node and no copy of
/// a name per station (a node-based map spent most of this reader's time in cache misses).
class StationNameIndex {
 public:
  explicit StationNameIndex(const std::vector<Station>& stations) : stations_(stations) {}

  /// The index of the station named `name`, or -1.
  int find(std::string_view name) const {
    if (slots_.empty()) return -1;
    const std::uint32_t h = hash(name);
    for (std::size_t i = h & mask(); slots_[i].index >= 0; i = (i + 1) & mask())
      if (slots_[i].hash == h && stations_[static_cast<std::size_t>(slots_[i].index)].name == name)
        return slots_[i].index;
    return -1;
  }
  /// Adds the last station; false when its name is taken.
  bool add_last() {
    const int index = static_cast<int>(stations_.size()) - 1;
    const std::string& name = stations_.back().name;
    if (find(name) >= 0) return false;
    if (2 * (size_ + 1) > slots_.size()) grow();
    place(Slot{hash(name), index});
    ++size_;
    return true;
  }

 private:
  struct Slot {
    std::uint32_t hash = 0;
    std::int32_t index = -1;  // -1: empty
  };
  static std::uint32_t hash(std::string_view name) {
    return static_cast<std::uint32_t>(std::hash<std::string_view>{}(name));
  }
  std::size_t mask() const { return slots_.size() - 1; }
  void place(Slot slot) {
    std::size_t i = slot.hash & mask();
    while (slots_[i].index >= 0) i = (i + 1) & mask();
    slots_[i] = slot;
  }
  void grow() {
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(std::max<std::size_t>(64, 2 * old.size()), Slot{});
    for (const Slot& slot : old)
      if (slot.index >= 0) place(slot);
  }

  const std::vector<Station>& stations_;
  std::vector<Slot> slots_;
  std::size_t size_ = 0;
};

class FastNetworkReader {
 public:
  /// The parsed document, or nullopt when the reference reader has to decide.
  std::optional<NetworkDocument> result() {
    if (!done_) return std::nullopt;
    return std::move(doc_);
  }

  // --- nlohmann SAX interface: `false` stops the parse (the reference reader takes over) ----
  bool null() { return false; }
  bool boolean(bool) { return false; }
  bool number_integer(json::number_integer_t v) {
    return number(Number{static_cast<double>(v), std::int64_t{v}});
  }
  bool number_unsigned(json::number_unsigned_t v) {
    if (v > static_cast<json::number_unsigned_t>(INT64_MAX)) return false;
    return number(Number{static_cast<double>(v), static_cast<std::int64_t>(v)});
  }
  bool number_float(json::number_float_t v, const json::string_t&) {
    return std::isfinite(v) && number(Number{v, std::nullopt});
  }
  bool string(json::string_t& v);
  bool binary(json::binary_t&) { return false; }
  bool start_object(std::size_t);
  bool key(json::string_t& k);
  bool end_object();
  bool start_array(std::size_t);
  bool end_array();
  template <class Exception>
  bool parse_error(std::size_t, const std::string&, const Exception&) {
    return false;
  }

 private:
  enum class Level { none, root, stations, station, multipliers, classes, job_class, station_map };
  // Keys as bits of the level's `seen` mask (0: not a key of the level).
  static constexpr unsigned r_schema = 1, r_name = 2, r_description = 4, r_stations = 8,
                            r_classes = 16;
  static constexpr unsigned s_name = 1, s_kind = 2, s_discipline = 4, s_servers = 8,
                            s_multipliers = 16, s_scv = 32, s_description = 64;
  static constexpr unsigned c_name = 1, c_description = 2, c_rate = 4, c_population = 8,
                            c_think = 16, c_demands = 32, c_visits = 64, c_times = 128;

  bool number(const Number& n);
  /// Marks `bit` seen in `seen`; false for a duplicate key.
  static bool mark(unsigned& seen, unsigned bit) {
    if (seen & bit) return false;
    seen |= bit;
    return true;
  }
  bool finish_station();
  bool finish_class();
  bool finish_root();

  std::vector<Level> levels_{Level::none};
  Level level() const { return levels_.back(); }
  unsigned root_seen_ = 0;
  unsigned key_ = 0;      // the key just read (a bit of the level's enum); 0 for a map
  int map_station_ = -1;  // station_map: the station of the key just read
  StationValues* map_ = nullptr;
  std::vector<char> map_seen_;  // station_map: stations already listed in this map
  bool map_positive_ = false;

  StationFields station_;
  ClassFields class_;
  NetworkDocument doc_;
  StationNameIndex station_index_{doc_.network.stations};
  int next_key_station_ = 0;  // station_map: keys usually follow the station order
  std::unordered_map<std::string, int> class_index_;
  /// Per class: its demand and visit entries (the dense matrices are built at the end, once the
  /// class count is known).
  std::vector<std::pair<StationValues, StationValues>> rows_;
  bool done_ = false;
};

bool FastNetworkReader::start_object(std::size_t) {
  switch (level()) {
    case Level::none:
      levels_.push_back(Level::root);
      return true;
    case Level::stations:
      station_ = StationFields{};
      levels_.push_back(Level::station);
      return true;
    case Level::classes:
      if (static_cast<std::int64_t>(rows_.size() + 1) *
              static_cast<std::int64_t>(doc_.network.stations.size()) >
          max_class_station_pairs)
        return false;
      class_ = ClassFields{};
      levels_.push_back(Level::job_class);
      return true;
    case Level::job_class: {
      StationValues* target = key_ == c_demands  ? &class_.demands
                              : key_ == c_visits ? &class_.visits
                              : key_ == c_times  ? &class_.times
                                                 : nullptr;
      if (!target) return false;
      map_ = target;
      map_positive_ = key_ == c_times;
      map_seen_.assign(doc_.network.stations.size(), 0);
      next_key_station_ = 0;
      levels_.push_back(Level::station_map);
      return true;
    }
    default:
      return false;
  }
}

bool FastNetworkReader::start_array(std::size_t) {
  if (level() == Level::root && key_ == r_stations) {
    levels_.push_back(Level::stations);
    return true;
  }
  // Classes name stations: read after the stations only.
  if (level() == Level::root && key_ == r_classes && (root_seen_ & r_stations)) {
    levels_.push_back(Level::classes);
    return true;
  }
  if (level() == Level::station && key_ == s_multipliers) {
    levels_.push_back(Level::multipliers);
    return true;
  }
  return false;
}

bool FastNetworkReader::key(json::string_t& k) {
  switch (level()) {
    case Level::root:
      key_ = k == "$schema"       ? r_schema
             : k == "name"        ? r_name
             : k == "description" ? r_description
             : k == "stations"    ? r_stations
             : k == "classes"     ? r_classes
                                  : 0u;
      return key_ != 0 && mark(root_seen_, key_);
    case Level::station:
      key_ = k == "name"               ? s_name
             : k == "kind"             ? s_kind
             : k == "discipline"       ? s_discipline
             : k == "servers"          ? s_servers
             : k == "rate_multipliers" ? s_multipliers
             : k == "service_scv"      ? s_scv
             : k == "description"      ? s_description
                                       : 0u;
      return key_ != 0 && mark(station_.seen, key_);
    case Level::job_class:
      key_ = k == "name"                 ? c_name
             : k == "description"        ? c_description
             : k == "arrival_rate_per_s" ? c_rate
             : k == "population"         ? c_population
             : k == "think_time_s"       ? c_think
             : k == "demands_s"          ? c_demands
             : k == "visits"             ? c_visits
             : k == "service_times_s"    ? c_times
                                         : 0u;
      return key_ != 0 && mark(class_.seen, key_);
    case Level::station_map: {
      const auto& stations = doc_.network.stations;
      int index = next_key_station_;
      if (index >= static_cast<int>(stations.size()) ||
          stations[static_cast<std::size_t>(index)].name != k)
        index = station_index_.find(k);
      if (index < 0 || map_seen_[static_cast<std::size_t>(index)]) return false;
      map_seen_[static_cast<std::size_t>(index)] = 1;
      map_station_ = index;
      next_key_station_ = index + 1;
      return true;
    }
    default:
      return false;
  }
}

bool FastNetworkReader::string(json::string_t& v) {
  switch (level()) {
    case Level::root:
      if (key_ == r_name) doc_.name = std::move(v);
      if (key_ == r_description) doc_.description = std::move(v);
      return true;  // $schema: any string
    case Level::station:
      if (key_ == s_name)
        station_.name = std::move(v);
      else if (key_ == s_kind)
        station_.kind = std::move(v);
      else if (key_ == s_discipline)
        station_.discipline = std::move(v);
      else if (key_ != s_description)
        return false;
      return true;
    case Level::job_class:
      if (key_ == c_name)
        class_.name = std::move(v);
      else if (key_ != c_description)
        return false;
      return true;
    default:
      return false;
  }
}

bool FastNetworkReader::number(const Number& n) {
  switch (level()) {
    case Level::station:
      if (key_ == s_servers)
        station_.servers = n;
      else if (key_ == s_scv)
        station_.service_scv = n;
      else
        return false;
      return true;
    case Level::multipliers:
      if (!(n.value > 0)) return false;
      station_.multipliers.push_back(n.value);
      return true;
    case Level::job_class:
      if (key_ == c_rate)
        class_.rate = n;
      else if (key_ == c_population)
        class_.population = n;
      else if (key_ == c_think)
        class_.think = n;
      else
        return false;
      return true;
    case Level::station_map:
      if (!(map_positive_ ? n.value > 0 : n.value >= 0)) return false;
      map_->emplace_back(map_station_, n.value);
      return true;
    default:
      return false;
  }
}

bool FastNetworkReader::end_array() {
  const Level ended = level();
  levels_.pop_back();
  if (ended == Level::multipliers) return !station_.multipliers.empty();
  if (ended == Level::stations) return !doc_.network.stations.empty();
  if (ended == Level::classes) return !rows_.empty();
  return true;
}

bool FastNetworkReader::end_object() {
  const Level ended = level();
  levels_.pop_back();
  switch (ended) {
    case Level::station:
      return finish_station();
    case Level::job_class:
      return finish_class();
    case Level::root:
      return finish_root();
    default:
      return true;  // station_map
  }
}

bool FastNetworkReader::finish_station() {
  StationFields& f = station_;
  Station station;
  if (!f.name || f.name->empty()) return false;
  station.name = std::move(*f.name);
  if (f.kind) {
    if (*f.kind != "queue" && *f.kind != "delay") return false;
    if (*f.kind == "delay") station.kind = StationKind::delay;
  }
  if (station.kind == StationKind::delay && (f.seen & (s_discipline | s_servers | s_multipliers)))
    return false;
  if (f.discipline) {
    if (*f.discipline != "fcfs" && *f.discipline != "ps") return false;
    if (*f.discipline == "ps") station.discipline = Discipline::ps;
  }
  if (f.servers) {
    if (!f.servers->integer || *f.servers->integer < 1 || *f.servers->integer > max_servers)
      return false;
    station.servers = static_cast<int>(*f.servers->integer);
  }
  if (f.seen & s_multipliers) {
    if (station.servers != 1) return false;
    station.rate_multipliers = std::move(f.multipliers);
  }
  if (f.service_scv) {
    if (!(f.service_scv->value >= 0)) return false;
    station.service_scv = f.service_scv->value;
  }
  doc_.network.stations.push_back(std::move(station));
  return station_index_.add_last();
}

bool FastNetworkReader::finish_class() {
  ClassFields& f = class_;
  JobClass job_class;
  if (!f.name || f.name->empty()) return false;
  job_class.name = std::move(*f.name);
  if (f.rate.has_value() == f.population.has_value()) return false;
  if (f.rate) {
    if (f.think || !(f.rate->value >= 0)) return false;
    job_class.kind = ClassKind::open;
    job_class.arrival_rate_per_s = f.rate->value;
  } else {
    const auto& p = f.population->integer;
    if (!p || *p < 0 || *p > max_population) return false;
    job_class.kind = ClassKind::closed;
    job_class.population = static_cast<long>(*p);
    if (f.think) {
      if (!(f.think->value >= 0)) return false;
      job_class.think_time_s = f.think->value;
    }
  }
  // Demands D_ck directly, or visits V_ck with per-visit service times S_ck (the reference
  // reader's rules; any doubt defers to it).
  StationValues demands, visits;
  const bool given_demands = f.seen & c_demands;
  const bool given_visits = f.seen & c_visits;
  const bool given_times = f.seen & c_times;
  if (given_demands) {
    if (given_visits || given_times) return false;
    for (const auto& [k, d] : f.demands) {
      demands.emplace_back(k, d);
      visits.emplace_back(k, d > 0 ? 1.0 : 0.0);
    }
  } else {
    if (!given_visits || !given_times) return false;
    std::vector<double> time_s(doc_.network.stations.size(), 0.0);
    for (const auto& [k, time] : f.times) time_s[static_cast<std::size_t>(k)] = time;
    for (const auto& [k, count] : f.visits) {
      if (count > 0 && time_s[static_cast<std::size_t>(k)] <= 0) return false;
      visits.emplace_back(k, count);
      if (count > 0) demands.emplace_back(k, count * time_s[static_cast<std::size_t>(k)]);
    }
    // Every station with a service time must be listed in the visits.
    std::vector<char> listed(doc_.network.stations.size(), 0);
    for (const auto& entry : f.visits) listed[static_cast<std::size_t>(entry.first)] = 1;
    for (const auto& entry : f.times)
      if (!listed[static_cast<std::size_t>(entry.first)]) return false;
  }
  bool positive = false;
  for (const auto& entry : demands) positive = positive || entry.second > 0;
  if (!positive) return false;
  if (!class_index_.emplace(job_class.name, static_cast<int>(rows_.size())).second) return false;
  rows_.emplace_back(std::move(demands), std::move(visits));
  doc_.network.classes.push_back(std::move(job_class));
  return true;
}

bool FastNetworkReader::finish_root() {
  if (!(root_seen_ & r_stations) || !(root_seen_ & r_classes)) return false;
  Network& n = doc_.network;
  n.demand_s = Eigen::MatrixXd::Zero(n.class_count(), n.station_count());
  n.visits = Eigen::MatrixXd::Zero(n.class_count(), n.station_count());
  for (int c = 0; c < n.class_count(); ++c) {
    for (const auto& [k, d] : rows_[static_cast<std::size_t>(c)].first) n.demand_s(c, k) = d;
    for (const auto& [k, v] : rows_[static_cast<std::size_t>(c)].second) n.visits(c, k) = v;
  }
  try {
    solver::validate(n);
  } catch (const std::invalid_argument&) {
    return false;  // e.g. visits x service time beyond the double range: the reference reader names
                   // it
  }
  done_ = true;
  return true;
}

}  // namespace

std::optional<NetworkDocument> parse_network_text_fast(std::string_view text) {
  FastNetworkReader reader;
  if (!json::sax_parse(text.begin(), text.end(), &reader)) return std::nullopt;
  return reader.result();
}

NetworkDocument parse_network_text(std::string_view text, std::string_view source_name) {
  if (auto doc = parse_network_text_fast(text)) return std::move(*doc);
  const json doc = parse_json_text(text, source_name);
  NetworkDocument out;
  out.network = parse_network(doc);
  if (doc.contains("name") && doc["name"].is_string()) out.name = doc["name"].get<std::string>();
  if (doc.contains("description") && doc["description"].is_string())
    out.description = doc["description"].get<std::string>();
  return out;
}

}  // namespace tpeval::io
