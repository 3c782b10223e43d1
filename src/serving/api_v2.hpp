#pragma once
// Open Inference Protocol v2 (KServe / Triton REST) for the model:
//   GET  /v2                                      -> server metadata {"name", "version", "extensions": []}
//   GET  /v2/health/live, /v2/health/ready        -> {"live": true} / {"ready": true}
//   GET  /v2/models/<name>                        -> metadata: inputs (one FP64 tensor per field, shape [-1])
//                                                    and the schema (kinds, accepted ranges, categories)
//   GET  /v2/models/<name>/ready                  -> {"name": ..., "ready": true}
//   POST /v2/models/<name>/infer                  -> outputs "probability" (FP64) and "diagnosis" (BYTES)
//   and the same three under /v2/models/<name>/versions/<version> for the model's version
// An infer request carries one tensor per schema field, named after it, shape [N] or [N, 1], all the
// same N; "data" flat (or nested one level). Errors use the API's format, keyed by input name.
#include <string>
#include <string_view>

#include "http/server/router.hpp"
#include "serving/model.hpp"
#include "serving/simulated_cost.hpp"

namespace cicada::serving {

// What the server calls itself in the protocol's server metadata, on REST (GET /v2) and gRPC alike.
inline constexpr std::string_view kV2ServerName = "cicada-model";
inline constexpr std::string_view kV2ServerVersion = "1";

// The model metadata document (computed once at start-up: it never changes while serving).
std::string v2_model_metadata(const Model& model);

void handle_v2_infer(const Model& model, const http::ServerRequest& request, http::ServerResponse& out);

// Registers every route above on router; model must outlive it. infer holds its thread for
// simulated_cost first (a testing aid, serving/simulated_cost.hpp).
void add_v2_routes(http::Router& router, const Model& model, SimulatedCost simulated_cost = {});

}  // namespace cicada::serving
