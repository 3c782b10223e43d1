#pragma once
// Http2Session: one user's HTTP/2 connection as a libnghttp2 client session, without I/O of its own
// (nghttp2's mem_send/mem_recv): the client writes what take_output() gives it and feeds what it reads
// to receive(). nghttp2 parses and checks the frames, HPACK and flow control; this class turns the
// events of the one request in flight into the ResponseParser's frame_* calls, so an HTTP/2 response
// ends up in the same header block, status, body (and body limit) as an HTTP/1.1 one.
//
// One request at a time: a user awaits each request, so its connection carries one stream after
// another (stream 1, 3, 5...), which keeps the same per-request state (parser, timings) as HTTP/1.1.
//
// Also the entry point of the fuzz target tests/fuzz/http2_response_fuzz.cpp: submit() a request, then
// receive() any bytes as if the server sent them.
#include <nghttp2/nghttp2.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "http/client/request_writer.hpp"
#include "http/client/response_parser.hpp"

namespace cicada::http {

class Http2Session {
 public:
  // Responses are written into `response` (reset by the caller before each request).
  explicit Http2Session(ResponseParser& response);
  ~Http2Session();
  Http2Session(const Http2Session&) = delete;
  Http2Session& operator=(const Http2Session&) = delete;

  // Queues the request (the connection preface and SETTINGS go before the first). `tls` is the scheme
  // (:scheme https or http). The head's views (body included) must stay valid until the outcome is
  // known. False when nghttp2 refuses it (described in `error`).
  bool submit(const RequestHead& head, bool tls, std::string& error);
  // Appends the bytes to send (frames, the request's body as flow control allows) to `out`. False on a
  // session failure (outcome() is then kConnectionError).
  bool take_output(std::string& out);
  // Feeds bytes read from the connection. False when the session failed (kConnectionError).
  bool receive(const char* data, std::size_t size);

  enum class Outcome {
    kPending,          // the response is not complete yet
    kComplete,         // the response ended (END_STREAM)
    kReset,            // the server reset the stream (RST_STREAM, or refused it in a GOAWAY)
    kConnectionError,  // the connection cannot go on (GOAWAY, a frame nghttp2 refused, not HTTP/2)
  };
  Outcome outcome() const { return outcome_; }
  // The request's stream was refused in the server's GOAWAY (its id above the last the server processes):
  // the server never processed it (RFC 9113 §6.8), so it can be sent again on a new connection.
  bool refused_by_goaway() const;
  // Whether this connection can carry another request (no GOAWAY, no failure).
  bool usable() const;
  // Why the outcome is kReset ("INTERNAL_ERROR (0x2)") or kConnectionError, written into `out`.
  void describe(std::string& out) const;

 private:
  static int on_begin_headers(nghttp2_session*, const nghttp2_frame* frame, void* self);
  static int on_header(nghttp2_session*, const nghttp2_frame* frame, const std::uint8_t* name,
                       std::size_t namelen, const std::uint8_t* value, std::size_t valuelen,
                       std::uint8_t flags, void* self);
  static int on_frame_recv(nghttp2_session*, const nghttp2_frame* frame, void* self);
  static int on_data_chunk(nghttp2_session*, std::uint8_t flags, std::int32_t stream_id,
                           const std::uint8_t* data, std::size_t len, void* self);
  static int on_stream_close(nghttp2_session*, std::int32_t stream_id, std::uint32_t error_code, void* self);
  static int on_frame_send(nghttp2_session*, const nghttp2_frame* frame, void* self);
  static ssize_t read_body(nghttp2_session*, std::int32_t stream_id, std::uint8_t* buf, std::size_t length,
                           std::uint32_t* data_flags, nghttp2_data_source* source, void* self);
  bool ours(std::int32_t stream_id) const { return stream_id == stream_id_ && outcome_ == Outcome::kPending; }
  void fail(std::string_view text);
  // The session ended (GOAWAY, or nghttp2 ended it) with the request unanswered: kConnectionError.
  void check_ended();
  void end_of_stream();

  ResponseParser& response_;
  nghttp2_session* session_ = nullptr;
  std::int32_t stream_id_ = -1;  // the request in flight (or the last one)
  Outcome outcome_ = Outcome::kPending;
  std::uint32_t reset_code_ = 0;
  bool reset_by_us_ = false;  // nghttp2 reset the stream itself: the server's response broke HTTP/2's rules
  bool broken_ = false;       // the session failed: the connection is not reused
  bool goaway_ = false;       // the server sent GOAWAY: no new streams on this connection
  std::uint32_t goaway_code_ = 0;  // its error code
  std::string error_;              // kConnectionError's text
  std::uint64_t received_ = 0;     // bytes received on the connection so far
  // The request's body, read by nghttp2 as flow control allows.
  std::string_view body_;
  std::size_t body_sent_ = 0;
  // Header names (lower case) and values, then the name/value array pointing into them.
  std::string header_text_;
  std::vector<std::size_t> header_offsets_;  // name start, name end (= value start), value end, ...
  std::vector<nghttp2_nv> nva_;
  std::uint32_t sent_goaway_code_ = 0;  // nghttp2 ended the session itself (the server broke the protocol)
  bool sent_goaway_ = false;
};

}  // namespace cicada::http
