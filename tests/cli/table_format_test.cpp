// cli/format's one-pass tables, CSV writer and number formatting against the formatter they
// replaced (issue #16: a 10^5-station table is printed without a string per cell). The reference
// below is the previous implementation, kept verbatim: every table, eval, study, validate and
// solve output must stay byte-identical to what it printed.
#include <doctest/doctest.h>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <ostream>
#include <sstream>
#include <string>
#include <vector>

#include "cli/format.hpp"
#include "solver/des/random_stream.hpp"

namespace {

namespace cli = tpeval::cli;

// ---- The previous implementation (cli/format.cpp at 794dc8a), verbatim but for names ----------

std::string reference_fixed(double value, int digits) {
  if (!std::isfinite(value)) return "n/a";
  std::string s = fmt::format("{:.{}f}", value, digits);
  if (s[0] == '-' && s.find_first_not_of("-0.") == std::string::npos) s.erase(0, 1);
  return s;
}

std::string reference_general(double value, int significant) {
  if (!std::isfinite(value)) return "n/a";
  if (value == 0) return "0";
  return fmt::format("{:.{}g}", value, significant);
}

std::string reference_csv_cell(const std::string& cell) {
  if (cell.find_first_of(",\"\n") == std::string::npos) return cell;
  std::string quoted = "\"";
  for (char c : cell) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + '"';
}

bool reference_looks_numeric(const std::string& s) {
  if (s.empty()) return false;
  return std::all_of(s.begin(), s.end(),
                     [](char c) {
                       return (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '+' ||
                              c == 'e' || c == '%';
                     }) ||
         s == "inf" || s == "n/a" || s == "saturated" || s == "thrashing";
}

class ReferenceTable {
 public:
  explicit ReferenceTable(std::vector<std::string> headers) : headers_(std::move(headers)) {}
  void add_row(std::vector<std::string> cells) {
    cells.resize(headers_.size());
    rows_.push_back(std::move(cells));
  }

  void print(std::ostream& out, const std::string& title = "") const {
    std::vector<std::size_t> width(headers_.size());
    for (std::size_t i = 0; i < headers_.size(); ++i) width[i] = headers_[i].size();
    for (const auto& row : rows_)
      for (std::size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], row[i].size());
    if (!title.empty()) out << title << '\n';
    std::vector<bool> numeric_column(headers_.size(), false);
    for (std::size_t i = 1; i < headers_.size(); ++i) {
      std::size_t numbers = 0, texts = 0;
      for (const auto& row : rows_) {
        if (row[i].empty()) continue;
        (reference_looks_numeric(row[i]) ? numbers : texts) += 1;
      }
      numeric_column[i] = numbers > texts;
    }
    const auto line = [&](const std::vector<std::string>& cells, bool header) {
      for (std::size_t i = 0; i < cells.size(); ++i) {
        const bool right =
            i > 0 && numeric_column[i] && (header || reference_looks_numeric(cells[i]));
        if (i) out << "  ";
        if (right) out << std::string(width[i] - cells[i].size(), ' ');
        out << cells[i];
        if (!right && i + 1 < cells.size()) out << std::string(width[i] - cells[i].size(), ' ');
      }
      out << '\n';
    };
    line(headers_, true);
    std::size_t total = 0;
    for (std::size_t i = 0; i < width.size(); ++i) total += width[i] + (i ? 2 : 0);
    out << std::string(total, '-') << '\n';
    for (const auto& row : rows_) line(row, false);
  }

  void print_wrapped(std::ostream& out, const std::string& title, std::size_t key_columns,
                     std::size_t max_width) const {
    const std::size_t n = headers_.size();
    std::vector<std::size_t> width(n);
    for (std::size_t i = 0; i < n; ++i) width[i] = headers_[i].size();
    for (const auto& row : rows_)
      for (std::size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], row[i].size());
    key_columns = std::min(key_columns, n);
    std::size_t keys_width = 0;
    for (std::size_t i = 0; i < key_columns; ++i) keys_width += width[i] + 2;
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
        std::vector<std::string> picked;
        for (std::size_t c : columns) picked.push_back(cells[c]);
        return picked;
      };
      ReferenceTable part(pick(headers_));
      for (const auto& row : rows_) part.add_row(pick(row));
      std::string t = title;
      if (blocks.size() > 1)
        t += (t.empty() ? "" : " ") + std::string("(part ") + std::to_string(b + 1) + " of " +
             std::to_string(blocks.size()) + ")";
      if (b > 0) out << '\n';
      part.print(out, t);
    }
  }

  void print_csv(std::ostream& out) const {
    const auto line = [&](const std::vector<std::string>& cells) {
      for (std::size_t i = 0; i < cells.size(); ++i)
        out << (i ? "," : "") << reference_csv_cell(cells[i]);
      out << '\n';
    };
    line(headers_);
    for (const auto& row : rows_) line(row);
  }

 private:
  std::vector<std::string> headers_;
  std::vector<std::vector<std::string>> rows_;
};

// ---- Values -------------------------------------------------------------------------------------

/// Values where number formatting goes wrong if it does: zeros of both signs, integers, halfway
/// cases, values that round up to the next power of ten, the ends of the double range,
/// subnormals, and non-finite values (which must come out as "n/a", never nan/inf).
std::vector<double> edge_values() {
  const double inf = std::numeric_limits<double>::infinity();
  std::vector<double> v = {0.0,
                           -0.0,
                           1.0,
                           -1.0,
                           2.0,
                           42.0,
                           100.0,
                           1e5,
                           123456.0,
                           1234567890.0,
                           9007199254740993.0,
                           0.5,
                           0.125,
                           0.0625,
                           2.5,
                           -2.5,
                           0.00015,
                           1e-5,
                           1.25e-6,
                           7.5001e-06,
                           9.99995,
                           9.999949999,
                           99999.5,
                           999999.5,
                           0.999995,
                           -0.00004,
                           -0.0004999,
                           -1e-300,
                           1e-300,
                           1e300,
                           -1e300,
                           std::numeric_limits<double>::min(),
                           std::numeric_limits<double>::denorm_min(),
                           -std::numeric_limits<double>::denorm_min(),
                           std::numeric_limits<double>::max(),
                           std::numeric_limits<double>::lowest(),
                           std::numeric_limits<double>::epsilon(),
                           inf,
                           -inf,
                           std::numeric_limits<double>::quiet_NaN()};
  for (int e = -30; e <= 30; ++e) {
    v.push_back(std::pow(10.0, e));
    v.push_back(-std::pow(10.0, e) * 0.999999);
    v.push_back(std::pow(10.0, e) * 9.999995);
    v.push_back(std::pow(10.0, e) * 0.5);
  }
  return v;
}

/// Edge values plus random ones over all magnitudes and random bit patterns (seeded).
std::vector<double> varied_values(std::size_t random_count) {
  std::vector<double> v = edge_values();
  tpeval::solver::des::RandomStream stream(16, "table_format_test");
  for (std::size_t i = 0; i < random_count; ++i) {
    const double magnitude = std::pow(10.0, -12.0 + 24.0 * stream.uniform01());
    v.push_back((stream.uniform01() < 0.3 ? -1.0 : 1.0) * magnitude * stream.uniform01());
    v.push_back(std::round(stream.uniform01() * 1e6) / 1e3);  // few decimals, like rates
    const std::uint64_t bits = stream.next_u64();
    double d = 0;
    std::memcpy(&d, &bits, sizeof d);
    v.push_back(d);  // any double, NaN payloads and infinities included
  }
  return v;
}

/// A cell of one of the kinds tables hold: numbers in every formatting, stand-ins, text.
std::string random_cell(tpeval::solver::des::RandomStream& stream, const std::vector<double>& v) {
  const double x = v[static_cast<std::size_t>(stream.uniform01() * v.size()) % v.size()];
  static const char* const texts[] = {
      "",    "-",    "saturated",  "thrashing",  "infinite", "n/a", "inf", "queue/fcfs",
      "yes", "a, b", "say \"hi\"", "two\nlines", "ABA+BJB",  "1e",  "+-",  "a very long name",
      "12%", "-0"};
  switch (static_cast<int>(stream.uniform01() * 6)) {
    case 0:
      return cli::general(x, 1 + static_cast<int>(stream.uniform01() * 10));
    case 1:
      return cli::fixed(x, static_cast<int>(stream.uniform01() * 5));
    case 2:
      return cli::percent(x / 100);
    case 3:
      return std::to_string(static_cast<long long>(stream.uniform01() * 1e6));
    default:
      return texts[static_cast<std::size_t>(stream.uniform01() * std::size(texts)) %
                   std::size(texts)];
  }
}

}  // namespace

TEST_CASE("cli format: fixed, general and percent print what the fmt-based formatter printed") {
  for (double x : varied_values(5000)) {
    CAPTURE(x);
    for (int significant : {1, 3, 4, 5, 6, 10, 17}) {
      CAPTURE(significant);
      CHECK(cli::general(x, significant) == reference_general(x, significant));
    }
    for (int digits : {0, 1, 2, 3, 4}) {
      CAPTURE(digits);
      CHECK(cli::fixed(x, digits) == reference_fixed(x, digits));
    }
    CHECK(cli::percent(x) == reference_fixed(100.0 * x, 1));
    const std::string g = cli::general(x, 10);
    CHECK(g.find("nan") == std::string::npos);
    CHECK(g.find("inf") == std::string::npos);
  }
  CHECK(cli::general(-0.0, 5) == "0");
  CHECK(cli::fixed(-0.0, 3) == "0.000");
  CHECK(cli::fixed(-0.0004, 3) == "0.000");
  CHECK(cli::general(std::numeric_limits<double>::infinity(), 5) == "n/a");
}

TEST_CASE("cli format: one-pass Table prints byte for byte what the string-row Table printed") {
  const std::vector<double> values = varied_values(500);
  tpeval::solver::des::RandomStream stream(16, "table_format_test.tables");
  for (int trial = 0; trial < 120; ++trial) {
    CAPTURE(trial);
    const std::size_t columns = 1 + static_cast<std::size_t>(stream.uniform01() * 12);
    // Trial 0 is longer than one 64 KiB output block.
    const std::size_t rows = trial == 0 ? 2000 : static_cast<std::size_t>(stream.uniform01() * 30);
    std::vector<std::string> headers;
    for (std::size_t c = 0; c < columns; ++c)
      headers.push_back(c % 3 == 2 ? "" : "h" + std::string(c % 5, 'x') + std::to_string(c));
    cli::Table table(headers);
    ReferenceTable reference(headers);
    std::vector<std::vector<std::string>> all_rows;  // as given, shorter or longer than headers
    // Columns lean to numbers or to text so that both alignments and ties occur.
    std::vector<double> text_share(columns);
    for (auto& share : text_share) share = stream.uniform01();
    for (std::size_t r = 0; r < rows; ++r) {
      // Rows shorter and longer than the headers are padded with empty cells or cut.
      const double length_draw = stream.uniform01();
      const std::size_t length = length_draw < 0.1   ? columns / 2
                                 : length_draw < 0.2 ? columns + 2
                                                     : columns;
      std::vector<std::string> row;
      for (std::size_t c = 0; c < length; ++c) {
        const bool text = c < columns && stream.uniform01() < text_share[c];
        std::string cell = random_cell(stream, values);
        if (text && !cell.empty() && stream.uniform01() < 0.5) cell = "t" + cell;
        row.push_back(cell);
      }
      if (row.size() >= 4 && stream.uniform01() < 0.5) {
        // The braced-list form the commands use (cells as string_views of temporaries).
        table.add_row({row[0], std::string_view(row[1]), std::string(row[2]), row[3].c_str()});
        row.resize(4);
        reference.add_row(row);
      } else {
        table.add_row(row);
        reference.add_row(row);
      }
      all_rows.push_back(row);
    }
    std::ostringstream got, want, generated;
    table.print(got, trial % 4 == 0 ? "" : "Title " + std::to_string(trial));
    reference.print(want, trial % 4 == 0 ? "" : "Title " + std::to_string(trial));
    CHECK(got.str() == want.str());
    // The same rows produced on demand (the station tables of `tpeval solve`).
    cli::print_generated_table(generated, trial % 4 == 0 ? "" : "Title " + std::to_string(trial),
                               headers, all_rows.size(), [&](std::size_t r, cli::RowCells& cells) {
                                 for (const auto& cell : all_rows[r]) cells.add(cell);
                               });
    CHECK(generated.str() == want.str());
    for (std::size_t keys : {0, 1, 2, 20})
      for (std::size_t width : {10, 40, 100}) {
        CAPTURE(keys);
        CAPTURE(width);
        std::ostringstream wrapped_got, wrapped_want;
        table.print_wrapped(wrapped_got, trial % 3 ? "Wrapped" : "", keys, width);
        reference.print_wrapped(wrapped_want, trial % 3 ? "Wrapped" : "", keys, width);
        CHECK(wrapped_got.str() == wrapped_want.str());
      }
    std::ostringstream csv_got, csv_want;
    table.print_csv(csv_got);
    reference.print_csv(csv_want);
    CHECK(csv_got.str() == csv_want.str());
    CHECK(table.empty() == (rows == 0));
  }
}

TEST_CASE("cli format: CsvWriter writes the rows Table::print_csv writes, quoting alike") {
  const std::vector<double> values = varied_values(200);
  tpeval::solver::des::RandomStream stream(16, "table_format_test.csv");
  const std::vector<std::string> headers = {"section", "class", "station", "metric", "value"};
  ReferenceTable reference(headers);
  std::ostringstream got;
  {
    cli::CsvWriter csv(got, {"section", "class", "station", "metric", "value"});
    for (int r = 0; r < 3000; ++r) {
      std::vector<std::string> row;
      for (std::size_t c = 0; c < headers.size(); ++c) row.push_back(random_cell(stream, values));
      if (r % 2) {
        csv.add_row(row);
      } else {
        csv.add_row({row[0], row[1], std::string_view(row[2]), row[3], std::string(row[4])});
      }
      reference.add_row(row);
    }
  }  // the writer hands its last block to the stream when it goes out of scope
  std::ostringstream want;
  reference.print_csv(want);
  CHECK(got.str() == want.str());
  CHECK(got.str().size() > 64 * 1024);  // more than one block was written
}
