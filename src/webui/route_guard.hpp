#pragma once
// What every page of the web UI's servers shares: basic auth (when configured) plus Locust's CORS header
// on each route, and the embedded front end's files.
#include <string>
#include <string_view>

#include "http/server/router.hpp"

namespace cicada::webui {

// inner behind "Access-Control-Allow-Origin: *" and, when needs_auth and expected_auth (an Authorization
// header value, see basic_auth.hpp) is not empty, a 401 for any other Authorization.
http::Handler guard_route(std::string expected_auth, bool needs_auth, http::Handler inner);

// GET /static/<file> for every embedded file (no auth: the login prompt needs none of them) and GET / for
// the page `index` (e.g. "/index.html"), behind auth.
void add_asset_routes(http::Router& router, const std::string& expected_auth, std::string_view index);

}  // namespace cicada::webui
