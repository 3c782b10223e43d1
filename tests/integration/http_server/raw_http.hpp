#pragma once
// A deliberately dumb blocking HTTP/1.1 client over a raw loopback socket, for tests that must send
// exactly the bytes they choose (malformed requests, endless headers, silence) and see exactly what the
// server does (status, headers, whether it closes). Header-only; used by the server and serving tests.
// start_tls() puts OpenSSL between it and the socket, for the same tests over HTTPS.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <utility>

namespace cicada::test {

struct RawResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }
};

class RawConnection {
 public:
  explicit RawConnection(std::uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd_ < 0 || ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      if (fd_ >= 0) ::close(fd_);
      fd_ = -1;
    }
  }
  ~RawConnection() {
    if (ssl_ != nullptr) SSL_free(ssl_);
    if (ctx_ != nullptr) SSL_CTX_free(ctx_);
    if (fd_ >= 0) ::close(fd_);
  }
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  bool connected() const { return fd_ >= 0; }

  // A TLS handshake on the connection (blocking); from here every byte goes through it. The server's
  // certificate must verify against ca_file and name 127.0.0.1. alpn: the protocols offered, in ALPN's
  // wire form ("\x02h2\x08http/1.1"), none when empty. False when the handshake fails.
  bool start_tls(const std::string& ca_file, std::string_view alpn = {}) {
    // OpenSSL writes with write(2): a server that already closed would raise SIGPIPE and end the test.
    std::signal(SIGPIPE, SIG_IGN);
    ctx_ = SSL_CTX_new(TLS_client_method());
    if (ctx_ == nullptr || SSL_CTX_load_verify_locations(ctx_, ca_file.c_str(), nullptr) != 1) return false;
    SSL_CTX_set_verify(ctx_, SSL_VERIFY_PEER, nullptr);
    ssl_ = SSL_new(ctx_);
    SSL_set_fd(ssl_, fd_);
    // poll() may see bytes that are no application data (a TLS 1.3 session ticket), after which SSL_read
    // blocks: bounded, so a broken server fails the test rather than hangs it.
    const timeval bound{10, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &bound, sizeof bound);
    SSL_set1_host(ssl_, "127.0.0.1");
    if (!alpn.empty() && SSL_set_alpn_protos(ssl_, reinterpret_cast<const unsigned char*>(alpn.data()),
                                             static_cast<unsigned>(alpn.size())) != 0)
      return false;
    return SSL_connect(ssl_) == 1;
  }

  // The protocol the server chose by ALPN ("" when it chose none).
  std::string alpn_chosen() const {
    const unsigned char* chosen = nullptr;
    unsigned int size = 0;
    if (ssl_ != nullptr) SSL_get0_alpn_selected(ssl_, &chosen, &size);
    return chosen == nullptr ? std::string() : std::string(reinterpret_cast<const char*>(chosen), size);
  }

  // Over TLS: the server ended the connection with a close_notify (not a bare cut).
  bool got_close_notify() const {
    return ssl_ != nullptr && (SSL_get_shutdown(ssl_) & SSL_RECEIVED_SHUTDOWN) != 0;
  }

  bool send(std::string_view bytes) {
    while (!bytes.empty()) {
      ssize_t n = ssl_ != nullptr ? SSL_write(ssl_, bytes.data(), static_cast<int>(bytes.size()))
                                  : ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
  }

  // bytes in separate sends (TLS records, over TLS) of `piece` bytes, `pause` apart: a trickle the server
  // reads in small pieces.
  bool send_in_pieces(std::string_view bytes, std::size_t piece, std::chrono::milliseconds pause) {
    while (!bytes.empty()) {
      const std::size_t n = std::min(piece, bytes.size());
      if (!send(bytes.substr(0, n))) return false;
      bytes.remove_prefix(n);
      std::this_thread::sleep_for(pause);
    }
    return true;
  }

  // One response (Content-Length framed, or until close). nullopt if none arrives within timeout.
  std::optional<RawResponse> read_response(std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    return read(timeout, true);
  }

  // The answer to a HEAD: its head alone, whatever its Content-Length says (RFC 9110 §9.3.2). Body bytes
  // the server wrongly sent stay buffered and garble the next read_response.
  std::optional<RawResponse> read_head_answer(std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    return read(timeout, false);
  }

  // The bytes that arrive first (at least one); nullopt on close or after timeout.
  std::optional<std::string> read_some(std::chrono::milliseconds timeout) {
    if (!buffer_.empty()) return std::exchange(buffer_, std::string());
    if (!readable(static_cast<int>(timeout.count()))) return std::nullopt;
    char buf[4096];
    ssize_t n = receive(buf, sizeof buf);
    if (n <= 0) return std::nullopt;
    return std::string(buf, static_cast<std::size_t>(n));
  }

  // Every byte received until the server closes the connection (EOF or reset); nullopt when it is still
  // open after timeout.
  std::optional<std::string> read_until_closed(std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    std::string got = std::move(buffer_);
    buffer_.clear();
    for (;;) {
      int left = remaining_ms(deadline);
      if (left <= 0) return std::nullopt;
      if (!readable(left)) return std::nullopt;
      char buf[4096];
      ssize_t n = receive(buf, sizeof buf);
      if (n <= 0) return got;
      got.append(buf, static_cast<std::size_t>(n));
    }
  }

  // True when the server closes the connection (EOF or reset) within timeout; data received is discarded.
  bool wait_closed(std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      int left = remaining_ms(deadline);
      if (left <= 0) return false;
      if (!readable(left)) return false;
      char buf[4096];
      ssize_t n = receive(buf, sizeof buf);
      if (n <= 0) return true;
    }
  }

 private:
  std::optional<RawResponse> read(std::chrono::milliseconds timeout, bool has_body) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    std::size_t head_end;
    while ((head_end = buffer_.find("\r\n\r\n")) == std::string::npos) {
      if (!fill(deadline)) return std::nullopt;
    }
    RawResponse r;
    std::string_view head(buffer_.data(), head_end);
    auto line_end = head.find("\r\n");
    std::string_view status_line = head.substr(0, line_end);
    if (status_line.size() < 12) return std::nullopt;
    r.status = std::stoi(std::string(status_line.substr(9, 3)));
    std::size_t pos = line_end == std::string_view::npos ? head.size() : line_end + 2;
    while (pos < head.size()) {
      auto end = head.find("\r\n", pos);
      if (end == std::string_view::npos) end = head.size();
      std::string_view line = head.substr(pos, end - pos);
      auto colon = line.find(':');
      if (colon != std::string_view::npos) {
        std::string name(line.substr(0, colon));
        for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        std::string_view value = line.substr(colon + 1);
        while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
        r.headers[name] = std::string(value);
      }
      pos = end + 2;
    }
    buffer_.erase(0, head_end + 4);
    if (!has_body) return r;
    std::string length = r.header("content-length");
    if (!length.empty()) {
      std::size_t n = std::stoul(length);
      while (buffer_.size() < n) {
        if (!fill(deadline)) return std::nullopt;
      }
      r.body = buffer_.substr(0, n);
      buffer_.erase(0, n);
    } else {
      while (fill(deadline)) {
      }
      r.body = std::move(buffer_);
      buffer_.clear();
    }
    return r;
  }

  // Bytes TLS already decrypted count as readable: the socket may hold nothing more.
  bool readable(int timeout_ms) {
    if (ssl_ != nullptr && SSL_pending(ssl_) > 0) return true;
    pollfd p{fd_, POLLIN, 0};
    return ::poll(&p, 1, timeout_ms) > 0;
  }
  ssize_t receive(char* buf, std::size_t size) {
    if (ssl_ != nullptr) return SSL_read(ssl_, buf, static_cast<int>(size));
    return ::recv(fd_, buf, size, 0);
  }

  static int remaining_ms(std::chrono::steady_clock::time_point deadline) {
    return static_cast<int>(
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now())
            .count());
  }
  bool fill(std::chrono::steady_clock::time_point deadline) {
    int left = remaining_ms(deadline);
    if (left <= 0) return false;
    if (!readable(left)) return false;
    char buf[16384];
    ssize_t n = receive(buf, sizeof buf);
    if (n <= 0) return false;
    buffer_.append(buf, static_cast<std::size_t>(n));
    return true;
  }

  int fd_ = -1;
  SSL_CTX* ctx_ = nullptr;  // start_tls() only
  SSL* ssl_ = nullptr;
  std::string buffer_;
};

// A complete request with Content-Length (when there is a body or a content type).
inline std::string make_request(std::string_view method, std::string_view target, std::string_view body = {},
                                std::string_view content_type = {}, std::string_view extra_headers = {}) {
  std::string r;
  r.append(method).append(" ").append(target).append(" HTTP/1.1\r\nHost: 127.0.0.1\r\n");
  if (!content_type.empty()) r.append("Content-Type: ").append(content_type).append("\r\n");
  if (!body.empty() || method == "POST")
    r.append("Content-Length: ").append(std::to_string(body.size())).append("\r\n");
  r.append(extra_headers).append("\r\n").append(body);
  return r;
}

// One request on a fresh connection.
inline std::optional<RawResponse> round_trip(std::uint16_t port, const std::string& request) {
  RawConnection c(port);
  if (!c.connected() || !c.send(request)) return std::nullopt;
  return c.read_response();
}

}  // namespace cicada::test
