#pragma once
// Failure texts recorded in the stats, shaped like Locust's (Python repr of the exception) so that a
// failures CSV written by cicada reads like one written by Locust 2.12.
//
// Transport errors are a closed set (like wrk's error counters): each has its own text, so the failures
// table tells a refused connection from a reset, a timeout or a broken server at a glance.
#include <chrono>
#include <string>
#include <string_view>

namespace cicada::http {

enum class TransportError {
  kNone,
  kConnectionRefused,
  kConnectionReset,
  kConnectTimeout,
  kRequestTimeout,
  kDnsFailure,
  kTlsHandshake,
  kMalformedResponse,
  kClosedBeforeResponse,
  kTooManyRedirects,
  kBadUrl,
  // The scenario asked for a request that cannot be written (request_head_problem): nothing was sent;
  // detail is the offending header name, header value or method.
  kInvalidHeaderName,
  kInvalidHeaderValue,
  kInvalidMethod,
  // HTTP/2: the server reset the request's stream (RST_STREAM, or refused it in a GOAWAY); detail is the
  // error code's name ("INTERNAL_ERROR").
  kStreamReset,
  // HTTP/2 could not be spoken: ALPN did not choose h2, an HTTP/1.x answer to h2c, a connection error
  // (GOAWAY, a frame nghttp2 refused); detail says which.
  kProtocolError,
  kOther,
};

// Writes the failure text into `out` (reusing its capacity). `detail` completes some texts: what was
// wrong with the response in plain words for kMalformedResponse (ResponseParser::describe_error), the host
// for kDnsFailure, the error code's name for kStreamReset, what failed in TLS for kTlsHandshake, the system
// message for kOther. `timeout` is the configured limit for the two timeouts.
void format_transport_error(std::string& out, TransportError kind, std::string_view detail,
                            std::chrono::milliseconds timeout);

// Locust's HTTPError for status >= 400: "HTTPError('404 Client Error: Not Found for url: NAME')".
// reason is the server's reason phrase (Locust shows what the server sent, e.g. Flask's "NOT FOUND");
// when it is empty the standard phrase for the status is used.
void format_http_error(std::string& out, int status, std::string_view reason, std::string_view name);

// Locust's CatchResponseError('msg') for Response::failure(msg).
void format_catch_response_error(std::string& out, std::string_view message);

// Standard reason phrase of a status code ("Not Found"), or "" when unknown.
std::string_view standard_reason(int status);

}  // namespace cicada::http
