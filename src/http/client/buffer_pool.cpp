#include "http/client/buffer_pool.hpp"

#include <bit>

namespace cicada::http {

namespace {

// The last free buffer, or a new (empty) one with room made for it in the free list, so that giving it
// back never allocates.
template <class T>
T take_from(std::vector<T>& free, std::size_t& made) {
  if (free.empty()) {
    free.reserve(++made);
    return T{};
  }
  T item = std::move(free.back());
  free.pop_back();
  return item;
}

}  // namespace

std::size_t BufferPool::read_class(std::size_t size) {
  const std::size_t clamped = size < kMinRead ? kMinRead : (size > kMaxRead ? kMaxRead : size);
  return static_cast<std::size_t>(std::bit_width(clamped / kMinRead) - 1);
}

std::unique_ptr<char[]> BufferPool::take_read(std::size_t size) {
  const std::size_t c = read_class(size);
  auto buffer = take_from(reads_[c], reads_made_[c]);
  if (!buffer) buffer = std::make_unique_for_overwrite<char[]>(kMinRead << c);
  return buffer;
}

void BufferPool::give_read(std::unique_ptr<char[]> buffer, std::size_t size) noexcept {
  if (buffer) reads_[read_class(size)].push_back(std::move(buffer));  // reserved in take_read
}

std::size_t BufferPool::read_made() const {
  std::size_t n = 0;
  for (const std::size_t made : reads_made_) n += made;
  return n;
}

std::size_t BufferPool::reads_free() const {
  std::size_t n = 0;
  for (const auto& free : reads_) n += free.size();
  return n;
}

std::string BufferPool::take_request() { return take_from(requests_, requests_made_); }

void BufferPool::give_request(std::string&& buffer) noexcept {
  buffer.clear();
  requests_.push_back(std::move(buffer));
}

detail::ResponseData BufferPool::take_response() { return take_from(responses_, responses_made_); }

void BufferPool::give_response(detail::ResponseData&& data) noexcept {
  data.headers.clear();
  data.reason.clear();
  data.body.clear();
  data.error.clear();
  responses_.push_back(std::move(data));
}

}  // namespace cicada::http
