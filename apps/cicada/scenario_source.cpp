#include "scenario_source.hpp"

#include "scenario/cpp_loader.hpp"

namespace cicada::app {

Result<scenario::LoadedScenario> load_scenario_file(const std::filesystem::path& file) {
  const auto ext = file.extension().string();
  if (ext == ".yaml" || ext == ".yml") return scenario::load_yaml_scenario(file);
  if (ext == ".cpp" || ext == ".cc" || ext == ".cxx") return scenario::load_cpp_scenario(file);
  return make_error(file.string() + ": unsupported scenario type '" + ext +
                    "' (use a .yaml or .cpp scenario; see docs/scenarios.md, docs/cpp-scenarios.md)");
}

}  // namespace cicada::app
