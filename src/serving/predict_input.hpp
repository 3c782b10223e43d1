#pragma once
// The /predict body read into rows: one JSON object, or an array of them, validated against the schema.
// Apart from the handler so it can be fuzzed on its own (tests/fuzz/).
#include <string_view>
#include <vector>

#include "serving/api_errors.hpp"
#include "serving/schema.hpp"

namespace cicada::serving {

// Rows of raw inputs read from a request, in schema order (rows * fields values).
struct PredictInput {
  std::vector<double> values;
  std::size_t rows = 0;
  bool batch = false;  // the body was an array: answer with an array
};

// Reads and validates a /predict body. Every problem found is added to error (400) before returning false.
bool parse_predict_body(std::string_view body, const InputSchema& schema, PredictInput& input,
                        ApiError& error);

}  // namespace cicada::serving
