#pragma once
// The Open Inference Protocol v2 calls of cicada-model as plain functions from request message to response
// message and status, free of the server machinery (grpc_server.cpp) so they are testable alone.
#include <grpcpp/support/status.h>

#include "grpc_oip/inference.pb.h"
#include "serving/model.hpp"

namespace cicada::serving {

// NOT_FOUND unless name is the model's and version is empty or the model's.
grpc::Status check_model(const Model& model, const std::string& name, const std::string& version);

void fill_model_metadata(const Model& model, inference::ModelMetadataResponse& out);

// Validates the inputs exactly as POST /v2/models/<name>/infer does and answers "probability" (FP64) and
// "diagnosis" (BYTES), or those of them named in request.outputs(). Inputs may be FP64, FP32, INT64,
// INT32 (typed contents or raw_input_contents), shape [N] or [N, 1].
grpc::Status model_infer(const Model& model, const inference::ModelInferRequest& request,
                         inference::ModelInferResponse& out);

}  // namespace cicada::serving
