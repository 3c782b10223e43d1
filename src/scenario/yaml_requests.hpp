#pragma once
// Requests and checks as written in a scenario file:
//
//   - post: /predict                 # or: method: POST + path: /predict
//     name: /predict (invalid)       # stats entry name
//     query: {verbose: 1}            # URL-encoded and appended to the path
//     headers: {X-Trace: abc}
//     payload: heart_missing         # or json: {...} or body: "raw text"
//     check: {status: 400, body_contains: error, json: {error: ...}, json_has: [detail], max_latency: 200ms}
#include <yaml-cpp/yaml.h>

#include <memory>

#include "scenario/request_plan.hpp"
#include "scenario/yaml_context.hpp"
#include "scenario/yaml_payloads.hpp"

namespace cicada::scenario {

Checks parse_checks(const YamlContext& ctx, const YAML::Node& node);
RequestPlan parse_request(const YamlContext& ctx, const YAML::Node& node, const PayloadTable& payloads);
// A non-empty list of requests; `what` names it in messages ("the requests of task predict").
std::shared_ptr<RequestSequence> parse_sequence(const YamlContext& ctx, const YAML::Node& node,
                                                const PayloadTable& payloads, std::string_view what);
// A request's `timeout:` (1ms or more), as its client takes it.
std::chrono::milliseconds parse_request_timeout(const YamlContext& ctx, const YAML::Node& node);
// A `headers:` mapping of names to string values.
std::vector<std::pair<std::string, std::string>> parse_headers(const YamlContext& ctx,
                                                               const YAML::Node& node);

}  // namespace cicada::scenario
