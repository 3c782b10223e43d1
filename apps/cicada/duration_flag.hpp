#pragma once
// Flags that take a human duration ("20", "20s", "1m30s", "500ms"; base/duration.hpp) straight into a
// RunOptions field, so a duration option needs no string field and no parsing step of its own. A bad
// value is a usage error naming the flag (exit 2).
#include <chrono>
#include <optional>
#include <string>

namespace CLI {
class App;
class Option;
}  // namespace CLI

namespace cicada::app {

CLI::Option* add_duration_flag(CLI::App& app, const std::string& names, std::chrono::microseconds& target,
                               const std::string& help);
CLI::Option* add_duration_flag(CLI::App& app, const std::string& names,
                               std::optional<std::chrono::microseconds>& target, const std::string& help);

}  // namespace cicada::app
