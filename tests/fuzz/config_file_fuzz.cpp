// cicada.conf (apps/cicada/config_file): "key = value" lines, comments, sections.
#include <string>

#include "config_file.hpp"
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using cicada::fuzz::require;
  cicada::app::ConfigSettings settings;
  std::string err;
  bool ok = cicada::app::parse_config_text(cicada::fuzz::as_text(data, size), "fuzz.conf", settings, err);
  require(ok == err.empty(), "an error is reported exactly when parsing fails");
  require(err.size() <= 512, "an error message is bounded");
  for (const auto& [key, value_line] : settings) {
    require(key.find('_') == std::string::npos, "keys use '-'");
    require(key.empty() || (key.front() != ' ' && key.back() != ' '), "keys are trimmed");
    require(value_line.second >= 1, "line numbers start at 1");
  }
  return 0;
}
