#pragma once
// environment.runner's link to the engine: the test in progress (scenario::RunView, bound by the app) as
// the functions cicada's `locust` package calls (py/locust/_runtime.py: engine_quit, engine_state,
// engine_stats, engine_target_users, engine_workers), and the process exit code a quitting listener sets.
#include "scenario/yaml_loader.hpp"

namespace pybind11 {
class module_;
}

namespace cicada::python {

// Under the interpreter lock: gives `runtime` (locust._runtime) its engine functions, and `loaded` its
// bind_run and exit_code.
void install_run_view(pybind11::module_& runtime, scenario::LoadedScenario& loaded);

}  // namespace cicada::python
