#pragma once
// The two bits of JSON writing the server and its handlers need on hot paths: escaped strings and
// shortest round-trip numbers. (nlohmann would do it too, but allocates a DOM for every answer.)
#include <string>
#include <string_view>

namespace cicada::http {

// Appends s as a quoted JSON string, escaping quotes, backslashes and control characters.
void append_json_string(std::string& out, std::string_view s);

// Appends the shortest decimal text that reads back as exactly v. Non-finite values become null.
void append_json_number(std::string& out, double v);

// {"error": message, "fields": {}}: the body of every error the server itself produces.
std::string json_error_body(std::string_view message);

}  // namespace cicada::http
