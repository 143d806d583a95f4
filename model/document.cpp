// Model documents from files or the embedded default (see document.hpp).
#include "model/document.hpp"

#include "model/debit_credit.hpp"
#include "solver/io/json_input.hpp"

namespace tpeval::model {

nlohmann::json load_model_document(const std::string& file_name) {
  if (file_name.empty()) return default_model();
  return io::read_json_file(file_name);
}

}  // namespace tpeval::model
