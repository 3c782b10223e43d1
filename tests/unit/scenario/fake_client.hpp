#pragma once
// An in-memory HttpClient for the scenario unit tests: it answers from a script and records what each
// request carried and how its Response was settled. The real client is tested against real sockets in
// tests/integration; here only the scenario side of the public interface is under test.
#include <deque>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "cicada/http_client.hpp"
#include "cicada/user.hpp"
#include "scenario/user_binder.hpp"  // the engine's own binder: one definition

namespace cicada::test {

struct ScriptedResponse {
  int status = 200;
  std::string body = "OK";
  std::string error;
  std::chrono::microseconds elapsed{1000};
};

struct RecordedRequest : detail::ResponseOwner {
  virtual ~RecordedRequest() = default;
  // What the request carried.
  std::string method, path, name, sent_body, content_type;
  std::vector<std::pair<std::string, std::string>> headers;
  bool catch_response = false;
  bool follow_redirects = true;
  std::chrono::milliseconds timeout{0};
  std::string stream_tokens;
  // The scripted answer.
  ScriptedResponse answer;
  // How the response was settled.
  int settle_count = 0;
  bool settled_default = false;
  bool failed = false;
  std::string message;

  // The Response's own copy of the scripted answer.
  detail::ResponseData data() const {
    detail::ResponseData d;
    d.status = answer.error.empty() ? answer.status : 0;
    d.body = answer.body;
    d.error = answer.error;
    d.elapsed_us = answer.elapsed.count();
    d.content_size = answer.body.size();
    return d;
  }
  void settle(std::uint64_t, bool is_failure, std::string_view text) override {
    ++settle_count;
    failed = is_failure;
    message = std::string(text);
  }
  void settle_default(std::uint64_t) override {
    ++settle_count;
    settled_default = true;
    failed = !answer.error.empty() || answer.status >= 400;
  }
  void recycle(detail::ResponseData&&) noexcept override {}
};

class FakeClient final : public HttpClient {
 public:
  std::deque<ScriptedResponse> script;   // answers in order; when empty, 200 "OK"
  std::deque<RecordedRequest> requests;  // deque: addresses stay valid for the Responses pointing at them

  Task<Response> request(std::string_view method, std::string_view path, RequestOptions options) override {
    auto& r = requests.emplace_back();
    r.method = std::string(method);
    r.path = std::string(path);
    r.name = std::string(options.name);
    r.sent_body = std::string(options.body);
    r.content_type = std::string(options.content_type);
    for (const auto& h : options.headers) r.headers.emplace_back(std::string(h.name), std::string(h.value));
    r.catch_response = options.catch_response;
    r.follow_redirects = options.follow_redirects;
    r.timeout = options.timeout;
    r.stream_tokens = std::string(options.stream_tokens);
    if (!script.empty()) {
      r.answer = script.front();
      script.pop_front();
    }
    co_return Response(&r, requests.size(), true, r.data());
  }
  void set_default_header(std::string_view, std::string_view) override {}
  std::string_view host() const override { return "http://127.0.0.1:1"; }
};

// Runs a task that never really suspends (the fake client answers at once) to completion.
inline void run_now(Task<> task) {
  auto handle = task.handle();
  handle.resume();
  if (!handle.done()) throw std::logic_error("task suspended on a fake client");
  task.await_resume();  // rethrows what the task threw
}

}  // namespace cicada::test
