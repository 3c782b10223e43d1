// The per-user cookie jar (src/http/client/cookie_jar) fed Set-Cookie values from a hostile target: the
// whole input as one value, then each line of it as one, on the same jar.
#include <set>
#include <string>

#include "fuzz_support.hpp"
#include "http/client/cookie_jar.hpp"

namespace {

using cicada::fuzz::require;
using cicada::http::CookieJar;

void check(const CookieJar& jar) {
  std::string header;
  jar.append_cookie_header_value(header);
  require(header.empty() == jar.empty(), "an empty jar writes nothing, a jar with cookies something");
  for (char c : header)
    require(!((static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == 0x7f),
            "the Cookie header holds no control character but a tab");
  // "a=1; b=2": split on "; " and check each pair (a value may itself hold "; " only if the jar let a
  // ';' in, which it cannot: the Set-Cookie pair ends at the first ';').
  std::set<std::string> names;
  std::size_t count = 0;
  std::string_view rest = header;
  while (!rest.empty()) {
    const auto end = rest.find("; ");
    const std::string_view pair = rest.substr(0, end);
    const auto eq = pair.find('=');
    require(eq != std::string_view::npos && eq > 0, "each cookie is name=value with a name");
    require(pair.size() - 1 <= CookieJar::kMaxCookieBytes, "a cookie is at most kMaxCookieBytes");
    const std::string name(pair.substr(0, eq));
    require(names.insert(name).second, "a name is sent once");
    const std::string* value = jar.find(name);
    require(value != nullptr && *value == pair.substr(eq + 1), "find gives the value that is sent");
    ++count;
    if (end == std::string_view::npos) break;
    rest.remove_prefix(end + 2);
  }
  require(count <= CookieJar::kMaxCookies, "at most kMaxCookies cookies");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view in = cicada::fuzz::as_text(data, size);
  CookieJar jar;
  jar.set_from_header(in);
  check(jar);
  std::string_view rest = in;
  while (!rest.empty()) {
    const auto end = rest.find('\n');
    jar.set_from_header(rest.substr(0, end));
    check(jar);
    if (end == std::string_view::npos) break;
    rest.remove_prefix(end + 1);
  }
  return 0;
}
