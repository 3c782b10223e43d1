// YAML scenario files (src/scenario/yaml_loader): any text is a scenario or a "FILE:LINE:COLUMN: ..." error.
#include <filesystem>
#include <string>

#include "fuzz_support.hpp"
#include "scenario/yaml_loader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // A file that cannot exist: payload files named by the scenario resolve next to it and are not found.
  static const std::filesystem::path kFile = "/nonexistent-cicada-fuzz/scenario.yaml";
  auto loaded = cicada::scenario::load_yaml_scenario_text(cicada::fuzz::as_text(data, size), kFile);
  if (!loaded) {
    cicada::fuzz::require(!loaded.error().message.empty(), "an error says what is wrong");
  }
  return 0;
}
