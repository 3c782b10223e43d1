#include "base/log.hpp"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <string>

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

namespace {

// Locust's log line, "[2024-01-01 12:00:00,123] hostname/INFO/cicada: message" (its logging format, local
// time with milliseconds), so that what reads Locust's logs reads cicada's; a locustfile's own `logging`
// writes the same format (src/python/py/locust/_loader.py).
std::string prefix(Level l) {
  static const std::string host = [] {
    char name[256] = {};
    return ::gethostname(name, sizeof name - 1) == 0 ? std::string(name) : std::string("localhost");
  }();
  const auto now = std::chrono::system_clock::now();
  const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm local{};
  ::localtime_r(&seconds, &local);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M:%S", &local);
  return fmt::format("[{},{:03}] {}/{}/cicada: ", stamp, ms, host, kNames[static_cast<int>(l)]);
}

}  // namespace

void write(Level l, std::string_view message) {
  std::string line = prefix(l);
  line.append(message);
  line += '\n';
  std::fwrite(line.data(), 1, line.size(), stderr);
}

}  // namespace cicada::log
