#pragma once
// JSON input helpers shared by the model API routes (/predict and the v2 infer route): parsing with a
// per-thread simdjson parser (no allocation once warm), reading one field's number, and naming the fields
// of a document that does not even parse (NaN, Infinity).
#include <simdjson.h>

#include <string>
#include <string_view>
#include <vector>

#include "serving/api_errors.hpp"
#include "serving/schema.hpp"

namespace cicada::serving {

// Parses text with this thread's parser. out stays valid until the next parse_json on the same thread.
simdjson::error_code parse_json(std::string_view text, simdjson::dom::element& out);

// Releases, when it ends (once the handler is done with the parsed document), any per-thread buffer a
// large request grew past kKeepBytes: the JSON parser's and, when given, the handler's own row values.
// Otherwise one 1 MB batch would keep tens of MB per thread for the life of the server.
class ThreadBufferTrim {
 public:
  static constexpr std::size_t kKeepBytes = 256 * 1024;
  explicit ThreadBufferTrim(std::vector<double>* values = nullptr) : values_(values) {}
  ~ThreadBufferTrim();
  ThreadBufferTrim(const ThreadBufferTrim&) = delete;
  ThreadBufferTrim& operator=(const ThreadBufferTrim&) = delete;

 private:
  std::vector<double>* values_;
};

// Bytes this thread's JSON parser and padded input copy hold now (what ThreadBufferTrim bounds).
std::size_t thread_json_buffer_bytes();

// The number a field's value holds; on failure the problem in words ("must not be null", ...).
// Returns true when value is a finite number.
bool read_number(simdjson::dom::element value, double& number, std::string& problem);

// Empty when the field accepts v, else the problem: "out of range [0, 154]" for a numeric field,
// "unknown category 9: expected one of 0, 1, 2, 3" for a categorical one (docs/serving.md, "Input rules").
std::string check_field_value(const FieldSchema& field, double v);

// For a document simdjson rejected: adds a field error for each value that is a non-JSON token (NaN,
// Infinity) or a number too large for a double, keyed by the nearest preceding key. Cold path only.
void name_non_json_numbers(std::string_view text, ApiError& error);

// A parse failure as an ApiError (400) naming what can be named.
ApiError malformed_json_error(std::string_view text, simdjson::error_code code);

}  // namespace cicada::serving
