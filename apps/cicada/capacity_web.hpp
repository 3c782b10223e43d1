#pragma once
// The web UI of `cicada capacity` (webui/capacity_ui.hpp): served unless --headless, with the flags of a
// normal run's UI (--web-host, --web-port/-P, --web-auth). The search starts at once, as the command
// says (there is nothing to fill in: every setting is a flag); the page watches it step by step. After
// the search the UI stays up with the answer until SIGINT/SIGTERM, or --autoquit S seconds.
#include <memory>
#include <string>

#include "base/result.hpp"
#include "webui/capacity_board.hpp"
#include "webui/capacity_ui.hpp"

namespace CLI {
class App;
}

namespace cicada::app {

struct CapacityWebFlags {
  bool headless = false;
  webui::UiListen server;  // --web-host, --web-port, --web-auth, --tls-cert, --tls-key
  double autoquit_s = -1;  // < 0: serve until a signal
};

void add_capacity_web_flags(CLI::App& app, CapacityWebFlags& flags);

// The board and its server; absent in --headless runs.
class CapacityWeb {
 public:
  // Starts serving and prints "cicada web UI: URL" on stdout (as a normal run does, for --web-port 0).
  static Result<std::unique_ptr<CapacityWeb>> start(const CapacityWebFlags& flags,
                                                    webui::CapacitySetup setup);

  webui::CapacityBoard& board() { return board_; }
  // Blocks until SIGINT/SIGTERM or --autoquit, then stops the server.
  void serve_until_quit(double autoquit_s);

 private:
  explicit CapacityWeb(webui::CapacitySetup setup, const webui::CapacityUiOptions& options)
      : board_(std::move(setup)), ui_(board_, options) {}

  webui::CapacityBoard board_;
  webui::CapacityUi ui_;  // declared after board_: reads it until destroyed
};

}  // namespace cicada::app
