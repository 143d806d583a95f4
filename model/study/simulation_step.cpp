// The simulation step (see simulation_step.hpp). The transaction-system simulator (model/sim/) is
// being written; until its header exists, studies run analytically and report that no simulation
// was available.
#include "model/study/simulation_step.hpp"

namespace tpeval::model::study {

std::optional<Simulator> transaction_simulator() { return std::nullopt; }

}  // namespace tpeval::model::study
