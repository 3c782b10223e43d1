#pragma once
// cicada::Response: what `co_await client.get(...)` returns.
//
// A Response owns its data (status, headers, body, error, timing): two responses kept at once stay
// distinct, and a Response stays readable after the user's next request. It moves, it does not copy
// (moving the body out with take_text() is fine). Its buffers go back to the client for reuse when it is
// destroyed, which is why steady-state requests allocate nothing; so a Response must not outlive the user
// whose client made it (keep what you need as values).
//
// The body is kept up to a cap (--max-body-size, default 1 MiB; docs/metrics.md "Response bodies"): a
// larger one is counted in full (content_size()) but text() holds only its first bytes and
// body_truncated() is true.
//
// Like Locust's `catch_response=True`: with RequestOptions::catch_response the caller decides with
// success()/failure(); if it decides nothing, the response counts as Locust would count it (status >= 400
// or a transport error is a failure). The request is recorded exactly once, when decided, when the
// Response goes away, or when the same user sends its next request, whichever comes first.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "cicada/json.hpp"

namespace cicada {

namespace detail {

// Everything a Response shows, by value.
struct ResponseData {
  int status = 0;                  // 0: no response (see error)
  std::string reason;              // the status line's reason phrase
  std::string headers;             // "name:value\n" per header, as received
  std::string body;                // decoded body, at most the body cap
  std::string error;               // transport error text, "" when a response arrived
  std::int64_t elapsed_us = 0;     // from when the request was due to its last byte
  std::uint64_t content_size = 0;  // body bytes (Content-Length when present), all of them
  bool body_truncated = false;     // the body was longer than the cap; body holds its beginning
};

// Implemented by the HTTP client that made the response.
class ResponseOwner {
 public:
  // Record the request now: as a failure with `message` when failed, else as a success. Once only.
  virtual void settle(std::uint64_t ticket, bool failed, std::string_view message) = 0;
  // Record the request as the client would without catch_response (transport error or status >= 400).
  virtual void settle_default(std::uint64_t ticket) = 0;
  // The response is gone: its buffers may serve a later response.
  virtual void recycle(ResponseData&& data) noexcept = 0;

 protected:
  ~ResponseOwner() = default;
};

// "name:value\n" block lookup (case-insensitive name); defined in the HTTP client.
std::optional<std::string_view> find_header(std::string_view block, std::string_view name);

}  // namespace detail

class Response {
 public:
  Response() = default;
  Response(detail::ResponseOwner* owner, std::uint64_t ticket, bool pending, detail::ResponseData&& data)
      : owner_(owner), ticket_(ticket), pending_(pending), data_(std::move(data)) {}
  Response(Response&& o) noexcept
      : owner_(std::exchange(o.owner_, nullptr)),
        ticket_(o.ticket_),
        pending_(std::exchange(o.pending_, false)),
        data_(std::move(o.data_)) {}
  Response& operator=(Response&& o) noexcept {
    if (this != &o) {
      release();
      owner_ = std::exchange(o.owner_, nullptr);
      ticket_ = o.ticket_;
      pending_ = std::exchange(o.pending_, false);
      data_ = std::move(o.data_);
    }
    return *this;
  }
  Response(const Response&) = delete;
  Response& operator=(const Response&) = delete;
  ~Response() { release(); }

  // HTTP status, or 0 when no response arrived (see error()).
  int status() const { return data_.status; }
  // The body (decoded from chunked transfer encoding if needed; at most the body cap).
  std::string_view text() const { return data_.body; }
  // Moves the body out of the response (text() is empty afterwards).
  std::string take_text() { return std::move(data_.body); }
  // The body was longer than the cap (--max-body-size): text() holds its beginning only.
  bool body_truncated() const { return data_.body_truncated; }
  // The status line's reason phrase as the server sent it ("OK", "NOT FOUND"), "" without a response.
  std::string_view reason() const { return data_.reason; }
  // Every header as received, one "name:value\n" line each, in arrival order ("" without a response):
  // for clients in other languages that copy the headers out whole (src/python).
  std::string_view header_block() const { return data_.headers; }
  // A response header, by case-insensitive name (the first one of that name).
  std::optional<std::string_view> header(std::string_view name) const {
    return detail::find_header(data_.headers, name);
  }
  // Why the request failed before an HTTP status was read ("ConnectionRefusedError(...)"), or "".
  // A default-constructed Response says "no response".
  std::string_view error() const {
    if (data_.status == 0 && data_.error.empty()) return "no response";
    return data_.error;
  }
  // Time from when the request was due to the last byte of the response.
  std::chrono::microseconds elapsed() const { return std::chrono::microseconds(data_.elapsed_us); }
  // Bytes of body, all of them (Content-Length when present, as Locust counts).
  std::size_t content_size() const { return static_cast<std::size_t>(data_.content_size); }
  // The body parsed as JSON (Locust's response.json()); throws JsonError when it is not JSON.
  Json json() const { return Json::parse(text()); }
  // A transport success with a status below 400.
  bool ok() const { return data_.error.empty() && status() > 0 && status() < 400; }

  // With catch_response: count this request as a success / as a failure with this message.
  void success() { settle(false, {}); }
  void failure(std::string_view message) { settle(true, message); }

 private:
  void settle(bool failed, std::string_view message) {
    if (pending_ && owner_) owner_->settle(ticket_, failed, message);
    pending_ = false;
  }
  void release() noexcept {
    if (!owner_) return;
    if (pending_) owner_->settle_default(ticket_);
    pending_ = false;
    owner_->recycle(std::move(data_));
    owner_ = nullptr;
  }

  detail::ResponseOwner* owner_ = nullptr;
  std::uint64_t ticket_ = 0;
  bool pending_ = false;
  detail::ResponseData data_;
};

}  // namespace cicada
