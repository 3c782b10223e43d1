#include "serving/api_errors.hpp"

#include <cctype>

#include "base/ascii.hpp"
#include "http/server/json_text.hpp"

namespace cicada::serving {

void ApiError::add(std::string_view field, std::string_view problem) {
  // "fields" is a JSON object: a field named twice (NaN in two rows of a batch, found by the text scan of
  // a malformed body) gets one key with both problems, where two keys would leave a parser the last only.
  const std::string name = http::clip_utf8(field, kMaxNameBytes);
  for (auto& [known, problems] : fields) {
    if (known != name) continue;
    const std::string more = http::clip_utf8(problem, kMaxProblemBytes);
    if (problems.find(more) == std::string::npos && problems.size() + 2 + more.size() <= kMaxProblemBytes)
      problems += "; " + more;
    else
      ++more_fields;  // said already (the same problem again), or no room: counted, as past kMaxFields
    return;
  }
  if (full()) {
    ++more_fields;
    return;
  }
  fields.emplace_back(name, http::clip_utf8(problem, kMaxProblemBytes));
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
