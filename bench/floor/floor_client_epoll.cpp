// The floor client over epoll: N keep-alive connections, each sends one request and reads its whole
// response, then sends the next (a closed loop with no think time), for a warm-up and a measured window
// (floor_client.hpp). The same client drives every server of bench/floor/run.sh.
//   bench_floor_client_epoll --port P --server-pid PID [--connections 50] [--path /health]
//                            [--body-file payload.json] [--warmup-ms 2000] [--window-ms 5000]
#include <fcntl.h>
#include <sys/epoll.h>

#include "floor_client.hpp"

using namespace floor_bench;

int main(int argc, char** argv) {
  Flags flags(argc, argv);
  const ClientOptions options(flags);
  const std::vector<int> fds = connect_all(options);
  std::vector<ResponseReader> readers(fds.size());
  const int ep = epoll_create1(0);
  if (ep < 0) die("epoll_create1");
  auto send_request = [&](int fd) {
    const ssize_t sent = write(fd, options.request.data(), options.request.size());
    if (sent != static_cast<ssize_t>(options.request.size())) die("short write of a request");
  };
  for (std::size_t i = 0; i < fds.size(); ++i) {
    if (fcntl(fds[i], F_SETFL, O_NONBLOCK) != 0) die("fcntl O_NONBLOCK");
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = i;
    if (epoll_ctl(ep, EPOLL_CTL_ADD, fds[i], &ev) != 0) die("epoll_ctl");
    send_request(fds[i]);
  }
  Meter meter(options);
  std::uint64_t responses = 0, not_ok = 0;
  epoll_event events[256];
  while (!meter.done(responses)) {
    const int ready = epoll_wait(ep, events, 256, 100);
    if (ready < 0 && errno != EINTR) die("epoll_wait");
    for (int e = 0; e < ready; ++e) {
      const std::size_t i = events[e].data.u64;
      ResponseReader& reader = readers[i];
      const ssize_t got = read(fds[i], reader.space(), reader.space_left());
      if (got < 0 && errno == EAGAIN) continue;
      if (got <= 0) die("the server closed a connection");
      const ResponseReader::Result result = reader.add(static_cast<std::size_t>(got));
      if (result == ResponseReader::Result::kPartial) continue;
      ++responses;
      if (result == ResponseReader::Result::kNotOk) ++not_ok;
      send_request(fds[i]);
    }
  }
  return meter.report(responses, not_ok);
}
