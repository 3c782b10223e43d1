#include "http/client/response_parser.hpp"

#include <climits>

namespace cicada::http {
namespace {

ResponseParser* self(http_parser* p) { return static_cast<ResponseParser*>(p->data); }

char lower(char c) { return (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c; }

bool equal_nocase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (lower(a[i]) != lower(b[i])) return false;
  return true;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
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
  content_length_.reset();
  status_ = 0;
  in_value_ = false;
  started_ = false;
  complete_ = false;
  keep_alive_ = false;
}

ResponseParser::State ResponseParser::feed(const char* data, std::size_t size) {
  if (complete_) return State::kComplete;
  if (size > 0) started_ = true;
  http_parser_execute(&parser_, &settings_, data, size);
  if (complete_) return State::kComplete;  // paused on purpose in on_message_complete
  if (HTTP_PARSER_ERRNO(&parser_) != HPE_OK) return State::kError;
  return State::kNeedMore;
}

ResponseParser::State ResponseParser::feed_eof() {
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

const char* ResponseParser::error_name() const {
  return http_errno_name(static_cast<http_errno>(HTTP_PARSER_ERRNO(&parser_)));
}

bool ResponseParser::next_header(std::string_view name, std::size_t& pos, std::string_view& value) const {
  const std::string_view block = headers_;
  while (pos < block.size()) {
    auto end = block.find('\n', pos);
    if (end == std::string_view::npos) end = block.size();
    const std::string_view line = block.substr(pos, end - pos);
    pos = end + 1;
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    if (equal_nocase(line.substr(0, colon), name)) {
      value = trim(line.substr(colon + 1));
      return true;
    }
  }
  return false;
}

std::optional<std::string_view> ResponseParser::header(std::string_view name) const {
  std::size_t pos = 0;
  std::string_view value;
  if (next_header(name, pos, value)) return value;
  return std::nullopt;
}

int ResponseParser::on_message_begin(http_parser* p) {
  // Also called for the final response after an interim 1xx: forget the interim one's headers.
  auto* s = self(p);
  s->headers_.clear();
  s->reason_.clear();
  s->body_.clear();
  s->in_value_ = false;
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

int ResponseParser::on_headers_complete(http_parser* p) {
  auto* s = self(p);
  if (s->in_value_) s->headers_ += '\n';
  s->in_value_ = false;
  s->status_ = p->status_code;
  // http-parser sets content_length to ULLONG_MAX when the header is absent.
  if (p->content_length != ULLONG_MAX && !(p->flags & F_CHUNKED)) s->content_length_ = p->content_length;
  // 1 tells http-parser there is no body: only the request knows a HEAD response has none.
  return s->head_request_ ? 1 : 0;
}

int ResponseParser::on_body(http_parser* p, const char* at, std::size_t len) {
  self(p)->body_.append(at, len);
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
