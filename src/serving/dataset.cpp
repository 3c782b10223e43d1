#include "serving/dataset.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <memory>
#include <set>
#include <string_view>

namespace cicada::serving {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// Splits one CSV line into cells. Double-quoted cells may hold commas and "" for a quote; a quoted cell
// cannot span lines. Returns false on an unterminated quote.
bool split_cells(std::string_view line, std::vector<std::string>& cells) {
  cells.clear();
  std::string cell;
  bool quoted = false;
  bool was_quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quoted) {
      if (c == '"') {
        if (i + 1 < line.size() && line[i + 1] == '"') {
          cell += '"';
          ++i;
        } else {
          quoted = false;
        }
      } else {
        cell += c;
      }
    } else if (c == '"' && trim(cell).empty() && !was_quoted) {
      cell.clear();
      quoted = was_quoted = true;
    } else if (c == ',') {
      cells.emplace_back(was_quoted ? cell : std::string(trim(cell)));
      cell.clear();
      was_quoted = false;
    } else {
      cell += c;
    }
  }
  if (quoted) return false;
  cells.emplace_back(was_quoted ? cell : std::string(trim(cell)));
  return true;
}

bool blank(std::string_view line) { return trim(line).empty(); }

// A finite decimal number (leading '+' allowed); false otherwise.
bool parse_number(std::string_view s, double& out) {
  s = trim(s);
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  if (s.empty()) return false;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size() && std::isfinite(out);
}

// The lines of a file, read 1 MiB at a time: the file is never held whole (a 200 MB CSV used to be read
// into a stringstream and copied to a string, 400 MB before the first row was parsed). A line is a view
// into the buffer, valid until the next call; it has no '\n'.
class LineReader {
 public:
  explicit LineReader(std::FILE* file) : file_(file) {}

  bool next(std::string_view& line) {
    for (;;) {
      const std::size_t nl = buffer_.find('\n', pos_);
      if (nl != std::string::npos) {
        line = std::string_view(buffer_).substr(pos_, nl - pos_);
        pos_ = nl + 1;
        return true;
      }
      if (eof_) {
        if (pos_ >= buffer_.size()) return false;
        line = std::string_view(buffer_).substr(pos_);
        pos_ = buffer_.size();
        return true;
      }
      buffer_.erase(0, pos_);  // the partial line moves to the front; the next chunk follows it
      pos_ = 0;
      const std::size_t kept = buffer_.size();
      buffer_.resize(kept + kChunk);
      const std::size_t got = std::fread(buffer_.data() + kept, 1, kChunk, file_);
      buffer_.resize(kept + got);
      bytes_ += got;
      eof_ = got == 0;
    }
  }
  // Bytes read from the file so far (for progress).
  std::uint64_t bytes() const { return bytes_; }

 private:
  static constexpr std::size_t kChunk = 1 << 20;
  std::FILE* file_;
  std::string buffer_;
  std::size_t pos_ = 0;
  std::uint64_t bytes_ = 0;
  bool eof_ = false;
};

// Newlines in a regular file (a first pass, so the rows' storage is allocated once at its final size
// instead of growing by doubling: up to twice the memory, and three times while it moves); 0 for
// anything else (a pipe can be read once only).
std::size_t count_lines(const std::filesystem::path& file) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec)) return 0;
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(file.c_str(), "rb"), &std::fclose);
  if (!f) return 0;
  std::vector<char> chunk(1 << 20);
  std::size_t lines = 1;
  while (const std::size_t got = std::fread(chunk.data(), 1, chunk.size(), f.get()))
    lines += static_cast<std::size_t>(std::count(chunk.data(), chunk.data() + got, '\n'));
  return lines;
}

std::string shown(std::string_view cell) {
  constexpr std::size_t kMax = 40;
  if (cell.size() <= kMax) return fmt::format("\"{}\"", cell);
  return fmt::format("\"{}...\"", cell.substr(0, kMax));
}

}  // namespace

DatasetSpec DatasetSpec::heart_disease() {
  return DatasetSpec{{"age", "trestbps", "chol", "fbs", "thalach", "exang", "oldpeak"},
                     {"sex", "cp", "restecg", "ca", "slope", "thal"},
                     "target"};
}

Result<void> DatasetSpec::validate() const {
  std::set<std::string> seen;
  if (label.empty()) return make_error("the label column name is empty");
  if (numeric.empty() && categorical.empty()) return make_error("no feature columns given");
  for (const auto* list : {&numeric, &categorical}) {
    for (const auto& name : *list) {
      if (name.empty()) return make_error("an empty column name in the feature lists");
      if (!seen.insert(name).second) return make_error(fmt::format("column \"{}\" is listed twice", name));
      if (name == label)
        return make_error(fmt::format("column \"{}\" is both a feature and the label", name));
    }
  }
  return {};
}

Result<Dataset> read_csv(const std::filesystem::path& file, const DatasetSpec& spec, Progress* progress) {
  const std::string src = file.string();
  if (auto ok = spec.validate(); !ok) return make_error(fmt::format("{}: {}", src, ok.error().message));
  std::error_code ec;
  if (std::filesystem::is_directory(file, ec))
    return make_error(fmt::format("{}: is a directory, not a CSV file", src));
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> in(std::fopen(file.c_str(), "rb"), &std::fclose);
  if (!in) return make_error(fmt::format("{}: cannot open: {}", src, std::strerror(errno)));
  const std::uintmax_t file_bytes = std::filesystem::file_size(file, ec);
  const double file_mb = ec ? 0.0 : static_cast<double>(file_bytes) / 1e6;
  const std::size_t line_estimate = count_lines(file);
  LineReader reader(in.get());
  if (progress != nullptr) progress->start(fmt::format("reading {}", src));

  Dataset d;
  d.source = src;
  for (const auto& n : spec.numeric) {
    d.names.push_back(n);
    d.kinds.push_back(FieldKind::kNumeric);
  }
  for (const auto& n : spec.categorical) {
    d.names.push_back(n);
    d.kinds.push_back(FieldKind::kCategorical);
  }
  const std::size_t nf = d.names.size();
  d.values.reserve(line_estimate * nf);
  d.labels.reserve(line_estimate);
  d.lines.reserve(line_estimate);

  std::size_t line_no = 0;
  auto next_line = [&](std::string_view& line) {
    if (!reader.next(line)) return false;
    if (++line_no == 1 && line.substr(0, 3) == "\xEF\xBB\xBF") line.remove_prefix(3);
    return true;
  };

  std::string_view line;
  bool have_header = false;
  while (next_line(line)) {
    if (!blank(line)) {
      have_header = true;
      break;
    }
  }
  if (!have_header)
    return make_error(fmt::format("{}:1: empty file: expected a header row naming the columns", src));

  std::vector<std::string> cells;
  if (!split_cells(line, cells))
    return make_error(fmt::format("{}:{}: unterminated quote in the header", src, line_no));
  const std::size_t header_line = line_no;
  const std::size_t ncells = cells.size();
  std::vector<std::string> header = cells;
  auto column_of = [&](const std::string& name) -> Result<std::size_t> {
    std::size_t found = header.size();
    for (std::size_t i = 0; i < header.size(); ++i) {
      if (header[i] != name) continue;
      if (found != header.size()) {
        return make_error(
            fmt::format("{}:{}:{}: column appears twice in the header", src, header_line, name));
      }
      found = i;
    }
    if (found == header.size()) {
      return make_error(fmt::format("{}:{}:{}: column not found in the header", src, header_line, name));
    }
    return found;
  };
  std::vector<std::size_t> columns;
  for (const auto& name : d.names) {
    auto c = column_of(name);
    if (!c) return c.error();
    columns.push_back(*c);
  }
  auto label_column = column_of(spec.label);
  if (!label_column) return label_column.error();

  while (next_line(line)) {
    if (blank(line)) continue;
    if (!split_cells(line, cells)) return make_error(fmt::format("{}:{}: unterminated quote", src, line_no));
    if (cells.size() != ncells) {
      // Name the first column that is missing (or the first extra cell).
      std::string where = cells.size() < ncells ? header[cells.size()] : fmt::format("column {}", ncells + 1);
      return make_error(fmt::format("{}:{}:{}: expected {} cells like the header, found {}", src, line_no,
                                    where, ncells, cells.size()));
    }
    for (std::size_t f = 0; f < nf; ++f) {
      const std::string& cell = cells[columns[f]];
      double v = std::numeric_limits<double>::quiet_NaN();
      if (!blank(cell) && !parse_number(cell, v)) {
        return make_error(fmt::format("{}:{}:{}: not a number: {}", src, line_no, d.names[f], shown(cell)));
      }
      d.values.push_back(v);
    }
    const std::string& label_cell = cells[*label_column];
    double y = 0;
    if (!parse_number(label_cell, y) || (y != 0 && y != 1)) {
      return make_error(fmt::format("{}:{}:{}: label must be 0 or 1, found {}", src, line_no, spec.label,
                                    shown(label_cell)));
    }
    d.labels.push_back(static_cast<float>(y));
    d.lines.push_back(line_no);
    if (progress != nullptr && (d.rows() & 0xFFFF) == 0 && progress->due()) {
      progress->line(fmt::format("{} rows, {:.1f} of {:.1f} MB", d.rows(),
                                 static_cast<double>(reader.bytes()) / 1e6, file_mb));
    }
  }
  if (progress != nullptr) progress->end(fmt::format("{} rows, {:.1f} MB", d.rows(), file_mb));
  if (d.rows() == 0) {
    return make_error(fmt::format("{}:{}: no data rows after the header", src, header_line + 1));
  }
  // A numeric column with no value has no median, mean or range to learn: it used to train with an accept
  // range of [0, 0], so the served model refused every real value of it.
  for (std::size_t f = 0; f < spec.numeric.size(); ++f) {
    bool any = false;
    for (std::size_t r = 0; r < d.rows() && !any; ++r) any = !std::isnan(d.row(r)[f]);
    if (!any) {
      return make_error(fmt::format("{}:{}:{}: numeric column has no value in any row (every cell is empty)",
                                    src, header_line, d.names[f]));
    }
  }
  return d;
}

InputSchema schema_of(const Dataset& data) {
  InputSchema schema;
  const std::size_t nf = data.fields();
  for (std::size_t f = 0; f < nf; ++f) {
    FieldSchema field;
    field.name = data.names[f];
    field.kind = data.kinds[f];
    double lo = std::numeric_limits<double>::infinity(), hi = -lo;
    std::vector<double> seen;
    for (std::size_t r = 0; r < data.rows(); ++r) {
      double v = data.row(r)[f];
      if (std::isnan(v)) continue;
      lo = std::min(lo, v);
      hi = std::max(hi, v);
      if (field.kind == FieldKind::kCategorical) seen.push_back(v);
    }
    if (lo > hi) lo = hi = 0;  // no value at all: the field is always missing
    field.observed_min = lo;
    field.observed_max = hi;
    if (field.kind == FieldKind::kNumeric) set_accept_range(field);
    std::sort(seen.begin(), seen.end());
    seen.erase(std::unique(seen.begin(), seen.end()), seen.end());
    field.categories = std::move(seen);
    schema.fields.push_back(std::move(field));
  }
  return schema;
}

}  // namespace cicada::serving
