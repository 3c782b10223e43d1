// g++ 12 at -O2 reports false "potential null pointer dereference" inside pybind11's and libstdc++'s
// inlined containers (the check runs in the middle end), so it is off for the files that use pybind11.
#pragma GCC diagnostic ignored "-Wnull-dereference"

#include "python/run_view.hpp"

#include <pybind11/pybind11.h>

#include <algorithm>
#include <optional>
#include <utility>

#include "python/interpreter.hpp"
#include "python/lenient_text.hpp"
#include "stats/snapshot.hpp"

namespace py = pybind11;

namespace cicada::python {
namespace {

// The test in progress and a quit asked for while none was (an init listener's): one locustfile per
// process, so one of each. Read and written under the interpreter lock only.
std::optional<scenario::RunView>& bound() {
  static std::optional<scenario::RunView> view;
  return view;
}
bool quit_pending = false;
// The statistics of the last test once it is unbound: what quitting listeners read.
std::shared_ptr<const stats::Snapshot>& last_snapshot() {
  static std::shared_ptr<const stats::Snapshot> snap;
  return snap;
}

double ms(double us) { return us / 1000.0; }

// One row as locust.stats.StatsEntry takes it; percentiles come from the row's own whole-run histogram.
py::tuple entry_row(const stats::EntrySnapshot& e) {
  std::shared_ptr<const stats::Histogram> latency = e.latency;
  py::cpp_function percentile([latency](double q) {
    if (!latency || latency->count() == 0) return 0.0;
    return ms(static_cast<double>(latency->value_at_quantile(std::clamp(q, 0.0, 1.0))));
  });
  return py::make_tuple(
      e.method, e.name, e.num_requests, e.num_failures, ms(e.avg_us),
      e.has_requests() ? py::object(py::float_(ms(static_cast<double>(e.min_us)))) : py::object(py::none()),
      ms(static_cast<double>(e.max_us)), ms(static_cast<double>(e.median_us)), e.total_rps, e.current_rps,
      e.total_fail_per_s, e.current_fail_per_s, e.avg_content_size, percentile);
}

void engine_quit() {
  auto& view = bound();
  if (view && view->quit) {
    view->quit();
  } else {
    quit_pending = true;  // before the test exists (an init listener): it stops as soon as it starts
  }
}

py::object engine_state() {
  auto& view = bound();
  if (!view || !view->state) return last_snapshot() ? py::object(py::str("stopped")) : py::object(py::none());
  return py::str(view->state());
}

// (user_count, total row, [rows], [(method, name, error, occurrences)], [(count, message, traceback,
// nodes)]) at the latest closed second, or None before the test's first second. The failures are the
// rows of the failures CSV; the exceptions those of the exceptions table.
py::object engine_stats() {
  auto& view = bound();
  const std::shared_ptr<const stats::Snapshot> snap =
      view && view->snapshot ? view->snapshot() : last_snapshot();
  if (!snap) return py::none();
  py::list rows;
  for (const auto& e : snap->entries) rows.append(entry_row(e));
  py::list failures;
  for (const auto& f : snap->failures)
    failures.append(py::make_tuple(f.method, f.name, lenient_str(f.error), f.occurrences));
  py::list exceptions;
  for (const auto& x : snap->exceptions)
    exceptions.append(
        py::make_tuple(x.count, lenient_str(x.message), lenient_str(x.traceback), lenient_str(x.nodes)));
  return py::make_tuple(snap->user_count, entry_row(snap->total), rows, failures, exceptions);
}

// runner.target_user_count: the bound test's, or None (no test bound, or no target known).
py::object engine_target_users() {
  auto& view = bound();
  if (!view || !view->target_users) return py::none();
  return py::int_(view->target_users());
}

// runner.user_count now: the bound test's live count, or None (then the latest second's is read).
py::object engine_user_count() {
  auto& view = bound();
  if (!view || !view->live_users) return py::none();
  const std::optional<int> n = view->live_users();
  return n ? py::object(py::int_(*n)) : py::object(py::none());
}

// A master's workers as [(id, state, user_count, cpu_usage %, memory bytes)], or None elsewhere.
py::object engine_workers() {
  auto& view = bound();
  if (!view || !view->workers) return py::none();
  py::list out;
  for (const auto& w : view->workers())
    out.append(
        py::make_tuple(lenient_str(w.id), lenient_str(w.state), w.user_count, w.cpu_percent, w.memory_bytes));
  return out;
}

}  // namespace

void install_run_view(py::module_& runtime, scenario::LoadedScenario& loaded) {
  runtime.attr("engine_quit") = py::cpp_function(&engine_quit);
  runtime.attr("engine_state") = py::cpp_function(&engine_state);
  runtime.attr("engine_stats") = py::cpp_function(&engine_stats);
  runtime.attr("engine_target_users") = py::cpp_function(&engine_target_users);
  runtime.attr("engine_user_count") = py::cpp_function(&engine_user_count);
  runtime.attr("engine_workers") = py::cpp_function(&engine_workers);
  loaded.bind_run = [](scenario::RunView view) {
    GilScope gil;
    if (!view.quit) {
      if (bound() && bound()->snapshot) last_snapshot() = bound()->snapshot();
      bound().reset();
      return;
    }
    last_snapshot().reset();
    bound() = std::move(view);
    if (std::exchange(quit_pending, false)) {
      bound()->quit();
      return;
    }
    // A new test (the web UI's next one, a worker's next): users are no longer told to stop.
    try {
      py::module_::import("locust._runtime").attr("rearm_quit")();
    } catch (py::error_already_set&) {  // cicada's own module: not expected; the users just go on
    }
  };
  loaded.exit_code = [](int run_code) {
    GilScope gil;
    try {
      return py::module_::import("locust._loader").attr("process_exit_code")(run_code).cast<int>();
    } catch (py::error_already_set&) {
      return run_code;
    } catch (const py::cast_error&) {  // not an int: Locust would fail in sys.exit; the run's own code
      return run_code;
    }
  };
}

}  // namespace cicada::python
