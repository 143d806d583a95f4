#include "solver/io/json_input.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <type_traits>

namespace tpeval::io {

namespace {
std::string join_message(const std::string& path, const std::string& reason) {
  return path.empty() ? reason : path + ": " + reason;
}

std::string type_name(const nlohmann::json& v) {
  if (v.is_null()) return "null";
  if (v.is_boolean()) return "a boolean";
  if (v.is_number()) return "a number";
  if (v.is_string()) return "a string";
  if (v.is_array()) return "an array";
  return "an object";
}

bool same_letter(char x, char y) {
  return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
}

/// Case-insensitive Levenshtein distance of a and b if it is at most `bound`, else bound + 1.
/// Only the diagonal band |i - j| <= bound can hold a cell <= bound (Ukkonen 1985, "Algorithms
/// for approximate string matching"), and a row whose minimum exceeds the bound ends the search,
/// so the cost is O(min(|a|, |b|) * bound) instead of O(|a| * |b|). The plain quadratic version
/// let a 64 KiB mistyped `--set` path take longer than the fuzzer's 10 s limit (issue #16).
/// Every cell computed is taken from `cells_left`; when that runs out, the result is bound + 1.
std::size_t bounded_edit_distance(std::string_view a, std::string_view b, std::size_t bound,
                                  std::size_t& cells_left) {
  if (a.size() < b.size()) std::swap(a, b);  // b is the shorter one: rows run over a
  if (a.size() - b.size() > bound) return bound + 1;
  const std::size_t over = bound + 1;
  std::vector<std::size_t> row(b.size() + 1, over);
  for (std::size_t j = 0; j <= std::min(b.size(), bound); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    const std::size_t first = i > bound ? i - bound : 1;
    const std::size_t last = std::min(b.size(), i + bound);
    if (last + 1 - first > cells_left) {
      cells_left = 0;
      return over;
    }
    cells_left -= last + 1 - first;
    std::size_t diagonal = row[first - 1];
    row[first - 1] = first == 1 ? std::min(i, over) : over;
    std::size_t row_min = row[first - 1];
    for (std::size_t j = first; j <= last; ++j) {
      const std::size_t above = row[j];
      row[j] = std::min(
          {above + 1, row[j - 1] + 1, diagonal + (same_letter(a[i - 1], b[j - 1]) ? 0 : 1), over});
      diagonal = above;
      row_min = std::min(row_min, row[j]);
    }
    if (last < b.size()) row[last + 1] = over;  // outside the band of the next row's reach
    if (row_min > bound) return over;
  }
  return std::min(row[b.size()], over);
}
}  // namespace

InputError::InputError(std::string path, std::string reason)
    : std::runtime_error(join_message(path, reason)),
      path_(std::move(path)),
      reason_(std::move(reason)) {}

namespace {
/// Builds the DOM like nlohmann's own SAX DOM parser, but tracks the JSON path of the value being
/// read so that a too-deep nesting or an out-of-range number literal is reported with its path.
/// nlohmann's parser itself is iterative, but copying, comparing and printing a DOM recurse, so
/// the depth is bounded here, once, for every reader (issue #16).
class BoundedDomBuilder {
 public:
  using json = nlohmann::json;

  BoundedDomBuilder(json& result, std::string_view text, std::string_view source)
      : text_(text), dom_(result, true), source_(source) {}

  bool null() { return value() && dom_.null(); }
  bool boolean(bool v) { return value() && dom_.boolean(v); }
  bool number_integer(json::number_integer_t v) { return value() && dom_.number_integer(v); }
  bool number_unsigned(json::number_unsigned_t v) { return value() && dom_.number_unsigned(v); }
  bool number_float(json::number_float_t v, const json::string_t& s) {
    return value() && dom_.number_float(v, s);
  }
  bool string(json::string_t& v) { return value() && dom_.string(v); }
  bool binary(json::binary_t& v) { return value() && dom_.binary(v); }
  bool start_object(std::size_t n) { return open(false) && dom_.start_object(n); }
  bool key(json::string_t& k) {
    frames_.back().key = k;
    return dom_.key(k);
  }
  bool end_object() {
    frames_.pop_back();
    return dom_.end_object();
  }
  bool start_array(std::size_t n) { return open(true) && dom_.start_array(n); }
  bool end_array() {
    frames_.pop_back();
    return dom_.end_array();
  }

  template <class Exception>
  bool parse_error(std::size_t byte, const std::string& /*token*/, const Exception& e) {
    // 406 is nlohmann's "number overflow" (a literal such as 1e400 that no double holds).
    if constexpr (std::is_same_v<Exception, json::out_of_range>) {
      if (e.id == 406) {
        throw InputError(std::string(source_),
                         join_message(pending_path(), "number out of range (beyond +-1.8e308)"));
      }
    }
    throw JsonSyntaxError(std::string(source_), syntax_reason(byte, e.what()));
  }

 private:
  struct Frame {
    bool array = false;
    std::size_t next_index = 0;
    std::string key;
  };

  bool value() {
    if (!frames_.empty() && frames_.back().array) ++frames_.back().next_index;
    return true;
  }
  bool open(bool array) {
    value();
    if (frames_.size() >= kMaxJsonDepth) {
      // The path of a too-deep value is as long as the nesting: name its start only.
      std::string where = path(frames_.size());
      if (where.size() > 60) where = where.substr(0, 48) + "...";
      throw InputError(std::string(source_),
                       join_message(where, "nested deeper than " + std::to_string(kMaxJsonDepth) +
                                               " levels (the input limit)"));
    }
    frames_.push_back(Frame{array, 0, {}});
    return true;
  }
  /// The path of the value just started (the last array frame already counted it).
  std::string path(std::size_t levels) const {
    std::string p;
    for (std::size_t i = 0; i < levels; ++i) {
      const Frame& f = frames_[i];
      p = f.array ? element_path(p, f.next_index - 1) : child_path(p, f.key);
    }
    return p;
  }
  /// The path of a value not yet delivered (the last array frame has not counted it).
  std::string pending_path() const {
    std::string p;
    for (std::size_t i = 0; i < frames_.size(); ++i) {
      const Frame& f = frames_[i];
      const bool last = i + 1 == frames_.size();
      p = f.array ? element_path(p, last ? f.next_index : f.next_index - 1) : child_path(p, f.key);
    }
    return p;
  }
  std::string syntax_reason(std::size_t byte, const std::string& what) const {
    // nlohmann reports a byte offset; convert it to line:column, which people can find.
    std::size_t line = 1, column = 1;
    for (std::size_t i = 0; i + 1 < byte && i < text_.size(); ++i) {
      if (text_[i] == '\n') {
        ++line;
        column = 1;
      } else {
        ++column;
      }
    }
    std::ostringstream reason;
    reason << "malformed JSON at line " << line << ", column " << column;
    const auto pos = what.find("syntax error");
    if (pos != std::string::npos) reason << " (" << what.substr(pos) << ")";
    return reason.str();
  }

  std::string_view text_;
  nlohmann::detail::json_sax_dom_parser<json> dom_;
  std::string_view source_;
  std::vector<Frame> frames_;
};
}  // namespace

nlohmann::json parse_json_text(std::string_view text, std::string_view source_name) {
  nlohmann::json result;
  BoundedDomBuilder builder(result, text, source_name);
  nlohmann::json::sax_parse(text.begin(), text.end(), &builder);
  return result;
}

nlohmann::json read_json_file(const std::string& file_name) {
  return parse_json_text(read_input_text(file_name), file_name);
}

std::string read_input_text(const std::string& file_name) {
  std::error_code ec;
  if (std::filesystem::is_directory(file_name, ec))
    throw InputError(file_name, "is a directory, not a JSON file");
  std::ifstream in(file_name, std::ios::binary);
  if (!in) throw InputError(file_name, "cannot open file");
  // Read at most the limit (plus one byte to detect more): /dev/zero or a huge file is refused
  // instead of reading until memory runs out.
  std::string text;
  // A regular file is read into one allocation of its size (the chunks below would copy a
  // 10^5-station network several times while the string grows).
  if (const auto size = std::filesystem::file_size(file_name, ec); !ec && size <= kMaxInputBytes)
    text.reserve(static_cast<std::size_t>(size) + 1);
  std::vector<char> chunk(1 << 16);
  while (in) {
    in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    text.append(chunk.data(), static_cast<std::size_t>(in.gcount()));
    if (text.size() > kMaxInputBytes)
      throw InputError(file_name, "larger than the input limit of " +
                                      std::to_string(kMaxInputBytes >> 20) + " MiB");
  }
  if (in.bad()) throw InputError(file_name, "cannot read file");
  return text;
}

std::string closest_name(std::string_view name, const std::vector<std::string>& allowed) {
  // Only suggest when the names are plausibly the same word mistyped: at most half the letters
  // (at least 2) differ. Longer inputs are no mistyped name, and comparing them costs time.
  // A suggestion is a courtesy on an error path, so its search has a fixed budget of cells
  // (about 0.1 s): a file with a million long names gets the best suggestion found within it.
  constexpr std::size_t kLongestMistypedName = 256;
  std::size_t cells_left = std::size_t{1} << 25;
  if (name.size() > kLongestMistypedName) return {};
  const std::size_t limit = std::max<std::size_t>(2, name.size() / 2);
  std::string best;
  std::size_t best_distance = limit + 1;
  for (const auto& candidate : allowed) {
    // A closer candidate must beat the best so far; the first of equally close ones wins.
    const std::size_t d = bounded_edit_distance(name, candidate, best_distance - 1, cells_left);
    if (d < best_distance) {
      best_distance = d;
      best = candidate;
      if (d == 0) break;
    }
    if (cells_left == 0) break;
  }
  return best;
}

std::string child_path(std::string_view path, std::string_view key) {
  if (path.empty()) return std::string(key);
  std::string p(path);
  p += '.';
  p += key;
  return p;
}

std::string element_path(std::string_view path, std::size_t index) {
  return std::string(path) + "[" + std::to_string(index) + "]";
}

JsonNode::JsonNode(const nlohmann::json& value, std::string path)
    : value_(&value), path_(std::move(path)) {}

void JsonNode::fail(const std::string& reason) const {
  throw InputError(path_, reason);
}

bool JsonNode::has(std::string_view key) const {
  return value_->is_object() && value_->find(std::string(key)) != value_->end();
}

JsonNode JsonNode::at(std::string_view key) const {
  if (!value_->is_object()) fail("must be an object, not " + type_name(*value_));
  const auto it = value_->find(std::string(key));
  if (it == value_->end()) throw InputError(child_path(path_, key), "is required");
  return JsonNode(*it, child_path(path_, key));
}

std::optional<JsonNode> JsonNode::find(std::string_view key) const {
  if (!value_->is_object()) fail("must be an object, not " + type_name(*value_));
  const auto it = value_->find(std::string(key));
  if (it == value_->end()) return std::nullopt;
  return JsonNode(*it, child_path(path_, key));
}

std::vector<JsonNode> JsonNode::elements() const {
  if (!value_->is_array()) fail("must be an array, not " + type_name(*value_));
  std::vector<JsonNode> out;
  out.reserve(value_->size());
  for (std::size_t i = 0; i < value_->size(); ++i)
    out.emplace_back((*value_)[i], element_path(path_, i));
  return out;
}

std::vector<std::pair<std::string, JsonNode>> JsonNode::members() const {
  if (!value_->is_object()) fail("must be an object, not " + type_name(*value_));
  std::vector<std::pair<std::string, JsonNode>> out;
  for (auto it = value_->begin(); it != value_->end(); ++it)
    out.emplace_back(it.key(), JsonNode(it.value(), child_path(path_, it.key())));
  return out;
}

void JsonNode::expect_only(std::initializer_list<std::string_view> allowed) const {
  // Checked without building a vector of strings: readers call this once per object, 10^5 times
  // for a large network; the vector is only built for the error message.
  if (value_->is_object()) {
    bool all_known = true;
    for (auto it = value_->begin(); all_known && it != value_->end(); ++it)
      all_known =
          std::find(allowed.begin(), allowed.end(), std::string_view(it.key())) != allowed.end();
    if (all_known) return;
  }
  expect_only(std::vector<std::string>(allowed.begin(), allowed.end()));
}

void JsonNode::expect_only(const std::vector<std::string>& allowed) const {
  if (!value_->is_object()) fail("must be an object, not " + type_name(*value_));
  for (auto it = value_->begin(); it != value_->end(); ++it) {
    if (std::find(allowed.begin(), allowed.end(), it.key()) != allowed.end()) continue;
    std::string reason = "unknown key";
    const std::string suggestion = closest_name(it.key(), allowed);
    if (!suggestion.empty()) reason += " (did you mean '" + suggestion + "'?)";
    throw InputError(child_path(path_, it.key()), reason);
  }
}

double JsonNode::as_number() const {
  if (!value_->is_number()) fail("must be a number, not " + type_name(*value_));
  const double v = value_->get<double>();
  if (!std::isfinite(v)) fail("must be a finite number");
  return v;
}

double JsonNode::as_positive() const {
  const double v = as_number();
  if (!(v > 0)) fail("must be positive");
  return v;
}

double JsonNode::as_non_negative() const {
  const double v = as_number();
  if (v < 0) fail("must be non-negative");
  return v;
}

double JsonNode::as_probability() const {
  const double v = as_number();
  if (v < 0 || v > 1) fail("must be between 0 and 1");
  return v;
}

std::int64_t JsonNode::as_integer(std::int64_t min_value) const {
  const auto constraint = [&]() -> std::string {
    if (min_value == 0) return "must be a non-negative integer";
    if (min_value == 1) return "must be a positive integer";
    if (min_value == INT64_MIN) return "must be an integer";
    return "must be an integer >= " + std::to_string(min_value);
  };
  if (!value_->is_number()) fail(constraint() + ", not " + type_name(*value_));
  const double v = value_->get<double>();
  if (!std::isfinite(v) || std::floor(v) != v || std::fabs(v) > 9.0e15) fail(constraint());
  const auto i = static_cast<std::int64_t>(v);
  if (i < min_value) fail(constraint());
  return i;
}

std::int64_t JsonNode::as_int_in_range(std::int64_t min_value, std::int64_t max_value) const {
  const std::string too_large = "must be at most " + std::to_string(max_value);
  // Beyond the int64 range as_integer() would refuse with the lower-bound wording; an integral
  // number that is merely too large gets the upper bound instead.
  if (value_->is_number_unsigned() &&
      value_->get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX))
    fail(too_large);
  if (value_->is_number_float()) {
    const double v = value_->get<double>();
    if (std::isfinite(v) && std::floor(v) == v && v > static_cast<double>(max_value))
      fail(too_large);
  }
  const std::int64_t i = as_integer(min_value);
  if (i > max_value) fail(too_large);
  return i;
}

bool JsonNode::as_bool() const {
  if (!value_->is_boolean()) fail("must be true or false, not " + type_name(*value_));
  return value_->get<bool>();
}

std::string JsonNode::as_string() const {
  if (!value_->is_string()) fail("must be a string, not " + type_name(*value_));
  return value_->get<std::string>();
}

std::string JsonNode::as_choice(std::initializer_list<std::string_view> choices) const {
  const std::string s = as_string();
  for (auto c : choices)
    if (s == c) return s;
  std::string list;
  for (auto c : choices) list += (list.empty() ? "'" : ", '") + std::string(c) + "'";
  fail("must be one of " + list + ", not '" + s + "'");
}

std::vector<double> JsonNode::as_number_array() const {
  std::vector<double> out;
  for (const auto& e : elements()) out.push_back(e.as_number());
  return out;
}

}  // namespace tpeval::io
