#pragma once
// The one error format of the model API: {"error": "...", "fields": {"<field>": "<what is wrong>", ...}}.
// Every 4xx names each offending field, so a client can fix its request without reading server logs.
//
// An error body is bounded whatever the request: at most kMaxFields entries (the rest are only counted,
// as "more_fields": N), and every echoed name or problem is cut to a few hundred bytes. Without the caps a
// 120 KB request ({"<100 KB key>": [NaN x 5000]}) produced a 500 MB answer.
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/server/server_types.hpp"

namespace cicada::serving {

struct ApiError {
  static constexpr std::size_t kMaxFields = 50;         // entries in "fields"; more are counted
  static constexpr std::size_t kMaxNameBytes = 128;     // an echoed field name (or key) is cut here
  static constexpr std::size_t kMaxProblemBytes = 256;  // a problem text (it may echo a value) is cut here

  int status = 400;
  std::string message;
  std::vector<std::pair<std::string, std::string>> fields;  // (field, problem), in the order found
  std::size_t more_fields = 0;  // problems not listed: past kMaxFields, or a listed field's problem again

  // Records one problem; one for a field already named joins its problems ("a; b", each once, within
  // kMaxProblemBytes); past kMaxFields a new field is only counted, so callers may add per value of a huge
  // body.
  void add(std::string_view field, std::string_view problem);
  // True once further problems would only be counted: callers skip building their names.
  bool full() const { return fields.size() >= kMaxFields; }
  // Whether any problem was found (counted ones included).
  bool any() const { return !fields.empty() || more_fields > 0; }
};

// Fills out with status, application/json and the error body.
void write_error(http::ServerResponse& out, const ApiError& error);

// The Content-Type check shared by every POST route: "application/json" with optional parameters
// ("; charset=utf-8"), case-insensitive. Returns false and writes a 415 when it is something else.
bool require_json_content_type(std::string_view content_type, http::ServerResponse& out);

}  // namespace cicada::serving
