#pragma once
// Tests that keep other web sites out of the web UI. The user's own browser is the way in: a page on any
// site can make it send a form POST or a GET to the UI at 127.0.0.1 (neither needs a CORS preflight), so
// without these a page the user visits could start a test against a host of its choosing. A page whose DNS
// name was rebound to 127.0.0.1 is even same-origin to the browser; only the Host header it sends tells.
#include <string_view>

#include "http/server/server_types.hpp"

namespace cicada::webui {

// True when a server listening on host (a --web-host value) can be reached from this machine only:
// "localhost", 127.0.0.0/8 or ::1.
bool is_loopback_host(std::string_view host);

// True when a Host header names this machine's loopback: "localhost" (or a name under ".localhost", which
// browsers resolve to loopback themselves; a trailing dot or not), 127.0.0.0/8, [::1] or [::ffff:127.x],
// with any port. An empty Host (clients
// that are not browsers may send none) passes too.
bool host_header_is_loopback(std::string_view host_header);

// True when a browser says the request was made by a page of another origin: Sec-Fetch-Site other than
// "same-origin" or "none" (typed in the address bar, a bookmark); where the browser sends no
// Sec-Fetch-Site, an Origin (else a Referer) whose host and port are not the Host's, nor a reverse proxy's
// X-Forwarded-Host ("null" is another origin). Clients that are not browsers send none of these: false.
// Left open: a GET from a page that forbids its Referer, to a UI that browser does not call trustworthy
// (plain HTTP to another machine), carries nothing to tell it by.
bool from_another_origin(const http::RequestProvenance& provenance);

}  // namespace cicada::webui
