#pragma once
// The built web UI (web/dist), compiled into the binary by web/embed_assets.cmake, so `cicada` serves its
// UI with no files beside it and no network access.
#include <span>
#include <string_view>

namespace cicada::webui {

struct EmbeddedAsset {
  std::string_view path;          // URL path: "/index.html", "/app.js", ...
  std::string_view content_type;  // Content-Type to serve it with
  std::string_view bytes;         // the file's content
};

// Every file of the built front end, sorted by path.
std::span<const EmbeddedAsset> embedded_assets();

}  // namespace cicada::webui
