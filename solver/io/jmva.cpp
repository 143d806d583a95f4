// Reader and writer of JMT's JMVA XML model format (solver/io/jmva.hpp). XML is parsed with
// pugixml; every error names the XPath of the element or attribute it concerns.
#include "solver/io/jmva.hpp"

#include <pugixml.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <initializer_list>
#include <limits>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "solver/io/json_input.hpp"

namespace tpeval::io {

namespace {

using solver::ClassKind;
using solver::Discipline;
using solver::JobClass;
using solver::Network;
using solver::Station;
using solver::StationKind;

constexpr std::int64_t max_population = 1'000'000'000;
constexpr std::int64_t max_servers = 1'000'000;
/// Longest per-population service-time list an exported <ldstation> may get (JMVA needs one
/// entry per job of the total population).
constexpr std::int64_t max_ld_entries = 100'000;
constexpr std::size_t max_what_if_values = 100'000;

// --- XPath of a node --------------------------------------------------------------------------

/// "/model/parameters/stations/listation[2]": the index appears where siblings share the name.
std::string xpath(const pugi::xml_node& node) {
  if (!node || node.type() == pugi::node_document) return "";
  const pugi::xml_node parent = node.parent();
  int index = 0;
  int count = 0;
  for (pugi::xml_node s = parent.first_child(); s; s = s.next_sibling()) {
    if (s.type() != pugi::node_element || std::string_view(s.name()) != node.name()) continue;
    ++count;
    if (s == node) index = count;
  }
  std::string path = xpath(parent) + "/" + node.name();
  if (count > 1) path += "[" + std::to_string(index) + "]";
  return path;
}

std::string attribute_path(const pugi::xml_node& node, std::string_view attribute) {
  return xpath(node) + "/@" + std::string(attribute);
}

[[noreturn]] void fail(const pugi::xml_node& node, const std::string& reason) {
  throw InputError(xpath(node), reason);
}

[[noreturn]] void fail_attribute(const pugi::xml_node& node, std::string_view attribute,
                                 const std::string& reason) {
  throw InputError(attribute_path(node, attribute), reason);
}

std::vector<pugi::xml_node> child_elements(const pugi::xml_node& node) {
  std::vector<pugi::xml_node> out;
  for (pugi::xml_node c = node.first_child(); c; c = c.next_sibling())
    if (c.type() == pugi::node_element) out.push_back(c);
  return out;
}

/// Unknown attributes are errors (like unknown JSON keys); namespace declarations are not.
void expect_attributes(const pugi::xml_node& node,
                       std::initializer_list<std::string_view> allowed) {
  for (pugi::xml_attribute a = node.first_attribute(); a; a = a.next_attribute()) {
    const std::string_view name = a.name();
    if (name.substr(0, 6) == "xmlns:" || name == "xmlns" || name.substr(0, 4) == "xsi:") continue;
    if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
      std::vector<std::string> names(allowed.begin(), allowed.end());
      std::string reason = "unknown attribute";
      const std::string suggestion = closest_name(name, names);
      if (!suggestion.empty()) reason += " (did you mean '" + suggestion + "'?)";
      fail_attribute(node, name, reason);
    }
  }
}

std::string trimmed(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return "";
  const auto last = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(first, last - first + 1));
}

/// A finite number written in `text`; `path` names it in errors.
double parse_number(std::string_view raw, const std::string& path) {
  const std::string text = trimmed(raw);
  if (text.empty()) throw InputError(path, "must be a number (it is empty)");
  if (text.front() == '$')
    throw InputError(path, "symbolic parameter '" + text +
                               "' (an LQNS extension of JMVA) is not supported; give a number");
  double value = 0.0;
  const char* begin = text.data();
  const char* end = text.data() + text.size();
  if (*begin == '+') ++begin;
  const auto [ptr, ec] = std::from_chars(begin, end, value);
  if (ec == std::errc::result_out_of_range ||
      (ec == std::errc() && ptr == end && !std::isfinite(value)))
    throw InputError(path, "must be a finite number, not '" + text + "'");
  if (ec != std::errc() || ptr != end)
    throw InputError(path, "must be a number, not '" + text + "'");
  return value;
}

double non_negative(double value, const std::string& path) {
  if (value < 0) throw InputError(path, "must be >= 0");
  return value;
}

std::int64_t integer_in(double value, std::int64_t lo, std::int64_t hi, const std::string& path) {
  if (value != std::floor(value) || value < static_cast<double>(lo) ||
      value > static_cast<double>(hi))
    throw InputError(path,
                     "must be an integer from " + std::to_string(lo) + " to " + std::to_string(hi));
  return static_cast<std::int64_t>(value);
}

std::string required_name(const pugi::xml_node& node, const char* attribute = "name") {
  const pugi::xml_attribute a = node.attribute(attribute);
  if (!a) fail_attribute(node, attribute, "is required");
  const std::string name = a.value();
  if (name.empty()) fail_attribute(node, attribute, "must not be empty");
  return name;
}

int index_of(const std::vector<std::string>& names, const std::string& name) {
  const auto it = std::find(names.begin(), names.end(), name);
  return it == names.end() ? -1 : static_cast<int>(it - names.begin());
}

/// The index of `name` in `names`, or an error at `path` naming the closest candidate.
int lookup(const std::vector<std::string>& names, const std::string& name, const std::string& path,
           const char* what) {
  const int index = index_of(names, name);
  if (index >= 0) return index;
  std::string reason = std::string("unknown ") + what + " '" + name + "'";
  const std::string suggestion = closest_name(name, names);
  if (!suggestion.empty()) reason += " (did you mean '" + suggestion + "'?)";
  throw InputError(path, reason);
}

void check_number_attribute(const pugi::xml_node& node, std::size_t count) {
  if (const pugi::xml_attribute a = node.attribute("number")) {
    const double n = parse_number(a.value(), attribute_path(node, "number"));
    if (n != static_cast<double>(count))
      fail_attribute(
          node, "number",
          "says " + trimmed(a.value()) + " but the element lists " + std::to_string(count));
  }
}

bool equal_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// --- <classes> ------------------------------------------------------------------------------

void parse_classes(const pugi::xml_node& classes_node, Network& network,
                   std::vector<std::string>& class_names) {
  expect_attributes(classes_node, {"number"});
  const auto elements = child_elements(classes_node);
  if (elements.empty()) fail(classes_node, "must list at least one class");
  check_number_attribute(classes_node, elements.size());
  for (const auto& node : elements) {
    const std::string kind = node.name();
    if (kind != "closedclass" && kind != "openclass")
      fail(node, "unsupported element (a class is <closedclass> or <openclass>)");
    expect_attributes(node, {"name", "population", "rate", "priority"});
    JobClass job_class;
    job_class.name = required_name(node);
    if (index_of(class_names, job_class.name) >= 0)
      fail_attribute(node, "name", "duplicate class name '" + job_class.name + "'");
    if (const pugi::xml_attribute p = node.attribute("priority"))
      if (parse_number(p.value(), attribute_path(node, "priority")) != 0)
        fail_attribute(node, "priority",
                       "class priorities need priority stations, which are not product-form; "
                       "tpeval does not solve them");
    if (kind == "closedclass") {
      if (node.attribute("rate"))
        fail_attribute(node, "rate", "a closed class has no arrival rate");
      if (!node.attribute("population")) fail_attribute(node, "population", "is required");
      job_class.kind = ClassKind::closed;
      const std::string path = attribute_path(node, "population");
      job_class.population = static_cast<long>(integer_in(
          parse_number(node.attribute("population").value(), path), 0, max_population, path));
    } else {
      if (node.attribute("population"))
        fail_attribute(node, "population", "an open class has no population");
      if (!node.attribute("rate")) fail_attribute(node, "rate", "is required");
      job_class.kind = ClassKind::open;
      const std::string path = attribute_path(node, "rate");
      job_class.arrival_rate_per_s =
          non_negative(parse_number(node.attribute("rate").value(), path), path);
    }
    class_names.push_back(job_class.name);
    network.classes.push_back(std::move(job_class));
  }
}

// --- <stations> -----------------------------------------------------------------------------

/// Per-class values of one station: service times (a list for <ldstation>) and visits, with the
/// elements they came from for error messages.
struct StationValues {
  std::vector<std::vector<double>> service_times;
  std::vector<std::optional<double>> visits;
  std::vector<pugi::xml_node> service_nodes;
  std::vector<pugi::xml_node> visit_nodes;
};

std::vector<double> parse_list(const pugi::xml_node& node) {
  const std::string path = xpath(node);
  std::vector<double> values;
  std::string_view text = node.child_value();
  if (trimmed(text).empty()) fail(node, "must give a service time");
  std::size_t start = 0;
  while (start <= text.size()) {
    const auto end = std::min(text.find(';', start), text.size());
    const std::string item = trimmed(text.substr(start, end - start));
    if (!(item.empty() && end == text.size() && !values.empty()))
      values.push_back(non_negative(parse_number(item, path), path));
    if (values.size() > static_cast<std::size_t>(max_ld_entries))
      fail(node, "lists more than " + std::to_string(max_ld_entries) + " service times");
    start = end + 1;
  }
  return values;
}

StationValues parse_station_values(const pugi::xml_node& station_node, bool load_dependent,
                                   const std::vector<std::string>& class_names) {
  StationValues v;
  const std::size_t classes = class_names.size();
  v.service_times.resize(classes);
  v.visits.resize(classes);
  v.service_nodes.resize(classes);
  v.visit_nodes.resize(classes);
  pugi::xml_node service_times;
  pugi::xml_node visits;
  for (const auto& child : child_elements(station_node)) {
    const std::string name = child.name();
    if (name == "servicetimes" && !service_times) {
      service_times = child;
    } else if (name == "visits" && !visits) {
      visits = child;
    } else {
      fail(child, name == "servicetimes" || name == "visits"
                      ? "given twice"
                      : "unsupported element (a station has <servicetimes> and <visits>)");
    }
  }
  if (!service_times) throw InputError(xpath(station_node) + "/servicetimes", "is required");
  expect_attributes(service_times, {});
  for (const auto& node : child_elements(service_times)) {
    const std::string name = node.name();
    // JMT nests <servicetimes customerclass=..> lists in an <ldstation>; LQNS writes <servicetime>.
    if (name != "servicetime" && !(load_dependent && name == "servicetimes"))
      fail(node, load_dependent ? "unsupported element (expected <servicetimes customerclass=...>)"
                                : "unsupported element (expected <servicetime customerclass=...>)");
    expect_attributes(node, {"customerclass"});
    const int c = lookup(class_names, required_name(node, "customerclass"),
                         attribute_path(node, "customerclass"), "class");
    if (v.service_nodes[c]) fail(node, "a second service time for class '" + class_names[c] + "'");
    v.service_nodes[c] = node;
    if (load_dependent) {
      v.service_times[c] = parse_list(node);
    } else {
      const std::string path = xpath(node);
      v.service_times[c] = {non_negative(parse_number(node.child_value(), path), path)};
    }
  }
  if (visits) {
    expect_attributes(visits, {});
    for (const auto& node : child_elements(visits)) {
      if (std::string_view(node.name()) != "visit")
        fail(node, "unsupported element (expected <visit customerclass=...>)");
      expect_attributes(node, {"customerclass"});
      const int c = lookup(class_names, required_name(node, "customerclass"),
                           attribute_path(node, "customerclass"), "class");
      if (v.visit_nodes[c]) fail(node, "a second visit count for class '" + class_names[c] + "'");
      v.visit_nodes[c] = node;
      const std::string path = xpath(node);
      v.visits[c] = non_negative(parse_number(node.child_value(), path), path);
    }
  }
  return v;
}

/// Rate multipliers alpha(n) = S(1) / S(n) of an <ldstation>, the same for every visiting class.
std::vector<double> load_dependence(const StationValues& v, const Eigen::MatrixXd& visits, int k,
                                    const std::vector<std::string>& class_names) {
  std::vector<double> alpha;
  int reference = -1;
  for (std::size_t c = 0; c < class_names.size(); ++c) {
    const auto& s = v.service_times[c];
    if (visits(static_cast<Eigen::Index>(c), k) <= 0 || s.empty() || s.front() <= 0) continue;
    std::vector<double> a;
    for (double value : s) {
      if (!(value > 0))
        fail(v.service_nodes[c], "every per-population service time must be > 0 (class '" +
                                     class_names[c] + "' visits the station)");
      a.push_back(s.front() / value);
    }
    if (reference < 0) {
      alpha = a;
      reference = static_cast<int>(c);
      continue;
    }
    const std::size_t n = std::max(a.size(), alpha.size());
    for (std::size_t j = 0; j < n; ++j) {
      const double x = a[std::min(j, a.size() - 1)];
      const double y = alpha[std::min(j, alpha.size() - 1)];
      if (std::abs(x - y) > 1e-9 * std::max(x, y))
        fail(v.service_nodes[c],
             "class-dependent load dependence: the service times of class '" + class_names[c] +
                 "' scale with the population differently "
                 "from those of class '" +
                 class_names[reference] +
                 "' (tpeval's load-dependent stations scale all classes alike)");
    }
    if (a.size() > alpha.size()) alpha = a;
  }
  while (alpha.size() > 1 && alpha[alpha.size() - 1] == alpha[alpha.size() - 2]) alpha.pop_back();
  return alpha;
}

/// alpha = [1, 2, ..., m] is an m-server station.
int servers_of(const std::vector<double>& alpha) {
  for (std::size_t j = 0; j < alpha.size(); ++j)
    if (std::abs(alpha[j] - static_cast<double>(j + 1)) > 1e-12 * static_cast<double>(j + 1))
      return 0;
  return static_cast<int>(alpha.size());
}

void parse_stations(const pugi::xml_node& stations_node, Network& network,
                    std::vector<std::string>& station_names,
                    const std::vector<std::string>& class_names) {
  expect_attributes(stations_node, {"number"});
  const auto elements = child_elements(stations_node);
  if (elements.empty()) fail(stations_node, "must list at least one station");
  check_number_attribute(stations_node, elements.size());
  const int class_count = static_cast<int>(class_names.size());
  const int station_count = static_cast<int>(elements.size());
  network.demand_s = Eigen::MatrixXd::Zero(class_count, station_count);
  network.visits = Eigen::MatrixXd::Zero(class_count, station_count);
  for (int k = 0; k < station_count; ++k) {
    const pugi::xml_node node = elements[k];
    const std::string kind = node.name();
    if (kind == "prsstation" || kind == "holstation")
      fail(node, "priority stations (PRS/HOL) are not product-form; tpeval does not solve them");
    if (kind != "delaystation" && kind != "listation" && kind != "ldstation")
      fail(node, "unsupported element (a station is <delaystation>, <listation> or <ldstation>)");
    expect_attributes(node, {"name", "servers"});
    Station station;
    station.name = required_name(node);
    if (index_of(station_names, station.name) >= 0)
      fail_attribute(node, "name", "duplicate station name '" + station.name + "'");
    station.kind = kind == "delaystation" ? StationKind::delay : StationKind::queue;
    // JMVA's solvers are product-form MVA: a queue with class-dependent service times is the BCMP
    // processor-sharing station, not FCFS (Lazowska et al., QSP ch. 8).
    station.discipline = Discipline::ps;
    if (const pugi::xml_attribute servers = node.attribute("servers")) {
      const std::string path = attribute_path(node, "servers");
      const auto m = integer_in(parse_number(servers.value(), path), 1, max_servers, path);
      if (kind != "listation" && m != 1)
        fail_attribute(node, "servers",
                       kind == "ldstation"
                           ? "must be 1 for an <ldstation> (its per-population service times "
                             "already say how many jobs are served at once)"
                           : "must be 1 for a <delaystation> (it has infinitely many servers)");
      station.servers = static_cast<int>(m);
    }
    const bool load_dependent = kind == "ldstation";
    const StationValues v = parse_station_values(node, load_dependent, class_names);
    for (int c = 0; c < class_count; ++c) {
      const bool has_time = !v.service_times[c].empty();
      const double time = has_time ? v.service_times[c].front() : 0.0;
      if (!v.visits[c] && has_time && time > 0)
        throw InputError(xpath(node) + "/visits", "has no <visit> for class '" + class_names[c] +
                                                      "', which has a service time here");
      const double visits = v.visits[c].value_or(0.0);
      if (visits > 0 && !has_time)
        throw InputError(
            xpath(node) + "/servicetimes",
            "has no service time for class '" + class_names[c] + "', which visits here");
      if (visits > 0 && time > 0) {
        network.visits(c, k) = visits;
        network.demand_s(c, k) = visits * time;
      }
    }
    if (load_dependent) {
      const auto alpha = load_dependence(v, network.visits, k, class_names);
      const int m = servers_of(alpha);
      if (m > 1)
        station.servers = m;
      else if (m == 0)
        station.rate_multipliers = alpha;
    }
    station_names.push_back(station.name);
    network.stations.push_back(std::move(station));
  }
}

// --- <ReferenceStation> ---------------------------------------------------------------------

/// JMT reports a closed class's throughput at its reference station: a job is one visit there.
/// tpeval's visits count per job, so the class's visits and demands are divided by the visits
/// to the reference station (the same network measured in JMT's job unit; Q is unchanged).
void apply_reference_stations(const pugi::xml_node& node, Network& network,
                              const std::vector<std::string>& class_names,
                              const std::vector<std::string>& station_names) {
  expect_attributes(node, {"number"});
  for (const auto& entry : child_elements(node)) {
    if (std::string_view(entry.name()) != "Class")
      fail(entry, "unsupported element (expected <Class name=... refStation=...>)");
    expect_attributes(entry, {"name", "refStation"});
    const int c = lookup(class_names, required_name(entry), attribute_path(entry, "name"), "class");
    const std::string ref = required_name(entry, "refStation");
    if (ref == "Arrival Process") continue;  // JMT's name for the source of an open class
    const int k = lookup(station_names, ref, attribute_path(entry, "refStation"), "station");
    if (network.classes[c].kind != ClassKind::closed) continue;
    const double v = network.visits(c, k);
    if (v > 0 && v != 1.0) {
      network.visits.row(c) /= v;
      network.demand_s.row(c) /= v;
    }
  }
}

// --- <whatIf> -------------------------------------------------------------------------------

JmvaWhatIf parse_what_if(const pugi::xml_node& node, const Network& network,
                         const std::vector<std::string>& class_names,
                         const std::vector<std::string>& station_names) {
  expect_attributes(node, {"type", "values", "className", "stationName"});
  JmvaWhatIf w;
  const pugi::xml_attribute type = node.attribute("type");
  if (!type) fail_attribute(node, "type", "is required");
  const std::string t = trimmed(type.value());
  if (equal_ignoring_case(t, "Arrival rates")) {
    w.kind = JmvaWhatIfKind::arrival_rates;
    w.type = "Arrival rates";
  } else if (equal_ignoring_case(t, "Number of customers") ||
             equal_ignoring_case(t, "Customer numbers")) {
    w.kind = JmvaWhatIfKind::customers;
    w.type = "Number of customers";
  } else if (equal_ignoring_case(t, "Service demands")) {
    w.kind = JmvaWhatIfKind::service_demands;
    w.type = "Service demands";
  } else if (equal_ignoring_case(t, "Population mix")) {
    w.kind = JmvaWhatIfKind::population_mix;
    w.type = "Population mix";
  } else {
    fail_attribute(node, "type",
                   "unknown what-if type '" + t +
                       "' (JMVA's are 'Arrival rates', 'Number of "
                       "customers', 'Service demands', 'Population mix')");
  }
  const std::string class_name = node.attribute("className").value();
  if (!class_name.empty())
    w.class_index = lookup(class_names, class_name, attribute_path(node, "className"), "class");
  const std::string station_name = node.attribute("stationName").value();
  if (!station_name.empty())
    w.station_index =
        lookup(station_names, station_name, attribute_path(node, "stationName"), "station");

  const pugi::xml_attribute values = node.attribute("values");
  if (!values) fail_attribute(node, "values", "is required");
  const std::string values_path = attribute_path(node, "values");
  const std::string_view text = values.value();
  std::size_t start = 0;
  while (start <= text.size()) {
    const auto end = std::min(text.find(';', start), text.size());
    const std::string item = trimmed(text.substr(start, end - start));
    if (!(item.empty() && end == text.size() && !w.values.empty()))
      w.values.push_back(non_negative(parse_number(item, values_path), values_path));
    if (w.values.size() > max_what_if_values)
      fail_attribute(node, "values",
                     "lists more than " + std::to_string(max_what_if_values) + " values");
    start = end + 1;
  }

  const auto kind_of = [&](int c) { return network.classes[c].kind; };
  const auto count_kind = [&](ClassKind kind) {
    return std::count_if(network.classes.begin(), network.classes.end(),
                         [&](const JobClass& j) { return j.kind == kind; });
  };
  switch (w.kind) {
    case JmvaWhatIfKind::arrival_rates:
      if (w.class_index >= 0 && kind_of(w.class_index) != ClassKind::open)
        fail_attribute(node, "className", "an 'Arrival rates' what-if needs an open class");
      if (count_kind(ClassKind::open) == 0)
        fail_attribute(node, "type", "an 'Arrival rates' what-if needs an open class");
      break;
    case JmvaWhatIfKind::customers:
      if (w.class_index >= 0 && kind_of(w.class_index) != ClassKind::closed)
        fail_attribute(node, "className", "a 'Number of customers' what-if needs a closed class");
      if (count_kind(ClassKind::closed) == 0)
        fail_attribute(node, "type", "a 'Number of customers' what-if needs a closed class");
      break;
    case JmvaWhatIfKind::service_demands:
      if (w.station_index < 0)
        fail_attribute(node, "stationName", "is required for a 'Service demands' what-if");
      if (network.stations[w.station_index].load_dependent())
        fail_attribute(
            node, "stationName",
            "a 'Service demands' what-if cannot vary a load-dependent station (as in JMVA)");
      break;
    case JmvaWhatIfKind::population_mix:
      if (count_kind(ClassKind::closed) != 2)
        fail_attribute(node, "type", "a 'Population mix' what-if needs exactly two closed classes");
      if (w.class_index < 0 || kind_of(w.class_index) != ClassKind::closed)
        fail_attribute(node, "className",
                       "a 'Population mix' what-if needs one of the two closed classes");
      for (double beta : w.values)
        if (beta > 1) fail_attribute(node, "values", "a population mix is a fraction from 0 to 1");
      break;
  }
  return w;
}

void check_positive_demand(const Network& network, const std::string& path) {
  for (int c = 0; c < network.class_count(); ++c)
    if (!(network.demand_s.row(c).array() > 0).any())
      throw InputError(path, "class '" + network.classes[c].name +
                                 "' has no positive service demand at any station");
}

std::string format_number(double value) {
  char buffer[64];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, result.ptr);
}

std::int64_t integral_population(double value, const std::string& path, std::size_t index,
                                 const std::string& class_name) {
  const double rounded = std::round(value);
  if (std::abs(value - rounded) > 1e-9 * std::max(1.0, std::abs(value)) || rounded < 0 ||
      rounded > static_cast<double>(max_population))
    throw InputError(path, "value " + std::to_string(index + 1) + " gives class '" + class_name +
                               "' a population of " + format_number(value) +
                               "; populations must be integers from 0 to " +
                               std::to_string(max_population));
  return static_cast<std::int64_t>(rounded);
}

}  // namespace

// --- public: reading ------------------------------------------------------------------------

bool looks_like_xml(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n\xEF\xBB\xBF");
  return first != std::string_view::npos && text[first] == '<';
}

JmvaModel parse_jmva(std::string_view xml_text) {
  pugi::xml_document doc;
  const pugi::xml_parse_result parsed =
      doc.load_buffer(xml_text.data(), xml_text.size(), pugi::parse_default, pugi::encoding_auto);
  if (!parsed) {
    const auto offset = static_cast<std::size_t>(std::max<std::ptrdiff_t>(parsed.offset, 0));
    const std::string_view before = xml_text.substr(0, std::min(offset, xml_text.size()));
    const auto line = 1 + std::count(before.begin(), before.end(), '\n');
    const auto newline = before.rfind('\n');
    const auto column = offset - (newline == std::string_view::npos ? 0 : newline + 1) + 1;
    throw InputError("", "malformed XML at line " + std::to_string(line) + ", column " +
                             std::to_string(column) + " (" + parsed.description() + ")");
  }
  const auto roots = child_elements(doc);
  if (roots.size() != 1 || std::string_view(roots[0].name()) != "model")
    throw InputError("/", "the root element must be <model> (a JMVA file)");
  const pugi::xml_node model_node = roots[0];

  JmvaModel model;
  pugi::xml_node parameters;
  pugi::xml_node what_if;
  for (const auto& child : child_elements(model_node)) {
    const std::string name = child.name();
    if (name == "description") {
      model.description = trimmed(child.child_value());
    } else if (name == "parameters" && !parameters) {
      parameters = child;
    } else if (name == "whatIf" && !what_if) {
      what_if = child;
    } else if (name == "algParams" || name == "solutions") {
      // tpeval chooses its own method (--method); earlier results are replaced, not read.
    } else {
      fail(child, name == "parameters" || name == "whatIf"
                      ? "given twice"
                      : "unsupported element (a JMVA model has <description>, <parameters>, "
                        "<algParams>, <whatIf> and <solutions>)");
    }
  }
  if (!parameters) throw InputError("/model/parameters", "is required");
  expect_attributes(parameters, {});
  pugi::xml_node classes;
  pugi::xml_node stations;
  pugi::xml_node reference;
  for (const auto& child : child_elements(parameters)) {
    const std::string name = child.name();
    pugi::xml_node* slot = name == "classes"            ? &classes
                           : name == "stations"         ? &stations
                           : name == "ReferenceStation" ? &reference
                                                        : nullptr;
    if (!slot)
      fail(child,
           "unsupported element (<parameters> has <classes>, <stations> and <ReferenceStation>)");
    if (*slot) fail(child, "given twice");
    *slot = child;
  }
  if (!classes) throw InputError("/model/parameters/classes", "is required");
  if (!stations) throw InputError("/model/parameters/stations", "is required");

  std::vector<std::string> class_names;
  std::vector<std::string> station_names;
  parse_classes(classes, model.network, class_names);
  parse_stations(stations, model.network, station_names, class_names);
  if (reference) apply_reference_stations(reference, model.network, class_names, station_names);
  for (int c = 0; c < model.network.class_count(); ++c)
    if (!(model.network.demand_s.row(c).array() > 0).any())
      fail(child_elements(classes)[c],
           "class '" + class_names[c] + "' has no positive service demand at any station");
  if (what_if) {
    model.what_if = parse_what_if(what_if, model.network, class_names, station_names);
    model.has_what_if = true;
  }
  try {
    solver::validate(model.network);
  } catch (const std::invalid_argument& e) {
    throw InputError("/model", e.what());  // unreachable after the checks above; keeps the contract
  }
  return model;
}

std::vector<JmvaPoint> expand_what_if(const JmvaModel& model) {
  if (!model.has_what_if)
    return {JmvaPoint{std::numeric_limits<double>::quiet_NaN(), model.network}};
  const JmvaWhatIf& w = model.what_if;
  const std::string path = "/model/whatIf/@values";
  std::vector<JmvaPoint> points;
  for (std::size_t i = 0; i < w.values.size(); ++i) {
    const double value = w.values[i];
    Network n = model.network;
    switch (w.kind) {
      case JmvaWhatIfKind::arrival_rates:
        for (int c = 0; c < n.class_count(); ++c) {
          auto& cls = n.classes[c];
          if (cls.kind != ClassKind::open) continue;
          if (w.class_index == c) cls.arrival_rate_per_s = value;
          if (w.class_index < 0) cls.arrival_rate_per_s *= value;
        }
        break;
      case JmvaWhatIfKind::customers:
        for (int c = 0; c < n.class_count(); ++c) {
          auto& cls = n.classes[c];
          if (cls.kind != ClassKind::closed) continue;
          if (w.class_index == c)
            cls.population = static_cast<long>(integral_population(value, path, i, cls.name));
          if (w.class_index < 0)
            cls.population = static_cast<long>(integral_population(
                static_cast<double>(cls.population) * value, path, i, cls.name));
        }
        break;
      case JmvaWhatIfKind::service_demands: {
        const int k = w.station_index;
        for (int c = 0; c < n.class_count(); ++c) {
          if (w.class_index >= 0 && w.class_index != c) continue;
          const double demand = w.class_index >= 0 ? value : n.demand_s(c, k) * value;
          n.demand_s(c, k) = demand;
          if (demand <= 0)
            n.visits(c, k) = 0;
          else if (n.visits(c, k) <= 0)
            n.visits(c, k) = 1;
        }
        break;
      }
      case JmvaWhatIfKind::population_mix: {
        const int c = w.class_index;
        int other = -1;
        for (int j = 0; j < n.class_count(); ++j)
          if (j != c && n.classes[j].kind == ClassKind::closed) other = j;
        const long total = n.classes[c].population + n.classes[other].population;
        const auto share =
            integral_population(value * static_cast<double>(total), path, i, n.classes[c].name);
        n.classes[c].population = static_cast<long>(share);
        n.classes[other].population = total - static_cast<long>(share);
        break;
      }
    }
    check_positive_demand(n, path);
    points.push_back(JmvaPoint{value, std::move(n)});
  }
  return points;
}

nlohmann::json what_if_json(const JmvaModel& model) {
  const JmvaWhatIf& w = model.what_if;
  const Network& n = model.network;
  nlohmann::json doc = {{"format", "tpeval-what-if/1"}, {"what_if_type", w.type}};
  doc["class"] =
      w.class_index >= 0 ? nlohmann::json(n.classes[w.class_index].name) : nlohmann::json(nullptr);
  doc["station"] = w.station_index >= 0 ? nlohmann::json(n.stations[w.station_index].name)
                                        : nlohmann::json(nullptr);
  return doc;
}

// --- public: writing ------------------------------------------------------------------------

JmvaModel to_jmva(const Network& network, const std::string& description) {
  solver::validate(network);
  JmvaModel model;
  model.description = description;
  Network n = network;
  for (int k = 0; k < n.station_count(); ++k)
    if (n.stations[k].service_scv != 1.0)
      throw InputError(element_path("stations", static_cast<std::size_t>(k)) + ".service_scv",
                       "JMVA assumes exponential service times (service_scv 1); remove it to "
                       "export");
  if (n.has_open_classes())
    for (int k = 0; k < n.station_count(); ++k)
      if (n.stations[k].load_dependent())
        throw InputError(
            element_path("stations", static_cast<std::size_t>(k)) + ".rate_multipliers",
            "JMVA solves load-dependent stations only in closed models (this one has "
            "open classes)");
  // JMVA has no think time: a closed class thinks at a delay station (JMT's usual 'Users').
  bool thinks = false;
  for (const auto& c : n.classes)
    thinks = thinks || (c.kind == ClassKind::closed && c.think_time_s > 0);
  if (thinks) {
    std::vector<std::string> names;
    for (const auto& s : n.stations) names.push_back(s.name);
    std::string name = "think_time";
    for (int i = 2; index_of(names, name) >= 0; ++i) name = "think_time_" + std::to_string(i);
    Station think;
    think.name = name;
    think.kind = StationKind::delay;
    n.stations.insert(n.stations.begin(), think);
    const Eigen::Index C = n.class_count();
    const Eigen::Index K = n.station_count();
    Eigen::MatrixXd demand = Eigen::MatrixXd::Zero(C, K);
    Eigen::MatrixXd visits = Eigen::MatrixXd::Zero(C, K);
    demand.rightCols(K - 1) = n.demand_s;
    visits.rightCols(K - 1) =
        n.visits.size() ? n.visits : Eigen::MatrixXd((n.demand_s.array() > 0).cast<double>());
    for (Eigen::Index c = 0; c < C; ++c) {
      auto& cls = n.classes[c];
      if (cls.kind == ClassKind::closed && cls.think_time_s > 0) {
        demand(c, 0) = cls.think_time_s;
        visits(c, 0) = 1;
        cls.think_time_s = 0;
      }
    }
    n.demand_s = demand;
    n.visits = visits;
  }
  if (n.visits.size() == 0) n.visits = (n.demand_s.array() > 0).cast<double>();
  model.network = std::move(n);
  return model;
}

namespace {

void add_text_child(pugi::xml_node parent, const char* name, const char* class_name,
                    const std::string& text) {
  pugi::xml_node e = parent.append_child(name);
  e.append_attribute("customerclass") = class_name;
  e.text() = text.c_str();
}

const char* jmt_algorithm_name(const std::string& method) {
  if (method.find("linearizer") != std::string::npos) return "Linearizer";
  if (method.find("schweitzer") != std::string::npos) return "Bard-Schweitzer";
  return "MVA";
}

void append_solution(pugi::xml_node model_node, const JmvaResult& r, bool what_if, std::size_t i) {
  const Network& n = r.network;
  const solver::Solution& s = r.solution;
  pugi::xml_node sol = model_node.append_child("solutions");
  sol.append_attribute("algCount") = "1";
  if (what_if) {
    sol.append_attribute("iteration") = std::to_string(i).c_str();
    sol.append_attribute("iterationValue") = format_number(r.value).c_str();
  }
  sol.append_attribute("ok") = "true";
  sol.append_attribute("solutionMethod") = what_if ? "analytical whatif" : "analytical";
  pugi::xml_node alg = sol.append_child("algorithm");
  alg.append_attribute("iterations") = std::to_string(s.iterations).c_str();
  alg.append_attribute("name") = jmt_algorithm_name(s.method);
  for (int k = 0; k < n.station_count(); ++k) {
    pugi::xml_node st = alg.append_child("stationresults");
    st.append_attribute("station") = n.stations[k].name.c_str();
    for (int c = 0; c < n.class_count(); ++c) {
      pugi::xml_node cr = st.append_child("classresults");
      cr.append_attribute("customerclass") = n.classes[c].name.c_str();
      const bool delay = n.stations[k].kind == StationKind::delay;
      // At a delay station JMT's utilization is the mean number of jobs (busy servers).
      const double utilization =
          delay ? s.class_throughput_per_s(c) * n.demand_s(c, k) : s.utilization(c, k);
      const std::pair<const char*, double> measures[] = {
          {"Number of Customers", s.mean_jobs(c, k)},
          {"Throughput", s.throughput_per_s(c, k)},
          {"Residence time", s.residence_time_s(c, k)},
          {"Utilization", utilization}};
      for (const auto& [type, value] : measures) {
        pugi::xml_node m = cr.append_child("measure");
        m.append_attribute("meanValue") = format_number(value).c_str();
        m.append_attribute("measureType") = type;
        m.append_attribute("successful") = "true";
      }
    }
  }
}

}  // namespace

namespace {

/// The largest total closed population over the base network and every what-if point.
long largest_total_population(const JmvaModel& model) {
  long total_population = 0;
  for (const auto& point : expand_what_if(model)) {
    long total = 0;
    for (const auto& c : point.network.classes)
      if (c.kind == ClassKind::closed) total += c.population;
    total_population = std::max(total_population, total);
  }
  return total_population;
}

void append_classes(pugi::xml_node parameters, const Network& n) {
  pugi::xml_node classes = parameters.append_child("classes");
  classes.append_attribute("number") = std::to_string(n.class_count()).c_str();
  for (const auto& c : n.classes) {
    if (c.kind == ClassKind::closed) {
      pugi::xml_node e = classes.append_child("closedclass");
      e.append_attribute("name") = c.name.c_str();
      e.append_attribute("population") = std::to_string(c.population).c_str();
    } else {
      pugi::xml_node e = classes.append_child("openclass");
      e.append_attribute("name") = c.name.c_str();
      e.append_attribute("rate") = format_number(c.arrival_rate_per_s).c_str();
    }
  }
}

/// One station. A closed model's multi-server or load-dependent queue is an <ldstation> with one
/// service time per total population 1..N (as LINE's writeJMVA does); the list must cover every
/// point, so it is refused beyond max_ld_entries.
void append_station(pugi::xml_node stations, const Network& n, int k, bool closed_model,
                    long total_population) {
  const Station& st = n.stations[k];
  const bool ld =
      closed_model && st.kind == StationKind::queue && (st.servers > 1 || st.load_dependent());
  if (ld && total_population > max_ld_entries)
    throw InputError(element_path("stations", static_cast<std::size_t>(k)),
                     "JMVA needs one service time per total population 1.." +
                         std::to_string(total_population) +
                         " for this multi-server or "
                         "load-dependent station; at most " +
                         std::to_string(max_ld_entries));
  const char* element = st.kind == StationKind::delay ? "delaystation"
                        : ld                          ? "ldstation"
                                                      : "listation";
  pugi::xml_node e = stations.append_child(element);
  e.append_attribute("name") = st.name.c_str();
  if (st.kind == StationKind::queue)
    e.append_attribute("servers") = ld ? "1" : std::to_string(st.servers).c_str();
  pugi::xml_node times = e.append_child("servicetimes");
  for (int c = 0; c < n.class_count(); ++c) {
    const double v = n.visits(c, k);
    const double s = v > 0 ? n.demand_s(c, k) / v : 0.0;
    if (!ld) {
      add_text_child(times, "servicetime", n.classes[c].name.c_str(), format_number(s));
      continue;
    }
    std::string list;
    for (long jobs = 1; jobs <= std::max(total_population, 1L); ++jobs) {
      if (jobs > 1) list += ';';
      list += format_number(s / st.rate_multiplier(jobs));
    }
    add_text_child(times, "servicetimes", n.classes[c].name.c_str(), list);
  }
  pugi::xml_node visits = e.append_child("visits");
  for (int c = 0; c < n.class_count(); ++c)
    add_text_child(visits, "visit", n.classes[c].name.c_str(), format_number(n.visits(c, k)));
}

/// Reference stations: a closed class's is one it visits once per job (so JMT's class throughput
/// is tpeval's), else the first it visits; an open class's is the arrival process.
void append_reference_stations(pugi::xml_node parameters, const Network& n) {
  pugi::xml_node reference = parameters.append_child("ReferenceStation");
  reference.append_attribute("number") = std::to_string(n.class_count()).c_str();
  for (int c = 0; c < n.class_count(); ++c) {
    std::string ref = "Arrival Process";
    if (n.classes[c].kind == ClassKind::closed) {
      int chosen = -1;
      for (int k = 0; k < n.station_count() && chosen < 0; ++k)
        if (n.visits(c, k) == 1.0) chosen = k;
      for (int k = 0; k < n.station_count() && chosen < 0; ++k)
        if (n.visits(c, k) > 0) chosen = k;
      ref = n.stations[std::max(chosen, 0)].name;
    }
    pugi::xml_node e = reference.append_child("Class");
    e.append_attribute("name") = n.classes[c].name.c_str();
    e.append_attribute("refStation") = ref.c_str();
  }
}

void append_algorithm_and_what_if(pugi::xml_node root, const JmvaModel& model) {
  const Network& n = model.network;
  pugi::xml_node alg = root.append_child("algParams");
  pugi::xml_node type = alg.append_child("algType");
  type.append_attribute("maxSamples") = "10000";
  type.append_attribute("name") = "MVA";
  type.append_attribute("tolerance") = "1.0E-7";
  alg.append_child("compareAlgs").append_attribute("value") = "false";
  if (!model.has_what_if) return;
  const JmvaWhatIf& w = model.what_if;
  pugi::xml_node e = root.append_child("whatIf");
  if (w.class_index >= 0) e.append_attribute("className") = n.classes[w.class_index].name.c_str();
  if (w.station_index >= 0)
    e.append_attribute("stationName") = n.stations[w.station_index].name.c_str();
  e.append_attribute("type") = w.type.c_str();
  std::string values;
  for (std::size_t i = 0; i < w.values.size(); ++i)
    values += (i ? ";" : "") + format_number(w.values[i]);
  e.append_attribute("values") = values.c_str();
}

}  // namespace

std::string write_jmva(const JmvaModel& model, const std::vector<JmvaResult>& results) {
  const Network& n = model.network;
  solver::validate(n);
  const long total_population = largest_total_population(model);
  const bool closed_model = !n.has_open_classes();

  pugi::xml_document doc;
  pugi::xml_node decl = doc.append_child(pugi::node_declaration);
  decl.append_attribute("version") = "1.0";
  decl.append_attribute("encoding") = "UTF-8";
  decl.append_attribute("standalone") = "no";
  pugi::xml_node root = doc.append_child("model");
  root.append_attribute("xmlns:xsi") = "http://www.w3.org/2001/XMLSchema-instance";
  root.append_attribute("xsi:noNamespaceSchemaLocation") = "JMTmodel.xsd";
  if (!model.description.empty())
    root.append_child("description")
        .append_child(pugi::node_cdata)
        .set_value(model.description.c_str());

  pugi::xml_node parameters = root.append_child("parameters");
  append_classes(parameters, n);
  pugi::xml_node stations = parameters.append_child("stations");
  stations.append_attribute("number") = std::to_string(n.station_count()).c_str();
  for (int k = 0; k < n.station_count(); ++k)
    append_station(stations, n, k, closed_model, total_population);
  append_reference_stations(parameters, n);
  append_algorithm_and_what_if(root, model);
  for (std::size_t i = 0; i < results.size(); ++i)
    append_solution(root, results[i], model.has_what_if, i);

  std::ostringstream out;
  doc.save(out, "  ", pugi::format_default, pugi::encoding_utf8);
  return out.str();
}

}  // namespace tpeval::io
