#include "support/csv_rows.hpp"

#include "support/child_process.hpp"

namespace cicada::testing {

CsvRows read_csv(const std::filesystem::path& p) {
  CsvRows rows;
  std::string text = read_file(p);
  std::vector<std::string> row;
  std::string field;
  bool quoted = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"')
        field += '"', ++i;
      else if (c == '"')
        quoted = false;
      else
        field += c;
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      row.push_back(field), field.clear();
    } else if (c == '\n') {
      row.push_back(field), field.clear();
      rows.push_back(row), row.clear();
    } else if (c != '\r') {
      field += c;
    }
  }
  if (!field.empty() || !row.empty()) row.push_back(field), rows.push_back(row);
  return rows;
}

const std::vector<std::string>* find_row(const CsvRows& rows, const std::string& type,
                                         const std::string& name) {
  for (const auto& r : rows) {
    if (r.size() > 2 && r[0] == type && r[1] == name) return &r;
  }
  return nullptr;
}

}  // namespace cicada::testing
