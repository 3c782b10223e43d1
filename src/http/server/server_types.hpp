#pragma once
// What a handler of the generic HTTP/1.1 server sees and fills. No Beast or Asio types here, so handlers
// (the model API, later the load tester's web UI) compile fast and can be tested without the transport.
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cicada::http {

// Where a request says it came from: the Host, Origin, Sec-Fetch-Site, Referer and X-Forwarded-Host
// headers, each empty when absent. The web UI's guards against other web sites read
// them (webui/site_guard.hpp).
struct RequestProvenance {
  std::string_view host;
  std::string_view origin;
  std::string_view fetch_site;
  std::string_view referer;
  std::string_view forwarded_host;
};

// A view of one complete request. Every view points into the connection's buffers and is valid only for
// the duration of the handler call.
struct ServerRequest {
  std::string_view method;         // "GET", "POST", ... as sent
  std::string_view target;         // path and query as sent ("/predict?x=1")
  std::string_view path;           // target without the query
  std::string_view content_type;   // Content-Type header value, empty when absent
  std::string_view body;           // the whole body (bounded by ServerOptions::max_body_bytes)
  std::size_t worker = 0;          // index of the event-loop thread answering, in [0, threads)
  std::string_view authorization;  // Authorization header value, empty when absent (basic auth)
  // The provenance headers are looked up only when a handler asks: five more header lookups on every
  // request would cost the model server's hot path for the web UI's sake. HTTP/2 does not keep them (only
  // the model server speaks it, and it never asks): nullopt there.
  RequestProvenance (*provenance_of)(const void* source) = nullptr;
  const void* provenance_source = nullptr;

  std::optional<RequestProvenance> provenance() const {
    if (provenance_of == nullptr) return std::nullopt;
    return provenance_of(provenance_source);
  }
};

// The body of a response that stays open after its handler returned (server-sent events): the handler's
// owner keeps writing to it from any thread. The connection closes when the stream does.
class ResponseStream {
 public:
  virtual ~ResponseStream() = default;
  // Queues bytes for the client; thread-safe, never blocks. Returns false once the stream is closed: the
  // client left, the server is stopping, or the client fell more than ServerOptions::max_stream_pending_bytes
  // behind (a slow reader is dropped rather than buffered without bound). Drop the stream then.
  virtual bool write(std::string_view bytes) = 0;
  // Ends the response after what is queued; thread-safe and idempotent.
  virtual void close() = 0;
  virtual bool is_open() const = 0;
};
using StreamStart = std::function<void(std::shared_ptr<ResponseStream>)>;

inline constexpr std::string_view kDefaultResponseContentType = "text/plain; charset=utf-8";

struct ServerResponse {
  int status = 200;
  std::string content_type{kDefaultResponseContentType};
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers (Allow, Retry-After, ...)
  // Set it to stream: the status, content type and headers are sent without a length (Connection: close),
  // then `body` as the first bytes, then on_stream gets the stream on the worker thread. Not counted as
  // in flight once the head is written, so long-lived streams do not use up max_inflight.
  StreamStart on_stream;
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
