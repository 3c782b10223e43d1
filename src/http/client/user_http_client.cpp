// g++ 12 at -O2 reports a false "potential null pointer dereference" in Asio's scheduler
// (scheduler.ipp:325) once inlined; the check runs in the middle end, so it is off for this file only.
#pragma GCC diagnostic ignored "-Wnull-dereference"

#include "http/client/user_http_client.hpp"

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>

namespace cicada::http {

namespace asio = boost::asio;
using boost::system::error_code;

namespace {

bool is_redirect(int status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

}  // namespace

ConnectionRef UserHttpClient::new_connection() {
  // HTTP/2 frames its own reads and writes on one connection: it stays on Asio's operations.
  return Connection::create(shared_.io(), shared_.buffers(),
                            shared_.config().http2 ? nullptr : shared_.uring());
}

UserHttpClient::UserHttpClient(SharedClientState& shared, RequestSink& sink, std::string_view base_url)
    : shared_(shared),
      sink_(sink),
      base_url_(base_url.empty() ? std::string_view(shared.config().base_url) : base_url),
      conn_(new_connection()) {
  std::string_view base_target;
  base_ok_ = parse_absolute_url(base_url_, base_origin_, base_target);
  // As Locust, a relative path goes after the host's own ("--host http://gw/model-a": "/predict" is
  // "/model-a/predict"); a trailing '/' of the host's is not doubled.
  std::string_view base_path = base_target.substr(0, base_target.find('?'));
  while (!base_path.empty() && base_path.back() == '/') base_path.remove_suffix(1);
  if (base_ok_ && !base_path.empty()) {
    base_path_at_ = static_cast<std::uint32_t>(base_path.data() - base_url_.data());
    base_path_size_ = static_cast<std::uint32_t>(base_path.size());
  }
  head_.run_defaults = &shared_.config().default_headers;
  head_.user_defaults = &user_headers_;
  head_.cookies = &cookies_;
  parser_.set_body_limit(shared_.config().max_body_bytes);
}

UserHttpClient::~UserHttpClient() {
  if (pending_) record_default();
  // The test ended (or the user was stopped) while this request waited: it never got its answer.
  if (in_flight_) report_unanswered();
  conn_->detach();
}

void UserHttpClient::report_unanswered() {
  in_flight_ = false;
  const MonoTime now = mono_now();
  if (streaming_ && parser_.status() < 400) {
    // A stream that had answered and was still arriving: what it measured until the cut is kept.
    StreamSample partial;
    const std::int64_t silent_us = stream_->cut(now, partial);
    sink_.on_cut_stream(method_, name_, micros_between(due_at_, now), silent_us, partial);
    return;
  }
  // Where its last hop (a redirect's, a resend after GOAWAY) was.
  sink_.on_unanswered(method_, name_, micros_between(due_at_, now),
                      !written_      ? RequestSink::CutAt::kConnecting
                      : answer_seen_ ? RequestSink::CutAt::kReceiving
                                     : RequestSink::CutAt::kWaiting);
}

void UserHttpClient::kill() {
  kill_armed_ = true;
  // The pending connect, write or read completes with operation_aborted (a request timeout closes the same
  // way); the request sees kill_armed_ and throws. HTTP/2: this user's own connection, its one stream.
  if (in_flight_ && conn_->is_open()) conn_->close();
}

void UserHttpClient::set_default_header(std::string_view name, std::string_view value) {
  for (auto& [n, v] : user_headers_) {
    if (n == name) {
      v.assign(value);
      return;
    }
  }
  user_headers_.emplace_back(std::string(name), std::string(value));
}

Task<Response> UserHttpClient::request(std::string_view method, std::string_view path,
                                       RequestOptions options) {
  if (take_kill()) throw UserKilled{};  // killed between two requests: this one is not made
  // First, so that a malformed rule (a C++ scenario's mistake) throws before anything is sent or counted.
  stream_counting_ = &shared_.token_counting(options.stream_tokens);
  // A previous catch_response Response still alive: it is recorded now, before its state is overwritten.
  if (pending_) record_default();
  // The previous request's coroutine was destroyed while it waited (its caller went away).
  if (in_flight_) report_unanswered();
  const MonoTime sent = mono_now();
  const MonoTime due = due_ && *due_ < sent ? *due_ : sent;
  due_.reset();
  sent_ = sent;
  due_at_ = due;
  first_byte_seen_ = false;
  const std::uint64_t ticket = ++ticket_;
  take_buffers();
  request_timeout_ = options.timeout.count() > 0 ? options.timeout : shared_.config().request_timeout;
  const MonoTime deadline = due + request_timeout_;

  TransportError error = TransportError::kNone;
  if (failure_) failure_->detail.clear();
  followed_redirect_ = false;
  if (rare_) rare_->hop_count = 0;
  if (is_absolute_url(path)) {
    if (!parse_absolute_url(path, hop_origin_, target_)) error = TransportError::kBadUrl;
  } else if (base_ok_) {
    hop_origin_ = base_origin_;
    target_ = path;
    if (base_path_size_ > 0) {
      std::string& prefixed = rare().prefixed;
      prefixed.assign(std::string_view(base_url_).substr(base_path_at_, base_path_size_));
      if (!path.empty() && path.front() != '/' && path.front() != '?') prefixed += '/';
      prefixed += path;
      target_ = prefixed;
    }
  } else {
    error = TransportError::kBadUrl;
  }
  if (error != TransportError::kNone)
    failure().detail.assign(is_absolute_url(path) ? path : base_url_);
  else
    requote();  // target_ views the caller's path or rare().prefixed
  // Locust names a request by the path and query of the URL it was asked for (before redirects).
  const std::string_view name = options.name.empty() ? target_ : options.name;
  method_.assign(method);
  name_.assign(error == TransportError::kNone ? name : (options.name.empty() ? path : name));
  in_flight_ = true;
  written_ = false;

  head_.method = method;
  head_.body = options.body;
  head_.content_type = options.content_type;
  head_.headers = options.headers;
  // Checked here, not while writing: nothing is sent and no connection opened for a request that cannot be
  // written. The message is only made for a failure (most users never need failure()'s texts).
  if (error == TransportError::kNone && request_head_problem(head_) != TransportError::kNone)
    error = request_head_problem(head_, &failure().detail);
  for (int hops = 0; error == TransportError::kNone; ++hops) {
    // Two statements, not one co_await of a conditional: g++ 12 destroys such a temporary Task twice.
    if (shared_.config().http2) {
      error = co_await exchange_h2(hop_origin_, deadline);
      // The server ended the connection (GOAWAY) while this request was on its way, and says it did not
      // process it: sent once more, on a new connection. Not a retry of a failure: as with HTTP/1.1's
      // idle check, the server never handled it. (A stream it refuses on its own, overloaded, fails.)
      if (error == TransportError::kStreamReset && h2_ && h2_->refused_by_goaway())
        error = co_await exchange_h2(hop_origin_, deadline);
    } else {
      error = co_await exchange(hop_origin_, deadline);
    }
    if (error != TransportError::kNone) break;
    parser_.for_each_header("Set-Cookie", [this](std::string_view v) { cookies_.set_from_header(v); });
    if (!options.follow_redirects || !is_redirect(parser_.status())) break;
    const auto location = parser_.header("Location");
    if (!location) break;
    if (hops == shared_.config().max_redirects) {
      error = TransportError::kTooManyRedirects;
      failure().detail.assign(std::to_string(shared_.config().max_redirects));
      break;
    }
    record_redirect(parser_.status(), *location);  // before the target moves to the Location
    if (!follow_location(*location)) {
      error = TransportError::kBadUrl;
      failure().detail.assign(*location);
      break;
    }
    followed_redirect_ = true;
    const int status = parser_.status();
    // As browsers and python-requests do: 303 always, and 301/302 after a POST, continue as a GET.
    if (status == 303 || ((status == 301 || status == 302) && head_.method == "POST")) {
      if (head_.method != "HEAD") head_.method = "GET";
      head_.body = {};
      head_.content_type = {};
    }
  }
  if (kill_armed_ && error != TransportError::kNone) {
    // Cut by kill(): not the target's failure. Counted as a request the run's end left unanswered.
    kill_armed_ = false;
    report_unanswered();
    // The pooled buffers stay taken, as after a request whose coroutine went away: the next one uses them.
    throw UserKilled{};
  }
  // Locust's HTTPError text names the name= given, else the last hop's URL (http_error_url).
  error_names_url_ = options.name.empty();
  co_return finish(ticket, due, error, options.catch_response);
}

bool UserHttpClient::follow_location(std::string_view location) {
  // Two alternating buffers: the new target may be built from the current one, which lives in the other.
  std::string& out = rare().locations[location_slot_];
  location_slot_ ^= 1;
  if (!resolve_location(location, out, hop_origin_, target_)) return false;
  requote();  // target_ views `out`
  return true;
}

void UserHttpClient::requote() {
  if (!sent_as_is(target_)) target_ = requote_target(target_, rare().requoted);
}

UserHttpClient::RareTargets& UserHttpClient::rare() {
  if (!rare_) rare_ = std::make_unique<RareTargets>();
  return *rare_;
}

Task<TransportError> UserHttpClient::exchange(const Origin& origin, MonoTime deadline) {
  // A coroutine frame destroyed mid-request left the old connection in an unknown state.
  if (conn_->detached()) conn_ = new_connection();
  written_ = answer_seen_ = false;  // this hop's
  // Until this response's head says otherwise, nothing is a stream (a cut reads these).
  streaming_ = false;
  stream_kind_known_ = false;
  head_.origin = &origin;
  head_.target = target_;
  write_request(write_buffer_, head_);
  const bool head_request = head_.method == "HEAD";

  bool reused = conn_->is_open() && conn_->origin() == origin;
  if (reused) {
    // Checked before writing, so nothing is ever sent twice: a connection the server closed while it was
    // idle is replaced (the server never saw this request; urllib3 checks the same before reuse), and
    // bytes waiting on it answer no request (a server that answered twice): reading them as this
    // request's response would put every later pairing out of step.
    const IoResult idle = co_await conn_->idle_check();
    if (idle.ec) {
      conn_->close();
      reused = false;
    } else if (idle.bytes > 0) {
      conn_->close();
      failure().detail.assign("the server sent ");
      failure().detail += std::to_string(idle.bytes);
      failure().detail += idle.bytes >= Connection::kPeekSize ? "+ bytes" : " bytes";
      failure().detail += " while the connection was idle (an answer to no request); connection closed";
      co_return TransportError::kMalformedResponse;
    }
  }
  if (!reused) {
    if (TransportError e = co_await open(origin, deadline); e != TransportError::kNone) co_return e;
  }
  conn_->arm(deadline);
  written_ = true;
  const IoResult written = co_await conn_->write(write_buffer_);
  if (written.ec) co_return fail(written.ec, TransportError::kRequestTimeout);
  parser_.reset(head_request);
  ResponseParser::State state = ResponseParser::State::kNeedMore;
  error_code read_error;
  while (state == ResponseParser::State::kNeedMore) {
    const IoResult got = co_await conn_->read_some();
    const MonoTime now = mono_now();
    const std::size_t body_before = parser_.body().size();
    if (got.ec == asio::error::eof || got.ec == asio::ssl::error::stream_truncated) {
      state = parser_.feed_eof();
    } else if (got.ec) {
      read_error = got.ec;
      break;
    } else {
      if (!first_byte_seen_ && got.bytes > 0) {
        first_byte_ = now;
        first_byte_seen_ = true;
      }
      answer_seen_ = answer_seen_ || got.bytes > 0;
      state = parser_.feed(conn_->read_data(), got.bytes);
    }
    observe_stream(body_before, now, state != ResponseParser::State::kNeedMore);
  }
  if (state == ResponseParser::State::kComplete) {
    conn_->disarm();
    if (parser_.extra_bytes() > 0) {
      conn_->close();
      failure().detail.assign("the response was followed by ");
      failure().detail += std::to_string(parser_.extra_bytes());
      failure().detail += " more bytes (an answer to no request); connection closed";
      co_return TransportError::kMalformedResponse;
    }
    if (!parser_.keep_alive()) conn_->close();
    co_return TransportError::kNone;
  }
  if (read_error) co_return fail(read_error, TransportError::kRequestTimeout);
  conn_->disarm();
  conn_->close();
  if (!parser_.started()) co_return TransportError::kClosedBeforeResponse;
  parser_.describe_error(failure().detail);
  co_return TransportError::kMalformedResponse;
}

Task<TransportError> UserHttpClient::exchange_h2(const Origin& origin, MonoTime deadline) {
  if (conn_->detached()) conn_ = new_connection();
  written_ = answer_seen_ = false;  // as in exchange()
  streaming_ = false;
  stream_kind_known_ = false;
  head_.origin = &origin;
  head_.target = target_;
  bool reused = h2_ && conn_->is_open() && conn_->origin() == origin && h2_->usable();
  // What the server sent since the last response (a PING, SETTINGS, a GOAWAY before it closes) is read
  // before anything is written, so a request never goes to a connection the server is ending.
  while (reused) {
    const long waiting = conn_->waiting_bytes();
    if (waiting == 0) break;
    if (waiting < 0) {
      reused = false;
      break;
    }
    conn_->arm(deadline);
    const IoResult got = co_await conn_->read_some();
    if (got.ec && conn_->timed_out()) co_return fail(got.ec, TransportError::kRequestTimeout);
    if (got.ec || !h2_->receive(conn_->read_data(), got.bytes) || !h2_->usable()) reused = false;
  }
  if (!reused) {
    h2_.reset();
    if (TransportError e = co_await open(origin, deadline); e != TransportError::kNone) co_return e;
    h2_ = std::make_unique<Http2Session>(parser_);
  }
  parser_.reset(head_.method == "HEAD");
  if (!h2_->submit(head_, origin.tls, failure().detail)) {
    conn_->close();
    co_return TransportError::kProtocolError;
  }
  conn_->arm(deadline);
  for (;;) {
    write_buffer_.clear();
    const bool session_ok = h2_->take_output(write_buffer_);
    if (!write_buffer_.empty()) {
      written_ = true;
      const IoResult written = co_await conn_->write(write_buffer_);
      if (written.ec) co_return fail(written.ec, TransportError::kRequestTimeout);
    }
    if (!session_ok || h2_->outcome() != Http2Session::Outcome::kPending) break;
    const IoResult got = co_await conn_->read_some();
    const MonoTime now = mono_now();
    if (got.ec == asio::error::eof || got.ec == asio::ssl::error::stream_truncated) {
      conn_->disarm();
      conn_->close();
      if (!parser_.started()) co_return TransportError::kClosedBeforeResponse;
      failure().detail.assign("the connection closed in the middle of the HTTP/2 response");
      co_return TransportError::kMalformedResponse;
    }
    if (got.ec) co_return fail(got.ec, TransportError::kRequestTimeout);
    const std::size_t body_before = parser_.body().size();
    const bool ok = h2_->receive(conn_->read_data(), got.bytes);
    answer_seen_ = parser_.started();  // reset before this hop's writes: this stream's frames only
    if (!first_byte_seen_ && parser_.started()) {
      first_byte_ = now;
      first_byte_seen_ = true;
    }
    if (!ok) break;
    observe_stream(body_before, now, h2_->outcome() != Http2Session::Outcome::kPending);
  }
  conn_->disarm();
  switch (h2_->outcome()) {
    case Http2Session::Outcome::kComplete:
      co_return TransportError::kNone;
    case Http2Session::Outcome::kReset:  // only the stream: the connection goes on
      h2_->describe(failure().detail);
      co_return TransportError::kStreamReset;
    default:
      h2_->describe(failure().detail);
      conn_->close();
      co_return TransportError::kProtocolError;
  }
}

void UserHttpClient::observe_stream(std::size_t body_before, MonoTime now, bool done) {
  if (!parser_.started()) return;
  const std::string_view body = parser_.body();
  // The Content-Type is read once the head is complete (the parser says so, or the first body byte or
  // the end proves it): a stream whose head came is answered, though no event came yet.
  if (!stream_kind_known_ && (parser_.headers_done() || !body.empty() || done)) {
    stream_kind_known_ = true;
    const auto kind = EventStream::kind_of(parser_.header("Content-Type").value_or(std::string_view()));
    if (kind != EventStream::Kind::kNone) {
      if (!stream_) stream_ = std::make_unique<EventStream>();
      stream_->reset(due_at_);
      stream_->set_counting(stream_counting_);
      stream_->first_byte(first_byte_seen_ ? first_byte_ : now);
      stream_->start(kind);
      streaming_ = true;
    }
    body_before = 0;
  }
  if (!streaming_) return;
  if (body.size() > body_before) stream_->feed(body.substr(body_before), now);
  // Past --max-body-size the body is not kept, but the stream's events are read all the same.
  if (!parser_.overflow().empty()) stream_->feed(parser_.overflow(), now);
}

Response UserHttpClient::finish(std::uint64_t ticket, MonoTime due, TransportError error,
                                bool catch_response) {
  const MonoTime done = mono_now();
  in_flight_ = false;
  elapsed_us_ = micros_between(due, done);
  uncorrected_us_ = micros_between(sent_, done);
  if (chain_due_) due_ = done;
  // An HTTP error's body is no answer stream (a 500 sent as text/event-stream): only the request counts it.
  if (error == TransportError::kNone && streaming_ && parser_.status() < 400) {
    StreamSample sample;
    stream_->finish(done, sample);
    sink_.on_stream(method_, name_, sample);  // beside the request's own record (settled below or later)
  }

  // The Response takes the parser's (pooled) strings; they go back to the pool when it goes away.
  detail::ResponseData data;
  data.error = std::move(response_error_);
  give_buffers();
  data.elapsed_us = elapsed_us_;
  if (error == TransportError::kNone) {
    // Before the swap: body_truncated() compares the bytes received with the body the parser still holds.
    data.body_truncated = parser_.body_truncated();
    parser_.swap_buffers(data.headers, data.reason, data.body);
    data.status = parser_.status();
    data.content_size = parser_.content_size();
    data.error.clear();
    if (data.status >= 400)
      format_http_error(failure().text, data.status, data.reason, http_error_url(name_));
    else if (failure_)
      failure_->text.clear();
  } else {
    parser_.swap_buffers(data.headers, data.reason, data.body);  // the pooled strings, emptied
    data.headers.clear();
    data.reason.clear();
    data.body.clear();
    data.status = 0;
    data.content_size = 0;
    data.body_truncated = false;
    const auto& cfg = shared_.config();
    const auto timeout = error == TransportError::kConnectTimeout ? cfg.connect_timeout : request_timeout_;
    format_transport_error(data.error, error, failure().detail, timeout);
    failure().text.assign(data.error);
  }
  content_size_ = data.content_size;
  pending_ = true;
  if (!catch_response) record_default();
  return Response(this, ticket, catch_response, std::move(data));
}

void UserHttpClient::report(std::string_view error) {
  RequestRecord record;
  record.method = method_;
  record.name = name_;
  record.response_time_us = elapsed_us_;
  record.uncorrected_response_time_us = uncorrected_us_;
  if (first_byte_seen_) record.time_to_first_byte_us = micros_between(sent_, first_byte_);
  record.response_bytes = content_size_;
  record.error = error;
  sink_.on_request(record);
}

std::string_view UserHttpClient::http_error_url(std::string_view name) {
  if (!error_names_url_) return name;
  std::string& url = failure().url;
  last_url(url);
  return url;
}

void UserHttpClient::record_redirect(int status, std::string_view location) {
  RareTargets& r = rare();
  if (r.hop_count == r.hops.size()) r.hops.emplace_back();
  RedirectHop& hop = r.hops[r.hop_count++];
  hop.status = status;
  last_url(hop.url);
  hop.location.assign(location);
}

void UserHttpClient::last_url(std::string& out) const {
  // requests' response.url: the last hop's URL, as it was sent.
  out.assign(hop_origin_.tls ? "https://" : "http://");
  append_host_header_value(out, hop_origin_);
  out.append(target_);
}

UserHttpClient::FailureTexts& UserHttpClient::failure() {
  if (!failure_) failure_ = std::make_unique<FailureTexts>();
  return *failure_;
}

void UserHttpClient::record_default() {
  pending_ = false;
  report(failure_text());
}

void UserHttpClient::settle(std::uint64_t ticket, bool failed, std::string_view message) {
  if (!pending_ || ticket != ticket_) return;
  pending_ = false;
  if (failed) {
    format_catch_response_error(failure().text, message);
    report(failure_text());
  } else {
    report({});
  }
}

void UserHttpClient::settle_default(std::uint64_t ticket) {
  if (pending_ && ticket == ticket_) record_default();
}

void UserHttpClient::recycle(detail::ResponseData&& data) noexcept {
  shared_.buffers().give_response(std::move(data));
}

void UserHttpClient::take_buffers() {
  // Still held when the previous request's coroutine went away before it finished.
  if (holds_buffers_) return;
  BufferPool& pool = shared_.buffers();
  write_buffer_ = pool.take_request();
  detail::ResponseData strings = pool.take_response();
  parser_.swap_buffers(strings.headers, strings.reason, strings.body);
  response_error_ = std::move(strings.error);
  holds_buffers_ = true;
}

void UserHttpClient::give_buffers() {
  conn_->release_read_buffer();
  if (!holds_buffers_) return;
  holds_buffers_ = false;
  shared_.buffers().give_request(std::exchange(write_buffer_, {}));
}

}  // namespace cicada::http
