#pragma once
// Reading a gRPC ModelInferRequest (Open Inference Protocol v2) into model rows: the checks of
// POST /v2/models/<name>/infer (serving/infer_inputs.hpp) over protobuf tensors instead of JSON. Free of
// gRPC and of the model (only its schema), so tests/fuzz feeds it every request libprotobuf can parse.
#include <cstddef>
#include <string>
#include <vector>

#include "grpc_oip/inference.pb.h"
#include "serving/api_errors.hpp"
#include "serving/infer_inputs.hpp"
#include "serving/schema.hpp"

namespace cicada::serving {

struct InferRequestRows {
  std::vector<double> values;  // rows x fields, schema order
  std::size_t rows = 0;
  InferOutputs outputs;
};

// Inputs may be FP64, FP32, INT64 or INT32 (typed contents or raw_input_contents), shape [N] or [N, 1];
// outputs, when named, "probability" and/or "diagnosis". False with every problem in error otherwise.
bool read_infer_request(const InputSchema& schema, const inference::ModelInferRequest& request,
                        ApiError& error, InferRequestRows& out);

// The INVALID_ARGUMENT status message for error: its message, then "field: problem" entries (bounded as
// the error is: ApiError's caps).
std::string infer_error_message(const ApiError& error);

}  // namespace cicada::serving
