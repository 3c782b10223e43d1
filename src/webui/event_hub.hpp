#pragma once
// EventHub: the open server-sent-event streams of the web UI and the one-line events sent to all of them.
// Off the engine's hot path: one publisher thread writes about once a second.
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "http/server/server_types.hpp"

namespace cicada::webui {

class EventHub {
 public:
  // Adds a stream (from the /events handler, on a server thread) and sends it `first` right away (the
  // current state, so a new page needs no extra request). first may be empty.
  void add(std::shared_ptr<http::ResponseStream> stream, std::string_view first);
  // Sends "event: NAME\ndata: DATA\n\n" to every open stream; drops the ones that closed. data must be
  // one line (JSON without newlines).
  void publish(std::string_view name, std::string_view data);
  // Ends every stream (server shutdown).
  void close_all();
  std::size_t subscribers() const;

  static std::string format_event(std::string_view name, std::string_view data);

 private:
  mutable std::mutex mutex_;
  std::vector<std::shared_ptr<http::ResponseStream>> streams_;
};

}  // namespace cicada::webui
