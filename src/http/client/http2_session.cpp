#include "http/client/http2_session.hpp"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <new>

namespace cicada::http {
namespace {

// Window of each stream and of the connection: large, so a response is rarely held up by WINDOW_UPDATEs
// (h2load's default is larger still).
constexpr std::uint32_t kWindow = 16u << 20;

Http2Session* self_of(void* p) { return static_cast<Http2Session*>(p); }

// Headers HTTP/2 forbids (RFC 9113 8.2.2) or carries as pseudo-headers (Host is :authority).
bool connection_specific(std::string_view name, std::string_view value) {
  return equals_nocase(name, "connection") || equals_nocase(name, "keep-alive") ||
         equals_nocase(name, "proxy-connection") || equals_nocase(name, "transfer-encoding") ||
         equals_nocase(name, "upgrade") || equals_nocase(name, "host") ||
         (equals_nocase(name, "te") && !equals_nocase(value, "trailers"));
}

void append_code(std::string& out, std::uint32_t code) {
  out += nghttp2_http2_strerror(code);
  char hex[16];
  const int n = std::snprintf(hex, sizeof hex, " (0x%x)", code);
  out.append(hex, static_cast<std::size_t>(std::max(n, 0)));
}

}  // namespace

Http2Session::Http2Session(ResponseParser& response) : response_(response) {
  nghttp2_session_callbacks* callbacks = nullptr;
  if (nghttp2_session_callbacks_new(&callbacks) != 0) throw std::bad_alloc();
  nghttp2_session_callbacks_set_on_begin_headers_callback(callbacks, &Http2Session::on_begin_headers);
  nghttp2_session_callbacks_set_on_header_callback(callbacks, &Http2Session::on_header);
  nghttp2_session_callbacks_set_on_frame_recv_callback(callbacks, &Http2Session::on_frame_recv);
  nghttp2_session_callbacks_set_on_data_chunk_recv_callback(callbacks, &Http2Session::on_data_chunk);
  nghttp2_session_callbacks_set_on_stream_close_callback(callbacks, &Http2Session::on_stream_close);
  nghttp2_session_callbacks_set_on_frame_send_callback(callbacks, &Http2Session::on_frame_send);
  const int rv = nghttp2_session_client_new(&session_, callbacks, this);
  nghttp2_session_callbacks_del(callbacks);
  if (rv != 0) throw std::bad_alloc();
  const nghttp2_settings_entry settings[] = {{NGHTTP2_SETTINGS_ENABLE_PUSH, 0},
                                             {NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, kWindow}};
  nghttp2_submit_settings(session_, NGHTTP2_FLAG_NONE, settings, std::size(settings));
  nghttp2_session_set_local_window_size(session_, NGHTTP2_FLAG_NONE, 0, static_cast<std::int32_t>(kWindow));
  header_text_.reserve(512);
  header_offsets_.reserve(48);
  nva_.reserve(16);
}

Http2Session::~Http2Session() { nghttp2_session_del(session_); }

bool Http2Session::submit(const RequestHead& head, bool tls, std::string& error) {
  header_text_.clear();
  header_offsets_.clear();
  // Names are written in lower case (HTTP/2 requires it), each name and value as offsets into one
  // string, turned into nghttp2's array once the string no longer grows.
  const auto mark = [this] { header_offsets_.push_back(header_text_.size()); };
  const auto add = [&](std::string_view name, std::string_view value) {
    mark();
    for (char c : name) header_text_ += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    mark();
    header_text_ += value;
  };
  add(":method", head.method);
  add(":scheme", tls ? "https" : "http");
  add(":authority", {});
  append_host_header_value(header_text_, *head.origin);
  add(":path", head.target.empty() || head.target.front() == '?' ? "/" : "");
  header_text_ += head.target;
  for_each_request_header(
      head,
      [&](std::string_view name, std::string_view value) {
        if (!connection_specific(name, value)) add(name, value);
      },
      [&](char kind) {
        if (kind == 'c') {
          add("cookie", {});
          head.cookies->append_cookie_header_value(header_text_);
        } else {
          add("content-length", {});
          append_content_length(header_text_, head);
        }
      });
  mark();
  nva_.clear();
  const auto* text = reinterpret_cast<std::uint8_t*>(header_text_.data());
  for (std::size_t i = 0; i + 2 < header_offsets_.size(); i += 2) {
    const std::size_t name = header_offsets_[i], value = header_offsets_[i + 1];
    const std::size_t end = header_offsets_[i + 2];
    nghttp2_nv nv{};
    nv.name = const_cast<std::uint8_t*>(text + name);
    nv.namelen = value - name;
    nv.value = const_cast<std::uint8_t*>(text + value);
    nv.valuelen = end - value;
    // The strings live until the frame is written (take_output() before the next submit()).
    nv.flags = NGHTTP2_NV_FLAG_NO_COPY_NAME | NGHTTP2_NV_FLAG_NO_COPY_VALUE;
    nva_.push_back(nv);
  }

  body_ = head.body;
  body_sent_ = 0;
  outcome_ = Outcome::kPending;
  reset_code_ = 0;
  reset_by_us_ = false;
  nghttp2_data_provider body{};
  body.read_callback = &Http2Session::read_body;
  const std::int32_t id = nghttp2_submit_request(session_, nullptr, nva_.data(), nva_.size(),
                                                 head.body.empty() ? nullptr : &body, nullptr);
  if (id < 0) {
    error.assign("HTTP/2: the request could not be sent: ");
    error += nghttp2_strerror(id);
    stream_id_ = -1;
    return false;
  }
  stream_id_ = id;
  return true;
}

bool Http2Session::take_output(std::string& out) {
  for (;;) {
    const std::uint8_t* data = nullptr;
    const ssize_t n = nghttp2_session_mem_send(session_, &data);
    if (n < 0) {
      fail(std::string("HTTP/2 session failed: ") + nghttp2_strerror(static_cast<int>(n)));
      return false;
    }
    if (n == 0) break;
    out.append(reinterpret_cast<const char*>(data), static_cast<std::size_t>(n));
  }
  check_ended();
  return !broken_;
}

bool Http2Session::receive(const char* data, std::size_t size) {
  response_.clear_overflow();  // what the last read decoded past the body limit was read by now
  if (received_ == 0 && size > 0 && data[0] == 'H') {
    // h2c with prior knowledge sent to an HTTP/1.x server: it answers (usually 400) in HTTP/1.x.
    const std::string_view got(data, std::min<std::size_t>(size, 40));
    std::string text = "the server answered in HTTP/1.x, not HTTP/2 (h2c with prior knowledge): \"";
    for (char c : got.substr(0, got.find('\r'))) text += (c >= 0x20 && c < 0x7f) ? c : '.';
    text += "\"; run without --http2 for this host";
    fail(text);
    return false;
  }
  received_ += size;
  const ssize_t n = nghttp2_session_mem_recv(session_, reinterpret_cast<const std::uint8_t*>(data), size);
  if (n < 0) {
    fail(std::string("HTTP/2 connection error: ") + nghttp2_strerror(static_cast<int>(n)));
    return false;
  }
  check_ended();
  return !broken_;
}

bool Http2Session::refused_by_goaway() const {
  return outcome_ == Outcome::kReset && goaway_ && reset_code_ == NGHTTP2_REFUSED_STREAM;
}

bool Http2Session::usable() const { return !broken_ && !goaway_ && nghttp2_session_want_read(session_) != 0; }

void Http2Session::describe(std::string& out) const {
  out.clear();
  if (outcome_ == Outcome::kReset) {
    out += reset_by_us_
               ? "by cicada, as the response broke the HTTP/2 rules (a content-length its data did not "
                 "match, a missing or bad :status, a forbidden header): "
               : "by the server: ";
    append_code(out, reset_code_);
    if (goaway_ && reset_code_ == NGHTTP2_REFUSED_STREAM)
      out += ", the server is closing the connection (GOAWAY)";
  } else {
    out += error_;
  }
}

void Http2Session::check_ended() {
  if (outcome_ != Outcome::kPending || stream_id_ < 0) return;
  if (nghttp2_session_want_read(session_) != 0 || nghttp2_session_want_write(session_) != 0) return;
  std::string text;
  if (sent_goaway_) {
    text = "HTTP/2 protocol error by the server: the client ended the connection with ";
    append_code(text, sent_goaway_code_);
  } else {
    text = "the server ended the HTTP/2 connection (GOAWAY ";
    append_code(text, goaway_code_);
    text += ") before answering";
  }
  fail(text);
}

void Http2Session::fail(std::string_view text) {
  broken_ = true;
  if (error_.empty()) error_.assign(text);
  if (outcome_ == Outcome::kPending) outcome_ = Outcome::kConnectionError;
}

int Http2Session::on_begin_headers(nghttp2_session*, const nghttp2_frame* frame, void* p) {
  Http2Session* s = self_of(p);
  if (frame->hd.type == NGHTTP2_HEADERS && s->ours(frame->hd.stream_id)) s->response_.frame_begin_headers();
  return 0;
}

int Http2Session::on_header(nghttp2_session*, const nghttp2_frame* frame, const std::uint8_t* name,
                            std::size_t namelen, const std::uint8_t* value, std::size_t valuelen,
                            std::uint8_t, void* p) {
  Http2Session* s = self_of(p);
  if (frame->hd.type != NGHTTP2_HEADERS || !s->ours(frame->hd.stream_id)) return 0;
  // nghttp2 has checked the block already (a three-digit :status, no connection headers).
  (void)s->response_.frame_header(std::string_view(reinterpret_cast<const char*>(name), namelen),
                                  std::string_view(reinterpret_cast<const char*>(value), valuelen));
  return 0;
}

int Http2Session::on_frame_recv(nghttp2_session*, const nghttp2_frame* frame, void* p) {
  Http2Session* s = self_of(p);
  switch (frame->hd.type) {
    case NGHTTP2_HEADERS:
      if (!s->ours(frame->hd.stream_id)) break;
      s->response_.frame_end_headers();
      if (frame->hd.flags & NGHTTP2_FLAG_END_STREAM) s->end_of_stream();
      break;
    case NGHTTP2_DATA:
      if (s->ours(frame->hd.stream_id) && (frame->hd.flags & NGHTTP2_FLAG_END_STREAM)) s->end_of_stream();
      break;
    case NGHTTP2_GOAWAY:
      s->goaway_ = true;
      s->goaway_code_ = frame->goaway.error_code;
      break;
    default:
      break;
  }
  return 0;
}

void Http2Session::end_of_stream() {
  response_.frame_complete();
  outcome_ = Outcome::kComplete;
}

int Http2Session::on_data_chunk(nghttp2_session*, std::uint8_t, std::int32_t stream_id,
                                const std::uint8_t* data, std::size_t len, void* p) {
  Http2Session* s = self_of(p);
  if (s->ours(stream_id)) s->response_.frame_body(reinterpret_cast<const char*>(data), len);
  return 0;
}

int Http2Session::on_stream_close(nghttp2_session*, std::int32_t stream_id, std::uint32_t error_code,
                                  void* p) {
  Http2Session* s = self_of(p);
  if (!s->ours(stream_id)) return 0;
  s->outcome_ = Outcome::kReset;
  s->reset_code_ = error_code;
  return 0;
}

int Http2Session::on_frame_send(nghttp2_session*, const nghttp2_frame* frame, void* p) {
  Http2Session* s = self_of(p);
  if (frame->hd.type == NGHTTP2_GOAWAY) {
    s->sent_goaway_ = true;
    s->sent_goaway_code_ = frame->goaway.error_code;
  }
  // A reset cicada sends (a content-length its DATA does not match, a response with no :status...) is
  // not the server's: the failure says who reset the stream (a probe found every one blamed on the server).
  if (frame->hd.type == NGHTTP2_RST_STREAM && s->ours(frame->hd.stream_id)) s->reset_by_us_ = true;
  return 0;
}

ssize_t Http2Session::read_body(nghttp2_session*, std::int32_t stream_id, std::uint8_t* buf,
                                std::size_t length, std::uint32_t* data_flags, nghttp2_data_source*,
                                void* p) {
  Http2Session* s = self_of(p);
  if (stream_id != s->stream_id_) return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE;
  const std::size_t n = std::min(length, s->body_.size() - s->body_sent_);
  std::memcpy(buf, s->body_.data() + s->body_sent_, n);
  s->body_sent_ += n;
  if (s->body_sent_ == s->body_.size()) *data_flags |= NGHTTP2_DATA_FLAG_EOF;
  return static_cast<ssize_t>(n);
}

}  // namespace cicada::http
