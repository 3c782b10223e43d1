#include "webui/route_guard.hpp"

#include "webui/basic_auth.hpp"
#include "webui/embedded_assets.hpp"
#include "webui/site_guard.hpp"

namespace cicada::webui {

namespace {

void refuse(http::ServerResponse& out, std::string message) {
  out.status = 403;
  out.content_type = "text/plain; charset=utf-8";
  out.body = std::move(message);
}

}  // namespace

RouteGuard RouteGuard::for_server(std::string_view auth, std::string_view listen_host) {
  return RouteGuard{auth.empty() ? std::string() : basic_auth_header(auth), is_loopback_host(listen_host)};
}

http::Handler guard_route(const RouteGuard& guard, RouteKind kind, http::Handler inner) {
  return [guard, kind, inner = std::move(inner)](const http::ServerRequest& req, http::ServerResponse& out) {
    if (kind != RouteKind::kChange) out.headers.emplace_back("Access-Control-Allow-Origin", "*");
    const std::optional<http::RequestProvenance> sent = req.provenance();
    if (!sent) {  // a transport that does not keep them (HTTP/2): nothing to check, so nothing passes
      return refuse(out, "Forbidden: the web UI answers HTTP/1.1 only.\n");
    }
    const http::RequestProvenance& from = *sent;
    if (guard.loopback_only && !host_header_is_loopback(from.host)) {
      return refuse(out,
                    "Forbidden: this web UI listens on loopback only and answers requests for localhost or a "
                    "loopback address, not for another Host (a page whose name was pointed at 127.0.0.1). "
                    "Use 127.0.0.1:<port> in the address, or --web-host to listen elsewhere.\n");
    }
    // Before auth: a 401 to another site's form would have the browser prompt for the UI's password.
    if (kind == RouteKind::kChange && from_another_origin(from)) {
      return refuse(out,
                    "Forbidden: a page of another web site asked this browser to start, stop or reset a test "
                    "here. Use the web UI's own page, or a client that is not a browser.\n");
    }
    if (kind != RouteKind::kAsset && !guard.expected_auth.empty() &&
        !authorization_matches(req.authorization, guard.expected_auth)) {
      out.status = 401;
      out.content_type = "text/html; charset=utf-8";
      out.headers.emplace_back("WWW-Authenticate", "Basic realm=\"\"");
      return;
    }
    inner(req, out);
  };
}

void add_asset_routes(http::Router& router, const RouteGuard& guard, std::string_view index) {
  for (const auto& asset : embedded_assets()) {
    auto serve = [&asset](const http::ServerRequest&, http::ServerResponse& out) {
      out.content_type = asset.content_type;
      out.body = asset.bytes;
    };
    if (asset.path == index) router.add("GET", "/", guard_route(guard, RouteKind::kRead, serve));
    router.add("GET", "/static" + std::string(asset.path), guard_route(guard, RouteKind::kAsset, serve));
  }
}

}  // namespace cicada::webui
