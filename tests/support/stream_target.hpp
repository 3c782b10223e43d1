#pragma once
// A streaming test target: an OpenAI-style POST /v1/chat/completions that streams its answer as
// server-sent events at a known pace, so cicada's time to first token and inter-token gaps can be checked
// against the truth (ScriptedServer::stream_timings() keeps when each event was written).
//
//   data: {"id":"chatcmpl-N","object":"chat.completion.chunk",...,"choices":[{"index":0,
//          "delta":{"content":"tok0 "},"finish_reason":null}]}\n\n      <- at first_token
//   data: {... "delta":{"content":"tok1 "} ...}\n\n                     <- first_token + token_gap
//   ...
//   data: {... "delta":{"content":"tokN-1 "},"finish_reason":"stop"}\n\n
//   data: [DONE]\n\n                                                   <- with the last token
//
// The pace comes from the server's defaults, overridden per request by the query string
// (?first_token_ms=&token_gap_ms=&tokens=&framing=chunked|close) and by the body's "max_tokens".
// "stream": false answers one chat.completion JSON after the whole answer's time. GET /health says "OK".
#include <chrono>
#include <string>
#include <string_view>

#include "support/scripted_server.hpp"

namespace cicada::testing {

struct StreamPace {
  std::chrono::microseconds first_token{50'000};  // request read -> first token event written
  std::chrono::microseconds token_gap{10'000};    // between two token events
  int tokens = 16;                                // token events per answer (>= 1)
  bool chunked = true;                            // false: no length, the body ends when the server closes
};

// The pace for one request: defaults with the request's overrides applied.
StreamPace pace_for(const RecordedRequest& request, const StreamPace& defaults);

// The streamed answer with the pace given (model: the "model" field of every chunk).
ScriptedReply chat_completion_stream(const StreamPace& pace, std::string_view model);

// Makes server the streaming target (replaces its handler).
void serve_stream_target(ScriptedServer& server, const StreamPace& defaults);

}  // namespace cicada::testing
