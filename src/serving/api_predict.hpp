#pragma once
// POST /predict: one JSON object -> {"diagnosis": ..., "probability": p}; a JSON array of objects -> an
// array of those answers. The request path is simdjson DOM + Model::predict_proba: no per-request
// allocation beyond the answer text once the thread's buffers are warm.
#include <string_view>
#include <vector>

#include "http/server/server_types.hpp"
#include "serving/api_errors.hpp"
#include "serving/model.hpp"
#include "serving/predict_input.hpp"

namespace cicada::serving {

// The /predict handler for model (which must outlive the router).
void handle_predict(const Model& model, const http::ServerRequest& request, http::ServerResponse& out);

}  // namespace cicada::serving
