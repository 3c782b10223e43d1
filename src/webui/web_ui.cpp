#include "webui/web_ui.hpp"

#include "webui/web_api.hpp"

namespace cicada::webui {

using namespace std::chrono_literals;

WebUi::WebUi(Scenario scenario, runner::RunOptions base, WebUiOptions options, TestListener* outer)
    : options_(std::move(options)), outer_(outer) {
  controller_ = std::make_unique<TestController>(std::move(scenario), std::move(base), this, options_.runs);
  controller_->set_base_load(options_.base_load);
  http::Router router;
  add_web_routes(
      router, *controller_, hub_,
      WebApiOptions{options_.auth, options_.host, options_.scenario_file, [this] { wake_publisher(); }});
  http::ServerOptions so = ui_server_options(options_);
  so.shutdown_grace = options_.shutdown_grace;
  server_ = std::make_unique<http::HttpServer>(so, std::move(router));
}

WebUi::~WebUi() { stop(); }

Result<void> WebUi::start() {
  if (auto r = server_->start(); !r) return r;
  publisher_ = std::thread([this] { publish_loop(); });
  return {};
}

std::string WebUi::url() const { return server_->url(); }

void WebUi::stop() {
  {
    std::lock_guard lock(publish_mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  publish_cv_.notify_all();
  if (publisher_.joinable()) publisher_.join();
  controller_->stop();
  controller_->wait_idle(60s);
  hub_.close_all();
  server_->stop();
  server_->wait();
}

void WebUi::wake_publisher() {
  {
    std::lock_guard lock(publish_mutex_);
    publish_now_ = true;
  }
  publish_cv_.notify_all();
}

void WebUi::publish_loop() {
  std::unique_lock lock(publish_mutex_);
  while (!stopping_) {
    // Woken right after the runner closes a second (fresh numbers) or by a command; the timeout keeps
    // ready/stopped pages alive and tells them the connection still works.
    publish_cv_.wait_for(lock, options_.keepalive_every, [&] { return publish_now_ || stopping_; });
    if (stopping_) break;
    publish_now_ = false;
    lock.unlock();
    if (hub_.subscribers() > 0) hub_.publish("stats", stats_event_data(*controller_));
    lock.lock();
  }
}

void WebUi::on_test_start(const runner::RunDescription& run) {
  if (outer_ != nullptr) outer_->on_test_start(run);
}

void WebUi::on_second(const stats::Snapshot& snap) {
  wake_publisher();
  if (outer_ != nullptr) outer_->on_second(snap);
}

void WebUi::on_test_end(const stats::Snapshot& snap, const TestInfo& info) {
  wake_publisher();
  if (outer_ != nullptr) outer_->on_test_end(snap, info);
}

}  // namespace cicada::webui
