#pragma once
// The checks a scenario puts on a ModelInfer response's outputs (cicada::GrpcOutputCheck): present,
// datatype, shape, values within a range. Values are read from the typed contents (what cicada-model and
// KServe send) or from raw_output_contents (Triton's default: little-endian, in the output's order; the
// only place FP16 and BF16 values come in).
#include <span>
#include <string>

#include "cicada/grpc.hpp"
#include "grpc_oip/inference.pb.h"

namespace cicada::grpc_client {

// Appends to `failure` why the response fails the first check it fails ("output \"p\" is FP32, expected
// FP64"); leaves it untouched and returns true when it passes them all.
bool check_outputs(const inference::ModelInferResponse& response, std::span<const GrpcOutputCheck> checks,
                   std::string& failure);

}  // namespace cicada::grpc_client
