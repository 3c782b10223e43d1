#pragma once
// RequestRecord and RequestSink: the one vocabulary between the clients that make requests and the
// statistics that count them ("the client reports, stats listen", like Locust's `request` event and
// wrk's per-thread histogram).
//
// A client (HTTP/1.1 today; HTTP/2, gRPC or a streaming client later) fills one RequestRecord per finished
// request and hands it to the RequestSink of the thread it runs on. The sink (stats::ThreadStats) turns
// records into histograms and counters. The client knows nothing about entries or histograms; the sink
// knows nothing about sockets or protocols.
//
// Hot path: a record is plain values and views, built on the stack and read during the call only (the
// sink copies what it keeps). A sink takes no lock and, once it has seen a (method, name) and an error
// text, allocates nothing.
#include <cstdint>
#include <span>
#include <string_view>

namespace cicada {

struct RequestRecord {
  // Entry key: the request stats entry is (method, name). "GET", "POST"... for HTTP; a protocol without
  // methods uses its own word ("grpc", "ws").
  std::string_view method;
  std::string_view name;  // the path, or the name the scenario gave

  // Latency from when the request was due (its scheduled start under arrival-rate load, otherwise the
  // call) to the last byte of the response, microseconds. The corrected latency (docs/metrics.md).
  std::int64_t response_time_us = 0;
  // From when it was actually sent (the call) to the last byte; equals response_time_us unless the
  // request started late. Never greater than response_time_us.
  std::int64_t uncorrected_response_time_us = 0;
  // Optional phases, -1 when the client does not know them. From the send to the first response byte
  // (streaming clients: the first message); lets streaming metrics be added without changing the sink.
  std::int64_t time_to_first_byte_us = -1;

  // Body bytes of the response (Content-Length when present, as Locust counts); 0 for a failure without
  // a response.
  std::uint64_t response_bytes = 0;

  // Empty: a success. Otherwise the failure text as the user sees it (Locust's repr style, e.g.
  // "RemoteDisconnected('Remote end closed connection without response')").
  std::string_view error;

  bool failed() const { return !error.empty(); }
};

// One streamed response (server-sent events, NDJSON) as the client measured it, handed to the sink beside
// its request's record. Times in microseconds from when the request was due; the gaps are read during
// the call only.
struct StreamSample {
  std::int64_t ttfb_us = 0;   // due -> first byte of the response
  std::int64_t ttft_us = -1;  // due -> first event carrying a token; -1 when no token came
  // Gaps between consecutive events carrying tokens, in arrival order (tokens events - 1 of them).
  std::span<const std::int64_t> gaps_us;
  std::uint64_t events = 0;              // events received (an end marker such as "[DONE]" is not one)
  std::uint64_t tokens = 0;              // tokens counted in them (docs/protocols.md, "counting tokens")
  std::uint64_t tokens_after_first = 0;  // tokens in the token events after the first one
  std::int64_t token_span_us = 0;        // first -> last token event (0 with fewer than two)
  std::int64_t total_us = 0;             // due -> last byte of the response; -1: cut before its end
};

// Where records go. One per event loop thread; called on that thread only.
class RequestSink {
 public:
  // One finished request: exactly one call per request, success or failure.
  virtual void on_request(const RequestRecord& record) = 0;

  // How far a request the end of the test cut had got: its connection still being opened (DNS, connect,
  // TLS: the target never saw it), sent and waiting for its answer, or its answer arriving.
  enum class CutAt { kConnecting, kWaiting, kReceiving };

  // A request that was made when the test ended and never got its whole response: the user was stopped
  // after --stop-timeout while it waited `waited_us` (from when it was due). Not a finished request: the
  // sink counts it as unanswered, and as a failure, whose text says where it was cut, once it waited
  // longer than the limit documented in docs/metrics.md ("Requests without an answer").
  virtual void on_unanswered(std::string_view method, std::string_view name, std::int64_t waited_us,
                             CutAt at) = 0;

  // A response that was a stream: its timing, in addition to (not instead of) the request's record.
  virtual void on_stream(std::string_view method, std::string_view name, const StreamSample& sample) = 0;

  // on_unanswered's case for a request that had answered: a stream (its head, a status below 400, and
  // perhaps some of its events came) still arriving when the test ended. waited_us as there; silent_us:
  // how long since its last byte; partial: what it measured until then (total_us -1). Not a finished
  // request: counted as unanswered, its stream figures kept, and a failure only once it had been silent
  // longer than on_unanswered's limit (docs/metrics.md, "Requests without an answer").
  virtual void on_cut_stream(std::string_view method, std::string_view name, std::int64_t waited_us,
                             std::int64_t silent_us, const StreamSample& partial) = 0;

 protected:
  ~RequestSink() = default;
};

}  // namespace cicada
