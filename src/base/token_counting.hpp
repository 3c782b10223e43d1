#pragma once
// TokenCounting: how a streamed response's events are counted as tokens (--stream-tokens, and a YAML
// request's `stream_tokens:`). Here in base, not beside EventStream in http, so that the scenario loader
// can check a request's rule at load time without depending on the HTTP client.
#include <string>
#include <string_view>

#include "base/result.hpp"

namespace cicada {

struct TokenCounting {
  std::string json_pointer;  // empty: one token per event
  // "event" or "json:/a/0/b" (a JSON pointer; "json:a.0.b" is accepted and converted).
  static Result<TokenCounting> parse(std::string_view text);
  // The rule as parse() reads it back: "event" or "json:/a/0/b".
  std::string text() const { return json_pointer.empty() ? std::string("event") : "json:" + json_pointer; }
};

}  // namespace cicada
