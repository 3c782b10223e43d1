#include "serving/api_routes.hpp"

#include "serving/api_predict.hpp"
#include "serving/api_v2.hpp"

namespace cicada::serving {

void add_model_api(http::Router& router, const Model& model, const ApiMetrics* const* metrics,
                   SimulatedCost simulated_cost) {
  // Plain "OK" like the reference app, so the same load test scripts work against both.
  router.add("GET", "/health",
             [](const http::ServerRequest&, http::ServerResponse& out) { out.body = "OK"; });
  router.add("POST", "/predict",
             with_simulated_cost([&model](const http::ServerRequest& request,
                                          http::ServerResponse& out) { handle_predict(model, request, out); },
                                 simulated_cost));
  add_v2_routes(router, model, simulated_cost);
  router.add("GET", "/metrics", [metrics](const http::ServerRequest&, http::ServerResponse& out) {
    out.content_type = "text/plain; version=0.0.4; charset=utf-8";
    out.body = *metrics != nullptr ? (*metrics)->render() : std::string();
  });
}

}  // namespace cicada::serving
