#pragma once
// load_cpp_scenario: `cicada -f scenario.cpp`. Compiles the file with the system compiler into a shared
// object (or finds it in the cache, see cpp_cache.hpp), loads it into this process and calls its
// CICADA_SCENARIO body to learn the user types, which then run on the same engine as YAML scenarios.
//
// A compile error leaves the compiler's own messages on stderr (file:line: error: ...) and returns an
// error; no load starts. The shared object is never unloaded: the user types' code lives in it and
// users may run until the process ends.
#include <filesystem>

#include "base/result.hpp"
#include "scenario/yaml_loader.hpp"

namespace cicada::scenario {

Result<LoadedScenario> load_cpp_scenario(const std::filesystem::path& file);

}  // namespace cicada::scenario
