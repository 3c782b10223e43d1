#pragma once
// BufferPool: the buffers a request needs only while it is in flight, shared by all users of one event
// loop thread (issue 19: memory per user). A user thinking between requests, its keep-alive connection
// open, holds none of them: the read buffer, the request buffer and the response's strings (header
// block, reason, body, error) are taken when a request starts and given back when it ends (the response
// strings when the Response holding them goes away).
//
// The pool keeps what it is given back, so it grows to the peak number of requests in flight (and
// Responses alive) on the thread and then allocates nothing: buffers keep their capacity, and each free
// list's own storage is reserved for every buffer the pool ever made, so giving one back never allocates.
// It is bounded by that peak: it never holds more buffers than were in use at once.
//
// Read buffers come in power-of-two sizes from kMinRead to kMaxRead: a connection asks for the size its
// responses grew it to (connection.hpp). One thread only, no locks.
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "cicada/response.hpp"

namespace cicada::http {

class BufferPool {
 public:
  static constexpr std::size_t kMinRead = 512;
  static constexpr std::size_t kMaxRead = 4096;

  BufferPool() = default;
  BufferPool(const BufferPool&) = delete;
  BufferPool& operator=(const BufferPool&) = delete;

  // A read buffer of `size` bytes (a power of two in [kMinRead, kMaxRead]).
  std::unique_ptr<char[]> take_read(std::size_t size);
  void give_read(std::unique_ptr<char[]> buffer, std::size_t size) noexcept;
  // A request buffer (empty, with the capacity an earlier request gave it).
  std::string take_request();
  void give_request(std::string&& buffer) noexcept;
  // Strings for a response (empty, with capacity).
  detail::ResponseData take_response();
  void give_response(detail::ResponseData&& data) noexcept;

  // Buffers made so far, and those now free in the pool (tests and memory accounting).
  std::size_t read_made() const;
  std::size_t reads_free() const;
  std::size_t requests_made() const { return requests_made_; }
  std::size_t requests_free() const { return requests_.size(); }
  std::size_t responses_made() const { return responses_made_; }
  std::size_t responses_free() const { return responses_.size(); }

 private:
  static constexpr std::size_t kReadClasses = 4;  // 512, 1024, 2048, 4096
  static std::size_t read_class(std::size_t size);

  std::vector<std::unique_ptr<char[]>> reads_[kReadClasses];
  std::size_t reads_made_[kReadClasses] = {};  // per size class
  std::vector<std::string> requests_;
  std::size_t requests_made_ = 0;
  std::vector<detail::ResponseData> responses_;
  std::size_t responses_made_ = 0;
};

}  // namespace cicada::http
