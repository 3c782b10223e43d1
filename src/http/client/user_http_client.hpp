#pragma once
// UserHttpClient: the load generator's HTTP client, one per simulated user (cicada::HttpClient).
//
// Runs on the user's event loop thread only. HTTP/1.1 with one keep-alive connection per user, reconnecting
// after a transport error or a "Connection: close"; TLS via Asio/OpenSSL; redirects; a per-user cookie jar.
// With ClientConfig::http2, HTTP/2 instead (http2_session.hpp: TLS with ALPN h2, or h2c with prior
// knowledge), one connection per user carrying its requests as successive streams; everything above the
// exchange (redirects, cookies, timeouts, records, failure texts, body limit) is the same code.
// Every request is reported exactly once, as one RequestRecord handed to the thread's RequestSink
// (base/request_record.hpp; the engine passes its stats::ThreadStats): at once, or with
// RequestOptions::catch_response when the caller settles the Response (or lets it go). A request still
// waiting when the client is destroyed (the test ended) is reported to the sink as unanswered.
//
// No silent resend: a request is written once. A kept-alive connection that the server closed while it was
// idle is noticed before writing (a non-blocking peek) and replaced; once written, a request that gets no
// complete response fails. Bytes that arrive on an idle connection, or follow a complete response, belong
// to no request: the connection is closed and the request fails, so responses never pair with the wrong
// request.
//
// After warm-up (same host, keep-alive) a request allocates nothing: the request, read and response buffers
// come from the thread's BufferPool (taken when a request starts, given back when it ends, the response's
// when the Response goes away: a user between requests holds none), the parser and the coroutine frames
// are reused, and Asio handlers come from its recycling allocator.
//
// Usage (the engine wires it; scenarios only see cicada::HttpClient):
//   http::SharedClientState shared(io, config);            // one per thread
//   http::UserHttpClient client(shared, thread_stats);     // one per user; ThreadStats is the sink
//   client.begin_due_chain(scheduled);                     // arrival-rate load only, around an iteration
//   cicada::Response r = co_await client.get("/health");
#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.hpp"
#include "base/request_record.hpp"
#include "cicada/http_client.hpp"
#include "http/client/connection.hpp"
#include "http/client/cookie_jar.hpp"
#include "http/client/event_stream.hpp"
#include "http/client/failure_text.hpp"
#include "http/client/http2_session.hpp"
#include "http/client/request_target.hpp"
#include "http/client/request_writer.hpp"
#include "http/client/response_parser.hpp"
#include "http/client/shared_client_state.hpp"

namespace cicada::http {

class UserHttpClient final : public HttpClient, private detail::ResponseOwner {
 public:
  // base_url overrides the run's ClientConfig::base_url (a user type's own host); empty keeps it.
  UserHttpClient(SharedClientState& shared, RequestSink& sink, std::string_view base_url = {});
  ~UserHttpClient() override;
  UserHttpClient(const UserHttpClient&) = delete;
  UserHttpClient& operator=(const UserHttpClient&) = delete;

  Task<Response> request(std::string_view method, std::string_view path, RequestOptions options) override;
  void set_default_header(std::string_view name, std::string_view value) override;
  std::string_view host() const override { return base_url_; }

  // The next request's latency is measured from `due` (arrival-rate load: its scheduled time) instead of
  // from the call; the latency from the call is recorded beside it as the uncorrected one. Applies to one
  // request. A due time in the future counts as now.
  void set_due_time(MonoTime due) { due_ = due; }
  // Every request from now until end_due_chain() is due: the first at `due`, each later one when the
  // previous response ended (its issue was due right then; any delay before the send, such as a late
  // event loop, is the generator's and counts in the corrected latency). Arrival-rate iterations.
  void begin_due_chain(MonoTime due) {
    due_ = due;
    chain_due_ = true;
  }
  void end_due_chain() {
    chain_due_ = false;
    due_.reset();
  }
  // The same due times for the user's other clients (gRPC), so a task mixing protocols is measured the
  // same way: when a request called at `sent` was due (taking a one-shot due time, as a request here
  // would), and the end of such a request (in a due chain, the next request is due then).
  MonoTime take_due(MonoTime sent) {
    const MonoTime due = due_ && *due_ < sent ? *due_ : sent;
    due_.reset();
    return due;
  }
  void note_request_end(MonoTime done) {
    if (chain_due_) due_ = done;
  }

  // The run stops this user mid-task (cicada::UserKilled): a request in flight is cut now (its connection
  // closed; it is counted as unanswered) and throws UserKilled; with none in flight, the next request
  // throws it before sending anything. Once: the request after that is made as usual.
  void kill();
  // The kill was delivered some other way (the user's own wait woke, a locustfile's greenlet was told):
  // the next request is made as usual.
  void disarm_kill() { kill_armed_ = false; }
  // Whether a kill waits for the user's next request; consumes it (the user's gRPC client asks too).
  bool take_kill() { return std::exchange(kill_armed_, false); }

  const CookieJar& cookies() const { return cookies_; }
  CookieJar& cookies() { return cookies_; }  // a locustfile's self.client.cookies changes it
  // The run's client settings (request timeout, CA bundle), for the user's other clients too.
  const ClientConfig& config() const { return shared_.config(); }

  // For a client in another language (src/python): the failure text the last request is recorded with
  // without catch_response ("" when it counts as a success; the Response itself has the rest), the
  // thread's sink (custom samples) and event loop.
  std::string_view last_failure_text() const { return failure_text(); }
  // The stats entry the last request was recorded under (its name=, else its requoted target).
  std::string_view last_name() const { return name_; }
  // Whether the last request followed a redirect, and its last hop's URL as sent (requests'
  // response.url), written into `out`; valid until the next request.
  bool last_followed_redirect() const { return followed_redirect_; }
  void last_url(std::string& out) const;
  // The redirects the last request followed, in order (requests' response.history): each hop's status,
  // URL as sent and Location. Empty when it followed none; valid until the next request.
  struct RedirectHop {
    int status = 0;
    std::string url, location;
  };
  std::span<const RedirectHop> last_redirects() const {
    if (!followed_redirect_ || !rare_) return {};
    return {rare_->hops.data(), rare_->hop_count};
  }
  RequestSink& sink() { return sink_; }
  boost::asio::io_context& io() { return shared_.io(); }
  // TCP connections opened so far (keep-alive reuse shows as 1 for many requests).
  std::uint64_t connections_opened() const { return connections_opened_; }
  // Bytes of the connection's read buffer now (it grows when reads fill it; tests and memory accounting).
  std::size_t read_buffer_bytes() const { return conn_->read_capacity(); }
  // Whether the client holds pooled buffers now (a request in flight, or one whose coroutine went away).
  bool holds_buffers() const { return holds_buffers_ || conn_->holds_read_buffer(); }

 private:
  // detail::ResponseOwner
  void settle(std::uint64_t ticket, bool failed, std::string_view message) override;
  void settle_default(std::uint64_t ticket) override;
  void recycle(detail::ResponseData&& data) noexcept override;

  // One request/response exchange on a (re)used connection; the parser holds the response after kNone.
  Task<TransportError> exchange(const Origin& origin, MonoTime deadline);
  // The same over HTTP/2: the request as a stream on the user's HTTP/2 connection.
  Task<TransportError> exchange_h2(const Origin& origin, MonoTime deadline);
  Task<TransportError> open(const Origin& origin, MonoTime deadline);
  // A connection on this loop, on its io_uring when the run uses one (HTTP/1.1 only).
  ConnectionRef new_connection();
  // The request's buffers from the pool, and back (the response's go with the Response).
  void take_buffers();
  void give_buffers();
  TransportError fail(const boost::system::error_code& ec, TransportError timeout_kind);
  // Points `target_`/`hop_origin_` at the Location of the current redirect response.
  bool follow_location(std::string_view location);
  Response finish(std::uint64_t ticket, MonoTime due, TransportError error, bool catch_response);
  // The current request will get no answer (the client or its coroutine went, or kill() cut it): the
  // sink counts it as unanswered, with how long it waited since it was due.
  void report_unanswered();
  // Hands the current request's record to the sink; error "" for a success.
  void report(std::string_view error);
  void record_default();
  // The URL an HTTPError failure text names: the name= given, else the full URL requested (as Locust).
  std::string_view http_error_url(std::string_view name);

  SharedClientState& shared_;
  RequestSink& sink_;
  std::string base_url_;
  Origin base_origin_;
  bool base_ok_ = false;
  ConnectionRef conn_;
  ResponseParser parser_;
  std::unique_ptr<Http2Session> h2_;  // the HTTP/2 session on conn_ (--http2 only)
  CookieJar cookies_;
  HeaderList user_headers_;
  std::string write_buffer_;    // from the pool while a request is in flight
  std::string response_error_;  // the pooled error string the next Response gets
  bool holds_buffers_ = false;
  std::vector<boost::asio::ip::tcp::endpoint> endpoints_;

  // Current hop of the current request (redirects change them).
  Origin hop_origin_;
  std::string_view target_;
  // Strings few users need, made at the first use (issue 19: every inline byte counts 100,000 times):
  // two alternating buffers for redirects (a relative Location is resolved against the previous target),
  // a target percent-encoded as Locust's HttpSession sends it (requote_target), and a relative path after
  // the host's own path.
  struct RareTargets {
    std::array<std::string, 2> locations;
    TargetBuffers requoted;
    std::string prefixed;
    // The current request's redirects (last_redirects): hop_count of hops used, their strings' capacity
    // kept from one request to the next.
    std::vector<RedirectHop> hops;
    std::size_t hop_count = 0;
  };
  std::unique_ptr<RareTargets> rare_;
  RareTargets& rare();
  void record_redirect(int status, std::string_view location);  // a hop of the current request
  int location_slot_ = 0;
  bool followed_redirect_ = false;  // the current request went past its first hop
  // The host's path ("/model-a" of http://gw/model-a) as offset and size in base_url_ (size 0: none).
  std::uint32_t base_path_at_ = 0, base_path_size_ = 0;
  // target_ as sent: requoted when it needs to be.
  void requote();
  RequestHead head_;

  // Streamed responses (text/event-stream, NDJSON) are timed as they arrive: stream_kind_known_ tells
  // whether the current response's Content-Type was looked at yet, streaming_ whether it is a stream.
  // The EventStream is made at the first streamed response (issue 19: most users never get one).
  std::unique_ptr<EventStream> stream_;
  const TokenCounting* stream_counting_ = nullptr;  // the current request's rule
  bool stream_kind_known_ = false;
  bool streaming_ = false;
  // After a feed of the response parser: passes new body bytes to stream_.
  void observe_stream(std::size_t body_before, MonoTime now, bool done);

  // The current (or last) request. Method and name are copies: the caller's views may be gone when the
  // record is made (catch_response settles later; a test may end while the request waits).
  std::string method_;
  std::string name_;
  std::chrono::milliseconds request_timeout_{
      0};  // the current request's (RequestOptions::timeout or the run's)
  std::optional<MonoTime> due_;
  bool chain_due_ = false;  // begin_due_chain(): the next request is due when this response ended
  MonoTime due_at_{};       // when the current request was due
  MonoTime sent_{};         // when it was called
  MonoTime first_byte_{};   // when its first response byte arrived (valid when first_byte_seen_)
  bool first_byte_seen_ = false;
  bool in_flight_ = false;    // called and not finished: reported as unanswered if the client goes first
  bool written_ = false;      // in flight, and its current hop's bytes began to go out (not still connecting)
  bool answer_seen_ = false;  // bytes of the current hop's answer arrived
  bool kill_armed_ = false;   // kill(): the current or next request throws UserKilled
  // Made at the user's first failure (issue 19: memory per user; most users never fail).
  struct FailureTexts {
    std::string detail;  // completes a transport error's text
    std::string text;    // what a default record reports ("" for a success)
    std::string url;     // base URL + the path of a request without name=, built only for an HTTP error
  };
  std::unique_ptr<FailureTexts> failure_;
  FailureTexts& failure();
  std::string_view failure_text() const { return failure_ ? std::string_view(failure_->text) : ""; }
  bool error_names_url_ = false;     // no name= given: an HTTPError's text names the URL (as Locust)
  std::int64_t elapsed_us_ = 0;      // from the due time (corrected)
  std::int64_t uncorrected_us_ = 0;  // from the call
  std::uint64_t content_size_ = 0;
  std::uint64_t ticket_ = 0;
  bool pending_ = false;
  std::uint64_t connections_opened_ = 0;
};

}  // namespace cicada::http
