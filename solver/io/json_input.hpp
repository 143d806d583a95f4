// Reading JSON input with errors that name the JSON path and the reason.
//
// Contract: every accessor either returns a value that satisfies the stated constraint or throws
// InputError whose what() is "<path>: <reason>", e.g. "classes[1].population: must be a
// non-negative integer". Objects are checked for unknown keys with expect_only(); the error names
// the closest allowed key. Nothing here knows about queueing networks or transactions: the
// network, model and study readers all build on it. The CLI maps InputError to exit code 2.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace tpeval::io {

/// Invalid input: a JSON path (may be empty for the document itself) and a human-readable reason.
class InputError : public std::runtime_error {
 public:
  InputError(std::string path, std::string reason);
  const std::string& path() const noexcept { return path_; }
  const std::string& reason() const noexcept { return reason_; }

 private:
  std::string path_;
  std::string reason_;
};

/// A JSON syntax error (as opposed to well-formed JSON that breaks an input limit).
class JsonSyntaxError : public InputError {
 public:
  using InputError::InputError;
};

/// Input limits that hold for every JSON document (docs/model.md, "Input limits"): nesting deeper
/// than kMaxJsonDepth arrays/objects and files larger than kMaxInputBytes are refused.
inline constexpr std::size_t kMaxJsonDepth = 256;
inline constexpr std::size_t kMaxInputBytes = std::size_t{64} << 20;

/// Parses JSON text. Errors are InputErrors whose path is `source_name` and whose reason names
/// the place: a syntax error (JsonSyntaxError) the line and column; a too-deep nesting or a
/// number literal out of the double range (1e400) the JSON path ("a.b[2]: number out of ...").
nlohmann::json parse_json_text(std::string_view text, std::string_view source_name);
/// Reads and parses a file; an unreadable file, a directory or a file beyond kMaxInputBytes is an
/// InputError with the file name as path.
nlohmann::json read_json_file(const std::string& file_name);
/// Reads a file's text with the checks of read_json_file (for readers that parse it themselves).
std::string read_input_text(const std::string& file_name);

/// The allowed name closest to `name` by case-insensitive edit distance, or "" when none is
/// reasonably close (at most max(2, |name| / 2) edits; names over 256 letters get none). The
/// search is banded and has a fixed budget, so its cost is bounded on any input (issue #16).
std::string closest_name(std::string_view name, const std::vector<std::string>& allowed);

/// A JSON value together with the path that led to it. Cheap to copy (holds a reference to the
/// value, which must outlive the node).
class JsonNode {
 public:
  JsonNode(const nlohmann::json& value, std::string path);

  const std::string& path() const noexcept { return path_; }
  const nlohmann::json& json() const noexcept { return *value_; }

  bool is_object() const { return value_->is_object(); }
  bool is_array() const { return value_->is_array(); }
  bool is_number() const { return value_->is_number(); }
  bool is_string() const { return value_->is_string(); }
  bool has(std::string_view key) const;

  /// Required member of an object.
  JsonNode at(std::string_view key) const;
  /// Optional member of an object (nullopt when absent).
  std::optional<JsonNode> find(std::string_view key) const;
  /// Elements of an array (error when not an array).
  std::vector<JsonNode> elements() const;
  /// Members of an object in document order (error when not an object).
  std::vector<std::pair<std::string, JsonNode>> members() const;

  /// Throws unless this is an object whose keys all appear in `allowed`.
  void expect_only(std::initializer_list<std::string_view> allowed) const;
  void expect_only(const std::vector<std::string>& allowed) const;

  double as_number() const;                 ///< any finite number
  double as_positive() const;               ///< > 0
  double as_non_negative() const;           ///< >= 0
  double as_probability() const;            ///< in [0, 1]
  std::int64_t as_integer(std::int64_t min_value = INT64_MIN) const;  ///< integral, >= min
  /// Integral and within [min_value, max_value]: below as as_integer(min_value), above "must be at
  /// most MAX". Every integer field of an input has a range checked by this, so no value is
  /// truncated when narrowed to `int`.
  std::int64_t as_int_in_range(std::int64_t min_value, std::int64_t max_value) const;
  bool as_bool() const;
  std::string as_string() const;
  /// A string that must be one of `choices`; the error lists them.
  std::string as_choice(std::initializer_list<std::string_view> choices) const;
  std::vector<double> as_number_array() const;

  /// Throws InputError(path(), reason).
  [[noreturn]] void fail(const std::string& reason) const;

 private:
  const nlohmann::json* value_;
  std::string path_;
};

/// The path of member `key` below `path` ("a.b", or "key" at the root).
std::string child_path(std::string_view path, std::string_view key);
/// The path of element `index` below `path` ("a[3]").
std::string element_path(std::string_view path, std::size_t index);

}  // namespace tpeval::io
