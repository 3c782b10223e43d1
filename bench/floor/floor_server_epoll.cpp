// The floor server over epoll: accepts on 127.0.0.1, and for every request head read answers the fixed
// response (floor_common.hpp), keep-alive, one thread. Level-triggered, one read and one write per turn:
// what any epoll server must do at least. Runs until killed.
//   bench_floor_server_epoll [--port 0]
#include <sys/epoll.h>

#include <vector>

#include "floor_common.hpp"

using namespace floor_bench;

namespace {

struct Connection {
  HeadCounter heads;
  bool open = false;
};

void answer(int fd, int requests) {
  // Clients of the floor send one request per turn; pipelined ones get their answers in one write.
  char out[4096];
  std::size_t n = 0;
  for (int i = 0; i < requests; ++i) {
    if (n + kResponse.size() > sizeof out) die("too many pipelined requests");
    std::memcpy(out + n, kResponse.data(), kResponse.size());
    n += kResponse.size();
  }
  // A response this small always fits the socket buffer of a client that waits for it.
  if (write(fd, out, n) != static_cast<ssize_t>(n)) die("short write");
}

}  // namespace

int main(int argc, char** argv) {
  Flags flags(argc, argv);
  const int listener = listen_loopback(static_cast<int>(flags.number("port", 0)), SOCK_NONBLOCK);
  const int ep = epoll_create1(0);
  if (ep < 0) die("epoll_create1");
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.fd = listener;
  if (epoll_ctl(ep, EPOLL_CTL_ADD, listener, &ev) != 0) die("epoll_ctl listener");
  std::vector<Connection> connections(65536);
  epoll_event events[256];
  char buffer[16384];
  for (;;) {
    const int ready = epoll_wait(ep, events, 256, -1);
    if (ready < 0) {
      if (errno == EINTR) continue;
      die("epoll_wait");
    }
    for (int i = 0; i < ready; ++i) {
      const int fd = events[i].data.fd;
      if (fd == listener) {
        for (;;) {
          const int c = accept4(listener, nullptr, nullptr, SOCK_NONBLOCK);
          if (c < 0) break;
          if (static_cast<std::size_t>(c) >= connections.size()) die("descriptor beyond the table");
          set_nodelay(c);
          connections[static_cast<std::size_t>(c)] = Connection{HeadCounter{}, true};
          epoll_event cev{};
          cev.events = EPOLLIN;
          cev.data.fd = c;
          if (epoll_ctl(ep, EPOLL_CTL_ADD, c, &cev) != 0) die("epoll_ctl connection");
        }
        continue;
      }
      Connection& conn = connections[static_cast<std::size_t>(fd)];
      const ssize_t got = read(fd, buffer, sizeof buffer);
      if (got <= 0) {
        if (got < 0 && errno == EAGAIN) continue;
        conn.open = false;
        close(fd);  // also leaves the epoll set
        continue;
      }
      const int requests = conn.heads.feed(buffer, static_cast<std::size_t>(got));
      if (requests > 0) answer(fd, requests);
    }
  }
}
