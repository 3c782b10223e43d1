#include "scenario/yaml_grpc.hpp"

#include <array>

#include "scenario/payload_invalid.hpp"
#include "scenario/yaml_json.hpp"
#include "scenario/yaml_requests.hpp"

namespace cicada::scenario {

namespace {

constexpr std::array kCalls = {OipCall::kServerLive, OipCall::kServerReady, OipCall::kModelReady,
                               OipCall::kModelMetadata, OipCall::kModelInfer};

OipCall parse_call(const YamlContext& ctx, const YAML::Node& node) {
  const std::string text = ctx.string(node, "an OIP v2 call");
  for (OipCall call : kCalls) {
    if (text == oip_method(call) || text == oip_entry_name(call)) return call;
  }
  ctx.fail(node, "an OIP v2 call (ServerLive, ServerReady, ModelReady, ModelMetadata, ModelInfer)");
}

TensorType parse_numbers(const YamlContext& ctx, const YAML::Node& node) {
  const std::string text = ctx.string(node, "a tensor datatype");
  if (text == "fp64" || text == "FP64") return TensorType::kFp64;
  if (text == "fp32" || text == "FP32") return TensorType::kFp32;
  if (text == "int64" || text == "INT64") return TensorType::kInt64;
  if (text == "int32" || text == "INT32") return TensorType::kInt32;
  ctx.fail(node, "a datatype for numbers: fp64, fp32, int64 or int32");
}

std::vector<GrpcStatus> parse_statuses(const YamlContext& ctx, const YAML::Node& check) {
  ctx.require_keys(check, "a gRPC check", {"status"});
  auto status = YamlContext::find(check, "status");
  if (!status) ctx.fail(check, "`status:` with a gRPC status name or a list of them");
  std::vector<GrpcStatus> out;
  for (const auto& name : ctx.strings(*status, "a gRPC status name")) {
    auto parsed = parse_grpc_status(name);
    if (!parsed) ctx.fail(*status, "gRPC status names (OK, INVALID_ARGUMENT, NOT_FOUND, UNAVAILABLE...)");
    out.push_back(*parsed);
  }
  if (out.empty()) ctx.fail(*status, "at least one gRPC status name");
  return out;
}

}  // namespace

RequestPlan parse_grpc_request(const YamlContext& ctx, const YAML::Node& node, const PayloadTable& payloads) {
  ctx.require_keys(node, "a gRPC request",
                   {"grpc", "model", "version", "target", "payload", "json", "rows", "numbers", "name",
                    "timeout", "check"});
  RequestPlan plan;
  GrpcPlan grpc;
  const YAML::Node call_node = *YamlContext::find(node, "grpc");
  grpc.call = parse_call(ctx, call_node);
  const bool model_call = grpc.call == OipCall::kModelReady || grpc.call == OipCall::kModelMetadata ||
                          grpc.call == OipCall::kModelInfer;
  const bool infer = grpc.call == OipCall::kModelInfer;
  auto model = YamlContext::find(node, "model");
  if (model_call && !model) ctx.fail(node.Mark(), "`model:` naming the model to call", "no model");
  if (!model_call && model) ctx.fail(*model, std::string(oip_method(grpc.call)) + " without a model");
  if (model) grpc.model = ctx.string(*model, "a model name");
  if (auto version = YamlContext::find(node, "version")) {
    if (!model_call) ctx.fail(*version, std::string(oip_method(grpc.call)) + " without a version");
    grpc.version = ctx.string(*version, "a model version");
  }
  if (auto target = YamlContext::find(node, "target")) {
    grpc.target = ctx.string(*target, "a gRPC target (HOST:PORT or grpc://HOST:PORT)");
    if (grpc.target.empty()) ctx.fail(*target, "a gRPC target (HOST:PORT or grpc://HOST:PORT)");
  }

  auto payload = YamlContext::find(node, "payload");
  auto json = YamlContext::find(node, "json");
  if (!infer && (payload || json)) {
    ctx.fail((payload ? *payload : *json).Mark(), std::string(oip_method(grpc.call)) + " without inputs",
             "inputs");
  }
  if (infer && !payload && !json)
    ctx.fail(node.Mark(), "the inputs of ModelInfer: `payload: NAME` or `json: {...}`", "none");
  if (payload && json) ctx.fail(json->Mark(), "one of payload and json", "both");
  if (payload) {
    const auto name = ctx.string(*payload, "a payload name");
    auto found = payloads.find(name);
    if (found == payloads.end()) ctx.fail(*payload, "the name of a payload defined under payloads");
    // A ModelInfer request is a protobuf message, not JSON text: there is no malformed JSON to send.
    if (auto* invalid = dynamic_cast<const InvalidPayload*>(found->second.get());
        invalid && invalid->kind() == InvalidKind::kMalformedJson) {
      ctx.fail(*payload,
               "a payload with a gRPC form (malformed_json has none: use drop_field, wrong_type or "
               "out_of_range)");
    }
    plan.payload = found->second;
  }
  if (json) append_yaml_as_json(ctx, *json, plan.body);
  if (auto rows = YamlContext::find(node, "rows")) {
    if (!payload) ctx.fail(*rows, "rows with a payload (json: gives its rows itself)");
    const auto n = ctx.integer(*rows, "a number of rows");
    if (n < 1 || n > 65536) ctx.fail(*rows, "a number of rows from 1 to 65536");
    grpc.rows = static_cast<int>(n);
  }
  if (auto numbers = YamlContext::find(node, "numbers")) {
    if (!infer) ctx.fail(*numbers, "numbers with ModelInfer only");
    grpc.numbers_as = parse_numbers(ctx, *numbers);
  }
  if (auto name = YamlContext::find(node, "name")) plan.name = ctx.string(*name, "a stats name");
  if (auto timeout = YamlContext::find(node, "timeout")) plan.timeout = parse_request_timeout(ctx, *timeout);
  if (auto check = YamlContext::find(node, "check")) grpc.expect = parse_statuses(ctx, *check);
  plan.method = "grpc";
  plan.target = std::string(oip_entry_name(grpc.call));
  plan.grpc = std::move(grpc);
  return plan;
}

}  // namespace cicada::scenario
