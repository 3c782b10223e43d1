// ResponseParser's simple path: a whole, plain response in one read, taken in one pass.
//
// Why our own code beside http-parser: its byte-at-a-time state machine, with a callback per piece, was
// the largest user-space cost of the load generator (3.8% of its CPU per request against nginx, `perf`,
// bench/RESULTS.md "Session 14"). Nearly every response a load test reads is the shape accepted here, and
// whole in the first read: status line, header lines, one Content-Length, the body, nothing after it.
// Anything else, or anything in doubt (HTTP/1.0, 1xx/204/304, HEAD, chunked, Upgrade, a Connection
// header other than one "keep-alive" or "close", tabs, obs-text, empty or space-ended values, a body
// still to come, bytes after it), is left
// untouched for http-parser from its first byte, as before. The fuzz target (tests/fuzz/
// response_parser_fuzz.cpp) checks that this path and http-parser agree on every input.
#include "base/ascii.hpp"
#include "http/client/response_parser.hpp"

namespace cicada::http {
namespace {

// Printable ASCII and space: what a reason phrase or header value may hold on this path.
bool printable(std::string_view s) {
  for (char c : s)
    if (c < 0x20 || c > 0x7e) return false;
  return true;
}

// Case-insensitive equality with a lower-case name.
bool is_named(std::string_view name, std::string_view lower) {
  if (name.size() != lower.size()) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != lower[i]) return false;
  }
  return true;
}

// A name that begins like one http-parser reads specially: Debian's http-parser 2.9.4 takes a header named
// "Transfer-Encoding1" for Transfer-Encoding (a fuzz run found it refusing a response with it and a
// Content-Length, which the simple path had read), so such names are left to http-parser, which then reads
// every response alike however its bytes arrive.
bool begins_like_special(std::string_view name) {
  for (std::string_view special :
       {std::string_view("content-length"), std::string_view("transfer-encoding"),
        std::string_view("connection"), std::string_view("proxy-connection"), std::string_view("upgrade")}) {
    if (name.size() > special.size() && is_named(name.substr(0, special.size()), special)) return true;
  }
  return false;
}

// A response head longer than this goes to http-parser (its own limit is HTTP_MAX_HEADER_SIZE, 80 KB).
constexpr std::size_t kMaxSimpleHead = 16 * 1024;

}  // namespace

bool ResponseParser::feed_simple(const char* data, std::size_t size) {
  if (!simple_path_ || head_request_) return false;
  const std::string_view in(data, size);
  // "HTTP/1.1 DDD " with a final status that has a body: 2xx-5xx but 204 and 304.
  if (in.size() < 17 || in.substr(0, 9) != "HTTP/1.1 " || in[12] != ' ') return false;
  const char d0 = in[9], d1 = in[10], d2 = in[11];
  if (d0 < '2' || d0 > '5' || d1 < '0' || d1 > '9' || d2 < '0' || d2 > '9') return false;
  const int status = (d0 - '0') * 100 + (d1 - '0') * 10 + (d2 - '0');
  if (status == 204 || status == 304) return false;
  const std::size_t status_end = in.find("\r\n", 13);
  if (status_end == std::string_view::npos || status_end > kMaxSimpleHead) return false;
  const std::string_view reason = in.substr(13, status_end - 13);
  if (!printable(reason)) return false;

  headers_.clear();
  std::uint64_t length = 0;
  bool has_length = false;
  enum class Connection { kNone, kKeepAlive, kClose } connection = Connection::kNone;
  std::size_t at = status_end + 2;
  for (;;) {
    const std::size_t end = in.find("\r\n", at);
    if (end == std::string_view::npos || end > kMaxSimpleHead) return give_up_simple();
    if (end == at) break;  // the empty line ending the head
    const std::string_view line = in.substr(at, end - at);
    at = end + 2;
    const std::size_t colon = line.find(':');
    if (colon == 0 || colon == std::string_view::npos) return give_up_simple();
    const std::string_view name = line.substr(0, colon);
    for (char c : name)
      if (!is_token_char(c)) return give_up_simple();
    if (begins_like_special(name)) return give_up_simple();
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    if (value.empty() || value.back() == ' ' || !printable(value)) return give_up_simple();
    if (is_named(name, "content-length")) {
      if (has_length || value.size() > 18) return give_up_simple();
      for (char c : value) {
        if (c < '0' || c > '9') return give_up_simple();
        length = length * 10 + static_cast<std::uint64_t>(c - '0');
      }
      has_length = true;
    } else if (is_named(name, "connection")) {
      // nginx says "keep-alive" on every response; a list of options stays http-parser's.
      if (connection != Connection::kNone) return give_up_simple();
      if (is_named(value, "keep-alive"))
        connection = Connection::kKeepAlive;
      else if (is_named(value, "close"))
        connection = Connection::kClose;
      else
        return give_up_simple();
    } else if (is_named(name, "transfer-encoding") || is_named(name, "proxy-connection") ||
               is_named(name, "upgrade")) {
      return give_up_simple();  // framing and upgrades stay http-parser's
    }
    headers_.append(name);
    headers_ += ':';
    headers_.append(value);
    headers_ += '\n';
  }
  const std::size_t head_size = at + 2;
  // The body must be here whole, and nothing after it.
  if (!has_length || size - head_size != length) return give_up_simple();

  status_ = status;
  reason_.assign(reason);
  body_.clear();
  keep_body(data + head_size, length);
  content_length_ = length;
  keep_alive_ = connection != Connection::kClose;  // HTTP/1.1, framed by its length
  headers_done_ = true;
  complete_ = true;
  extra_bytes_ = 0;
  return true;
}

bool ResponseParser::give_up_simple() {
  headers_.clear();
  return false;
}

}  // namespace cicada::http
