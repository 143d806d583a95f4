// A study: many what-if points of one model, with the expectations the results must meet.
//
// Contract: a Study is plain data produced by parse_study() from a study document (JSON,
// docs/studies.md, schemas/study.schema.json). parse_study() reads through io::JsonNode, rejects
// unknown keys, and reports every violation as io::InputError naming the JSON path and the reason;
// it resolves the base model (a file relative to the study file, or a built-in document of
// model/debit_credit.hpp), checks every override and sweep path against the model schema
// (model/overrides.hpp), checks that every configuration's document passes parse_model(), and
// checks that expectations refer only to declared configurations, axes and metrics.
// expand_points() turns a Study into its points: configurations x axis-1 values x axis-2 values,
// each with its complete model document, in a deterministic order (configuration-major). Pure
// functions on value types; no I/O beyond reading the base-model file.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/overrides.hpp"

namespace tpeval::model::study {

enum class Mode { analytic, simulate, both };

/// "analytic" | "simulate" | "both".
const char* mode_name(Mode mode);

/// A named set of overrides applied to the base model (after the study-wide overrides).
struct Configuration {
  std::string name;   ///< identifier used by expectations and in results ("eh_log")
  std::string label;  ///< legend text for figures ("EH-resident log")
  std::vector<Assignment> overrides;
};

/// A swept parameter. One axis may set several paths to the same value (e.g. the second-level
/// buffer size of Abb. 6-15 is the EH buffer for one configuration and the disk cache for
/// another).
struct Axis {
  std::string name;                     ///< short column name ("rate", "hs_pages")
  std::string label;                    ///< axis title for figures
  std::vector<std::string> parameters;  ///< model parameter paths, each set to the value
  std::vector<double> values;
  std::vector<double> quick_values;  ///< the reduced axis for --quick (empty: thinned)
};

/// Axis name -> the accepted values (one or several) of that axis.
using Where = std::vector<std::pair<std::string, std::vector<double>>>;

/// Selects the points of one configuration whose axis values are among `where`; an empty
/// `where` selects every point of the configuration.
struct PointSelector {
  std::string configuration;
  Where where;
};

enum class ExpectationKind {
  value,       ///< metric at the selected points within target +- tolerance or [min, max]
  ordering,    ///< metric of configurations strictly ascending at every common selected point
  saturation,  ///< the configuration's throughput limit lies in [min, max]
  difference,  ///< metric(points[0]) - metric(points[1]) (or relative) within bounds
  monotonic,   ///< metric of one configuration rises/falls along an axis
  crossing,    ///< first axis value where metric / metric(first value) passes `factor`
  unchecked,   ///< a target listed for completeness that no metric can check (reason given)
};

const char* kind_name(ExpectationKind kind);

/// Numeric bounds: either target +- tolerance, or min and/or max (inclusive).
struct Bounds {
  std::optional<double> target;
  double tolerance = 0.0;
  bool relative_tolerance = false;  ///< tolerance is a fraction of |target|
  std::optional<double> min;
  std::optional<double> max;
  bool contains(double value) const;
  /// True when [value - slack, value + slack] meets the bounds (a simulated mean with its
  /// half-width: the bounds are not contradicted at the 95 % level).
  bool contains(double value, double slack) const;
  std::string describe() const;  ///< "53.7 +- 0.5", "in [180, 200]", ">= 90"
};

struct Expectation {
  std::string id;         ///< the target's id in ch6-5.md §3 ("V07")
  std::string source;     ///< book figure/table and line ("Abb. 6-10, L2428")
  std::string statement;  ///< what the book says, in words
  std::string note;       ///< interpretation or explanation (shown in the report)
  ExpectationKind kind = ExpectationKind::value;
  std::string metric;
  // value / saturation / monotonic / crossing: the configurations it applies to (each checked);
  // ordering: ascending order.
  std::vector<std::string> configurations;
  Where where;  ///< restricts the points considered
  /// difference: two points (first - second) or four ((first - second) - (third - fourth))
  std::vector<PointSelector> points;
  Bounds bounds;
  bool relative = false;   ///< difference: (a - b) / b
  std::string axis;        ///< monotonic / crossing
  bool increasing = true;  ///< monotonic direction
  bool strict = true;      ///< ordering / monotonic: strict inequality
  double factor = 1.0;     ///< crossing threshold (> 1 rising, < 1 falling)
  std::string limited_by;  ///< saturation: the bottleneck must contain this text
  std::string reason;      ///< unchecked: why
  std::string path;        ///< JSON path of the expectation in the study file
};

struct SimulationSettings {
  std::uint64_t seed = 1;         ///< the same seed at every point: common random numbers
  double precision = 0.05;        ///< relative 95 % half-width of the response time
  double max_time_s = 600.0;      ///< simulated seconds per point at most (warm-up included)
  double max_wall_time_s = 60.0;  ///< wall-clock seconds per point at most
  /// Fill the buffers before the first arrival (sim::TxSimOptions::warm_start); false: cold.
  bool warm_start = false;
};

struct Study {
  std::string name;
  std::string title;
  std::string description;
  std::string source;
  std::string base_description;  ///< "builtin debit_credit" or the file name
  nlohmann::json base_document;  ///< base model with the study-wide overrides applied
  std::vector<Configuration> configurations;
  std::vector<Axis> axes;  ///< zero, one or two
  std::vector<std::string> metrics;
  Mode mode = Mode::analytic;
  SimulationSettings simulation;
  std::vector<Expectation> expectations;
  bool needs_max_throughput = false;  ///< some metric or expectation uses the throughput limit
};

/// Reads a study document. `study_dir` resolves a relative base-model file name.
Study parse_study(const nlohmann::json& document, const std::string& study_dir = ".");
/// Reads a study file (syntax errors and unreadable files are io::InputError).
Study read_study_file(const std::string& file_name);

/// One point of a study: a configuration and one value per axis, with its model document.
struct Point {
  std::size_t index = 0;  ///< position in expand_points() order
  std::string configuration;
  std::vector<std::pair<std::string, double>> axis_values;  ///< axis name -> value
  nlohmann::json document;
  std::string key() const;  ///< "configuration|axis=value|..." (stable, for journals)
};

/// Configurations x axis values (axis 1 outer, axis 2 inner). With `quick`, every axis uses its
/// quick_values, or at most four evenly spaced values including the first and the last.
std::vector<Point> expand_points(const Study& study, bool quick = false);

/// True when `a` and `b` are the same axis value (relative 1e-9).
bool same_value(double a, double b);

}  // namespace tpeval::model::study
