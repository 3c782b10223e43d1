#include "webui/capacity_ui.hpp"

#include "webui/route_guard.hpp"

namespace cicada::webui {

using namespace std::chrono_literals;

CapacityUi::CapacityUi(const CapacityBoard& board, const CapacityUiOptions& options) {
  const RouteGuard guard = RouteGuard::for_server(options.auth, options.host);
  http::Router router;
  add_asset_routes(router, guard, "/capacity.html");
  router.add(
      "GET", "/capacity",
      guard_route(guard, RouteKind::kRead, [&board](const http::ServerRequest&, http::ServerResponse& out) {
        out.content_type = "application/json";
        out.headers.emplace_back("Cache-Control", "no-cache");
        out.body = board.json();
      }));
  http::ServerOptions so = ui_server_options(options);
  so.shutdown_grace = 1000ms;
  server_ = std::make_unique<http::HttpServer>(so, std::move(router));
}

CapacityUi::~CapacityUi() { stop(); }

Result<void> CapacityUi::start() { return server_->start(); }

std::string CapacityUi::url() const { return server_->url(); }

void CapacityUi::stop() {
  if (stopped_) return;
  stopped_ = true;
  server_->stop();
  server_->wait();
}

}  // namespace cicada::webui
