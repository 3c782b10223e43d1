#pragma once
// One server connection (internal to src/http/server): read a request, answer it, repeat while keep-alive.
// Included by the translation unit that accepts, starts and stops sessions; its hot path stays inline.
#include <array>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <type_traits>

#include "base/clock.hpp"
#include "base/log.hpp"
#include "http/server/beast_request_head.hpp"
#include "http/server/head_bounded_reads.hpp"
#include "http/server/json_text.hpp"
#include "http/server/response_head.hpp"
#include "http/server/server_dispatch.hpp"
#include "http/server/server_h2_connection.hpp"
#include "http/server/server_h2_session.hpp"
#include "http/server/server_worker.hpp"
#include "http/server/stream_channel.hpp"
#include "http/server/tls_close_notify.hpp"

namespace cicada::http::server_detail {

inline bool is_http_parse_error(const beast::error_code& ec) {
  return ec.category() == bhttp::make_error_code(bhttp::error::bad_method).category();
}

// One connection: read a request, answer it, repeat while keep-alive. Lives on one worker. With
// ServerOptions::http2, its first read looks for the HTTP/2 client preface and hands an HTTP/2 connection
// over to serve_h2 (server_h2_connection.hpp); later requests pay nothing for it.
//
// Stream is the socket itself (plain HTTP) or Asio's TLS stream over it (ServerOptions::tls_cert_file,
// server_tls.hpp): a template rather than a virtual stream, so the plain hot path pays nothing for TLS.
// Over TLS the connection's first bytes must be a TLS handshake record: anything else is a client
// speaking plain HTTP to an HTTPS port, answered 400 in plain text with the address to use. With
// ServerOptions::http2, a TLS client that chooses "h2" by ALPN is handed to serve_h2 after the handshake
// (over TLS, HTTP/2 is only ever chosen that way: RFC 9113 §3.2).
template <class Stream>
class BasicSession final : public Connection, public std::enable_shared_from_this<BasicSession<Stream>> {
  static constexpr bool kTls = !std::is_same_v<Stream, Socket>;
  using std::enable_shared_from_this<BasicSession<Stream>>::shared_from_this;
  using std::enable_shared_from_this<BasicSession<Stream>>::weak_from_this;

 public:
  // The socket is opened by the acceptor (accepted()), on the worker's loop. stream_args: the TLS
  // stream's context, none for a plain one.
  template <class... StreamArgs>
  BasicSession(HttpServer::Impl& server, Worker& worker, StreamArgs&... stream_args)
      : server_(server), worker_(worker), stream_(worker.ioc, stream_args...) {}

  ~BasicSession() {
    if (counted_) server_.connections.fetch_sub(1, std::memory_order_relaxed);
    if (channel_) channel_->mark_closed();
    if (!registered_) return;  // never started: the loop was stopped hard before start() ran
    unregister(worker_, registration_);
  }

  Socket& socket() { return beast::get_lowest_layer(stream_); }
  const Socket& socket() const { return beast::get_lowest_layer(stream_); }

  // On the acceptor's thread, once the socket is connected: it counts as open from here.
  void accepted() {
    server_.connections.fetch_add(1, std::memory_order_relaxed);
    counted_ = true;
  }

  // On the worker's thread.
  void start() {
    registration_ = worker_.sessions.insert(worker_.sessions.end(), this);
    registered_ = true;
    if (worker_.stopping) return;  // accepted just before stop(): drop it
    ensure_sweep(worker_);
    beast::error_code ec;
    socket().set_option(tcp::no_delay(true), ec);
    if constexpr (kTls) {
      return read_client_hello();
    } else {
      if (server_.options.http2) return sniff();
      read_request();
    }
  }

  // The sweep found this connection past its deadline: closing it ends the pending read or write (with
  // operation_aborted), as a timeout should.
  void close_if_expired(MonoTime now) override {
    if (now < deadline_) return;
    deadline_ = MonoTime::max();
    beast::error_code ec;
    if (state_ == State::kReading && parser_ && parser_->got_some()) {
      // Part of a request came and the rest not in time: a stalled upload, or a chunked body whose lines
      // end in a bare LF (the parser waits for the CR). The client is told why (408) before the connection
      // closes; on_read sees the cancelled read.
      read_timed_out_ = true;
      socket().cancel(ec);
      return;
    }
    end_idle();
  }

  // Waiting for a request of which nothing has arrived: what the connection cap may close.
  bool idle() const override {
    // Closed (evicted, expired) but not yet destroyed: its handlers have not run. The cap must not choose
    // it again, or every connection of a burst "evicts" the same closed one.
    if (!socket().is_open()) return false;
    if (state_ == State::kSniffing) return buffer_.size() == 0;
    return state_ == State::kReading && buffer_.size() == 0 && parser_ && !parser_->got_some();
  }

  // The connection cap closes this idle connection to make room for a new one.
  void evict() override { end_idle(); }

  // stop(): a connection waiting for a request is closed now; one writing an answer closes after it; a
  // stream ends now (its owner's writes fail from here on).
  void shutdown() override {
    if (state_ == State::kStreaming) return end_stream();
    if (state_ != State::kReading && state_ != State::kSniffing && state_ != State::kHandshaking) return;
    end_idle();
  }

 private:
  enum class State { kSniffing, kHandshaking, kReading, kWriting, kClosing, kStreaming };

  void close_now() {
    beast::error_code ignored;
    socket().close(ignored);
  }

  // The server ends a connection that waits for a request (its timeout, the cap's eviction, stop): closed
  // now. Over TLS, once the handshake is done, a close_notify goes first (a bare close reads as a cut to
  // OpenSSL 3 clients): the pending read is cancelled, as TLS shutdown must not run beside it, and its
  // handler (on_read) writes the close_notify and closes, without waiting for the client (nothing of
  // ours is left unread for a reset to destroy).
  void end_idle() {
    if constexpr (kTls) {
      if (tls_up_ && state_ == State::kReading) {
        state_ = State::kClosing;  // not idle any more: the cap does not choose it twice
        close_notify_after_read_ = true;
        expire_after(kClosingGrace);
        beast::error_code ignored;
        socket().cancel(ignored);
        return;
      }
    }
    shutdown_and_close();
  }

  // Both directions shut, then closed: what the cap, stop() and a stream's end do to a connection.
  void shutdown_and_close() {
    beast::error_code ignored;
    socket().shutdown(tcp::socket::shutdown_both, ignored);
    socket().close(ignored);
  }

  // The deadline of a connection's first request (its TLS handshake, or the HTTP/2 sniff, included).
  std::chrono::milliseconds first_request_timeout() const {
    return std::min(server_.options.request_timeout, server_.options.first_request_timeout);
  }

  // TLS: the first read takes the client's first record (a ClientHello fits a typical first read; the
  // handshake reads the rest itself). The first request's deadline runs from here.
  void read_client_hello() {
    state_ = State::kSniffing;
    expire_after(first_request_timeout());
    socket().async_read_some(
        buffer_.prepare(kSniffReadBytes),
        [self = shared_from_this()](beast::error_code ec, std::size_t n) { self->on_client_hello(ec, n); });
  }

  // A TLS handshake record starts with content type 22 (RFC 8446 §5.1).
  static constexpr unsigned char kTlsHandshakeRecord = 0x16;

  void on_client_hello(beast::error_code ec, std::size_t n) {
    if (ec) return close_now();
    buffer_.commit(n);
    if (*static_cast<const unsigned char*>(buffer_.data().data()) != kTlsHandshakeRecord)
      return refuse_plain_http();
    state_ = State::kHandshaking;
    stream_.async_handshake(Stream::server, buffer_.data(),
                            [self = shared_from_this()](beast::error_code hec, std::size_t used) {
                              self->on_handshake(hec, used);
                            });
  }

  void on_handshake(beast::error_code ec, std::size_t used) {
    // A failed handshake (an untrusted certificate on the client's side, no common version or cipher) is
    // the client's to report; the server has nothing to answer it with.
    if (ec) return close_now();
    // Every byte read before the handshake went into the TLS engine (which keeps what follows the
    // handshake for the first decrypting read).
    buffer_.consume(used);
    tls_up_ = true;
    if (server_.options.http2 && negotiated_h2(stream_.native_handle())) {
      state_ = State::kClosing;
      return serve_h2(server_, worker_, std::move(stream_), {}, deadline_, counted_);
    }
    // The first request's deadline, set by read_client_hello, keeps running: a slow handshake does not
    // earn a second first-request timeout.
    read_next();
  }

  // A client speaking plain HTTP to an HTTPS port (http:// typed for https://), or sending anything else
  // that is no TLS handshake record (an SSLv2 hello, stray bytes): one answer in plain text that says
  // which address to use, then the connection closes.
  void refuse_plain_http() {
    state_ = State::kWriting;
    keep_alive_ = false;
    constexpr std::string_view body =
        "This server speaks HTTPS only: use https:// in the address (what came was not a TLS handshake).\n";
    out_.clear();
    append_response_head(out_, {400, reason(400), server_.options.server_name, kDefaultResponseContentType,
                                nullptr, body.size(), false});
    out_ += body;
    expire_after(server_.options.request_timeout);
    asio::async_write(socket(), asio::buffer(out_),
                      [self = shared_from_this()](beast::error_code ec, std::size_t) {
                        if (ec) return;
                        self->expire_after(kClosingGrace);
                        self->half_close_and_drain();
                      });
  }

  // The first read of a connection when HTTP/2 is on: HTTP/1.1 unless the bytes are the HTTP/2 preface.
  void sniff() {
    state_ = State::kSniffing;
    expire_after(first_request_timeout());
    sniff_more();
  }

  // The preface is 24 bytes; a first read of 512 still takes a typical request whole, and the read buffer
  // keeps this capacity for the connection's life unless a request needs more (4096 here was 3.5 KB of
  // memory per idle connection).
  static constexpr std::size_t kSniffReadBytes = 512;

  void sniff_more() {
    stream_.async_read_some(
        buffer_.prepare(kSniffReadBytes),
        [self = shared_from_this()](beast::error_code ec, std::size_t n) { self->on_sniff(ec, n); });
  }

  void on_sniff(beast::error_code ec, std::size_t n) {
    if (ec) return close_now();
    buffer_.commit(n);
    const std::string_view got(static_cast<const char*>(buffer_.data().data()), buffer_.size());
    const std::size_t common = std::min(got.size(), kH2ClientPreface.size());
    // The first differing byte decides for HTTP/1.1 (the deadline set by sniff() still runs).
    if (got.substr(0, common) != kH2ClientPreface.substr(0, common)) return read_next();
    if (got.size() < kH2ClientPreface.size()) return sniff_more();
    state_ = State::kClosing;
    if constexpr (!kTls) serve_h2(server_, worker_, std::move(stream_), got, deadline_, counted_);
  }

  void read_request() {
    expire_after(requests_ == 0 ? first_request_timeout() : server_.options.request_timeout);
    read_next();
  }

  void read_next() {
    state_ = State::kReading;
    head_request_ = false;
    read_timed_out_ = false;
    // The previous request's parser goes first: everything it took from the arena is then unused.
    parser_.reset();
    arena_.release();
    ArenaAllocator alloc(&arena_);
    parser_.emplace(std::piecewise_construct, std::make_tuple(alloc), std::make_tuple(alloc));
    parser_->body_limit(server_.options.max_body_bytes);
    parser_->header_limit(static_cast<std::uint32_t>(server_.options.max_header_bytes));
    request_reads_.start_request();
    bhttp::async_read(request_reads_, buffer_, *parser_,
                      [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
  }

  void on_read(beast::error_code ec) {
    if constexpr (kTls) {
      if (close_notify_after_read_) {
        // end_idle() cancelled the read (a request that came whole meanwhile is dropped, as a bare close
        // dropped it); a failed read leaves no TLS to end.
        if (ec && ec != asio::error::operation_aborted) return close_now();
        return async_close_notify(
            stream_, [self = shared_from_this()](beast::error_code) { self->shutdown_and_close(); });
      }
    }
    if (!ec) return handle();
    if (ec == bhttp::error::bad_method) {
      if (at_cut_line_end()) return read_more();
      if (skip_empty_line()) return read_next();
    }
    read_done_ = mono_now();
    route_ = kUnmatchedRoute;
    keep_alive_ = false;
    if (ec == bhttp::error::body_limit) {
      return answer_error(
          413, fmt::format("request body larger than the limit of {} bytes", server_.options.max_body_bytes));
    }
    if (ec == bhttp::error::header_limit) {
      return answer_error(431, fmt::format("request head larger than the limit of {} bytes",
                                           server_.options.max_header_bytes));
    }
    if (read_timed_out_ && ec == asio::error::operation_aborted && !worker_.stopping) {
      return answer_error(408, "request not complete within the server's request timeout");
    }
    // A partial request cut by end of stream is the client leaving, not a malformed request.
    if (is_http_parse_error(ec) && ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message) {
      return answer_error(400, "malformed HTTP request: " + ec.message());
    }
    // Timeout (the stream is already closed), peer reset or closed, or our own shutdown: nothing to answer.
    close_now();
  }

  // RFC 9112 §2.2: a server SHOULD ignore at least one empty line before a request-line (some clients end
  // a POST body with a CRLF the Content-Length does not count). Beast's parser refuses it as a bad method,
  // leaving it in the buffer: up to kMaxEmptyLines of them are dropped and the read starts again, its
  // deadline still running.
  static constexpr int kMaxEmptyLines = 4;
  bool skip_empty_line() {
    const std::string_view got(static_cast<const char*>(buffer_.data().data()), buffer_.size());
    const std::size_t line = got.starts_with("\r\n") ? 2 : got.starts_with("\n") ? 1 : 0;
    if (line == 0 || empty_lines_ == kMaxEmptyLines) return false;
    ++empty_lines_;
    buffer_.consume(line);
    return true;
  }

  // The buffer holds a lone CR: an empty line's CRLF cut between two reads, as the parser cannot tell.
  bool at_cut_line_end() const {
    return empty_lines_ < kMaxEmptyLines && buffer_.size() == 1 &&
           *static_cast<const char*>(buffer_.data().data()) == '\r';
  }

  // Reads what follows, then parses again (the request's deadline still running).
  void read_more() {
    stream_.async_read_some(buffer_.prepare(kSniffReadBytes),
                            [self = shared_from_this()](beast::error_code ec, std::size_t n) {
                              if (ec) return self->close_now();
                              self->buffer_.commit(n);
                              self->read_next();
                            });
  }

  void handle() {
    empty_lines_ = 0;
    auto& req = parser_->get();
    read_done_ = mono_now();
    ++requests_;
    keep_alive_ = req.keep_alive() && !server_.stopping.load(std::memory_order_relaxed);
    route_ = kUnmatchedRoute;
    head_request_ = req.method() == bhttp::verb::head;  // an error answer to a HEAD has no body either
    HeadVerdict verdict = check_head(req);
    if (verdict.status != 0) {
      keep_alive_ = false;  // the framing of what follows is in doubt: nothing more is read from it
      return answer_error(verdict.status, verdict.message);
    }
    // HEAD on a GET route matches the GET handler; send() drops the body (RFC 9110 §9.3.2).
    ServerRequest view{req.method_string(),
                       verdict.target,
                       verdict.path,
                       req[bhttp::field::content_type],
                       req.body(),
                       worker_.index,
                       req[bhttp::field::authorization],
                       &provenance_of,
                       &req};
    // The connection's response object is reused: its strings keep their capacity, so a handler that
    // assigns or appends allocates nothing once the connection is warm.
    ServerResponse& out = reset_response();
    const Dispatched d = dispatch_request(server_, view, out);
    route_ = d.route;
    counted_inflight_ = d.counted_inflight;
    send(out);
  }

  static RequestProvenance provenance_of(const void* source) {
    const auto& req = *static_cast<const RequestParser::value_type*>(source);
    return {req[bhttp::field::host], req[bhttp::field::origin], req["Sec-Fetch-Site"],
            req[bhttp::field::referer], req["X-Forwarded-Host"]};
  }

  ServerResponse& reset_response() {
    response_.status = 200;
    response_.content_type.assign(kDefaultResponseContentType);
    response_.body.clear();
    response_.headers.clear();
    response_.on_stream = nullptr;
    return response_;
  }

  HeadVerdict check_head(const RequestParser::value_type& req) {
    std::string transfer_encoding;
    return check_request_head(request_head_of(req, transfer_encoding));
  }

  void answer_error(int status, std::string_view message) {
    ServerResponse& out = reset_response();
    fill_error(out, status, message);
    send(out);
  }

  static std::string_view reason(int status) {
    return bhttp::obsolete_reason(bhttp::int_to_status(static_cast<unsigned>(status)));
  }

  // The head and the body go out in one buffer and one write.
  void send(ServerResponse& out) {
    // A HEAD on a streaming route gets the head alone, like any HEAD.
    if (out.on_stream && !head_request_) return start_stream(out);
    status_ = out.status;
    // stop() may have come while the handler ran: tell the client this connection ends with this answer.
    if (server_.stopping.load(std::memory_order_relaxed)) keep_alive_ = false;
    out_.clear();
    // A HEAD answer's Content-Length still says what GET would send.
    append_response_head(out_, {out.status, reason(out.status), server_.options.server_name, out.content_type,
                                &out.headers, out.body.size(), keep_alive_});
    if (!head_request_) out_ += out.body;
    state_ = State::kWriting;
    expire_after(server_.options.request_timeout);
    asio::async_write(stream_, asio::buffer(out_),
                      [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_write(ec); });
  }

  void on_write_accounting() {
    if (counted_inflight_) {
      server_.inflight.fetch_sub(1, std::memory_order_relaxed);
      counted_inflight_ = false;
    }
    if (server_.observer != nullptr) {
      server_.observer->on_response(worker_.index, route_, status_, mono_now() - read_done_);
    }
  }

  void on_write(beast::error_code ec) {
    on_write_accounting();
    if (ec) return;  // the peer went away; dropping the last reference closes the socket
    if (!keep_alive_ || worker_.stopping) return close_gracefully();
    read_request();
  }

  // A streaming response: a head without a length (the body ends when the connection does), then whatever
  // the channel's owner writes. The request timeout no longer applies; a stalled reader is bounded by
  // max_stream_pending_bytes instead.
  void start_stream(ServerResponse& out) {
    status_ = out.status;
    keep_alive_ = false;
    stream_out_.clear();
    append_response_head(stream_out_, {out.status, reason(out.status), server_.options.server_name,
                                       out.content_type, &out.headers, std::nullopt, false});
    stream_out_ += out.body;
    auto weak = weak_from_this();
    auto executor = worker_.ioc.get_executor();
    channel_ = std::make_shared<StreamChannel>(server_.options.max_stream_pending_bytes, [weak, executor] {
      asio::post(executor, [weak] {
        if (auto self = weak.lock()) self->flush_stream();
      });
    });
    state_ = State::kStreaming;
    deadline_ = MonoTime::max();
    stream_writing_ = true;
    asio::async_write(
        stream_, asio::buffer(stream_out_),
        [self = shared_from_this(), start = std::move(out.on_stream)](
            beast::error_code ec, std::size_t) mutable { self->on_stream_head(ec, std::move(start)); });
  }

  void on_stream_head(beast::error_code ec, StreamStart start) {
    stream_writing_ = false;
    on_write_accounting();
    if (ec || worker_.stopping) return end_stream();
    // A read that only completes when the client closes (or misbehaves): how a stream learns it is unread.
    stream_.async_read_some(asio::buffer(worker_.discard),
                            [self = shared_from_this()](beast::error_code read_ec, std::size_t) {
                              if (self->close_notify_after_watch_) {
                                // end_stream() cancelled it; another error leaves no TLS to shut down.
                                if (!read_ec || read_ec == asio::error::operation_aborted)
                                  return self->close_gracefully();
                                return self->close_now();
                              }
                              self->end_stream();
                            });
    start(channel_);
    flush_stream();
  }

  void flush_stream() {
    if (stream_writing_ || state_ != State::kStreaming) return;
    if (!channel_->take(stream_out_)) {
      if (channel_->finished()) end_stream();
      return;
    }
    stream_writing_ = true;
    asio::async_write(stream_, asio::buffer(stream_out_),
                      [self = shared_from_this()](beast::error_code ec, std::size_t) {
                        self->stream_writing_ = false;
                        if (ec) return self->end_stream();
                        self->flush_stream();
                      });
  }

  void end_stream() {
    if (state_ != State::kStreaming) return;
    state_ = State::kClosing;
    if constexpr (kTls) {
      // The owner ended the stream: the end of the connection is the end of the body, which over TLS a
      // close_notify must mark (without one, OpenSSL 3 clients such as Python's read an unexpected EOF:
      // a truncated body). TLS shutdown must not run beside the stream's watching read, so that read is
      // cancelled first and its handler closes.
      if (channel_->completed() && !worker_.stopping) {
        channel_->mark_closed();
        close_notify_after_watch_ = true;
        expire_after(kClosingGrace);
        beast::error_code ignored;
        socket().cancel(ignored);
        return;
      }
    }
    channel_->mark_closed();
    shutdown_and_close();
  }

  // Half-close, then discard what the client still sends for a moment: closing a socket with unread data
  // makes the kernel send RST, which can destroy the error answer before the client reads it. Over TLS a
  // close_notify goes first, so a client can tell the end of the connection from a cut.
  void close_gracefully() {
    if constexpr (kTls) {
      if (tls_up_) {
        state_ = State::kClosing;
        expire_after(kClosingGrace);
        return async_close_notify(stream_, [self = shared_from_this()](beast::error_code) {
          self->expire_after(kClosingGrace);
          self->half_close_and_drain();
        });
      }
    }
    expire_after(kClosingGrace);
    half_close_and_drain();
  }

  static constexpr std::chrono::milliseconds kClosingGrace{500};

  // The caller has set the deadline.
  void half_close_and_drain() {
    state_ = State::kClosing;
    beast::error_code ec;
    socket().shutdown(tcp::socket::shutdown_send, ec);
    if (ec) return;
    drain();
  }

  // What is left is read below the TLS layer: nothing of it is answered.
  void drain() {
    socket().async_read_some(asio::buffer(worker_.discard),
                             [self = shared_from_this()](beast::error_code ec, std::size_t) {
                               if (!ec) self->drain();
                             });
  }

  HttpServer::Impl& server_;
  Worker& worker_;
  // A timeout counts from when the wait starts; the worker's sweep enforces it.
  void expire_after(std::chrono::milliseconds timeout) { deadline_ = mono_now() + timeout; }

  Stream stream_;
  MonoTime deadline_ = MonoTime::max();
  bool counted_ = false;  // in server_.connections
  bool tls_up_ = false;   // the TLS handshake completed (TLS connections only)
  beast::flat_buffer buffer_;
  // Memory of the request being read: a fixed block for typical requests, the heap for larger ones.
  // Declared before the parser, which is destroyed first.
  std::array<std::byte, 2048> arena_block_;
  std::pmr::monotonic_buffer_resource arena_{arena_block_.data(), arena_block_.size()};
  std::optional<RequestParser> parser_;
  // What a request is read through (read_next): the stream, with the request head bounded.
  HeadBoundedReads<Stream, RequestParser> request_reads_{stream_, buffer_, parser_,
                                                         server_.options.max_header_bytes};
  ServerResponse response_;  // what the handler fills, reused by every request of the connection
  std::string out_;          // the bytes of the response being written
  std::list<Connection*>::iterator registration_;
  bool registered_ = false;
  State state_ = State::kReading;
  bool keep_alive_ = true;
  bool head_request_ = false;
  bool read_timed_out_ = false;  // close_if_expired cancelled a request half read: answer 408
  int empty_lines_ = 0;          // dropped before the request being read (skip_empty_line)
  std::size_t requests_ = 0;     // requests read on this connection
  bool counted_inflight_ = false;
  std::size_t route_ = kUnmatchedRoute;
  int status_ = 0;
  MonoTime read_done_{};
  std::shared_ptr<StreamChannel> channel_;  // streaming responses only
  std::string stream_out_;                  // the bytes being written to a stream
  bool stream_writing_ = false;
  bool close_notify_after_watch_ = false;  // TLS: a finished stream closes once its watching read ends
  bool close_notify_after_read_ = false;   // TLS: end_idle() cancelled the request read to end it
};

using Session = BasicSession<Socket>;

}  // namespace cicada::http::server_detail
