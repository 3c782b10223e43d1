// g++ 12 at -O2 reports a false "potential null pointer dereference" in Asio's scheduler
// (scheduler.ipp:325) once inlined; the check runs in the middle end, so it is off for this file only.
#pragma GCC diagnostic ignored "-Wnull-dereference"

#include "http/client/connection.hpp"

#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <sys/socket.h>

#include <algorithm>
#include <boost/asio/connect.hpp>
#include <boost/asio/write.hpp>
#include <cerrno>
#include <charconv>

namespace cicada::http {

namespace asio = boost::asio;
using boost::system::error_code;

ConnectionRef::ConnectionRef(Connection* c) : c_(c) {
  if (c_) ++c_->refs_;
}

ConnectionRef::~ConnectionRef() {
  if (c_ && --c_->refs_ == 0) delete c_;
}

// Completion handler of every awaited operation: store the result, resume the waiting coroutine.
struct Connection::Handler {
  ConnectionRef ref;

  void operator()(const error_code& ec, std::size_t bytes = 0) const { complete(ec, bytes); }
  void operator()(const error_code& ec, const asio::ip::tcp::resolver::results_type& results) const {
    if (!ref->detached_) ref->resolved_ = results;
    complete(ec, results.size());
  }

 private:
  void complete(const error_code& ec, std::size_t bytes) const {
    Connection* c = ref.get();
    if (c->detached_) return;  // the owner went away; only our reference is left to drop
    c->result_ = IoResult{ec, bytes};
    if (auto h = std::exchange(c->waiter_, {})) h.resume();
  }
};

struct Connection::TimerHandler {
  ConnectionRef ref;
  void operator()(const error_code& ec) const { ref->on_timer(ec); }
};

Connection::Awaiter Connection::connect(const asio::ip::tcp::endpoint& endpoint) {
  return Awaiter(*this, Awaiter::Op::kConnect, &endpoint);
}

Connection::Awaiter Connection::resolve(const std::string& host, std::uint16_t port,
                                        asio::ip::tcp::resolver& resolver) {
  return Awaiter(*this, Awaiter::Op::kResolve, nullptr, &host, port, &resolver);
}

Connection::Awaiter Connection::handshake(asio::ssl::context& ctx, const std::string& host, bool verify) {
  return Awaiter(*this, Awaiter::Op::kHandshake, nullptr, &host, 0, nullptr, &ctx, verify);
}

const char* Connection::verify_failure() {
  if (!tls_) return "";
  const long result = SSL_get_verify_result(tls_->native_handle());
  return result == X509_V_OK ? "" : X509_verify_cert_error_string(result);
}

std::string_view Connection::alpn() {
  if (!tls_) return {};
  const unsigned char* chosen = nullptr;
  unsigned int size = 0;
  SSL_get0_alpn_selected(tls_->native_handle(), &chosen, &size);
  return chosen ? std::string_view(reinterpret_cast<const char*>(chosen), size) : std::string_view();
}

Connection::Awaiter Connection::write(const std::string& data) {
  return Awaiter(*this, Awaiter::Op::kWrite, nullptr, &data);
}

Connection::Awaiter Connection::read_some() { return Awaiter(*this, Awaiter::Op::kRead); }

Connection::Awaiter Connection::idle_check() { return Awaiter(*this, Awaiter::Op::kIdleCheck); }

Connection::Awaiter::~Awaiter() {
  // Still set: the coroutine frame is being destroyed while the operation is in flight.
  if (handle_) c_->abandon(handle_);
}

bool Connection::Awaiter::await_suspend(std::coroutine_handle<> h) {
  Connection& c = *c_;
  if (op_ == Op::kWrite && c.via_ring()) {
    c.ring_write(*text_);
    c.result_ = IoResult{{}, text_->size()};  // what failed shows in the read that follows
    return false;
  }
  if (op_ == Op::kIdleCheck && !c.via_ring()) {
    c.result_ = c.peek_idle();
    return false;
  }
  handle_ = h;
  c.waiter_ = h;
  if (op_ == Op::kRead || op_ == Op::kIdleCheck) {  // on the ring (an idle check elsewhere is done above)
    if (c.via_ring()) {
      c.ring_receive(op_ == Op::kIdleCheck);
      return true;
    }
  }
  Handler handler{ConnectionRef(&c)};
  switch (op_) {
    case Op::kConnect: {
      error_code ec;
      c.socket_.close(ec);
      c.tls_.reset();
      c.socket_.async_connect(*endpoint_, std::move(handler));
      break;
    }
    case Op::kResolve: {
      char port[8];
      auto [end, ec] = std::to_chars(port, port + sizeof port, port_);
      (void)ec;
      resolver_->async_resolve(*text_, std::string(port, end), std::move(handler));
      break;
    }
    case Op::kHandshake: {
      c.tls_ = std::make_unique<asio::ssl::stream<asio::ip::tcp::socket&>>(c.socket_, *ssl_ctx_);
      SSL* ssl = c.tls_->native_handle();
      error_code not_ip;
      (void)asio::ip::make_address(*text_, not_ip);
      // SNI: virtual hosts behind one address pick their certificate by it (never sent for an address).
      if (not_ip) SSL_set_tlsext_host_name(ssl, text_->c_str());
      if (c.offer_h2_) {
        static constexpr unsigned char kH2[] = {2, 'h', '2'};
        SSL_set_alpn_protos(ssl, kH2, sizeof kH2);
      }
      if (verify_) {
        // OpenSSL's own check records why it failed (X509_V_ERR_HOSTNAME_MISMATCH...) for the error text.
        if (not_ip)
          SSL_set1_host(ssl, text_->c_str());
        else
          X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), text_->c_str());
      }
      c.tls_->async_handshake(asio::ssl::stream_base::client, std::move(handler));
      break;
    }
    case Op::kWrite:
      if (c.tls_)
        asio::async_write(*c.tls_, asio::buffer(*text_), std::move(handler));
      else
        asio::async_write(c.socket_, asio::buffer(*text_), std::move(handler));
      break;
    case Op::kRead: {
      c.prepare_read_buffer();
      const auto buffer = asio::buffer(c.read_buffer_.get(), c.read_capacity_);
      if (c.tls_)
        c.tls_->async_read_some(buffer, std::move(handler));
      else
        c.socket_.async_read_some(buffer, std::move(handler));
      break;
    }
    case Op::kIdleCheck:  // done above, at once or on the ring
      break;
  }
  return true;
}

IoResult Connection::Awaiter::await_resume() noexcept {
  handle_ = {};
  if (op_ == Op::kRead) c_->read_filled_ = !c_->result_.ec && c_->result_.bytes == c_->read_capacity_;
  return c_->result_;
}

void Connection::prepare_read_buffer() {
  if (read_buffer_ && !(read_filled_ && read_capacity_ < kMaxReadBufferSize)) return;
  // The previous read's bytes were consumed before this read started, so nothing is copied.
  const std::size_t size = read_capacity_ == 0 ? kInitialReadBufferSize
                           : read_filled_      ? std::min(read_capacity_ * 2, kMaxReadBufferSize)
                                               : read_capacity_;
  release_read_buffer();
  read_buffer_ = pool_ ? pool_->take_read(size) : std::make_unique_for_overwrite<char[]>(size);
  read_capacity_ = size;
  read_filled_ = false;
}

void Connection::release_read_buffer() {
  if (pool_ && read_buffer_) pool_->give_read(std::move(read_buffer_), read_capacity_);
  read_buffer_.reset();
}

void Connection::close() {
  if (ring_pending_ > 0) {
    // Ends the ring's operations on it at once (a pending receive reads the end, a send fails); the
    // descriptor closes at their completion (on_uring_completion), so its number is not reused under them.
    if (!close_deferred_) ::shutdown(socket_.native_handle(), SHUT_RDWR);
    close_deferred_ = true;
    ring_aborted_ = true;
    return;
  }
  error_code ec;
  socket_.close(ec);
}

void Connection::ring_write(const std::string& data) {
  ++refs_;  // the operation's reference, dropped in on_uring_completion
  ++ring_pending_;
  ring_send_size_ = data.size();
  ring_->send(socket_.native_handle(), data.data(), data.size(), this, kRingSend);
}

void Connection::ring_receive(bool peek) {
  prepare_read_buffer();
  // A send still in flight is the request this receive awaits the answer to: nothing to read yet.
  const bool poll_first = ring_pending_ > 0;
  ++refs_;
  ++ring_pending_;
  ring_recv_done_ = false;
  ring_recv_peek_ = peek;
  if (peek)
    ring_->recv(socket_.native_handle(), read_buffer_.get(), std::min(read_capacity_, kPeekSize), this,
                kRingPeek, MSG_PEEK | MSG_DONTWAIT);
  else
    ring_->recv(socket_.native_handle(), read_buffer_.get(), read_capacity_, this, kRingRecv, 0, poll_first);
}

void Connection::on_uring_completion(unsigned tag, int res) {
  ConnectionRef keep(this);  // adopts the operation's reference: dropped when this returns
  --refs_;
  --ring_pending_;
  if (tag == kRingSend) {
    if (ring_send_errno_ == 0 && (res < 0 || static_cast<std::size_t>(res) < ring_send_size_)) {
      ring_send_errno_ = res < 0 ? -res : EPIPE;
      // The receive queued behind it would wait for an answer that will not come: end it now.
      ::shutdown(socket_.native_handle(), SHUT_RDWR);
    }
  } else {
    ring_recv_result_ = res;
    ring_recv_done_ = true;
  }
  if (ring_pending_ > 0) return;
  if (close_deferred_) {
    close_deferred_ = false;
    error_code ignored;
    socket_.close(ignored);
  }
  if (!ring_recv_done_) return;
  ring_recv_done_ = false;
  IoResult result;
  if (ring_aborted_)
    result.ec = asio::error::operation_aborted;
  else if (ring_send_errno_ != 0)
    result.ec = error_code(ring_send_errno_, boost::system::system_category());
  else if (ring_recv_peek_)
    result = idle_outcome(ring_recv_result_);
  else if (ring_recv_result_ > 0)
    result.bytes = static_cast<std::size_t>(ring_recv_result_);
  else if (ring_recv_result_ == 0)
    result.ec = asio::error::eof;
  else
    result.ec = error_code(-ring_recv_result_, boost::system::system_category());
  ring_aborted_ = false;
  ring_send_errno_ = 0;
  if (detached_) return;
  result_ = result;
  if (auto h = std::exchange(waiter_, {})) h.resume();
}

IoResult Connection::idle_outcome(long res) {
  IoResult r;
  if (res > 0)
    r.bytes = static_cast<std::size_t>(res);
  else if (res == 0)
    r.ec = asio::error::eof;  // the server closed it
  else if (res != -EAGAIN && res != -EWOULDBLOCK && res != -EINTR)
    r.ec = error_code(static_cast<int>(-res), boost::system::system_category());  // reset: unusable
  return r;
}

IoResult Connection::peek_idle() {
  if (tls_) {
    SSL* ssl = tls_->native_handle();
    const auto buffered = static_cast<std::size_t>(SSL_pending(ssl)) + BIO_ctrl_pending(SSL_get_rbio(ssl));
    if (buffered > 0 || SSL_has_pending(ssl)) return IoResult{{}, buffered > 0 ? buffered : 1};
  }
  char probe[kPeekSize];
  const ssize_t n = ::recv(socket_.native_handle(), probe, sizeof probe, MSG_PEEK | MSG_DONTWAIT);
  if (n > 0 && tls_) return IoResult{asio::error::eof, 0};  // maybe the close_notify: not reused
  return idle_outcome(n < 0 ? -errno : n);
}

long Connection::waiting_bytes() {
  std::size_t buffered = 0;
  if (tls_) {
    SSL* ssl = tls_->native_handle();
    buffered = static_cast<std::size_t>(SSL_pending(ssl)) + BIO_ctrl_pending(SSL_get_rbio(ssl));
  }
  char probe[kPeekSize];
  const ssize_t n = ::recv(socket_.native_handle(), probe, sizeof probe, MSG_PEEK | MSG_DONTWAIT);
  if (n > 0) return static_cast<long>(buffered) + n;
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
    return static_cast<long>(buffered);
  return buffered > 0 ? static_cast<long>(buffered) : -1;
}

void Connection::set_no_delay() {
  error_code ec;
  socket_.set_option(asio::ip::tcp::no_delay(true), ec);
}

void Connection::detach() {
  detached_ = true;
  pool_ = nullptr;
  waiter_ = {};
  armed_ = false;
  close();
  timer_.cancel();
}

void Connection::abandon(std::coroutine_handle<> h) {
  if (waiter_ == h) detach();
}

void Connection::arm(MonoTime deadline) {
  armed_ = true;
  timed_out_ = false;
  deadline_ = deadline;
  if (timer_waits_ == 0 || timer_.expiry() > deadline) start_timer_wait(deadline);
}

void Connection::start_timer_wait(MonoTime at) {
  timer_.expires_at(at);  // cancels a pending wait, whose handler then sees operation_aborted
  ++timer_waits_;
  timer_.async_wait(TimerHandler{ConnectionRef(this)});
}

void Connection::on_timer(const error_code& ec) {
  --timer_waits_;
  if (detached_ || ec == asio::error::operation_aborted || !armed_) return;
  if (mono_now() >= deadline_) {
    armed_ = false;
    timed_out_ = true;
    close();  // the pending operation completes with operation_aborted; the coroutine sees timed_out()
  } else if (timer_waits_ == 0) {
    start_timer_wait(deadline_);
  }
}

}  // namespace cicada::http
