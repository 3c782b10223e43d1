#pragma once
// Minimal leveled logging to stderr. The level is set once at start-up by the app (--loglevel).
#include <fmt/format.h>

#include <string_view>

namespace cicada::log {

enum class Level { kDebug = 0, kInfo = 1, kWarning = 2, kError = 3, kCritical = 4 };

void set_level(Level level);
Level level();
// "DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL" (Locust's --loglevel names), case-insensitive.
bool parse_level(std::string_view name, Level& out);
void write(Level level, std::string_view message);

template <class... A>
void debug(fmt::format_string<A...> f, A&&... a) {
  if (level() <= Level::kDebug) write(Level::kDebug, fmt::format(f, std::forward<A>(a)...));
}
template <class... A>
void info(fmt::format_string<A...> f, A&&... a) {
  if (level() <= Level::kInfo) write(Level::kInfo, fmt::format(f, std::forward<A>(a)...));
}
template <class... A>
void warning(fmt::format_string<A...> f, A&&... a) {
  if (level() <= Level::kWarning) write(Level::kWarning, fmt::format(f, std::forward<A>(a)...));
}
template <class... A>
void error(fmt::format_string<A...> f, A&&... a) {
  if (level() <= Level::kError) write(Level::kError, fmt::format(f, std::forward<A>(a)...));
}

}  // namespace cicada::log
