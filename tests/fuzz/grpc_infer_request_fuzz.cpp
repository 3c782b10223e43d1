// cicada-model's gRPC ModelInfer input (src/serving_grpc/grpc_infer_request): bytes parsed by libprotobuf
// as a ModelInferRequest, as the gRPC server does, then read into model rows against the heart-disease
// schema. libprotobuf's own parser is not ours to fuzz; what it lets through reaches our code here.
#include <google/protobuf/stubs/logging.h>

#include <cmath>

#include "grpc_oip/inference.pb.h"
#include "model_input_check.hpp"
#include "serving_grpc/grpc_infer_request.hpp"

// libprotobuf logs every string field that is not UTF-8 (and refuses the message): noise at 10,000/s.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  google::protobuf::SetLogHandler(nullptr);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace cicada;
  inference::ModelInferRequest request;
  if (!request.ParseFromArray(data, static_cast<int>(size))) return 0;
  const serving::InputSchema& schema = fuzz::heart_schema();
  serving::ApiError error{400, "invalid inference request", {}, 0};
  serving::InferRequestRows rows;
  const bool ok = serving::read_infer_request(schema, request, error, rows);
  fuzz::check_outcome(ok, error);
  if (ok) {
    fuzz::require(rows.values.size() == rows.rows * schema.fields.size(), "rows x fields values");
    for (double v : rows.values) fuzz::require(std::isfinite(v), "accepted values are finite");
    fuzz::require(rows.outputs.probability || rows.outputs.diagnosis, "an accepted request wants an output");
  } else {
    // 50 entries of a clipped name and problem, plus the count of the rest.
    fuzz::require(serving::infer_error_message(error).size() <= 32 * 1024, "the status message is bounded");
  }
  return 0;
}
