// Writing a JSON document to a stream as it is produced, without building it first.
//
// Contract: a JsonStreamWriter prints exactly the text nlohmann::json::dump(indent) prints for
// the same document (indent >= 0: one member or element per line, `"key": value`, "{}" and "[]"
// for empty containers): values are printed by nlohmann's own serializer, so numbers, strings
// and escapes are byte-identical (keys and strings of plain printable ASCII, which it copies
// unchanged, are copied directly). nlohmann's default json keeps object keys sorted (std::map), so
// the keys of each object must come in ascending byte order; a key out of order, a value
// without its key, or an unbalanced end throws std::logic_error (a programming error, never an
// input error). Text is buffered and written in blocks; finish() writes the rest and checks that
// every container was closed. Nothing here knows about transactions: it serves any report whose
// tree would be large (issue #16: the metrics of 10^4 transaction types, 2x10^5 members).
#pragma once

#include <nlohmann/json.hpp>

#include <memory>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace tpeval::io {

class JsonStreamWriter {
 public:
  JsonStreamWriter(std::ostream& out, int indent);
  ~JsonStreamWriter();
  JsonStreamWriter(const JsonStreamWriter&) = delete;
  JsonStreamWriter& operator=(const JsonStreamWriter&) = delete;

  void begin_object();
  void begin_array();
  /// Ends the innermost object or array.
  void end();
  /// The next member's key; keys of one object must ascend (std::map order).
  void key(std::string_view name);
  /// A complete value (a number, string, null or a small tree), at the current position.
  void value(const nlohmann::json& v);
  /// `key(name); value(v);`
  void member(std::string_view name, const nlohmann::json& v);
  /// Writes what is buffered; throws std::logic_error when a container is still open.
  void finish();

 private:
  struct Level {
    bool object = false;
    bool empty = true;
    bool has_key = false;
    std::string last_key;
  };
  void before_value();
  /// A key or string value as nlohmann prints it, quoted and escaped.
  void quoted(std::string_view text);
  void indent_line(std::size_t depth);
  void flush_if_full();

  std::ostream& out_;
  unsigned indent_;
  std::string buffer_;
  std::unique_ptr<nlohmann::detail::serializer<nlohmann::json>> serializer_;
  std::vector<Level> levels_;
  bool done_ = false;  ///< the top-level value is complete
};

}  // namespace tpeval::io
