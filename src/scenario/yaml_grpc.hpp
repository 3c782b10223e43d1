#pragma once
// A gRPC request as written in a scenario file (docs/protocols.md), the OIP v2 inference service built in:
//
// clang-format off
//   - grpc: ModelInfer               # ServerLive, ServerReady, ModelReady, ModelMetadata, ModelInfer
//     model: heart-disease           # the Model* calls
//     payload: heart                 # ModelInfer: a payload (one row per draw) or json: {...} / [{...}]
//     rows: 8                        # draws per call, sent as one batch (default 1)
//     numbers: fp64                  # fp64 (default), fp32, int64, int32
//     target: 127.0.0.1:8001         # default: the user's host (grpc://, http://: plain; grpcs://, https://: TLS)
//     name: infer (invalid)          # stats entry name; default inference.GRPCInferenceService/ModelInfer
//     timeout: 2s
//     check:
//       status: INVALID_ARGUMENT     # statuses that count as a success (default OK)
//       outputs:                     # ModelInfer, with OK: each output present, and as described
//         probability: {datatype: FP64, shape: [-1], range: [0, 1]}
// clang-format on
#include <yaml-cpp/yaml.h>

#include "scenario/request_plan.hpp"
#include "scenario/yaml_context.hpp"
#include "scenario/yaml_payloads.hpp"

namespace cicada::scenario {

// `node` is a request mapping with a `grpc:` key.
RequestPlan parse_grpc_request(const YamlContext& ctx, const YAML::Node& node, const PayloadTable& payloads);

}  // namespace cicada::scenario
