#pragma once
// The generic server's test fixture: a few tiny handlers on an ephemeral loopback port, short limits.
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "http/server/http_server.hpp"

namespace cicada::http {

using namespace std::chrono_literals;

struct CountingObserver : ServerObserver {
  void on_response(std::size_t, std::size_t route, int status, std::chrono::nanoseconds) noexcept override {
    std::lock_guard lock(mutex);
    responses.emplace_back(route, status);
  }
  void on_rejected(std::size_t) noexcept override { ++rejected; }
  std::mutex mutex;
  std::vector<std::pair<std::size_t, int>> responses;
  std::atomic<int> rejected{0};
};

inline Router test_router(std::atomic<int>* slow_started = nullptr,
                          std::atomic<int>* slow_finished = nullptr) {
  Router r;
  r.add("GET", "/hello", [](const ServerRequest&, ServerResponse& out) { out.body = "hi"; });
  r.add("POST", "/echo", [](const ServerRequest& req, ServerResponse& out) {
    out.content_type = std::string(req.content_type);
    out.body = std::string(req.body);
    out.headers.emplace_back("X-Path", std::string(req.path));
  });
  r.add("GET", "/both", [](const ServerRequest&, ServerResponse& out) { out.body = "get"; });
  r.add("PUT", "/both", [](const ServerRequest&, ServerResponse& out) { out.body = "put"; });
  r.add("GET", "/slow", [slow_started, slow_finished](const ServerRequest&, ServerResponse& out) {
    if (slow_started != nullptr) ++*slow_started;
    std::this_thread::sleep_for(400ms);
    if (slow_finished != nullptr) ++*slow_finished;
    out.body = "slow";
  });
  r.add("GET", "/throw", [](const ServerRequest&, ServerResponse&) { throw std::runtime_error("boom"); });
  r.add("GET", "/worker", [](const ServerRequest& req, ServerResponse& out) {
    std::this_thread::sleep_for(20ms);  // keeps a worker busy so the next connection goes elsewhere
    out.body = std::to_string(req.worker);
  });
  return r;
}

inline ServerOptions test_options() {
  ServerOptions o;
  o.port = 0;
  o.threads = 2;
  o.max_body_bytes = 1024;
  o.max_header_bytes = 2048;
  o.request_timeout = 300ms;
  o.shutdown_grace = 3s;
  return o;
}

class ServerTest : public ::testing::Test {
 protected:
  void start(ServerOptions o = test_options()) {
    server_ =
        std::make_unique<HttpServer>(std::move(o), test_router(&slow_started_, &slow_finished_), &observer_);
    auto started = server_->start();
    ASSERT_TRUE(started.ok()) << started.error().message;
    port_ = server_->port();
  }
  std::atomic<int> slow_started_{0};
  std::atomic<int> slow_finished_{0};
  CountingObserver observer_;
  std::unique_ptr<HttpServer> server_;
  std::uint16_t port_ = 0;
};

}  // namespace cicada::http
