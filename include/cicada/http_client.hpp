#pragma once
// cicada::HttpClient: the per-user HTTP client a task awaits on (Locust's `self.client`).
//
// One per user: HTTP/1.1 keep-alive connection(s) to the host, its own cookie jar, default headers.
// Every request becomes one sample in the stats entry (method, name); name defaults to the path.
#include <chrono>
#include <span>
#include <string>
#include <string_view>

#include "cicada/response.hpp"
#include "cicada/task.hpp"

namespace cicada {

struct Header {
  std::string_view name;
  std::string_view value;
};

struct RequestOptions {
  std::string_view name;            // stats entry name (Locust's name=); empty means the path
  std::span<const Header> headers;  // extra headers for this request only
  std::string_view body;            // request body, sent with Content-Length
  std::string_view content_type;    // Content-Type of body, if any
  bool catch_response = false;      // the caller decides success/failure (see Response)
  bool follow_redirects = true;     // 301/302/303/307/308 are followed (at most --max-redirects hops)
  // This request's timeout, from when it was due to its last response byte (Locust's timeout=, YAML's
  // `timeout:`); zero: the run's --request-timeout.
  std::chrono::milliseconds timeout{0};
  // How this request's streamed response (docs/protocols.md) counts tokens: "event" or "json:POINTER"
  // ("json:/choices/0/delta/content", or "json:choices.0.delta.content"), as --stream-tokens; empty: the
  // run's --stream-tokens. A rule that is neither throws std::invalid_argument from the request.
  std::string_view stream_tokens;
};

// Thrown from a request when the run stops its user in the middle of a task (the end of a run with
// --stop-timeout 0, or once the stop timeout has passed: Locust kills the user's greenlet then). The request
// in flight is abandoned and counted as unanswered (docs/metrics.md), the task unwinds, and the user's
// on_stop runs. It is not an error and derives from no std::exception, so `catch (const std::exception&)`
// lets it through; code that catches everything should rethrow it. It is thrown once: a request made after
// it was caught (in on_stop, or in cleanup code) is made as usual.
struct UserKilled {};

class HttpClient {
 public:
  virtual ~HttpClient() = default;

  // path is either relative to the user's host ("/predict?x=1") or an absolute http(s) URL.
  virtual Task<Response> request(std::string_view method, std::string_view path, RequestOptions options) = 0;

  // A header sent with every request of this user (e.g. Authorization after a login in on_start).
  virtual void set_default_header(std::string_view name, std::string_view value) = 0;
  // The base URL relative paths are resolved against ("http://127.0.0.1:8080").
  virtual std::string_view host() const = 0;

  Task<Response> get(std::string_view path, RequestOptions options = {}) {
    return request("GET", path, options);
  }
  Task<Response> post(std::string_view path, std::string_view body, RequestOptions options = {}) {
    options.body = body;
    return request("POST", path, options);
  }
  Task<Response> post_json(std::string_view path, std::string_view json, RequestOptions options = {}) {
    options.body = json;
    options.content_type = "application/json";
    return request("POST", path, options);
  }
  Task<Response> put(std::string_view path, std::string_view body, RequestOptions options = {}) {
    options.body = body;
    return request("PUT", path, options);
  }
  Task<Response> del(std::string_view path, RequestOptions options = {}) {
    return request("DELETE", path, options);
  }
};

}  // namespace cicada
