#pragma once
// Progress lines on stderr for the long phases of `cicada-model train` (reading the CSV, each CV fold,
// the boosting rounds), so a run over a big file says what it is doing instead of going quiet for
// minutes. Only for big inputs (the caller decides: docs/model.md, "Progress"), so small runs print
// nothing, and at most one line per second within a phase.
//
//   Progress progress(enabled);
//   progress.start("reading d.csv");
//   loop { if (progress.due()) progress.line(fmt::format("{} rows", n)); }  // "...: reading d.csv: 1200000
//   rows, 2.0 s" progress.end(fmt::format("{} rows", n));                                  // always, once
//   per phase
#include <chrono>
#include <string>
#include <string_view>

namespace cicada::serving {

class Progress {
 public:
  explicit Progress(bool enabled = false) : enabled_(enabled) {}

  bool enabled() const { return enabled_; }
  // A new phase: what it does, for the lines that follow.
  void start(std::string phase);
  // True when a line is due (a second since the last one). Reads the clock: a loop over rows asks every
  // so many rows.
  bool due();
  // "cicada-model train: <phase>: <what>, <seconds> s"
  void line(std::string_view what);
  // The phase's last line, printed whatever the time since the previous one.
  void end(std::string_view what);

 private:
  using Clock = std::chrono::steady_clock;
  bool enabled_;
  std::string phase_;
  Clock::time_point started_{}, last_{};
};

}  // namespace cicada::serving
