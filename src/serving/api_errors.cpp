#include "serving/api_errors.hpp"

#include <cctype>

#include "base/ascii.hpp"
#include "http/server/json_text.hpp"

namespace cicada::serving {

void ApiError::add(std::string_view field, std::string_view problem) {
  if (full()) {
    ++more_fields;
    return;
  }
  fields.emplace_back(http::clip_utf8(field, kMaxNameBytes), http::clip_utf8(problem, kMaxProblemBytes));
}

void write_error(http::ServerResponse& out, const ApiError& error) {
  out.status = error.status;
  out.content_type = "application/json";
  out.body = "{\"error\":";
  http::append_json_string(out.body, error.message);
  out.body += ",\"fields\":{";
  bool first = true;
  for (const auto& [field, problem] : error.fields) {
    if (!first) out.body += ',';
    first = false;
    http::append_json_string(out.body, field);
    out.body += ':';
    http::append_json_string(out.body, problem);
  }
  out.body += '}';
  if (error.more_fields > 0) {
    out.body += ",\"more_fields\":";
    out.body += std::to_string(error.more_fields);
  }
  out.body += '}';
}

bool require_json_content_type(std::string_view content_type, http::ServerResponse& out) {
  std::string_view media = content_type.substr(0, content_type.find(';'));
  while (!media.empty() && media.back() == ' ') media.remove_suffix(1);
  constexpr std::string_view kJson = "application/json";
  if (equals_nocase(media, kJson)) return true;
  ApiError e{415, "Content-Type must be application/json", {}, 0};
  e.add("Content-Type", content_type.empty() ? "missing" : "got " + std::string(content_type));
  write_error(out, e);
  return false;
}

}  // namespace cicada::serving
