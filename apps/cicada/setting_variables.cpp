#include "setting_variables.hpp"

#include <algorithm>
#include <cctype>
#include <string_view>

#include "base/closest_name.hpp"

namespace cicada::app {
namespace {

constexpr std::string_view kPrefix = "CICADA_";

// CICADA_ variables that are not flags: the C++ scenario toolchain's (docs/cpp-scenarios.md), the benchmarks'
// extra flags (bench/), and the tests' switches (CICADA_TEST_*).
constexpr std::string_view kNotFlags[] = {"CICADA_INCLUDE_DIR", "CICADA_CXX", "CICADA_FLAGS"};

constexpr std::string_view kTestPrefix = "CICADA_TEST_";

}  // namespace

std::string env_name(const std::string& prefix, const std::string& long_name) {
  std::string out = prefix;
  for (char c : long_name)
    out += c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::string locust_env_name(const std::string& long_name) {
  if (long_name == "scenario") return "locustfile";            // LOCUST_LOCUSTFILE
  if (long_name == "class-picker") return "userclass-picker";  // LOCUST_USERCLASS_PICKER
  return long_name;
}

bool layerable(const std::string& long_name) {
  return !long_name.empty() && long_name != "help" && long_name != "config";
}

std::vector<std::string> layerable_names(const CLI::App& app) {
  std::vector<std::string> out;
  for (const CLI::Option* opt : app.get_options()) {
    const std::string name = opt->get_single_name();
    if (layerable(name)) out.push_back(name);
  }
  return out;
}

std::vector<std::string> unknown_variable_warnings(const CLI::App& app, const char* const* environment) {
  std::vector<std::string> known;  // the part after CICADA_: each flag's name, and its Locust name
  for (const auto& name : layerable_names(app)) {
    known.push_back(env_name("", name));
    if (locust_env_name(name) != name) known.push_back(env_name("", locust_env_name(name)));
  }
  std::vector<std::string> out;
  for (; environment && *environment; ++environment) {
    const std::string_view entry = *environment;
    const std::string variable(entry.substr(0, entry.find('=')));
    if (variable.rfind(kPrefix, 0) != 0 || variable.rfind(kTestPrefix, 0) == 0) continue;
    if (std::find(std::begin(kNotFlags), std::end(kNotFlags), variable) != std::end(kNotFlags)) continue;
    const std::string rest = variable.substr(kPrefix.size());
    if (std::find(known.begin(), known.end(), rest) != known.end()) continue;
    std::string warning = variable + " sets nothing: cicada has no such setting";
    if (rest == "CONFIG") warning += " (a config file is given with --config)";
    if (auto near = closest_name(rest, known))
      warning += "; did you mean " + std::string(kPrefix) + *near + "?";
    out.push_back(warning + " It is ignored.");
  }
  std::sort(out.begin(), out.end());  // the environment's order is no order
  return out;
}

}  // namespace cicada::app
