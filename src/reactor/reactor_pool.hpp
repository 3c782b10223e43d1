#pragma once
// ReactorPool: one event loop (boost::asio::io_context) per thread, share-nothing.
//
// A user lives on exactly one loop for its whole life, so everything it touches (its HTTP client, its
// thread's stats) is single-threaded and lock-free. Work crosses threads only by post().
#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <cstddef>
#include <functional>
#include <memory>
#include <thread>
#include <vector>

namespace cicada::reactor {

class ReactorPool {
 public:
  // threads: number of event loops; pin: bind loop i to CPU (i mod cores) to keep caches warm.
  explicit ReactorPool(std::size_t threads, bool pin = false);
  ~ReactorPool();
  ReactorPool(const ReactorPool&) = delete;
  ReactorPool& operator=(const ReactorPool&) = delete;

  std::size_t size() const { return loops_.size(); }
  boost::asio::io_context& context(std::size_t i) { return loops_[i]->ctx; }

  // Runs fn on loop i (FIFO with respect to other posts to the same loop).
  template <class Fn>
  void post(std::size_t i, Fn&& fn) {
    boost::asio::post(loops_[i]->ctx, std::forward<Fn>(fn));
  }

  void start();
  // Stops every loop at once: handlers not yet run are dropped (used for the final, forced stop).
  void stop();
  void join();  // every loop but the abandoned ones
  // Loop i's thread has returned from its loop (after stop()).
  bool finished(std::size_t i) const { return loops_[i]->finished.load(std::memory_order_acquire); }
  unsigned long native_thread(std::size_t i) {
    return static_cast<unsigned long>(loops_[i]->thread.native_handle());
  }
  // Loop i's thread will never come back (it is held by scenario code for good): it is detached, and the
  // loop is never destroyed, since that thread may still be inside it.
  void abandon(std::size_t i);

 private:
  struct Loop {
    boost::asio::io_context ctx{1};  // concurrency hint 1: only this loop's thread runs it
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard{ctx.get_executor()};
    std::thread thread;
    std::atomic<bool> finished{false};
    bool abandoned = false;
  };
  std::vector<std::unique_ptr<Loop>> loops_;
  bool pin_;
};

}  // namespace cicada::reactor
