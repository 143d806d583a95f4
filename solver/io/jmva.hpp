// JMVA files: the XML model format of JMT's JMVA (Java Modelling Tools, Politecnico di Milano;
// also read and written by LQNS qnsolver and LINE), in and out of solver::Network.
//
// Contract: parse_jmva() either returns a JmvaModel whose network passes solver::validate() or
// throws io::InputError whose path is the XPath of the offending element or attribute
// ("/model/parameters/stations/ldstation[1]/servicetimes/servicetimes[2]") and whose reason says
// what tpeval cannot solve there (priority stations, class-dependent load dependence, symbolic
// LQNS parameters, ...). The what-if sweep of a <whatIf> element is kept as data and expanded by
// expand_what_if() into one network per value, with JMT's meaning of the values (absolute for one
// class, factors of the initial values for all classes). to_jmva() turns a network into the
// equivalent JMVA model (think times become a delay station, multi-server and load-dependent
// queues of closed models become <ldstation> service-time lists); write_jmva() prints it, with
// tpeval's results in <solutions> elements the way JMT stores its own.
//
// Format reference: JMT's ExactModel/ExactDocumentCreator (element and attribute names, the
// ';'-separated per-population service times of an <ldstation>, the what-if types), and the
// JMVA files shipped with LQNS (qnsolver/regression/*.jmva). See docs/network-format.md §5.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>
#include <vector>

#include "solver/network/network.hpp"

namespace tpeval::io {

enum class JmvaWhatIfKind { arrival_rates, customers, service_demands, population_mix };

/// A <whatIf> sweep. class_index < 0 means "all classes" (then values are factors).
struct JmvaWhatIf {
  JmvaWhatIfKind kind = JmvaWhatIfKind::customers;
  std::string type;  ///< the JMT type string as written ("Number of customers", ...)
  int class_index = -1;
  int station_index = -1;
  std::vector<double> values;
};

struct JmvaModel {
  solver::Network network;
  std::string description;
  bool has_what_if = false;
  JmvaWhatIf what_if;
};

/// One solved point of a model: the what-if value (NaN without a sweep), the network solved and
/// its solution.
struct JmvaPoint {
  double value = 0.0;
  solver::Network network;
};

/// Parses JMVA XML text. Errors: io::InputError(XPath, reason).
JmvaModel parse_jmva(std::string_view xml_text);

/// The networks of the sweep, one per value (a single point with the model's own network when
/// there is no <whatIf>). Throws io::InputError naming /model/whatIf/@values for a value that
/// gives no valid network (a fractional population, a negative demand, ...).
std::vector<JmvaPoint> expand_what_if(const JmvaModel& model);

/// The JMVA model equivalent to `network`. Throws io::InputError("", reason) for what JMVA cannot
/// express (service_scv != 1, a load-dependent or multi-server queue together with open classes
/// is written as a multi-server <listation>, a load-dependent queue in an open model).
JmvaModel to_jmva(const solver::Network& network, const std::string& description);

/// Results written into <solutions>: one entry per point of the model (in expand order).
struct JmvaResult {
  solver::Network network;  ///< the network that was solved
  solver::Solution solution;
  double value = 0.0;  ///< the what-if value of this point (ignored without a sweep)
};

/// The JMVA document of `model`, with `results` (may be empty) as <solutions> elements.
std::string write_jmva(const JmvaModel& model, const std::vector<JmvaResult>& results);

/// The head of `tpeval solve --format json` for a sweep: {"format": "tpeval-what-if/1",
/// "what_if_type", "class", "station" (null for all classes / none)}; the caller adds "points".
nlohmann::json what_if_json(const JmvaModel& model);

/// True when `text` looks like XML (first non-blank character '<').
bool looks_like_xml(std::string_view text);

}  // namespace tpeval::io
