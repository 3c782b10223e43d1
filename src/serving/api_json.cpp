#include "serving/api_json.hpp"

#include <fmt/format.h>

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <vector>

namespace cicada::serving {

simdjson::error_code parse_json(std::string_view text, simdjson::dom::element& out) {
  // simdjson reads up to SIMDJSON_PADDING bytes past the end: copy into a padded per-thread buffer
  // rather than letting the parser allocate a padded copy on every call.
  thread_local simdjson::dom::parser parser;
  thread_local std::vector<char> padded;
  if (padded.size() < text.size() + simdjson::SIMDJSON_PADDING)
    padded.resize(text.size() + simdjson::SIMDJSON_PADDING);
  std::copy(text.begin(), text.end(), padded.begin());
  return parser.parse(padded.data(), text.size(), false).get(out);
}

bool read_number(simdjson::dom::element value, double& number, std::string& problem) {
  using simdjson::dom::element_type;
  switch (value.type()) {
    case element_type::INT64:
    case element_type::UINT64:
    case element_type::DOUBLE:
      number = value.get_double().value_unsafe();
      if (std::isfinite(number)) return true;
      problem = "must be a finite number";
      return false;
    case element_type::NULL_VALUE:
      problem = "must not be null";
      return false;
    case element_type::STRING:
      problem = "must be a number, got a string";
      return false;
    case element_type::BOOL:
      problem = "must be a number, got a boolean";
      return false;
    case element_type::ARRAY:
      problem = "must be a number, got an array";
      return false;
    case element_type::OBJECT:
      problem = "must be a number, got an object";
      return false;
  }
  problem = "must be a number";
  return false;
}

std::string check_field_value(const FieldSchema& field, double v) {
  if (field.kind == FieldKind::kCategorical) return {};
  if (v < field.accept_min || v > field.accept_max) {
    return fmt::format("out of range [{:g}, {:g}]", field.accept_min, field.accept_max);
  }
  return {};
}

namespace {

std::size_t skip_space(std::string_view t, std::size_t i) {
  while (i < t.size() && std::isspace(static_cast<unsigned char>(t[i]))) ++i;
  return i;
}

// Index just past the string starting at the quote at i (or the end); its raw content into text.
std::size_t read_string(std::string_view t, std::size_t i, std::string& text) {
  text.clear();
  for (++i; i < t.size() && t[i] != '"'; ++i) {
    if (t[i] == '\\' && i + 1 < t.size()) ++i;
    text.push_back(t[i]);
  }
  return i < t.size() ? i + 1 : i;
}

}  // namespace

void name_non_json_numbers(std::string_view t, ApiError& error) {
  std::string key = "(value)";
  std::string text;
  std::size_t i = 0;
  while (i < t.size()) {
    if (t[i] == '"') {
      i = skip_space(t, read_string(t, i, text));
      if (i < t.size() && t[i] == ':') key = text;  // the ':' itself is read next, as a value start
      continue;
    }
    bool value_start = t[i] == ':' || t[i] == '[' || t[i] == ',';
    ++i;
    if (!value_start) continue;
    std::size_t v = skip_space(t, i);
    if (v >= t.size()) break;
    char c = t[v];
    bool letters =
        std::isalpha(static_cast<unsigned char>(c)) ||
        ((c == '-' || c == '+') && v + 1 < t.size() && std::isalpha(static_cast<unsigned char>(t[v + 1])));
    if (letters) {
      std::size_t end = v;
      while (end < t.size() &&
             (std::isalnum(static_cast<unsigned char>(t[end])) || t[end] == '-' || t[end] == '+'))
        ++end;
      std::string_view token = t.substr(v, end - v);
      if (token != "true" && token != "false" && token != "null") {
        error.add(key, fmt::format("must be a finite number ({} is not JSON)", token));
      }
      i = end;
    } else if (std::isdigit(static_cast<unsigned char>(c)) || c == '-' || c == '+') {
      std::string number(t.substr(v, std::min<std::size_t>(64, t.size() - v)));
      char* end = nullptr;
      double d = std::strtod(number.c_str(), &end);
      if (!std::isfinite(d)) error.add(key, "number too large for a double");
      i = v + static_cast<std::size_t>(end - number.c_str());
      if (i == v) i = v + 1;
    }
  }
}

ApiError malformed_json_error(std::string_view text, simdjson::error_code code) {
  ApiError e{400, fmt::format("malformed JSON: {}", simdjson::error_message(code)), {}};
  name_non_json_numbers(text, e);
  return e;
}

}  // namespace cicada::serving
