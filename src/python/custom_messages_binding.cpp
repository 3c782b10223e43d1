// g++ 12 at -O2 reports false "potential null pointer dereference" inside pybind11's and libstdc++'s
// inlined containers (the check runs in the middle end), so it is off for the files that use pybind11.
#pragma GCC diagnostic ignored "-Wnull-dereference"

#include "python/custom_messages_binding.hpp"

#include <pybind11/pybind11.h>

#include <chrono>
#include <string>

#include "python/lenient_text.hpp"

namespace py = pybind11;

namespace cicada::python {

std::shared_ptr<scenario::CustomMessages> process_custom_messages() {
  // Never destroyed: the delivery thread (a daemon) may still wait on it while the process exits, and a
  // condition variable destroyed under a waiter is undefined behaviour.
  static const auto* messages =
      new std::shared_ptr<scenario::CustomMessages>(std::make_shared<scenario::CustomMessages>());
  return *messages;
}

void install_custom_messages(py::module_& runtime) {
  // (type, JSON data, recipient: "" for every worker, or the master) -> False when it was dropped.
  runtime.attr("message_send") = py::cpp_function([](std::string type, std::string data, std::string node) {
    return process_custom_messages()->send({std::move(type), std::move(data), std::move(node)});
  });
  // The oldest arrival as (type, JSON data, sender), or None; a held one only with held=True (a test's
  // start taking what came for it).
  runtime.attr("message_take") = py::cpp_function([](bool held) -> py::object {
    auto m = process_custom_messages()->take_arrival(held);
    if (!m) return py::none();
    return py::make_tuple(lenient_str(m->type), py::bytes(m->data), lenient_str(m->node));
  });
  // Waits without the interpreter lock, at most timeout_s seconds, for an arrival that is not held.
  runtime.attr("message_wait") = py::cpp_function([](double timeout_s) {
    const auto timeout = std::chrono::milliseconds(static_cast<long>(timeout_s * 1000));
    py::gil_scoped_release unlocked;
    return process_custom_messages()->wait_deliverable(timeout);
  });
  runtime.attr("message_release") = py::cpp_function([] { process_custom_messages()->release(); });
}

}  // namespace cicada::python
