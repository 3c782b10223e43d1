#pragma once
// A JSON document a run wrote (--json), as the tests read it.
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>

namespace cicada::testing {

// The file's document, or nullopt when there is no such file or it is not JSON.
inline std::optional<nlohmann::json> read_json_file(const std::filesystem::path& path) {
  std::ifstream file(path);
  if (!file) return std::nullopt;
  auto document = nlohmann::json::parse(file, nullptr, false);
  if (document.is_discarded()) return std::nullopt;
  return document;
}

}  // namespace cicada::testing
