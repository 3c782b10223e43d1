#include "support/h2_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <nghttp2/nghttp2.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <map>
#include <stdexcept>

namespace cicada::testing {

// One connection's nghttp2 server session and the requests on it.
struct H2Server::Connection {
  Connection(H2Server& s, ServerStream& st, std::size_t i) : server(s), stream(st), index(i) {}
  H2Server& server;
  ServerStream& stream;
  std::size_t index;
  nghttp2_session* session = nullptr;
  std::map<std::int32_t, RecordedRequest> open;  // streams whose request is still arriving
  std::vector<std::int32_t> ready;               // streams whose request is complete, in order
  // Bodies being sent, per stream (the data provider reads from them).
  std::map<std::int32_t, std::pair<std::string, std::size_t>> bodies;
  std::map<std::int32_t, std::vector<std::pair<std::string, std::string>>> trailers;
  bool close_after = false;

  static Connection& of(void* p) { return *static_cast<Connection*>(p); }

  static int on_begin_headers(nghttp2_session*, const nghttp2_frame* frame, void* p) {
    if (frame->hd.type == NGHTTP2_HEADERS && frame->headers.cat == NGHTTP2_HCAT_REQUEST)
      of(p).open[frame->hd.stream_id].connection = of(p).index;
    return 0;
  }
  static int on_header(nghttp2_session*, const nghttp2_frame* frame, const std::uint8_t* name,
                       std::size_t namelen, const std::uint8_t* value, std::size_t valuelen, std::uint8_t,
                       void* p) {
    auto it = of(p).open.find(frame->hd.stream_id);
    if (it == of(p).open.end()) return 0;
    const std::string n(reinterpret_cast<const char*>(name), namelen);
    std::string v(reinterpret_cast<const char*>(value), valuelen);
    if (n == ":method")
      it->second.method = std::move(v);
    else if (n == ":path")
      it->second.target = std::move(v);
    else
      it->second.headers.emplace_back(n, std::move(v));  // :authority and :scheme kept as headers
    return 0;
  }
  static int on_data(nghttp2_session*, std::uint8_t, std::int32_t stream_id, const std::uint8_t* data,
                     std::size_t len, void* p) {
    auto it = of(p).open.find(stream_id);
    if (it != of(p).open.end()) it->second.body.append(reinterpret_cast<const char*>(data), len);
    return 0;
  }
  static int on_frame_recv(nghttp2_session*, const nghttp2_frame* frame, void* p) {
    const bool request_frame = frame->hd.type == NGHTTP2_HEADERS || frame->hd.type == NGHTTP2_DATA;
    if (request_frame && (frame->hd.flags & NGHTTP2_FLAG_END_STREAM) && of(p).open.count(frame->hd.stream_id))
      of(p).ready.push_back(frame->hd.stream_id);
    return 0;
  }
  static int on_stream_close(nghttp2_session*, std::int32_t stream_id, std::uint32_t, void* p) {
    of(p).open.erase(stream_id);
    of(p).bodies.erase(stream_id);
    of(p).trailers.erase(stream_id);
    return 0;
  }
  static ssize_t read_body(nghttp2_session* own, std::int32_t stream_id, std::uint8_t* buf,
                           std::size_t length, std::uint32_t* flags, nghttp2_data_source*, void* p) {
    auto it = of(p).bodies.find(stream_id);
    if (it == of(p).bodies.end()) return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE;
    auto& [body, sent] = it->second;
    const std::size_t n = std::min(length, body.size() - sent);
    std::memcpy(buf, body.data() + sent, n);
    sent += n;
    if (sent == body.size()) {
      *flags |= NGHTTP2_DATA_FLAG_EOF;
      auto t = of(p).trailers.find(stream_id);
      if (t != of(p).trailers.end() && !t->second.empty()) {
        *flags |= NGHTTP2_DATA_FLAG_NO_END_STREAM;  // the trailers end the stream
        std::vector<nghttp2_nv> nva;
        for (auto& [name, value] : t->second)
          nva.push_back({reinterpret_cast<std::uint8_t*>(name.data()),
                         reinterpret_cast<std::uint8_t*>(value.data()), name.size(), value.size(),
                         NGHTTP2_NV_FLAG_NONE});
        nghttp2_submit_trailer(own, stream_id, nva.data(), nva.size());
      }
    }
    return static_cast<ssize_t>(n);
  }

  bool flush() {
    std::string out;
    for (;;) {
      const std::uint8_t* data = nullptr;
      const ssize_t n = nghttp2_session_mem_send(session, &data);
      if (n < 0) return false;
      if (n == 0) break;
      out.append(reinterpret_cast<const char*>(data), static_cast<std::size_t>(n));
    }
    return out.empty() || stream.write_all(out);
  }

  // Waits `d`, or until the server stops; false when it stops.
  bool wait(std::chrono::milliseconds d, bool forever = false) {
    std::unique_lock lock(server.mutex_);
    const auto until = std::chrono::steady_clock::now() + d;
    while (!server.stopping_) {
      if (forever)
        server.wake_.wait(lock);
      else if (server.wake_.wait_until(lock, until) == std::cv_status::timeout)
        return !server.stopping_;
    }
    return false;
  }

  // Answers one complete request; false when the connection is to end.
  bool answer(std::int32_t id) {
    auto it = open.find(id);
    if (it == open.end()) return true;
    RecordedRequest request = it->second;
    {
      std::lock_guard lock(server.mutex_);
      server.requests_.push_back(request);
    }
    const H2Reply reply = server.handler_(request);
    const ScriptedReply& r = reply.reply;
    if (r.delay.count() > 0 && !wait(r.delay)) return false;
    if (r.action == ScriptedReply::Action::kStall) {
      wait({}, true);
      return false;
    }
    if (r.action == ScriptedReply::Action::kClose || r.action == ScriptedReply::Action::kReset) return false;
    if (reply.refuse_in_goaway) {
      nghttp2_submit_goaway(session, NGHTTP2_FLAG_NONE, id > 2 ? id - 2 : 0, NGHTTP2_NO_ERROR, nullptr, 0);
      close_after = true;
      return true;
    }
    if (reply.reset_code != 0) {
      nghttp2_submit_rst_stream(session, NGHTTP2_FLAG_NONE, id, reply.reset_code);
    } else {
      std::vector<std::string> text;
      text.push_back(std::to_string(r.status));
      text.push_back(std::to_string(r.body.size()));
      std::vector<nghttp2_nv> nva;
      const auto nv = [&nva](const std::string& name, const std::string& value) {
        nva.push_back({reinterpret_cast<std::uint8_t*>(const_cast<char*>(name.data())),
                       reinterpret_cast<std::uint8_t*>(const_cast<char*>(value.data())), name.size(),
                       value.size(), NGHTTP2_NV_FLAG_NONE});  // copied (and names lowered) by nghttp2
      };
      static const std::string status = ":status", length = "content-length";
      nv(status, text[0]);
      if (!r.no_length) nv(length, text[1]);
      for (const auto& [name, value] : r.headers) nv(name, value);
      bodies[id] = {r.body, 0};
      trailers[id] = reply.trailers;
      nghttp2_data_provider provider{};
      provider.read_callback = &Connection::read_body;
      const bool no_body = request.method == "HEAD" || r.status == 204 || r.status == 304;
      nghttp2_submit_response(session, id, nva.data(), nva.size(), no_body ? nullptr : &provider);
    }
    if (reply.goaway) {
      nghttp2_submit_goaway(session, NGHTTP2_FLAG_NONE, nghttp2_session_get_last_proc_stream_id(session),
                            NGHTTP2_NO_ERROR, nullptr, 0);
      close_after = true;
    }
    return true;
  }

  void run() {
    nghttp2_session_callbacks* callbacks = nullptr;
    nghttp2_session_callbacks_new(&callbacks);
    nghttp2_session_callbacks_set_on_begin_headers_callback(callbacks, &on_begin_headers);
    nghttp2_session_callbacks_set_on_header_callback(callbacks, &on_header);
    nghttp2_session_callbacks_set_on_data_chunk_recv_callback(callbacks, &on_data);
    nghttp2_session_callbacks_set_on_frame_recv_callback(callbacks, &on_frame_recv);
    nghttp2_session_callbacks_set_on_stream_close_callback(callbacks, &on_stream_close);
    nghttp2_session_server_new(&session, callbacks, this);
    nghttp2_session_callbacks_del(callbacks);
    const nghttp2_settings_entry settings[] = {{NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, 100}};
    nghttp2_submit_settings(session, NGHTTP2_FLAG_NONE, settings, 1);
    char buf[16384];
    bool go = flush();
    while (go && !server.stopping_) {
      const long n = stream.read(buf, sizeof buf);
      if (n <= 0) break;
      if (nghttp2_session_mem_recv(session, reinterpret_cast<const std::uint8_t*>(buf),
                                   static_cast<std::size_t>(n)) < 0)
        break;
      while (go && !ready.empty()) {
        const std::int32_t id = ready.front();
        ready.erase(ready.begin());
        go = answer(id);
      }
      if (go) go = flush() && !close_after;
      if (nghttp2_session_want_read(session) == 0 && nghttp2_session_want_write(session) == 0) break;
    }
    nghttp2_session_del(session);
  }
};

H2Server::H2Server(Handler handler, std::shared_ptr<ServerTls> tls)
    : handler_(std::move(handler)), tls_(std::move(tls)) {
  listen_fd_ = listen_on_loopback(port_, "H2Server");
  acceptor_ = std::thread([this] { accept_loop(); });
}

H2Server::~H2Server() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  acceptor_.join();
  ::close(listen_fd_);
  std::vector<std::thread> threads;
  {
    std::lock_guard lock(mutex_);
    for (int fd : fds_) ::shutdown(fd, SHUT_RDWR);  // wakes every thread blocked in a read
    threads.swap(threads_);
  }
  for (auto& t : threads) t.join();
}

std::string H2Server::url() const {
  return std::string(tls_ ? "https" : "http") + "://127.0.0.1:" + std::to_string(port_);
}

std::vector<RecordedRequest> H2Server::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

void H2Server::accept_loop() {
  while (!stopping_) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (::poll(&p, 1, 20) <= 0) continue;
    const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    const int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    std::lock_guard lock(mutex_);
    fds_.push_back(fd);
    threads_.emplace_back([this, fd, index = connections_++] { serve(fd, index); });
  }
}

void H2Server::serve(int fd, std::size_t index) {
  std::unique_ptr<ServerStream> stream;
  if (tls_)
    stream = tls_->accept(fd);
  else
    stream = plain_stream(fd);
  if (stream) {
    Connection connection(*this, *stream, index);
    connection.run();
  }
  stream.reset();
  std::lock_guard lock(mutex_);
  std::erase(fds_, fd);
  ::close(fd);
}

}  // namespace cicada::testing
