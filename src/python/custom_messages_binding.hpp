#pragma once
// A locustfile's custom messages between a master and its workers (environment.runner.send_message): the
// process's one mailbox (one locustfile per process, as one interpreter), which the app hands the
// distributed layer, and the functions cicada's `locust` package reaches it by
// (py/locust/_custom_messages.py).
#include <memory>

#include "scenario/custom_messages.hpp"

namespace pybind11 {
class module_;
}

namespace cicada::python {

std::shared_ptr<scenario::CustomMessages> process_custom_messages();

// Under the interpreter lock: gives `runtime` (locust._runtime) message_send, message_take, message_wait
// and message_release over process_custom_messages().
void install_custom_messages(pybind11::module_& runtime);

}  // namespace cicada::python
