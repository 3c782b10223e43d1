#pragma once
// The watch on Python code that holds an event loop and does not come back: a task that never yields
// (`while True: pass`) or blocks in a call that does not return (a socket read without timeout).
//
// Each event loop thread marks the stretches it spends inside a user's Python code (a greenlet switch):
// two atomic stores around each, beside the clock read the blocked-loop report makes anyway. A watchdog
// thread reads the marks and reports a stretch that goes on, with its task's name and the time so far.
// At the end of a run, the engine asks about a loop thread that has not come back
// (Scenario::release_blocked_loop): its Python is interrupted with an exception (a pure-Python loop ends
// there, recorded in the exceptions table with its traceback); a call that cannot be interrupted is given
// up, and the thread, should the call ever return, parks for good without touching the run again.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace cicada::python::loop_watch {

// The text that names a user's call in reports ("Task 'stall' of Blocking"), interned: it lives for
// the process, so the watchdog may read it at any time.
const std::string* label(const std::string& text);

// This thread enters a user's Python code (a greenlet switch) at `now`, for the call `label` names.
void enter(const std::string* label, std::chrono::steady_clock::time_point now);
// ...and is back. If the engine gave the thread up meanwhile, this never returns: the thread lets go of
// the interpreter lock and sleeps for good.
void leave();

// The engine's question at the end of a run about loop thread `thread` (its pthread id) that has not
// returned to its loop: Python that has run 2 s or more without yielding is interrupted (nullopt: wait
// for the thread; a shorter stretch may end by itself); once an interrupted call has not come back for
// 2 s more, the thread is given up and this returns what to report. nullopt also when the thread is not
// inside Python (nothing to do here).
std::optional<std::string> release_blocked_loop(unsigned long thread);

}  // namespace cicada::python::loop_watch
