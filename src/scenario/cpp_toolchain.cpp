#include "scenario/cpp_toolchain.hpp"

#include <cstdlib>
#include <system_error>

#include "scenario/cpp_process.hpp"

namespace fs = std::filesystem;

namespace cicada::scenario {
namespace {

bool has_public_headers(const fs::path& dir) {
  std::error_code ec;
  return fs::is_regular_file(dir / "cicada" / "cicada.hpp", ec);
}

// The include/ folder of the tree the engine was built from, passed by CMake (src/scenario/CMakeLists.txt).
// Not derived from __FILE__: a compiler cache with a base directory (ccache base_dir) makes that relative.
fs::path source_tree_include_dir() { return fs::path(CICADA_SOURCE_INCLUDE_DIR); }

}  // namespace

std::vector<std::string> CppToolchain::command(const fs::path& source, const fs::path& output) const {
  std::vector<std::string> argv{compiler};
  argv.insert(argv.end(), flags.begin(), flags.end());
  argv.push_back("-o");
  argv.push_back(output.string());
  argv.push_back(source.string());
  return argv;
}

Result<fs::path> find_public_include_dir() {
  std::vector<fs::path> tried;
  if (const char* env = std::getenv("CICADA_INCLUDE_DIR"); env && *env) {
    if (has_public_headers(env)) return fs::path(env);
    return make_error(std::string("CICADA_INCLUDE_DIR=") + env + " holds no cicada/cicada.hpp");
  }
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    tried.push_back(exe.parent_path().parent_path() / "include");
    if (has_public_headers(tried.back())) return tried.back();
  }
  tried.push_back(source_tree_include_dir());
  if (has_public_headers(tried.back())) return tried.back();
  std::string where;
  for (const auto& t : tried) where += (where.empty() ? "" : ", ") + t.string();
  return make_error("cannot find the cicada headers (cicada/cicada.hpp) for C++ scenarios; looked in " +
                    where + "; set CICADA_INCLUDE_DIR");
}

Result<CppToolchain> find_cpp_toolchain() {
  CppToolchain tc;
  const char* cxx = std::getenv("CICADA_CXX");
  tc.compiler = cxx && *cxx ? cxx : "c++";
  auto include_dir = find_public_include_dir();
  if (!include_dir) return include_dir.error();
  tc.include_dir = std::move(*include_dir);

  auto version = run_process({tc.compiler, "--version"}, Capture::kStdout);
  if (!version || version->exit_code != 0) {
    return make_error("no C++ compiler for C++ scenarios: '" + tc.compiler +
                      " --version' failed (install g++, or set CICADA_CXX)");
  }
  tc.version = version->out.substr(0, version->out.find('\n'));
  // -O2: task code sits on the load generator's hot path. -fPIC -shared: a shared object for dlopen whose
  // references to the engine (Json, JsonPayload) stay undefined until the executable provides them.
  tc.flags = {"-std=c++20", "-O2", "-fPIC", "-shared", "-I" + tc.include_dir.string()};
  return tc;
}

}  // namespace cicada::scenario
