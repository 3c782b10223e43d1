// A task with checks sends its requests with catch_response and settles each response with success() or
// failure(message); without checks, the response is left to the client's default accounting.
#include <gtest/gtest.h>

#include "scenario_harness.hpp"

using cicada::test::Harness;
using cicada::test::ScriptedResponse;

namespace {

std::string one_request(const std::string& request_lines) {
  return "user_types:\n  U:\n    tasks:\n      t:\n        - " + request_lines;
}

}  // namespace

TEST(Checks, NoChecksLeavesTheDefaultAccounting) {
  Harness h(one_request("get: /health\n"));
  h.client.script.push_back({404, "nope", "", {}});
  h.run("t");
  ASSERT_EQ(h.client.requests.size(), 1u);
  EXPECT_EQ(h.last().method, "GET");
  EXPECT_EQ(h.last().path, "/health");
  EXPECT_FALSE(h.last().catch_response);
  EXPECT_TRUE(h.last().settled_default);
  EXPECT_EQ(h.last().settle_count, 1);
}

TEST(Checks, ExpectedStatusPassesAndFailsWithLocustsMessage) {
  Harness h(one_request("post: /predict\n          check: {status: 400, message: Wrong response.}\n"));
  h.client.script.push_back({400, "bad", "", {}});
  h.client.script.push_back({200, "{}", "", {}});
  h.run("t");
  EXPECT_TRUE(h.last().catch_response);
  EXPECT_FALSE(h.last().failed);
  EXPECT_FALSE(h.last().settled_default);
  h.run("t");
  EXPECT_TRUE(h.last().failed);
  EXPECT_EQ(h.last().message, "Wrong response. Expected status code 400, got 200");
  EXPECT_EQ(h.last().settle_count, 1);
}

TEST(Checks, SeveralAcceptedStatuses) {
  Harness h(one_request("get: /\n          check: {status: [200, 201, 204]}\n"));
  h.client.script.push_back({201, "", "", {}});
  h.client.script.push_back({500, "", "", {}});
  h.run("t");
  EXPECT_FALSE(h.last().failed);
  h.run("t");
  EXPECT_TRUE(h.last().failed);
  EXPECT_EQ(h.last().message, "Expected status code 200, 201 or 204, got 500");
}

TEST(Checks, BodyContains) {
  Harness h(one_request("get: /health\n          check: {body_contains: OK}\n"));
  h.client.script.push_back({200, "OK", "", {}});
  h.client.script.push_back({200, "DOWN", "", {}});
  h.run("t");
  EXPECT_FALSE(h.last().failed);
  h.run("t");
  EXPECT_TRUE(h.last().failed);
  EXPECT_EQ(h.last().message, "Body does not contain \"OK\"");
}

TEST(Checks, JsonFieldPresentAndEqual) {
  Harness h(
      one_request("post: /predict\n          check:\n            json_has: diagnosis\n            json: "
                  "{model.version: 2, "
                  "ok: true, label: \"1\"}\n"));
  h.client.script.push_back(
      {200, R"({"diagnosis": 0.3, "model": {"version": 2}, "ok": true, "label": "1"})", "", {}});
  h.client.script.push_back({200, R"({"model": {"version": 2}, "ok": true, "label": "1"})", "", {}});
  h.client.script.push_back(
      {200, R"({"diagnosis": 1, "model": {"version": 3}, "ok": true, "label": "1"})", "", {}});
  h.client.script.push_back(
      {200, R"({"diagnosis": 1, "model": {"version": 2}, "ok": true, "label": 1})", "", {}});
  h.client.script.push_back({200, "not json", "", {}});
  h.run("t");
  EXPECT_FALSE(h.last().failed) << h.last().message;
  h.run("t");
  EXPECT_EQ(h.last().message, "JSON field \"diagnosis\" missing");
  h.run("t");
  EXPECT_EQ(h.last().message, "JSON field \"model.version\" is 3, expected 2");
  h.run("t");
  EXPECT_EQ(h.last().message, "JSON field \"label\" is 1, expected \"1\"");  // quoted YAML stays a string
  h.run("t");
  EXPECT_EQ(h.last().message, "Body is not valid JSON");
}

TEST(Checks, MaxLatency) {
  Harness h(one_request("get: /\n          check: {max_latency: 200ms}\n"));
  h.client.script.push_back({200, "", "", std::chrono::microseconds(199'000)});
  h.client.script.push_back({200, "", "", std::chrono::microseconds(250'300)});
  h.run("t");
  EXPECT_FALSE(h.last().failed);
  h.run("t");
  EXPECT_TRUE(h.last().failed);
  EXPECT_EQ(h.last().message, "Latency above max 200 ms");  // one row, whatever the latency
}

TEST(Checks, ErrorStatusWithoutStatusCheckAndTransportErrorsKeepTheDefault) {
  Harness h(one_request("get: /\n          check: {body_contains: OK}\n"));
  h.client.script.push_back({503, "OK", "", {}});
  h.client.script.push_back({0, "", "connection refused", {}});
  h.run("t");
  EXPECT_TRUE(h.last().settled_default);
  EXPECT_TRUE(h.last().failed);
  h.run("t");
  EXPECT_TRUE(h.last().settled_default);
  EXPECT_TRUE(h.last().failed);
}

TEST(Requests, QueryHeadersNameAndJsonBody) {
  Harness h(
      "headers: {Authorization: Bearer x}\n"
      "user_types:\n  U:\n    headers: {X-User: u1}\n    tasks:\n      t:\n"
      "        - method: put\n          path: /items?x=1\n          name: /items/[id]\n"
      "          query: {q: a b&c, n: 5}\n          headers: {X-Trace: t1, Content-Type: "
      "application/vnd+json}\n"
      "          json: {id: 7, tags: [a, \"7\"], price: 1.5, none: null, ok: false}\n");
  h.run("t");
  const auto& r = h.last();
  EXPECT_EQ(r.method, "PUT");
  EXPECT_EQ(r.path, "/items?x=1&q=a%20b%26c&n=5");
  EXPECT_EQ(r.name, "/items/[id]");
  EXPECT_EQ(r.sent_body, R"({"id":7,"tags":["a","7"],"price":1.5,"none":null,"ok":false})");
  EXPECT_EQ(r.content_type, "application/vnd+json");
  ASSERT_EQ(r.headers.size(), 1u);
  EXPECT_EQ(r.headers[0], (std::pair<std::string, std::string>{"X-Trace", "t1"}));
  // Scenario-wide and user-type headers are the user type's default headers, sent by the client.
  EXPECT_EQ(h.type().default_headers.size(), 2u);
}

TEST(Requests, RawBodyAndSequenceOrder) {
  Harness h(one_request("post: /a\n          body: \"x=1\"\n        - get: /b\n        - delete: /c\n"));
  h.run("t");
  ASSERT_EQ(h.client.requests.size(), 3u);
  EXPECT_EQ(h.client.requests[0].sent_body, "x=1");
  EXPECT_EQ(h.client.requests[0].content_type, "");
  EXPECT_EQ(h.client.requests[1].path, "/b");
  EXPECT_EQ(h.client.requests[2].method, "DELETE");
}

// Per-request client settings; without the keys, the run's (--request-timeout, 0 here; redirects
// followed; --stream-tokens).
TEST(Requests, TimeoutAllowRedirectsAndStreamTokensAreSetPerRequest) {
  Harness h(
      one_request("get: /slow\n          timeout: 250ms\n          allow_redirects: false\n"
                  "          stream_tokens: json:choices.0.delta.content\n"
                  "        - post: /b\n          stream_tokens: event\n"
                  "        - post: /c\n          stream_tokens: json:/usage/tokens\n        - get: /d\n"));
  h.run("t");
  ASSERT_EQ(h.client.requests.size(), 4u);
  EXPECT_EQ(h.client.requests[0].timeout, std::chrono::milliseconds(250));
  EXPECT_FALSE(h.client.requests[0].follow_redirects);
  // The dotted path is the same JSON pointer as --stream-tokens reads it.
  EXPECT_EQ(h.client.requests[0].stream_tokens, "json:/choices/0/delta/content");
  EXPECT_EQ(h.client.requests[1].stream_tokens, "event");
  EXPECT_EQ(h.client.requests[2].stream_tokens, "json:/usage/tokens");
  EXPECT_EQ(h.client.requests[3].timeout, std::chrono::milliseconds(0));
  EXPECT_TRUE(h.client.requests[3].follow_redirects);
  EXPECT_EQ(h.client.requests[3].stream_tokens, "");
}

TEST(Requests, PayloadsAreDrawnFreshForEveryRequest) {
  Harness h(
      "payloads:\n  p: {random: {a: {int: [0, 1000000]}, b: {float: [0, 1]}}}\n"
      "user_types:\n  U:\n    tasks:\n      t:\n        - post: /p\n          payload: p\n");
  h.run("t");
  h.run("t");
  EXPECT_EQ(h.client.requests[0].content_type, "application/json");
  EXPECT_EQ(h.client.requests[0].sent_body.rfind("{\"a\":", 0), 0u) << h.client.requests[0].sent_body;
  EXPECT_NE(h.client.requests[0].sent_body, h.client.requests[1].sent_body);
}

TEST(Requests, OnStartAndOnStopRunTheirRequests) {
  Harness h(
      "user_types:\n  U:\n    on_start: [{post: /login, json: {user: a}}]\n    on_stop: [{post: /logout}]\n"
      "    tasks: {t: [{get: /}]}\n");
  cicada::test::run_now(h.user->on_start());
  cicada::test::run_now(h.user->on_stop());
  ASSERT_EQ(h.client.requests.size(), 2u);
  EXPECT_EQ(h.client.requests[0].path, "/login");
  EXPECT_EQ(h.client.requests[0].sent_body, R"({"user":"a"})");
  EXPECT_EQ(h.client.requests[1].path, "/logout");
}

TEST(Requests, ATaskOnAUserNotMadeByTheFactoryThrows) {
  Harness h(one_request("get: /\n"));
  cicada::User plain;
  cicada::detail::UserBinder::bind(plain, h.client, h.random, 1);
  EXPECT_THROW(cicada::test::run_now(h.task("t").fn(plain)), std::logic_error);
}
