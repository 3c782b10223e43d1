#include "http/client/failure_text.hpp"

#include <charconv>

namespace cicada::http {
namespace {

// Appends a Python string literal as repr() writes it: single quotes unless the text contains a single
// quote and no double quote. Keeps failure texts identical to Locust's for the same message.
void append_python_repr(std::string& out, std::string_view s) {
  const bool use_double = s.find('\'') != std::string_view::npos && s.find('"') == std::string_view::npos;
  const char quote = use_double ? '"' : '\'';
  out += quote;
  const auto hex = [&out](unsigned v) {
    constexpr char kDigits[] = "0123456789abcdef";
    out += "\\x";
    out += kDigits[(v >> 4) & 0xf];
    out += kDigits[v & 0xf];
  };
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    const auto byte = static_cast<unsigned char>(c);
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        // Control characters as Python's repr writes them (\x01, \x1b, \x7f; U+0080-U+009F as \x80...),
        // so that a text with an escape sequence cannot repaint a terminal or break a CSV reader.
        if (byte < 0x20 || byte == 0x7f) {
          hex(byte);
        } else if (byte == 0xc2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) >= 0x80 &&
                   static_cast<unsigned char>(s[i + 1]) <= 0x9f) {
          hex(static_cast<unsigned char>(s[++i]));
        } else {
          if (c == quote) out += '\\';
          out += c;
        }
    }
  }
  out += quote;
}

// A scenario's text in a failure message: its repr, cut to 200 bytes (a failure text is kept per distinct
// text, and a bad header may be a large one).
void append_bounded_repr(std::string& out, std::string_view s) {
  constexpr std::size_t kShown = 200;
  if (s.size() <= kShown) return append_python_repr(out, s);
  append_python_repr(out, std::string(s.substr(0, kShown)) + "...");
}

void append_int(std::string& out, long long v) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  (void)ec;
  out.append(buf, end);
}

void append_seconds(std::string& out, std::chrono::milliseconds t) {
  // "60 s", "0.2 s": whole seconds without decimals, otherwise milliseconds precision.
  const auto ms = t.count();
  append_int(out, ms / 1000);
  if (ms % 1000 != 0) {
    char frac[4] = {char('0' + (ms % 1000) / 100), char('0' + (ms % 100) / 10), char('0' + ms % 10), 0};
    std::string_view f(frac, 3);
    while (!f.empty() && f.back() == '0') f.remove_suffix(1);
    out += '.';
    out += f;
  }
  out += " s";
}

// Builds "Type('message')" where message is assembled by the caller in `msg`.
void finish(std::string& out, std::string_view type, std::string_view msg) {
  out.clear();
  out += type;
  out += '(';
  append_python_repr(out, msg);
  out += ')';
}

}  // namespace

void format_transport_error(std::string& out, TransportError kind, std::string_view detail,
                            std::chrono::milliseconds timeout) {
  // Messages are built in a thread-local scratch string so that, after warm-up, no failure allocates.
  thread_local std::string msg;
  msg.clear();
  std::string_view type = "ConnectionError";
  switch (kind) {
    case TransportError::kNone:
      out.clear();
      return;
    case TransportError::kConnectionRefused:
      type = "ConnectionRefusedError";
      msg = "connection refused";
      break;
    case TransportError::kConnectionReset:
      type = "ConnectionResetError";
      msg = "connection reset by peer";
      break;
    case TransportError::kConnectTimeout:
      type = "ConnectTimeout";
      msg = "connect timeout after ";
      append_seconds(msg, timeout);
      break;
    case TransportError::kRequestTimeout:
      type = "ReadTimeout";
      msg = "request timeout after ";
      append_seconds(msg, timeout);
      break;
    case TransportError::kDnsFailure:
      type = "NameResolutionError";
      msg = "DNS failure: cannot resolve ";
      msg += detail;
      break;
    case TransportError::kTlsHandshake:
      type = "SSLError";
      msg = detail;
      break;
    case TransportError::kMalformedResponse:
      type = "InvalidResponse";
      msg = detail;
      break;
    case TransportError::kClosedBeforeResponse:
      type = "RemoteDisconnected";
      msg = "Remote end closed connection without response";  // Python's http.client text
      break;
    case TransportError::kTooManyRedirects:
      type = "TooManyRedirects";
      msg = "exceeded ";
      msg += detail;
      msg += " redirects";
      break;
    case TransportError::kBadUrl:
      type = "InvalidURL";
      msg = "cannot use URL: ";
      msg += detail;
      break;
    case TransportError::kInvalidHeaderName:
    case TransportError::kInvalidHeaderValue:
      // python-requests' text (2.34, Debian's), with the name or value as Python shows it.
      type = "InvalidHeader";
      msg = "Invalid leading whitespace, reserved character(s), or return character(s) in header ";
      msg += kind == TransportError::kInvalidHeaderName ? "name: " : "value: ";
      append_bounded_repr(msg, detail);
      break;
    case TransportError::kInvalidMethod:
      type = "ValueError";
      msg = "Invalid HTTP method: ";
      append_bounded_repr(msg, detail);
      break;
    case TransportError::kStreamReset:
      type = "StreamResetError";
      msg = "stream reset ";  // the detail says by whom
      msg += detail;
      break;
    case TransportError::kProtocolError:
      type = "ProtocolError";
      msg = detail;
      break;
    case TransportError::kOther:
      msg = detail;
      break;
  }
  finish(out, type, msg);
}

void format_http_error(std::string& out, int status, std::string_view reason, std::string_view name) {
  thread_local std::string msg;
  msg.clear();
  append_int(msg, status);
  msg += status >= 500 ? " Server Error: " : " Client Error: ";
  // The reason phrase is the target's: cut at 200 bytes (at a character boundary), so a server sending a
  // 57 KB phrase per response does not write 60 KB failure lines and megabytes of failures CSV.
  constexpr std::size_t kShown = 200;
  if (reason.size() > kShown) {
    std::size_t cut = kShown;
    while (cut > 0 && (static_cast<unsigned char>(reason[cut]) & 0xC0) == 0x80) --cut;
    msg += reason.substr(0, cut);
    msg += "...";
  } else {
    msg += reason.empty() ? standard_reason(status) : reason;
  }
  msg += " for url: ";
  msg += name;
  finish(out, "HTTPError", msg);
}

void format_catch_response_error(std::string& out, std::string_view message) {
  finish(out, "CatchResponseError", message);
}

std::string_view standard_reason(int status) {
  switch (status) {
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 402:
      return "Payment Required";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 406:
      return "Not Acceptable";
    case 408:
      return "Request Timeout";
    case 409:
      return "Conflict";
    case 410:
      return "Gone";
    case 411:
      return "Length Required";
    case 413:
      return "Payload Too Large";
    case 414:
      return "URI Too Long";
    case 415:
      return "Unsupported Media Type";
    case 422:
      return "Unprocessable Entity";
    case 429:
      return "Too Many Requests";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    default:
      return "";
  }
}

}  // namespace cicada::http
