// Naming the sweep value behind a point's model error (see point_error.hpp).
#include "model/study/point_error.hpp"

#include <algorithm>
#include <optional>
#include <vector>

#include "model/parse.hpp"

namespace tpeval::model::study {

namespace {

using nlohmann::json;

/// Index of the point's configuration in the study (the study names them uniquely).
std::size_t configuration_index(const Point& point, const Study& study) {
  std::size_t c = 0;
  while (c + 1 < study.configurations.size() && study.configurations[c].name != point.configuration)
    ++c;
  return c;
}

/// "sweep[a].values[j]" for the point's value on axis `a`.
std::string value_path(const Point& point, const Study& study, std::size_t a) {
  const auto& values = study.axes[a].values;
  const double v = point.axis_values[a].second;
  std::size_t j = 0;
  while (j + 1 < values.size() && !same_value(values[j], v)) ++j;
  return io::child_path(io::element_path("sweep", a), io::element_path("values", j));
}

/// True when the configuration's document with only axis `a` set passes parse_model().
bool axis_alone_parses(const Point& point, const Study& study, const Configuration& c,
                       std::size_t a) {
  json doc = study.base_document;
  for (const auto& o : c.overrides) set_parameter(doc, o.path, o.value);
  for (const auto& path : study.axes[a].parameters)
    set_parameter(doc, path, axis_value_json(point.axis_values[a].second));
  try {
    (void)parse_model(doc);
    return true;
  } catch (const io::InputError&) {
    return false;
  }
}

/// The sweep value(s) to blame: the one axis whose value alone fails, else all of them.
std::string blamed_path(const Point& point, const Study& study, const Configuration& c) {
  const std::size_t axes = std::min(study.axes.size(), point.axis_values.size());
  if (axes == 1) return value_path(point, study, 0);
  for (std::size_t a = 0; a < axes; ++a)
    if (!axis_alone_parses(point, study, c, a)) return value_path(point, study, a);
  std::string both;
  for (std::size_t a = 0; a < axes; ++a) both += (a ? " with " : "") + value_path(point, study, a);
  return both;
}

}  // namespace

PointError point_error(const Point& point, const Study& study, const io::InputError& cause) {
  const std::size_t c = configuration_index(point, study);
  const std::string reason = (cause.path().empty() ? std::string() : cause.path() + ": ") +
                             cause.reason() + " (configuration '" + point.configuration + "')";
  if (study.axes.empty() || point.axis_values.empty())
    return PointError(io::element_path("configurations", c), reason);
  return PointError(blamed_path(point, study, study.configurations[c]), reason);
}

}  // namespace tpeval::model::study
