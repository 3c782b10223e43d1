#include "http/server/stream_channel.hpp"

#include <utility>

namespace cicada::http {

StreamChannel::StreamChannel(std::size_t max_pending_bytes, std::function<void()> wake)
    : max_pending_(max_pending_bytes), wake_(std::move(wake)) {}

bool StreamChannel::write(std::string_view bytes) {
  std::lock_guard lock(mutex_);
  if (closed_) return false;
  if (pending_.size() + bytes.size() > max_pending_) {
    // The reader is too slow: end the stream after what is queued rather than buffer without bound.
    closed_ = true;
    cut_ = true;
  } else {
    pending_.append(bytes);
  }
  if (wake_armed_) {
    wake_armed_ = false;
    wake_();
  }
  return !closed_;
}

void StreamChannel::close() {
  std::lock_guard lock(mutex_);
  if (closed_) return;
  closed_ = true;
  if (wake_armed_) {
    wake_armed_ = false;
    wake_();
  }
}

bool StreamChannel::is_open() const {
  std::lock_guard lock(mutex_);
  return !closed_;
}

bool StreamChannel::take(std::string& out) {
  std::lock_guard lock(mutex_);
  out.clear();
  out.swap(pending_);
  wake_armed_ = true;
  if (closed_ && out.empty()) drained_ = true;
  return !out.empty();
}

void StreamChannel::mark_closed() {
  std::lock_guard lock(mutex_);
  if (!drained_) cut_ = true;  // something the owner wrote, or its close(), was never taken
  closed_ = true;
  drained_ = true;
  pending_.clear();
}

bool StreamChannel::finished() const {
  std::lock_guard lock(mutex_);
  return drained_;
}

bool StreamChannel::completed() const {
  std::lock_guard lock(mutex_);
  return drained_ && !cut_;
}

}  // namespace cicada::http
