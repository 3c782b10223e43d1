#include "scenario_source.hpp"

namespace cicada::app {

Result<scenario::LoadedScenario> load_scenario_file(const std::filesystem::path& file) {
  const auto ext = file.extension().string();
  if (ext == ".yaml" || ext == ".yml") return scenario::load_yaml_scenario(file);
  return make_error(file.string() + ": unsupported scenario type '" + ext +
                    "' (use a .yaml scenario; see docs/scenarios.md)");
}

}  // namespace cicada::app
