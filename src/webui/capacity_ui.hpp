#pragma once
// CapacityUi: the web UI of `cicada capacity` (without --headless): GET / is the capacity page
// (web/src/capacity.html: objectives, the steps table and the throughput-latency curve, drawn as each
// step ends), GET /capacity its data (CapacityBoard::json). The search starts with the command, not from
// a form: its settings are all on the command line, and the page only watches.
#include <cstdint>
#include <memory>
#include <string>

#include "base/result.hpp"
#include "http/server/http_server.hpp"
#include "webui/capacity_board.hpp"
#include "webui/ui_listen.hpp"

namespace cicada::webui {

using CapacityUiOptions = UiListen;

class CapacityUi {
 public:
  // board must outlive the UI.
  CapacityUi(const CapacityBoard& board, const CapacityUiOptions& options);
  ~CapacityUi();
  CapacityUi(const CapacityUi&) = delete;
  CapacityUi& operator=(const CapacityUi&) = delete;

  Result<void> start();  // listens; fails with a readable message (port in use...)
  std::string url() const;
  void stop();  // idempotent

 private:
  std::unique_ptr<http::HttpServer> server_;
  bool stopped_ = false;
};

}  // namespace cicada::webui
