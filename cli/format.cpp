#include "cli/format.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <iterator>
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
bool looks_numeric(const std::string& s) {
  if (s.empty()) return false;
  return std::all_of(s.begin(), s.end(),
                     [](char c) {
                       return (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '+' ||
                              c == 'e' || c == '%';
                     }) ||
         s == "inf" || s == "n/a" || s == "saturated" || s == "thrashing";
}
}  // namespace

void Table::add_row(std::vector<std::string> cells) {
  cells.resize(headers_.size());
  rows_.push_back(std::move(cells));
}

void Table::print(std::ostream& out, const std::string& title) const {
  std::vector<std::size_t> width(headers_.size());
  for (std::size_t i = 0; i < headers_.size(); ++i) width[i] = headers_[i].size();
  for (const auto& row : rows_)
    for (std::size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], row[i].size());
  if (!title.empty()) out << title << '\n';
  // A header stands over its column as the numbers do: right-aligned over columns whose cells
  // are mostly numbers ("saturated", "-" and "thrashing" stand in for numbers).
  std::vector<bool> numeric_column(headers_.size(), false);
  for (std::size_t i = 1; i < headers_.size(); ++i) {
    std::size_t numbers = 0, texts = 0;
    for (const auto& row : rows_) {
      if (row[i].empty()) continue;
      (looks_numeric(row[i]) ? numbers : texts) += 1;
    }
    numeric_column[i] = numbers > texts;
  }
  // Cells and padding go to the stream as they are (no temporary strings: a table of 10^5
  // stations is printed in one pass, issue #16).
  const auto pad = [&](std::size_t count) {
    std::fill_n(std::ostreambuf_iterator<char>(out), count, ' ');
  };
  const auto line = [&](const std::vector<std::string>& cells, bool header) {
    for (std::size_t i = 0; i < cells.size(); ++i) {
      const bool right = i > 0 && numeric_column[i] && (header || looks_numeric(cells[i]));
      if (i) out << "  ";
      if (right) pad(width[i] - cells[i].size());
      out << cells[i];
      if (!right && i + 1 < cells.size()) pad(width[i] - cells[i].size());
    }
    out << '\n';
  };
  line(headers_, true);
  std::size_t total = 0;
  for (std::size_t i = 0; i < width.size(); ++i) total += width[i] + (i ? 2 : 0);
  out << std::string(total, '-') << '\n';
  for (const auto& row : rows_) line(row, false);
}

void Table::print_wrapped(std::ostream& out, const std::string& title, std::size_t key_columns,
                          std::size_t max_width) const {
  const std::size_t n = headers_.size();
  std::vector<std::size_t> width(n);
  for (std::size_t i = 0; i < n; ++i) width[i] = headers_[i].size();
  for (const auto& row : rows_)
    for (std::size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], row[i].size());
  key_columns = std::min(key_columns, n);
  std::size_t keys_width = 0;
  for (std::size_t i = 0; i < key_columns; ++i) keys_width += width[i] + 2;
  // Greedy blocks of columns; a single column wider than the limit gets a block of its own.
  std::vector<std::pair<std::size_t, std::size_t>> blocks;
  std::size_t begin = key_columns, used = keys_width;
  for (std::size_t i = key_columns; i < n; ++i) {
    if (i > begin && used + width[i] > max_width) {
      blocks.emplace_back(begin, i);
      begin = i;
      used = keys_width;
    }
    used += width[i] + 2;
  }
  if (begin < n || blocks.empty()) blocks.emplace_back(begin, n);
  for (std::size_t b = 0; b < blocks.size(); ++b) {
    std::vector<std::size_t> columns;
    for (std::size_t i = 0; i < key_columns; ++i) columns.push_back(i);
    for (std::size_t i = blocks[b].first; i < blocks[b].second; ++i) columns.push_back(i);
    const auto pick = [&](const std::vector<std::string>& cells) {
      std::vector<std::string> out;
      for (std::size_t c : columns) out.push_back(cells[c]);
      return out;
    };
    Table part(pick(headers_));
    for (const auto& row : rows_) part.add_row(pick(row));
    std::string t = title;
    if (blocks.size() > 1)
      t += (t.empty() ? "" : " ") + std::string("(part ") + std::to_string(b + 1) + " of " +
           std::to_string(blocks.size()) + ")";
    if (b > 0) out << '\n';
    part.print(out, t);
  }
}

void Table::print_csv(std::ostream& out) const {
  const auto line = [&](const std::vector<std::string>& cells) {
    for (std::size_t i = 0; i < cells.size(); ++i) out << (i ? "," : "") << csv_cell(cells[i]);
    out << '\n';
  };
  line(headers_);
  for (const auto& row : rows_) line(row);
}

// Non-finite values are never printed as nan/inf (issue #16): a quantity that does not exist is
// "n/a" in tables and CSV, as it is null in JSON.
std::string fixed(double value, int digits) {
  if (!std::isfinite(value)) return "n/a";
  std::string s = fmt::format("{:.{}f}", value, digits);
  if (s[0] == '-' && s.find_first_not_of("-0.") == std::string::npos) s.erase(0, 1);
  return s;
}

std::string general(double value, int significant) {
  if (!std::isfinite(value)) return "n/a";
  if (value == 0) return "0";
  return fmt::format("{:.{}g}", value, significant);
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
  if (cell.find_first_of(",\"\n") == std::string::npos) return cell;
  std::string quoted = "\"";
  for (char c : cell) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + '"';
}

}  // namespace tpeval::cli
