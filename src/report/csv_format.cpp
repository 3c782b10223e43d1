#include "report/csv_format.hpp"

#include <fmt/format.h>

#include <cmath>

namespace cicada::report {

std::string csv_field(std::string_view field) {
  if (field.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(field);
  std::string out;
  out.reserve(field.size() + 2);
  out.push_back('"');
  for (char c : field) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

void append_csv_row(std::string& out, std::initializer_list<std::string_view> fields) {
  bool first = true;
  for (auto f : fields) {
    if (!first) out.push_back(',');
    first = false;
    out += csv_field(f);
  }
  out += "\r\n";
}

void append_csv_row(std::string& out, const std::vector<std::string>& fields) {
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i) out.push_back(',');
    out += csv_field(fields[i]);
  }
  out += "\r\n";
}

std::string ms_compact(std::int64_t us) {
  const char* sign = us < 0 ? "-" : "";
  const std::int64_t a = us < 0 ? -us : us;
  const std::int64_t whole = a / 1000, frac = a % 1000;
  if (frac == 0) return fmt::format("{}{}", sign, whole);
  std::string digits = fmt::format("{:03d}", frac);
  while (digits.back() == '0') digits.pop_back();
  return fmt::format("{}{}.{}", sign, whole, digits);
}

std::string ms_decimal(std::int64_t us) {
  std::string s = ms_compact(us);
  if (s.find('.') == std::string::npos) s += ".0";
  return s;
}

std::string py_float(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v < 0 ? "-inf" : "inf";
  std::string s = fmt::format("{}", v);  // fmt's default is the shortest round-trip form, like repr()
  if (s.find_first_of(".eE") == std::string::npos) s += ".0";
  return s;
}

std::string ms_float(double us) { return py_float(us / 1000.0); }

std::string fixed6(double v) { return fmt::format("{:.6f}", v); }

}  // namespace cicada::report
