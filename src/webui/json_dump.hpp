#pragma once
// The web UI's JSON text: what it sends carries bytes others chose (a host typed in the form, a request
// name or error text from the target), which need not be UTF-8. nlohmann's dump() throws on such bytes,
// which the server turned into a 500; this writes them as U+FFFD instead.
#include <nlohmann/json.hpp>
#include <string>

namespace cicada::webui {

inline std::string dump_json(const nlohmann::json& j, bool pretty = false) {
  return j.dump(pretty ? 2 : -1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace cicada::webui
