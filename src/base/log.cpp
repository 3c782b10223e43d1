#include "base/log.hpp"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cstdio>
#include <string>

#include "base/clock.hpp"

namespace cicada::log {
namespace {
// The one process-wide setting: written once by the app before threads start, read everywhere.
std::atomic<Level> g_level{Level::kInfo};
constexpr const char* kNames[] = {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"};
}  // namespace

void set_level(Level l) { g_level.store(l, std::memory_order_relaxed); }
Level level() { return g_level.load(std::memory_order_relaxed); }

bool parse_level(std::string_view name, Level& out) {
  std::string upper(name);
  std::transform(upper.begin(), upper.end(), upper.begin(), [](unsigned char c) { return std::toupper(c); });
  for (int i = 0; i < 5; ++i) {
    if (upper == kNames[i]) {
      out = static_cast<Level>(i);
      return true;
    }
  }
  return false;
}

void write(Level l, std::string_view message) {
  auto line = fmt::format("[{}] {}: {}\n", unix_seconds_now(), kNames[static_cast<int>(l)], message);
  std::fwrite(line.data(), 1, line.size(), stderr);
}

}  // namespace cicada::log
