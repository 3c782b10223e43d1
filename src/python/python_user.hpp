#pragma once
// PythonUser: one user of a locustfile's User class, run by the engine like any cicada::User.
//
// Each call the engine makes (on_start, one task, on_stop) runs the Python code in a new greenlet of this
// event loop thread. When the code needs to wait (a request, time.sleep) it switches out with an operation
// (python_ops.hpp); this class performs it natively (the request on the user's native HTTP client, which
// records the sample) and switches back in with the result. Other users run meanwhile; the interpreter
// lock is held only while Python runs.
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/killable.hpp"
#include "cicada/user.hpp"
#include "reactor/sleeper.hpp"

struct _object;  // CPython's PyObject, declared here so that this header needs no Python.h

namespace cicada::http {
class UserHttpClient;
}

namespace cicada::python {

struct PythonUserType;

class PythonUser final : public User, public Killable {
 public:
  explicit PythonUser(std::shared_ptr<const PythonUserType> type);
  ~PythonUser() override;
  PythonUser(const PythonUser&) = delete;
  PythonUser& operator=(const PythonUser&) = delete;

  Task<> on_start() override;
  Task<> on_stop() override;
  Task<> run_task(std::size_t index);
  // The run kills this user mid-call: its sleep ends now, and its greenlet gets a GreenletExit where it
  // waits (its TaskSets' and its own on_stop run, as after Locust's kill). Its client cuts the request.
  void kill() override;

 private:
  enum class Call { kOnStart, kTask, kOnStop };
  Task<> call(Call what, std::size_t index);
  // Under the GIL: starts the call's greenlet / resumes it with `value`, performs the operations that need
  // no waiting, and returns the first one that does (or kOpDone).
  int begin(Call what, std::size_t index, std::chrono::steady_clock::time_point now);
  int resume(_object* value, std::chrono::steady_clock::time_point now);  // value: a new reference, consumed
  int advance(_object* result);                                           // a new reference, consumed
  // Under no lock: throws the kill into the greenlet where it waits; then as resume().
  int deliver_kill();
  // Switches into the call's greenlet with `value` (borrowed) at `now`; the user's Python runs until it
  // switches back (its result, a new reference). Marked for the loop watch (loop_watch.hpp).
  _object* switch_in(_object* value, std::chrono::steady_clock::time_point now);
  // The user's greenlet is gone (its call raised past cicada's runtime): the next call makes a new one.
  void drop_greenlet();
  // Under the GIL, once the class's __init__ ended in the greenlet: takes the instance it made; false
  // when it made none (it raised, or the run stopped the user meanwhile).
  bool take_constructed();
  // What the greenlet's loop is sent to run call `what` (task `index`): (entry, args), made once per call.
  _object* command(Call what, std::size_t index);
  // The call's place in commands_ and in the type's labels: on_start, on_stop, then each task.
  static std::size_t slot_of(Call what, std::size_t index);
  // Under the GIL, after Python ran from `entered` until it switched back: a long stretch is reported.
  void report_if_blocked(std::chrono::steady_clock::time_point entered);
  void decode_request(_object* op);
  _object* response_tuple(Response& r);  // a new reference
  void perform_settle(_object* op);
  void perform_sample(_object* op);
  _object* perform_cookies(_object* op);  // a new reference: what the greenlet gets back
  void perform_exception(_object* op);
  http::UserHttpClient& native();
  reactor::Sleeper& sleeper();

  std::shared_ptr<const PythonUserType> type_;
  const std::string* label_ = nullptr;  // the call in progress, as reports name it
  _object* instance_ = nullptr;         // the Python user (owned)
  // While the class's __init__ runs in the greenlet (before the user's first call): the list it puts the
  // instance in (owned); null otherwise.
  _object* constructed_ = nullptr;
  _object* greenlet_ = nullptr;     // the user's greenlet, running one call after another (owned)
  _object* switch_ = nullptr;       // its bound switch method (owned): no lookup per switch
  std::vector<_object*> commands_;  // command() of on_start, on_stop, then each task (owned; or null)
  int outcome_ = 0;
  bool stopped_ = false;  // StopUser: no more tasks
  bool on_stop_ran_ = false;
  bool killed_ = false;  // kill() came: the call in progress gets it at its next switch
  http::UserHttpClient* native_ = nullptr;
  std::optional<reactor::Sleeper> sleeper_;

  // The request being made (owned here: it must outlive the co_await).
  std::string method_, url_, name_, body_;
  std::vector<std::string> header_text_;
  std::vector<Header> headers_;
  bool has_name_ = false, catch_response_ = false, redirects_ = true;
  std::chrono::milliseconds timeout_{0};  // the request's timeout=; 0: the run's
  double sleep_seconds_ = 0;
  // catch_response: the Response stays pending until Python settles it (or makes its next request).
  std::optional<Response> pending_;
  std::uint64_t pending_ticket_ = 0;
  std::uint64_t next_ticket_ = 0;
};

}  // namespace cicada::python
