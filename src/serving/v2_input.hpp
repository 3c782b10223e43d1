#pragma once
// An Open Inference Protocol v2 infer body read into rows (schema order): one tensor per schema field,
// named after it, shape [N] or [N, 1]. Apart from the handler so it can be fuzzed on its own (tests/fuzz/).
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "serving/api_errors.hpp"
#include "serving/infer_inputs.hpp"
#include "serving/schema.hpp"

namespace cicada::serving {

// Reads body into values (rows * fields, schema order), the request's "id" (empty when absent) and the
// outputs it asks for. Every tensor needs a "datatype" (FP64, FP32, INT64 or INT32; an integer type's
// values must be whole) and a "shape" ([N] or [N, 1]) that matches its data, as on gRPC. Every problem
// found goes into error (400) before returning false.
bool parse_infer_body(std::string_view body, const InputSchema& schema, std::vector<double>& values,
                      std::size_t& rows, std::string& id, InferOutputs& outputs, ApiError& error);

}  // namespace cicada::serving
