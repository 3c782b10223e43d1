#pragma once
// IterationSlot: one concurrent iteration of the open model (arrival-rate load). It is a user of one user
// type (own client, cookies, PRNG; on_start once, on_stop at the end) that, instead of looping on its
// own, waits to be given a scheduled start, runs one task picked by weight, and reports back.
//
// Every request of the iteration is measured from when it was due (docs/metrics.md): the first from the
// scheduled start, not from when a slot became free; each later one from the end of the response before
// it, so time the event loop took to resume the task counts too.
#include <coroutine>
#include <cstdint>
#include <memory>

#include "base/clock.hpp"
#include "cicada/user.hpp"
#include "runner/user_instance.hpp"
#include "runner/user_mix.hpp"

namespace cicada::runner {

struct Shard;
class ArrivalExecutor;

class IterationSlot {
 public:
  IterationSlot(ArrivalExecutor& owner, Shard& shard, const UserType& type, std::size_t type_index,
                const TaskPicker& picker, std::uint64_t id, std::uint64_t seed);
  ~IterationSlot();

  // All on the shard's thread. start() runs on_start and parks the slot waiting for work.
  void start();
  // Runs one iteration due at `due` (resumes the slot at once if it is parked).
  void assign(MonoTime due);
  // Ends the slot after its current iteration (at once if parked), running on_stop.
  void request_stop();
  // Ends the slot now: its iteration is interrupted where it waits (cicada::UserKilled), then on_stop runs.
  void kill();

  std::size_t type_index() const { return type_index_; }
  bool finished() const { return finished_; }

 private:
  struct WorkAwaiter {
    IterationSlot& self;
    bool await_ready() const noexcept { return self.has_work_ || self.stop_requested_; }
    void await_suspend(std::coroutine_handle<> h) noexcept { self.parked_ = h; }
    void await_resume() const noexcept {}
  };
  Task<> run();

  ArrivalExecutor& owner_;
  Shard& shard_;
  const UserType& type_;
  std::size_t type_index_;
  const TaskPicker& picker_;
  UserInstance self_;
  std::coroutine_handle<> parked_;
  MonoTime due_{};
  bool has_work_ = false;
  bool stop_requested_ = false;
  bool finished_ = false;
  Task<> main_;  // declared last: destroyed first, while the client it may reference still exists
};

}  // namespace cicada::runner
