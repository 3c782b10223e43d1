#pragma once
// The web UI's routes: Locust's JSON API where Locust has the route (same paths, fields and shapes),
// cicada's additions (/events, /stats/history, /stats/histogram, /config), and the embedded front end.
// Documented in docs/webui.md.
#include <string>

#include "http/server/router.hpp"
#include "report/html_report.hpp"
#include "webui/event_hub.hpp"
#include "webui/test_controller.hpp"

namespace cicada::webui {

struct WebApiOptions {
  std::string auth;           // "user:password": HTTP basic auth on every route but /static/; empty: none
  std::string listen_host;    // --web-host: on loopback, requests must name loopback (route_guard.hpp)
  std::string scenario_file;  // for reports and /config
  std::function<void()> on_change;  // called after a swarm, stop or reset (to push an event at once)
};

// Registers every route on router. controller and hub must outlive the server using the router.
void add_web_routes(http::Router& router, TestController& controller, EventHub& hub, WebApiOptions options);

// The current state as the one-line JSON the /events stream sends as its "stats" event.
std::string stats_event_data(const TestController& controller);

// GET /tasks: Locust's task ratio tables (scenario::task_ratios_json) for the latest test's users (the
// command line's before the first test; the weights' sums when a shape or arrival rate drives it).
std::string tasks_json(const TestController& controller);

// The HTML report's header fields from the latest test.
report::ReportInfo make_report_info(const TestController& controller, const std::string& scenario_file);

}  // namespace cicada::webui
