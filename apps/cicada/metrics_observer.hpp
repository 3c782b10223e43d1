#pragma once
// --metrics-port PORT in a headless run: Prometheus's GET /metrics on its own port (webui/metrics_server),
// fed each second and at the end. (Without --headless the web UI's port serves /metrics itself.)
#include "run_observer.hpp"
#include "webui/metrics_server.hpp"

namespace cicada::app {

class MetricsObserver final : public RunObserver {
 public:
  explicit MetricsObserver(webui::MetricsServer& server) : server_(server) {}
  void on_second(const stats::Snapshot& snap) override { server_.publish(snap); }
  int on_finish(const stats::Snapshot& snap) override {
    server_.publish(snap);
    return 0;
  }

 private:
  webui::MetricsServer& server_;
};

}  // namespace cicada::app
