#pragma once
// A real web UI (WebUi on an ephemeral loopback port) driving real tests against a real loopback target
// server that answers GET /health with "OK", plus a raw-socket reader for server-sent events.
#include <gtest/gtest.h>
#include <poll.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "../http_server/raw_http.hpp"
#include "http/server/http_server.hpp"
#include "scenario/yaml_loader.hpp"
#include "webui/web_ui.hpp"

namespace cicada::test {

using namespace std::chrono_literals;

// Users that GET /health every 10 ms: a few hundred requests a second, enough to see numbers move.
inline constexpr const char* kScenario = R"(
user_types:
  HealthUser:
    wait_time: constant(0.01)
    tasks:
      get_health:
        - get: /health
)";

class WebUiTest : public ::testing::Test {
 protected:
  void SetUp() override { start(""); }

  // shape: a load shape from the command line (the UI's tests then follow it). The target also answers
  // GET /missing with 404, for scenarios that need failures.
  void start(const std::string& auth, ShapeFn shape = {}, const char* scenario = kScenario) {
    http::Router router;
    router.add("GET", "/health", [this](const http::ServerRequest&, http::ServerResponse& out) {
      health_served_.fetch_add(1);
      out.body = "OK";
    });
    router.add("GET", "/missing", [](const http::ServerRequest&, http::ServerResponse& out) {
      out.status = 404;
      out.body = "no such thing";
    });
    // Answered once release_hold() is called: a user held in its task, so a stop lasts as long as the
    // test wants (with stop_timeout_). It holds the target's one thread, so only for scenarios of /hold.
    router.add("GET", "/hold", [this](const http::ServerRequest&, http::ServerResponse& out) {
      hold_entered_.fetch_add(1);
      std::unique_lock lock(hold_mutex_);
      hold_cv_.wait(lock, [this] { return hold_released_; });
      out.body = "OK";
    });
    http::ServerOptions so;
    so.port = 0;
    target_ = std::make_unique<http::HttpServer>(so, std::move(router));
    ASSERT_TRUE(target_->start());
    auto loaded = scenario::load_yaml_scenario_text(scenario, "webui_test.yaml");
    ASSERT_TRUE(loaded) << loaded.error().message;
    runner::RunOptions ro;
    ro.host = target_->url();
    ro.threads = 1;
    ro.shape = std::move(shape);
    ro.poisson_arrivals = poisson_arrivals_;
    ro.stop_timeout = stop_timeout_;
    ro.exclude_tags = exclude_tags_;
    webui::WebUiOptions wo;
    wo.port = 0;
    wo.auth = auth;
    wo.scenario_file = "webui_test.yaml";
    wo.keepalive_every = keepalive_every_;
    wo.shutdown_grace = shutdown_grace_;
    if (scenario_shape_) {
      loaded->scenario.shape = scenario_shape_;
      loaded->scenario.shape_name = "Steps";
    }
    ui_ = std::make_unique<webui::WebUi>(std::move(loaded->scenario), ro, wo);
    if (class_picker_) ui_->controller().enable_class_picker();
    ASSERT_TRUE(ui_->start());
  }

  void TearDown() override {
    release_hold();
    if (ui_) ui_->stop();
    if (target_) target_->stop();
  }

  std::uint16_t port() const {
    return static_cast<std::uint16_t>(std::stoi(ui_->url().substr(ui_->url().rfind(':') + 1)));
  }

  RawResponse get(const std::string& target, const std::string& extra_headers = "") {
    auto r = round_trip(port(), make_request("GET", target, {}, {}, extra_headers));
    EXPECT_TRUE(r.has_value()) << "no answer to GET " << target;
    return r.value_or(RawResponse{});
  }
  RawResponse post_form(const std::string& target, const std::string& form) {
    auto r = round_trip(port(), make_request("POST", target, form, "application/x-www-form-urlencoded"));
    EXPECT_TRUE(r.has_value()) << "no answer to POST " << target;
    return r.value_or(RawResponse{});
  }

  // Polls /stats/requests until pred(body) or the deadline; returns the last body.
  template <class Pred>
  std::string wait_stats(Pred pred, std::chrono::milliseconds timeout = 5s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::string body;
    while (std::chrono::steady_clock::now() < deadline) {
      body = get("/stats/requests").body;
      if (pred(body)) return body;
      std::this_thread::sleep_for(100ms);
    }
    return body;
  }

  void release_hold() {
    {
      std::lock_guard lock(hold_mutex_);
      hold_released_ = true;
    }
    hold_cv_.notify_all();
  }

  std::unique_ptr<http::HttpServer> target_;
  std::atomic<std::uint64_t> health_served_{0};  // GET /health answered by the target
  std::atomic<std::uint64_t> hold_entered_{0};   // GET /hold received by the target
  std::mutex hold_mutex_;
  std::condition_variable hold_cv_;
  bool hold_released_ = false;
  std::unique_ptr<webui::WebUi> ui_;
  std::chrono::milliseconds keepalive_every_ = 1s;  // WebUiOptions::keepalive_every, set before start()
  std::chrono::milliseconds shutdown_grace_ = 2s;   // WebUiOptions::shutdown_grace, set before start()
  bool poisson_arrivals_ = false;  // the command line's --arrival-distribution poisson, set before start()
  std::chrono::microseconds stop_timeout_{0};  // the command line's --stop-timeout, set before start()
  ShapeFn scenario_shape_;  // the scenario's own shape (a locustfile's LoadTestShape "Steps"), before start()
  bool class_picker_ = false;              // --class-picker, set before start()
  std::vector<std::string> exclude_tags_;  // --exclude-tags, set before start()
};

// Reads raw bytes from an open connection until `needle` has appeared `times` times or the deadline.
inline std::string read_until_count(int fd, const std::string& needle, int times,
                                    std::chrono::milliseconds timeout) {
  std::string got;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  auto count = [&] {
    int n = 0;
    for (auto p = got.find(needle); p != std::string::npos; p = got.find(needle, p + 1)) ++n;
    return n;
  };
  while (count() < times) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
    char buf[8192];
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    got.append(buf, static_cast<std::size_t>(n));
  }
  return got;
}

}  // namespace cicada::test
