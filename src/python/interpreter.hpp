#pragma once
// The embedded CPython interpreter (Debian's 3.11): started once per process, on first use, with cicada's
// `locust` and `gevent` packages importable ahead of any installed ones.
//
// The interpreter lock is held only while Python runs: the thread that started the interpreter releases it
// at once, and every entry into Python (a user's greenlet switch, a load shape's tick, an event) takes it
// with GilScope. Each thread keeps one Python thread state for its whole life, because a greenlet may only
// be resumed under the thread state it was started in.
#include "base/result.hpp"

namespace cicada::python {

// Starts the interpreter (no Python signal handlers: Ctrl-C stays cicada's). Idempotent; thread-safe.
Result<void> start_interpreter();

// Holds the interpreter lock on this thread for its scope. Nests.
class GilScope {
 public:
  GilScope();
  ~GilScope();
  GilScope(const GilScope&) = delete;
  GilScope& operator=(const GilScope&) = delete;
};

}  // namespace cicada::python
