#include "support/stream_target.hpp"

#include <atomic>
#include <charconv>
#include <nlohmann/json.hpp>
#include <optional>

namespace cicada::testing {
namespace {

// The value of `name` in the query string of target, if present.
std::optional<std::string_view> query_value(std::string_view target, std::string_view name) {
  const auto q = target.find('?');
  if (q == std::string_view::npos) return std::nullopt;
  std::string_view rest = target.substr(q + 1);
  while (!rest.empty()) {
    const auto amp = rest.find('&');
    std::string_view pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
    const auto eq = pair.find('=');
    if (eq != std::string_view::npos && pair.substr(0, eq) == name) return pair.substr(eq + 1);
  }
  return std::nullopt;
}

std::optional<double> query_number(std::string_view target, std::string_view name) {
  auto text = query_value(target, name);
  if (!text) return std::nullopt;
  double v = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
  if (ec != std::errc() || end != text->data() + text->size()) return std::nullopt;
  return v;
}

std::chrono::microseconds from_ms(double ms) {
  return std::chrono::microseconds(static_cast<std::int64_t>(ms * 1000.0));
}

std::atomic<std::uint64_t> next_id{1};

}  // namespace

StreamPace pace_for(const RecordedRequest& request, const StreamPace& defaults) {
  StreamPace pace = defaults;
  if (auto v = query_number(request.target, "first_token_ms")) pace.first_token = from_ms(*v);
  if (auto v = query_number(request.target, "token_gap_ms")) pace.token_gap = from_ms(*v);
  if (auto v = query_number(request.target, "tokens")) pace.tokens = static_cast<int>(*v);
  if (auto v = query_value(request.target, "framing")) pace.chunked = *v != "close";
  auto body = nlohmann::json::parse(request.body, nullptr, false);
  if (body.is_object() && body.contains("max_tokens") && body["max_tokens"].is_number_integer())
    pace.tokens = body["max_tokens"].get<int>();
  if (pace.tokens < 1) pace.tokens = 1;
  return pace;
}

ScriptedReply chat_completion_stream(const StreamPace& pace, std::string_view model) {
  ScriptedReply reply = ScriptedReply::respond(200);
  reply.headers.emplace_back("Content-Type", "text/event-stream");
  reply.headers.emplace_back("Cache-Control", "no-cache");
  reply.chunked = pace.chunked;
  const std::string id = "chatcmpl-" + std::to_string(next_id++);
  for (int i = 0; i < pace.tokens; ++i) {
    const bool last = i + 1 == pace.tokens;
    nlohmann::json chunk = {{"id", id},
                            {"object", "chat.completion.chunk"},
                            {"created", 0},
                            {"model", model},
                            {"choices",
                             {{{"index", 0},
                               {"delta", {{"content", "tok" + std::to_string(i) + " "}}},
                               {"finish_reason", last ? nlohmann::json("stop") : nlohmann::json(nullptr)}}}}};
    std::string bytes = "data: " + chunk.dump() + "\n\n";
    if (last) bytes += "data: [DONE]\n\n";
    reply.pieces.push_back({pace.first_token + i * pace.token_gap, std::move(bytes)});
  }
  return reply;
}

void serve_stream_target(ScriptedServer& server, const StreamPace& defaults) {
  server.set_handler([defaults](const RecordedRequest& request) {
    const std::string_view path = std::string_view(request.target).substr(0, request.target.find('?'));
    if (request.method == "GET" && path == "/health") return ScriptedReply::respond(200, "OK");
    if (path != "/v1/chat/completions") return ScriptedReply::respond(404, "no such path");
    if (request.method != "POST") return ScriptedReply::respond(405, "POST only");
    auto body = nlohmann::json::parse(request.body, nullptr, false);
    if (!body.is_object()) return ScriptedReply::respond(400, "body must be a JSON object");
    const std::string model = body.value("model", std::string("cicada-stream"));
    const StreamPace pace = pace_for(request, defaults);
    if (body.value("stream", false)) return chat_completion_stream(pace, model);
    // Not streamed: the whole answer at once, when its last token would have been sent.
    std::string text;
    for (int i = 0; i < pace.tokens; ++i) text += "tok" + std::to_string(i) + " ";
    nlohmann::json answer = {{"id", "chatcmpl-" + std::to_string(next_id++)},
                             {"object", "chat.completion"},
                             {"created", 0},
                             {"model", model},
                             {"choices",
                              {{{"index", 0},
                                {"message", {{"role", "assistant"}, {"content", text}}},
                                {"finish_reason", "stop"}}}},
                             {"usage", {{"completion_tokens", pace.tokens}}}};
    ScriptedReply reply = ScriptedReply::respond(200, answer.dump());
    reply.headers.emplace_back("Content-Type", "application/json");
    reply.delay = std::chrono::duration_cast<std::chrono::milliseconds>(pace.first_token +
                                                                        (pace.tokens - 1) * pace.token_gap);
    return reply;
  });
}

}  // namespace cicada::testing
