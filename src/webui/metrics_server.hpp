#pragma once
// MetricsServer: GET /metrics (Prometheus text, report/prometheus_exposition.hpp) on a port of its own, for a
// headless run (--metrics-port). The run's control thread publishes a snapshot each second; the server's
// own thread renders the latest on each scrape, so a scrape never touches the engine.
// (The web UI serves the same /metrics on its port, from its test controller.)
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "base/result.hpp"
#include "http/server/http_server.hpp"
#include "stats/snapshot.hpp"

namespace cicada::webui {

class MetricsServer {
 public:
  MetricsServer(std::string host, std::uint16_t port);
  ~MetricsServer();
  MetricsServer(const MetricsServer&) = delete;
  MetricsServer& operator=(const MetricsServer&) = delete;

  // Listens. Fails with a readable message (port in use...).
  Result<void> start();
  std::string url() const;  // "http://127.0.0.1:PORT"
  // Thread-safe; the snapshot's per-second history is not needed and is dropped.
  void publish(const stats::Snapshot& snap);
  void stop();

 private:
  std::shared_ptr<const stats::Snapshot> latest() const;

  mutable std::mutex mutex_;
  std::shared_ptr<const stats::Snapshot> latest_;
  std::unique_ptr<http::HttpServer> server_;
};

}  // namespace cicada::webui
