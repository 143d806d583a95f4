// The C++ half of the Python module `tpeval` (python/tpeval/__init__.py is the other half): thin
// like cli/, it parses documents given as JSON text (or JMVA XML), calls the same library functions
// the CLI calls and returns the same JSON the CLI prints with --format json, as text. The Python
// side turns dicts and file paths into that text and the results into dicts and pandas
// DataFrames.
//
// Errors: io::InputError becomes tpeval.InputError(path, reason, source), a ValueError whose
// `path` is the JSON path (or XPath) and `reason` the reason, exactly as the CLI reports them.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "cli/simulate_model.hpp"
#include "model/debit_credit.hpp"
#include "model/evaluate.hpp"
#include "model/overrides.hpp"
#include "model/parse.hpp"
#include "model/result_json.hpp"
#include "model/sim/simulate.hpp"
#include "solver/io/jmva.hpp"
#include "solver/io/json_input.hpp"
#include "solver/io/network_json.hpp"
#include "solver/solve.hpp"

namespace py = pybind11;
using namespace tpeval;

namespace {

/// An InputError of `source`, keeping the JSON path apart from the source (CLI: "SOURCE: PATH").
struct SourcedError {
  std::string path, reason, source;
};

template <class F>
auto sourced(const std::string& source, F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const io::InputError& e) {
    throw SourcedError{e.path() == source ? "" : e.path(), e.reason(), source};
  }
}

using Overrides = std::vector<std::pair<std::string, std::string>>;  // path, value as JSON text

nlohmann::json model_document(const std::string& text, const std::string& source,
                              const Overrides& overrides) {
  nlohmann::json doc = text.empty() ? model::default_model() : io::parse_json_text(text, source);
  for (const auto& [path, value] : overrides)
    model::set_parameter(doc, path, nlohmann::json::parse(value));
  return doc;
}

solver::ClosedMethod closed_method(const std::string& name) {
  if (name == "auto") return solver::ClosedMethod::automatic;
  if (name == "exact") return solver::ClosedMethod::exact;
  if (name == "linearizer") return solver::ClosedMethod::linearizer;
  if (name == "schweitzer") return solver::ClosedMethod::schweitzer;
  throw io::InputError("method", "must be one of auto, exact, linearizer, schweitzer");
}

solver::Solution solve_network(const solver::Network& network, const std::string& method,
                               const std::string& source) {
  solver::SolveOptions options;
  options.closed.method = closed_method(method);
  try {
    return solver::solve(network, options);
  } catch (const solver::UnstableNetwork& e) {
    throw io::InputError(source, e.what());
  } catch (const std::invalid_argument& e) {
    throw io::InputError(source, e.what());
  }
}

/// `tpeval solve --format json` of a network file (JSON) or of a JMVA model without a sweep.
std::string solve_json(const std::string& text, const std::string& source,
                       const std::string& method) {
  return sourced(source, [&] {
    if (io::looks_like_xml(text)) {
      const io::JmvaModel m = io::parse_jmva(text);
      nlohmann::json points = nlohmann::json::array();
      for (const auto& p : io::expand_what_if(m)) {
        nlohmann::json one =
            io::solution_to_json(p.network, solve_network(p.network, method, source));
        if (!m.has_what_if) return one.dump();
        points.push_back({{"value", p.value}, {"solution", std::move(one)}});
      }
      nlohmann::json doc = io::what_if_json(m);
      doc["points"] = std::move(points);
      return doc.dump();
    }
    const nlohmann::json doc = io::parse_json_text(text, source);
    const solver::Network network = io::parse_network(io::JsonNode(doc, ""));
    nlohmann::json out = io::solution_to_json(network, solve_network(network, method, source));
    if (doc.contains("name") && doc["name"].is_string()) out["network"] = doc["name"];
    return out.dump();
  });
}

/// `tpeval eval --format json` of the model (default when `text` is empty) with overrides.
std::string evaluate_json(const std::string& text, const std::string& source,
                          const Overrides& overrides) {
  return sourced(source, [&] {
    return model::to_json(
               model::evaluate(model::parse_model(model_document(text, source, overrides))))
        .dump();
  });
}

/// `tpeval simulate --format json` of a transaction model.
std::string simulate_json(const std::string& text, const std::string& source,
                          const Overrides& overrides, std::uint64_t seed, double precision,
                          double confidence, double max_time_s, double min_time_s,
                          std::uint64_t max_events, int replications, int jobs, bool warm_start) {
  return sourced(source, [&] {
    const nlohmann::json doc = model_document(text, source, overrides);
    if (!cli::is_transaction_model(doc))
      throw io::InputError("",
                           "tpeval.simulate() takes a transaction-system model; solve networks "
                           "with tpeval.solve()");
    const model::SystemModel m = model::parse_model(doc);
    cli::ModelSimulationArgs args;
    args.seed = seed;
    args.precision = precision;
    args.confidence = confidence;
    args.max_time_s = max_time_s;
    args.min_time_s = min_time_s;
    args.max_events = max_events;
    args.replications = replications;
    args.jobs = jobs;
    args.warm_start = warm_start;
    model::sim::TxSimOptions options = cli::simulation_options(args);
    options.progress = nullptr;  // no terminal line from inside Python
    try {
      return cli::simulation_report_json(m, model::sim::simulate_transactions(m, options)).dump();
    } catch (const solver::des::SimulationError& e) {
      throw io::InputError("", e.what());
    }
  });
}

std::pair<std::string, std::vector<double>> parse_sweep(const std::string& text) {
  const model::Sweep s = sourced("sweep", [&] { return model::parse_sweep(text); });
  return {s.path, s.values};
}

/// Sets the Python error tpeval.InputError(path, reason, source).
void raise_input_error(const py::object& type, const std::string& path, const std::string& reason,
                       const std::string& source) {
  const py::object error = type(path, reason, source);
  PyErr_SetObject(type.ptr(), error.ptr());
}

}  // namespace

PYBIND11_MODULE(_tpeval, m) {
  m.doc() = "tpeval's C++ core (use the `tpeval` package, not this module)";
  static py::exception<SourcedError> input_error(m, "InputError", PyExc_ValueError);
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const SourcedError& e) {
      raise_input_error(input_error, e.path, e.reason, e.source);
    } catch (const io::InputError& e) {
      raise_input_error(input_error, e.path(), e.reason(), "");
    }
  });
  m.def("solve_json", &solve_json, py::arg("text"), py::arg("source"), py::arg("method"),
        py::call_guard<py::gil_scoped_release>());
  m.def("evaluate_json", &evaluate_json, py::arg("text"), py::arg("source"), py::arg("overrides"),
        py::call_guard<py::gil_scoped_release>());
  m.def("simulate_json", &simulate_json, py::arg("text"), py::arg("source"), py::arg("overrides"),
        py::arg("seed"), py::arg("precision"), py::arg("confidence"), py::arg("max_time_s"),
        py::arg("min_time_s"), py::arg("max_events"), py::arg("replications"), py::arg("jobs"),
        py::arg("warm_start"), py::call_guard<py::gil_scoped_release>());
  m.def("default_model_json", [] { return model::default_model().dump(); });
  m.def("parse_sweep", &parse_sweep, py::arg("text"));
}
