#pragma once
// What compiles a C++ scenario: the system compiler, its flags, and where the public headers are.
//
// The compiler is $CICADA_CXX, else `c++`. The headers (include/cicada/) are found, in order, at
// $CICADA_INCLUDE_DIR, next to the executable as installed (<prefix>/bin/cicada -> <prefix>/include),
// or in the source tree this engine was built from (a build-tree binary).
#include <filesystem>
#include <string>
#include <vector>

#include "base/result.hpp"

namespace cicada::scenario {

struct CppToolchain {
  std::string compiler;               // program name or path, looked up in PATH
  std::string version;                // first line of `compiler --version`: part of the cache key
  std::filesystem::path include_dir;  // the folder holding cicada/cicada.hpp
  std::vector<std::string> flags;     // everything but the output and input files

  // The full command line for compiling `source` into the shared object `output`.
  std::vector<std::string> command(const std::filesystem::path& source,
                                   const std::filesystem::path& output) const;
};

Result<CppToolchain> find_cpp_toolchain();

// The folder holding cicada/cicada.hpp by the rules above, or an error naming where it looked.
Result<std::filesystem::path> find_public_include_dir();

}  // namespace cicada::scenario
