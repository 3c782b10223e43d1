#include "runner/iteration_slot.hpp"

#include <string>
#include <utility>

#include "runner/arrival_executor.hpp"
#include "runner/scenario_exception.hpp"
#include "runner/shard.hpp"

namespace cicada::runner {

IterationSlot::IterationSlot(ArrivalExecutor& owner, Shard& shard, const UserType& type,
                             std::size_t type_index, const TaskPicker& picker, std::uint64_t id,
                             std::uint64_t seed)
    : owner_(owner),
      shard_(shard),
      type_(type),
      type_index_(type_index),
      picker_(picker),
      self_(shard, type, id, seed) {}

IterationSlot::~IterationSlot() = default;

void IterationSlot::start() {
  shard_.running.fetch_add(1, std::memory_order_relaxed);
  main_ = run();
  main_.handle().resume();
}

void IterationSlot::assign(MonoTime due) {
  due_ = due;
  has_work_ = true;
  if (parked_) std::exchange(parked_, {}).resume();
}

void IterationSlot::request_stop() {
  stop_requested_ = true;
  if (parked_) std::exchange(parked_, {}).resume();
}

void IterationSlot::kill() {
  if (finished_) return;
  self_.kill();  // first: a parked slot runs on_stop inside request_stop(), which the kill must not cut
  request_stop();
}

Task<> IterationSlot::run() {
  co_await self_.on_start();
  for (;;) {
    co_await WorkAwaiter{*this};
    if (!has_work_) break;  // stop requested while parked
    has_work_ = false;
    const TaskSpec& task = type_.tasks[picker_.pick(self_.rng())];
    self_.client().begin_due_chain(due_);
    try {
      co_await task.fn(self_.user());
    } catch (const UserKilled&) {
      // Its request in flight was counted as unanswered; the iteration ends here.
    } catch (...) {
      record_current_exception(shard_.stats, type_.name, task.name);
    }
    self_.client().end_due_chain();  // on_stop's requests, and the next iteration's wait, are not on schedule
    // May hand this slot the oldest waiting iteration at once (has_work_ set again: no suspension);
    // a stopping executor hands out nothing.
    owner_.iteration_done(*this);
    if (stop_requested_) break;
  }
  co_await self_.on_stop();
  finished_ = true;
  shard_.running.fetch_sub(1, std::memory_order_relaxed);
}

}  // namespace cicada::runner
