#include "http/client/cookie_jar.hpp"

#include <algorithm>

#include "base/ascii.hpp"
#include "base/host_url.hpp"

namespace cicada::http {
namespace {

// True when the attributes (after the first ';') say the cookie is already expired.
bool deletes_cookie(std::string_view attributes) {
  while (!attributes.empty()) {
    const auto semi = attributes.find(';');
    const std::string_view attr = trim_blanks(attributes.substr(0, semi));
    if (starts_with_nocase(attr, "max-age=")) {
      const std::string_view v = trim_blanks(attr.substr(8));
      return !v.empty() && (v == "0" || v.front() == '-');
    }
    if (semi == std::string_view::npos) break;
    attributes.remove_prefix(semi + 1);
  }
  return false;
}

bool has_control_char(std::string_view s) {
  for (char c : s)
    if (is_control_char(c) && c != '\t') return true;
  return false;
}

}  // namespace

void CookieJar::set_from_header(std::string_view set_cookie) {
  const auto semi = set_cookie.find(';');
  const std::string_view pair = set_cookie.substr(0, semi);
  const auto eq = pair.find('=');
  if (eq == std::string_view::npos) return;
  const std::string_view name = trim_blanks(pair.substr(0, eq));
  std::string_view value = trim_blanks(pair.substr(eq + 1));
  if (value.size() >= 2 && value.front() == '"' && value.back() == '"')
    value = value.substr(1, value.size() - 2);
  if (name.empty() || name.size() + value.size() > kMaxCookieBytes || has_control_char(set_cookie)) return;
  apply(name, value, semi != std::string_view::npos && deletes_cookie(set_cookie.substr(semi + 1)));
}

void CookieJar::set(std::string_view name, std::string_view value) {
  // What a Cookie header could not carry back is refused, as it would be from a Set-Cookie.
  if (name.empty() || name.size() + value.size() > kMaxCookieBytes || has_control_char(name) ||
      has_control_char(value) || name.find_first_of("=; ") != std::string_view::npos ||
      value.find(';') != std::string_view::npos)
    return;
  apply(name, value, false);
}

void CookieJar::erase(std::string_view name) { apply(name, {}, true); }

void CookieJar::apply(std::string_view name, std::string_view value, bool remove) {
  for (std::size_t i = 0; i < size_; ++i) {
    if (slots_[i].first != name) continue;
    if (remove) {
      std::rotate(slots_.begin() + static_cast<std::ptrdiff_t>(i),
                  slots_.begin() + static_cast<std::ptrdiff_t>(i) + 1,
                  slots_.begin() + static_cast<std::ptrdiff_t>(size_));
      --size_;
    } else {
      slots_[i].second.assign(value);
    }
    return;
  }
  if (remove) return;
  if (size_ == kMaxCookies) {  // the oldest makes room, its strings reused at the end
    std::rotate(slots_.begin(), slots_.begin() + 1, slots_.begin() + static_cast<std::ptrdiff_t>(size_));
    --size_;
  }
  if (size_ == slots_.size()) slots_.emplace_back();
  slots_[size_].first.assign(name);
  slots_[size_].second.assign(value);
  ++size_;
}

void CookieJar::append_cookie_header_value(std::string& out) const {
  for (std::size_t i = 0; i < size_; ++i) {
    if (i > 0) out += "; ";
    out += slots_[i].first;
    out += '=';
    out += slots_[i].second;
  }
}

const std::string* CookieJar::find(std::string_view name) const {
  for (std::size_t i = 0; i < size_; ++i)
    if (slots_[i].first == name) return &slots_[i].second;
  return nullptr;
}

}  // namespace cicada::http
