#include "scenario/custom_messages.hpp"

#include "base/log.hpp"

namespace cicada::scenario {

namespace {
bool push(std::deque<CustomMessage>& queue, CustomMessage&& message, std::size_t& dropped,
          const char* which) {
  if (queue.size() >= CustomMessages::kMaxQueued) {
    if (dropped++ == 0)
      log::warning("custom message '{}' dropped: {} {} custom messages are waiting already (logged once)",
                   message.type, CustomMessages::kMaxQueued, which);
    return false;
  }
  queue.push_back(std::move(message));
  return true;
}
}  // namespace

bool CustomMessages::deliver(CustomMessage message) {
  bool queued = false;
  {
    std::lock_guard lock(mutex_);
    queued = push(arrived_, std::move(message), dropped_, "arrived");
  }
  if (queued) cv_.notify_all();
  return queued;
}

bool CustomMessages::wait_deliverable(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  cv_.wait_for(lock, timeout, [&] { return closed_ || (!held_ && !arrived_.empty()); });
  return !closed_ && !held_ && !arrived_.empty();
}

std::optional<CustomMessage> CustomMessages::take_arrival(bool even_held) {
  std::lock_guard lock(mutex_);
  if (arrived_.empty() || (held_ && !even_held)) return std::nullopt;
  CustomMessage m = std::move(arrived_.front());
  arrived_.pop_front();
  return m;
}

void CustomMessages::hold() {
  std::lock_guard lock(mutex_);
  held_ = true;
}

void CustomMessages::release() {
  {
    std::lock_guard lock(mutex_);
    held_ = false;
  }
  cv_.notify_all();
}

bool CustomMessages::send(CustomMessage message) {
  std::lock_guard lock(mutex_);
  return push(sent_, std::move(message), dropped_, "unsent");
}

std::vector<CustomMessage> CustomMessages::take_sent() {
  std::lock_guard lock(mutex_);
  std::vector<CustomMessage> out(std::make_move_iterator(sent_.begin()),
                                 std::make_move_iterator(sent_.end()));
  sent_.clear();
  return out;
}

bool CustomMessages::has_sent() const {
  std::lock_guard lock(mutex_);
  return !sent_.empty();
}

void CustomMessages::close() {
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
  }
  cv_.notify_all();
}

std::size_t CustomMessages::dropped() const {
  std::lock_guard lock(mutex_);
  return dropped_;
}

}  // namespace cicada::scenario
