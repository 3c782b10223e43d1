#include "webui/route_guard.hpp"

#include "webui/basic_auth.hpp"
#include "webui/embedded_assets.hpp"

namespace cicada::webui {

http::Handler guard_route(std::string expected_auth, bool needs_auth, http::Handler inner) {
  return [expected_auth = std::move(expected_auth), needs_auth, inner = std::move(inner)](
             const http::ServerRequest& req, http::ServerResponse& out) {
    out.headers.emplace_back("Access-Control-Allow-Origin", "*");
    if (needs_auth && !expected_auth.empty() && !authorization_matches(req.authorization, expected_auth)) {
      out.status = 401;
      out.content_type = "text/html; charset=utf-8";
      out.headers.emplace_back("WWW-Authenticate", "Basic realm=\"\"");
      return;
    }
    inner(req, out);
  };
}

void add_asset_routes(http::Router& router, const std::string& expected_auth, std::string_view index) {
  for (const auto& asset : embedded_assets()) {
    auto serve = [&asset](const http::ServerRequest&, http::ServerResponse& out) {
      out.content_type = asset.content_type;
      out.body = asset.bytes;
    };
    if (asset.path == index) router.add("GET", "/", guard_route(expected_auth, true, serve));
    router.add("GET", "/static" + std::string(asset.path), guard_route(expected_auth, false, serve));
  }
}

}  // namespace cicada::webui
