#pragma once
// Test helpers: a strict CSV reader (RFC 4180 with "\r\n" rows, as Python's csv module writes them) and
// file access for the golden files copied into tests/golden/locust-2.12/.
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace cicada::report::test {

using CsvRows = std::vector<std::vector<std::string>>;

inline CsvRows parse_csv(const std::string& text) {
  CsvRows rows;
  std::vector<std::string> row;
  std::string field;
  bool quoted = false, field_started = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field.push_back('"');
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field.push_back(c);
      }
    } else if (c == '"' && !field_started) {
      quoted = field_started = true;
    } else if (c == ',') {
      row.push_back(std::move(field));
      field.clear();
      field_started = false;
    } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      row.push_back(std::move(field));
      field.clear();
      field_started = false;
      rows.push_back(std::move(row));
      row.clear();
      ++i;
    } else if (c == '\n' || c == '\r' || c == '"') {
      throw std::runtime_error("bad CSV at byte " + std::to_string(i));
    } else {
      field.push_back(c);
      field_started = true;
    }
  }
  if (quoted || !field.empty() || !row.empty()) throw std::runtime_error("CSV does not end with \\r\\n");
  return rows;
}

inline std::string read_text(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw std::runtime_error("cannot read " + path);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

inline std::string golden_path(const std::string& file) {
  return std::string(CICADA_SOURCE_DIR) + "/tests/golden/locust-2.12/" + file;
}

inline std::string first_line(const std::string& text) { return text.substr(0, text.find("\r\n")); }

}  // namespace cicada::report::test
