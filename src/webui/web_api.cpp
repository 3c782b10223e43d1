#include "webui/web_api.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <nlohmann/json.hpp>

#include "base/clock.hpp"
#include "base/duration.hpp"
#include "report/json_dump.hpp"
#include "report/locust_csv.hpp"
#include "report/prometheus_exposition.hpp"
#include "report/stream_tables.hpp"
#include "runner/stages.hpp"
#include "scenario/arrival_distribution.hpp"
#include "webui/form_decode.hpp"
#include "webui/route_guard.hpp"
#include "webui/stats_json.hpp"
#include "webui/workers_json.hpp"

namespace cicada::webui {
namespace {

using http::ServerRequest;
using http::ServerResponse;
using nlohmann::json;

constexpr const char* kJson = "application/json";
constexpr const char* kRunTimeHelp = "Valid run_time formats are : 20, 20s, 3m, 2h, 1h20m, 3h30m10s, etc.";

void reply_json(ServerResponse& out, std::string body, int status = 200) {
  out.status = status;
  out.content_type = kJson;
  out.body = std::move(body);
}

// A CSV or report download, named like Locust's (requests_<unix time>.csv).
void reply_download(ServerResponse& out, std::string body, std::string_view type, std::string_view stem,
                    std::string_view ext) {
  out.content_type = type;
  out.body = std::move(body);
  out.headers.emplace_back("Content-Disposition",
                           fmt::format("attachment;filename={}_{:.6f}.{}", stem, unix_seconds_now_f(), ext));
}

std::optional<double> parse_number(const std::optional<std::string>& text) {
  if (!text || text->empty()) return std::nullopt;
  double v = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
  if (ec != std::errc() || end != text->data() + text->size()) return std::nullopt;
  return v;
}

std::string strip_angle_brackets(std::string s) {
  std::erase_if(s, [](char c) { return c == '<' || c == '>'; });
  return s;
}

// A whole number of at least `min` written in digits, or none: "1e2" or "2.0" is not one (Locust reads
// user_count with Python's int(), which refuses them too). Out of long long's range: none.
std::optional<long long> parse_whole(const std::optional<std::string>& text, long long min) {
  if (!text || text->empty()) return std::nullopt;
  long long v = 0;
  const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
  if (ec != std::errc() || end != text->data() + text->size() || v < min) return std::nullopt;
  return v;
}

bool given(const std::optional<std::string>& field) { return field && !field->empty(); }

struct Api {
  TestController& controller;
  EventHub& hub;
  WebApiOptions options;

  void changed() const {
    if (options.on_change) options.on_change();
  }

  // The load fields of /swarm: Locust's user_count and spawn_rate, or cicada's arrival_rate, stages,
  // max_inflight and arrival_distribution. Users are required only when nothing else sets the load.
  Result<void> parse_load(const FormFields& form, SwarmRequest& s) const {
    const auto rate_field = form_value(form, "arrival_rate");
    const auto inflight_field = form_value(form, "max_inflight");
    s.stages = form_value(form, "stages").value_or("");
    std::erase_if(s.stages, [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; });
    if (given(rate_field)) {
      s.arrival_rate = parse_number(rate_field);
      // Not a number reads as NaN, which arrival_rate_problem refuses with the same words as 0 or less.
      if (auto problem = runner::arrival_rate_problem(s.arrival_rate.value_or(std::nan("")));
          !problem.empty())
        return make_error("arrival_rate " + problem);
    }
    if (given(inflight_field)) {
      const auto n = parse_whole(inflight_field, 1);
      if (!n || static_cast<double>(*n) > runner::kMaxUsers)
        return make_error(
            fmt::format("max_inflight must be a whole number from 1 to {:g}", runner::kMaxUsers));
      s.max_inflight = static_cast<std::size_t>(*n);
    }
    if (const auto distribution = form_value(form, "arrival_distribution"); given(distribution)) {
      s.poisson_arrivals = scenario::parse_arrival_distribution(*distribution);
      if (!s.poisson_arrivals) return make_error("arrival_distribution must be constant or poisson");
    }
    const bool users_needed = s.stages.empty() && !s.arrival_rate && !controller.runs_shape(s);
    const auto users_field = form_value(form, "user_count");
    const auto spawn_field = form_value(form, "spawn_rate");
    if (users_needed || given(users_field)) {
      const auto users = parse_whole(users_field, 0);
      if (!users || static_cast<double>(*users) > runner::kMaxUsers)
        return make_error(fmt::format("user_count must be a whole number from 0 to {:g}", runner::kMaxUsers));
      s.users = static_cast<int>(*users);
    } else {
      s.users = controller.base_options().users;
    }
    if (users_needed || given(spawn_field)) {
      const auto rate = parse_number(spawn_field);
      if (!rate || !(*rate > 0) || *rate > runner::kMaxUsers)
        return make_error(
            fmt::format("spawn_rate must be a number greater than 0, at most {:g}", runner::kMaxUsers));
      s.spawn_rate = *rate;
    } else {
      s.spawn_rate = controller.base_options().spawn_rate;
    }
    return {};
  }

  void swarm(const ServerRequest& req, ServerResponse& out) const {
    const FormFields form = parse_form(req.body);
    SwarmRequest s;
    s.host = strip_angle_brackets(form_value(form, "host").value_or(""));
    // --class-picker's fields (Locust's form): user_classes once per class picked, and shape_class.
    for (const auto& [key, value] : form)
      if (key == "user_classes" && !value.empty()) s.user_classes.push_back(value);
    if (auto shape = form_value(form, "shape_class"); given(shape)) s.shape_class = *shape;
    // A refusal applied nothing: it names the host in effect (the latest test's, or the command line's).
    const std::string host_shown = controller.info().host;
    auto fail = [&](std::string message, int status = 400) {
      reply_json(out,
                 report::dump_json(
                     json{{"success", false}, {"message", std::move(message)}, {"host", host_shown}}, true),
                 status);
    };
    // Picks before the load: whether users are needed depends on the shape picked.
    if (auto r = controller.check_picks(s); !r) return fail(r.error().message);
    if (auto r = parse_load(form, s); !r) return fail(r.error().message);
    if (auto rt = form_value(form, "run_time"); rt && !rt->empty()) {
      auto d = parse_duration(*rt);
      if (!d) return fail(kRunTimeHelp, 200);  // Locust answers 200 with success false here
      s.run_time = *d;
    }
    const auto done = controller.swarm(s);
    if (!done) return fail(done.error().message);
    // What was applied, and only that: the controller refuses what it cannot apply. Locust's message
    // also for a test that starts once the previous one has stopped (a script's stop then swarm), which
    // cicada's waiting_for_stop says.
    json answer{{"success", true},
                {"message", "Swarming started"},
                {"host", done->host},
                {"load_mode", to_string(done->load_mode)}};
    if (done->outcome == SwarmOutcome::kQueued) answer["waiting_for_stop"] = true;
    if (controller.class_picker()) {  // as Locust's: the classes the test runs, by name
      auto names = done->user_classes;
      std::sort(names.begin(), names.end());
      answer["user_classes"] = names;
    }
    if (s.run_time)  // whole seconds, as Locust's parse_timespan gives
      answer["run_time"] = std::chrono::duration_cast<std::chrono::seconds>(*s.run_time).count();
    reply_json(out, report::dump_json(answer, true));
    changed();
  }

  void histogram(const ServerRequest& req, ServerResponse& out) const {
    const FormFields q = parse_form(query_of(req.target));
    reply_json(out, histogram_json(*controller.snapshot(), form_value(q, "method").value_or(""),
                                   form_value(q, "name").value_or("Aggregated")));
  }

  void config(ServerResponse& out) const {
    const TestInfo info = controller.info();
    json j{{"host", info.host},
           {"users", info.users},
           {"spawn_rate", info.spawn_rate},
           {"run_time", info.run_time ? format_duration(*info.run_time) : ""},
           {"scenario", options.scenario_file},
           {"user_types", json::array()},
           // cicada's load settings: the start form hides users and rates when a shape is configured.
           {"shape_controlled", controller.shape_controlled()},
           {"shape_open_model", controller.shape_open_model()},
           {"shape", controller.shape_description()},
           {"load_mode", to_string(info.load_mode)},
           {"stages", info.stages},
           {"max_inflight", controller.base_options().max_inflight},
           {"arrival_distribution",
            scenario::arrival_distribution_name(controller.base_options().poisson_arrivals)}};
    for (const auto& t : controller.scenario()->user_types) j["user_types"].push_back(t.name);
    // Locust's --class-picker: the start form's choices of user classes and shape.
    j["class_picker"] = controller.class_picker();
    if (controller.class_picker()) {
      j["available_user_classes"] = controller.available_user_classes();
      j["available_shape_classes"] = controller.available_shape_classes();
    }
    reply_json(out, report::dump_json(j, true));
  }

  // As Locust's: ?download=... (any non-empty value) is an attachment; shown in the browser, the report
  // links its own download.
  void report(const ServerRequest& req, ServerResponse& out) const {
    const FormFields q = parse_form(query_of(req.target));
    const bool download = form_value(q, "download").value_or("") != "";
    report::ReportInfo info = make_report_info(controller, options.scenario_file);
    info.download_link = !download;
    std::string html = report::html_report(*controller.snapshot(), info);
    if (download) {
      reply_download(out, std::move(html), "text/html; charset=utf-8", "report", "html");
    } else {
      out.content_type = "text/html; charset=utf-8";
      out.body = std::move(html);
    }
  }

  void events(ServerResponse& out) const {
    out.content_type = "text/event-stream";
    out.headers.emplace_back("Cache-Control", "no-cache");
    out.headers.emplace_back("X-Accel-Buffering", "no");
    // Tell the browser to reconnect after 1 s if the stream drops.
    out.body = "retry: 1000\n\n";
    out.on_stream = [this](std::shared_ptr<http::ResponseStream> stream) {
      hub.add(std::move(stream), EventHub::format_event("stats", stats_event_data(controller)));
    };
  }
};

}  // namespace

LoadStatus load_status(const TestController& controller) {
  const TestInfo info = controller.info();
  LoadStatus load;
  load.mode = std::string(to_string(info.load_mode));
  load.arrival_rate = controller.arrival_rate();
  load.max_inflight = info.max_inflight;
  load.poisson_arrivals = info.load.poisson_arrivals;
  load.host = info.host;
  load.test_id = controller.test_id();
  return load;
}

std::string stats_event_data(const TestController& controller) {
  return with_workers(stats_requests_json(*controller.snapshot(), controller.state(), controller.started(),
                                          false, load_status(controller)),
                      controller.workers(), false);
}

std::string tasks_json(const TestController& controller) {
  const TestInfo info = controller.info();
  // Locust's web UI answers through Flask's jsonify, which sorts keys (its command line keeps the classes'
  // order): read back into nlohmann's sorted json.
  return json::parse(scenario::task_ratios_json(*controller.scenario(), controller.task_sets(),
                                                info.load_mode == LoadMode::kUsers ? info.users : 0, -1,
                                                false))
      .dump(2);
}

report::ReportInfo make_report_info(const TestController& controller, const std::string& scenario_file) {
  const TestInfo info = controller.info();
  report::ReportInfo r;
  r.host = info.host;
  r.scenario = scenario_file;
  r.start_unix_s = info.start_unix_s;
  r.end_unix_s = info.end_unix_s;
  r.load = info.load;
  if (const auto workers = controller.workers()) r.load.workers = static_cast<int>(workers->size());
  r.run_time = info.run_time ? format_duration(*info.run_time) : "";
  r.tasks_json = tasks_json(controller);
  return r;
}

void add_web_routes(http::Router& router, TestController& controller, EventHub& hub, WebApiOptions options) {
  auto api = std::make_shared<Api>(Api{controller, hub, std::move(options)});
  const RouteGuard guard = RouteGuard::for_server(api->options.auth, api->options.listen_host);
  auto get = [&](std::string_view path, http::Handler h) {
    router.add("GET", path, guard_route(guard, RouteKind::kRead, std::move(h)));
  };
  auto change = [&](std::string_view method, std::string_view path, http::Handler h) {
    router.add(method, path, guard_route(guard, RouteKind::kChange, std::move(h)));
  };
  auto snap = [api] { return api->controller.snapshot(); };

  add_asset_routes(router, guard, "/index.html");
  change("POST", "/swarm", [api](const ServerRequest& req, ServerResponse& out) { api->swarm(req, out); });
  change("GET", "/stop", [api](const ServerRequest&, ServerResponse& out) {
    api->controller.stop();
    reply_json(out, report::dump_json(json{{"message", "Test stopped"}, {"success", true}}, true));
    api->changed();
  });
  change("GET", "/stats/reset", [api](const ServerRequest&, ServerResponse& out) {
    api->controller.reset_stats();
    out.body = "ok";
    api->changed();
  });
  get("/stats/requests", [api](const ServerRequest&, ServerResponse& out) {
    reply_json(
        out, with_workers(stats_requests_json(*api->controller.snapshot(), api->controller.state(),
                                              api->controller.started(), true, load_status(api->controller)),
                          api->controller.workers(), true));
  });
  get("/stats/requests/csv", [snap](const ServerRequest&, ServerResponse& out) {
    reply_download(out, report::stats_csv(*snap()), "text/csv", "requests", "csv");
  });
  get("/stats/requests_full_history/csv", [snap](const ServerRequest&, ServerResponse& out) {
    // Every entry's rows, as the route's name (and docs/webui.md) says, with or without --csv-full-history:
    // the web UI's tests always keep per-entry history (web_command.cpp).
    reply_download(out, report::stats_history_csv(*snap(), true), "text/csv", "requests_full_history", "csv");
  });
  // cicada's: the _streams.csv of --csv (empty when nothing streamed; the UI links it only after a stream).
  get("/stats/streams/csv", [snap](const ServerRequest&, ServerResponse& out) {
    reply_download(out, report::streams_csv(*snap()), "text/csv", "streams", "csv");
  });
  get("/stats/failures/csv", [snap](const ServerRequest&, ServerResponse& out) {
    reply_download(out, report::failures_csv(*snap()), "text/csv", "failures", "csv");
  });
  get("/exceptions",
      [snap](const ServerRequest&, ServerResponse& out) { reply_json(out, exceptions_json(*snap())); });
  get("/exceptions/csv", [snap](const ServerRequest&, ServerResponse& out) {
    reply_download(out, report::exceptions_csv(*snap()), "text/csv", "exceptions", "csv");
  });
  get("/tasks",
      [api](const ServerRequest&, ServerResponse& out) { reply_json(out, tasks_json(api->controller)); });
  get("/stats/report", [api](const ServerRequest& req, ServerResponse& out) { api->report(req, out); });
  get("/stats/history",
      [snap](const ServerRequest&, ServerResponse& out) { reply_json(out, history_json(*snap())); });
  get("/stats/histogram", [api](const ServerRequest& req, ServerResponse& out) { api->histogram(req, out); });
  get("/config", [api](const ServerRequest&, ServerResponse& out) { api->config(out); });
  // Live metrics for Prometheus and Grafana while a test runs (report/prometheus_exposition.hpp).
  get("/metrics", [snap](const ServerRequest&, ServerResponse& out) {
    out.content_type = report::kPrometheusContentType;
    out.body = report::prometheus_text(*snap());
  });
  get("/events", [api](const ServerRequest&, ServerResponse& out) { api->events(out); });
}

}  // namespace cicada::webui
