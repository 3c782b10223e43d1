#pragma once
// The `payloads:` section of a scenario: named generators that requests refer to with `payload: NAME`.
//
//   payloads:
//     heart:   {random: {age: {int: [0, 120]}, oldpeak: {float: [0, 7]}, sex: {choice: [0, 1]}}}
//     missing: {invalid: drop_field, of: heart}
//     sample:  {file: ../data/payload.json}
#include <yaml-cpp/yaml.h>

#include <map>
#include <memory>
#include <string>

#include "scenario/payload_generator.hpp"
#include "scenario/yaml_context.hpp"

namespace cicada::scenario {

using PayloadTable = std::map<std::string, std::shared_ptr<const PayloadGenerator>, std::less<>>;

// Throws ScenarioFileError with the position of the offending node.
PayloadTable parse_payloads(const YamlContext& ctx, const YAML::Node& section);

}  // namespace cicada::scenario
