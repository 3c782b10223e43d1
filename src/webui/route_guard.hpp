#pragma once
// What every route of the web UI's servers passes before its handler: the Host check against DNS
// rebinding, basic auth (when configured), the check against other sites for routes that change
// something, and Locust's CORS header on routes that only read; plus the embedded front end's files.
#include <string>
#include <string_view>

#include "http/server/router.hpp"

namespace cicada::webui {

struct RouteGuard {
  std::string expected_auth;   // the Authorization header value to require (basic_auth.hpp); empty: none
  bool loopback_only = false;  // the server listens on loopback only: a Host must name loopback

  // auth: --web-auth's "user:password" (empty: none); listen_host: --web-host.
  static RouteGuard for_server(std::string_view auth, std::string_view listen_host);
};

enum class RouteKind {
  kAsset,   // the front end's files: no auth (the login prompt needs none of them)
  kRead,    // answers what is there: "Access-Control-Allow-Origin: *", as Locust, so other pages may read
  kChange,  // starts, stops or resets something: refused (403) to a request a page of another origin made
};

// inner behind the guard, in this order: a 403 for a Host that is not loopback when guard.loopback_only,
// a 403 for a kChange request from another origin (site_guard.hpp), and a 401 with "WWW-Authenticate" for
// any other Authorization than guard.expected_auth (but for kAsset).
http::Handler guard_route(const RouteGuard& guard, RouteKind kind, http::Handler inner);

// GET /static/<file> for every embedded file (kAsset) and GET / for the page `index` (e.g.
// "/index.html"), as kRead.
void add_asset_routes(http::Router& router, const RouteGuard& guard, std::string_view index);

}  // namespace cicada::webui
