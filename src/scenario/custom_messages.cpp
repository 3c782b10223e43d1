#include "scenario/custom_messages.hpp"

#include "base/log.hpp"

namespace cicada::scenario {

namespace {
std::size_t size_of(const CustomMessage& m) { return m.type.size() + m.data.size() + m.node.size(); }
}  // namespace

bool CustomMessages::Queue::push(CustomMessage&& message, const char* which) {
  const std::size_t size = size_of(message);
  if (messages.size() >= kMaxQueued || bytes + size > kMaxQueuedBytes) {
    if (dropped++ == 0)
      log::warning(
          "custom message '{}' ({} bytes) dropped: {} {} custom messages ({} bytes) are waiting "
          "already (logged once)",
          message.type, size, messages.size(), which, bytes);
    return false;
  }
  bytes += size;
  messages.push_back(std::move(message));
  return true;
}

std::optional<CustomMessage> CustomMessages::Queue::pop() {
  if (messages.empty()) return std::nullopt;
  CustomMessage m = std::move(messages.front());
  messages.pop_front();
  bytes -= size_of(m);
  return m;
}

bool CustomMessages::deliver(CustomMessage message) {
  bool queued = false;
  {
    std::lock_guard lock(mutex_);
    queued = arrived_.push(std::move(message), "arrived");
  }
  if (queued) cv_.notify_all();
  return queued;
}

bool CustomMessages::wait_deliverable(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return cv_.wait_for(lock, timeout, [&] { return !held_ && !arrived_.messages.empty(); });
}

std::optional<CustomMessage> CustomMessages::take_arrival(bool even_held) {
  std::lock_guard lock(mutex_);
  if (held_ && !even_held) return std::nullopt;
  return arrived_.pop();
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
  return sent_.push(std::move(message), "unsent");
}

std::vector<CustomMessage> CustomMessages::take_sent() {
  std::lock_guard lock(mutex_);
  std::vector<CustomMessage> out;
  while (auto m = sent_.pop()) out.push_back(std::move(*m));
  return out;
}

std::size_t CustomMessages::dropped() const {
  std::lock_guard lock(mutex_);
  return arrived_.dropped + sent_.dropped;
}

}  // namespace cicada::scenario
