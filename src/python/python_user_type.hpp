#pragma once
// The Python objects behind the user types of a locustfile: the entry points of cicada's runtime module
// (py/locust/_runtime.py), shared by all types, and per type its class and task callables. Shared by the
// loader (which fills them) and the users (which call them); released under the interpreter lock.
#include <pybind11/pybind11.h>

#include <string>
#include <vector>

namespace cicada::python {

struct PythonRuntime {
  pybind11::object run_on_start, run_on_stop, run_task, new_greenlet, construct_user, environment;
  // Thrown into a user's greenlet when the run kills the user mid-call: a GreenletExit, as Locust's kill.
  pybind11::object user_killed;
  ~PythonRuntime();
};

struct PythonUserType {
  std::shared_ptr<const PythonRuntime> runtime;
  pybind11::object cls;                 // the locustfile's User subclass
  std::vector<pybind11::object> tasks;  // TaskSpec i of the engine's user type runs tasks[i]
  bool python_wait = false;             // wait_time is a Python method: waited in the greenlet after a task
  // What reports call each call of a user ("Task 'stall' of Blocking"): on_start, on_stop, then the tasks
  // in order. Interned (loop_watch::label), so a watchdog may read them at any time.
  std::vector<const std::string*> labels;
  const std::string* init_label = nullptr;  // the class's __init__, run before a user's first call
  ~PythonUserType();
};

}  // namespace cicada::python
