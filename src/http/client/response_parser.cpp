#include "http/client/response_parser.hpp"

#include <algorithm>
#include <climits>

#include "base/header_block.hpp"
#include "http/client/event_stream.hpp"

namespace cicada::http {
namespace {

ResponseParser* self(http_parser* p) { return static_cast<ResponseParser*>(p->data); }

// "1,000,000": byte counts in error texts are read by people.
void append_count(std::string& out, std::uint64_t n) {
  const std::string digits = std::to_string(n);
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
}

// What a non-HTTP answer started with, printable characters only.
void append_printable(std::string& out, std::string_view bytes) {
  for (char c : bytes) out += (c >= 0x20 && c < 0x7f) ? c : '.';
}

}  // namespace

ResponseParser::ResponseParser() {
  http_parser_settings_init(&settings_);
  settings_.on_message_begin = &ResponseParser::on_message_begin;
  settings_.on_status = &ResponseParser::on_status;
  settings_.on_header_field = &ResponseParser::on_header_field;
  settings_.on_header_value = &ResponseParser::on_header_value;
  settings_.on_headers_complete = &ResponseParser::on_headers_complete;
  settings_.on_body = &ResponseParser::on_body;
  settings_.on_message_complete = &ResponseParser::on_message_complete;
  reset(false);
}

void ResponseParser::reset(bool head_request) {
  http_parser_init(&parser_, HTTP_RESPONSE);
  parser_.data = this;
  head_request_ = head_request;
  headers_.clear();
  reason_.clear();
  body_.clear();
  overflow_.clear();
  keeps_overflow_ = -1;
  body_bytes_ = 0;
  content_length_.reset();
  extra_bytes_ = 0;
  first_size_ = 0;
  status_ = 0;
  in_value_ = false;
  started_ = false;
  headers_done_ = false;
  upgrade_refused_ = false;
  bad_status_line_ = false;
  complete_ = false;
  keep_alive_ = false;
  in_trailers_ = false;
}

ResponseParser::State ResponseParser::feed(const char* data, std::size_t size) {
  overflow_.clear();
  if (complete_) {
    extra_bytes_ += size;
    return State::kComplete;
  }
  const bool first = !started_;
  if (size > 0) started_ = true;
  if (first_size_ < sizeof first_bytes_) {
    const std::size_t n = std::min(size, sizeof first_bytes_ - first_size_);
    std::copy_n(data, n, first_bytes_ + first_size_);
    first_size_ += n;
  }
  if (first && feed_simple(data, size)) return State::kComplete;
  const std::size_t parsed = http_parser_execute(&parser_, &settings_, data, size);
  if (complete_) {  // paused on purpose in on_message_complete
    extra_bytes_ = size - std::min(parsed, size);
    return State::kComplete;
  }
  if (HTTP_PARSER_ERRNO(&parser_) != HPE_OK) return State::kError;
  return State::kNeedMore;
}

ResponseParser::State ResponseParser::feed_eof() {
  overflow_.clear();
  if (complete_) return State::kComplete;
  if (!started_) return State::kError;
  http_parser_execute(&parser_, &settings_, nullptr, 0);
  if (complete_) {
    keep_alive_ = false;
    return State::kComplete;
  }
  if (HTTP_PARSER_ERRNO(&parser_) == HPE_OK) parser_.http_errno = HPE_INVALID_EOF_STATE;
  return State::kError;
}

void ResponseParser::describe_error(std::string& out) const {
  out.clear();
  const auto err = static_cast<http_errno>(HTTP_PARSER_ERRNO(&parser_));
  if (!started_) {
    out += "no response";
  } else if (bad_status_line_) {
    out += "not an HTTP/1.0 or HTTP/1.1 status line: it starts with \"";
    append_printable(out, std::string_view(first_bytes_, std::min<std::size_t>(first_size_, 16)));
    out += '"';
  } else if (upgrade_refused_) {
    out += "unexpected 101 Switching Protocols (no upgrade was asked for)";
  } else if (err == HPE_INVALID_EOF_STATE && headers_done_ && status_ < 200) {
    // An interim 100 Continue or 103 Early Hints, then the connection closed: no final response at all.
    out += "connection closed after an interim ";
    append_count(out, static_cast<std::uint64_t>(status_));
    out += " response, before the final response";
  } else if (err == HPE_INVALID_EOF_STATE && headers_done_) {
    out += "response body cut short: ";
    append_count(out, body_bytes_);
    if (content_length_) {
      out += " of ";
      append_count(out, *content_length_);
      out += " bytes";
    } else {
      out += " bytes, then the connection closed inside a chunked body";
    }
  } else if (err == HPE_INVALID_EOF_STATE) {
    out += "connection closed in the middle of the response head";
  } else if ((err == HPE_INVALID_CONSTANT || err == HPE_INVALID_VERSION) && status_ == 0 &&
             first_size_ >= 9 && first_bytes_[3] == 0x04 && first_bytes_[5] == 0 && first_bytes_[6] == 0 &&
             first_bytes_[7] == 0 && first_bytes_[8] == 0) {
    // A frame header of type SETTINGS on stream 0: the server preface of HTTP/2 (h2c with prior knowledge).
    out += "not an HTTP/1.x response: the server speaks HTTP/2 (it sent a SETTINGS frame); use --http2";
  } else if ((err == HPE_INVALID_CONSTANT || err == HPE_INVALID_VERSION) && status_ == 0) {
    out += "not an HTTP response: it starts with \"";
    append_printable(out, std::string_view(first_bytes_, std::min<std::size_t>(first_size_, 16)));
    out += '"';
  } else if (err == HPE_INVALID_STATUS) {
    out += "invalid status code in the status line";
  } else if (err == HPE_HEADER_OVERFLOW && headers_done_) {
    // After the final head: the trailer section of a chunked body (http-parser counts it as a head).
    out += "response trailers (after a chunked body) larger than ";
    append_count(out, HTTP_MAX_HEADER_SIZE / 1024);
    out += " KB";
  } else if (err == HPE_HEADER_OVERFLOW) {
    out += "response head larger than ";
    append_count(out, HTTP_MAX_HEADER_SIZE / 1024);
    out += " KB";
  } else if (err == HPE_INVALID_CONTENT_LENGTH) {
    out += headers_done_ ? "invalid chunk size in a chunked body (too large)" : "invalid Content-Length";
  } else if (err == HPE_UNEXPECTED_CONTENT_LENGTH) {
    out += "conflicting framing: a second Content-Length, or Content-Length with Transfer-Encoding";
  } else if (err == HPE_INVALID_CHUNK_SIZE) {
    out += "invalid chunk size in a chunked body";
  } else if (err == HPE_INVALID_HEADER_TOKEN || err == HPE_LF_EXPECTED) {
    out += "invalid character in the response head";
  } else {
    out += "invalid HTTP response (";
    out += http_errno_description(err);
    out += ')';
  }
}

void ResponseParser::frame_begin_headers() {
  started_ = true;
  if (headers_done_) {
    in_trailers_ = true;
    return;
  }
  headers_.clear();
  status_ = 0;
}

bool ResponseParser::frame_header(std::string_view name, std::string_view value) {
  if (in_trailers_) return true;
  if (name == ":status") {
    if (value.size() != 3) return false;
    int status = 0;
    for (char c : value) {
      if (c < '0' || c > '9') return false;
      status = status * 10 + (c - '0');
    }
    status_ = status;
    return true;
  }
  if (!name.empty() && name.front() == ':') return true;  // no other pseudo-header belongs in a response
  headers_ += name;
  headers_ += ':';
  headers_ += value;
  headers_ += '\n';
  return true;
}

void ResponseParser::frame_end_headers() {
  if (in_trailers_ || status_ < 200) return;  // an interim 1xx: the final block comes next
  headers_done_ = true;
  const bool no_body = head_request_ || status_ == 204 || status_ == 304;
  if (no_body) return;
  const auto length = header("content-length");
  if (!length || length->empty() || length->size() > 19) return;
  std::uint64_t n = 0;
  for (char c : *length) {
    if (c < '0' || c > '9') return;
    n = n * 10 + static_cast<std::uint64_t>(c - '0');
  }
  content_length_ = n;
}

void ResponseParser::frame_body(const char* data, std::size_t size) { keep_body(data, size); }

void ResponseParser::keep_body(const char* data, std::size_t size) {
  body_bytes_ += size;
  const std::size_t kept = body_.size() < body_limit_ ? std::min(size, body_limit_ - body_.size()) : 0;
  body_.append(data, kept);
  if (kept == size) return;
  // Past the limit: a download is only counted, but a stream's events are read from these bytes (a long
  // token stream passes 1 MiB), so they are handed on for this read only (the client reads them after it).
  if (keeps_overflow_ < 0)
    keeps_overflow_ =
        EventStream::kind_of(header("Content-Type").value_or(std::string_view())) != EventStream::Kind::kNone;
  if (keeps_overflow_ == 1) overflow_.append(data + kept, size - kept);
}

bool ResponseParser::next_header(std::string_view name, std::size_t& pos, std::string_view& value) const {
  return next_header_in_block(headers_, name, pos, value);
}

std::optional<std::string_view> ResponseParser::header(std::string_view name) const {
  std::size_t pos = 0;
  std::string_view value;
  if (next_header(name, pos, value)) return value;
  return std::nullopt;
}

void ResponseParser::swap_buffers(std::string& headers, std::string& reason, std::string& body) {
  headers_.swap(headers);
  reason_.swap(reason);
  body_.swap(body);
  headers_.clear();
  reason_.clear();
  body_.clear();
}

int ResponseParser::on_message_begin(http_parser* p) {
  // Also called for the final response after an interim 1xx: forget the interim one's headers.
  auto* s = self(p);
  s->headers_.clear();
  s->reason_.clear();
  s->body_.clear();
  s->body_bytes_ = 0;
  s->in_value_ = false;
  s->headers_done_ = false;
  return 0;
}

int ResponseParser::on_status(http_parser* p, const char* at, std::size_t len) {
  self(p)->reason_.append(at, len);
  return 0;
}

int ResponseParser::on_header_field(http_parser* p, const char* at, std::size_t len) {
  auto* s = self(p);
  if (s->in_value_) {
    s->headers_ += '\n';
    s->in_value_ = false;
  }
  s->headers_.append(at, len);
  return 0;
}

int ResponseParser::on_header_value(http_parser* p, const char* at, std::size_t len) {
  auto* s = self(p);
  if (!s->in_value_) {
    s->headers_ += ':';
    s->in_value_ = true;
  }
  s->headers_.append(at, len);
  return 0;
}

bool ResponseParser::status_line_ok() const {
  // "HTTP/1.x DDD": the version's letters and digits, one space, a status from 100 (RFC 9112 section 4).
  const std::string_view line(first_bytes_, first_size_);
  if (line.size() < 12 || line.substr(0, 7) != "HTTP/1." || (line[7] != '0' && line[7] != '1') ||
      line[8] != ' ')
    return false;
  return line[9] >= '1' && line[9] <= '9' && status_ >= 100;
}

int ResponseParser::on_headers_complete(http_parser* p) {
  auto* s = self(p);
  if (s->in_value_) s->headers_ += '\n';
  s->in_value_ = false;
  s->status_ = p->status_code;
  s->headers_done_ = true;
  // http-parser, built lenient, takes "HTTX/1.1 200", "HTTP/9.9 200", "HTTP/1.1  200" (two spaces) and
  // status 000 as responses: a target that says any of them is broken, and a pass would hide it.
  if (!s->status_line_ok()) {
    s->bad_status_line_ = true;
    return -1;
  }
  // We never send Upgrade: a 101 would hand the connection to a protocol we do not speak.
  if (p->status_code == 101) {
    s->upgrade_refused_ = true;
    return -1;
  }
  // RFC 9112 6.3: these end at the header block, whatever Content-Length says (a 304 may carry the
  // length of the representation it stands for).
  const bool no_body =
      s->head_request_ || p->status_code < 200 || p->status_code == 204 || p->status_code == 304;
  // http-parser sets content_length to ULLONG_MAX when the header is absent.
  if (!no_body && p->content_length != ULLONG_MAX && !(p->flags & F_CHUNKED))
    s->content_length_ = p->content_length;
  // 1 tells http-parser there is no body.
  return no_body ? 1 : 0;
}

int ResponseParser::on_body(http_parser* p, const char* at, std::size_t len) {
  self(p)->keep_body(at, len);
  return 0;
}

int ResponseParser::on_message_complete(http_parser* p) {
  auto* s = self(p);
  if (p->status_code >= 100 && p->status_code < 200) return 0;  // interim response: keep reading
  s->complete_ = true;
  s->keep_alive_ = http_should_keep_alive(p) != 0;
  // Stop here: nothing after the response belongs to us (we never pipeline).
  http_parser_pause(p, 1);
  return 0;
}

}  // namespace cicada::http
