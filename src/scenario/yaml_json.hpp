#pragma once
// YAML values as JSON: inline `json:` bodies, payload constants/choices and expected values of checks are
// written in YAML but sent or compared as JSON. Plain YAML scalars are typed the way a YAML 1.2 reader
// types them (null, true/false, integers, floats, else strings); quoted scalars are always strings, so
// `"42"` stays a string and `42` is a number.
#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <string>

#include "scenario/yaml_context.hpp"

namespace cicada::scenario {

struct JsonScalar {
  enum class Kind { kNull, kBool, kInt, kDouble, kString };
  Kind kind = Kind::kNull;
  bool boolean = false;
  std::int64_t integer = 0;
  double real = 0;
  std::string text;  // kString: the string itself

  bool is_number() const { return kind == Kind::kInt || kind == Kind::kDouble; }
  double as_double() const { return kind == Kind::kInt ? static_cast<double>(integer) : real; }
};

JsonScalar classify_scalar(const YAML::Node& scalar);
void append_scalar_json(std::string& out, const JsonScalar& value);
// Mappings become objects, lists arrays, scalars as classify_scalar says. Throws ScenarioFileError on
// YAML that has no JSON form (aliases to non-scalar keys, non-scalar keys).
void append_yaml_as_json(const YamlContext& ctx, const YAML::Node& node, std::string& out);

}  // namespace cicada::scenario
