#include "serving/progress.hpp"

#include <fmt/format.h>

#include <cstdio>

namespace cicada::serving {

void Progress::start(std::string phase) {
  phase_ = std::move(phase);
  started_ = last_ = Clock::now();
}

bool Progress::due() {
  if (!enabled_) return false;
  return Clock::now() - last_ >= std::chrono::seconds(1);
}

void Progress::line(std::string_view what) {
  if (!enabled_) return;
  last_ = Clock::now();
  fmt::print(stderr, "cicada-model train: {}: {}, {:.1f} s\n", phase_, what,
             std::chrono::duration<double>(last_ - started_).count());
  std::fflush(stderr);
}

void Progress::end(std::string_view what) { line(what); }

}  // namespace cicada::serving
