#pragma once
// What a plain grpc++ client of the OIP v2 service needs, for the tests that call cicada-model's gRPC
// listener with the generated stub and for the benchmark's reference client (bench/grpc): a stub over a
// plain-text channel, and a ModelInfer request of one row of tensors of shape [1]. cicada's own client,
// with its TLS settings and per-loop channels, is src/grpc_client. Header-only: whoever includes it
// links cicada::grpc_oip already, and compiles it under our warnings.
#include <grpcpp/grpcpp.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "grpc_oip/inference.grpc.pb.h"

namespace cicada::grpc_oip {

// A stub calling `address` (host:port) over a plain-text HTTP/2 channel of its own.
inline std::unique_ptr<inference::GRPCInferenceService::Stub> plain_stub(const std::string& address) {
  return inference::GRPCInferenceService::NewStub(
      grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
}

// A ModelInfer request for `model` with one input tensor of shape [1] per (name, value) of `row`, in
// the row's order: FP64 (fp64_contents), or INT64 (int64_contents, the value truncated) when int64.
template <class Row>
inference::ModelInferRequest one_row_request(std::string_view model, const Row& row, bool int64 = false) {
  inference::ModelInferRequest request;
  request.set_model_name(model.data(), model.size());
  for (const auto& [name, value] : row) {
    auto* input = request.add_inputs();
    input->set_name(name);
    input->set_datatype(int64 ? "INT64" : "FP64");
    input->add_shape(1);
    if (int64)
      input->mutable_contents()->add_int64_contents(static_cast<std::int64_t>(value));
    else
      input->mutable_contents()->add_fp64_contents(value);
  }
  return request;
}

}  // namespace cicada::grpc_oip
