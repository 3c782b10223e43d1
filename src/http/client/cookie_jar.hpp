#pragma once
// CookieJar: the cookies of one user, like the cookie jar of Locust's HttpSession.
//
// Deliberately small: name=value pairs from Set-Cookie are stored and sent back on every later request of
// the same user. Domain, Path, Expires and Secure are ignored (a load test talks to one host); only
// "Max-Age=0" (or negative) deletes a cookie, which is how servers log a user out.
//
// Bounded as browsers bound a site's cookies, since the target may be hostile and a user lives for the
// whole run: at most kMaxCookies (Chromium keeps 180 a domain; here the first set goes first), each at most
// kMaxCookieBytes of name and value (RFC 6265 section 6.1; larger ones are ignored). A Set-Cookie holding a
// control character other than a tab is ignored whole (RFC 6265bis), so no cookie can end the Cookie
// header it goes back in.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cicada::http {

class CookieJar {
 public:
  static constexpr std::size_t kMaxCookies = 180;
  static constexpr std::size_t kMaxCookieBytes = 4096;

  // Applies one Set-Cookie header value ("sid=abc; Path=/; HttpOnly").
  void set_from_header(std::string_view set_cookie);
  // Appends "a=1; b=2" (nothing when empty).
  void append_cookie_header_value(std::string& out) const;
  bool empty() const { return size_ == 0; }
  // The value of a cookie, or nullptr.
  const std::string* find(std::string_view name) const;
  void clear() { size_ = 0; }
  // Set or delete one cookie by name, as a locustfile's self.client.cookies does (the same bounds apply).
  void set(std::string_view name, std::string_view value);
  void erase(std::string_view name);
  // Calls fn(name, value) for each cookie, in the order they were first set.
  template <class Fn>
  void for_each(Fn&& fn) const {
    for (std::size_t i = 0; i < size_; ++i) fn(slots_[i].first, slots_[i].second);
  }

 private:
  // Slots [0, size_) in the order the cookies were first set. Slots are kept after a delete so that their
  // strings' capacity is reused: no allocation when a server sets the same cookies again and again.
  std::vector<std::pair<std::string, std::string>> slots_;
  std::size_t size_ = 0;
  // Sets (or, with remove, deletes) one cookie whose name and value were checked.
  void apply(std::string_view name, std::string_view value, bool remove);
};

}  // namespace cicada::http
