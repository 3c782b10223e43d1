#pragma once
// The environment variables that carry settings (CICADA_USERS for --users, LOCUST_SPAWN_RATE), and the
// CICADA_* ones that set nothing. A typo (CICADA_USER for CICADA_USERS) would otherwise run
// the test with a default the user meant to change, and nothing would say so. Warned of, not refused as an
// unknown key of cicada.conf is: the environment is shared with other programs, and cicada's own tools read
// a few that are not flags (see kNotFlags in the .cpp).
#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace cicada::app {

// PREFIX + the long flag name upper-cased, '-' as '_': ("CICADA_", "spawn-rate") -> "CICADA_SPAWN_RATE".
std::string env_name(const std::string& prefix, const std::string& long_name);

// One warning per unknown CICADA_ variable of `environment` (NAME=VALUE strings, as environ), naming the
// variable the user likely meant when one is near.
std::vector<std::string> unknown_variable_warnings(const CLI::App& app, const char* const* environment);

// Whether a layer (a variable, a config file) may set the option of this long name: not --help or --config.
bool layerable(const std::string& long_name);
// The long flag names a layer may set (cicada.conf keys).
std::vector<std::string> layerable_names(const CLI::App& app);
// The flag's other name in Locust's variables (LOCUST_LOCUSTFILE for --scenario), also read as CICADA_*;
// the long name itself when it has none.
std::string locust_env_name(const std::string& long_name);

}  // namespace cicada::app
