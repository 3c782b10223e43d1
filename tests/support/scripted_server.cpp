#include "support/scripted_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <stdexcept>
#include <thread>

namespace cicada::testing {
namespace {

char lower(char c) { return (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c; }

bool equal_nocase(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return lower(x) == lower(y); });
}

std::string_view reason_for(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 204:
      return "No Content";
    case 301:
      return "Moved Permanently";
    case 302:
      return "Found";
    case 303:
      return "See Other";
    case 304:
      return "Not Modified";
    case 307:
      return "Temporary Redirect";
    case 308:
      return "Permanent Redirect";
    case 400:
      return "Bad Request";
    case 404:
      return "Not Found";
    case 500:
      return "Internal Server Error";
    case 503:
      return "Service Unavailable";
    default:
      return "Status";
  }
}

class PlainStream final : public ServerStream {
 public:
  explicit PlainStream(int fd) : fd_(fd) {}
  long read(char* data, std::size_t size) override { return ::recv(fd_, data, size, 0); }
  bool write_all(std::string_view data) override {
    while (!data.empty()) {
      const long n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      data.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
  }
  int fd() const override { return fd_; }

 private:
  int fd_;
};

std::string chunk_of(std::string_view piece) {
  char hex[32];
  std::snprintf(hex, sizeof hex, "%zx\r\n", piece.size());
  std::string out = hex;
  out += piece;
  out += "\r\n";
  return out;
}

std::string serialize(const ScriptedReply& r, bool head_request) {
  std::string out = "HTTP/1.1 " + std::to_string(r.status) + " ";
  out += r.reason.empty() ? reason_for(r.status) : std::string_view(r.reason);
  out += "\r\n";
  for (const auto& [n, v] : r.headers) out += n + ": " + v + "\r\n";
  const bool bodyless = head_request || r.status == 204 || r.status == 304 || r.status < 200;
  if (r.close_after || r.no_length) out += "Connection: close\r\n";
  if (r.chunked) {
    out += "Transfer-Encoding: chunked\r\n\r\n";
    if (!r.pieces.empty()) {
      if (!r.body.empty()) out += chunk_of(r.body);
      return out;  // the pieces and the last chunk follow (write_paced)
    }
    if (!bodyless) {
      const std::size_t half = r.body.size() / 2;
      for (auto piece : {std::string_view(r.body).substr(0, half), std::string_view(r.body).substr(half)}) {
        if (!piece.empty()) out += chunk_of(piece);
      }
      out += "0\r\n\r\n";
    }
    return out;
  }
  if (!r.no_length && r.pieces.empty() && r.status != 204 && r.status != 304)
    out += "Content-Length: " + std::to_string(r.body.size()) + "\r\n";
  out += "\r\n";
  if (!bodyless) out += r.body;
  return out;
}

}  // namespace

std::optional<std::string> RecordedRequest::header(std::string_view name) const {
  for (const auto& [n, v] : headers)
    if (equal_nocase(n, name)) return v;
  return std::nullopt;
}

struct ScriptedServer::State {
  mutable std::mutex mu;
  mutable std::condition_variable cv;
  std::deque<ScriptedReply> queue;
  ScriptedReply fallback = ScriptedReply::respond(200, "ok");
  std::function<ScriptedReply(const RecordedRequest&)> handler;
  std::vector<RecordedRequest> requests;
  std::vector<StreamTiming> stream_timings;
  std::vector<std::chrono::microseconds> delayed_reply_times;
  std::size_t request_count = 0;
  bool recording = true;
  std::size_t connections = 0;
  std::size_t closed = 0;
  std::size_t unsolicited = 0;
  std::vector<int> open_fds;
  std::vector<std::thread> threads;
  std::atomic<bool> stopping{false};
  int listen_fd = -1;
  std::shared_ptr<ServerTls> tls;
  std::string on_connect;
  std::thread acceptor;
};

ScriptedServer::ScriptedServer(std::shared_ptr<ServerTls> tls) : state_(std::make_shared<State>()) {
  state_->tls = std::move(tls);
  state_->listen_fd = listen_on_loopback(port_, "ScriptedServer");
  state_->acceptor = std::thread([this] { accept_loop(); });
}

ScriptedServer::~ScriptedServer() {
  state_->stopping = true;
  state_->acceptor.join();
  ::close(state_->listen_fd);
  std::vector<std::thread> threads;
  {
    std::lock_guard lock(state_->mu);
    // Wakes every connection thread blocked in recv().
    for (int fd : state_->open_fds) ::shutdown(fd, SHUT_RDWR);
    threads.swap(state_->threads);
  }
  for (auto& t : threads) t.join();
}

std::string ScriptedServer::url() const {
  return std::string(state_->tls ? "https" : "http") + "://127.0.0.1:" + std::to_string(port_);
}

void ScriptedServer::push(ScriptedReply reply) {
  std::lock_guard lock(state_->mu);
  state_->queue.push_back(std::move(reply));
}

void ScriptedServer::set_fallback(ScriptedReply reply) {
  std::lock_guard lock(state_->mu);
  state_->fallback = std::move(reply);
}

void ScriptedServer::set_handler(std::function<ScriptedReply(const RecordedRequest&)> handler) {
  std::lock_guard lock(state_->mu);
  state_->handler = std::move(handler);
}

void ScriptedServer::answer_on_connect(std::string bytes) {
  std::lock_guard lock(state_->mu);
  state_->on_connect = std::move(bytes);
}

void ScriptedServer::set_recording(bool on) {
  std::lock_guard lock(state_->mu);
  state_->recording = on;
}

std::vector<RecordedRequest> ScriptedServer::requests() const {
  std::lock_guard lock(state_->mu);
  return state_->requests;
}

std::vector<std::chrono::microseconds> ScriptedServer::delayed_reply_times() const {
  std::lock_guard lock(state_->mu);
  return state_->delayed_reply_times;
}

std::vector<StreamTiming> ScriptedServer::stream_timings() const {
  std::lock_guard lock(state_->mu);
  return state_->stream_timings;
}

std::size_t ScriptedServer::request_count() const {
  std::lock_guard lock(state_->mu);
  return state_->request_count;
}

std::size_t ScriptedServer::connections_accepted() const {
  std::lock_guard lock(state_->mu);
  return state_->connections;
}

std::size_t ScriptedServer::connections_open() const {
  std::lock_guard lock(state_->mu);
  return state_->open_fds.size();
}

bool ScriptedServer::wait_for_requests(std::size_t n, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(state_->mu);
  return state_->cv.wait_for(lock, timeout, [&] { return state_->request_count >= n; });
}

bool ScriptedServer::wait_for_closed(std::size_t n, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(state_->mu);
  return state_->cv.wait_for(lock, timeout, [&] { return state_->closed >= n; });
}

bool ScriptedServer::wait_for_unsolicited(std::size_t n, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(state_->mu);
  return state_->cv.wait_for(lock, timeout, [&] { return state_->unsolicited >= n; });
}

std::unique_ptr<ServerStream> plain_stream(int fd) { return std::make_unique<PlainStream>(fd); }

int listen_on_loopback(std::uint16_t& port, const char* who) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error(std::string(who) + ": socket() failed");
  const int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd, 1024) != 0) {
    ::close(fd);
    throw std::runtime_error(std::string(who) + ": cannot listen on 127.0.0.1");
  }
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  port = ntohs(addr.sin_port);
  return fd;
}

std::uint16_t ScriptedServer::closed_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);  // never listened: connecting to it is refused
  return ntohs(addr.sin_port);
}

void ScriptedServer::accept_loop() {
  while (!state_->stopping) {
    pollfd p{state_->listen_fd, POLLIN, 0};
    if (::poll(&p, 1, 20) <= 0) continue;
    const int fd = ::accept4(state_->listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    const int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    std::lock_guard lock(state_->mu);
    const std::size_t index = state_->connections++;
    state_->open_fds.push_back(fd);
    state_->threads.emplace_back([this, fd, index, greeting = state_->on_connect] {
      if (!greeting.empty()) {
        PlainStream(fd).write_all(greeting);
        std::lock_guard l(state_->mu);
        std::erase(state_->open_fds, fd);
        ::close(fd);
        return;
      }
      std::unique_ptr<ServerStream> stream;
      if (state_->tls)
        stream = state_->tls->accept(fd);
      else
        stream = std::make_unique<PlainStream>(fd);
      if (stream) serve(std::move(stream), index);
      stream.reset();
      std::lock_guard l(state_->mu);
      std::erase(state_->open_fds, fd);
      ::close(fd);
      ++state_->closed;
      state_->cv.notify_all();
    });
  }
}

void ScriptedServer::serve(std::unique_ptr<ServerStream> stream, std::size_t index) {
  std::string buffer;
  char chunk[16384];
  for (;;) {
    // Read one request: head up to the blank line, then Content-Length bytes of body.
    std::size_t head_end;
    while ((head_end = buffer.find("\r\n\r\n")) == std::string::npos) {
      const long n = stream->read(chunk, sizeof chunk);
      if (n <= 0) return;
      buffer.append(chunk, static_cast<std::size_t>(n));
    }
    RecordedRequest req;
    req.connection = index;
    std::string_view head(buffer.data(), head_end);
    const auto line_end = head.find("\r\n");
    std::string_view line = head.substr(0, line_end);
    const auto sp1 = line.find(' ');
    const auto sp2 = line.find(' ', sp1 + 1);
    req.method = line.substr(0, sp1);
    req.target = line.substr(sp1 + 1, sp2 - sp1 - 1);
    std::size_t content_length = 0;
    std::size_t pos = line_end == std::string_view::npos ? head.size() : line_end + 2;
    while (pos < head.size()) {
      auto end = head.find("\r\n", pos);
      if (end == std::string_view::npos) end = head.size();
      const std::string_view h = head.substr(pos, end - pos);
      pos = end + 2;
      const auto colon = h.find(':');
      if (colon == std::string_view::npos) continue;
      std::string_view value = h.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
      req.headers.emplace_back(std::string(h.substr(0, colon)), std::string(value));
      if (equal_nocase(h.substr(0, colon), "Content-Length")) content_length = std::stoul(std::string(value));
    }
    buffer.erase(0, head_end + 4);
    while (buffer.size() < content_length) {
      const long n = stream->read(chunk, sizeof chunk);
      if (n <= 0) return;
      buffer.append(chunk, static_cast<std::size_t>(n));
    }
    req.body = buffer.substr(0, content_length);
    buffer.erase(0, content_length);
    const auto request_read = std::chrono::steady_clock::now();
    const std::string target = req.target;

    ScriptedReply reply;
    {
      std::lock_guard lock(state_->mu);
      if (state_->handler) {
        reply = state_->handler(req);
      } else if (!state_->queue.empty()) {
        reply = std::move(state_->queue.front());
        state_->queue.pop_front();
      } else {
        reply = state_->fallback;
      }
      const bool head_request = req.method == "HEAD";
      ++state_->request_count;
      if (state_->recording) state_->requests.push_back(std::move(req));
      state_->cv.notify_all();
      // A paced body without chunked framing can only end with the connection.
      if (!reply.pieces.empty() && !reply.chunked) reply.no_length = true;
      if (reply.action == ScriptedReply::Action::kRespond) reply.raw = serialize(reply, head_request);
    }
    if (reply.delay.count() > 0) {
      std::this_thread::sleep_for(reply.delay);
      const auto waited = std::chrono::duration_cast<std::chrono::microseconds>(
          std::chrono::steady_clock::now() - request_read);
      std::lock_guard lock(state_->mu);  // kept before the write, so a client that has the reply finds it
      state_->delayed_reply_times.push_back(waited);
    }

    const auto send_unsolicited = [&] {
      if (reply.unsolicited.empty()) return true;
      if (reply.unsolicited_after.count() > 0) std::this_thread::sleep_for(reply.unsolicited_after);
      const bool sent = stream->write_all(reply.unsolicited);
      std::lock_guard lock(state_->mu);
      ++state_->unsolicited;
      state_->cv.notify_all();
      return sent;
    };
    switch (reply.action) {
      case ScriptedReply::Action::kRespond:
        if (!stream->write_all(reply.raw)) return;
        if (!reply.pieces.empty() && !write_paced(*stream, reply, target, request_read)) return;
        if (!send_unsolicited()) return;
        if (reply.close_after || reply.no_length) return;
        break;
      case ScriptedReply::Action::kRaw:
        if (!stream->write_all(reply.raw)) return;
        if (reply.close_after) return;
        break;
      case ScriptedReply::Action::kClose:
        return;
      case ScriptedReply::Action::kReset: {
        linger l{1, 0};
        ::setsockopt(stream->fd(), SOL_SOCKET, SO_LINGER, &l, sizeof l);
        return;
      }
      case ScriptedReply::Action::kStall:
        while (!state_->stopping) {
          pollfd p{stream->fd(), POLLIN, 0};
          if (::poll(&p, 1, 20) > 0 && stream->read(chunk, sizeof chunk) <= 0) return;
        }
        return;
    }
  }
}

bool ScriptedServer::write_paced(ServerStream& stream, const ScriptedReply& reply, const std::string& target,
                                 std::chrono::steady_clock::time_point request_read) {
  StreamTiming timing{target, request_read, {}};
  timing.piece_written.reserve(reply.pieces.size());
  for (const StreamPiece& piece : reply.pieces) {
    std::this_thread::sleep_until(request_read + piece.at);
    if (state_->stopping) return false;
    const std::string bytes = reply.chunked ? chunk_of(piece.bytes) : piece.bytes;
    // Stamped as the write starts: the client can see the bytes before send() has returned here.
    timing.piece_written.push_back(std::chrono::steady_clock::now());
    if (!stream.write_all(bytes)) return false;
  }
  {
    // Kept before the body ends, so a client that saw the whole response finds its timing here.
    std::lock_guard lock(state_->mu);
    state_->stream_timings.push_back(std::move(timing));
  }
  return !reply.chunked || stream.write_all("0\r\n\r\n");
}

}  // namespace cicada::testing
