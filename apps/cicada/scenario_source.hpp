#pragma once
// Loads a scenario file by its type: .yaml/.yml, .cpp (compiled), .py (a locustfile, src/python).
#include <filesystem>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "scenario/yaml_loader.hpp"

namespace cicada::app {

// What the command line says about the scenario beyond its file.
struct ScenarioChoice {
  std::vector<std::string> user_classes;        // keep only these user types (names); empty: all
  std::vector<std::string> tags, exclude_tags;  // a locustfile applies them inside TaskSets too
  std::string host;                             // --host (a locustfile's Environment.host)
  std::vector<std::string> extra_args;          // words cicada does not know: a locustfile's own arguments
  const struct CliOptions* cli = nullptr;       // the run settings a locustfile sees as parsed_options
};

Result<scenario::LoadedScenario> load_scenario_file(const std::filesystem::path& file,
                                                    const ScenarioChoice& choice = {});

}  // namespace cicada::app
