#pragma once
// Loads a scenario file by its type (.yaml/.yml now; C++ .cpp scenarios plug in here).
#include <filesystem>

#include "base/result.hpp"
#include "scenario/yaml_loader.hpp"

namespace cicada::app {

Result<scenario::LoadedScenario> load_scenario_file(const std::filesystem::path& file);

}  // namespace cicada::app
