#include "cli/format.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <ostream>
#include <stdexcept>

namespace tpeval::cli {

OutputFormat parse_format(const std::string& name) {
  if (name == "table") return OutputFormat::table;
  if (name == "json") return OutputFormat::json;
  if (name == "csv") return OutputFormat::csv;
  throw std::invalid_argument("unknown format '" + name + "'");
}

namespace {
bool looks_numeric(std::string_view s) {
  if (s.empty()) return false;
  return std::all_of(s.begin(), s.end(),
                     [](char c) {
                       return (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '+' ||
                              c == 'e' || c == '%';
                     }) ||
         s == "inf" || s == "n/a" || s == "saturated" || s == "thrashing";
}

/// Whether a CSV cell needs quotes: it holds a comma, quote or newline. A loop, not
/// find_first_of, which calls memchr once per character of the cell (12 % of a 10^5-station CSV).
bool needs_csv_quotes(std::string_view cell) {
  return std::any_of(cell.begin(), cell.end(),
                     [](char c) { return c == ',' || c == '"' || c == '\n'; });
}

/// Appends a cell CSV-quoted when it contains a comma, quote or newline (csv_cell's rule).
void append_csv_cell(BufferedOutput& out, std::string_view cell) {
  if (!needs_csv_quotes(cell)) {
    out.append(cell);
    return;
  }
  out.append('"');
  for (char c : cell) {
    if (c == '"') out.append('"');
    out.append(c);
  }
  out.append('"');
}
}  // namespace

BufferedOutput::BufferedOutput(std::ostream& out) : out_(out) {
  buffer_.reserve(block_bytes + 256);
}

void BufferedOutput::flush() {
  if (buffer_.empty()) return;
  out_.write(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
  buffer_.clear();
}

void ColumnStats::count(std::string_view cell) {
  width = std::max(width, cell.size());
  if (!cell.empty()) (looks_numeric(cell) ? numbers : texts) += 1;
}

namespace {
std::vector<ColumnStats> header_stats(const std::vector<std::string>& headers) {
  std::vector<ColumnStats> stats(headers.size());
  for (std::size_t i = 0; i < headers.size(); ++i) stats[i].width = headers[i].size();
  return stats;
}

/// One row's cells in a RowCells: `count` cells from `first`; cells past the row's end are empty.
struct RowView {
  const RowCells& cells;
  std::size_t first;
  std::size_t count;
  std::string_view operator[](std::size_t i) const {
    return i < count ? cells[first + i] : std::string_view();
  }
};

/// Writes the columns `picked` of a table in Table::print's layout. `for_each_row(write_row)`
/// calls write_row(RowView) once per row, in order.
template <class ForEachRow>
void write_aligned(BufferedOutput& out, const std::string& title,
                   const std::vector<std::string>& headers, const std::vector<ColumnStats>& stats,
                   const std::vector<std::size_t>& picked, ForEachRow&& for_each_row) {
  if (!title.empty()) {
    out.append(title);
    out.append('\n');
  }
  // A header stands over its column as the numbers do: right-aligned over columns whose cells
  // are mostly numbers ("saturated", "-" and "thrashing" stand in for numbers). The first
  // printed column is the key and always left-aligned.
  std::vector<bool> numeric_column(picked.size(), false);
  for (std::size_t p = 1; p < picked.size(); ++p)
    numeric_column[p] = stats[picked[p]].numbers > stats[picked[p]].texts;
  const auto put = [&](std::size_t p, std::string_view text, bool right) {
    const std::size_t width = stats[picked[p]].width;
    if (p) out.append("  ");
    if (right) out.spaces(width - text.size());
    out.append(text);
    if (!right && p + 1 < picked.size()) out.spaces(width - text.size());
  };
  for (std::size_t p = 0; p < picked.size(); ++p)
    put(p, headers[picked[p]], p > 0 && numeric_column[p]);
  out.append('\n');
  std::size_t total = 0;
  for (std::size_t p = 0; p < picked.size(); ++p) total += stats[picked[p]].width + (p ? 2 : 0);
  out.append(std::string(total, '-'));
  out.append('\n');
  for_each_row([&](const RowView& row) {
    for (std::size_t p = 0; p < picked.size(); ++p) {
      const std::string_view cell = row[picked[p]];
      put(p, cell, p > 0 && numeric_column[p] && looks_numeric(cell));
    }
    out.append('\n');
  });
}

std::vector<std::size_t> all_columns(std::size_t count) {
  std::vector<std::size_t> columns(count);
  for (std::size_t i = 0; i < count; ++i) columns[i] = i;
  return columns;
}
}  // namespace

Table::Table(std::vector<std::string> headers)
    : headers_(std::move(headers)), columns_(header_stats(headers_)) {}

void Table::add_cell(std::size_t column, std::string_view cell) {
  cells_.add(cell);
  columns_[column].count(cell);
}

void Table::add_row(std::initializer_list<std::string_view> cells) {
  auto it = cells.begin();
  for (std::size_t i = 0; i < columns_.size(); ++i)
    add_cell(i, it != cells.end() ? *it++ : std::string_view());
  ++rows_;
}

void Table::add_row(const std::vector<std::string>& cells) {
  for (std::size_t i = 0; i < columns_.size(); ++i)
    add_cell(i, i < cells.size() ? std::string_view(cells[i]) : std::string_view());
  ++rows_;
}

void Table::print(std::ostream& out, const std::string& title) const {
  BufferedOutput buffered(out);
  write_aligned(buffered, title, headers_, columns_, all_columns(headers_.size()),
                [&](auto&& write_row) {
                  for (std::size_t r = 0; r < rows_; ++r)
                    write_row(RowView{cells_, r * headers_.size(), headers_.size()});
                });
}

void Table::print_wrapped(std::ostream& out, const std::string& title, std::size_t key_columns,
                          std::size_t max_width) const {
  const std::size_t n = headers_.size();
  key_columns = std::min(key_columns, n);
  std::size_t keys_width = 0;
  for (std::size_t i = 0; i < key_columns; ++i) keys_width += columns_[i].width + 2;
  // Greedy blocks of columns; a single column wider than the limit gets a block of its own.
  std::vector<std::pair<std::size_t, std::size_t>> blocks;
  std::size_t begin = key_columns, used = keys_width;
  for (std::size_t i = key_columns; i < n; ++i) {
    if (i > begin && used + columns_[i].width > max_width) {
      blocks.emplace_back(begin, i);
      begin = i;
      used = keys_width;
    }
    used += columns_[i].width + 2;
  }
  if (begin < n || blocks.empty()) blocks.emplace_back(begin, n);
  BufferedOutput buffered(out);
  for (std::size_t b = 0; b < blocks.size(); ++b) {
    std::vector<std::size_t> picked;
    for (std::size_t i = 0; i < key_columns; ++i) picked.push_back(i);
    for (std::size_t i = blocks[b].first; i < blocks[b].second; ++i) picked.push_back(i);
    std::string t = title;
    if (blocks.size() > 1)
      t += (t.empty() ? "" : " ") + std::string("(part ") + std::to_string(b + 1) + " of " +
           std::to_string(blocks.size()) + ")";
    if (b > 0) buffered.append('\n');
    write_aligned(buffered, t, headers_, columns_, picked, [&](auto&& write_row) {
      for (std::size_t r = 0; r < rows_; ++r) write_row(RowView{cells_, r * n, n});
    });
  }
}

void Table::print_csv(std::ostream& out) const {
  BufferedOutput buffered(out);
  for (std::size_t i = 0; i < headers_.size(); ++i) {
    if (i) buffered.append(',');
    append_csv_cell(buffered, headers_[i]);
  }
  buffered.append('\n');
  for (std::size_t r = 0; r < rows_; ++r) {
    for (std::size_t i = 0; i < headers_.size(); ++i) {
      if (i) buffered.append(',');
      append_csv_cell(buffered, cells_[r * headers_.size() + i]);
    }
    buffered.append('\n');
  }
}

void print_generated_table(std::ostream& out, const std::string& title,
                           const std::vector<std::string>& headers, std::size_t row_count,
                           const std::function<void(std::size_t row, RowCells& cells)>& fill_row) {
  std::vector<ColumnStats> stats = header_stats(headers);
  RowCells cells;
  for (std::size_t r = 0; r < row_count; ++r) {
    cells.clear();
    fill_row(r, cells);
    const RowView row{cells, 0, cells.size()};
    for (std::size_t i = 0; i < headers.size(); ++i) stats[i].count(row[i]);
  }
  BufferedOutput buffered(out);
  write_aligned(buffered, title, headers, stats, all_columns(headers.size()),
                [&](auto&& write_row) {
                  for (std::size_t r = 0; r < row_count; ++r) {
                    cells.clear();
                    fill_row(r, cells);
                    write_row(RowView{cells, 0, cells.size()});
                  }
                });
}

CsvWriter::CsvWriter(std::ostream& out, std::initializer_list<std::string_view> headers)
    : out_(out) {
  add_row(headers);
}

void CsvWriter::add_cell(std::size_t index, std::string_view cell) {
  if (index) out_.append(',');
  append_csv_cell(out_, cell);
}

void CsvWriter::add_row(std::initializer_list<std::string_view> cells) {
  std::size_t i = 0;
  for (std::string_view cell : cells) add_cell(i++, cell);
  out_.append('\n');
}

void CsvWriter::add_row(const std::vector<std::string>& cells) {
  for (std::size_t i = 0; i < cells.size(); ++i) add_cell(i, cells[i]);
  out_.append('\n');
}

// Non-finite values are never printed as nan/inf (issue #16): a quantity that does not exist is
// "n/a" in tables and CSV, as it is null in JSON.
//
// Digits come from std::to_chars (libstdc++'s Ryu printf), which prints what printf's %.*f and
// %.*g print, as {fmt} did here before: correctly rounded, byte for byte the same text
// (tests/cli/table_format_test.cpp holds both to the {fmt} formatter on edge and random values),
// at half the cost per value - a million of them in a 10^5-station table (issue #16). {fmt}
// remains for a text longer than the buffer (fixed-point numbers near the top of the double range).
namespace {
template <class Fallback>
std::string to_chars_text(double value, std::chars_format format, int precision,
                          Fallback&& fallback) {
  char buffer[128];
  const auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, value, format, precision);
  if (error != std::errc()) return fallback();
  return std::string(buffer, end);
}
}  // namespace

std::string fixed(double value, int digits) {
  if (!std::isfinite(value)) return "n/a";
  std::string s = to_chars_text(value, std::chars_format::fixed, digits,
                                [&] { return fmt::format("{:.{}f}", value, digits); });
  if (s[0] == '-' && s.find_first_not_of("-0.") == std::string::npos) s.erase(0, 1);
  return s;
}

std::string general(double value, int significant) {
  if (!std::isfinite(value)) return "n/a";
  if (value == 0) return "0";
  return to_chars_text(value, std::chars_format::general, significant,
                       [&] { return fmt::format("{:.{}g}", value, significant); });
}

std::string percent(double fraction, int digits) {
  return fixed(100.0 * fraction, digits);
}

std::string metric_text(double value, const std::string& unit) {
  if (unit == "ms" || unit == "per tx" || unit == "servers") return fixed(value, 3);
  if (unit == "%" || unit == "1/s" || unit == "count") return fixed(value, 2);
  if (unit == "flag" || unit == "instructions") return fixed(value, 0);
  return general(value, 4);
}

std::string csv_cell(const std::string& cell) {
  if (!needs_csv_quotes(cell)) return cell;
  std::string quoted = "\"";
  for (char c : cell) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + '"';
}

}  // namespace tpeval::cli
