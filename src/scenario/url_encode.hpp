#pragma once
// Query strings from a YAML `query:` mapping, encoded once at load time.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cicada::scenario {

// Percent-encodes everything but RFC 3986 unreserved characters (space becomes %20).
void append_url_encoded(std::string& out, std::string_view text);
// path + "?k=v&k2=v2" ('&' instead of '?' when path already has a query).
std::string append_query(std::string path, const std::vector<std::pair<std::string, std::string>>& params);

}  // namespace cicada::scenario
