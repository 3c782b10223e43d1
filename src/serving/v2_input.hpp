#pragma once
// An Open Inference Protocol v2 infer body read into rows (schema order): one tensor per schema field,
// named after it, shape [N] or [N, 1]. Apart from the handler so it can be fuzzed on its own (tests/fuzz/).
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "serving/api_errors.hpp"
#include "serving/schema.hpp"

namespace cicada::serving {

// Reads body into values (rows * fields, schema order) and the request's "id" (empty when absent). Every
// problem found goes into error (400) before returning false.
bool parse_infer_body(std::string_view body, const InputSchema& schema, std::vector<double>& values,
                      std::size_t& rows, std::string& id, ApiError& error);

}  // namespace cicada::serving
