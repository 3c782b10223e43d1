// g++ 12 at -O2 reports a false "potential null pointer dereference" in Asio's scheduler
// (scheduler.ipp:325) once inlined, as in http/client/connection.cpp: off for this file only.
#pragma GCC diagnostic ignored "-Wnull-dereference"

#include "reactor/uring_ring.hpp"

#include <sys/socket.h>

#include <array>
#include <boost/asio/post.hpp>
#include <cstring>
#include <stdexcept>

#include "base/log.hpp"

namespace cicada::reactor {

namespace {
// Sizes: a loop with 10,000 users may have a send and a receive in flight for each; a full submission
// queue is submitted early (next_sqe), and completions past the completion queue wait in the kernel
// (IORING_FEAT_NODROP) until the loop takes them.
constexpr unsigned kSubmissionEntries = 2048;
constexpr unsigned kCompletionEntries = 8192;
constexpr std::uintptr_t kTagMask = 7;
// Rounds of "take completions, submit" per pump: each round's sends usually complete inside its submit,
// so a second round takes their completions without another trip through epoll.
constexpr int kPumpRounds = 4;
// Memory for the one handler of a kind a ring has queued at a time (its wait, its posted pump). Asio
// 1.74 recycles one block per thread for all handlers, so with the wait and a pump queued together one
// of them would allocate every time: each gets a slot of its own instead (steady state allocates
// nothing, tests/integration/http_client/zero_alloc_test.cpp). Larger or concurrent requests fall back
// to the heap.
struct HandlerSlot {
  alignas(std::max_align_t) unsigned char bytes[256];
  bool used = false;
};

template <class T>
struct SlotAllocator {
  using value_type = T;
  HandlerSlot* slot;
  explicit SlotAllocator(HandlerSlot* s) noexcept : slot(s) {}
  template <class U>
  SlotAllocator(const SlotAllocator<U>& other) noexcept : slot(other.slot) {}
  T* allocate(std::size_t n) {
    if (!slot->used && n * sizeof(T) <= sizeof slot->bytes) {
      slot->used = true;
      return reinterpret_cast<T*>(slot->bytes);
    }
    return static_cast<T*>(::operator new(n * sizeof(T)));
  }
  void deallocate(T* p, std::size_t) noexcept {
    if (reinterpret_cast<unsigned char*>(p) == slot->bytes)
      slot->used = false;
    else
      ::operator delete(p);
  }
  template <class U>
  bool operator==(const SlotAllocator<U>& other) const noexcept {
    return slot == other.slot;
  }
};
}  // namespace

struct UringRing::Token {
  UringRing* ring;
  HandlerSlot wait_memory;
  HandlerSlot pump_memory;
};

namespace {
// A handler of the ring's: holds the token (not the ring), allocates from its slot.
template <class Fn>
struct TokenHandler {
  std::shared_ptr<UringRing::Token> token;
  HandlerSlot* slot;
  Fn fn;
  using allocator_type = SlotAllocator<void>;
  allocator_type get_allocator() const noexcept { return allocator_type(slot); }
  template <class... Args>
  void operator()(Args&&... args) {
    fn(token->ring, std::forward<Args>(args)...);
  }
};
template <class Fn>
TokenHandler<Fn> token_handler(const std::shared_ptr<UringRing::Token>& token, HandlerSlot& slot, Fn fn) {
  return TokenHandler<Fn>{token, &slot, std::move(fn)};
}
}  // namespace

UringRing::UringRing(boost::asio::io_context& io)
    : io_(io), wait_(io), self_(std::make_shared<Token>(Token{this, {}, {}})) {}

std::unique_ptr<UringRing> UringRing::create(boost::asio::io_context& io, std::string& why) {
  std::unique_ptr<UringRing> r(new UringRing(io));
  io_uring_params params{};
  params.flags =
      IORING_SETUP_COOP_TASKRUN | IORING_SETUP_TASKRUN_FLAG | IORING_SETUP_SUBMIT_ALL | IORING_SETUP_CQSIZE;
  params.cq_entries = kCompletionEntries;
  if (const int rc = io_uring_queue_init_params(kSubmissionEntries, &r->ring_, &params); rc < 0) {
    why = std::string("io_uring_setup: ") + std::strerror(-rc);
    return nullptr;
  }
  r->ring_made_ = true;
  boost::system::error_code ec;
  r->wait_.assign(r->ring_.ring_fd, ec);
  if (ec) {
    why = "registering the ring with the event loop: " + ec.message();
    return nullptr;
  }
  return r;
}

UringRing::~UringRing() {
  self_->ring = nullptr;  // handlers still queued on the loop find no ring
  boost::system::error_code ignored;
  if (wait_.is_open()) {
    wait_.cancel(ignored);  // its handler sees operation_aborted and does not touch the ring
    (void)wait_.release();  // the ring's descriptor is liburing's to close
  }
  if (!ring_made_) return;
  // Operations still in flight (the loop stopped under them): cancel them and hand each completion to
  // its target, so that the references they hold are dropped. Their targets are detached by now.
  if (in_flight_ > 0) {
    io_uring_sqe* cancel = next_sqe();
    io_uring_prep_cancel64(cancel, 0, IORING_ASYNC_CANCEL_ANY);
    io_uring_sqe_set_data64(cancel, 0);
    io_uring_submit(&ring_);
    for (int tries = 0; in_flight_ > 0 && tries < 20; ++tries) {
      __kernel_timespec limit{0, 100'000'000};
      io_uring_cqe* cqe = nullptr;
      (void)io_uring_wait_cqe_timeout(&ring_, &cqe, &limit);
      deliver_completions();
    }
    if (in_flight_ > 0) log::warning("io_uring: {} operations never completed at shutdown", in_flight_);
  }
  io_uring_queue_exit(&ring_);
}

io_uring_sqe* UringRing::next_sqe() {
  io_uring_sqe* sqe = io_uring_get_sqe(&ring_);
  if (sqe != nullptr) return sqe;
  io_uring_submit(&ring_);  // a full queue goes to the kernel now, making room
  sqe = io_uring_get_sqe(&ring_);
  if (sqe == nullptr) throw std::runtime_error("io_uring: the submission queue stays full");
  return sqe;
}

void UringRing::send(int fd, const void* data, std::size_t size, UringTarget* target, unsigned tag) {
  io_uring_sqe* sqe = next_sqe();
  // MSG_WAITALL: the kernel continues a short send itself; MSG_NOSIGNAL: a closed peer is an EPIPE
  // result, not a signal.
  io_uring_prep_send(sqe, fd, data, size, MSG_WAITALL | MSG_NOSIGNAL);
  queued(sqe, target, tag);
}

void UringRing::recv(int fd, void* data, std::size_t size, UringTarget* target, unsigned tag, int flags,
                     bool poll_first) {
  io_uring_sqe* sqe = next_sqe();
  io_uring_prep_recv(sqe, fd, data, size, flags);
  // Linux 5.19, as COOP_TASKRUN: a kernel without it refuses the ring in create(), never this flag.
  if (poll_first) sqe->ioprio |= IORING_RECVSEND_POLL_FIRST;
  queued(sqe, target, tag);
}

void UringRing::queued(io_uring_sqe* sqe, UringTarget* target, unsigned tag) {
  io_uring_sqe_set_data64(sqe, reinterpret_cast<std::uintptr_t>(target) | (tag & kTagMask));
  ++in_flight_;
  ++operations_;
  if (!in_pump_) post_pump();  // else the running pump submits it
}

void UringRing::post_pump() {
  if (pump_posted_) return;
  pump_posted_ = true;
  boost::asio::post(io_, token_handler(self_, self_->pump_memory, [](UringRing* ring) {
                      if (ring == nullptr) return;  // the ring is gone
                      ring->pump_posted_ = false;
                      ring->pump();
                    }));
}

void UringRing::pump() {
  in_pump_ = true;
  for (int round = 0; round < kPumpRounds; ++round) {
    deliver_completions();
    if (io_uring_sq_ready(&ring_) == 0) break;
    // An error (EBUSY while the kernel holds overflowed completions, EINTR) leaves the entries queued;
    // the completions in flight bring the loop back here to submit them again.
    (void)io_uring_submit(&ring_);
    if (io_uring_cq_ready(&ring_) == 0) break;
  }
  in_pump_ = false;
  // Completions left after the last round raised their edge on the ring's descriptor already, maybe
  // while no wait was armed (Asio's epoll is edge-triggered): they are taken by another pass, not left
  // for an edge that may not come.
  if (io_uring_cq_ready(&ring_) > 0) post_pump();
  update_wait();
}

void UringRing::deliver_completions() {
  // Copied out first, so the completion queue is free again before any target runs (a target resumes a
  // coroutine, which queues its next operation).
  std::array<io_uring_cqe*, 64> batch{};
  struct Done {
    std::uint64_t data;
    int res;
  };
  std::array<Done, 64> done{};
  for (;;) {
    const unsigned n = io_uring_peek_batch_cqe(&ring_, batch.data(), batch.size());
    for (unsigned i = 0; i < n; ++i) done[i] = Done{batch[i]->user_data, batch[i]->res};
    io_uring_cq_advance(&ring_, n);
    for (unsigned i = 0; i < n; ++i) {
      if (done[i].data == 0) continue;  // the shutdown's cancel request
      --in_flight_;
      auto* target = reinterpret_cast<UringTarget*>(done[i].data & ~kTagMask);
      target->on_uring_completion(static_cast<unsigned>(done[i].data & kTagMask), done[i].res);
    }
    if (n < batch.size()) return;
  }
}

void UringRing::update_wait() {
  if (in_flight_ > 0 && !wait_armed_) {
    wait_armed_ = true;
    wait_.async_wait(
        boost::asio::posix::stream_descriptor::wait_read,
        token_handler(self_, self_->wait_memory, [](UringRing* ring, const boost::system::error_code& ec) {
          if (ec || ring == nullptr) return;  // cancelled, or the ring is gone
          ring->wait_armed_ = false;
          ring->pump();
        }));
  } else if (in_flight_ == 0 && wait_armed_) {
    wait_armed_ = false;
    boost::system::error_code ignored;
    wait_.cancel(ignored);
  }
}

}  // namespace cicada::reactor
