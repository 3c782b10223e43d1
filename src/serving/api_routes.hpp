#pragma once
// The whole model API on one router: /health, /predict, the Open Inference Protocol v2 routes and /metrics.
#include "http/server/router.hpp"
#include "serving/api_metrics.hpp"
#include "serving/model.hpp"
#include "serving/simulated_cost.hpp"

namespace cicada::serving {

// Registers every route; model and metrics must outlive the router. metrics is read by GET /metrics and
// must be constructed from the finished router (ApiMetrics needs the route list), hence the pointer:
// pass the address of an ApiMetrics you construct right after this call. simulated_cost: a testing aid,
// time every /predict and v2 infer request holds its thread before it is answered (simulated_cost.hpp).
void add_model_api(http::Router& router, const Model& model, const ApiMetrics* const* metrics,
                   SimulatedCost simulated_cost = {});

}  // namespace cicada::serving
