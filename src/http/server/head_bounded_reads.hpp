#pragma once
// The stream a server session reads a request through (internal to src/http/server): the socket or TLS
// stream itself, with a bound on the request head that Beast's parser alone does not keep.
#include <boost/asio/post.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <cstddef>
#include <optional>
#include <type_traits>
#include <utility>

namespace cicada::http::server_detail {

// Beast 1.74's parser bounds only the part of a request head it has not parsed yet: each complete field
// leaves the buffer, so a head of many short lines arriving in small reads (a TLS record each, or a
// trickle) had no bound, and its fields filled the connection's arena (a probe's 32 MB head of "X-A: b"
// lines was answered 200 over TLS; 80 KB passed in plain HTTP). This stream counts the bytes read for the
// request, and before each read checks those the parser has taken of an unfinished head against the
// limit: past it, the read fails with header_limit (answered 431, as Beast's own check is).
//
// Stream: the session's socket or TLS stream; Parser: its Beast request parser. The session owns the
// stream, the read buffer and the parser, and outlives every read (its final handler holds it).
template <class Stream, class Parser>
class HeadBoundedReads {
 public:
  using executor_type = typename Stream::executor_type;

  HeadBoundedReads(Stream& stream, const boost::beast::flat_buffer& buffer,
                   const std::optional<Parser>& parser, std::size_t max_header_bytes)
      : stream_(stream), buffer_(buffer), parser_(parser), max_header_bytes_(max_header_bytes) {}

  executor_type get_executor() { return stream_.get_executor(); }

  // A request starts being read: what is buffered already belongs to it.
  void start_request() { read_ = buffer_.size(); }

  template <class Buffers, class Handler>
  void async_read_some(const Buffers& buffers, Handler&& handler) {
    if (head_over_limit()) {
      boost::asio::post(stream_.get_executor(), [h = std::forward<Handler>(handler)]() mutable {
        h(boost::beast::error_code(boost::beast::http::error::header_limit), std::size_t{0});
      });
      return;
    }
    stream_.async_read_some(buffers, Counted<std::decay_t<Handler>>{&read_, std::forward<Handler>(handler)});
  }

 private:
  template <class Handler>
  struct Counted {
    std::size_t* read;  // alive: the session outlives the read
    Handler handler;
    void operator()(boost::beast::error_code ec, std::size_t n) {
      *read += n;
      handler(ec, n);
    }
  };

  // Beast has offered the parser every buffered byte before it asks for more: what is not in the buffer
  // now, of what was read for this request, the parser took.
  bool head_over_limit() const {
    return !parser_->is_header_done() && read_ - buffer_.size() > max_header_bytes_;
  }

  Stream& stream_;
  const boost::beast::flat_buffer& buffer_;
  const std::optional<Parser>& parser_;
  std::size_t max_header_bytes_;
  std::size_t read_ = 0;  // read for the request being read, buffered bytes included
};

}  // namespace cicada::http::server_detail
