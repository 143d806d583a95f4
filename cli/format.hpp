// Output helpers shared by the subcommands: aligned tables for people, CSV for tools, and number
// formatting that never prints NaN or -0.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace tpeval::cli {

enum class OutputFormat { table, json, csv };

/// Parses "table" | "json" | "csv" (CLI11 already restricts the choice).
OutputFormat parse_format(const std::string& name);

/// A rectangular table of already formatted cells. Numeric-looking cells are right-aligned.
class Table {
 public:
  explicit Table(std::vector<std::string> headers) : headers_(std::move(headers)) {}
  void add_row(std::vector<std::string> cells);
  void print(std::ostream& out, const std::string& title = "") const;
  /// Prints in blocks no wider than `max_width` characters: the first `key_columns` columns are
  /// repeated in every block, the others are distributed over the blocks in order.
  void print_wrapped(std::ostream& out, const std::string& title, std::size_t key_columns,
                     std::size_t max_width = 100) const;
  void print_csv(std::ostream& out) const;
  bool empty() const { return rows_.empty(); }

 private:
  std::vector<std::string> headers_;
  std::vector<std::vector<std::string>> rows_;
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
