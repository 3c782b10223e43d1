#pragma once
// The request target a load test sends for a path, and names its stats entry by: what Locust's HttpSession
// sends, since a Locust user's numbers and names must mean the same here. python-requests prepares every
// URL through urllib3's parse_url (dot segments removed, each of path and query percent-encoded where a
// byte is not allowed) and then its own requote_uri (escapes of unreserved characters decoded).
#include <string>
#include <string_view>

namespace cicada::http {

// Two strings reused from request to request: the result, and the path with its dot segments removed.
struct TargetBuffers {
  std::string quoted;
  std::string scratch;
};

// `target` ("/path?query#fragment", or relative to the host) as sent:
// - the fragment dropped; "/a/./b/../c" is "/a/c";
// - in the path and in the query, a byte outside RFC 3986's unreserved, sub-delims, ':', '@', '/' (and '?'
//   in the query) is %XX: a space is %20, "é" %C3%A9, '[' %5B;
// - escapes stay, their hex in upper case, unless some '%' of that part starts no escape ("100%", "%zz"):
//   then every '%' of it is %25;
// - an escape of a letter, digit or "-._~" is that character ("%7e" is "~");
// - an empty path is "/", and an empty query is dropped.
// Returns `target` itself when it needs none of this (the usual case: no copy), else a view of
// buffers.quoted. `target` must not view either buffer.
std::string_view requote_target(std::string_view target, TargetBuffers& buffers);

// True when requote_target returns `target` as it is: a caller can keep its buffers for the rare target
// that needs them.
bool sent_as_is(std::string_view target);

}  // namespace cicada::http
