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

bool is_address_literal(const std::string& host) {
  error_code ec;
  (void)asio::ip::make_address(host, ec);
  return !ec;
}

}  // namespace

UserHttpClient::UserHttpClient(SharedClientState& shared, stats::ThreadStats& stats,
                               std::string_view base_url)
    : shared_(shared),
      stats_(stats),
      base_url_(base_url.empty() ? std::string_view(shared.config().base_url) : base_url),
      conn_(Connection::create(shared.io())) {
  std::string_view ignored_target;
  base_ok_ = parse_absolute_url(base_url_, base_origin_, ignored_target);
  head_.run_defaults = &shared_.config().default_headers;
  head_.user_defaults = &user_headers_;
  head_.cookies = &cookies_;
  write_buffer_.reserve(1024);
}

UserHttpClient::~UserHttpClient() {
  if (pending_) record_default();
  conn_->detach();
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
  // A previous catch_response Response still alive: it is recorded now, before its state is overwritten.
  if (pending_) record_default();
  const MonoTime sent = mono_now();
  const MonoTime due = due_ && *due_ < sent ? *due_ : sent;
  due_.reset();
  sent_ = sent;
  const std::uint64_t ticket = ++ticket_;
  stream_due_ = due;
  const MonoTime deadline = due + shared_.config().request_timeout;

  TransportError error = TransportError::kNone;
  error_detail_.clear();
  if (is_absolute_url(path)) {
    if (!parse_absolute_url(path, hop_origin_, target_)) error = TransportError::kBadUrl;
  } else if (base_ok_) {
    hop_origin_ = base_origin_;
    target_ = path;
  } else {
    error = TransportError::kBadUrl;
  }
  if (error != TransportError::kNone) error_detail_.assign(is_absolute_url(path) ? path : base_url_);
  // Locust names a request by the path and query of the URL it was asked for (before redirects).
  const std::string_view name = options.name.empty() ? target_ : options.name;
  const std::string_view stats_name =
      error == TransportError::kNone ? name : (options.name.empty() ? path : name);

  head_.method = method;
  head_.body = options.body;
  head_.content_type = options.content_type;
  head_.headers = options.headers;
  for (int hops = 0; error == TransportError::kNone; ++hops) {
    error = co_await exchange(hop_origin_, deadline);
    if (error != TransportError::kNone) break;
    parser_.for_each_header("Set-Cookie", [this](std::string_view v) { cookies_.set_from_header(v); });
    if (!options.follow_redirects || !is_redirect(parser_.status())) break;
    const auto location = parser_.header("Location");
    if (!location) break;
    if (hops == shared_.config().max_redirects) {
      error = TransportError::kTooManyRedirects;
      error_detail_.assign(std::to_string(shared_.config().max_redirects));
      break;
    }
    if (!follow_location(*location)) {
      error = TransportError::kBadUrl;
      error_detail_.assign(*location);
      break;
    }
    const int status = parser_.status();
    // As browsers and python-requests do: 303 always, and 301/302 after a POST, continue as a GET.
    if (status == 303 || ((status == 301 || status == 302) && head_.method == "POST")) {
      if (head_.method != "HEAD") head_.method = "GET";
      head_.body = {};
      head_.content_type = {};
    }
  }
  // Locust's HTTPError text names the name= given, else the full URL the request was made to.
  error_url_ = options.name.empty() ? path : std::string_view{};
  co_return finish(ticket, method, stats_name, due, error, options.catch_response);
}

bool UserHttpClient::follow_location(std::string_view location) {
  // Two alternating buffers: the new target may be built from the current one, which lives in the other.
  std::string& out = location_[location_slot_];
  location_slot_ ^= 1;
  if (is_absolute_url(location)) {
    out.assign(location);
    return parse_absolute_url(out, hop_origin_, target_);
  }
  if (location.substr(0, 2) == "//") {  // scheme-relative
    out.assign(hop_origin_.tls ? "https:" : "http:");
    out += location;
    return parse_absolute_url(out, hop_origin_, target_);
  }
  if (!location.empty() && location.front() == '/') {
    out.assign(location);
  } else {  // relative to the current target's directory
    std::string_view base = target_.substr(0, target_.find('?'));
    base = base.substr(0, base.rfind('/') + 1);
    out.assign(base.empty() ? std::string_view("/") : base);
    out += location;
  }
  target_ = out;
  return true;
}

Task<TransportError> UserHttpClient::exchange(const Origin& origin, MonoTime deadline) {
  // A coroutine frame destroyed mid-request left the old connection in an unknown state.
  if (conn_->detached()) conn_ = Connection::create(shared_.io());
  head_.origin = &origin;
  head_.target = target_;
  write_request(write_buffer_, head_);
  const bool head_request = head_.method == "HEAD";

  // A keep-alive connection may have been closed by the server while idle; that shows as a failed write
  // or an EOF before any response byte. Such a request is sent again once on a fresh connection.
  for (bool may_retry = true;; may_retry = false) {
    const bool reused = conn_->is_open() && conn_->origin() == origin;
    if (!reused) {
      if (TransportError e = co_await open(origin, deadline); e != TransportError::kNone) co_return e;
    }
    conn_->arm(deadline);
    const IoResult written = co_await conn_->write(write_buffer_);
    if (written.ec) {
      if (reused && may_retry && !conn_->timed_out()) {
        conn_->close();
        continue;
      }
      co_return fail(written.ec, TransportError::kRequestTimeout);
    }
    parser_.reset(head_request);
    stream_.reset(stream_due_);
    stream_kind_known_ = false;
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
        state = parser_.feed(conn_->read_data(), got.bytes);
      }
      observe_stream(body_before, now, state != ResponseParser::State::kNeedMore);
    }
    if (state == ResponseParser::State::kComplete) {
      conn_->disarm();
      if (!parser_.keep_alive()) conn_->close();
      co_return TransportError::kNone;
    }
    const bool nothing_received = !parser_.started();
    if (reused && may_retry && nothing_received && !conn_->timed_out()) {
      conn_->close();
      continue;
    }
    if (read_error) co_return fail(read_error, TransportError::kRequestTimeout);
    conn_->disarm();
    conn_->close();
    if (nothing_received) co_return TransportError::kClosedBeforeResponse;
    error_detail_.assign(parser_.error_name());
    co_return TransportError::kMalformedResponse;
  }
}

void UserHttpClient::observe_stream(std::size_t body_before, MonoTime now, bool done) {
  if (!parser_.started()) return;
  stream_.first_byte(now);
  const std::string_view body = parser_.body();
  // The Content-Type is read once the head is complete, which the first body byte (or the end) proves.
  if (!stream_kind_known_ && (!body.empty() || done)) {
    stream_kind_known_ = true;
    stream_.set_counting(&shared_.config().stream_tokens);
    stream_.start(EventStream::kind_of(parser_.header("Content-Type").value_or(std::string_view())));
    body_before = 0;
  }
  if (stream_.active() && body.size() > body_before) stream_.feed(body.substr(body_before), now);
}

Task<TransportError> UserHttpClient::open(const Origin& origin, MonoTime deadline) {
  conn_->close();
  const MonoTime connect_deadline = std::min(mono_now() + shared_.config().connect_timeout, deadline);
  const TransportError timeout_kind =
      connect_deadline < deadline ? TransportError::kConnectTimeout : TransportError::kRequestTimeout;
  conn_->arm(connect_deadline);

  const auto* cached = shared_.cached_endpoints(origin.host, origin.port);
  if (!cached) {
    const IoResult r = co_await conn_->resolve(origin.host, origin.port, shared_.resolver());
    if (r.ec || conn_->resolved().empty()) {
      if (conn_->timed_out()) co_return fail(r.ec, timeout_kind);
      conn_->disarm();
      error_detail_.assign(origin.host);
      co_return TransportError::kDnsFailure;
    }
    std::vector<asio::ip::tcp::endpoint> found;
    for (const auto& entry : conn_->resolved()) found.push_back(entry.endpoint());
    shared_.store_endpoints(origin.host, origin.port, std::move(found));
    cached = shared_.cached_endpoints(origin.host, origin.port);
  }
  // Copied: other users of this thread may refresh the shared cache while we wait.
  endpoints_.assign(cached->begin(), cached->end());

  error_code connect_error = asio::error::host_not_found;
  for (const auto& endpoint : endpoints_) {
    const IoResult r = co_await conn_->connect(endpoint);
    connect_error = r.ec;
    if (!r.ec || conn_->timed_out()) break;
  }
  if (connect_error) co_return fail(connect_error, timeout_kind);
  conn_->set_no_delay();

  if (origin.tls) {
    if (is_address_literal(origin.host))
      sni_.clear();
    else
      sni_.assign(origin.host);
    const IoResult r = co_await conn_->handshake(shared_.tls_context(), sni_, shared_.config().tls_verify);
    if (r.ec) {
      if (conn_->timed_out()) co_return fail(r.ec, timeout_kind);
      conn_->disarm();
      conn_->close();
      error_detail_.assign(r.ec.message());
      co_return TransportError::kTlsHandshake;
    }
  }
  conn_->set_origin(origin);
  ++connections_opened_;
  co_return TransportError::kNone;
}

TransportError UserHttpClient::fail(const error_code& ec, TransportError timeout_kind) {
  const bool timed_out = conn_->timed_out();
  conn_->disarm();
  conn_->close();
  if (timed_out) return timeout_kind;
  if (ec == asio::error::connection_refused) return TransportError::kConnectionRefused;
  if (ec == asio::error::connection_reset || ec == asio::error::broken_pipe)
    return TransportError::kConnectionReset;
  if (ec == asio::error::eof) return TransportError::kClosedBeforeResponse;
  if (ec.category() == asio::error::get_ssl_category()) {
    error_detail_.assign(ec.message());
    return TransportError::kTlsHandshake;
  }
  error_detail_.assign(ec.message());
  return TransportError::kOther;
}

stats::EntryId UserHttpClient::entry_for(std::string_view method, std::string_view name) {
  for (const auto& e : entry_cache_)
    if (e.used && e.name == name && e.method == method) return e.id;
  auto& slot = entry_cache_[entry_cache_next_];
  entry_cache_next_ = (entry_cache_next_ + 1) % entry_cache_.size();
  slot.method.assign(method);
  slot.name.assign(name);
  slot.id = stats_.entry(method, name);
  slot.used = true;
  return slot.id;
}

Response UserHttpClient::finish(std::uint64_t ticket, std::string_view method, std::string_view name,
                                MonoTime due, TransportError error, bool catch_response) {
  const MonoTime done = mono_now();
  elapsed_us_ = micros_between(due, done);
  uncorrected_us_ = micros_between(sent_, done);
  if (chain_due_) due_ = done;
  transport_ = error;
  entry_ = entry_for(method, name);
  if (error == TransportError::kNone && stream_.active()) {
    stats::StreamSample sample;
    stream_.finish(done, sample);
    stats_.record_stream(method, name, sample);
  }
  if (error != TransportError::kNone) {
    const auto& cfg = shared_.config();
    const auto timeout = error == TransportError::kConnectTimeout ? cfg.connect_timeout : cfg.request_timeout;
    format_transport_error(error_text_, error, error_detail_, timeout);
    failure_text_.assign(error_text_);
  } else {
    error_text_.clear();
    if (parser_.status() >= 400)
      format_http_error(failure_text_, parser_.status(), parser_.reason(), http_error_url(name));
    else
      failure_text_.clear();
  }
  pending_ = true;
  if (!catch_response) record_default();
  return Response(this, ticket, catch_response);
}

std::string_view UserHttpClient::http_error_url(std::string_view name) {
  if (error_url_.empty()) return name;
  if (is_absolute_url(error_url_)) return error_url_;
  error_url_text_.assign(base_url_);
  if (!error_url_text_.empty() && error_url_text_.back() == '/' && error_url_.front() == '/')
    error_url_text_.pop_back();
  error_url_text_.append(error_url_);
  return error_url_text_;
}

void UserHttpClient::record_default() {
  pending_ = false;
  const std::uint64_t bytes = content_size();
  if (failure_text_.empty())
    stats_.record_success(entry_, latency(), bytes);
  else
    stats_.record_failure(entry_, latency(), bytes, failure_text_);
}

void UserHttpClient::settle(std::uint64_t ticket, bool failed, std::string_view message) {
  if (!pending_ || ticket != ticket_) return;
  pending_ = false;
  const std::uint64_t bytes = content_size();
  if (failed) {
    format_catch_response_error(failure_text_, message);
    stats_.record_failure(entry_, latency(), bytes, failure_text_);
  } else {
    stats_.record_success(entry_, latency(), bytes);
  }
}

void UserHttpClient::settle_default(std::uint64_t ticket) {
  if (pending_ && ticket == ticket_) record_default();
}

std::string_view UserHttpClient::body() const {
  return transport_ == TransportError::kNone ? parser_.body() : std::string_view{};
}

std::optional<std::string_view> UserHttpClient::header(std::string_view name) const {
  if (transport_ != TransportError::kNone) return std::nullopt;
  return parser_.header(name);
}

std::size_t UserHttpClient::content_size() const {
  return transport_ == TransportError::kNone ? static_cast<std::size_t>(parser_.content_size()) : 0;
}

}  // namespace cicada::http
