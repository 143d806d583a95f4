// Reference-stream constructors and validation (see reference_stream.hpp).
#include "solver/cache/reference_stream.hpp"

#include <cmath>
#include <string>
#include <utility>

#include "solver/io/json_input.hpp"

namespace tpeval::solver::cache {

ReferenceStream independent_class(std::string name, double item_count, double rate_per_item,
                                  double write_fraction) {
  ReferenceStream s;
  s.name = std::move(name);
  s.kind = StreamKind::independent;
  s.item_count = item_count;
  s.reference_rate = item_count * rate_per_item;
  s.write_fraction = write_fraction;
  return s;
}

ReferenceStream sequential_stream(std::string name, double reference_rate,
                                  double references_per_item, double write_fraction) {
  ReferenceStream s;
  s.name = std::move(name);
  s.kind = StreamKind::sequential;
  s.reference_rate = reference_rate;
  s.references_per_item = references_per_item;
  s.write_fraction = write_fraction;
  return s;
}

ReferenceStream one_touch_stream(std::string name, double reference_rate, double write_fraction) {
  return sequential_stream(std::move(name), reference_rate, 1.0, write_fraction);
}

ReferenceStream repeat_stream(std::string name, double reference_rate, double write_fraction) {
  ReferenceStream s;
  s.name = std::move(name);
  s.kind = StreamKind::repeat;
  s.reference_rate = reference_rate;
  s.write_fraction = write_fraction;
  return s;
}

void validate_streams(const std::vector<ReferenceStream>& streams) {
  if (streams.empty()) throw io::InputError("streams", "must list at least one reference stream");
  double total = 0.0;
  for (std::size_t i = 0; i < streams.size(); ++i) {
    const auto& s = streams[i];
    const std::string path = io::element_path("streams", i);
    auto field = [&](const char* name) { return io::child_path(path, name); };
    if (!std::isfinite(s.reference_rate) || s.reference_rate < 0.0)
      throw io::InputError(field("reference_rate"), "must be a finite number >= 0");
    if (!std::isfinite(s.write_fraction) || s.write_fraction < 0.0 || s.write_fraction > 1.0)
      throw io::InputError(field("write_fraction"), "must be a probability in [0, 1]");
    if (s.kind == StreamKind::independent && (!std::isfinite(s.item_count) || s.item_count < 1.0))
      throw io::InputError(field("item_count"), "must be a finite number >= 1");
    if (s.kind == StreamKind::sequential &&
        (!std::isfinite(s.references_per_item) || s.references_per_item < 1.0))
      throw io::InputError(field("references_per_item"), "must be a finite number >= 1");
    total += s.reference_rate;
  }
  if (!(total > 0.0)) throw io::InputError("streams", "the total reference rate must be > 0");
}

double total_reference_rate(const std::vector<ReferenceStream>& streams) {
  double total = 0.0;
  for (const auto& s : streams) total += s.reference_rate;
  return total;
}

}  // namespace tpeval::solver::cache
