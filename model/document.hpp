// Loading a model document: a JSON file, or the embedded default when no file is given.
//
// Contract: load_model_document("") returns the embedded Debit-Credit default (debit_credit.hpp);
// otherwise the file is read and parsed (syntax errors and unreadable files are io::InputError).
// The document is not yet validated: parse_model() does that.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace tpeval::model {

nlohmann::json load_model_document(const std::string& file_name);

}  // namespace tpeval::model
