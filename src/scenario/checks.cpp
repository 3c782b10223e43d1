#include "scenario/checks.hpp"

#include <fmt/format.h>
#include <simdjson.h>

namespace cicada::scenario {

struct CheckRunner::JsonState {
  simdjson::dom::parser parser;
  std::string padded;  // the body copied with simdjson's padding, reused across responses
};

CheckRunner::CheckRunner() : json_(std::make_unique<JsonState>()) {}
CheckRunner::~CheckRunner() = default;

std::string json_pointer_from_path(std::string_view path) {
  if (!path.empty() && path.front() == '/') return std::string(path);
  std::string pointer = "/";
  for (char c : path) {
    if (c == '.')
      pointer.push_back('/');
    else if (c == '~')
      pointer.append("~0");
    else if (c == '/')
      pointer.append("~1");
    else
      pointer.push_back(c);
  }
  return pointer;
}

namespace {

bool equals(simdjson::dom::element actual, const JsonScalar& expected) {
  using K = JsonScalar::Kind;
  switch (expected.kind) {
    case K::kNull:
      return actual.is_null();
    case K::kBool: {
      bool b = false;
      return actual.get_bool().get(b) == simdjson::SUCCESS && b == expected.boolean;
    }
    case K::kInt:
    case K::kDouble: {
      std::int64_t i = 0;
      if (expected.kind == K::kInt && actual.get_int64().get(i) == simdjson::SUCCESS)
        return i == expected.integer;
      double d = 0;
      return actual.is_number() && actual.get_double().get(d) == simdjson::SUCCESS &&
             d == expected.as_double();
    }
    case K::kString: {
      std::string_view s;
      return actual.get_string().get(s) == simdjson::SUCCESS && s == expected.text;
    }
  }
  return false;
}

void append_status_list(std::string& out, const std::vector<int>& statuses) {
  for (std::size_t i = 0; i < statuses.size(); ++i) {
    if (i > 0) out.append(i + 1 == statuses.size() ? " or " : ", ");
    out.append(std::to_string(statuses[i]));
  }
}

}  // namespace

bool CheckRunner::check_json(const Checks& checks, std::string_view body) {
  auto& js = *json_;
  js.padded.reserve(body.size() + simdjson::SIMDJSON_PADDING);
  js.padded.assign(body);
  simdjson::dom::element root;
  if (js.parser.parse(js.padded.data(), js.padded.size(), false).get(root) != simdjson::SUCCESS) {
    message_.append("Body is not valid JSON");
    return false;
  }
  for (const auto& check : checks.json) {
    simdjson::dom::element field;
    if (root.at_pointer(check.pointer).get(field) != simdjson::SUCCESS) {
      fmt::format_to(std::back_inserter(message_), "JSON field \"{}\" missing", check.path);
      return false;
    }
    if (check.equals && !equals(field, *check.equals)) {
      std::string expected;
      append_scalar_json(expected, *check.equals);
      fmt::format_to(std::back_inserter(message_), "JSON field \"{}\" is {}, expected {}", check.path,
                     simdjson::minify(field), expected);
      return false;
    }
  }
  return true;
}

CheckOutcome CheckRunner::evaluate(const Checks& checks, const Response& response) {
  message_.clear();
  if (!checks.message_prefix.empty()) {
    message_.append(checks.message_prefix);
    message_.push_back(' ');
  }
  // Transport errors keep the client's own message (connection refused, timeout...), as Locust records
  // them whatever the check code would have said.
  if (!response.error().empty() || response.status() == 0) return CheckOutcome::kDefault;

  const int status = response.status();
  if (checks.statuses.empty()) {
    if (status >= 400) return CheckOutcome::kDefault;
  } else {
    bool found = false;
    for (int s : checks.statuses) found = found || s == status;
    if (!found) {
      message_.append("Expected status code ");
      append_status_list(message_, checks.statuses);
      fmt::format_to(std::back_inserter(message_), ", got {}", status);
      return CheckOutcome::kFail;
    }
  }
  const std::string_view body = response.text();
  for (const auto& needle : checks.body_contains) {
    if (body.find(needle) == std::string_view::npos) {
      fmt::format_to(std::back_inserter(message_), "Body does not contain \"{}\"", needle);
      return CheckOutcome::kFail;
    }
  }
  if (!checks.json.empty() && !check_json(checks, body)) return CheckOutcome::kFail;
  if (checks.max_latency && response.elapsed() > *checks.max_latency) {
    // One text per limit, not per measured value: failures are grouped by their text, and a row for every
    // 0.1 ms (86 in a probe's 4 s run) filled the entry's 100 distinct errors, folding a real 500 that came
    // later into "(other errors)". How late the responses were is in the percentiles.
    fmt::format_to(std::back_inserter(message_), "Latency above max {:g} ms",
                   static_cast<double>(checks.max_latency->count()) / 1000.0);
    return CheckOutcome::kFail;
  }
  return CheckOutcome::kPass;
}

void CheckRunner::apply(const Checks& checks, Response& response) {
  switch (evaluate(checks, response)) {
    case CheckOutcome::kPass:
      response.success();
      break;
    case CheckOutcome::kFail:
      response.failure(message_);
      break;
    case CheckOutcome::kDefault:
      break;  // the Response settles itself the default way when it goes
  }
}

}  // namespace cicada::scenario
