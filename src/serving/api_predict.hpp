#pragma once
// POST /predict: one JSON object -> {"diagnosis": ..., "probability": p}; a JSON array of objects -> an
// array of those answers. The request path is simdjson DOM + Model::predict_proba: no per-request
// allocation beyond the answer text once the thread's buffers are warm.
#include <string_view>
#include <vector>

#include "http/server/server_types.hpp"
#include "serving/api_errors.hpp"
#include "serving/model.hpp"

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

// The /predict handler for model (which must outlive the router).
void handle_predict(const Model& model, const http::ServerRequest& request, http::ServerResponse& out);

}  // namespace cicada::serving
