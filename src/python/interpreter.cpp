// g++ 12 at -O2 reports false "potential null pointer dereference" inside pybind11's and libstdc++'s
// inlined containers (the check runs in the middle end), so it is off for the files that use pybind11.
#pragma GCC diagnostic ignored "-Wnull-dereference"

#include "python/interpreter.hpp"

#include <pybind11/embed.h>

#include <mutex>

#include "python/embedded_modules.hpp"

namespace py = pybind11;

namespace cicada::python {
namespace {

thread_local PyThreadState* t_state = nullptr;  // this thread's own thread state, kept for good
thread_local int t_depth = 0;

// A meta path finder serving cicada's embedded packages before sys.path is searched, so that
// `import locust` in a locustfile is cicada's even where Locust itself is installed.
constexpr const char* kFinder = R"py(
import importlib.abc, importlib.util, sys

class CicadaFinder(importlib.abc.MetaPathFinder, importlib.abc.InspectLoader):
    def __init__(self, modules):
        self.modules = modules  # name -> (path, is_package, source)

    def find_spec(self, name, path=None, target=None):
        entry = self.modules.get(name)
        if entry is None:
            return None
        spec = importlib.util.spec_from_loader(name, self, origin="<cicada>/" + entry[0], is_package=entry[1])
        spec.has_location = True
        return spec

    def get_source(self, name):
        return self.modules[name][2]

    def get_code(self, name):
        path, _, source = self.modules[name]
        return compile(source, "<cicada>/" + path, "exec", dont_inherit=True)

    def is_package(self, name):
        return self.modules[name][1]

    def exec_module(self, module):
        entry = self.modules[module.__name__]
        module.__file__ = "<cicada>/" + entry[0]
        exec(self.get_code(module.__name__), module.__dict__)

for name in [n for n in sys.modules if n == "locust" or n.startswith("locust.") or n == "gevent" or n.startswith("gevent.")]:
    del sys.modules[name]
sys.meta_path.insert(0, CicadaFinder(MODULES))
)py";

// An active virtualenv (VIRTUAL_ENV, as `activate` and CI's setup steps set it) of this Python version: its
// packages are added after the system's, so a locustfile's own imports (faker, boto3...) are found there
// while the standard library and greenlet stay those of the interpreter cicada is linked against.
constexpr const char* kVirtualEnv = R"py(
import os, site, sys
venv = os.environ.get("VIRTUAL_ENV")
if venv:
    packages = os.path.join(venv, "lib", "python%d.%d" % sys.version_info[:2], "site-packages")
    if os.path.isdir(packages):
        site.addsitedir(packages)
)py";

Result<void> start_once() {
  try {
    // As pybind11's default, except for the interpreter's own path: left unset, Python takes the first
    // python3 on PATH (a virtualenv's, pyenv's) as its home and loses Debian's dist-packages and greenlet.
    PyConfig config;
    PyConfig_InitIsolatedConfig(&config);
    config.isolated = 0;
    config.use_environment = 1;
    config.install_signal_handlers = 0;
    const PyStatus status = PyConfig_SetBytesString(&config, &config.executable, CICADA_PYTHON_EXECUTABLE);
    if (PyStatus_Exception(status)) {
      PyConfig_Clear(&config);
      return make_error("cannot start the embedded Python interpreter: no memory for its configuration");
    }
    py::initialize_interpreter(&config);
  } catch (const std::exception& e) {
    return make_error(std::string("cannot start the embedded Python interpreter: ") + e.what());
  }
  try {
    py::dict modules;
    for (const auto& m : embedded_modules()) {
      modules[py::str(m.name.data(), m.name.size())] = py::make_tuple(
          py::str(m.path.data(), m.path.size()), m.package, py::str(m.source.data(), m.source.size()));
    }
    py::dict scope;
    scope["MODULES"] = modules;
    scope["__builtins__"] = py::module_::import("builtins");
    py::exec(kFinder, scope);
    py::exec(kVirtualEnv, scope);
  } catch (py::error_already_set& e) {
    return make_error(std::string("cannot install cicada's locust package: ") + e.what());
  }
  t_state = PyEval_SaveThread();
  return {};
}

}  // namespace

Result<void> start_interpreter() {
  static std::once_flag once;
  static Result<void> started;
  std::call_once(once, [] { started = start_once(); });
  return started;
}

GilScope::GilScope() {
  if (t_depth++ > 0) return;
  if (!t_state) {
    PyGILState_Ensure();  // creates this thread's state and takes the lock
    t_state = PyThreadState_Get();
    return;
  }
  PyEval_RestoreThread(t_state);
}

GilScope::~GilScope() {
  if (--t_depth == 0) PyEval_SaveThread();
}

}  // namespace cicada::python
