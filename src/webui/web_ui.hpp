#pragma once
// WebUi: the web UI mode of cicada as one object: the test controller, the HTTP server with the API and
// the embedded front end, and a publisher thread that pushes a "stats" event to every open page each
// second (right after the runner closes a second) and at once after a swarm, stop or reset.
//
// The server runs on its own thread, apart from the engine's event loops, and reads only published
// snapshots: an open page costs the engine one JSON rendering a second, not a lock on its hot path.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "base/result.hpp"
#include "http/server/http_server.hpp"
#include "report/run_load.hpp"
#include "webui/event_hub.hpp"
#include "webui/test_controller.hpp"
#include "webui/ui_listen.hpp"

namespace cicada::webui {

// Where it listens (UiListen: host, port, auth, TLS), and the test UI's own settings.
struct WebUiOptions : UiListen {
  std::string scenario_file;              // shown in reports
  runner::TestRunSource* runs = nullptr;  // makes each test (a master's); null: in this process
  report::RunLoad base_load;              // what a configured shape is, for reports (report/run_load.hpp)
  // With no fresh second or command, open pages still get an event this often: a ready or stopped page
  // stays current and sees that its connection works. Tests lengthen it so that every event they read
  // was pushed by what they test, not by this timer.
  std::chrono::milliseconds keepalive_every{1000};
  // How long stop() lets requests in flight finish before it closes their connections. A test that
  // checks open event streams do not hold the shutdown makes it long, so only a held one reaches it.
  std::chrono::milliseconds shutdown_grace{2000};
};

class WebUi final : public TestListener {
 public:
  // outer (may be null) also gets every test's start, seconds and end (HTML/CSV writers of the app).
  WebUi(Scenario scenario, runner::RunOptions base, WebUiOptions options, TestListener* outer = nullptr);
  ~WebUi() override;
  WebUi(const WebUi&) = delete;
  WebUi& operator=(const WebUi&) = delete;

  // Listens and starts the publisher. Fails with a readable message (port in use...).
  Result<void> start();
  // "http://127.0.0.1:8089" ("https://" with TLS; the bound port when options.port was 0).
  std::string url() const;
  TestController& controller() { return *controller_; }
  const EventHub& hub() const { return hub_; }
  // Stops a running test, ends the event streams and the server. Idempotent.
  void stop();

  void on_test_start(const runner::RunDescription& run) override;
  void on_second(const stats::Snapshot& snap) override;
  void on_test_end(const stats::Snapshot& snap, const TestInfo& info) override;

 private:
  void wake_publisher();
  void publish_loop();

  WebUiOptions options_;
  TestListener* outer_;
  EventHub hub_;
  std::unique_ptr<TestController> controller_;
  std::unique_ptr<http::HttpServer> server_;

  std::mutex publish_mutex_;
  std::condition_variable publish_cv_;
  bool publish_now_ = false;
  bool stopping_ = false;
  std::thread publisher_;
};

}  // namespace cicada::webui
