#include "http/server/server_h2_session.hpp"

#include <nghttp2/nghttp2.h>

#include <algorithm>
#include <charconv>
#include <cstring>

#include "http/server/json_text.hpp"
#include "http/server/router.hpp"

namespace cicada::http {

// nghttp2's callbacks, with access to the session's streams.
struct H2Callbacks {
  static H2ServerSession& of(void* p) { return *static_cast<H2ServerSession*>(p); }

  static int on_begin_headers(nghttp2_session*, const nghttp2_frame* frame, void* p) {
    if (frame->hd.type != NGHTTP2_HEADERS || frame->headers.cat != NGHTTP2_HCAT_REQUEST) return 0;
    H2ServerSession& s = of(p);
    // nghttp2 already holds the stream count to SETTINGS_MAX_CONCURRENT_STREAMS; this only guards our map
    // against a stream it never reports closed.
    if (s.streams_.size() >= 2 * static_cast<std::size_t>(s.limits_.max_streams))
      return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE;
    s.streams_[frame->hd.stream_id].start = mono_now();
    return 0;
  }

  static int on_header(nghttp2_session*, const nghttp2_frame* frame, const std::uint8_t* name_bytes,
                       std::size_t namelen, const std::uint8_t* value_bytes, std::size_t valuelen,
                       std::uint8_t, void* p) {
    H2ServerSession& session = of(p);
    H2ServerSession::Stream* s = session.find(frame->hd.stream_id);
    if (s == nullptr || s->answered) return 0;
    // Trailers count against the head limit too: every byte kept or looked at is bounded.
    s->head_bytes += namelen + valuelen + 32;
    if (s->head_bytes > session.limits_.max_header_bytes) {
      if (s->refuse == 0) s->refuse = 431;
      return 0;
    }
    if (frame->headers.cat != NGHTTP2_HCAT_REQUEST) return 0;
    const std::string_view name(reinterpret_cast<const char*>(name_bytes), namelen);
    const std::string_view value(reinterpret_cast<const char*>(value_bytes), valuelen);
    if (name == ":method") {
      s->method.assign(value);
    } else if (name == ":path") {
      s->target.assign(value);
    } else if (name == "content-type") {
      s->content_type.assign(value);
    } else if (name == "authorization") {
      s->authorization.assign(value);
    } else if (name == "content-length") {
      // nghttp2 checks it is a number and matches the DATA; a body announced over the limit is refused
      // before it is sent, as on HTTP/1.1.
      std::uint64_t length = 0;
      const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), length);
      if (ec == std::errc::result_out_of_range ||
          (ec == std::errc() && length > session.limits_.max_body_bytes))
        if (s->refuse == 0) s->refuse = 413;
    }
    return 0;
  }

  static int on_data(nghttp2_session*, std::uint8_t, std::int32_t id, const std::uint8_t* data,
                     std::size_t len, void* p) {
    H2ServerSession& session = of(p);
    H2ServerSession::Stream* s = session.find(id);
    if (s == nullptr || s->answered) return 0;  // answered early: the rest of its body is dropped
    if (s->body.size() + len > session.limits_.max_body_bytes) {
      session.refuse(id, *s, 413,
                     "request body larger than the limit of " +
                         std::to_string(session.limits_.max_body_bytes) + " bytes");
      return 0;
    }
    if (session.buffered_body_ + len > session.limits_.max_buffered_body_bytes) {
      session.reset(id, *s);  // too much held for this connection at once: the client may retry it
      return 0;
    }
    s->body.append(reinterpret_cast<const char*>(data), len);
    session.buffered_body_ += len;
    return 0;
  }

  static int on_frame_recv(nghttp2_session*, const nghttp2_frame* frame, void* p) {
    H2ServerSession& session = of(p);
    if (frame->hd.type != NGHTTP2_HEADERS && frame->hd.type != NGHTTP2_DATA) return 0;
    const std::int32_t id = frame->hd.stream_id;
    H2ServerSession::Stream* s = session.find(id);
    if (s == nullptr || s->answered) return 0;
    if (s->refuse == 431) {
      session.refuse(id, *s, 431,
                     "request head larger than the limit of " +
                         std::to_string(session.limits_.max_header_bytes) + " bytes");
    } else if (s->refuse == 413) {
      session.refuse(id, *s, 413,
                     "request body larger than the limit of " +
                         std::to_string(session.limits_.max_body_bytes) + " bytes");
    } else if (frame->hd.flags & NGHTTP2_FLAG_END_STREAM) {
      session.complete(id);
    }
    return 0;
  }

  // A response sent in full while the client was still sending its request (413, 431): RST_STREAM
  // NO_ERROR tells it to stop (RFC 9113 §8.1).
  static int on_frame_send(nghttp2_session* ng, const nghttp2_frame* frame, void*) {
    const bool ends = (frame->hd.type == NGHTTP2_HEADERS || frame->hd.type == NGHTTP2_DATA) &&
                      (frame->hd.flags & NGHTTP2_FLAG_END_STREAM);
    if (ends && nghttp2_session_get_stream_remote_close(ng, frame->hd.stream_id) == 0)
      nghttp2_submit_rst_stream(ng, NGHTTP2_FLAG_NONE, frame->hd.stream_id, NGHTTP2_NO_ERROR);
    return 0;
  }

  static int on_stream_close(nghttp2_session*, std::int32_t id, std::uint32_t, void* p) {
    of(p).close_stream(id);
    return 0;
  }

  static ssize_t read_body(nghttp2_session*, std::int32_t id, std::uint8_t* buf, std::size_t length,
                           std::uint32_t* flags, nghttp2_data_source*, void* p) {
    H2ServerSession& session = of(p);
    H2ServerSession::Stream* s = session.find(id);
    if (s == nullptr) return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE;
    const std::size_t n = std::min(length, s->response.size() - s->sent);
    if (n > 0) std::memcpy(buf, s->response.data() + s->sent, n);
    s->sent += n;
    if (s->sent == s->response.size()) *flags |= NGHTTP2_DATA_FLAG_EOF;
    return static_cast<ssize_t>(n);
  }
};

H2ServerSession::H2ServerSession(H2Limits limits, H2Host& host, std::size_t worker)
    : limits_(std::move(limits)), host_(host), worker_(worker), last_request_end_(mono_now()) {
  nghttp2_session_callbacks* callbacks = nullptr;
  if (nghttp2_session_callbacks_new(&callbacks) != 0) {
    fatal_ = true;
    return;
  }
  nghttp2_session_callbacks_set_on_begin_headers_callback(callbacks, &H2Callbacks::on_begin_headers);
  nghttp2_session_callbacks_set_on_header_callback(callbacks, &H2Callbacks::on_header);
  nghttp2_session_callbacks_set_on_data_chunk_recv_callback(callbacks, &H2Callbacks::on_data);
  nghttp2_session_callbacks_set_on_frame_recv_callback(callbacks, &H2Callbacks::on_frame_recv);
  nghttp2_session_callbacks_set_on_frame_send_callback(callbacks, &H2Callbacks::on_frame_send);
  nghttp2_session_callbacks_set_on_stream_close_callback(callbacks, &H2Callbacks::on_stream_close);
  // nghttp2's defaults bound the rest: HPACK table 4 KiB, 8 CONTINUATION frames per head, floods of
  // SETTINGS, PING and RST_STREAM (rapid reset) end the session.
  const int rv = nghttp2_session_server_new(&session_, callbacks, this);
  nghttp2_session_callbacks_del(callbacks);
  if (rv != 0) {
    session_ = nullptr;
    fatal_ = true;
    return;
  }
  const nghttp2_settings_entry settings[] = {
      {NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, limits_.max_streams},
      {NGHTTP2_SETTINGS_MAX_HEADER_LIST_SIZE, static_cast<std::uint32_t>(limits_.max_header_bytes)},
      {NGHTTP2_SETTINGS_ENABLE_PUSH, 0},
  };
  if (nghttp2_submit_settings(session_, NGHTTP2_FLAG_NONE, settings, std::size(settings)) != 0) fatal_ = true;
  ready_.reserve(limits_.max_streams);
}

H2ServerSession::~H2ServerSession() {
  // nghttp2_session_del reports no stream closes: every exchange still open is finished here, so the
  // in-flight count and the metrics stay right when a connection drops mid-request.
  for (auto& [id, s] : streams_) {
    if (s.exchange_open) host_.finished(s.exchange);
  }
  if (session_ != nullptr) nghttp2_session_del(session_);
}

H2ServerSession::Stream* H2ServerSession::find(std::int32_t id) {
  auto it = streams_.find(id);
  return it == streams_.end() ? nullptr : &it->second;
}

bool H2ServerSession::receive(const char* data, std::size_t size) {
  if (fatal_) return false;
  const auto rv = nghttp2_session_mem_recv(session_, reinterpret_cast<const std::uint8_t*>(data), size);
  if (rv < 0) {
    // Not HTTP/2 after all (a bad preface), out of memory, or a flood nghttp2 gave up on: nothing more
    // is read. nghttp2 queues no GOAWAY for these (a probe's 10 CONTINUATION frames got a bare close), so
    // one is queued here, saying why (a no-op when one is already on its way), and written before the close.
    const auto code = rv == NGHTTP2_ERR_FLOODED || rv == NGHTTP2_ERR_TOO_MANY_CONTINUATIONS
                          ? NGHTTP2_ENHANCE_YOUR_CALM
                      : rv == NGHTTP2_ERR_NOMEM ? NGHTTP2_INTERNAL_ERROR
                                                : NGHTTP2_PROTOCOL_ERROR;
    nghttp2_session_terminate_session(session_, code);
    fatal_ = true;
    ready_.clear();
    return false;
  }
  // Dispatched after mem_recv, not inside its callbacks: the handlers run outside nghttp2's parsing.
  for (std::size_t i = 0; i < ready_.size(); ++i) {
    if (Stream* s = find(ready_[i]); s != nullptr && !s->answered) answer(ready_[i], *s);
  }
  ready_.clear();
  return !done();
}

void H2ServerSession::take_output(std::string& out, std::size_t max_bytes) {
  if (session_ == nullptr) return;
  while (out.size() < max_bytes) {
    const std::uint8_t* bytes = nullptr;
    const auto n = nghttp2_session_mem_send(session_, &bytes);
    if (n < 0) {
      fatal_ = true;
      return;
    }
    if (n == 0) return;
    out.append(reinterpret_cast<const char*>(bytes), static_cast<std::size_t>(n));
  }
}

bool H2ServerSession::done() const {
  if (session_ == nullptr) return true;
  if (fatal_) return nghttp2_session_want_write(session_) == 0;
  return nghttp2_session_want_read(session_) == 0 && nghttp2_session_want_write(session_) == 0;
}

void H2ServerSession::goaway() {
  if (session_ == nullptr || fatal_) return;
  nghttp2_submit_goaway(session_, NGHTTP2_FLAG_NONE, nghttp2_session_get_last_proc_stream_id(session_),
                        NGHTTP2_NO_ERROR, nullptr, 0);
}

bool H2ServerSession::idle() const {
  return streams_.empty() && (session_ == nullptr || nghttp2_session_want_write(session_) == 0);
}

MonoTime H2ServerSession::oldest_stream_start() const {
  return streams_.empty() ? MonoTime::max() : streams_.begin()->second.start;
}

void H2ServerSession::complete(std::int32_t id) { ready_.push_back(id); }

void H2ServerSession::answer(std::int32_t id, Stream& s) {
  if (pending_response_ > limits_.max_pending_response_bytes) {
    reset(id, s);  // the client reads its answers slower than it asks: it may retry this one later
    return;
  }
  ++requests_;
  s.exchange = H2Exchange{};
  s.exchange.read_done = mono_now();
  s.exchange_open = true;
  const std::string_view target = s.target;
  ServerRequest request{s.method, target, path_of(target), s.content_type, s.body, worker_, s.authorization};
  ServerResponse& out = response_;
  out.status = 200;
  out.content_type.assign(kDefaultResponseContentType);
  out.body.clear();
  out.headers.clear();
  out.on_stream = nullptr;
  host_.dispatch(request, out, s.exchange);
  if (out.on_stream) {
    // Streamed responses (the web UI's server-sent events) are served over HTTP/1.1 only.
    out.on_stream = nullptr;
    out.status = 501;
    out.content_type.assign("application/json");
    out.body = json_error_body("this route streams its response: use HTTP/1.1");
    out.headers.clear();
  }
  release_body(s);
  submit(id, s, out, s.method == "HEAD");
}

void H2ServerSession::refuse(std::int32_t id, Stream& s, int status, std::string_view message) {
  ++requests_;
  release_body(s);
  s.exchange = H2Exchange{};
  s.exchange.read_done = mono_now();
  s.exchange_open = true;
  ServerResponse& out = response_;
  out.status = status;
  out.content_type.assign("application/json");
  out.body = json_error_body(message);
  out.headers.clear();
  out.on_stream = nullptr;
  submit(id, s, out, false);
}

void H2ServerSession::submit(std::int32_t id, Stream& s, ServerResponse& out, bool head) {
  s.answered = true;
  s.exchange.status = out.status;
  char status_text[8];
  char length_text[24];
  const auto status_end = std::to_chars(status_text, status_text + sizeof status_text, out.status).ptr;
  const auto length_end = std::to_chars(length_text, length_text + sizeof length_text, out.body.size()).ptr;
  const auto nv = [](std::string_view name, std::string_view value) {
    // Copied by nghttp2 (which also lowers the names of the handler's extra headers).
    return nghttp2_nv{reinterpret_cast<std::uint8_t*>(const_cast<char*>(name.data())),
                      reinterpret_cast<std::uint8_t*>(const_cast<char*>(value.data())), name.size(),
                      value.size(), NGHTTP2_NV_FLAG_NONE};
  };
  std::vector<nghttp2_nv> headers;
  headers.reserve(4 + out.headers.size());
  headers.push_back(
      nv(":status", std::string_view(status_text, static_cast<std::size_t>(status_end - status_text))));
  headers.push_back(nv("content-type", out.content_type));
  // A HEAD answer's content-length still says what GET would send.
  headers.push_back(nv("content-length",
                       std::string_view(length_text, static_cast<std::size_t>(length_end - length_text))));
  headers.push_back(nv("server", limits_.server_name));
  for (const auto& [name, value] : out.headers) headers.push_back(nv(name, value));
  const bool body = !head && !out.body.empty() && out.status != 204 && out.status != 304;
  if (body) {
    s.response = std::move(out.body);
    s.sent = 0;
    pending_response_ += s.response.size();
  }
  nghttp2_data_provider provider{};
  provider.read_callback = &H2Callbacks::read_body;
  if (nghttp2_submit_response(session_, id, headers.data(), headers.size(), body ? &provider : nullptr) != 0)
    reset(id, s);
}

void H2ServerSession::reset(std::int32_t id, Stream& s) {
  s.answered = true;
  release_body(s);
  nghttp2_submit_rst_stream(session_, NGHTTP2_FLAG_NONE, id, NGHTTP2_REFUSED_STREAM);
}

void H2ServerSession::release_body(Stream& s) {
  buffered_body_ -= s.body.size();
  std::string().swap(s.body);
}

void H2ServerSession::close_stream(std::int32_t id) {
  auto it = streams_.find(id);
  if (it == streams_.end()) return;
  Stream& s = it->second;
  release_body(s);
  pending_response_ -= s.response.size();
  if (s.exchange_open) {
    host_.finished(s.exchange);
    last_request_end_ = mono_now();
  }
  streams_.erase(it);
}

}  // namespace cicada::http
