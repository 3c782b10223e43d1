// One HTTP/2 connection on a worker, over the plain socket (h2c) or TLS: reads feed the H2ServerSession,
// its output is written back, one read and one write at a time; its requests go through dispatch_request
// like HTTP/1.1 ones.
// g++ 12 at -O2 reports a "potential null pointer dereference" inside Asio's scheduler once it is inlined
// here (boost/asio/detail/impl/scheduler.ipp:325, a false positive). The check is middle-end, so it cannot
// be scoped to the includes; it is off for this file only.
#pragma GCC diagnostic ignored "-Wnull-dereference"

#include "http/server/server_h2_connection.hpp"

#include <array>
#include <boost/asio/write.hpp>
#include <memory>
#include <optional>
#include <type_traits>

#include "http/server/server_dispatch.hpp"
#include "http/server/server_h2_session.hpp"
#include "http/server/tls_close_notify.hpp"

namespace cicada::http::server_detail {
namespace {

H2Limits limits_of(const ServerOptions& o) {
  H2Limits limits;
  limits.max_body_bytes = o.max_body_bytes;
  limits.max_header_bytes = o.max_header_bytes;
  limits.max_streams = o.http2_max_streams;
  // Twice what one HTTP/1.1 request may hold: two full bodies at once, or many small ones.
  limits.max_buffered_body_bytes = 2 * o.max_body_bytes;
  limits.max_pending_response_bytes = std::max<std::size_t>(2 * o.max_body_bytes, 1 << 20);
  limits.server_name = o.server_name;
  return limits;
}

// Frames written per write: a large response goes out in pieces, the others' frames between them.
constexpr std::size_t kWriteChunk = 64 * 1024;

// Stream: the socket (h2c) or the TLS stream over it.
template <class Stream>
class H2Connection final : public Connection,
                           public H2Host,
                           public std::enable_shared_from_this<H2Connection<Stream>> {
  static constexpr bool kTls = !std::is_same_v<Stream, Socket>;
  using std::enable_shared_from_this<H2Connection<Stream>>::shared_from_this;

 public:
  H2Connection(HttpServer::Impl& server, Worker& worker, Stream stream)
      : server_(server),
        worker_(worker),
        stream_(std::move(stream)),
        session_(std::in_place, limits_of(server.options), *this, worker.index) {}

  // The connection was counted in server.connections when it was accepted; the session that handed it
  // over no longer counts it, so this count is ours to end. (Counting it again here left one connection
  // counted for every HTTP/2 connection ever served: the cap then saw a full server that was empty.)
  ~H2Connection() {
    session_.reset();  // finishes the exchanges still open, while this object is whole
    server_.connections.fetch_sub(1, std::memory_order_relaxed);
    unregister(worker_, registration_);
  }

  void start(std::string_view received, MonoTime deadline) {
    registration_ = worker_.sessions.insert(worker_.sessions.end(), this);
    deadline_ = deadline;
    first_deadline_ = deadline;
    if (worker_.stopping) session_->goaway();
    on_bytes(received.data(), received.size());
  }

  void close_if_expired(MonoTime now) override {
    if (now < deadline_) return;
    if (!closing_ && !writing_ && session_->idle()) {
      // Idle past its timeout (no request yet, or none since the last answer): ended as stop ends it, a
      // GOAWAY (the client knows nothing it sent was lost) and over TLS a close_notify, within the closing
      // grace; its next expiry cuts it. closing_: frames that cross the GOAWAY are discarded.
      closing_ = true;
      deadline_ = now + kClosingGrace;
      session_->goaway();
      return flush();
    }
    deadline_ = MonoTime::max();
    beast::error_code ec;
    socket().close(ec);
  }

  bool idle() const override { return !writing_ && !closing_ && socket().is_open() && session_->idle(); }

  void evict() override {
    beast::error_code ec;
    socket().shutdown(tcp::socket::shutdown_both, ec);
    close();  // closing_: not idle from here, so the cap never chooses it twice
  }

  // stop(): GOAWAY; the streams already open are answered, then the connection closes.
  void shutdown() override {
    if (closing_) return;
    session_->goaway();
    flush();
  }

  void dispatch(const ServerRequest& request, ServerResponse& out, H2Exchange& exchange) override {
    const Dispatched d = dispatch_request(server_, request, out);
    exchange.route = d.route;
    // The answer is whole: it leaves max_inflight now, not when its last byte is sent. HTTP/2's flow
    // control lets a client hold an answer back for as long as it likes (a receive window of 0), and
    // answers held that way took every slot: a dozen such connections got everyone else 503. What
    // they hold is memory, which max_pending_response_bytes bounds per connection.
    if (d.counted_inflight) server_.inflight.fetch_sub(1, std::memory_order_relaxed);
  }

  void finished(const H2Exchange& exchange) override {
    if (server_.observer != nullptr)
      server_.observer->on_response(worker_.index, exchange.route, exchange.status,
                                    mono_now() - exchange.read_done);
  }

 private:
  Socket& socket() { return beast::get_lowest_layer(stream_); }
  const Socket& socket() const { return beast::get_lowest_layer(stream_); }

  void read() {
    if (reading_ || tls_closing_) return;
    reading_ = true;
    stream_.async_read_some(asio::buffer(in_),
                            [self = shared_from_this()](beast::error_code ec, std::size_t n) {
                              self->reading_ = false;
                              if (self->tls_closing_) {
                                // finish() cancelled this read. Any other error (the client gone, a
                                // TLS alert) leaves no TLS to shut down.
                                if (!ec || ec == asio::error::operation_aborted)
                                  return self->send_close_notify();
                                return self->close();
                              }
                              if (ec) return self->close();
                              if (self->closing_)
                                return self->read();  // draining after our GOAWAY: discarded
                              self->on_bytes(self->in_.data(), n);
                            });
  }

  void on_bytes(const char* data, std::size_t n) {
    if (!session_->receive(data, n)) closing_ = true;
    flush();
    read();
  }

  void flush() {
    if (writing_ || closed_) return;
    out_.clear();
    session_->take_output(out_, kWriteChunk);
    if (!closing_) update_deadline();
    if (out_.empty()) {
      if (session_->done()) finish();
      return;
    }
    writing_ = true;
    asio::async_write(stream_, asio::buffer(out_),
                      [self = shared_from_this()](beast::error_code ec, std::size_t) {
                        self->writing_ = false;
                        if (ec) return self->close();
                        self->flush();
                      });
  }

  // As on HTTP/1.1, a request must arrive whole, and its answer be taken, within the request timeout of
  // the server starting to wait for it: from the end of the last answered request, or the start of an
  // older stream still open (a slow upload beside quick requests). Streams opened and reset without a
  // request do not extend it, nor do PING or SETTINGS. The first request also has the first-request
  // deadline, set when the connection's first read began.
  void update_deadline() {
    const MonoTime since = std::min(session_->oldest_stream_start(), session_->last_request_end());
    MonoTime deadline = since + server_.options.request_timeout;
    if (session_->requests() == 0) deadline = std::min(deadline, first_deadline_);
    deadline_ = deadline;
  }

  static constexpr std::chrono::milliseconds kClosingGrace{500};

  // Everything said (a GOAWAY perhaps): over TLS a close_notify first, then half-close, and discard what
  // the client still sends for a moment, so the kernel does not answer its bytes with a reset that
  // destroys our last frames unread.
  void finish() {
    if (closed_) return;
    closing_ = true;
    closed_ = true;
    deadline_ = mono_now() + kClosingGrace;
    if constexpr (kTls) {
      // Asio's TLS shutdown reads (the client's close_notify) as well as writes, so it must not run beside
      // the connection's pending read: that read is cancelled first, and its handler sends it. (A read
      // that is itself writing a TLS record at that moment, a TLS 1.3 KeyUpdate reply, is not cancelled
      // and ends the connection at the closing deadline, without close_notify: rare, and bounded.) The
      // close_notify is one write (async_close_notify); what the client still sends is then drained.
      tls_closing_ = true;
      if (!reading_) return send_close_notify();
      beast::error_code ignored;
      socket().cancel(ignored);
      return;
    }
    half_close_and_drain();
  }

  void send_close_notify() {
    if constexpr (kTls) {
      async_close_notify(stream_,
                         [self = shared_from_this()](beast::error_code) { self->half_close_and_drain(); });
    }
  }

  void half_close_and_drain() {
    beast::error_code ec;
    socket().shutdown(tcp::socket::shutdown_send, ec);
    if (ec) return close();
    if constexpr (kTls) {
      drain();  // below the TLS layer, which is shut
    } else {
      read();  // discards, closing_ being set
    }
  }

  void drain() {
    socket().async_read_some(asio::buffer(in_),
                             [self = shared_from_this()](beast::error_code ec, std::size_t) {
                               if (!ec) self->drain();
                             });
  }

  void close() {
    closing_ = true;
    closed_ = true;
    beast::error_code ec;
    socket().close(ec);
  }

  HttpServer::Impl& server_;
  Worker& worker_;
  Stream stream_;
  std::optional<H2ServerSession> session_;
  std::list<Connection*>::iterator registration_;
  MonoTime deadline_ = MonoTime::max();
  MonoTime first_deadline_ = MonoTime::max();
  std::array<char, 16384> in_;
  std::string out_;
  bool reading_ = false;
  bool writing_ = false;
  bool closing_ = false;      // nothing more is fed to the session
  bool closed_ = false;       // the socket is shut (or half-shut): nothing more is written
  bool tls_closing_ = false;  // TLS: the close_notify is being sent; nothing more is read through TLS
};

template <class Stream>
void start_h2(HttpServer::Impl& server, Worker& worker, Stream stream, std::string_view received,
              MonoTime deadline, bool& counted) {
  auto connection = std::make_shared<H2Connection<Stream>>(server, worker, std::move(stream));
  counted = false;  // the count is the HTTP/2 connection's from here
  connection->start(received, deadline);
}

}  // namespace

void serve_h2(HttpServer::Impl& server, Worker& worker, Socket socket, std::string_view received,
              MonoTime deadline, bool& counted) {
  start_h2(server, worker, std::move(socket), received, deadline, counted);
}

void serve_h2(HttpServer::Impl& server, Worker& worker, TlsStream stream, std::string_view received,
              MonoTime deadline, bool& counted) {
  start_h2(server, worker, std::move(stream), received, deadline, counted);
}

}  // namespace cicada::http::server_detail
