#pragma once
// ResponseParser: one HTTP/1.1 response read incrementally with nodejs http-parser (what wrk uses: a
// callback parser that never allocates), or, when a plain response arrives whole in the first read, in
// one pass of our own (response_parser_simple.cpp says why and which). Header lines and the decoded body are
// copied into strings that keep their capacity from one response to the next, so steady-state parsing
// allocates nothing.
//
// Framing follows RFC 9112 section 6.3: a response to HEAD, any 1xx, 204 and 304 ends at the header block
// whatever its Content-Length says; interim 1xx responses (100 Continue, 103 Early Hints) are skipped; a
// 101 Switching Protocols is an error (the client never asks for an upgrade); then chunked, Content-Length
// or read-until-close. Bytes after the end of the response are counted (extra_bytes()), never parsed as
// the next response: the caller treats them as the server's fault.
//
// Bodies are kept up to a cap (set_body_limit): the rest is counted but not stored, so a large download
// costs no memory. body() then holds the first `limit` bytes and body_truncated() is true.
//
// This is also the entry point for the fuzz target (tests/fuzz/): reset(), feed() any bytes, feed_eof().
//
// An HTTP/2 response (http2_session.hpp) arrives as frames nghttp2 has decoded: the frame_* calls fill
// the same header block, status and kept body, so both protocols hand the same Response, failure texts,
// body limit and cookies to the client.
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
  // Body bytes kept per response (the rest is counted, not stored). Applies from the next reset().
  void set_body_limit(std::size_t bytes) { body_limit_ = bytes; }

  enum class State { kNeedMore, kComplete, kError };
  // Feeds bytes read from the connection. After kComplete, the bytes of this call that were not part of
  // the response are in extra_bytes() (we never pipeline, so any is a server fault).
  State feed(const char* data, std::size_t size);
  // The peer closed the connection: completes a read-until-close body, otherwise an error unless complete.
  State feed_eof();

  bool complete() const { return complete_; }
  // Whether any byte of a response has been parsed (tells "closed before responding" from "malformed").
  bool started() const { return started_; }
  // Bytes that followed the complete response in the last feed().
  std::size_t extra_bytes() const { return extra_bytes_; }
  // After kError: what was wrong, in plain words ("response body cut short: 12 of 1,000 bytes"), written
  // into `out` (its capacity reused).
  void describe_error(std::string& out) const;

  int status() const { return status_; }
  std::string_view reason() const { return reason_; }
  // The body as kept (decoded from chunked; at most the body limit).
  std::string_view body() const { return body_; }
  // Body bytes received (decoded), including those beyond the limit.
  std::uint64_t body_bytes() const { return body_bytes_; }
  bool body_truncated() const { return body_bytes_ > body_.size(); }
  // A streamed response's body bytes (text/event-stream, NDJSON) past the limit that the last feed()
  // (HTTP/2: receive) decoded: not kept in body(), but its events still need reading. Empty otherwise.
  std::string_view overflow() const { return overflow_; }
  // Called before HTTP/2 frames of a new read are decoded (feed() does it itself).
  void clear_overflow() { overflow_.clear(); }
  // Content-Length when the response had one, else the decoded body size (as Locust counts content).
  std::uint64_t content_size() const { return content_length_ ? *content_length_ : body_bytes_; }
  bool keep_alive() const { return keep_alive_; }
  // The whole header block, "name:value\n" per header in arrival order (base/header_block.hpp searches it).
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

  // --- HTTP/2: a response from decoded frames instead of bytes (after reset()) -----------------------
  // A header block begins: the final response's, an interim 1xx's (dropped at its end) or trailers.
  void frame_begin_headers();
  // One header of the block; ":status" sets the status (false when it is not three digits). Trailers,
  // after the final block, are not kept (as HTTP/1.1 trailers are not).
  bool frame_header(std::string_view name, std::string_view value);
  // The block ended: an interim response is forgotten; the final one's content-length is noted (none
  // for HEAD, 204 and 304).
  void frame_end_headers();
  void frame_body(const char* data, std::size_t size);
  void frame_complete() { complete_ = true; }
  // Whether the final response's header block has been received.
  bool headers_done() const { return headers_done_; }

  // Hands the header block, reason and body strings to a Response and takes its old (empty, but with
  // capacity) strings in exchange: the response owns its data and no allocation happens.
  void swap_buffers(std::string& headers, std::string& reason, std::string& body);

  // Whether a whole, plain response in the first read is taken by the simple path
  // (response_parser_simple.cpp) instead of http-parser. On by default; the fuzz target turns it off in
  // a second parser to check that both read every input alike.
  void set_simple_path(bool on) { simple_path_ = on; }

 private:
  bool next_header(std::string_view name, std::size_t& pos, std::string_view& value) const;
  // The simple path: true when it took the whole response; false leaves nothing changed.
  bool feed_simple(const char* data, std::size_t size);
  bool give_up_simple();

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
  std::string overflow_;  // see overflow()
  // Whether this response is a stream whose bytes past the limit go to overflow_: -1 not known yet.
  int keeps_overflow_ = -1;
  // Every decoded body byte goes here: counted, kept up to the limit, and a stream's rest to overflow_.
  void keep_body(const char* data, std::size_t size);
  std::size_t body_limit_ = SIZE_MAX;
  std::uint64_t body_bytes_ = 0;
  std::optional<std::uint64_t> content_length_;
  std::size_t extra_bytes_ = 0;
  // The first bytes of the response, to show what a non-HTTP answer started with.
  char first_bytes_[24] = {};
  std::size_t first_size_ = 0;
  int status_ = 0;
  bool head_request_ = false;
  bool in_value_ = false;
  bool started_ = false;
  bool headers_done_ = false;
  bool upgrade_refused_ = false;
  bool bad_status_line_ = false;  // not "HTTP/1.x DDD" (status_line_ok)
  bool status_line_ok() const;
  bool complete_ = false;
  bool keep_alive_ = false;
  bool in_trailers_ = false;
  bool simple_path_ = true;
};

}  // namespace cicada::http
