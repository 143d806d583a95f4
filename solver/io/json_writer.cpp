// JSON written as produced (see json_writer.hpp). The layout reproduces nlohmann's pretty printer
// (nlohmann/detail/output/serializer.hpp, dump() with pretty_print): "{" or "[", then each member
// or element on its own line indented by (depth * indent) spaces, separated by ",\n", then a
// newline and the closing bracket at the container's own depth; "{}" and "[]" when empty. Values
// and keys go through that serializer itself, so numbers and escapes cannot drift from it; only
// keys and strings it would copy unchanged (printable ASCII without '"' and '\\') are copied
// here directly (verbatim below).
// nlohmann::detail::serializer is that library's internal class (the one json::dump uses; the
// same in every 3.x release, Debian 12 ships 3.11.2); a change there would show in
// tests/solver/io/json_writer_test.cpp, which compares the text with dump() for every kind of
// value.
#include "solver/io/json_writer.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <stdexcept>

namespace tpeval::io {
namespace {
constexpr std::size_t kBlockBytes = 1 << 16;

/// Text that nlohmann's dump_escaped copies unchanged (ensure_ascii off): printable ASCII but the
/// quote and the backslash. Such keys and strings (every metric name and unit) are written
/// directly: through the serializer each cost a heap string for the json value and a UTF-8 decode
/// per byte (a third of the metric listing's time at 10^4 types, issue #16).
/// Checked eight bytes at a time (10^6 keys for 10^4 types): whether any byte of the word is
/// below 0x20, above 0x7e, '"' or '\\' - the exact presence tests "hasless", "hasmore" and
/// "haszero" of S. E. Anderson's "Bit Twiddling Hacks" (a borrow or carry between bytes can
/// only follow a byte that already qualifies).
bool verbatim(std::string_view text) {
  constexpr std::uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
  const auto has_zero = [](std::uint64_t v) { return (v - ones) & ~v & highs; };
  const auto plain = [&has_zero](std::uint64_t w) {
    const std::uint64_t below_space = (w - ones * 0x20) & ~w & highs;
    const std::uint64_t above_tilde = ((w + ones * (0x7f - 0x7e)) | w) & highs;
    return !(below_space | above_tilde | has_zero(w ^ (ones * '"')) | has_zero(w ^ (ones * '\\')));
  };
  std::size_t i = 0;
  for (; i + 8 <= text.size(); i += 8) {
    std::uint64_t w;
    std::memcpy(&w, text.data() + i, 8);
    if (!plain(w)) return false;
  }
  if (i == text.size()) return true;
  std::uint64_t rest = ones * 'a';  // the last bytes, padded with a plain byte
  std::memcpy(&rest, text.data() + i, text.size() - i);
  return plain(rest);
}
}  // namespace

void JsonStreamWriter::quoted(std::string_view text) {
  if (verbatim(text)) {
    buffer_ += '"';
    buffer_.append(text);
    buffer_ += '"';
  } else {
    serializer_->dump(nlohmann::json(std::string(text)), true, false, indent_);
  }
}

JsonStreamWriter::JsonStreamWriter(std::ostream& out, int indent)
    : out_(out), indent_(indent > 0 ? static_cast<unsigned>(indent) : 0U) {
  if (indent < 0) throw std::logic_error("JsonStreamWriter: the compact layout is not supported");
  buffer_.reserve(kBlockBytes + 4096);
  serializer_ = std::make_unique<nlohmann::detail::serializer<nlohmann::json>>(
      nlohmann::detail::output_adapter<char, std::string>(buffer_), ' ');
}

JsonStreamWriter::~JsonStreamWriter() = default;

void JsonStreamWriter::indent_line(std::size_t depth) {
  buffer_.append(depth * indent_, ' ');
}

void JsonStreamWriter::flush_if_full() {
  if (buffer_.size() < kBlockBytes) return;
  out_.write(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
  buffer_.clear();
}

void JsonStreamWriter::before_value() {
  if (levels_.empty()) {
    if (done_) throw std::logic_error("JsonStreamWriter: a second top-level value");
    return;
  }
  Level& level = levels_.back();
  if (level.object) {
    if (!level.has_key) throw std::logic_error("JsonStreamWriter: an object member without key");
    level.has_key = false;
    return;
  }
  buffer_ += level.empty ? "\n" : ",\n";
  level.empty = false;
  indent_line(levels_.size());
}

void JsonStreamWriter::key(std::string_view name) {
  if (levels_.empty() || !levels_.back().object || levels_.back().has_key)
    throw std::logic_error("JsonStreamWriter: a key outside an object or after another key");
  Level& level = levels_.back();
  if (!level.empty && name <= level.last_key)
    throw std::logic_error("JsonStreamWriter: key '" + std::string(name) + "' after '" +
                           level.last_key + "' (keys must ascend, as in nlohmann's std::map)");
  const bool first = level.empty;
  level.empty = false;
  level.has_key = true;
  level.last_key.assign(name);
  if (verbatim(name)) {
    // The usual key (10^6 of them for 10^4 types, issue #16): separator, indent, "name": at once.
    const std::size_t depth = levels_.size() * indent_;
    const std::size_t at = buffer_.size();
    buffer_.resize(at + (first ? 1 : 2) + depth + name.size() + 4);
    char* out = buffer_.data() + at;
    if (!first) *out++ = ',';
    *out++ = '\n';
    out = std::fill_n(out, depth, ' ');
    *out++ = '"';
    out = std::copy(name.begin(), name.end(), out);
    *out++ = '"';
    *out++ = ':';
    *out = ' ';
    return;
  }
  buffer_ += first ? "\n" : ",\n";
  indent_line(levels_.size());
  quoted(name);
  buffer_ += ": ";
}

void JsonStreamWriter::value(const nlohmann::json& v) {
  before_value();
  if (v.is_string())
    quoted(v.get_ref<const std::string&>());
  else
    serializer_->dump(v, true, false, indent_, static_cast<unsigned>(levels_.size()) * indent_);
  if (levels_.empty()) done_ = true;
  flush_if_full();
}

void JsonStreamWriter::member(std::string_view name, const nlohmann::json& v) {
  key(name);
  value(v);
}

void JsonStreamWriter::begin_object() {
  before_value();
  buffer_ += '{';
  levels_.push_back({true, true, false, {}});
}

void JsonStreamWriter::begin_array() {
  before_value();
  buffer_ += '[';
  levels_.push_back({false, true, false, {}});
}

void JsonStreamWriter::end() {
  if (levels_.empty()) throw std::logic_error("JsonStreamWriter: end() without an open container");
  if (levels_.back().has_key) throw std::logic_error("JsonStreamWriter: a key without its value");
  const bool object = levels_.back().object;
  const bool empty = levels_.back().empty;
  levels_.pop_back();
  if (!empty) {
    buffer_ += '\n';
    indent_line(levels_.size());
  }
  buffer_ += object ? '}' : ']';
  if (levels_.empty()) done_ = true;
  flush_if_full();
}

void JsonStreamWriter::finish() {
  if (!levels_.empty()) throw std::logic_error("JsonStreamWriter: a container left open");
  out_.write(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
  buffer_.clear();
}

}  // namespace tpeval::io
