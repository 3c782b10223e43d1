// g++ 12 at -O2 reports false "potential null pointer dereference" inside pybind11's and libstdc++'s
// inlined containers (the check runs in the middle end), so it is off for the files that use pybind11.
#pragma GCC diagnostic ignored "-Wnull-dereference"

#include "python/loop_watch.hpp"

#include <fmt/format.h>
#include <pthread.h>
#include <pybind11/pybind11.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "base/log.hpp"
#include "python/interpreter.hpp"

namespace cicada::python::loop_watch {
namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

constexpr std::int64_t kAbandoned = -1;
constexpr auto kScanEvery = 200ms;
// The watchdog reports Python that has run this long without yielding and still runs. (Blocks that end
// sooner are reported when they end, by PythonUser::report_if_blocked.)
constexpr auto kStillBlocked = 2s;
// At the end of a run: Python that has run this long without yielding is interrupted (a shorter stretch is
// waited for: it may well end by itself, as a block of 800 ms does); an interrupted call not back after
// kGiveUpAfter is given up. A run thus ends at most about 4 s after its stop.
constexpr auto kInterruptAfter = kStillBlocked;
constexpr auto kGiveUpAfter = 2s;

std::int64_t nanos(Clock::time_point t) {
  return std::max<std::int64_t>(
      1, std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count());
}
double seconds_between(std::int64_t from_ns, std::int64_t to_ns) {
  return static_cast<double>(to_ns - from_ns) / 1e9;
}

// One loop thread's mark. Written by its thread (since, label), read by the watchdog and the engine.
struct Slot {
  std::atomic<std::int64_t> since{0};  // 0: not in Python; > 0: in Python since (ns); kAbandoned: given up
  std::atomic<const std::string*> label{nullptr};
  unsigned long thread = 0;  // pthread id, as CPython's thread ident
  // Under Registry::mutex: the stretch the watchdog reported, the one the engine interrupted and when.
  std::int64_t reported = 0;
  std::int64_t interrupted = 0;
  Clock::time_point interrupted_at{};
};

struct Registry {
  std::mutex mutex;
  std::vector<Slot*> slots;
  std::set<std::string> labels;
  std::set<const std::string*> reported_labels;
};

// Never freed: the watchdog thread (detached) may still read it while the process exits.
Registry& registry() {
  static auto* r = new Registry();
  return *r;
}

void watchdog() {
  for (;;) {
    std::this_thread::sleep_for(kScanEvery);
    const std::int64_t now = nanos(Clock::now());
    std::vector<std::pair<const std::string*, double>> reports;
    {
      Registry& r = registry();
      std::lock_guard lock(r.mutex);
      for (Slot* s : r.slots) {
        const std::int64_t since = s->since.load(std::memory_order_acquire);
        if (since <= 0 || since == s->reported ||
            now - since < std::chrono::duration_cast<std::chrono::nanoseconds>(kStillBlocked).count())
          continue;
        s->reported = since;
        const std::string* label = s->label.load(std::memory_order_relaxed);
        if (label && r.reported_labels.insert(label).second)
          reports.emplace_back(label, seconds_between(since, now));
      }
    }
    for (const auto& [label, blocked_s] : reports) {
      log::warning(
          "{} has not yielded to the event loop for {:.1f} s and is still running: every user of its loop "
          "waits meanwhile. Something in it never returns to cicada (a loop without a request or sleep, a "
          "plain "
          "requests or socket call without a timeout); the run's time limit and Ctrl-C still end the run. "
          "Reported once per task.",
          *label, blocked_s);
    }
  }
}

// This thread's slot, registered on first use and dropped when the thread ends (a parked thread's stays).
struct SlotOwner {
  Slot* slot = new Slot();
  SlotOwner() {
    slot->thread = static_cast<unsigned long>(::pthread_self());
    static std::once_flag once;
    std::call_once(once, [] { std::thread(watchdog).detach(); });
    Registry& r = registry();
    std::lock_guard lock(r.mutex);
    r.slots.push_back(slot);
  }
  ~SlotOwner() {
    Registry& r = registry();
    std::lock_guard lock(r.mutex);
    std::erase(r.slots, slot);
    delete slot;
  }
  SlotOwner(const SlotOwner&) = delete;
  SlotOwner& operator=(const SlotOwner&) = delete;
};

Slot& this_slot() {
  thread_local SlotOwner owner;
  return *owner.slot;
}

// locust._runtime.TaskDidNotYield, the exception an interrupted task gets (under the interpreter lock).
PyObject* stop_exception() {
  static PyObject* type = [] {
    PyObject* module = PyImport_ImportModule("locust._runtime");
    PyObject* t = module ? PyObject_GetAttrString(module, "TaskDidNotYield") : nullptr;
    Py_XDECREF(module);
    if (!t) PyErr_Clear();
    return t;  // kept for the process
  }();
  return type;
}

}  // namespace

const std::string* label(const std::string& text) {
  Registry& r = registry();
  std::lock_guard lock(r.mutex);
  return &*r.labels.insert(text).first;
}

void enter(const std::string* label, Clock::time_point now) {
  Slot& s = this_slot();
  s.label.store(label, std::memory_order_relaxed);
  s.since.store(nanos(now), std::memory_order_release);
}

void leave() {
  Slot& s = this_slot();
  if (s.since.exchange(0, std::memory_order_acq_rel) != kAbandoned) return;
  // The engine gave this thread up while it was in Python and has freed nothing of it, counting on it never
  // to come back: it lets the others have the interpreter and sleeps for good.
  s.since.store(kAbandoned);
  PyEval_SaveThread();
  for (;;) std::this_thread::sleep_for(std::chrono::hours(1));
}

std::optional<std::string> release_blocked_loop(unsigned long thread) {
  const auto now = Clock::now();
  const std::int64_t now_ns = nanos(now);
  std::int64_t since = 0;
  const std::string* label = nullptr;
  {
    Registry& r = registry();
    std::lock_guard lock(r.mutex);
    const auto it =
        std::find_if(r.slots.begin(), r.slots.end(), [&](Slot* s) { return s->thread == thread; });
    if (it == r.slots.end()) return std::nullopt;
    Slot& s = **it;
    since = s.since.load(std::memory_order_acquire);
    if (since <= 0 ||
        now_ns - since < std::chrono::duration_cast<std::chrono::nanoseconds>(kInterruptAfter).count())
      return std::nullopt;
    label = s.label.load(std::memory_order_relaxed);
    if (s.interrupted == since) {
      if (now - s.interrupted_at < kGiveUpAfter) return std::nullopt;
      std::int64_t expected = since;
      if (!s.since.compare_exchange_strong(expected, kAbandoned, std::memory_order_acq_rel))
        return std::nullopt;
      return fmt::format(
          "{} did not yield to the event loop for {:.1f} s and could not be stopped (it waits inside a call "
          "that does not return): the run ended without it, leaving its loop's users behind",
          label ? *label : std::string("A task"), seconds_between(since, now_ns));
    }
    s.interrupted = since;
    s.interrupted_at = now;
  }
  log::warning("{} has not yielded to the event loop for {:.1f} s at the end of the run: stopping it",
               label ? *label : std::string("A task"), seconds_between(since, now_ns));
  GilScope gil;
  if (PyObject* type = stop_exception()) PyThreadState_SetAsyncExc(thread, type);
  return std::nullopt;
}

}  // namespace cicada::python::loop_watch
