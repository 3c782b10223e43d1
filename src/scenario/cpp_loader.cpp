#include "scenario/cpp_loader.hpp"

#include <dlfcn.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <iostream>
#include <sstream>

#include "base/clock.hpp"
#include "base/log.hpp"
#include "cicada/scenario.hpp"
#include "scenario/cpp_api_link.hpp"
#include "scenario/cpp_cache.hpp"
#include "scenario/cpp_process.hpp"
#include "scenario/cpp_toolchain.hpp"

namespace fs = std::filesystem;

namespace cicada::scenario {
namespace {

double ms_since(MonoTime start) {
  return std::chrono::duration<double, std::milli>(mono_now() - start).count();
}

// The compiler's first "error:" line (gcc and clang both write "file:line:col: error: ..."), or "".
std::string first_error_line(const std::string& diagnostics) {
  std::istringstream in(diagnostics);
  for (std::string line; std::getline(in, line);)
    if (line.find("error:") != std::string::npos) return line;
  return "";
}

// Compiles into a private temporary name, then renames: a concurrent run never sees half an object.
Result<void> compile(const fs::path& file, const CppToolchain& tc, const fs::path& object) {
  std::error_code ec;
  fs::create_directories(object.parent_path(), ec);
  if (ec) return make_error("cannot create " + object.parent_path().string() + ": " + ec.message());
  const fs::path tmp = object.string() + ".tmp." + std::to_string(getpid());
  // The diagnostics are captured, then printed whole: the user sees them as the compiler wrote them, and
  // the error carries the first one (a distributed worker sends only its error to the master).
  auto outcome = run_process(tc.command(file, tmp), Capture::kStderr);
  if (!outcome) return outcome.error();
  std::cerr << outcome->out << std::flush;
  if (outcome->exit_code != 0) {
    fs::remove(tmp, ec);
    const std::string first = first_error_line(outcome->out);
    return make_error(file.string() + ": compilation failed (" + tc.compiler + " exited with code " +
                      std::to_string(outcome->exit_code) + ")" + (first.empty() ? "" : ": " + first));
  }
  fs::rename(tmp, object, ec);
  if (ec) return make_error("cannot store " + object.string() + ": " + ec.message());
  return {};
}

// RTLD_NOW: an unresolved symbol is reported here, not in the middle of a run. RTLD_NODELETE: see the
// header, the object stays for the life of the process.
struct Entry {  // a struct, not the bare pointer: Result<function pointer> trips -Wshadow in g++ 12
  ScenarioEntryFn fn;
};

Result<Entry> open_entry(const fs::path& object, const fs::path& file) {
  void* handle = dlopen(object.c_str(), RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
  if (!handle) return make_error(file.string() + ": cannot load the compiled scenario: " + dlerror());
  void* entry = dlsym(handle, CICADA_SCENARIO_ENTRY_NAME);
  if (!entry) {
    return make_error(
        file.string() +
        ": defines no scenario: add `CICADA_SCENARIO(scenario) { scenario.user<MyUser>(\"MyUser\")"
        ".task(...); }` (see docs/cpp-scenarios.md)");
  }
  return Entry{reinterpret_cast<ScenarioEntryFn>(entry)};
}

}  // namespace

Result<LoadedScenario> load_cpp_scenario(const fs::path& file) {
  detail::link_public_api();
  const MonoTime start = mono_now();
  std::ifstream in(file, std::ios::binary);
  if (!in) return make_error(file.string() + ": cannot open the scenario file");
  std::ostringstream text;
  text << in.rdbuf();

  auto tc = find_cpp_toolchain();
  if (!tc) return tc.error();
  auto dir = cpp_cache_dir();
  if (!dir) return dir.error();
  auto key = cpp_cache_key(text.str(), *tc);
  if (!key) return key.error();
  const fs::path object = *dir / (*key + ".so");

  std::error_code ec;
  const bool cached = fs::exists(object, ec);
  if (!cached) {
    log::info("Compiling {} with {}", file.string(), tc->compiler);
    log::debug("Compiler: {}, headers from {}", tc->version, tc->include_dir.string());
    if (auto r = compile(file, *tc, object); !r) return r.error();
  }
  auto entry = open_entry(object, file);
  if (!entry) return entry.error();

  LoadedScenario loaded;
  loaded.scenario.source = file.string();
  std::string error;
  if (!entry->fn(&loaded.scenario, &error)) {
    return make_error(file.string() + ": CICADA_SCENARIO body failed: " + error);
  }
  if (loaded.scenario.user_types.empty()) {
    return make_error(file.string() + ": CICADA_SCENARIO defines no user type (scenario.user<T>(\"Name\"))");
  }
  log::info("Loaded C++ scenario {} in {:.0f} ms ({})", file.string(), ms_since(start),
            cached ? "cached" : "compiled");
  return loaded;
}

}  // namespace cicada::scenario
