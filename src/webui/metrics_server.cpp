#include "webui/metrics_server.hpp"

#include "report/prometheus_exposition.hpp"

namespace cicada::webui {

using namespace std::chrono_literals;

MetricsServer::MetricsServer(std::string host, std::uint16_t port)
    : latest_(std::make_shared<const stats::Snapshot>()) {
  http::Router router;
  router.add("GET", "/metrics", [this](const http::ServerRequest&, http::ServerResponse& out) {
    out.content_type = report::kPrometheusContentType;
    out.body = report::prometheus_text(*latest());
  });
  http::ServerOptions so;
  so.host = std::move(host);
  so.port = port;
  so.threads = 1;  // a scraper or two: one loop, the cores stay with the engine
  so.server_name = "cicada-metrics";
  so.shutdown_grace = 2000ms;
  server_ = std::make_unique<http::HttpServer>(so, std::move(router));
}

MetricsServer::~MetricsServer() { stop(); }

Result<void> MetricsServer::start() { return server_->start(); }

std::string MetricsServer::url() const { return server_->url(); }

void MetricsServer::publish(const stats::Snapshot& snap) {
  auto copy = std::make_shared<stats::Snapshot>(snap);
  copy->history =
      {};  // /metrics reads the totals only; the history is shared anyway, this drops the reference
  std::lock_guard lock(mutex_);
  latest_ = std::move(copy);
}

std::shared_ptr<const stats::Snapshot> MetricsServer::latest() const {
  std::lock_guard lock(mutex_);
  return latest_;
}

void MetricsServer::stop() {
  if (!server_) return;
  server_->stop();
  server_->wait();
}

}  // namespace cicada::webui
