#pragma once
// What a handler of the generic HTTP/1.1 server sees and fills. No Beast or Asio types here, so handlers
// (the model API, later the load tester's web UI) compile fast and can be tested without the transport.
#include <chrono>
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cicada::http {

// A view of one complete request. Every view points into the connection's buffers and is valid only for
// the duration of the handler call.
struct ServerRequest {
  std::string_view method;        // "GET", "POST", ... as sent
  std::string_view target;        // path and query as sent ("/predict?x=1")
  std::string_view path;          // target without the query
  std::string_view content_type;  // Content-Type header value, empty when absent
  std::string_view body;          // the whole body (bounded by ServerOptions::max_body_bytes)
  std::size_t worker = 0;         // index of the event-loop thread answering, in [0, threads)
};

struct ServerResponse {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers (Allow, Retry-After, ...)
};

// Runs on a worker thread, must not block for long (it holds that thread's whole event loop) and should not
// throw: an escaping exception is answered 500 as a last resort.
using Handler = std::function<void(const ServerRequest&, ServerResponse&)>;

// Route index reported for requests that matched no path (404) or never got routed (malformed HTTP, 413).
inline constexpr std::size_t kUnmatchedRoute = static_cast<std::size_t>(-1);

// Hooks for metrics. Called on the worker thread that answered, so an implementation can keep per-worker
// counters without locks.
class ServerObserver {
 public:
  virtual ~ServerObserver() = default;
  // One response handed to the socket. latency: from the request fully read to its response fully written.
  virtual void on_response(std::size_t worker, std::size_t route, int status,
                           std::chrono::nanoseconds latency) noexcept = 0;
  // One request answered 503 because the server was at its in-flight limit (also reported to on_response).
  virtual void on_rejected(std::size_t worker) noexcept = 0;
};

}  // namespace cicada::http
