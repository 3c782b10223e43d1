#pragma once
// The load-shape keys of a YAML scenario (docs/scenarios.md): `stages:`, `arrival_rate:`, `max_inflight:`,
// `arrival_distribution:`.
// Stages are checked here (with file:line:column) and handed on in the --stages syntax, which the
// runner parses (runner/stages.hpp), so the scenario layer need not know the runner's types.
#include <yaml-cpp/yaml.h>

#include "scenario/yaml_context.hpp"
#include "scenario/yaml_loader.hpp"

namespace cicada::scenario {

// Reads the keys present in the document root into settings; throws ScenarioFileError on a mistake.
void parse_shape_settings(const YamlContext& ctx, const YAML::Node& root, ScenarioSettings& settings);

}  // namespace cicada::scenario
