#include "reactor/reactor_pool.hpp"

#include <pthread.h>
#include <sched.h>

namespace cicada::reactor {

ReactorPool::ReactorPool(std::size_t threads, bool pin) : pin_(pin) {
  if (threads == 0) threads = 1;
  for (std::size_t i = 0; i < threads; ++i) loops_.push_back(std::make_unique<Loop>());
}

ReactorPool::~ReactorPool() {
  stop();
  join();
  for (auto& loop : loops_)
    if (loop->abandoned) (void)loop.release();  // its thread may still be inside it
}

void ReactorPool::start() {
  const unsigned cores = std::thread::hardware_concurrency();
  for (std::size_t i = 0; i < loops_.size(); ++i) {
    Loop& loop = *loops_[i];
    loop.thread = std::thread([&loop] {
      loop.ctx.run();
      loop.finished.store(true, std::memory_order_release);
    });
    if (pin_ && cores > 0) {
      cpu_set_t set;
      CPU_ZERO(&set);
      CPU_SET(i % cores, &set);
      pthread_setaffinity_np(loop.thread.native_handle(), sizeof(set), &set);
    }
  }
}

void ReactorPool::stop() {
  for (auto& loop : loops_) {
    loop->guard.reset();
    loop->ctx.stop();
  }
}

void ReactorPool::join() {
  for (auto& loop : loops_) {
    if (!loop->abandoned && loop->thread.joinable()) loop->thread.join();
  }
}

void ReactorPool::abandon(std::size_t i) {
  Loop& loop = *loops_[i];
  loop.abandoned = true;
  if (loop.thread.joinable()) loop.thread.detach();
}

}  // namespace cicada::reactor
