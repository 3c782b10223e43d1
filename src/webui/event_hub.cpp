#include "webui/event_hub.hpp"

#include <algorithm>

namespace cicada::webui {

std::string EventHub::format_event(std::string_view name, std::string_view data) {
  std::string out;
  out.reserve(name.size() + data.size() + 16);
  out += "event: ";
  out += name;
  out += "\ndata: ";
  out += data;
  out += "\n\n";
  return out;
}

void EventHub::add(std::shared_ptr<http::ResponseStream> stream, std::string_view first) {
  if (!first.empty() && !stream->write(first)) return;
  std::lock_guard lock(mutex_);
  streams_.push_back(std::move(stream));
}

void EventHub::publish(std::string_view name, std::string_view data) {
  const std::string event = format_event(name, data);
  std::lock_guard lock(mutex_);
  std::erase_if(streams_, [&](const auto& s) { return !s->write(event); });
}

void EventHub::close_all() {
  std::lock_guard lock(mutex_);
  for (auto& s : streams_) s->close();
  streams_.clear();
}

std::size_t EventHub::subscribers() const {
  std::lock_guard lock(mutex_);
  return streams_.size();
}

}  // namespace cicada::webui
