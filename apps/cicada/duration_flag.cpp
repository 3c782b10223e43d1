#include "duration_flag.hpp"

#include <CLI/CLI.hpp>

#include "base/duration.hpp"

namespace cicada::app {
namespace {

template <class Target>
CLI::Option* add(CLI::App& app, const std::string& names, Target& target, const std::string& help) {
  CLI::Option* option = app.add_option_function<std::string>(
      names,
      [&target, names](const std::string& text) {
        auto d = parse_duration(text);
        if (!d) throw CLI::ValidationError(names, d.error().message);
        target = *d;
      },
      help);
  return option->type_name("DURATION");
}

}  // namespace

CLI::Option* add_duration_flag(CLI::App& app, const std::string& names, std::chrono::microseconds& target,
                               const std::string& help) {
  return add(app, names, target, help);
}

CLI::Option* add_duration_flag(CLI::App& app, const std::string& names,
                               std::optional<std::chrono::microseconds>& target, const std::string& help) {
  return add(app, names, target, help);
}

}  // namespace cicada::app
