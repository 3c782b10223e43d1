#pragma once
// cicada::Response: what `co_await client.get(...)` returns.
//
// Valid until the same user's next request (its body lives in the connection's buffer). Like Locust's
// `catch_response=True`: with RequestOptions::catch_response the caller decides with success()/failure();
// if it decides nothing, the response counts as Locust would count it (status >= 400 or a transport
// error is a failure). The sample is recorded exactly once, when decided or when the Response goes away.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>

#include "cicada/json.hpp"

namespace cicada {

namespace detail {
// Implemented by the HTTP client: the state behind the one pending response of a user.
class ResponseOwner {
 public:
  virtual int status() const = 0;
  virtual std::string_view body() const = 0;
  virtual std::optional<std::string_view> header(std::string_view name) const = 0;
  virtual std::string_view transport_error() const = 0;
  virtual std::chrono::microseconds elapsed() const = 0;
  virtual std::size_t content_size() const = 0;
  // Record the sample now: as a failure with `message` when failed, else as a success. Once only.
  virtual void settle(std::uint64_t ticket, bool failed, std::string_view message) = 0;
  // Record the sample as the client would without catch_response (transport error or status >= 400 fail).
  virtual void settle_default(std::uint64_t ticket) = 0;

 protected:
  ~ResponseOwner() = default;
};
}  // namespace detail

class Response {
 public:
  Response() = default;
  Response(detail::ResponseOwner* owner, std::uint64_t ticket, bool pending)
      : owner_(owner), ticket_(ticket), pending_(pending) {}
  Response(Response&& o) noexcept
      : owner_(std::exchange(o.owner_, nullptr)),
        ticket_(o.ticket_),
        pending_(std::exchange(o.pending_, false)) {}
  Response& operator=(Response&& o) noexcept {
    if (this != &o) {
      settle_default();
      owner_ = std::exchange(o.owner_, nullptr);
      ticket_ = o.ticket_;
      pending_ = std::exchange(o.pending_, false);
    }
    return *this;
  }
  Response(const Response&) = delete;
  Response& operator=(const Response&) = delete;
  ~Response() { settle_default(); }

  // HTTP status, or 0 when no response arrived (see error()).
  int status() const { return owner_ ? owner_->status() : 0; }
  // The body (decoded from chunked transfer encoding if needed).
  std::string_view text() const { return owner_ ? owner_->body() : std::string_view{}; }
  // A response header, by case-insensitive name.
  std::optional<std::string_view> header(std::string_view name) const {
    return owner_ ? owner_->header(name) : std::nullopt;
  }
  // Why the request failed before an HTTP status was read ("connection refused", "timeout"...), or "".
  std::string_view error() const {
    return owner_ ? owner_->transport_error() : std::string_view{"no response"};
  }
  // Time from when the request was due to the last byte of the response.
  std::chrono::microseconds elapsed() const {
    return owner_ ? owner_->elapsed() : std::chrono::microseconds{};
  }
  // Bytes of body (Content-Length when present, as Locust counts).
  std::size_t content_size() const { return owner_ ? owner_->content_size() : 0; }
  // The body parsed as JSON (Locust's response.json()); throws JsonError when it is not JSON.
  Json json() const { return Json::parse(text()); }
  // A transport success with a status below 400.
  bool ok() const { return error().empty() && status() > 0 && status() < 400; }

  // With catch_response: count this request as a success / as a failure with this message.
  void success() { settle(false, {}); }
  void failure(std::string_view message) { settle(true, message); }

 private:
  void settle(bool failed, std::string_view message) {
    if (pending_ && owner_) owner_->settle(ticket_, failed, message);
    pending_ = false;
  }
  void settle_default() {
    if (pending_ && owner_) owner_->settle_default(ticket_);
    pending_ = false;
  }

  detail::ResponseOwner* owner_ = nullptr;
  std::uint64_t ticket_ = 0;
  bool pending_ = false;
};

}  // namespace cicada
