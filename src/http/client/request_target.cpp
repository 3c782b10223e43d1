#include "http/client/request_target.hpp"

#include <array>

#include "base/ascii.hpp"

namespace cicada::http {
namespace {

constexpr bool is_unreserved(char c) { return is_alnum(c) || c == '-' || c == '.' || c == '_' || c == '~'; }

// A target without its fragment, split at its first '?'.
struct Parts {
  std::string_view path;
  std::string_view query;  // without the '?'
  bool has_query = false;
};

Parts split(std::string_view target) {
  const std::size_t mark = target.find('?');
  if (mark == std::string_view::npos) return {target, {}, false};
  return {target.substr(0, mark), target.substr(mark + 1), true};
}

// urllib3's PATH_CHARS and QUERY_CHARS: what a path or a query keeps as it is ('%' is decided apart).
constexpr std::array<bool, 256> allowed_chars(std::string_view extra) {
  std::array<bool, 256> t{};
  for (int c = 0; c < 256; ++c) t[c] = is_unreserved(static_cast<char>(c));
  for (char c : extra) t[static_cast<unsigned char>(c)] = true;
  return t;
}
constexpr auto kPathChars = allowed_chars("!$&'()*+,;=:@/");
constexpr auto kQueryChars = allowed_chars("!$&'()*+,;=:@/?");

bool only(std::string_view s, const std::array<bool, 256>& allowed) {
  for (char c : s)
    if (!allowed[static_cast<unsigned char>(c)]) return false;
  return true;
}

// A "." or ".." segment, which the slow path removes.
bool has_dot_segment(std::string_view path) {
  for (std::size_t i = 0; i < path.size(); ++i) {
    if (path[i] != '.' || (i > 0 && path[i - 1] != '/')) continue;
    std::size_t j = i + 1;
    if (j < path.size() && path[j] == '.') ++j;
    if (j == path.size() || path[j] == '/') return true;
  }
  return false;
}

bool escape_at(std::string_view s, std::size_t i) {
  return s[i] == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 && hex_value(s[i + 2]) >= 0;
}

char upper_hex(char c) { return (c >= 'a' && c <= 'f') ? static_cast<char>(c - 'a' + 'A') : c; }

void append_escaped(std::string& out, char c) {
  constexpr std::string_view kHex = "0123456789ABCDEF";
  const auto b = static_cast<unsigned char>(c);
  out += '%';
  out += kHex[b >> 4];
  out += kHex[b & 15];
}

// RFC 3986 section 5.2.4 as urllib3 does it: the kept segments joined by '/', written into `out` as they
// come. A segment holds no '/', so dropping the last one is cutting `out` at its last '/'.
void remove_dot_segments(std::string_view path, std::string& out) {
  out.clear();
  std::size_t kept = 0;
  const auto push = [&](std::string_view segment) {
    if (kept++ > 0) out += '/';
    out += segment;
  };
  for (std::size_t start = 0;;) {
    const std::size_t end = path.find('/', start);
    const std::string_view segment = path.substr(start, end == std::string_view::npos ? end : end - start);
    if (segment == "..") {
      if (kept > 0 && --kept == 0) out.clear();
      if (kept > 0) out.resize(out.rfind('/'));
    } else if (segment != ".") {
      push(segment);
    }
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  // An absolute path keeps its leading '/' whatever ".." took; "/a/.." and "/a/." end with one.
  const bool first_empty = kept > 0 && (kept == 1 ? out.empty() : out.front() == '/');
  if (!path.empty() && path.front() == '/' && !first_empty) {
    if (kept++ > 0) out.insert(0, 1, '/');
  }
  if (path.ends_with("/.") || path.ends_with("/..")) push({});
}

// urllib3's _encode_invalid_chars for one part (path or query), appended to `out`.
void encode_part(std::string_view part, const std::array<bool, 256>& allowed, std::string& out) {
  bool escapes_only = true;  // every '%' starts an escape
  for (std::size_t i = 0; i < part.size(); ++i)
    if (part[i] == '%' && !escape_at(part, i)) escapes_only = false;
  for (std::size_t i = 0; i < part.size(); ++i) {
    const char c = part[i];
    if (escape_at(part, i)) {
      out += escapes_only ? "%" : "%25";
      out += upper_hex(part[i + 1]);
      out += upper_hex(part[i + 2]);
      i += 2;
    } else if (c == '%') {
      out += "%25";
    } else if (allowed[static_cast<unsigned char>(c)]) {
      out += c;
    } else {
      append_escaped(out, c);
    }
  }
}

// requote_uri's first step on what urllib3 left (every '%' an escape): escapes of unreserved characters
// decoded, in place.
void decode_unreserved(std::string& s) {
  std::size_t w = 0;
  for (std::size_t r = 0; r < s.size(); ++r) {
    if (escape_at(s, r)) {
      const char decoded = static_cast<char>(hex_value(s[r + 1]) * 16 + hex_value(s[r + 2]));
      if (is_unreserved(decoded)) {
        s[w++] = decoded;
        r += 2;
        continue;
      }
    }
    s[w++] = s[r];
  }
  s.resize(w);
}

// What requote_target leaves as it is.
bool plain(const Parts& t) {
  return !t.path.empty() && t.path.front() == '/' && only(t.path, kPathChars) && !has_dot_segment(t.path) &&
         (!t.has_query || (!t.query.empty() && only(t.query, kQueryChars)));
}

}  // namespace

bool sent_as_is(std::string_view target) { return plain(split(target)); }

std::string_view requote_target(std::string_view target, TargetBuffers& buffers) {
  target = target.substr(0, target.find('#'));
  const Parts parts = split(target);
  if (plain(parts)) return target;
  const std::string_view path = parts.path, query = parts.query;

  std::string& out = buffers.quoted;
  out.clear();
  if (!path.empty()) {
    remove_dot_segments(path, buffers.scratch);
    encode_part(buffers.scratch, kPathChars, out);
  }
  // An origin-form target starts with '/' (requests' path_url: an empty path is "/").
  if (out.empty() || out.front() != '/') out.insert(0, 1, '/');
  if (!query.empty()) {
    out += '?';
    encode_part(query, kQueryChars, out);
  }
  decode_unreserved(out);
  return out;
}

}  // namespace cicada::http
