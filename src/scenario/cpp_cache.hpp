#pragma once
// Where compiled C++ scenarios are kept: $XDG_CACHE_HOME/cicada/scenarios/<key>.so (default
// ~/.cache/cicada), the key a SHA-256 of everything that decides the object's contents: the scenario's
// text, the compiler's version, the flags, and the public headers it was compiled against (so an
// upgraded cicada never loads an object built for other headers).
#include <filesystem>
#include <string>
#include <string_view>

#include "base/result.hpp"
#include "scenario/cpp_toolchain.hpp"

namespace cicada::scenario {

// The cache folder (not created here).
Result<std::filesystem::path> cpp_cache_dir();

// Hex SHA-256 over the inputs above.
Result<std::string> cpp_cache_key(std::string_view source_text, const CppToolchain& toolchain);

}  // namespace cicada::scenario
