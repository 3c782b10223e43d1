// g++ 12 at -O2 reports false "potential null pointer dereference" inside pybind11's and libstdc++'s
// inlined containers (the check runs in the middle end), so it is off for the files that use pybind11.
#pragma GCC diagnostic ignored "-Wnull-dereference"

#include "python/python_user.hpp"

#include <pybind11/pybind11.h>

#include <algorithm>
#include <chrono>
#include <mutex>
#include <set>
#include <string_view>

#include "base/log.hpp"
#include "http/client/user_http_client.hpp"
#include "python/interpreter.hpp"
#include "python/lenient_text.hpp"
#include "python/loop_watch.hpp"
#include "python/python_ops.hpp"
#include "python/python_user_type.hpp"
#include "stats/thread_stats.hpp"

namespace py = pybind11;

namespace cicada::python {
namespace {

// Python's str of `o` as UTF-8 into `out` (reusing its capacity); false when it is not a str.
bool assign_str(PyObject* o, std::string& out) {
  Py_ssize_t size = 0;
  const char* data = PyUnicode_Check(o) ? PyUnicode_AsUTF8AndSize(o, &size) : nullptr;
  if (!data) {
    PyErr_Clear();
    return false;
  }
  out.assign(data, static_cast<std::size_t>(size));
  return true;
}

std::string str_of(PyObject* o) {
  std::string s;
  if (!assign_str(o, s)) {
    PyObject* text = PyObject_Str(o);
    if (text) {
      assign_str(text, s);
      Py_DECREF(text);
    } else {
      PyErr_Clear();
    }
  }
  return s;
}

// Server bytes (headers, reason) as Latin-1, as HTTP defines them; our own texts as UTF-8 with
// replacement, so that no byte a server sends can make a decode fail.
PyObject* latin1(std::string_view s) {
  return PyUnicode_DecodeLatin1(s.data(), static_cast<Py_ssize_t>(s.size()), nullptr);
}
// The engine's sink is the thread's ThreadStats, which also keeps the exceptions of scenario code.
stats::ThreadStats& stats_of(http::UserHttpClient& client) {
  return dynamic_cast<stats::ThreadStats&>(client.sink());
}

// A response's reason phrase: the same few come back again and again ("OK"), so the last one is reused.
PyObject* reason_text(std::string_view reason) {
  thread_local std::string last;
  thread_local PyObject* last_text = nullptr;  // kept for the thread's life
  if (!last_text || reason != last) {
    PyObject* text = latin1(reason);
    if (!text) return nullptr;
    Py_XDECREF(last_text);
    last_text = text;
    last.assign(reason);
  }
  Py_INCREF(last_text);
  return last_text;
}

// The current Python exception as text (under the GIL), clearing it.
std::string fetch_error() {
  py::error_already_set e;
  return e.what();
}

// Python that runs this long without switching back to the loop (a plain `requests` call, a socket, a
// sleep that is not time.sleep or gevent.sleep, or long computing) held up every user of the loop.
constexpr auto kBlockedLoop = std::chrono::milliseconds(500);

// The first block of each (user type, task) is reported; later ones of the same task are not repeated.
bool first_block_of(const std::string* label) {
  static std::mutex mutex;
  static std::set<const std::string*> seen;
  std::lock_guard lock(mutex);
  return seen.insert(label).second;
}

}  // namespace

PythonRuntime::~PythonRuntime() {
  GilScope gil;
  run_on_start = run_on_stop = run_task = new_greenlet = construct_user = environment = user_killed =
      py::object();
}

PythonUserType::~PythonUserType() {
  GilScope gil;
  cls = py::object();
  tasks.clear();
}

PythonUser::PythonUser(std::shared_ptr<const PythonUserType> type) : type_(std::move(type)) {}

PythonUser::~PythonUser() {
  pending_.reset();  // records its sample (native only)
  if (!instance_ && !greenlet_ && !constructed_ && commands_.empty()) return;
  GilScope gil;
  // The user's greenlet (idle in its loop, or mid-call when the run stopped, maybe on another thread) is
  // left alone rather than killed: killing runs Python code of a user that no longer has an engine.
  greenlet_ = nullptr;
  switch_ = nullptr;
  for (PyObject*& c : commands_) Py_CLEAR(c);
  Py_CLEAR(constructed_);
  Py_CLEAR(instance_);
}

http::UserHttpClient& PythonUser::native() {
  if (!native_) native_ = &dynamic_cast<http::UserHttpClient&>(client());
  return *native_;
}

reactor::Sleeper& PythonUser::sleeper() {
  if (!sleeper_) sleeper_.emplace(native().io());
  return *sleeper_;
}

Task<> PythonUser::on_start() { return call(Call::kOnStart, 0); }

Task<> PythonUser::on_stop() {
  killed_ = false;              // a kill that came between calls is spent: on_stop runs whole
  if (on_stop_ran_) co_return;  // ran already, right after a StopUser (or a kill)
  co_await call(Call::kOnStop, 0);
}

void PythonUser::kill() {
  killed_ = true;
  if (sleeper_) sleeper_->wake();
}

Task<> PythonUser::run_task(std::size_t index) {
  if (stopped_) {
    // StopUser ended this user: it makes no more requests until the run ends (the engine still counts it).
    co_await sleeper().sleep(std::chrono::seconds(1));
    co_return;
  }
  co_await call(Call::kTask, index);
}

Task<> PythonUser::call(Call what, std::size_t index) {
  if (what == Call::kOnStop) on_stop_ran_ = true;
  const std::string* call_label = type_->labels[slot_of(what, index)];
  label_ = call_label;
  int op = kOpDone;
  {
    GilScope gil;
    const auto entered = std::chrono::steady_clock::now();
    op = begin(what, index, entered);
    report_if_blocked(entered);
  }
  for (;;) {
    if (op == kOpDone) {
      if (!constructed_) break;
      // The class's __init__ ended in the greenlet (begin() started it): the call itself follows, when
      // it made the user.
      GilScope gil;
      label_ = call_label;
      if (!take_constructed() || outcome_ == kDoneStopUser) break;
      const auto entered = std::chrono::steady_clock::now();
      op = advance(switch_in(command(what, index), entered));
      report_if_blocked(entered);
      continue;
    }
    if (killed_) {
      op = deliver_kill();
      continue;
    }
    if (op == kOpRequest) {
      pending_.reset();
      RequestOptions options;
      if (has_name_) options.name = name_;
      options.headers = headers_;
      options.body = body_;
      options.catch_response = catch_response_;
      options.follow_redirects = redirects_;
      options.timeout = timeout_;
      try {
        Response response = co_await client().request(method_, url_, options);
        // A kill that came once the response was in is delivered at the user's next switch (the loop's
        // top), as gevent delivers one: the code that asked for the response gets it first, so a
        // catch_response block's success() or failure() decides its verdict, as in Locust. Delivered
        // here instead, a 500 its block marks a success was recorded as an HTTPError failure (the
        // side-by-side test against Locust caught one at a run's end).
        GilScope gil;
        const auto entered = std::chrono::steady_clock::now();
        op = resume(response_tuple(response), entered);
        report_if_blocked(entered);
      } catch (const UserKilled&) {
        killed_ = true;  // the request was cut and counted as unanswered
      }
    } else {
      if (sleep_seconds_ > 0) {
        co_await sleeper().sleep(std::chrono::duration_cast<std::chrono::nanoseconds>(
            std::chrono::duration<double>(sleep_seconds_)));
      } else {
        co_await reactor::YieldAwaiter{native().io()};
      }
      if (killed_) continue;
      GilScope gil;
      const auto entered = std::chrono::steady_clock::now();
      Py_INCREF(Py_None);
      op = resume(Py_None, entered);
      report_if_blocked(entered);
    }
  }
  if (outcome_ == kDoneDied) {  // on_start raised: the user is gone, as Locust's (no task, no on_stop)
    stopped_ = true;
    on_stop_ran_ = true;
  }
  // Locust runs on_stop at once when on_start or a task raises StopUser; the user then makes no requests.
  if (outcome_ == kDoneStopUser && what != Call::kOnStop) {
    stopped_ = true;
    co_await call(Call::kOnStop, 0);
  }
}

void PythonUser::report_if_blocked(std::chrono::steady_clock::time_point entered) {
  const auto blocked = std::chrono::steady_clock::now() - entered;
  if (blocked < kBlockedLoop || !first_block_of(label_)) return;
  log::warning(
      "{} blocked the event loop for {} ms without yielding: every user of this loop waited "
      "meanwhile. Something in it does not yield to cicada (a plain requests or socket call, a sleep other "
      "than time.sleep or gevent.sleep, or long computing); use self.client for HTTP. Reported once per "
      "task.",
      *label_, std::chrono::duration_cast<std::chrono::milliseconds>(blocked).count());
}

PyObject* PythonUser::switch_in(PyObject* value, std::chrono::steady_clock::time_point now) {
  loop_watch::enter(label_, now);
  PyObject* result = PyObject_CallOneArg(switch_, value);
  loop_watch::leave();
  return result;
}

void PythonUser::drop_greenlet() {
  Py_CLEAR(switch_);
  Py_CLEAR(greenlet_);
}

std::size_t PythonUser::slot_of(Call what, std::size_t index) {
  return what == Call::kOnStart ? 0 : what == Call::kOnStop ? 1 : 2 + index;
}

PyObject* PythonUser::command(Call what, std::size_t index) {
  const std::size_t slot = slot_of(what, index);
  if (commands_.size() <= slot) commands_.resize(slot + 1, nullptr);
  if (!commands_[slot]) {
    const PythonRuntime& rt = *type_->runtime;
    const py::object& entry = what == Call::kOnStart  ? rt.run_on_start
                              : what == Call::kOnStop ? rt.run_on_stop
                                                      : rt.run_task;
    py::handle self(instance_);
    py::tuple args = what == Call::kTask ? py::make_tuple(self, type_->tasks[index], type_->python_wait)
                                         : py::make_tuple(self);
    commands_[slot] = py::make_tuple(entry, args).release().ptr();
  }
  return commands_[slot];
}

int PythonUser::begin(Call what, std::size_t index, std::chrono::steady_clock::time_point now) {
  const PythonRuntime& rt = *type_->runtime;
  try {
    if (!instance_ && what == Call::kOnStop) return kOpDone;  // never made (its __init__ raised): no stop
    if (!greenlet_) {
      py::object greenlet = rt.new_greenlet();
      py::object bound_switch = greenlet.attr("switch");
      greenlet_ = greenlet.release().ptr();
      switch_ = bound_switch.release().ptr();
    }
    if (!instance_) {
      // The class's __init__ runs first, in the user's greenlet, watched like its calls under its own
      // name (it may never return); call() goes on with the call once it ended.
      const std::string host(client().host());  // none: a plain User without a host, as in Locust
      py::list holder;
      const py::tuple construct =
          py::make_tuple(rt.construct_user,
                         py::make_tuple(holder, type_->cls, rt.environment,
                                        host.empty() ? py::object(py::none()) : py::object(py::str(host))));
      Py_XDECREF(constructed_);
      constructed_ = holder.release().ptr();
      label_ = type_->init_label;
      return advance(switch_in(construct.ptr(), now));
    }
    return advance(switch_in(command(what, index), now));
  } catch (py::error_already_set& e) {
    const char* phase = what == Call::kOnStart ? "on_start" : what == Call::kOnStop ? "on_stop" : "task";
    stats_of(native()).record_exception(e.what(), phase);
    log::error("{} raised outside its task: {}", phase, e.what());
    drop_greenlet();
    outcome_ = kDoneOk;
    return kOpDone;
  }
}

bool PythonUser::take_constructed() {
  PyObject* holder = std::exchange(constructed_, nullptr);
  if (holder != nullptr) {
    if (PyList_Check(holder) && PyList_GET_SIZE(holder) > 0) {
      instance_ = PyList_GET_ITEM(holder, 0);
      Py_INCREF(instance_);
    }
    Py_DECREF(holder);
  }
  return instance_ != nullptr;
}

int PythonUser::deliver_kill() {
  killed_ = false;
  native().disarm_kill();  // the cleanup the GreenletExit runs (TaskSets' on_stop) makes its requests
  GilScope gil;
  const auto entered = std::chrono::steady_clock::now();
  loop_watch::enter(label_, entered);
  PyObject* result = PyObject_CallMethod(greenlet_, "throw", "O", type_->runtime->user_killed.ptr());
  loop_watch::leave();
  report_if_blocked(entered);
  return advance(result);
}

int PythonUser::resume(PyObject* value, std::chrono::steady_clock::time_point now) {
  PyObject* result = switch_in(value, now);
  Py_DECREF(value);
  if (!result) {
    const std::string text = fetch_error();
    stats_of(native()).record_exception(text, "greenlet");
    log::error("A user's greenlet raised: {}", text);
    drop_greenlet();
    outcome_ = kDoneOk;
    return kOpDone;
  }
  return advance(result);
}

int PythonUser::advance(PyObject* result) {
  for (;;) {
    if (!result) {
      const std::string text = fetch_error();
      stats_of(native()).record_exception(text, "greenlet");
      drop_greenlet();
      outcome_ = kDoneOk;
      return kOpDone;
    }
    if (!PyTuple_Check(result) || PyTuple_GET_SIZE(result) < 2) {
      Py_DECREF(result);
      stats_of(native()).record_exception("a user's greenlet switched out without an operation", "greenlet");
      drop_greenlet();
      outcome_ = kDoneOk;
      return kOpDone;
    }
    const long op = PyLong_AsLong(PyTuple_GET_ITEM(result, 0));
    switch (op) {
      case kOpDone:  // the greenlet waits in its loop for the user's next call
        outcome_ = static_cast<int>(PyLong_AsLong(PyTuple_GET_ITEM(result, 1)));
        Py_DECREF(result);
        return kOpDone;
      case kOpRequest:
        decode_request(result);
        Py_DECREF(result);
        return kOpRequest;
      case kOpSleep:
        sleep_seconds_ = PyFloat_AsDouble(PyTuple_GET_ITEM(result, 1));
        Py_DECREF(result);
        return kOpSleep;
      case kOpSettle:
        perform_settle(result);
        break;
      case kOpSample:
        perform_sample(result);
        break;
      case kOpException:
        perform_exception(result);
        break;
      case kOpCookies: {
        PyObject* answer = perform_cookies(result);
        Py_DECREF(result);
        result = switch_in(answer, std::chrono::steady_clock::now());
        Py_DECREF(answer);
        continue;
      }
      default:
        break;
    }
    Py_DECREF(result);
    result = switch_in(Py_None, std::chrono::steady_clock::now());
  }
}

PyObject* PythonUser::perform_cookies(PyObject* op) {
  // self.client.cookies in a locustfile: the engine's jar of this user, the one its requests send.
  http::CookieJar& jar = native().cookies();
  const long action = PyTuple_GET_SIZE(op) > 1 ? PyLong_AsLong(PyTuple_GET_ITEM(op, 1)) : -1;
  const auto text = [op](Py_ssize_t i) {
    return PyTuple_GET_SIZE(op) > i ? str_of(PyTuple_GET_ITEM(op, i)) : std::string();
  };
  if (action == kCookieItems) {
    PyObject* list = PyList_New(0);
    jar.for_each([list](const std::string& name, const std::string& value) {
      PyObject* n = lenient_text(name);
      PyObject* v = lenient_text(value);
      PyObject* pair =
          n && v ? PyTuple_Pack(2, n, v) : nullptr;  // (Py_BuildValue's s# needs PY_SSIZE_T_CLEAN)
      Py_XDECREF(n);
      Py_XDECREF(v);
      if (pair) {
        PyList_Append(list, pair);
        Py_DECREF(pair);
      }
    });
    return list;
  }
  if (action == kCookieSet) jar.set(text(2), text(3));
  if (action == kCookieDelete) jar.erase(text(2));
  if (action == kCookieClear) jar.clear();
  Py_RETURN_NONE;
}

void PythonUser::decode_request(PyObject* op) {
  assign_str(PyTuple_GET_ITEM(op, 1), method_);
  assign_str(PyTuple_GET_ITEM(op, 2), url_);
  PyObject* name = PyTuple_GET_ITEM(op, 3);
  has_name_ = name != Py_None && assign_str(name, name_);
  PyObject* headers = PyTuple_GET_ITEM(op, 4);
  headers_.clear();
  std::size_t n = 0;
  if (headers != Py_None && PyList_Check(headers)) {
    n = static_cast<std::size_t>(PyList_GET_SIZE(headers));
    if (header_text_.size() < 2 * n) header_text_.resize(2 * n);
    for (std::size_t i = 0; i < n; ++i) {
      PyObject* pair = PyList_GET_ITEM(headers, static_cast<Py_ssize_t>(i));
      if (!PyTuple_Check(pair) || PyTuple_GET_SIZE(pair) != 2) continue;
      header_text_[2 * i] = str_of(PyTuple_GET_ITEM(pair, 0));
      header_text_[2 * i + 1] = str_of(PyTuple_GET_ITEM(pair, 1));
    }
    for (std::size_t i = 0; i < n; ++i) headers_.push_back({header_text_[2 * i], header_text_[2 * i + 1]});
  }
  PyObject* body = PyTuple_GET_ITEM(op, 5);
  if (PyBytes_Check(body)) {
    body_.assign(PyBytes_AS_STRING(body), static_cast<std::size_t>(PyBytes_GET_SIZE(body)));
  } else {
    body_.clear();
  }
  catch_response_ = PyObject_IsTrue(PyTuple_GET_ITEM(op, 6)) == 1;
  redirects_ = PyObject_IsTrue(PyTuple_GET_ITEM(op, 7)) == 1;
  // timeout= in seconds (0: the run's --request-timeout), at least a millisecond when given.
  const double timeout_s = PyTuple_GET_SIZE(op) > 8 ? PyFloat_AsDouble(PyTuple_GET_ITEM(op, 8)) : 0.0;
  timeout_ = timeout_s > 0 ? std::chrono::milliseconds(std::max<std::int64_t>(
                                 1, static_cast<std::int64_t>(std::min(timeout_s, 86'400.0) * 1000)))
                           : std::chrono::milliseconds(0);
}

PyObject* PythonUser::response_tuple(Response& r) {
  http::UserHttpClient& n = native();
  const std::uint64_t ticket = catch_response_ ? ++next_ticket_ : 0;
  const std::string_view body = r.text();
  // Built item by item (no format string to parse per request); no error is None.
  PyObject* tuple = PyTuple_New(11);
  PyTuple_SET_ITEM(tuple, 0, PyLong_FromLong(r.status()));
  PyTuple_SET_ITEM(tuple, 1, PyBytes_FromStringAndSize(body.data(), static_cast<Py_ssize_t>(body.size())));
  PyTuple_SET_ITEM(tuple, 2, latin1(r.header_block()));
  PyObject* error = Py_None;
  if (!r.error().empty()) {
    error = lenient_text(r.error());
  } else {
    Py_INCREF(error);
  }
  PyTuple_SET_ITEM(tuple, 3, error);
  PyTuple_SET_ITEM(tuple, 4, PyLong_FromLongLong(static_cast<long long>(r.elapsed().count())));
  PyTuple_SET_ITEM(tuple, 5, lenient_text(n.last_failure_text()));
  PyTuple_SET_ITEM(tuple, 6, reason_text(r.reason()));
  PyTuple_SET_ITEM(tuple, 7, PyLong_FromUnsignedLongLong(static_cast<unsigned long long>(ticket)));
  // The entry name when it is not the path as given (requoted, after the host's path, or an absolute URL's
  // path), so listeners hear the name the statistics use; None in the common case, made for nothing.
  PyObject* entry = Py_None;
  if (!has_name_ && n.last_name() != url_) {
    entry = lenient_text(n.last_name());
  } else {
    Py_INCREF(entry);
  }
  PyTuple_SET_ITEM(tuple, 8, entry);
  // response.url when it is not the host and the path as given: the last hop's URL, as requests has it
  // after redirects, requoting or the host's own path. None in the common case.
  PyObject* url = Py_None;
  if (n.last_followed_redirect() || entry != Py_None) {
    std::string last;
    n.last_url(last);
    url = lenient_text(last);
  } else {
    Py_INCREF(url);
  }
  PyTuple_SET_ITEM(tuple, 9, url);
  // response.history: ((status, url, location), ...) of the redirects followed; None in the common case.
  PyObject* hops = Py_None;
  if (const auto redirects = n.last_redirects(); !redirects.empty()) {
    hops = PyTuple_New(static_cast<Py_ssize_t>(redirects.size()));
    for (std::size_t i = 0; i < redirects.size(); ++i)
      PyTuple_SET_ITEM(hops, static_cast<Py_ssize_t>(i),
                       Py_BuildValue("(iNN)", redirects[i].status, lenient_text(redirects[i].url),
                                     lenient_text(redirects[i].location)));
  } else {
    Py_INCREF(hops);
  }
  PyTuple_SET_ITEM(tuple, 10, hops);
  if (catch_response_) {
    pending_ = std::move(r);
    pending_ticket_ = ticket;
  }
  return tuple;
}

void PythonUser::perform_settle(PyObject* op) {
  const auto ticket = PyLong_AsUnsignedLongLong(PyTuple_GET_ITEM(op, 1));
  if (!pending_ || ticket != pending_ticket_) return;  // settled already (a later request settled it)
  PyObject* failed = PyTuple_GET_ITEM(op, 2);
  if (failed == Py_None) {
    pending_.reset();
  } else if (PyObject_IsTrue(failed) == 1) {
    pending_->failure(str_of(PyTuple_GET_ITEM(op, 3)));
  } else {
    pending_->success();
  }
  pending_.reset();
}

void PythonUser::perform_sample(PyObject* op) {
  // A custom sample (events.request.fire) is one more record for the thread's sink, like the client's.
  const std::string method = str_of(PyTuple_GET_ITEM(op, 1));
  const std::string name = str_of(PyTuple_GET_ITEM(op, 2));
  const double ms = PyFloat_AsDouble(PyTuple_GET_ITEM(op, 3));
  PyObject* error = PyTuple_GET_ITEM(op, 5);
  const std::string error_text = error == Py_None ? std::string() : str_of(error);
  RequestRecord record;
  record.method = method;
  record.name = name;
  record.response_time_us = static_cast<std::int64_t>(ms * 1000.0);
  record.uncorrected_response_time_us = record.response_time_us;
  record.response_bytes = static_cast<std::uint64_t>(PyLong_AsLongLong(PyTuple_GET_ITEM(op, 4)));
  record.error = error_text;
  native().sink().on_request(record);
  PyErr_Clear();
}

void PythonUser::perform_exception(PyObject* op) {
  const std::string message = str_of(PyTuple_GET_ITEM(op, 1));
  const std::string traceback = str_of(PyTuple_GET_ITEM(op, 2));
  stats_of(native()).record_exception(message, traceback);
  // As Locust's logging.error("%s\n%s", e, traceback.format_exc()): the table keeps the frames only.
  log::error("{}\n{}", message, str_of(PyTuple_GET_ITEM(op, 3)));
}

}  // namespace cicada::python
