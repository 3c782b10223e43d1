#pragma once
// JSON text of documents that carry bytes others chose (a host typed in the web form, a request name or
// error text from the target), which need not be UTF-8. nlohmann's dump() throws on such bytes (the web
// UI answered 500); this writes them as U+FFFD instead. The web UI, the run summary and the history use it.
#include <nlohmann/json.hpp>
#include <string>

namespace cicada::report {

inline std::string dump_json(const nlohmann::json& j, bool pretty = false) {
  return j.dump(pretty ? 2 : -1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace cicada::report
