#pragma once
// The check of a flag whose value names a file to write or a limit to judge (--json, --csv, --threshold,
// --slo ...): a blank value is refused. It is what an unset variable in a CI script gives (--json
// "$REPORT"), and taken as "none" it silently dropped the report or the check the job relies on.
#include <CLI/CLI.hpp>
#include <string>

namespace cicada::app {

inline const CLI::Validator kNotBlank(
    [](std::string& text) -> std::string {
      if (text.find_first_not_of(" \t") == std::string::npos) return "an empty value (an unset variable?)";
      return {};
    },
    "");

}  // namespace cicada::app
