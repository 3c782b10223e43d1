#pragma once
// The one place a parsed request is routed and answered, whatever carried it (HTTP/1.1: server_session.hpp,
// HTTP/2: server_h2_connection.cpp): 404 and 405, the in-flight limit (503 + Retry-After), the handler,
// and 500 if it throws. Inline: it is on the HTTP/1.1 hot path.
#include <fmt/format.h>

#include "base/inflight_limit.hpp"
#include "base/log.hpp"
#include "http/server/json_text.hpp"
#include "http/server/server_worker.hpp"

namespace cicada::http::server_detail {

// An error the server answers itself: JSON, {"error": message, "fields": {}}.
inline void fill_error(ServerResponse& out, int status, std::string_view message) {
  out.status = status;
  out.content_type.assign("application/json");
  out.body = json_error_body(message);
}

struct Dispatched {
  std::size_t route = kUnmatchedRoute;
  bool counted_inflight = false;  // the caller releases it once the response is written
};

// Fills out (reset by the caller) with the answer to request.
inline Dispatched dispatch_request(HttpServer::Impl& server, const ServerRequest& request,
                                   ServerResponse& out) {
  Router::Match m = server.router.match(request.method, request.path);
  Dispatched d{m.route, false};
  if (m.handler == nullptr) {
    if (m.route == kUnmatchedRoute) {
      fill_error(out, 404, "no route " + clip_utf8(request.path, 256));
      return d;
    }
    fill_error(
        out, 405,
        fmt::format("method {} not allowed on {} (allowed: {})", clip_utf8(request.method, 128), request.path,
                    m.allow));  // the path matched a route: short; the method is the client's, of any length
    out.headers.emplace_back("Allow", std::string(m.allow));
    return d;
  }
  if (!try_enter_inflight(server.inflight, server.options.max_inflight)) {
    if (server.observer != nullptr) server.observer->on_rejected(request.worker);
    fill_error(out, 503, "server at its in-flight request limit, retry later");
    out.headers.emplace_back("Retry-After", "1");
    return d;
  }
  d.counted_inflight = true;
  try {
    (*m.handler)(request, out);
  } catch (const std::exception& e) {
    log::error("handler for {} {} threw: {}", request.method, request.path, e.what());
    out = ServerResponse{500, "application/json", json_error_body("internal error"), {}, {}};
  } catch (...) {
    out = ServerResponse{500, "application/json", json_error_body("internal error"), {}, {}};
  }
  return d;
}

}  // namespace cicada::http::server_detail
