#pragma once
// The Python packages cicada brings along (src/python/py: `locust`, `gevent`), compiled in as text.
#include <span>
#include <string_view>

namespace cicada::python {

struct EmbeddedModule {
  std::string_view name;    // dotted module name: "locust.user.task"; a package has its own name
  std::string_view path;    // under src/python/py, for tracebacks: "locust/user/task.py"
  bool package;             // an __init__.py
  std::string_view source;  // the file's text
};

std::span<const EmbeddedModule> embedded_modules();

}  // namespace cicada::python
