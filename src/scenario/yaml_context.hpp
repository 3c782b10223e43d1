#pragma once
// Reading a scenario file with exact error positions: every accessor either returns a value of the
// expected shape or throws ScenarioFileError "FILE:LINE:COLUMN: expected X, got Y". The exception never
// leaves the loader (load_yaml_scenario turns it into a cicada::Error), so the rest of the code base sees
// Result<T> only.
#include <yaml-cpp/yaml.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cicada::scenario {

struct ScenarioFileError {
  std::string message;
};

// How a node looks, for the "got ..." half of a message: a quoted scalar, "a mapping", "a list"...
std::string describe_node(const YAML::Node& node);

class YamlContext {
 public:
  explicit YamlContext(std::filesystem::path file) : file_(std::move(file)) {}

  const std::filesystem::path& file() const { return file_; }
  // Relative paths inside a scenario (payload files) are relative to the scenario file's folder.
  std::filesystem::path resolve(std::string_view relative) const;

  [[noreturn]] void fail(const YAML::Mark& at, std::string_view expected, std::string_view got) const;
  [[noreturn]] void fail(const YAML::Node& at, std::string_view expected) const;
  std::string position(const YAML::Mark& at) const;

  // `node` must be a mapping whose keys are all in `allowed` and appear once; typos are reported with
  // the list of allowed keys instead of being silently ignored.
  void require_keys(const YAML::Node& node, std::string_view what,
                    std::initializer_list<std::string_view> allowed) const;
  void require_map(const YAML::Node& node, std::string_view what) const;
  // The value of `key` in the mapping, if present (found by scanning, which keeps key positions exact).
  static std::optional<YAML::Node> find(const YAML::Node& map, std::string_view key);

  std::string string(const YAML::Node& node, std::string_view what) const;
  double number(const YAML::Node& node, std::string_view what) const;
  std::int64_t integer(const YAML::Node& node, std::string_view what) const;
  bool boolean(const YAML::Node& node, std::string_view what) const;
  std::chrono::microseconds duration(const YAML::Node& node, std::string_view what) const;
  // A single string or a list of strings.
  std::vector<std::string> strings(const YAML::Node& node, std::string_view what) const;

 private:
  std::filesystem::path file_;
};

}  // namespace cicada::scenario
