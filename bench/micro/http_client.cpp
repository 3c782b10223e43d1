// Micro benchmark of the load generator's HTTP client: one thread (the benchmark's) drives N keep-alive
// users, each a coroutine doing GET requests in a loop, against a trivial loopback HTTP server.
//
// The server runs in the same process on other threads: one blocking thread per connection that answers
// every request with a fixed 200 response. It shares the 2 cores with the client, so requests/s is a floor;
// cpu_us_per_req (CPU time of the client thread only, CLOCK_THREAD_CPUTIME_ID) is the client's cost.
//
//   ninja bench_http_client && ./bench/bench_http_client --benchmark_min_time=1
#include <arpa/inet.h>
#include <benchmark/benchmark.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <coroutine>
#include <ctime>
#include <exception>
#include <string>
#include <thread>
#include <vector>

#include "http/client/user_http_client.hpp"
#include "stats/thread_stats.hpp"

namespace {

constexpr std::string_view kResponse =
    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 15\r\n\r\n{\"status\":\"ok\"}";

// Answers each request (a head ending in a blank line, no body) with kResponse until the peer closes.
class TrivialServer {
 public:
  TrivialServer() {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    ::listen(fd_, 1024);
    socklen_t len = sizeof addr;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    acceptor_ = std::thread([this] {
      while (!stop_) {
        pollfd p{fd_, POLLIN, 0};
        if (::poll(&p, 1, 20) <= 0) continue;
        const int c = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
        if (c < 0) continue;
        const int one = 1;
        ::setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        workers_.emplace_back([c] { serve(c); });
      }
    });
  }
  ~TrivialServer() {
    stop_ = true;
    acceptor_.join();
    ::close(fd_);
    for (auto& w : workers_) w.join();  // each ends when its client closes
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  static void serve(int c) {
    char buf[8192];
    std::string pending;
    for (;;) {
      const long n = ::recv(c, buf, sizeof buf, 0);
      if (n <= 0) break;
      pending.append(buf, static_cast<std::size_t>(n));
      std::size_t end;
      while ((end = pending.find("\r\n\r\n")) != std::string::npos) {
        pending.erase(0, end + 4);
        if (::send(c, kResponse.data(), kResponse.size(), MSG_NOSIGNAL) < 0) break;
      }
    }
    ::close(c);
  }
  int fd_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread acceptor_;
  std::vector<std::thread> workers_;
};

struct Detached {
  struct promise_type {
    Detached get_return_object() { return {}; }
    std::suspend_never initial_suspend() noexcept { return {}; }
    std::suspend_never final_suspend() noexcept { return {}; }
    void return_void() noexcept {}
    void unhandled_exception() noexcept { std::terminate(); }
  };
};

Detached user_loop(cicada::http::UserHttpClient& client, int requests, int& remaining_users, long& failures) {
  for (int i = 0; i < requests; ++i) {
    cicada::Response r = co_await client.get("/health");
    if (r.status() != 200) ++failures;
  }
  --remaining_users;
}

double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return double(ts.tv_sec) + double(ts.tv_nsec) * 1e-9;
}

void BM_KeepAliveUsers(benchmark::State& state) {
  const int users = static_cast<int>(state.range(0));
  constexpr int kPerUserPerIteration = 50;
  TrivialServer server;
  boost::asio::io_context io;
  cicada::stats::ThreadStats stats;
  cicada::http::ClientConfig config;
  config.base_url = server.url();
  cicada::http::SharedClientState shared(io, config);
  std::vector<std::unique_ptr<cicada::http::UserHttpClient>> clients;
  for (int i = 0; i < users; ++i)
    clients.push_back(std::make_unique<cicada::http::UserHttpClient>(shared, stats));

  long failures = 0;
  double cpu = 0;
  std::int64_t requests = 0;
  for (auto _ : state) {
    int remaining = users;
    const double cpu0 = thread_cpu_seconds();
    boost::asio::post(io, [&] {
      for (auto& c : clients) user_loop(*c, kPerUserPerIteration, remaining, failures);
    });
    io.restart();
    while (remaining > 0) io.run_one();
    cpu += thread_cpu_seconds() - cpu0;
    requests += std::int64_t(users) * kPerUserPerIteration;
    (void)stats.take_delta();  // as the runner does once a second; keeps the interval small
  }
  clients.clear();
  io.restart();
  io.poll();
  state.SetItemsProcessed(requests);
  state.counters["req_per_s"] = benchmark::Counter(double(requests), benchmark::Counter::kIsRate);
  state.counters["cpu_us_per_req"] = requests ? cpu * 1e6 / double(requests) : 0;
  state.counters["failures"] = double(failures);
}
BENCHMARK(BM_KeepAliveUsers)->Arg(1)->Arg(16)->Arg(64)->UseRealTime()->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
