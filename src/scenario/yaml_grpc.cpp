#include "scenario/yaml_grpc.hpp"

#include <algorithm>
#include <array>
#include <cctype>

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

constexpr std::array<std::string_view, 14> kDatatypes = {"BOOL", "UINT8", "UINT16", "UINT32", "UINT64",
                                                         "INT8", "INT16", "INT32",  "INT64",  "FP16",
                                                         "FP32", "FP64",  "BF16",   "BYTES"};

// `outputs: {probability: {datatype: FP64, shape: [1], range: [0, 1]}, diagnosis: {one_of: [healthy,
// disease]}}`; an output with nothing to check but its presence is `NAME: {}` (or `NAME:` with no value).
std::vector<GrpcOutputCheckValues> parse_output_checks(const YamlContext& ctx, const YAML::Node& node) {
  if (!node.IsMap() || node.size() == 0)
    ctx.fail(node, "output checks: a mapping of output names to {datatype, shape, range, one_of}");
  std::vector<GrpcOutputCheckValues> out;
  for (const auto& item : node) {
    GrpcOutputCheckValues check;
    check.name = ctx.string(item.first, "an output name");
    if (check.name.empty()) ctx.fail(item.first, "an output name");
    const YAML::Node& spec = item.second;
    if (!spec.IsNull()) {
      ctx.require_keys(spec, "an output check", {"datatype", "shape", "range", "one_of"});
      if (auto datatype = YamlContext::find(spec, "datatype")) {
        check.datatype = ctx.string(*datatype, "a tensor datatype");
        for (auto& c : check.datatype) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        if (std::find(kDatatypes.begin(), kDatatypes.end(), check.datatype) == kDatatypes.end())
          ctx.fail(*datatype, "an OIP datatype (BOOL, INT8-64, UINT8-64, FP16, FP32, FP64, BF16, BYTES)");
      }
      if (auto shape = YamlContext::find(spec, "shape")) {
        if (!shape->IsSequence()) ctx.fail(*shape, "a shape: a list of sizes, -1 for any, e.g. [-1, 2]");
        for (const auto& dim : *shape) {
          const auto n = ctx.integer(dim, "a dimension size (-1 for any)");
          if (n < -1) ctx.fail(dim, "a dimension size (-1 for any)");
          check.shape.push_back(n);
        }
      }
      if (auto range = YamlContext::find(spec, "range")) {
        if (!range->IsSequence() || range->size() != 2)
          ctx.fail(*range, "a range [min, max] (~ for no bound on that side)");
        if (!(*range)[0].IsNull()) check.min = ctx.number((*range)[0], "the lowest value allowed");
        if (!(*range)[1].IsNull()) check.max = ctx.number((*range)[1], "the highest value allowed");
        if (!check.min && !check.max) ctx.fail(*range, "a range with at least one bound");
        if (check.min && check.max && *check.min > *check.max)
          ctx.fail(*range, "a range [min, max] with min <= max");
        if (check.datatype == "BYTES") ctx.fail(*range, "a range on a numeric output (this one is BYTES)");
      }
      if (auto one_of = YamlContext::find(spec, "one_of")) {
        if (!one_of->IsSequence() || one_of->size() == 0)
          ctx.fail(*one_of, "one_of: a non-empty list of the values allowed, e.g. [healthy, disease]");
        for (const auto& value : *one_of) check.one_of.push_back(ctx.string(value, "a BYTES value"));
        if (!check.datatype.empty() && check.datatype != "BYTES")
          ctx.fail(*one_of, "one_of on a BYTES output (this one is " + check.datatype + ")");
        if (check.min || check.max)
          ctx.fail(one_of->Mark(), "either range (numbers) or one_of (BYTES values)", "both");
      }
    }
    for (const auto& seen : out) {
      if (seen.name == check.name) ctx.fail(item.first, "each output checked once");
    }
    out.push_back(std::move(check));
  }
  return out;
}

std::vector<GrpcStatus> parse_statuses(const YamlContext& ctx, const YAML::Node& status) {
  std::vector<GrpcStatus> out;
  for (const auto& name : ctx.strings(status, "a gRPC status name")) {
    auto parsed = parse_grpc_status(name);
    if (!parsed) ctx.fail(status, "gRPC status names (OK, INVALID_ARGUMENT, NOT_FOUND, UNAVAILABLE...)");
    out.push_back(*parsed);
  }
  if (out.empty()) ctx.fail(status, "at least one gRPC status name");
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
  if (auto check = YamlContext::find(node, "check")) {
    ctx.require_keys(*check, "a gRPC check", {"status", "outputs"});
    auto status = YamlContext::find(*check, "status");
    auto outputs = YamlContext::find(*check, "outputs");
    if (!status && !outputs)
      ctx.fail(*check, "`status:` with a gRPC status name or a list of them, or `outputs:` (ModelInfer)");
    if (status) grpc.expect = parse_statuses(ctx, *status);
    if (outputs) {
      if (!infer) ctx.fail(*outputs, "output checks with ModelInfer only");
      // Outputs come with an OK answer only: a check that also accepts no other status would never apply.
      if (!grpc.expect.empty() &&
          std::find(grpc.expect.begin(), grpc.expect.end(), GrpcStatus::kOk) == grpc.expect.end())
        ctx.fail(*outputs, "output checks with a check that accepts OK (outputs come with OK only)");
      grpc.output_values = parse_output_checks(ctx, *outputs);
    }
  }
  plan.method = "grpc";
  plan.target = std::string(oip_entry_name(grpc.call));
  plan.grpc = std::move(grpc);
  return plan;
}

}  // namespace cicada::scenario
