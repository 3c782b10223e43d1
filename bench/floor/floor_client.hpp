#pragma once
// What the floor clients (epoll and io_uring) share: the request they send, the reader of one response
// per turn, the connections, and the measuring window. A client measures itself and the server over the
// same instants: after --warmup seconds it reads its own CPU time (getrusage), the server's
// (/proc/PID/stat utime + stime of every thread) and its count of responses, and again --window seconds
// later, then prints one "key=value" line (run.sh parses it) and exits. It exits 1, saying why, when
// any response was not a 200, a response was malformed, the server stopped answering, or nothing was
// counted: a floor that measured nothing must not look like one that is fast.
#include <strings.h>
#include <sys/resource.h>
#include <time.h>

#include <cstdint>
#include <vector>

#include "floor_common.hpp"

namespace floor_bench {

struct ClientOptions {
  int port = 0;
  int connections = 50;
  double warmup_s = 2;
  double window_s = 5;
  long server_pid = 0;  // 0: the server's CPU is not sampled
  std::string request;  // the bytes of one request

  explicit ClientOptions(const Flags& flags) {
    port = static_cast<int>(flags.number("port", 0));
    if (port == 0) die("--port is required");
    connections = static_cast<int>(flags.number("connections", 50));
    warmup_s = static_cast<double>(flags.number("warmup-ms", 2000)) / 1000;
    window_s = static_cast<double>(flags.number("window-ms", 5000)) / 1000;
    server_pid = flags.number("server-pid", 0);
    const std::string host = "127.0.0.1:" + std::to_string(port);
    const std::string path = flags.get("path", "/health");
    const std::string body_file = flags.get("body-file", "");
    if (body_file.empty()) {
      request = "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n\r\n";
    } else {
      const std::string body = read_file(body_file);
      request = "POST " + path + " HTTP/1.1\r\nHost: " + host +
                "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
                "\r\n\r\n" + body;
    }
  }
};

// Collects one response of a connection-turn and tells when it is whole (by its Content-Length).
class ResponseReader {
 public:
  enum class Result { kPartial, kOk, kNotOk };
  char* space() { return buffer_ + size_; }
  std::size_t space_left() const { return sizeof buffer_ - size_; }

  // n more bytes were written at space().
  Result add(std::size_t n) {
    size_ += n;
    const std::string_view seen(buffer_, size_);
    const std::size_t head_end = seen.find("\r\n\r\n");
    if (head_end == std::string_view::npos) {
      if (space_left() == 0) die("response head larger than the client's buffer");
      return Result::kPartial;
    }
    const std::size_t total = head_end + 4 + content_length(seen.substr(0, head_end));
    if (size_ < total) {
      if (total > sizeof buffer_) die("response larger than the client's buffer");
      return Result::kPartial;
    }
    if (size_ > total) die("bytes after the response: the server answered more than was asked");
    size_ = 0;
    return seen.substr(0, 13) == "HTTP/1.1 200 " ? Result::kOk : Result::kNotOk;
  }

 private:
  static std::size_t content_length(std::string_view head) {
    for (std::size_t at = head.find("\r\n"); at != std::string_view::npos; at = head.find("\r\n", at + 2)) {
      const std::string_view line = head.substr(at + 2);
      if (line.size() > 15 && strncasecmp(line.data(), "content-length:", 15) == 0) {
        return std::strtoul(line.data() + 15, nullptr, 10);
      }
    }
    die("response without Content-Length");
  }
  char buffer_[8192];
  std::size_t size_ = 0;
};

// Blocking connects (loopback), then non-blocking sockets with TCP_NODELAY.
inline std::vector<int> connect_all(const ClientOptions& options) {
  std::vector<int> fds;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(options.port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  for (int i = 0; i < options.connections; ++i) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) die("socket");
    if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) die("connect");
    set_nodelay(fd);
    fds.push_back(fd);
  }
  return fds;
}

inline double now_s() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

inline double own_cpu_us() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e6 +
         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
}

// utime + stime of the whole process (all its threads), in µs; the kernel keeps them in clock ticks.
inline double process_cpu_us(long pid) {
  if (pid == 0) return 0;
  const std::string stat = read_file("/proc/" + std::to_string(pid) + "/stat");
  const std::size_t paren = stat.rfind(')');
  if (paren == std::string::npos) die("cannot parse the server's /proc/PID/stat");
  // Fields after "comm)": state is field 3, utime 14 and stime 15.
  const char* p = stat.c_str() + paren + 2;
  unsigned long long utime = 0, stime = 0;
  if (std::sscanf(p, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &utime, &stime) != 2) {
    die("cannot parse the server's /proc/PID/stat");
  }
  return static_cast<double>(utime + stime) * 1e6 / static_cast<double>(sysconf(_SC_CLK_TCK));
}

// The warm-up, then the window over which the client and the server are measured.
class Meter {
 public:
  explicit Meter(const ClientOptions& options) : options_(options), start_(now_s()), last_progress_(start_) {}

  // Called after each batch of events with the responses counted so far; true once the window is over.
  bool done(std::uint64_t responses) {
    const double now = now_s();
    if (responses != last_count_) {
      last_count_ = responses;
      last_progress_ = now;
    } else if (now - last_progress_ > 5) {
      errno = 0;
      die("the server answered nothing for 5 s");
    }
    if (!started_ && now - start_ >= options_.warmup_s) {
      started_ = true;
      window_start_ = now;
      count0_ = responses;
      client0_ = own_cpu_us();
      server0_ = process_cpu_us(options_.server_pid);
    }
    return started_ && now - window_start_ >= options_.window_s;
  }

  // Prints the result line; exits 1 when the window counted nothing or saw a non-200.
  int report(std::uint64_t responses, std::uint64_t not_ok) const {
    const double seconds = now_s() - window_start_;
    const double client = own_cpu_us() - client0_;
    const double server = process_cpu_us(options_.server_pid) - server0_;
    const double n = static_cast<double>(responses - count0_);
    std::printf(
        "requests=%.0f seconds=%.3f rps=%.0f client_cpu_us_per_req=%.3f server_cpu_us_per_req=%.3f "
        "non_200=%llu\n",
        n, seconds, n / seconds, n > 0 ? client / n : 0, n > 0 ? server / n : 0,
        static_cast<unsigned long long>(not_ok));
    if (not_ok > 0 || n == 0 || (options_.server_pid != 0 && server <= 0)) {
      std::fprintf(stderr, "floor client: %s\n",
                   not_ok > 0 ? "some responses were not 200" : "the window measured nothing");
      return 1;
    }
    return 0;
  }

 private:
  const ClientOptions& options_;
  double start_;
  double last_progress_;
  std::uint64_t last_count_ = 0;
  bool started_ = false;
  double window_start_ = 0;
  std::uint64_t count0_ = 0;
  double client0_ = 0;
  double server0_ = 0;
};

}  // namespace floor_bench
