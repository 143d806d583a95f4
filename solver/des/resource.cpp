#include "solver/des/resource.hpp"

#include <stdexcept>

namespace tpeval::solver::des {

void ResourceClient::server_granted(Simulation&, int, JobId) {
  throw std::logic_error("resource client does not seize servers");
}

Resource::Resource(Simulation& simulation, ResourceClient& client, int resource_id, int class_count)
    : client_(client),
      handler_(simulation.add_handler(*this)),
      resource_id_(resource_id),
      present_(static_cast<std::size_t>(class_count), 0),
      area_(static_cast<std::size_t>(class_count), 0.0),
      last_change_s_(static_cast<std::size_t>(class_count), 0.0),
      completions_(static_cast<std::size_t>(class_count), 0),
      work_s_(static_cast<std::size_t>(class_count), 0.0) {}

void Resource::close_areas(double now_s) {
  for (std::size_t c = 0; c < present_.size(); ++c) {
    area_[c] += static_cast<double>(present_[c]) * (now_s - last_change_s_[c]);
    last_change_s_[c] = now_s;
  }
}

}  // namespace tpeval::solver::des
