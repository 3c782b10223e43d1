#pragma once
// The two bits of JSON writing the server and its handlers need on hot paths: escaped strings and
// shortest round-trip numbers. (nlohmann would do it too, but allocates a DOM for every answer.)
#include <string>
#include <string_view>

namespace cicada::http {

// Appends s as a quoted JSON string, escaping quotes, backslashes and control characters. Bytes that are
// not well-formed UTF-8 become \ufffd, so echoing a client's bytes (a path, a header) stays valid JSON.
void append_json_string(std::string& out, std::string_view s);

// s cut to at most max_bytes (plus a "..." that marks the cut) without splitting a UTF-8 sequence: how a
// client's bytes are echoed in an error, so a 100 KB name cannot make a 100 KB error.
std::string clip_utf8(std::string_view s, std::size_t max_bytes);

// Appends the shortest decimal text that reads back as exactly v. Non-finite values become null.
void append_json_number(std::string& out, double v);

// {"error": message, "fields": {}}: the body of every error the server itself produces.
std::string json_error_body(std::string_view message);

}  // namespace cicada::http
