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
}

void ReactorPool::start() {
  const unsigned cores = std::thread::hardware_concurrency();
  for (std::size_t i = 0; i < loops_.size(); ++i) {
    Loop& loop = *loops_[i];
    loop.thread = std::thread([&loop] { loop.ctx.run(); });
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
    if (loop->thread.joinable()) loop->thread.join();
  }
}

}  // namespace cicada::reactor
