#pragma once
// The one error format of the model API: {"error": "...", "fields": {"<field>": "<what is wrong>", ...}}.
// Every 4xx names each offending field, so a client can fix its request without reading server logs.
#include <string>
#include <utility>
#include <vector>

#include "http/server/server_types.hpp"

namespace cicada::serving {

struct ApiError {
  int status = 400;
  std::string message;
  std::vector<std::pair<std::string, std::string>> fields;  // (field, problem), in the order found

  void add(std::string field, std::string problem) {
    fields.emplace_back(std::move(field), std::move(problem));
  }
};

// Fills out with status, application/json and the error body.
void write_error(http::ServerResponse& out, const ApiError& error);

// The Content-Type check shared by every POST route: "application/json" with optional parameters
// ("; charset=utf-8"), case-insensitive. Returns false and writes a 415 when it is something else.
bool require_json_content_type(std::string_view content_type, http::ServerResponse& out);

}  // namespace cicada::serving
