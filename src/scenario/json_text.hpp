#pragma once
// Small JSON writing helpers shared by the YAML loader (inline `json:` bodies, constants, choices) and
// the payload generators. They append into a caller-owned std::string so that generators reuse one
// buffer per user and never allocate once it has grown to the payload size.
#include <cstdint>
#include <string>
#include <string_view>

namespace cicada::scenario {

// Appends `text` as a quoted JSON string (escapes quotes, backslashes and control characters).
void append_json_string(std::string& out, std::string_view text);
// Appends an integer / a double in their shortest exact decimal form (no allocation: std::to_chars).
// Non-finite doubles have no JSON form and are written as null.
void append_json_int(std::string& out, std::int64_t value);
void append_json_double(std::string& out, double value);

}  // namespace cicada::scenario
