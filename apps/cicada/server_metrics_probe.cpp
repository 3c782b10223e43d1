#include "server_metrics_probe.hpp"

#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>

#include "base/log.hpp"

namespace cicada::app {
namespace {

constexpr std::size_t kMaxBody = 8u << 20;  // a metrics page larger than this is not read whole
constexpr auto kScrapeTimeout = std::chrono::milliseconds(2000);

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

// Waits for `events` on fd until the deadline; false on timeout or error.
bool wait_for(int fd, short events, std::chrono::steady_clock::time_point deadline) {
  const auto left =
      std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
  if (left.count() <= 0) return false;
  pollfd p{fd, events, 0};
  return ::poll(&p, 1, static_cast<int>(left.count())) == 1 && (p.revents & (events | POLLHUP)) != 0;
}

// A chunked body decoded; nullopt when malformed.
std::optional<std::string> dechunk(std::string_view s) {
  std::string out;
  for (;;) {
    const auto eol = s.find("\r\n");
    if (eol == std::string_view::npos) return std::nullopt;
    std::size_t size = 0;
    const auto hex = s.substr(0, eol);
    for (char c : hex) {
      int d = c >= '0' && c <= '9'   ? c - '0'
              : c >= 'a' && c <= 'f' ? c - 'a' + 10
              : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                     : -1;
      if (d < 0) break;  // chunk extensions
      if (size > kMaxBody) return std::nullopt;
      size = size * 16 + static_cast<std::size_t>(d);
    }
    s.remove_prefix(eol + 2);
    if (size == 0) return out;
    if (s.size() < size + 2) return std::nullopt;
    out.append(s.substr(0, size));
    s.remove_prefix(size + 2);
  }
}

}  // namespace

Result<std::string> http_get_body(const http::Origin& origin, const std::string& target,
                                  std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (int rc = ::getaddrinfo(origin.host.c_str(), std::to_string(origin.port).c_str(), &hints, &found);
      rc != 0)
    return make_error("cannot resolve " + origin.host + ": " + gai_strerror(rc));
  std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> addresses(found, ::freeaddrinfo);
  Fd fd(::socket(found->ai_family, found->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (fd.get() < 0) return make_error(std::string("socket: ") + std::strerror(errno));
  if (::connect(fd.get(), found->ai_addr, found->ai_addrlen) != 0 && errno != EINPROGRESS)
    return make_error(std::string("connect: ") + std::strerror(errno));
  if (!wait_for(fd.get(), POLLOUT, deadline)) return make_error("connect timed out");
  int err = 0;
  socklen_t len = sizeof err;
  ::getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &err, &len);
  if (err != 0) return make_error(std::string("connect: ") + std::strerror(err));
  std::string host;
  http::append_host_header_value(host, origin);
  const std::string request =
      "GET " + target + " HTTP/1.0\r\nHost: " + host +
      "\r\nAccept: text/plain\r\nConnection: close\r\nUser-Agent: cicada-capacity\r\n\r\n";
  std::size_t sent = 0;
  while (sent < request.size()) {
    if (!wait_for(fd.get(), POLLOUT, deadline)) return make_error("send timed out");
    const auto n = ::send(fd.get(), request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno != EAGAIN) return make_error(std::string("send: ") + std::strerror(errno));
    if (n > 0) sent += static_cast<std::size_t>(n);
  }
  std::string response;
  char buf[16384];
  for (;;) {
    if (!wait_for(fd.get(), POLLIN, deadline)) return make_error("response timed out");
    const auto n = ::recv(fd.get(), buf, sizeof buf, 0);
    if (n == 0) break;
    if (n < 0) {
      if (errno == EAGAIN) continue;
      return make_error(std::string("recv: ") + std::strerror(errno));
    }
    response.append(buf, static_cast<std::size_t>(n));
    if (response.size() > kMaxBody) return make_error("response larger than 8 MiB");
  }
  const auto head_end = response.find("\r\n\r\n");
  if (head_end == std::string::npos || !response.starts_with("HTTP/1."))
    return make_error("not an HTTP response");
  const std::string_view head(response.data(), head_end);
  const auto space = head.find(' ');
  if (space == std::string_view::npos || head.substr(space + 1, 3) != "200")
    return make_error("answered " + std::string(head.substr(0, head.find('\r'))));
  std::string body = response.substr(head_end + 4);
  std::string lower(head);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower.find("transfer-encoding: chunked") != std::string::npos) {
    auto decoded = dechunk(body);
    if (!decoded) return make_error("malformed chunked body");
    return *decoded;
  }
  return body;
}

Result<std::unique_ptr<ServerMetricsProbe>> ServerMetricsProbe::start(const std::string& url) {
  std::unique_ptr<ServerMetricsProbe> probe(new ServerMetricsProbe());
  std::string_view target;
  if (!http::parse_absolute_url(url, probe->origin_, target) || probe->origin_.tls)
    return make_error("expected an http:// URL, got '" + url + "'");
  probe->target_ = std::string(target);
  auto first = probe->scrape();
  if (!first) return make_error(url + ": " + first.error().message);
  if (first->samples.empty()) return make_error(url + ": no Prometheus samples in the response");
  probe->latest_ =
      std::make_shared<const Scrape>(Scrape{std::move(*first), std::chrono::steady_clock::now(), 1});
  probe->used_ = probe->latest_;
  probe->thread_ = std::thread([p = probe.get()] { p->loop(); });
  return probe;
}

ServerMetricsProbe::~ServerMetricsProbe() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();  // at most one scrape's timeout
}

void ServerMetricsProbe::loop() {
  constexpr auto kEvery = std::chrono::milliseconds(500);
  bool warned = false;
  std::uint64_t serial = 1;
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    lock.unlock();
    auto next = scrape();
    const auto at = std::chrono::steady_clock::now();
    lock.lock();
    if (next) {
      latest_ = std::make_shared<const Scrape>(Scrape{std::move(*next), at, ++serial});
    } else if (!warned) {
      warned = true;
      log::warning("--server-metrics: {} (windows without a fresh scrape have no server figures)",
                   next.error().message);
    }
    cv_.wait_until(lock, at + kEvery, [&] { return stopping_; });
  }
}

Result<report::PromScrape> ServerMetricsProbe::scrape() const {
  auto body = http_get_body(origin_, target_, kScrapeTimeout);
  if (!body) return body.error();
  return report::parse_prometheus_text(*body);
}

runner::ServerFigures ServerMetricsProbe::sample() {
  std::shared_ptr<const Scrape> now;
  {
    std::lock_guard lock(mutex_);
    now = latest_;
  }
  if (now->serial == used_->serial) return {};
  auto out = report::server_figures(used_->data, now->data,
                                    std::chrono::duration<double>(now->at - used_->at).count());
  used_ = std::move(now);
  return out;
}

}  // namespace cicada::app
