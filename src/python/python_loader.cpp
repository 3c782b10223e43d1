// g++ 12 at -O2 reports false "potential null pointer dereference" inside pybind11's and libstdc++'s
// inlined containers (the check runs in the middle end), so it is off for the files that use pybind11.
#pragma GCC diagnostic ignored "-Wnull-dereference"

#include "python/python_loader.hpp"

#include <fmt/format.h>
#include <pybind11/embed.h>
#include <pybind11/stl.h>

#include <mutex>
#include <optional>

#include "base/log.hpp"
#include "python/custom_messages_binding.hpp"
#include "python/interpreter.hpp"
#include "python/loop_watch.hpp"
#include "python/python_user.hpp"
#include "python/python_user_type.hpp"
#include "python/run_view.hpp"

namespace py = pybind11;

namespace cicada::python {
namespace {

py::object optional_list(const std::vector<std::string>& items) {
  if (items.empty()) return py::none();
  return py::cast(items);
}

// Locust's None for an option not given (--csv, --html, --logfile, --host).
py::object none_if_empty(const std::string& text) {
  return text.empty() ? py::object(py::none()) : py::str(text);
}

Result<WaitTime> native_wait(const py::handle& spec) {
  const auto kind = spec[py::int_(0)].cast<std::string>();
  const double a = spec[py::int_(1)].cast<double>();
  const double b = spec[py::int_(2)].cast<double>();
  if (kind == "constant") return WaitTime::constant(a);
  if (kind == "between") return WaitTime::between(a, b);
  if (kind == "constant_pacing") return WaitTime::constant_pacing(a);
  if (kind == "constant_throughput") return WaitTime::constant_throughput(a);
  return make_error("unknown wait_time kind " + kind);
}

std::vector<scenario::TaskTree> task_tree(const py::handle& list) {
  std::vector<scenario::TaskTree> out;
  for (const auto& entry : list) {
    const py::tuple t = py::reinterpret_borrow<py::tuple>(entry);
    out.push_back({t[0].cast<std::string>(), t[1].cast<double>(), task_tree(t[2])});
  }
  return out;
}

UserType make_user_type(const py::handle& d, const std::shared_ptr<const PythonRuntime>& runtime,
                        scenario::TaskSets& task_sets) {
  auto type = std::make_shared<PythonUserType>();
  type->runtime = runtime;
  type->cls = py::reinterpret_borrow<py::object>(d["class"]);
  UserType t;
  t.name = d["name"].cast<std::string>();
  t.weight = d["weight"].cast<double>();
  if (const int fixed = d["fixed_count"].cast<int>(); fixed > 0) t.fixed_count = fixed;
  t.needs_host = d["needs_host"].cast<bool>();
  const py::handle wait = d["wait"];
  if (wait.is_none()) {
    type->python_wait = true;  // a Python wait_time method: waited in the greenlet after each task
  } else if (auto w = native_wait(wait)) {
    t.wait_time = *w;
  }
  for (const auto& entry : d["tasks"]) {
    const py::tuple task = py::reinterpret_borrow<py::tuple>(entry);
    const std::size_t index = type->tasks.size();
    type->tasks.push_back(py::reinterpret_borrow<py::object>(task[0]));
    TaskSpec spec;
    spec.name = task[1].cast<std::string>();
    spec.weight = task[2].cast<double>();
    spec.tags = task[3].cast<std::vector<std::string>>();
    if (auto inner = task_tree(task[4]); !inner.empty())
      task_sets[t.name + "/" + spec.name] = std::move(inner);
    spec.fn = [index](User& u) { return static_cast<PythonUser&>(u).run_task(index); };
    t.tasks.push_back(std::move(spec));
  }
  for (const char* call : {"on_start", "on_stop"})
    type->labels.push_back(loop_watch::label(fmt::format("Task '{}' of {}", call, t.name)));
  for (const auto& spec : t.tasks)
    type->labels.push_back(loop_watch::label(fmt::format("Task '{}' of {}", spec.name, t.name)));
  type->init_label = loop_watch::label(fmt::format("Task '__init__' of {}", t.name));
  std::shared_ptr<const PythonUserType> shared = std::move(type);
  t.factory = [shared] { return std::unique_ptr<User>(std::make_unique<PythonUser>(shared)); };
  return t;
}

// A LoadTestShape instance as the scenario's shape: tick() under the interpreter lock on the runner's
// control thread. (users, spawn_rate) or (users, spawn_rate, user_classes) steer the users; None ends.
ShapeFn make_shape(py::object shape) {
  auto holder = std::shared_ptr<py::object>(new py::object(std::move(shape)), [](py::object* o) {
    GilScope gil;
    delete o;
  });
  // Locust's shape worker calls tick() again at once after a change, else once a second: a shape that
  // counts its calls, or logs in tick(), sees the same pace here (the runner asks every few milliseconds).
  // Shared by every copy of the shape (each web UI test, and /config reading it from the HTTP thread):
  // guarded, and a time before the last tick's (a new test, or /config asking for the first target) asks
  // tick() again rather than answering from another test's cache.
  struct Ticks {
    std::mutex mutex;
    bool changed = true;
    double last_at = 0;
    std::optional<ShapeTarget> last;
  };
  auto ticks = std::make_shared<Ticks>();
  return [holder, ticks](std::chrono::duration<double> elapsed) -> std::optional<ShapeTarget> {
    Ticks& k = *ticks;
    std::lock_guard lock(k.mutex);
    const double at = elapsed.count();
    if (k.last && !k.changed && at >= k.last_at && at - k.last_at < 1.0) return k.last;
    GilScope gil;
    try {
      // The shape's clock is the test's: get_run_time() says the elapsed time asked about. Locust resets
      // it at each start of a shape; one instance here serves every web UI test and /config's look at the
      // first target, so a clock started once (at the first tick, /config's say) ran on into later tests.
      holder->attr("start_time") = py::module_::import("time").attr("perf_counter")().cast<double>() - at;
      // A tick() that raises ends the test and makes a clean run exit 2 (_loader.shape_tick).
      py::object r = py::module_::import("locust._loader").attr("shape_tick")(*holder);
      std::optional<ShapeTarget> target;
      if (!r.is_none()) {
        py::tuple t = r.cast<py::tuple>();
        target.emplace();
        target->users = t[0].cast<int>();
        target->spawn_rate = t[1].cast<double>();
        // A third item names the user classes the target's users are of (None: as the last one said).
        if (t.size() > 2 && !t[2].is_none()) {
          target->user_types.emplace();
          for (const auto& name : t[2]) target->user_types->push_back(name.cast<std::string>());
        }
      }
      k.changed = !k.last || !target || k.last->users != target->users ||
                  k.last->spawn_rate != target->spawn_rate || k.last->user_types != target->user_types;
      k.last = target;
      k.last_at = at;
      return target;
    } catch (const std::exception& e) {  // cicada's own code failed (not tick(): shape_tick reports that)
      log::error("The load shape failed, stopping the test: {}", e.what());
      return std::nullopt;
    }
  };
}

}  // namespace

Result<scenario::LoadedScenario> load_python_scenario(const std::filesystem::path& file,
                                                      const PythonLoadOptions& options) {
  if (auto r = start_interpreter(); !r) return r.error();
  GilScope gil;
  scenario::LoadedScenario loaded;
  loaded.scenario.source = file.string();
  try {
    py::module_ loader = py::module_::import("locust._loader");
    py::module_ runtime_module = py::module_::import("locust._runtime");
    install_custom_messages(runtime_module);  // before the locustfile's init listeners may send
    py::dict standard;
    standard["num_users"] = options.num_users;
    standard["spawn_rate"] = options.spawn_rate;
    standard["run_time"] = options.run_time_s ? py::object(py::int_(*options.run_time_s)) : py::none();
    standard["headless"] = options.headless;
    standard["csv_prefix"] = none_if_empty(options.csv_prefix);
    standard["stop_timeout"] = options.stop_timeout;
    standard["loglevel"] = options.loglevel;
    standard["expect_workers"] = options.expect_workers;
    standard["reset_stats"] = options.reset_stats;
    standard["exit_code_on_error"] = options.exit_code_on_error;
    standard["web_host"] = options.web_host;
    standard["web_port"] = options.web_port;
    standard["tls_cert"] = options.tls_cert;
    standard["tls_key"] = options.tls_key;
    standard["html_file"] = none_if_empty(options.html_file);
    standard["logfile"] = none_if_empty(options.logfile);
    standard["only_summary"] = options.only_summary;
    standard["autostart"] = options.autostart;
    standard["skip_log_setup"] = options.skip_log_setup;
    standard["equal_weights"] = options.equal_weights;
    py::tuple result = loader.attr("load")(
        file.string(), optional_list(options.tags), optional_list(options.exclude_tags),
        none_if_empty(options.host), py::cast(options.extra_args), standard,
        options.sent_options.empty() ? py::object(py::none()) : py::str(options.sent_options), options.runner,
        options.worker_index);
    auto runtime = std::make_shared<PythonRuntime>();
    runtime->run_on_start = runtime_module.attr("run_on_start");
    runtime->run_on_stop = runtime_module.attr("run_on_stop");
    runtime->run_task = runtime_module.attr("run_task");
    runtime->new_greenlet = runtime_module.attr("new_greenlet");
    runtime->construct_user = runtime_module.attr("construct_user");
    runtime->user_killed = runtime_module.attr("_Quit");
    runtime->environment = result[0];
    std::string common_host;
    bool hosts_agree = true;
    for (const auto& d : result[1]) {
      loaded.scenario.user_types.push_back(make_user_type(d, runtime, loaded.task_sets));
      const auto host = d["host"].cast<std::string>();
      if (host.empty()) continue;
      if (common_host.empty()) common_host = host;
      hosts_agree = hosts_agree && host == common_host;
    }
    if (hosts_agree) {
      loaded.scenario.default_host = common_host;  // --host overrides it, as in Locust
    } else {
      for (std::size_t i = 0; i < loaded.scenario.user_types.size(); ++i)
        loaded.scenario.user_types[i].host = result[1][py::int_(i)]["host"].cast<std::string>();
    }
    if (!result[2].is_none()) {
      loaded.scenario.shape = make_shape(result[2]);
      loaded.scenario.shape_name = py::str(result[2].get_type().attr("__name__")).cast<std::string>();
    }
    loaded.scenario.release_blocked_loop = loop_watch::release_blocked_loop;
    loaded.parsed_options = loader.attr("parsed_options_json")().cast<std::string>();
    auto fire = std::shared_ptr<py::object>(new py::object(loader.attr("fire")), [](py::object* o) {
      GilScope inner;
      delete o;
    });
    // An event with its one argument (spawning_complete's user_count, quit's exit_code), or none.
    auto hook_with = [fire](const char* event, std::optional<int> arg) {
      GilScope inner;
      try {
        if (arg) {
          (*fire)(event, *arg);
        } else {
          (*fire)(event);
        }
      } catch (py::error_already_set& e) {
        log::error("events.{} listener raised: {}", event, e.what());
      }
    };
    auto hook = [hook_with](const char* event) { return [hook_with, event] { hook_with(event, {}); }; };
    auto hook_int = [hook_with](const char* event) {
      return [hook_with, event](int value) { hook_with(event, value); };
    };
    loaded.on_test_start = hook("test_start");
    loaded.on_test_stop = hook("test_stop");
    loaded.on_quit = hook("quitting");
    loaded.on_exit = hook_int("quit");
    loaded.run_hooks.spawning_complete = hook_int("spawning_complete");
    loaded.run_hooks.stopping = hook("test_stopping");
    loaded.run_hooks.stats_reset = hook("reset_stats");
    install_run_view(runtime_module, loaded);
  } catch (py::error_already_set& e) {
    return make_error(file.string() + ": " + e.what());
  }
  if (loaded.scenario.user_types.empty()) {
    return make_error(
        file.string() +
        ": no User class found (a class deriving from HttpUser, FastHttpUser or User, not abstract)");
  }
  // One interpreter lock per process: more event loops than one only contend for it (--processes N scales).
  loaded.settings.threads = 1;
  return loaded;
}

}  // namespace cicada::python
