#pragma once
// cicada::GrpcClient: the per-user gRPC client a task awaits on, with the Open Inference Protocol v2
// service (`inference.GRPCInferenceService`, what Triton, KServe and cicada-model serve) built in, so a
// scenario load-tests a model server without protobuf code:
//
//   auto r = co_await grpc().model_infer("heart-disease", heart.valid(random(), body_));
//
// Every call becomes one sample of the request stats entry ("grpc", "inference.GRPCInferenceService/
// ModelInfer"): the method is "grpc" and the name the full method path without its leading slash, as
// Locust's gRPC users name theirs. A status other than OK (or than the statuses `expect` lists) is a
// failure whose text starts with the status name: "INVALID_ARGUMENT: age[0]: out of range [0, 154]".
// Latency is from when the call was due (docs/metrics.md), the deadline is the request timeout from then.
#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "cicada/task.hpp"

namespace cicada {

// gRPC status codes, numbered as in the gRPC specification (grpc::StatusCode).
enum class GrpcStatus : int {
  kOk = 0,
  kCancelled = 1,
  kUnknown = 2,
  kInvalidArgument = 3,
  kDeadlineExceeded = 4,
  kNotFound = 5,
  kAlreadyExists = 6,
  kPermissionDenied = 7,
  kResourceExhausted = 8,
  kFailedPrecondition = 9,
  kAborted = 10,
  kOutOfRange = 11,
  kUnimplemented = 12,
  kInternal = 13,
  kUnavailable = 14,
  kDataLoss = 15,
  kUnauthenticated = 16,
};

namespace detail {
inline constexpr std::string_view kGrpcStatusNames[] = {
    "OK",        "CANCELLED",      "UNKNOWN",           "INVALID_ARGUMENT",   "DEADLINE_EXCEEDED",
    "NOT_FOUND", "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION",
    "ABORTED",   "OUT_OF_RANGE",   "UNIMPLEMENTED",     "INTERNAL",           "UNAVAILABLE",
    "DATA_LOSS", "UNAUTHENTICATED"};
}  // namespace detail

// "INVALID_ARGUMENT" for kInvalidArgument (the names of the gRPC specification); "UNKNOWN" out of range.
constexpr std::string_view grpc_status_name(GrpcStatus status) {
  const auto i = static_cast<int>(status);
  return i >= 0 && i <= 16 ? detail::kGrpcStatusNames[i] : std::string_view("UNKNOWN");
}
// The status of a name, as grpc_status_name writes it ("NOT_FOUND"); nullopt for anything else.
constexpr std::optional<GrpcStatus> parse_grpc_status(std::string_view name) {
  for (int i = 0; i <= 16; ++i) {
    if (detail::kGrpcStatusNames[i] == name) return static_cast<GrpcStatus>(i);
  }
  return std::nullopt;
}

// The calls of the OIP v2 GRPCInferenceService cicada makes.
enum class OipCall { kServerLive, kServerReady, kModelReady, kModelMetadata, kModelInfer };

// "ModelInfer"; and the stats entry name "inference.GRPCInferenceService/ModelInfer".
constexpr std::string_view oip_method(OipCall call) {
  switch (call) {
    case OipCall::kServerLive:
      return "ServerLive";
    case OipCall::kServerReady:
      return "ServerReady";
    case OipCall::kModelReady:
      return "ModelReady";
    case OipCall::kModelMetadata:
      return "ModelMetadata";
    case OipCall::kModelInfer:
      return "ModelInfer";
  }
  return "ModelInfer";
}
constexpr std::string_view oip_entry_name(OipCall call) {
  switch (call) {
    case OipCall::kServerLive:
      return "inference.GRPCInferenceService/ServerLive";
    case OipCall::kServerReady:
      return "inference.GRPCInferenceService/ServerReady";
    case OipCall::kModelReady:
      return "inference.GRPCInferenceService/ModelReady";
    case OipCall::kModelMetadata:
      return "inference.GRPCInferenceService/ModelMetadata";
    case OipCall::kModelInfer:
      return "inference.GRPCInferenceService/ModelInfer";
  }
  return "inference.GRPCInferenceService/ModelInfer";
}

// The datatype numbers of a ModelInfer tensor are sent as (strings are always BYTES, booleans BOOL).
enum class TensorType { kFp64, kFp32, kInt64, kInt32 };

// A check on one output tensor of a ModelInfer response (an OK one; another status has no outputs): the
// output is there, and when given, has this datatype and shape, every value within [min, max], and
// every BYTES value one of `one_of`. A response that fails it is a failure:
// "OK: output \"probability\" has a value outside [0, 1]".
struct GrpcOutputCheck {
  std::string_view name;
  std::string_view datatype;            // "FP64", "INT64", "BYTES"...; empty: any
  std::span<const std::int64_t> shape;  // e.g. {1}; -1 for a dimension of any size; empty: any shape
  std::optional<double> min, max;       // every value (numeric outputs only) at least min, at most max
  // Every value of a BYTES output is one of these (e.g. {"healthy", "disease"}); empty: any. Last, with
  // a default, so that checks written without it stay valid aggregate initializers.
  std::span<const std::string_view> one_of = {};
};

struct GrpcOptions {
  std::string_view name;  // stats entry name; empty: "inference.GRPCInferenceService/<Method>"
  // host:port to call; empty: the user's host with its scheme dropped (grpc:// or http:// plain,
  // grpcs:// or https:// TLS).
  std::string_view target;
  std::string_view model_version;  // ModelReady, ModelMetadata, ModelInfer; empty: the server's choice
  TensorType numbers_as = TensorType::kFp64;  // ModelInfer: how JSON numbers become tensor values
  // This call's deadline from when it was due; zero: the run's --request-timeout.
  std::chrono::milliseconds timeout{0};
  // Statuses that count as a success (a check: an invalid row must get INVALID_ARGUMENT); empty: OK.
  std::span<const GrpcStatus> expect;
  // ModelInfer: checks on the outputs of an OK response, in order; the first that fails is the failure.
  std::span<const GrpcOutputCheck> outputs;
};

// What one call got. The message is valid until the user's next gRPC call.
struct GrpcResult {
  GrpcStatus status = GrpcStatus::kOk;
  std::string_view message;     // the server's (or gRPC's) status message; empty with OK
  bool failed = false;          // as recorded in the stats (status outside `expect`, or an output check)
  bool ready = false;           // ServerLive: live; ServerReady, ModelReady: ready
  std::uint64_t outputs = 0;    // ModelInfer: output tensors answered; ModelMetadata: inputs
  std::int64_t elapsed_us = 0;  // latency recorded, from when the call was due
  bool ok() const { return status == GrpcStatus::kOk; }
};

class GrpcClient {
 public:
  virtual ~GrpcClient() = default;

  // One OIP call. model: ModelReady, ModelMetadata, ModelInfer. rows_json (ModelInfer): one JSON object
  // (one row) or an array of objects (a batch); each field is one input tensor named after it, of shape
  // [rows], with the rows' values in order: numbers as `numbers_as`, strings BYTES, booleans BOOL. A
  // payload that is not such JSON is a failure of the call, recorded without sending anything.
  virtual Task<GrpcResult> call(OipCall call, std::string_view model, std::string_view rows_json,
                                GrpcOptions options) = 0;

  Task<GrpcResult> server_live(GrpcOptions options = {}) {
    return call(OipCall::kServerLive, {}, {}, options);
  }
  Task<GrpcResult> server_ready(GrpcOptions options = {}) {
    return call(OipCall::kServerReady, {}, {}, options);
  }
  Task<GrpcResult> model_ready(std::string_view model, GrpcOptions options = {}) {
    return call(OipCall::kModelReady, model, {}, options);
  }
  Task<GrpcResult> model_metadata(std::string_view model, GrpcOptions options = {}) {
    return call(OipCall::kModelMetadata, model, {}, options);
  }
  Task<GrpcResult> model_infer(std::string_view model, std::string_view rows_json, GrpcOptions options = {}) {
    return call(OipCall::kModelInfer, model, rows_json, options);
  }
};

}  // namespace cicada
