#pragma once
// application/x-www-form-urlencoded bodies (POST /swarm) and query strings (?download=1).
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cicada::webui {

using FormFields = std::vector<std::pair<std::string, std::string>>;

// "a=1&b=x+y%21" -> {{"a","1"},{"b","x y!"}}; '+' is a space; a bad %-escape is kept as written.
FormFields parse_form(std::string_view text);
// The first value of name, if present.
std::optional<std::string> form_value(const FormFields& fields, std::string_view name);
// The query string of a request target ("/x?a=1" -> "a=1"), empty when there is none.
std::string_view query_of(std::string_view target);

}  // namespace cicada::webui
