#pragma once
// ResponseParser: one HTTP/1.1 response read incrementally with nodejs http-parser (what wrk uses: a
// callback parser that never allocates). Header lines and the decoded body are copied into strings that
// keep their capacity from one response to the next, so steady-state parsing allocates nothing.
//
// Handles Content-Length, chunked (the body is stored decoded), read-until-close bodies, responses without
// body (HEAD, 1xx, 204, 304) and skips interim 1xx responses.
#include <http_parser.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cicada::http {

class ResponseParser {
 public:
  ResponseParser();
  ResponseParser(const ResponseParser&) = delete;
  ResponseParser& operator=(const ResponseParser&) = delete;

  // Prepares for the response to a request; `head_request` because only the request says a HEAD
  // response has no body.
  void reset(bool head_request);

  enum class State { kNeedMore, kComplete, kError };
  // Feeds bytes read from the connection. Bytes after a complete response are ignored (no pipelining).
  State feed(const char* data, std::size_t size);
  // The peer closed the connection: completes a read-until-close body, otherwise an error unless complete.
  State feed_eof();

  bool complete() const { return complete_; }
  // Whether any byte of a response has been parsed (tells "closed before responding" from "malformed").
  bool started() const { return started_; }
  // http-parser's error name ("HPE_INVALID_CONSTANT") after kError.
  const char* error_name() const;

  int status() const { return status_; }
  std::string_view reason() const { return reason_; }
  std::string_view body() const { return body_; }
  // Content-Length when the response had one, else the decoded body size (as Locust counts content).
  std::uint64_t content_size() const { return content_length_ ? *content_length_ : body_.size(); }
  bool keep_alive() const { return keep_alive_; }

  // The whole header block, "name:value\n" per header in arrival order.
  std::string_view header_block() const { return headers_; }
  // Case-insensitive lookup in the header block; the first header of that name.
  std::optional<std::string_view> header(std::string_view name) const;
  // Calls fn(value) for every header of that name (Set-Cookie comes several times).
  template <class Fn>
  void for_each_header(std::string_view name, Fn&& fn) const {
    std::size_t pos = 0;
    std::string_view value;
    while (next_header(name, pos, value)) fn(value);
  }

 private:
  bool next_header(std::string_view name, std::size_t& pos, std::string_view& value) const;

  static int on_message_begin(http_parser* p);
  static int on_status(http_parser* p, const char* at, std::size_t len);
  static int on_header_field(http_parser* p, const char* at, std::size_t len);
  static int on_header_value(http_parser* p, const char* at, std::size_t len);
  static int on_headers_complete(http_parser* p);
  static int on_body(http_parser* p, const char* at, std::size_t len);
  static int on_message_complete(http_parser* p);

  http_parser parser_{};
  http_parser_settings settings_{};
  // "name:value\n" per header; a field or value may arrive in pieces across reads.
  std::string headers_;
  std::string reason_;
  std::string body_;
  std::optional<std::uint64_t> content_length_;
  int status_ = 0;
  bool head_request_ = false;
  bool in_value_ = false;
  bool started_ = false;
  bool complete_ = false;
  bool keep_alive_ = false;
};

}  // namespace cicada::http
