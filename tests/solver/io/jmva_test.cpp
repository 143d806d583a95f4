// JMVA (JMT) files in and out: hand-written files covering every element kind solve like their
// tpeval JSON equivalents, JSON -> JMVA -> JSON round trips keep the network, what-if sweeps
// expand with JMT's meaning, and what tpeval cannot solve is refused with the XPath.
#include <doctest/doctest.h>

#include <pugixml.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "solver/io/jmva.hpp"
#include "solver/io/network_json.hpp"
#include "solver/solve.hpp"

using tpeval::io::InputError;
using tpeval::io::JmvaModel;
using tpeval::io::parse_jmva;
using tpeval::solver::ClassKind;
using tpeval::solver::Network;
using tpeval::solver::Solution;
using tpeval::solver::StationKind;

namespace {

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE_MESSAGE(in, "cannot open " << path);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::string data(const std::string& name) {
  return std::string(TPEVAL_SOURCE_DIR) + "/tests/solver/io/jmva/" + name;
}

Network json_network(const std::string& path) {
  return tpeval::io::parse_network(nlohmann::json::parse(read_text(path)));
}

/// The what() of the InputError that parsing `xml` throws, or "no error".
std::string error_of(const std::string& xml) {
  try {
    const JmvaModel m = parse_jmva(xml);
    tpeval::io::expand_what_if(m);
  } catch (const InputError& e) {
    return e.what();
  }
  return "no error";
}

/// Same stations (kind, servers, load dependence), classes and demand/visit matrices.
void check_same_network(const Network& a, const Network& b) {
  REQUIRE(a.station_count() == b.station_count());
  REQUIRE(a.class_count() == b.class_count());
  for (int k = 0; k < a.station_count(); ++k) {
    CAPTURE(a.stations[k].name);
    CHECK(a.stations[k].name == b.stations[k].name);
    CHECK(a.stations[k].kind == b.stations[k].kind);
    CHECK(a.stations[k].servers == b.stations[k].servers);
    REQUIRE(a.stations[k].rate_multipliers.size() == b.stations[k].rate_multipliers.size());
    for (std::size_t j = 0; j < a.stations[k].rate_multipliers.size(); ++j)
      CHECK(a.stations[k].rate_multipliers[j] ==
            doctest::Approx(b.stations[k].rate_multipliers[j]).epsilon(1e-12));
  }
  for (int c = 0; c < a.class_count(); ++c) {
    CAPTURE(a.classes[c].name);
    CHECK(a.classes[c].name == b.classes[c].name);
    CHECK(a.classes[c].kind == b.classes[c].kind);
    CHECK(a.classes[c].population == b.classes[c].population);
    CHECK(a.classes[c].arrival_rate_per_s == b.classes[c].arrival_rate_per_s);
    CHECK(a.classes[c].think_time_s == b.classes[c].think_time_s);
    for (int k = 0; k < a.station_count(); ++k) {
      CHECK(a.demand_s(c, k) == doctest::Approx(b.demand_s(c, k)).epsilon(1e-14));
      CHECK(a.visits(c, k) == doctest::Approx(b.visits(c, k)).epsilon(1e-14));
    }
  }
}

/// Per class x station queue lengths, throughputs and residence times agree to 1e-10.
void check_same_solution(const Solution& a, const Solution& b) {
  REQUIRE(a.mean_jobs.rows() == b.mean_jobs.rows());
  REQUIRE(a.mean_jobs.cols() == b.mean_jobs.cols());
  for (Eigen::Index c = 0; c < a.mean_jobs.rows(); ++c) {
    CHECK(a.class_throughput_per_s(c) ==
          doctest::Approx(b.class_throughput_per_s(c)).epsilon(1e-10));
    for (Eigen::Index k = 0; k < a.mean_jobs.cols(); ++k) {
      CHECK(a.mean_jobs(c, k) == doctest::Approx(b.mean_jobs(c, k)).epsilon(1e-10));
      CHECK(a.throughput_per_s(c, k) == doctest::Approx(b.throughput_per_s(c, k)).epsilon(1e-10));
      CHECK(a.residence_time_s(c, k) == doctest::Approx(b.residence_time_s(c, k)).epsilon(1e-10));
    }
  }
}

const char* minimal_head = R"(<?xml version="1.0"?><model><parameters>)";

/// A one-class closed model with station element `station` (between <stations> tags).
std::string with_station(const std::string& station,
                         const std::string& classes = R"(<closedclass name="c" population="2"/>)") {
  return std::string(minimal_head) + "<classes>" + classes + "</classes><stations>" + station +
         "</stations></parameters></model>";
}

}  // namespace

TEST_CASE(
    "jmva: delay and load-independent stations with a reference station solve like the equivalent "
    "JSON") {
  const JmvaModel m = parse_jmva(read_text(data("central_server.jmva")));
  CHECK(m.description == "Central server: 20 OLTP terminals and 2 batch jobs");
  CHECK_FALSE(m.has_what_if);
  const Network expected = json_network(data("central_server_equivalent.json"));
  check_same_network(m.network, expected);
  check_same_solution(tpeval::solver::solve(m.network), tpeval::solver::solve(expected));
}

TEST_CASE("jmva: multi-server listation and ldstation become servers and rate multipliers") {
  const JmvaModel m = parse_jmva(read_text(data("load_dependent.jmva")));
  const Network expected = json_network(data("load_dependent_equivalent.json"));
  check_same_network(m.network, expected);
  CHECK(m.network.stations[1].servers == 2);
  CHECK(m.network.stations[2].load_dependent());
  check_same_solution(tpeval::solver::solve(m.network), tpeval::solver::solve(expected));
}

TEST_CASE("jmva: open and closed classes with an arrival-rate what-if") {
  const JmvaModel m = parse_jmva(read_text(data("mixed_whatif.jmva")));
  const Network bolch =
      json_network(std::string(TPEVAL_SOURCE_DIR) + "/examples/networks/mixed_bolch_8_6.json");
  REQUIRE(m.has_what_if);
  CHECK(m.what_if.kind == tpeval::io::JmvaWhatIfKind::arrival_rates);
  CHECK(m.what_if.class_index == 0);
  const auto points = tpeval::io::expand_what_if(m);
  REQUIRE(points.size() == 3);
  CHECK(points[0].network.classes[0].arrival_rate_per_s == 0.1);
  CHECK(points[1].network.classes[0].arrival_rate_per_s == 0.3);
  CHECK(points[2].network.classes[1].arrival_rate_per_s == 0.25);  // the other class stays
  // The third point is the published model (rate 0.5): same network, same solution.
  CHECK(points[2].network.classes[0].arrival_rate_per_s == 0.5);
  for (int c = 0; c < bolch.class_count(); ++c)
    for (int k = 0; k < bolch.station_count(); ++k)
      CHECK(points[2].network.demand_s(c, k) ==
            doctest::Approx(bolch.demand_s(c, k)).epsilon(1e-14));
  check_same_solution(tpeval::solver::solve(points[2].network), tpeval::solver::solve(bolch));
  // More open load, longer closed response times.
  const Solution low = tpeval::solver::solve(points[0].network);
  const Solution high = tpeval::solver::solve(points[2].network);
  CHECK(low.class_response_time_s(2) < high.class_response_time_s(2));
}

TEST_CASE("jmva: JSON -> JMVA -> JSON round trips keep every example network") {
  int exported_count = 0;
  for (const auto& entry :
       std::filesystem::directory_iterator(std::string(TPEVAL_SOURCE_DIR) + "/examples/networks")) {
    CAPTURE(entry.path().string());
    Network original = json_network(entry.path().string());
    // JMVA has no service-time variability: such a network is refused until service_scv is 1.
    bool variable = false;
    for (auto& s : original.stations) {
      variable = variable || s.service_scv != 1.0;
      s.service_scv = 1.0;
    }
    if (variable) {
      Network with_scv = json_network(entry.path().string());
      CHECK_THROWS_AS(tpeval::io::to_jmva(with_scv, ""), InputError);
    }
    // Nor load-dependent stations in open models (JMVA solves those only in closed models).
    bool open_ld = false;
    for (const auto& s : original.stations)
      open_ld = open_ld || (s.load_dependent() && original.has_open_classes());
    if (open_ld) {
      CHECK_THROWS_AS(tpeval::io::to_jmva(original, ""), InputError);
      continue;
    }
    ++exported_count;
    const JmvaModel exported = tpeval::io::to_jmva(original, "round trip");
    const std::string xml = tpeval::io::write_jmva(exported, {});
    const JmvaModel back = parse_jmva(xml);
    CHECK(back.description == "round trip");
    // JMVA has no think time: it came back as a delay station, otherwise the same network, except
    // that a closed class visiting no station exactly once is counted per visit to its reference
    // station (the first it visits), as JMT counts it.
    Network expected = exported.network;
    std::vector<double> jobs_per_job(expected.classes.size(), 1.0);  // JMT's jobs per tpeval job
    for (int c = 0; c < expected.class_count(); ++c) {
      if (expected.classes[c].kind != ClassKind::closed) continue;
      if ((expected.visits.row(c).array() == 1.0).any()) continue;
      for (int k = 0; k < expected.station_count(); ++k)
        if (expected.visits(c, k) > 0) {
          const double v = expected.visits(c, k);
          jobs_per_job[c] = v;
          expected.visits.row(c) /= v;
          expected.demand_s.row(c) /= v;
          break;
        }
    }
    check_same_network(back.network, expected);
    const nlohmann::json as_json = tpeval::io::network_to_json(back.network, "n", "d");
    check_same_network(tpeval::io::parse_network(as_json), expected);
    // ... which solves like the original at every original station.
    const Solution a = tpeval::solver::solve(original);
    const Solution b = tpeval::solver::solve(back.network);
    const int shift = back.network.station_count() - original.station_count();
    for (int c = 0; c < original.class_count(); ++c) {
      CHECK(a.class_throughput_per_s(c) * jobs_per_job[c] ==
            doctest::Approx(b.class_throughput_per_s(c)).epsilon(1e-10));
      for (int k = 0; k < original.station_count(); ++k)
        CHECK(a.mean_jobs(c, k) == doctest::Approx(b.mean_jobs(c, k + shift)).epsilon(1e-10));
    }
  }
  CHECK(exported_count >= 3);
}

TEST_CASE(
    "jmva: a closed multi-server or load-dependent queue is exported as an ldstation and read "
    "back") {
  const Network ld = json_network(data("load_dependent_equivalent.json"));
  const std::string xml = tpeval::io::write_jmva(tpeval::io::to_jmva(ld, ""), {});
  CHECK(xml.find("<ldstation name=\"cpu\"") != std::string::npos);
  CHECK(xml.find("<ldstation name=\"array\"") != std::string::npos);
  const JmvaModel back = parse_jmva(xml);
  check_same_network(back.network, ld);
  check_same_solution(tpeval::solver::solve(back.network), tpeval::solver::solve(ld));
}

TEST_CASE("jmva: results are written into <solutions> the way JMT stores them") {
  const JmvaModel m = parse_jmva(read_text(data("mixed_whatif.jmva")));
  std::vector<tpeval::io::JmvaResult> results;
  for (auto& p : tpeval::io::expand_what_if(m))
    results.push_back({p.network, tpeval::solver::solve(p.network), p.value});
  const std::string xml = tpeval::io::write_jmva(m, results);
  pugi::xml_document doc;
  REQUIRE(doc.load_string(xml.c_str()));
  int count = 0;
  for (pugi::xml_node sol : doc.child("model").children("solutions")) {
    REQUIRE(count < 3);
    CHECK(sol.attribute("iteration").as_int() == count);
    CHECK(sol.attribute("iterationValue").as_double() == results[count].value);
    const pugi::xml_node alg = sol.child("algorithm");
    int stations = 0;
    for (pugi::xml_node st : alg.children("stationresults")) {
      int classes = 0;
      for (pugi::xml_node cr : st.children("classresults")) {
        for (pugi::xml_node measure : cr.children("measure")) {
          const std::string type = measure.attribute("measureType").value();
          const double value = measure.attribute("meanValue").as_double();
          const Solution& s = results[count].solution;
          if (type == "Number of Customers") CHECK(value == s.mean_jobs(classes, stations));
          if (type == "Throughput") CHECK(value == s.throughput_per_s(classes, stations));
          if (type == "Residence time") CHECK(value == s.residence_time_s(classes, stations));
        }
        ++classes;
      }
      CHECK(classes == 4);
      ++stations;
    }
    CHECK(stations == 2);
    ++count;
  }
  CHECK(count == 3);
  // The model with results is still a model tpeval reads (solutions are skipped).
  check_same_network(parse_jmva(xml).network, m.network);
}

TEST_CASE("jmva: what-if sweeps of customers, service demands and population mix") {
  const std::string base =
      std::string(minimal_head) +
      R"(<classes><closedclass name="a" population="4"/><closedclass name="b" population="6"/></classes>
    <stations><listation name="s"><servicetimes><servicetime customerclass="a">0.5</servicetime>
    <servicetime customerclass="b">0.25</servicetime></servicetimes><visits><visit customerclass="a">2</visit>
    <visit customerclass="b">1</visit></visits></listation>
    <delaystation name="z"><servicetimes><servicetime customerclass="a">1</servicetime>
    <servicetime customerclass="b">1</servicetime></servicetimes><visits><visit customerclass="a">1</visit>
    <visit customerclass="b">1</visit></visits></delaystation></stations></parameters>)";
  const auto sweep = [&](const std::string& what_if) {
    return tpeval::io::expand_what_if(parse_jmva(base + what_if + "</model>"));
  };
  auto p = sweep(R"(<whatIf className="b" type="Number of customers" values="1;3"/>)");
  REQUIRE(p.size() == 2);
  CHECK(p[1].network.classes[1].population == 3);
  CHECK(p[1].network.classes[0].population == 4);
  p = sweep(R"(<whatIf type="Number of customers" values="0.5;1.5"/>)");  // all classes: factors
  CHECK(p[0].network.classes[0].population == 2);
  CHECK(p[1].network.classes[1].population == 9);
  p = sweep(R"(<whatIf className="a" stationName="s" type="Service demands" values="0.2"/>)");
  CHECK(p[0].network.demand_s(0, 0) == 0.2);
  CHECK(p[0].network.demand_s(1, 0) == 0.25);
  p = sweep(R"(<whatIf stationName="s" type="Service demands" values="2"/>)");
  CHECK(p[0].network.demand_s(0, 0) == 2.0);
  CHECK(p[0].network.demand_s(1, 0) == 0.5);
  p = sweep(R"(<whatIf className="a" type="Population mix" values="0.3;0.9"/>)");
  CHECK(p[0].network.classes[0].population == 3);
  CHECK(p[0].network.classes[1].population == 7);
  CHECK(p[1].network.classes[0].population == 9);
  // A fractional population is refused, not rounded silently.
  CHECK(error_of(base + R"(<whatIf type="Number of customers" values="0.3"/></model>)") ==
        "/model/whatIf/@values: value 1 gives class 'a' a population of 1.2; populations must be "
        "integers from 0 to 1000000000");
  CHECK(error_of(base + R"(<whatIf type="Arrival rates" values="1"/></model>)") ==
        "/model/whatIf/@type: an 'Arrival rates' what-if needs an open class");
  CHECK(error_of(base + R"(<whatIf type="Service demands" values="1"/></model>)") ==
        "/model/whatIf/@stationName: is required for a 'Service demands' what-if");
  CHECK(error_of(base + R"(<whatIf type="Throughputs" values="1"/></model>)")
            .rfind("/model/whatIf/@type: unknown what-if type 'Throughputs'", 0) == 0);
}

TEST_CASE("jmva: what tpeval cannot solve is refused with the XPath and the reason") {
  const std::string st =
      R"(<servicetimes><servicetime customerclass="c">1</servicetime></servicetimes>
                            <visits><visit customerclass="c">1</visit></visits>)";
  CHECK(error_of(with_station("<prsstation name=\"p\">" + st + "</prsstation>")) ==
        "/model/parameters/stations/prsstation: priority stations (PRS/HOL) are not product-form; "
        "tpeval does not solve them");
  CHECK(error_of(with_station("<listation name=\"q\">" + st + "</listation>",
                              R"(<closedclass name="c" population="$N"/>)")) ==
        "/model/parameters/classes/closedclass/@population: symbolic parameter '$N' (an LQNS "
        "extension of JMVA) is not supported; give a number");
  CHECK(error_of(with_station(
            R"(<listation name="q"><servicetimes><servicetime customerclass="d">1</servicetime>
        </servicetimes></listation>)")) ==
        "/model/parameters/stations/listation/servicetimes/servicetime/@customerclass: unknown "
        "class 'd' (did you mean 'c'?)");
  CHECK(error_of(with_station(
            R"(<listation name="q"><servicetimes><servicetime customerclass="c">1</servicetime>
        </servicetimes><visits/></listation>)")) ==
        "/model/parameters/stations/listation/visits: has no <visit> for class 'c', which has a "
        "service time here");
  CHECK(
      error_of(with_station("<listation name=\"q\" server=\"2\">" + st + "</listation>")) ==
      "/model/parameters/stations/listation/@server: unknown attribute (did you mean 'servers'?)");
  CHECK(error_of(with_station(
            "<listation name=\"q\">" + st +
            "</listation><listation name=\"r\">"
            "<servicetimes><servicetime customerclass=\"c\">-1</servicetime></servicetimes>"
            "</listation>")) ==
        "/model/parameters/stations/listation[2]/servicetimes/servicetime: must be >= 0");
  // Load dependence that differs between classes has no tpeval station.
  CHECK(
      error_of(
          with_station(
              R"(<ldstation name="ld"><servicetimes>
      <servicetimes customerclass="a">1;0.5</servicetimes><servicetimes customerclass="b">1;0.8</servicetimes>
      </servicetimes><visits><visit customerclass="a">1</visit><visit customerclass="b">1</visit></visits></ldstation>)",
              R"(<closedclass name="a" population="1"/><closedclass name="b" population="1"/>)"))
          .rfind(
              "/model/parameters/stations/ldstation/servicetimes/servicetimes[2]: class-dependent "
              "load dependence",
              0) == 0);
  CHECK(
      error_of(R"(<model><parameters><classes><closedclass name="c" population="1"/></classes>)") ==
      "malformed XML at line 1, column 76 (Start-end tags mismatch)");
  CHECK(error_of(R"(<network/>)") == "/: the root element must be <model> (a JMVA file)");
  CHECK(error_of(with_station("<listation name=\"q\">" + st + "</listation>") + "<lqx/>") ==
        "/: the root element must be <model> (a JMVA file)");
  CHECK(
      error_of(
          R"(<model><parameters><classes><closedclass name="c" population="1"/></classes><stations>
      <listation name="q">)" +
          st + R"(</listation></stations></parameters><lqx>x</lqx></model>)") ==
      "/model/lqx: unsupported element (a JMVA model has <description>, <parameters>, "
      "<algParams>, <whatIf> and <solutions>)");
  CHECK(error_of(with_station(
            "<listation name=\"q\">" + st + "</listation>",
            R"(<closedclass name="c" population="2"/><openclass name="o" rate="1"/>)")) ==
        "/model/parameters/classes/openclass: class 'o' has no positive service demand at any "
        "station");
}

TEST_CASE("jmva: export refuses what JMVA cannot express") {
  Network n = json_network(data("load_dependent_equivalent.json"));
  n.stations[1].service_scv = 2;
  CHECK_THROWS_WITH_AS(tpeval::io::to_jmva(n, ""),
                       "stations[1].service_scv: JMVA assumes exponential service times "
                       "(service_scv 1); remove it to export",
                       InputError);
}

TEST_CASE("jmva: the shipped example solves as docs/coming-from-jmt-line-pdq.md says") {
  // OLTP throughput as in examples/networks/central_server.json; a batch "job" is one of its 41
  // CPU visits (the class's reference station), so its throughput is 41 times the JSON one.
  const JmvaModel m =
      parse_jmva(read_text(std::string(TPEVAL_SOURCE_DIR) + "/examples/jmva/central_server.jmva"));
  const Network json =
      json_network(std::string(TPEVAL_SOURCE_DIR) + "/examples/networks/central_server.json");
  const Solution a = tpeval::solver::solve(m.network);
  const Solution b = tpeval::solver::solve(json);
  CHECK(a.class_throughput_per_s(0) == doctest::Approx(b.class_throughput_per_s(0)).epsilon(1e-12));
  CHECK(a.class_throughput_per_s(1) ==
        doctest::Approx(41 * b.class_throughput_per_s(1)).epsilon(1e-12));
  // JMT's system response time includes the 2 s at the terminals.
  CHECK(a.class_response_time_s(0) ==
        doctest::Approx(b.class_response_time_s(0) + 2.0).epsilon(1e-12));
  for (int k = 0; k < json.station_count(); ++k)
    CHECK(a.station_utilization(k + 1) == doctest::Approx(b.station_utilization(k)).epsilon(1e-12));
}
