// The floor server over io_uring (IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN): a multishot
// accept, then per connection a recv; every request head read gets the fixed response (floor_common.hpp)
// by a send whose success posts no completion, and the next recv goes in with it. One submit-and-wait
// per batch of completions. Keep-alive, one thread. Runs until killed.
//   bench_floor_server_uring [--port 0] [--entries 4096]
#include <liburing.h>

#include <vector>

#include "floor_common.hpp"

using namespace floor_bench;

namespace {

constexpr std::uint64_t kAccept = ~std::uint64_t{0};

struct Connection {
  HeadCounter heads;
  char buffer[4096];
};

io_uring_sqe* next_sqe(io_uring& ring) {
  io_uring_sqe* sqe = io_uring_get_sqe(&ring);
  if (sqe == nullptr) {  // the submission queue is full: hand it to the kernel and take a fresh slot
    io_uring_submit(&ring);
    sqe = io_uring_get_sqe(&ring);
    if (sqe == nullptr) die("no submission queue entry");
  }
  return sqe;
}

void post_recv(io_uring& ring, int fd, Connection& conn) {
  io_uring_sqe* sqe = next_sqe(ring);
  io_uring_prep_recv(sqe, fd, conn.buffer, sizeof conn.buffer, 0);
  io_uring_sqe_set_data64(sqe, static_cast<std::uint64_t>(fd));
}

void post_accept(io_uring& ring, int listener) {
  io_uring_sqe* sqe = next_sqe(ring);
  io_uring_prep_multishot_accept(sqe, listener, nullptr, nullptr, 0);
  io_uring_sqe_set_data64(sqe, kAccept);
}

}  // namespace

int main(int argc, char** argv) {
  Flags flags(argc, argv);
  const int listener = listen_loopback(static_cast<int>(flags.number("port", 0)), 0);
  io_uring ring;
  io_uring_params params{};
  params.flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN;
  const int rc =
      io_uring_queue_init_params(static_cast<unsigned>(flags.number("entries", 4096)), &ring, &params);
  if (rc < 0) {
    errno = -rc;
    die("io_uring_queue_init_params (SINGLE_ISSUER | DEFER_TASKRUN needs Linux 6.1)");
  }
  std::vector<Connection> connections(4096);
  post_accept(ring, listener);
  for (;;) {
    const int waited = io_uring_submit_and_wait(&ring, 1);
    if (waited < 0 && waited != -EINTR) {
      errno = -waited;
      die("io_uring_submit_and_wait");
    }
    unsigned head = 0;
    unsigned seen = 0;
    io_uring_cqe* cqe = nullptr;
    io_uring_for_each_cqe(&ring, head, cqe) {
      ++seen;
      const std::uint64_t tag = io_uring_cqe_get_data64(cqe);
      const int res = cqe->res;
      if (tag == kAccept) {
        if (res >= 0) {
          if (static_cast<std::size_t>(res) >= connections.size()) die("descriptor beyond the table");
          set_nodelay(res);
          connections[static_cast<std::size_t>(res)].heads = HeadCounter{};
          post_recv(ring, res, connections[static_cast<std::size_t>(res)]);
        }
        if ((cqe->flags & IORING_CQE_F_MORE) == 0) post_accept(ring, listener);  // the multishot ended
        continue;
      }
      if ((tag >> 32) != 0) continue;  // a failed send (success posts nothing): its recv sees the end too
      const int fd = static_cast<int>(tag);
      if (res <= 0) {  // the client left, or the connection failed
        close(fd);
        continue;
      }
      Connection& conn = connections[static_cast<std::size_t>(fd)];
      const int requests = conn.heads.feed(conn.buffer, static_cast<std::size_t>(res));
      for (int i = 0; i < requests; ++i) {
        io_uring_sqe* sqe = next_sqe(ring);
        io_uring_prep_send(sqe, fd, kResponse.data(), kResponse.size(), MSG_WAITALL);
        sqe->flags |= IOSQE_CQE_SKIP_SUCCESS;
        io_uring_sqe_set_data64(sqe, static_cast<std::uint64_t>(fd) | (std::uint64_t{1} << 32));
      }
      post_recv(ring, fd, conn);
    }
    io_uring_cq_advance(&ring, seen);
  }
}
