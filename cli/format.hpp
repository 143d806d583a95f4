// Output helpers shared by the subcommands: aligned tables for people, CSV for tools, and number
// formatting that never prints NaN or -0.
//
// Contract: a Table holds already formatted cells and prints them aligned (numeric-looking cells
// right-aligned) or as CSV; the text of a table does not depend on how it is printed (to a file,
// a string stream or std::cout). Text goes to the stream in large blocks through BufferedOutput:
// a 10^5-row table is printed in one pass over its cells, without one string per cell or one
// stream call per cell (issue #16).
#pragma once

#include <cstddef>
#include <functional>
#include <initializer_list>
#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

namespace tpeval::cli {

enum class OutputFormat { table, json, csv };

/// Parses "table" | "json" | "csv" (CLI11 already restricts the choice).
OutputFormat parse_format(const std::string& name);

/// Text collected in a buffer and handed to `out` in blocks of about 64 KiB, and at flush() or
/// destruction. std::cout is synchronised with stdio: every `<<` is a locked fwrite, and one per
/// cell or padding character was most of the time of a 10^5-station table (issue #16).
class BufferedOutput {
 public:
  explicit BufferedOutput(std::ostream& out);
  BufferedOutput(const BufferedOutput&) = delete;
  BufferedOutput& operator=(const BufferedOutput&) = delete;
  ~BufferedOutput() { flush(); }
  void append(std::string_view text) {
    buffer_.append(text);
    if (buffer_.size() >= block_bytes) flush();
  }
  void append(char c) { append(std::string_view(&c, 1)); }
  void spaces(std::size_t count) {
    buffer_.append(count, ' ');
    if (buffer_.size() >= block_bytes) flush();
  }
  void flush();

 private:
  static constexpr std::size_t block_bytes = 64 * 1024;
  std::ostream& out_;
  std::string buffer_;
};

/// Cells of text kept back to back in one string: no string per cell. A generated table's row
/// (print_generated_table) and a Table's storage.
class RowCells {
 public:
  void clear() {
    text_.clear();
    ends_.clear();
  }
  void add(std::string_view cell) {
    text_.append(cell);
    ends_.push_back(text_.size());
  }
  /// Replaces the cells by `cells`.
  void assign(std::initializer_list<std::string_view> cells) {
    clear();
    for (std::string_view cell : cells) add(cell);
  }
  std::size_t size() const { return ends_.size(); }
  std::string_view operator[](std::size_t i) const {
    const std::size_t begin = i == 0 ? 0 : ends_[i - 1];
    return std::string_view(text_).substr(begin, ends_[i] - begin);
  }

 private:
  std::string text_;
  std::vector<std::size_t> ends_;  ///< end of each cell in text_
};

/// What a table knows of one column before it is printed: its width and how many of its
/// (non-empty) cells look like numbers.
struct ColumnStats {
  std::size_t width = 0;
  std::size_t numbers = 0;
  std::size_t texts = 0;
  void count(std::string_view cell);
};

/// A rectangular table of already formatted cells. Numeric-looking cells are right-aligned.
/// Cells are kept back to back in one string, and column widths and kinds are counted as rows
/// come in.
class Table {
 public:
  explicit Table(std::vector<std::string> headers);
  /// A row of cells; missing cells are empty, cells beyond the headers are dropped.
  void add_row(std::initializer_list<std::string_view> cells);
  void add_row(const std::vector<std::string>& cells);
  void print(std::ostream& out, const std::string& title = "") const;
  /// Prints in blocks no wider than `max_width` characters: the first `key_columns` columns are
  /// repeated in every block, the others are distributed over the blocks in order.
  void print_wrapped(std::ostream& out, const std::string& title, std::size_t key_columns,
                     std::size_t max_width = 100) const;
  void print_csv(std::ostream& out) const;
  bool empty() const { return rows_ == 0; }

 private:
  void add_cell(std::size_t column, std::string_view cell);

  std::vector<std::string> headers_;
  std::vector<ColumnStats> columns_;
  RowCells cells_;  ///< all rows' cells, row by row, headers_.size() per row
  std::size_t rows_ = 0;
};

/// Prints the table of `row_count` rows that `fill_row(row, cells)` produces on demand exactly
/// as a Table holding the same rows prints it (Table::print). Each row is produced twice, once
/// to measure the columns and once to write it, and nothing of the rows is kept: the station
/// tables of a 10^5-station solution (issue #16).
void print_generated_table(std::ostream& out, const std::string& title,
                           const std::vector<std::string>& headers, std::size_t row_count,
                           const std::function<void(std::size_t row, RowCells& cells)>& fill_row);

/// CSV rows written as they come, through a BufferedOutput (a CSV needs no column widths: a
/// 10^5-station solution is not held in memory, issue #16). Cells are quoted by csv_cell's rule.
class CsvWriter {
 public:
  CsvWriter(std::ostream& out, std::initializer_list<std::string_view> headers);
  void add_row(std::initializer_list<std::string_view> cells);
  void add_row(const std::vector<std::string>& cells);
  void flush() { out_.flush(); }

 private:
  void add_cell(std::size_t index, std::string_view cell);
  BufferedOutput out_;
};

/// Fixed-point with `digits` decimals; "inf" for infinity, "n/a" for NaN (which callers must
/// avoid producing; this is a last line of defence), and no "-0.000".
std::string fixed(double value, int digits = 4);
/// Significant-digit formatting for values of any magnitude.
std::string general(double value, int significant = 6);
/// Percent with one decimal (0.537 -> "53.7").
std::string percent(double fraction, int digits = 1);
/// A metric value formatted for a table by its unit ("ms" 3 decimals, "%" 2, "1/s" 2, ...).
std::string metric_text(double value, const std::string& unit);
/// CSV-quotes a cell when it contains a comma, quote or newline.
std::string csv_cell(const std::string& cell);

}  // namespace tpeval::cli
