#include "runner/user_slot.hpp"

#include <algorithm>
#include <boost/asio/post.hpp>
#include <chrono>

#include "base/clock.hpp"
#include "runner/arrival_executor.hpp"
#include "runner/scenario_exception.hpp"
#include "runner/shard.hpp"

namespace cicada::runner {

Shard::Shard(boost::asio::io_context& context, const http::ClientConfig& config,
             const std::vector<std::pair<const UserType*, http::ClientConfig>>& type_configs)
    : ctx(context), client_state(context, config) {
  for (const auto& [type, type_config] : type_configs)
    type_client_states.emplace_back(type, std::make_unique<http::SharedClientState>(context, type_config));
}
Shard::~Shard() = default;

http::SharedClientState& Shard::client_state_for(const UserType& type) {
  for (auto& [t, state] : type_client_states)
    if (t == &type) return *state;
  return client_state;
}

void Shard::free_finished_users() {
  std::erase_if(users, [](const std::unique_ptr<UserSlot>& user) { return user->finished(); });
}

UserSlot::UserSlot(Shard& shard, const UserType& type, const TaskPicker& picker, std::uint64_t id,
                   std::uint64_t seed)
    : shard_(shard),
      type_(type),
      picker_(picker),
      id_(id),
      self_(shard, type, id, seed),
      sleeper_(shard.ctx) {}

UserSlot::~UserSlot() = default;

void UserSlot::start() {
  shard_.running.fetch_add(1, std::memory_order_relaxed);
  main_ = run();
  main_.handle().resume();
}

void UserSlot::request_stop() {
  stop_requested_ = true;
  sleeper_.cancel();
}

void UserSlot::kill() {
  if (finished_) return;
  self_.kill();    // the request in flight is cut; the task unwinds, then on_stop runs
  request_stop();  // wakes a user waiting between tasks
}

Task<> UserSlot::run() {
  co_await self_.on_start();
  // Back-to-back tasks without a wait still let the loop's other users run (see YieldAwaiter).
  while (!stop_requested_) {
    const TaskSpec& task = type_.tasks[picker_.pick(self_.rng())];
    const MonoTime started = mono_now();
    try {
      co_await task.fn(self_.user());
    } catch (const UserKilled&) {
      break;
    } catch (...) {
      record_current_exception(shard_.stats, type_.name, task.name);
    }
    if (stop_requested_) break;
    const double task_seconds = std::chrono::duration<double>(mono_now() - started).count();
    const double wait_seconds = type_.wait_time.next(self_.rng(), task_seconds);
    if (wait_seconds > 0) {
      co_await sleeper_.sleep(
          std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::duration<double>(wait_seconds)));
    } else {
      co_await reactor::YieldAwaiter{shard_.ctx};
    }
  }
  co_await self_.on_stop();
  finished_ = true;
  shard_.running.fetch_sub(1, std::memory_order_relaxed);
  // Freed by the loop once this coroutine has suspended for good, and its client and connections with
  // it: a lower user target closes connections (going 30 -> 0 -> 30 -> 0 users leaves none open).
  boost::asio::post(shard_.ctx, [&shard = shard_] { shard.free_finished_users(); });
}

}  // namespace cicada::runner
