#pragma once
// UserHttpClient: the load generator's HTTP client, one per simulated user (cicada::HttpClient).
//
// Runs on the user's event loop thread only. HTTP/1.1 with one keep-alive connection per user, reconnecting
// after a transport error or a "Connection: close"; TLS via Asio/OpenSSL; redirects; a per-user cookie jar.
// Every request is recorded exactly once in the thread's stats (ThreadStats): at once, or with
// RequestOptions::catch_response when the caller settles the Response (or lets it go).
//
// After warm-up (same host, keep-alive) a request allocates nothing: the request and response buffers,
// the parser and the coroutine frames are reused, and Asio handlers come from its recycling allocator.
//
// Usage (the engine wires it; scenarios only see cicada::HttpClient):
//   http::SharedClientState shared(io, config);            // one per thread
//   http::UserHttpClient client(shared, thread_stats);     // one per user
//   client.begin_due_chain(scheduled);                     // arrival-rate load only, around an iteration
//   cicada::Response r = co_await client.get("/health");
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/clock.hpp"
#include "cicada/http_client.hpp"
#include "http/client/connection.hpp"
#include "http/client/cookie_jar.hpp"
#include "http/client/event_stream.hpp"
#include "http/client/failure_text.hpp"
#include "http/client/request_writer.hpp"
#include "http/client/response_parser.hpp"
#include "http/client/shared_client_state.hpp"
#include "stats/thread_stats.hpp"

namespace cicada::http {

class UserHttpClient final : public HttpClient, private detail::ResponseOwner {
 public:
  // base_url overrides the run's ClientConfig::base_url (a user type's own host); empty keeps it.
  UserHttpClient(SharedClientState& shared, stats::ThreadStats& stats, std::string_view base_url = {});
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

  const CookieJar& cookies() const { return cookies_; }

  // The last response as a client in another language copies it out whole (src/python): its header block
  // ("name:value\n" per header; "" after a transport error), its reason phrase, and the failure text the
  // client records for it without catch_response ("" when it counts as a success).
  std::string_view last_header_block() const {
    return transport_ == TransportError::kNone ? parser_.header_block() : std::string_view{};
  }
  std::string_view last_reason() const {
    return transport_ == TransportError::kNone ? parser_.reason() : std::string_view{};
  }
  std::string_view last_failure_text() const { return failure_text_; }
  // The thread's statistics (custom samples and exceptions of scenario code) and event loop.
  stats::ThreadStats& thread_stats() { return stats_; }
  boost::asio::io_context& io() { return shared_.io(); }
  // TCP connections opened so far (keep-alive reuse shows as 1 for many requests).
  std::uint64_t connections_opened() const { return connections_opened_; }

 private:
  // detail::ResponseOwner: the state of the last response, valid until the next request.
  int status() const override { return transport_ == TransportError::kNone ? parser_.status() : 0; }
  std::string_view body() const override;
  std::optional<std::string_view> header(std::string_view name) const override;
  std::string_view transport_error() const override { return error_text_; }
  std::chrono::microseconds elapsed() const override { return std::chrono::microseconds(elapsed_us_); }
  std::size_t content_size() const override;
  void settle(std::uint64_t ticket, bool failed, std::string_view message) override;
  void settle_default(std::uint64_t ticket) override;

  // One request/response exchange on a (re)used connection; the parser holds the response after kNone.
  Task<TransportError> exchange(const Origin& origin, MonoTime deadline);
  Task<TransportError> open(const Origin& origin, MonoTime deadline);
  TransportError fail(const boost::system::error_code& ec, TransportError timeout_kind);
  // Points `target_`/`hop_origin_` at the Location of the current redirect response.
  bool follow_location(std::string_view location);
  stats::EntryId entry_for(std::string_view method, std::string_view name);
  void record_default();
  // The URL an HTTPError failure text names: the name= given, else the full URL requested (as Locust).
  std::string_view http_error_url(std::string_view name);
  stats::SampleLatency latency() const { return {elapsed_us_, uncorrected_us_}; }
  Response finish(std::uint64_t ticket, std::string_view method, std::string_view name, MonoTime due,
                  TransportError error, bool catch_response);

  SharedClientState& shared_;
  stats::ThreadStats& stats_;
  std::string base_url_;
  Origin base_origin_;
  bool base_ok_ = false;
  ConnectionRef conn_;
  ResponseParser parser_;
  CookieJar cookies_;
  HeaderList user_headers_;
  std::string write_buffer_;
  std::vector<boost::asio::ip::tcp::endpoint> endpoints_;
  std::string sni_;

  // Current hop of the current request (redirects change them).
  Origin hop_origin_;
  std::string_view target_;
  std::string location_[2];  // alternate: a relative Location is resolved against the previous target
  int location_slot_ = 0;
  RequestHead head_;

  // Streamed responses (text/event-stream, NDJSON) are timed as they arrive: stream_due_ is the current
  // request's due time, stream_kind_known_ whether its Content-Type was looked at yet.
  EventStream stream_;
  MonoTime stream_due_{};
  bool stream_kind_known_ = false;
  // After a feed of the response parser: times the first byte and passes new body bytes to stream_.
  void observe_stream(std::size_t body_before, MonoTime now, bool done);

  // Last response.
  std::optional<MonoTime> due_;
  bool chain_due_ = false;  // begin_due_chain(): the next request is due when this response ended
  TransportError transport_ = TransportError::kNone;
  std::string error_detail_;
  std::string error_text_;           // transport error text, "" when the response arrived
  std::string failure_text_;         // what a default failure records
  std::string_view error_url_;       // the path of a request without name= (valid during request())
  std::string error_url_text_;       // base URL + that path, built only for an HTTP error
  std::int64_t elapsed_us_ = 0;      // from the due time (corrected)
  std::int64_t uncorrected_us_ = 0;  // from the call
  MonoTime sent_{};
  stats::EntryId entry_ = 0;
  std::uint64_t ticket_ = 0;
  bool pending_ = false;
  std::uint64_t connections_opened_ = 0;

  // Last entries used: most users call a few (method, name) pairs again and again, so the hash lookup in
  // ThreadStats is skipped after the first call.
  struct CachedEntry {
    std::string method;
    std::string name;
    stats::EntryId id = 0;
    bool used = false;
  };
  std::array<CachedEntry, 4> entry_cache_;
  std::size_t entry_cache_next_ = 0;
};

}  // namespace cicada::http
