#pragma once
// The config file (./cicada.conf or --config FILE), as locust.conf: "key = value" lines, '#' and ';' start
// comment lines, [sections] are ignored. Keys are long flag names ('_' read as '-').
#include <map>
#include <string>
#include <string_view>
#include <utility>

namespace cicada::app {

// key -> (value, line number); a key given twice keeps its last value.
using ConfigSettings = std::map<std::string, std::pair<std::string, int>>;

// Parses the text of a config file; `path` is only used in messages. False with err ("PATH:LINE: ...") on
// the first line that is not a setting, a comment, a section or blank.
bool parse_config_text(std::string_view text, const std::string& path, ConfigSettings& out, std::string& err);

}  // namespace cicada::app
