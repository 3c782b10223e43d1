#pragma once
// UserSlot: one simulated user and the coroutine that drives it (Locust's User.run):
// on_start, then pick a task by weight, run it, wait wait_time, until asked to stop; then on_stop.
#include <cstdint>
#include <memory>
#include <string>

#include "cicada/user.hpp"
#include "reactor/sleeper.hpp"
#include "runner/user_instance.hpp"
#include "runner/user_mix.hpp"

namespace cicada::runner {

struct Shard;

class UserSlot {
 public:
  UserSlot(Shard& shard, const UserType& type, const TaskPicker& picker, std::uint64_t id,
           std::uint64_t seed);
  ~UserSlot();

  // Both run on the shard's thread.
  void start();
  // The user finishes its current task (or wakes from its wait at once), runs on_stop and ends.
  void request_stop();
  // The user stops now (the run ended, or the stop timeout passed): its task is interrupted where it waits
  // (cicada::UserKilled), then on_stop runs.
  void kill();

  bool finished() const { return finished_; }
  std::uint64_t id() const { return id_; }

 private:
  Task<> run();

  Shard& shard_;
  const UserType& type_;
  const TaskPicker& picker_;
  std::uint64_t id_;
  UserInstance self_;
  reactor::Sleeper sleeper_;
  bool stop_requested_ = false;
  bool finished_ = false;
  Task<> main_;  // declared last: destroyed first, while the client it may reference still exists
};

}  // namespace cicada::runner
