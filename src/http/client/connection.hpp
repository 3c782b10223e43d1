#pragma once
// Connection: one user's TCP (or TLS over TCP) connection, with the awaitables that bridge Asio's
// asynchronous operations to cicada::Task coroutines, and the per-request deadline.
//
// The bridge: await_suspend starts the Asio operation with a small completion handler; the handler stores
// the result in the Connection and resumes the coroutine. Handlers are allocated by Asio's per-thread
// recycling allocator, so after warm-up an operation costs no malloc.
//
// Lifetime: a Connection is reference counted (single-threaded, non-atomic). Every pending handler holds a
// reference, so a client (or a coroutine frame) can go away while an operation is still in flight: the
// handler then finds no waiter and only drops its reference.
//
// With a UringRing (--io-uring), a plain-TCP connection's writes and reads go through the ring instead
// of Asio: a write is queued and returns at once, the read that follows is queued behind it, and both
// reach the kernel in the ring's next submit. The read completes once the write has too, so an exchange
// never goes on while its request is still being sent (as with Asio, where the read starts after the
// write), and a failed write is what the read reports. Each operation in flight holds a reference. The
// socket is not closed while one is in flight (its descriptor number could be reused under it): close()
// shuts it down, which ends the operations at once, and the close follows their completions.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <coroutine>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "base/clock.hpp"
#include "http/client/buffer_pool.hpp"
#include "http/client/url.hpp"
#include "reactor/uring_ring.hpp"

namespace cicada::http {

class Connection;

// Intrusive single-threaded reference to a Connection.
class ConnectionRef {
 public:
  ConnectionRef() = default;
  explicit ConnectionRef(Connection* c);
  ConnectionRef(const ConnectionRef& o) : ConnectionRef(o.c_) {}
  ConnectionRef(ConnectionRef&& o) noexcept : c_(std::exchange(o.c_, nullptr)) {}
  ConnectionRef& operator=(ConnectionRef o) noexcept {
    std::swap(c_, o.c_);
    return *this;
  }
  ~ConnectionRef();
  Connection* operator->() const { return c_; }
  Connection* get() const { return c_; }

 private:
  Connection* c_ = nullptr;
};

// Result of one awaited I/O operation.
struct IoResult {
  boost::system::error_code ec;
  std::size_t bytes = 0;
};

class Connection final : public reactor::UringTarget {
 public:
  // The read buffer comes from the thread's BufferPool at the first read of a request and goes back
  // when the request ends (release_read_buffer): a user waiting between requests holds none (issue 19:
  // memory per user). Its size starts small and doubles, up to the cap, each time a read fills it: a
  // connection whose responses fit in 512 bytes asks for 512, one with larger responses reaches the cap
  // within a few reads and keeps asking for it, so steady-state requests still allocate nothing.
  static constexpr std::size_t kInitialReadBufferSize = BufferPool::kMinRead;
  static constexpr std::size_t kMaxReadBufferSize = BufferPool::kMaxRead;

  // ring: where plain-TCP writes and reads go (nullptr: Asio's socket operations).
  static ConnectionRef create(boost::asio::io_context& io, BufferPool& pool,
                              reactor::UringRing* ring = nullptr) {
    return ConnectionRef(new Connection(io, pool, ring));
  }

  // --- awaitables: each is `co_await conn->op(...)` and yields an IoResult -------------------------
  class Awaiter;
  Awaiter connect(const boost::asio::ip::tcp::endpoint& endpoint);
  Awaiter resolve(const std::string& host, std::uint16_t port, boost::asio::ip::tcp::resolver& resolver);
  // Starts TLS on the connected socket to `host`: a name is sent as SNI; with `verify` the certificate
  // must match it (a name, or an IP address for an address literal), as OpenSSL checks it.
  Awaiter handshake(boost::asio::ssl::context& ctx, const std::string& host, bool verify);
  // After a failed handshake: why the certificate was refused, in OpenSSL's words ("self-signed
  // certificate", "hostname mismatch"), or "" when the failure was not the certificate check.
  const char* verify_failure();
  // HTTP/2: the next handshake offers ALPN "h2" (only), and alpn() is what the server chose ("" if none).
  void set_offer_h2(bool on) { offer_h2_ = on; }
  std::string_view alpn();
  Awaiter write(const std::string& data);
  Awaiter read_some();

  // Bytes of the last read_some; valid until the next read_some starts (which may move them).
  const char* read_data() const { return read_buffer_.get(); }
  // Size of the read buffer this connection's reads use (0 before the first read), held or not.
  std::size_t read_capacity() const { return read_capacity_; }
  // Whether it holds a read buffer now (between the first read of a request and its end).
  bool holds_read_buffer() const { return read_buffer_ != nullptr; }
  // The request ended (no read pending): the read buffer goes back to the pool.
  void release_read_buffer();
  // Endpoints of the last resolve.
  const boost::asio::ip::tcp::resolver::results_type& resolved() const { return resolved_; }

  // --- state -----------------------------------------------------------------------------------------
  bool is_open() const { return socket_.is_open() && !close_deferred_; }
  bool tls() const { return tls_ != nullptr; }
  bool detached() const { return detached_; }
  // Requests are written in one piece: Nagle would only delay them.
  void set_no_delay();
  const Origin& origin() const { return origin_; }
  void set_origin(const Origin& o) { origin_ = o; }
  // What a kept-alive connection holds while no request is on it, checked without blocking just before it
  // is reused: `co_await conn->idle_check()`. An error: the server closed it (or reset it), so a new one
  // is needed; `bytes` > 0: that many bytes (up to kPeekSize) arrived that answer no request; neither:
  // quiet. Plain TCP peeks the socket (on the ring, the peek goes to the kernel with the batch's other
  // operations instead of a system call of its own; it takes the read buffer the response then uses).
  // TLS: bytes already inside the TLS engine are unsolicited; encrypted bytes still in the socket may be
  // the server's close_notify, so they count as closed (best effort: a second answer that is still
  // encrypted is not told apart, but the connection is not reused either).
  static constexpr std::size_t kPeekSize = 256;
  Awaiter idle_check();
  // For HTTP/2, where the server may send frames between requests (PING, SETTINGS, GOAWAY before it
  // closes): -1 when the server closed (or reset) the connection, else the bytes waiting to be read
  // (TLS: decrypted or not), without blocking.
  long waiting_bytes();
  // Closes the socket (pending operations complete with operation_aborted) and drops the TLS state.
  void close();
  // The owner is gone: forget the waiter and stop everything; in-flight handlers just drop their refs.
  void detach();
  // A coroutine frame that was awaiting is being destroyed: forget it; the connection state is unknown.
  void abandon(std::coroutine_handle<> h);

  // Deadline of the current phase. When it passes while an operation is pending, the socket is closed
  // and timed_out() becomes true. The timer is lazy: arming only stores the time, and the single pending
  // wait re-arms itself for a later deadline, so a request costs no timer syscall in steady state.
  void arm(MonoTime deadline);
  void disarm() { armed_ = false; }
  bool timed_out() const { return timed_out_; }
  void clear_timed_out() { timed_out_ = false; }

 private:
  friend class ConnectionRef;
  struct Handler;
  struct TimerHandler;

  Connection(boost::asio::io_context& io, BufferPool& pool, reactor::UringRing* ring)
      : socket_(io), timer_(io), pool_(&pool), ring_(ring) {}
  ~Connection() { release_read_buffer(); }
  // The ring path (see the top of this file).
  enum RingTag : unsigned { kRingSend = 0, kRingRecv = 1, kRingPeek = 2 };
  bool via_ring() const { return ring_ != nullptr && tls_ == nullptr; }
  void ring_write(const std::string& data);
  // A receive (or, peek, the idle check's) that the coroutine awaits.
  void ring_receive(bool peek);
  // The idle check done at once (Asio's socket, or TLS).
  IoResult peek_idle();
  // A peek's result (bytes, or -errno) as idle_check() reports it.
  static IoResult idle_outcome(long res);
  void on_uring_completion(unsigned tag, int res) override;
  void start_timer_wait(MonoTime at);
  void on_timer(const boost::system::error_code& ec);
  // Before a read starts: the buffer, taken from the pool, or a larger one when the last read filled it.
  void prepare_read_buffer();

  boost::asio::ip::tcp::socket socket_;
  // On the heap, made at the handshake: the stream object is 344 bytes that a plain-HTTP user never uses
  // (issue 19: memory per user), and a TLS connection allocates far more (OpenSSL's state) anyway.
  std::unique_ptr<boost::asio::ssl::stream<boost::asio::ip::tcp::socket&>> tls_;
  boost::asio::steady_timer timer_;
  boost::asio::ip::tcp::resolver::results_type resolved_;
  Origin origin_;
  std::coroutine_handle<> waiter_;
  IoResult result_;
  MonoTime deadline_{};
  int refs_ = 0;
  int timer_waits_ = 0;
  bool armed_ = false;
  bool timed_out_ = false;
  bool detached_ = false;
  bool offer_h2_ = false;
  bool read_filled_ = false;  // the last read filled the buffer: the next one gets a larger buffer
  std::size_t read_capacity_ = 0;
  std::unique_ptr<char[]> read_buffer_;
  // Null once detached: a read may still be pending into the buffer, which is then freed with the
  // connection instead (the pool may be gone by then: handlers outlive the clients at shutdown).
  BufferPool* pool_;
  // The ring path's state, packed (it is in every user's connection: issue 19, memory per user).
  reactor::UringRing* ring_;
  std::size_t ring_send_size_ = 0;
  int ring_recv_result_ = 0;       // the awaited receive's result, kept until the send is done too
  int ring_send_errno_ = 0;        // the send failed with this; the receive behind it reports it
  std::uint8_t ring_pending_ = 0;  // ring operations in flight (a send, a receive)
  bool ring_recv_done_ = false;    // the receive completed; resumed when nothing else is in flight
  bool ring_recv_peek_ = false;    // that receive was the idle check's peek
  bool ring_aborted_ = false;      // closed (deadline, detach) while an operation was in flight
  bool close_deferred_ = false;    // shut down; the descriptor closes when the operations are done
};

// The awaitable returned by the operations above. Starting is deferred to await_suspend so that the
// coroutine is suspended before any handler can run.
class Connection::Awaiter {
 public:
  enum class Op { kConnect, kResolve, kHandshake, kWrite, kRead, kIdleCheck };
  explicit Awaiter(Connection& c, Op op, const boost::asio::ip::tcp::endpoint* endpoint = nullptr,
                   const std::string* text = nullptr, std::uint16_t port = 0,
                   boost::asio::ip::tcp::resolver* resolver = nullptr,
                   boost::asio::ssl::context* ssl_ctx = nullptr, bool verify = false)
      : c_(&c),
        op_(op),
        endpoint_(endpoint),
        text_(text),
        port_(port),
        resolver_(resolver),
        ssl_ctx_(ssl_ctx),
        verify_(verify) {}
  Awaiter(const Awaiter&) = delete;
  Awaiter& operator=(const Awaiter&) = delete;
  ~Awaiter();

  bool await_ready() const noexcept { return false; }
  // false: done without suspending (a write queued on the ring).
  bool await_suspend(std::coroutine_handle<> h);
  IoResult await_resume() noexcept;

 private:
  friend class Connection;
  Connection* c_;
  Op op_;
  const boost::asio::ip::tcp::endpoint* endpoint_;
  const std::string* text_;  // write: data; resolve/handshake: host
  std::uint16_t port_;
  boost::asio::ip::tcp::resolver* resolver_;
  boost::asio::ssl::context* ssl_ctx_;
  bool verify_;
  std::coroutine_handle<> handle_;
};

}  // namespace cicada::http
