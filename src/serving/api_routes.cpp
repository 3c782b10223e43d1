#include "serving/api_routes.hpp"

#include <chrono>

#include "serving/api_metrics.hpp"
#include "serving/api_predict.hpp"
#include "serving/api_v2.hpp"

namespace cicada::serving {

void add_model_api(http::Router& router, const Model& model, const ApiMetrics* const* metrics,
                   SimulatedCost simulated_cost) {
  // Plain "OK" like the reference app, so the same load test scripts work against both.
  router.add("GET", "/health",
             [](const http::ServerRequest&, http::ServerResponse& out) { out.body = "OK"; });
  // Timed around the whole handler (the simulated cost included): the model's share of each request,
  // next to /metrics' request duration, whose rest is time queued on the event loop.
  http::Handler predict =
      with_simulated_cost([&model](const http::ServerRequest& request,
                                   http::ServerResponse& out) { handle_predict(model, request, out); },
                          simulated_cost);
  router.add(
      "POST", "/predict",
      [predict = std::move(predict), metrics](const http::ServerRequest& request, http::ServerResponse& out) {
        const auto started = std::chrono::steady_clock::now();
        predict(request, out);
        if (*metrics != nullptr)
          (*metrics)->on_inference(request.worker, std::chrono::steady_clock::now() - started);
      });
  add_v2_routes(router, model, simulated_cost);
  router.add("GET", "/metrics", [metrics](const http::ServerRequest&, http::ServerResponse& out) {
    out.content_type = "text/plain; version=0.0.4; charset=utf-8";
    out.body = *metrics != nullptr ? (*metrics)->render() : std::string();
  });
}

}  // namespace cicada::serving
