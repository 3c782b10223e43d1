#pragma once
// ASCII case-insensitive comparison, the one copy for HTTP header names, URL schemes, cookie attributes,
// media types and scenario keys (protocol text is ASCII; locale-aware tolower would be wrong and slow).
#include <array>
#include <cstddef>
#include <string_view>

namespace cicada {

constexpr char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// a == b ignoring ASCII case.
constexpr bool equals_nocase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  return true;
}

// s starts with prefix, ignoring ASCII case.
constexpr bool starts_with_nocase(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && equals_nocase(s.substr(0, prefix.size()), prefix);
}

// s ends with suffix, ignoring ASCII case.
constexpr bool ends_with_nocase(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && equals_nocase(s.substr(s.size() - suffix.size()), suffix);
}

// s without the spaces and tabs around it (HTTP's optional whitespace, and the blanks around a typed value).
constexpr std::string_view trim_blanks(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// An ASCII letter or digit (locale-free, for URL syntax).
constexpr bool is_alnum(char c) { return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z'); }

// The value of a hex digit, or -1: for %-escapes in URLs and forms.
constexpr int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// RFC 9110 tchar: the characters of a method and of a header name.
inline constexpr std::array<bool, 256> kTokenChars = [] {
  std::array<bool, 256> t{};
  for (int c = '0'; c <= '9'; ++c) t[c] = true;
  for (int c = 'a'; c <= 'z'; ++c) t[c] = t[c - 'a' + 'A'] = true;
  for (char c : std::string_view("!#$%&'*+-.^_`|~")) t[static_cast<unsigned char>(c)] = true;
  return t;
}();

constexpr bool is_token_char(char c) { return kTokenChars[static_cast<unsigned char>(c)]; }

// A non-empty run of tchars: a valid method or header name.
constexpr bool is_token(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!is_token_char(c)) return false;
  return true;
}

}  // namespace cicada
