#pragma once
// StreamChannel: the thread-safe half of a streaming response. Any thread queues bytes; the connection's
// worker thread takes them and writes them. Kept free of Asio so it compiles fast and is testable alone;
// http_server.cpp supplies the two callbacks that wake the worker.
#include <cstddef>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>

#include "http/server/server_types.hpp"

namespace cicada::http {

class StreamChannel final : public ResponseStream {
 public:
  // wake: asks the worker to call take() soon. Called with the channel's lock held, and never after the
  // channel closed, so it may post to a loop that only lives as long as the open connection.
  StreamChannel(std::size_t max_pending_bytes, std::function<void()> wake);

  bool write(std::string_view bytes) override;
  void close() override;
  bool is_open() const override;

  // Worker side. Moves the queued bytes into out (replacing its content) and re-arms the wake-up.
  // Returns false when there is nothing to write.
  bool take(std::string& out);
  // The client left or the server stops: later writes fail at once.
  void mark_closed();
  // close() was called (or the channel overflowed) and take() returned everything queued before.
  bool finished() const;
  // Finished because the owner called close(), not because the channel overflowed or was marked closed:
  // the body is whole.
  bool completed() const;

 private:
  mutable std::mutex mutex_;
  std::size_t max_pending_;
  std::function<void()> wake_;
  std::string pending_;
  bool wake_armed_ = true;  // true: the next write must wake the worker
  bool closed_ = false;     // no more writes accepted
  bool drained_ = false;    // closed and everything taken
  bool cut_ = false;        // ended by an overflow, or by mark_closed() before the owner's end was taken
};

}  // namespace cicada::http
