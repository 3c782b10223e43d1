#include "serving/api_json.hpp"

#include <fmt/format.h>

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <vector>

#include "http/server/json_text.hpp"

namespace cicada::serving {

namespace {

// The thread's parser and padded input copy: warm, they parse without allocating.
thread_local simdjson::dom::parser json_parser;
thread_local std::vector<char> json_padded;

}  // namespace

simdjson::error_code parse_json(std::string_view text, simdjson::dom::element& out) {
  // simdjson reads up to SIMDJSON_PADDING bytes past the end: copy into a padded per-thread buffer
  // rather than letting the parser allocate a padded copy on every call.
  if (json_padded.size() < text.size() + simdjson::SIMDJSON_PADDING)
    json_padded.resize(text.size() + simdjson::SIMDJSON_PADDING);
  std::copy(text.begin(), text.end(), json_padded.begin());
  return json_parser.parse(json_padded.data(), text.size(), false).get(out);
}

ThreadBufferTrim::~ThreadBufferTrim() {
  if (json_padded.capacity() > kKeepBytes) std::vector<char>().swap(json_padded);
  if (json_parser.capacity() > kKeepBytes) json_parser = simdjson::dom::parser{};
  if (values_ != nullptr && values_->capacity() * sizeof(double) > kKeepBytes)
    std::vector<double>().swap(*values_);
}

std::size_t thread_json_buffer_bytes() { return json_padded.capacity() + json_parser.capacity(); }

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
  if (field.kind == FieldKind::kCategorical) {
    if (field.has_category(v)) return {};
    // The categories a client may send, the first kShown of them (GET /v2/models/<name> lists them all).
    constexpr std::size_t kShown = 16;
    std::string problem = fmt::format("unknown category {:g}: expected one of ", v);
    for (std::size_t i = 0; i < field.categories.size() && i < kShown; ++i)
      fmt::format_to(std::back_inserter(problem), "{}{:g}", i == 0 ? "" : ", ", field.categories[i]);
    if (field.categories.size() > kShown)
      fmt::format_to(std::back_inserter(problem), " ({} in all)", field.categories.size());
    return problem;
  }
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

// Index just past the string starting at the quote at i (or the end); the first max_bytes of its raw
// content into text (a key is only ever echoed clipped, so a 100 KB key is not copied).
std::size_t read_string(std::string_view t, std::size_t i, std::string& text, std::size_t max_bytes) {
  text.clear();
  for (++i; i < t.size() && t[i] != '"'; ++i) {
    if (t[i] == '\\' && i + 1 < t.size()) ++i;
    if (text.size() <= max_bytes) text.push_back(t[i]);
  }
  return i < t.size() ? i + 1 : i;
}

// A JSON integer (no fraction, no exponent) that fits neither int64 nor uint64: simdjson rejects it.
bool integer_beyond_64_bits(std::string_view number) {
  if (number.empty() || number.find_first_of(".eE") != std::string_view::npos) return false;
  bool negative = number.front() == '-';
  if (number.front() == '-' || number.front() == '+') number.remove_prefix(1);
  while (number.size() > 1 && number.front() == '0') number.remove_prefix(1);
  if (number.empty()) return false;
  constexpr std::string_view kMaxUnsigned = "18446744073709551615";
  constexpr std::string_view kMaxNegative = "9223372036854775808";
  std::string_view limit = negative ? kMaxNegative : kMaxUnsigned;
  if (number.size() != limit.size()) return number.size() > limit.size();
  return number > limit;
}

}  // namespace

void name_non_json_numbers(std::string_view t, ApiError& error) {
  std::string key = "(value)";
  std::string text;
  std::size_t i = 0;
  while (i < t.size()) {
    if (t[i] == '"') {
      i = skip_space(t, read_string(t, i, text, ApiError::kMaxNameBytes));
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
        if (error.full()) {
          error.add({}, {});  // only counted: no text built for it
        } else {
          error.add(key, fmt::format("must be a finite number ({} is not JSON)",
                                     http::clip_utf8(token, ApiError::kMaxNameBytes)));
        }
      }
      i = end;
    } else if (std::isdigit(static_cast<unsigned char>(c)) || c == '-' || c == '+') {
      std::size_t end = v + 1;
      while (end < t.size() && (std::isdigit(static_cast<unsigned char>(t[end])) || t[end] == '.' ||
                                t[end] == 'e' || t[end] == 'E' || t[end] == '-' || t[end] == '+'))
        ++end;
      std::string_view token = t.substr(v, end - v);
      if (integer_beyond_64_bits(token)) {
        error.add(key, "integer beyond 64 bits");
      } else {
        std::string number(token);  // strtod tells overflow (inf) from underflow (0); from_chars does not
        if (!std::isfinite(std::strtod(number.c_str(), nullptr)))
          error.add(key, "number too large for a double");
      }
      i = end;
    }
  }
}

ApiError malformed_json_error(std::string_view text, simdjson::error_code code) {
  ApiError e{400, fmt::format("malformed JSON: {}", simdjson::error_message(code)), {}, 0};
  name_non_json_numbers(text, e);
  return e;
}

}  // namespace cicada::serving
