#include "scenario/yaml_requests.hpp"

#include <algorithm>
#include <array>
#include <cctype>

#include "base/ascii.hpp"
#include "base/token_counting.hpp"
#include "scenario/url_encode.hpp"
#include "scenario/yaml_grpc.hpp"
#include "scenario/yaml_json.hpp"

namespace cicada::scenario {

namespace {

constexpr std::array<std::string_view, 7> kVerbs = {"get",    "post", "put",    "patch",
                                                    "delete", "head", "options"};

std::string upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

std::string scalar_text(const YamlContext& ctx, const YAML::Node& node, std::string_view what) {
  return ctx.string(node, what);
}

}  // namespace

std::vector<std::pair<std::string, std::string>> parse_headers(const YamlContext& ctx,
                                                               const YAML::Node& node) {
  ctx.require_map(node, "headers");
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& entry : node) {
    std::string name = ctx.string(entry.first, "a header name");
    for (const auto& [existing, value] : out) {
      if (equals_nocase(existing, name))
        ctx.fail(entry.first.Mark(), "each header once", "\"" + name + "\" again");
    }
    out.emplace_back(std::move(name), scalar_text(ctx, entry.second, "a header value"));
  }
  return out;
}

std::chrono::milliseconds parse_request_timeout(const YamlContext& ctx, const YAML::Node& node) {
  const auto t = ctx.duration(node, "a timeout (500ms, 2s)");
  if (t < std::chrono::milliseconds(1)) ctx.fail(node, "a timeout of 1ms or more");
  return std::chrono::duration_cast<std::chrono::milliseconds>(t);
}

Checks parse_checks(const YamlContext& ctx, const YAML::Node& node) {
  ctx.require_keys(node, "check", {"status", "body_contains", "json", "json_has", "max_latency", "message"});
  Checks checks;
  if (auto status = YamlContext::find(node, "status")) {
    auto add = [&](const YAML::Node& n) {
      auto code = ctx.integer(n, "an HTTP status code");
      if (code < 100 || code > 599) ctx.fail(n, "an HTTP status code (100 to 599)");
      checks.statuses.push_back(static_cast<int>(code));
    };
    if (status->IsSequence() && status->size() > 0) {
      for (const auto& item : *status) add(item);
    } else if (status->IsScalar()) {
      add(*status);
    } else {
      ctx.fail(*status, "a status code or a list of status codes");
    }
  }
  if (auto contains = YamlContext::find(node, "body_contains")) {
    checks.body_contains = ctx.strings(*contains, "body_contains");
  }
  if (auto json = YamlContext::find(node, "json")) {
    if (!json->IsMap() || json->size() == 0)
      ctx.fail(*json, "a mapping of JSON field paths to expected values");
    for (const auto& entry : *json) {
      if (!entry.second.IsScalar() && !entry.second.IsNull()) {
        ctx.fail(entry.second, "a scalar expected value (use json_has to only require presence)");
      }
      JsonCheck c;
      c.path = ctx.string(entry.first, "a JSON field path");
      c.pointer = json_pointer_from_path(c.path);
      c.equals = entry.second.IsNull() ? JsonScalar{} : classify_scalar(entry.second);
      checks.json.push_back(std::move(c));
    }
  }
  if (auto has = YamlContext::find(node, "json_has")) {
    for (auto& path : ctx.strings(*has, "json_has")) {
      JsonCheck c;
      c.pointer = json_pointer_from_path(path);
      c.path = std::move(path);
      checks.json.push_back(std::move(c));
    }
  }
  if (auto latency = YamlContext::find(node, "max_latency")) {
    checks.max_latency = ctx.duration(*latency, "max_latency");
  }
  if (auto message = YamlContext::find(node, "message"))
    checks.message_prefix = ctx.string(*message, "message");
  return checks;
}

RequestPlan parse_request(const YamlContext& ctx, const YAML::Node& node, const PayloadTable& payloads) {
  if (node.IsMap() && YamlContext::find(node, "grpc")) return parse_grpc_request(ctx, node, payloads);
  ctx.require_keys(node, "a request",
                   {"get",     "post",  "put",     "patch",           "delete",        "head", "options",
                    "method",  "path",  "name",    "query",           "headers",       "json", "body",
                    "payload", "check", "timeout", "allow_redirects", "stream_tokens", "grpc"});
  RequestPlan plan;
  std::optional<YAML::Node> path_node;
  for (auto verb : kVerbs) {
    auto found = YamlContext::find(node, verb);
    if (!found) continue;
    if (path_node)
      ctx.fail(found->Mark(), "one method per request (a list item per request)",
               "\"" + std::string(verb) + "\" too");
    plan.method = upper(std::string(verb));
    path_node = found;
  }
  auto method = YamlContext::find(node, "method");
  auto path = YamlContext::find(node, "path");
  if (path_node && (method || path)) {
    ctx.fail((method ? *method : *path).Mark(), "either `METHOD: PATH` or `method:` with `path:`", "both");
  }
  if (!path_node) {
    if (!path) ctx.fail(node.Mark(), "a path (`get: /health`, or `method:` and `path:`)", "no path");
    path_node = path;
    plan.method = method ? upper(ctx.string(*method, "an HTTP method")) : "GET";
    bool known = false;
    for (auto verb : kVerbs) known = known || upper(std::string(verb)) == plan.method;
    if (!known) ctx.fail(*method, "an HTTP method (GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS)");
  }
  plan.target = ctx.string(*path_node, "a path");
  if (plan.target.empty() || (plan.target[0] != '/' && plan.target.rfind("http://", 0) != 0 &&
                              plan.target.rfind("https://", 0) != 0)) {
    ctx.fail(*path_node, "a path starting with / or an http(s):// URL");
  }
  if (auto query = YamlContext::find(node, "query")) {
    ctx.require_map(*query, "query");
    std::vector<std::pair<std::string, std::string>> params;
    for (const auto& entry : *query) {
      params.emplace_back(ctx.string(entry.first, "a query parameter name"),
                          ctx.string(entry.second, "a query parameter value"));
    }
    plan.target = append_query(std::move(plan.target), params);
  }
  if (auto name = YamlContext::find(node, "name")) plan.name = ctx.string(*name, "a stats name");
  // Per-request client settings, as Locust's timeout= and allow_redirects= (the run's flags otherwise).
  if (auto timeout = YamlContext::find(node, "timeout")) plan.timeout = parse_request_timeout(ctx, *timeout);
  if (auto redirects = YamlContext::find(node, "allow_redirects"))
    plan.follow_redirects = ctx.boolean(*redirects, "true or false");
  // This request's streamed responses count tokens by their own rule, the syntax of --stream-tokens.
  if (auto tokens = YamlContext::find(node, "stream_tokens")) {
    auto counting = TokenCounting::parse(ctx.string(*tokens, "a token counting rule"));
    if (!counting) ctx.fail(*tokens, "event or json:POINTER (e.g. json:/choices/0/delta/content)");
    plan.stream_tokens = counting->text();
  }

  int bodies = 0;
  if (auto json = YamlContext::find(node, "json")) {
    append_yaml_as_json(ctx, *json, plan.body);
    plan.content_type = "application/json";
    ++bodies;
  }
  if (auto body = YamlContext::find(node, "body")) {
    plan.body = ctx.string(*body, "a raw body (a string)");
    ++bodies;
  }
  if (auto payload = YamlContext::find(node, "payload")) {
    auto name = ctx.string(*payload, "a payload name");
    auto found = payloads.find(name);
    if (found == payloads.end()) {
      std::string known;
      for (const auto& [n, g] : payloads) known += (known.empty() ? "" : ", ") + n;
      ctx.fail(*payload, "the name of a payload defined under payloads (" +
                             (known.empty() ? "none defined" : known) + ")");
    }
    plan.payload = found->second;
    plan.content_type = "application/json";
    ++bodies;
  }
  if (bodies > 1) ctx.fail(node.Mark(), "at most one of json, body and payload", std::to_string(bodies));

  if (auto headers = YamlContext::find(node, "headers")) {
    for (auto& [name, value] : parse_headers(ctx, *headers)) {
      // Content-Type travels in RequestOptions::content_type so the client never sends it twice.
      if (equals_nocase(name, "content-type"))
        plan.content_type = std::move(value);
      else
        plan.header_values.emplace_back(std::move(name), std::move(value));
    }
  }
  if (auto check = YamlContext::find(node, "check")) plan.checks = parse_checks(ctx, *check);
  return plan;
}

std::shared_ptr<RequestSequence> parse_sequence(const YamlContext& ctx, const YAML::Node& node,
                                                const PayloadTable& payloads, std::string_view what) {
  if (!node.IsSequence() || node.size() == 0)
    ctx.fail(node, std::string(what) + " (a non-empty list of requests)");
  auto sequence = std::make_shared<RequestSequence>();
  for (const auto& item : node) sequence->requests.push_back(parse_request(ctx, item, payloads));
  sequence->finalize();
  return sequence;
}

}  // namespace cicada::scenario
