// The floor client over io_uring (IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN): per
// connection a send whose success posts no completion and a recv, one submit-and-wait per batch of
// completions; otherwise as floor_client_epoll.cpp (same flags, same result line).
#include <liburing.h>

#include "floor_client.hpp"

using namespace floor_bench;

int main(int argc, char** argv) {
  Flags flags(argc, argv);
  const ClientOptions options(flags);
  const std::vector<int> fds = connect_all(options);
  std::vector<ResponseReader> readers(fds.size());
  io_uring ring;
  io_uring_params params{};
  params.flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN;
  const unsigned entries = static_cast<unsigned>(2 * fds.size() + 8);
  if (const int rc = io_uring_queue_init_params(entries, &ring, &params); rc < 0) {
    errno = -rc;
    die("io_uring_queue_init_params (SINGLE_ISSUER | DEFER_TASKRUN needs Linux 6.1)");
  }
  auto sqe = [&] {
    io_uring_sqe* s = io_uring_get_sqe(&ring);
    if (s == nullptr) die("no submission queue entry");  // at most one send and one recv per connection
    return s;
  };
  auto post_recv = [&](std::size_t i) {
    io_uring_sqe* s = sqe();
    io_uring_prep_recv(s, fds[i], readers[i].space(), readers[i].space_left(), 0);
    io_uring_sqe_set_data64(s, i);
  };
  auto send_request = [&](std::size_t i) {
    io_uring_sqe* s = sqe();
    io_uring_prep_send(s, fds[i], options.request.data(), options.request.size(), MSG_WAITALL);
    s->flags |= IOSQE_CQE_SKIP_SUCCESS;
    io_uring_sqe_set_data64(s, i | (std::uint64_t{1} << 32));
    post_recv(i);
  };
  for (std::size_t i = 0; i < fds.size(); ++i) send_request(i);
  Meter meter(options);
  std::uint64_t responses = 0, not_ok = 0;
  __kernel_timespec wait_limit{0, 100'000'000};
  while (!meter.done(responses)) {
    io_uring_cqe* first = nullptr;
    const int rc = io_uring_submit_and_wait_timeout(&ring, &first, 1, &wait_limit, nullptr);
    if (rc < 0 && rc != -ETIME && rc != -EINTR) {
      errno = -rc;
      die("io_uring_submit_and_wait_timeout");
    }
    unsigned head = 0, seen = 0;
    io_uring_cqe* cqe = nullptr;
    io_uring_for_each_cqe(&ring, head, cqe) {
      ++seen;
      const std::uint64_t tag = io_uring_cqe_get_data64(cqe);
      if ((tag >> 32) != 0 || cqe->res <= 0) {
        errno = cqe->res < 0 ? -cqe->res : 0;
        die((tag >> 32) != 0 ? "a send failed" : "the server closed a connection");
      }
      const std::size_t i = tag;
      const ResponseReader::Result result = readers[i].add(static_cast<std::size_t>(cqe->res));
      if (result == ResponseReader::Result::kPartial) {
        post_recv(i);
        continue;
      }
      ++responses;
      if (result == ResponseReader::Result::kNotOk) ++not_ok;
      send_request(i);
    }
    io_uring_cq_advance(&ring, seen);
  }
  return meter.report(responses, not_ok);
}
