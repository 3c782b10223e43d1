#pragma once
// What the floor benchmark's servers and clients share (bench/floor/run.sh): flags, the listening socket,
// the fixed response, and a scanner that counts request heads. The floor programs do nothing but move one
// small HTTP request and one fixed response per connection-turn, so what they cost is the kernel's share
// of a request (loopback TCP, the event loop's syscalls) with as little of our own code on top as possible.
// Plain POSIX and no allocation after start-up; errors end the program with a message (exit 1).
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

namespace floor_bench {

[[noreturn]] inline void die(const char* what) {
  std::fprintf(stderr, "floor: %s: %s\n", what, errno != 0 ? std::strerror(errno) : "failed");
  std::exit(1);
}

// "--name value" pairs; a flag not given falls back to its default.
class Flags {
 public:
  Flags(int argc, char** argv) : argc_(argc), argv_(argv) {
    if (argc % 2 == 0) usage();
    for (int i = 1; i < argc; i += 2) {
      if (std::strncmp(argv[i], "--", 2) != 0) usage();
    }
  }
  std::string get(const char* name, const char* fallback) const {
    for (int i = 1; i + 1 < argc_; i += 2) {
      if (std::strcmp(argv_[i] + 2, name) == 0) return argv_[i + 1];
    }
    return fallback;
  }
  long number(const char* name, long fallback) const {
    std::string v = get(name, "");
    if (v.empty()) return fallback;
    char* end = nullptr;
    long n = std::strtol(v.c_str(), &end, 10);
    if (*end != '\0' || n < 0) usage();
    return n;
  }

 private:
  [[noreturn]] void usage() const {
    std::fprintf(stderr, "floor: flags are --name value pairs (see bench/floor/run.sh)\n");
    std::exit(2);
  }
  int argc_;
  char** argv_;
};

// The one response of the floor servers: the size of nginx's answer to GET /health (about 150 bytes),
// so the kernel moves as many bytes for both.
inline constexpr std::string_view kResponse =
    "HTTP/1.1 200 OK\r\nServer: floor\r\nDate: Thu, 01 Jan 2026 00:00:00 GMT\r\n"
    "Content-Type: text/plain\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\nOK";

// The whole file at path (a request body, /proc/PID/stat), or the program ends saying which file.
inline std::string read_file(const std::string& path) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) die(path.c_str());
  std::string out;
  char chunk[4096];
  ssize_t got = 0;
  while ((got = read(fd, chunk, sizeof chunk)) > 0) out.append(chunk, static_cast<std::size_t>(got));
  close(fd);
  if (got < 0) die(path.c_str());
  return out;
}

inline void set_nodelay(int fd) {
  int one = 1;
  if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) != 0) die("setsockopt TCP_NODELAY");
}

// Listens on 127.0.0.1:port (0: an ephemeral one) and prints "http://127.0.0.1:PORT", the line
// bench/lib.sh's bench_url waits for.
inline int listen_loopback(int port, int flags) {
  int fd = socket(AF_INET, SOCK_STREAM | flags, 0);
  if (fd < 0) die("socket");
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) die("bind");
  if (listen(fd, 4096) != 0) die("listen");
  socklen_t len = sizeof addr;
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) die("getsockname");
  std::printf("floor server listening on http://127.0.0.1:%d\n", ntohs(addr.sin_port));
  std::fflush(stdout);
  return fd;
}

// Counts the ends of request heads ("\r\n\r\n") in a byte stream read in pieces. The floor servers take
// bodyless requests only (GET), so one head end is one request.
class HeadCounter {
 public:
  int feed(const char* data, std::size_t n) {
    int heads = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const char c = data[i];
      const bool expected_cr = matched_ % 2 == 0;
      if ((expected_cr && c == '\r') || (!expected_cr && c == '\n')) {
        if (++matched_ == 4) {
          ++heads;
          matched_ = 0;
        }
      } else {
        matched_ = c == '\r' ? 1 : 0;
      }
    }
    return heads;
  }

 private:
  int matched_ = 0;  // how much of "\r\n\r\n" the bytes so far end with
};

}  // namespace floor_bench
