// GET/POST round trips, keep-alive reuse and the response framings (chunked, read-until-close, no body).
#include "client_fixture.hpp"

namespace cicada::http::test {
namespace {

using testing::ScriptedReply;
using testing::ScriptedServer;

TEST_F(ClientTest, GetRoundTripSendsHostAndUserAgentAndReadsStatusHeadersBody) {
  ScriptedServer server;
  server.push(ScriptedReply::respond(200, "hello world").with_header("Content-Type", "text/plain"));
  use_config(config_for(server.url()));
  auto client = make_client();
  run([&]() -> Task<> {
    Response r = co_await client->get("/hello?x=1");
    EXPECT_EQ(r.status(), 200);
    EXPECT_EQ(r.text(), "hello world");
    EXPECT_EQ(r.header("content-type"), "text/plain");
    EXPECT_EQ(r.content_size(), 11u);
    EXPECT_TRUE(r.ok());
    EXPECT_EQ(r.error(), "");
  }());
  auto reqs = server.requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].method, "GET");
  EXPECT_EQ(reqs[0].target, "/hello?x=1");
  EXPECT_EQ(reqs[0].header("Host"), "127.0.0.1:" + std::to_string(server.port()));
  EXPECT_EQ(reqs[0].header("User-Agent"), "cicada/0.1");
  const auto t = totals("GET", "/hello?x=1");
  EXPECT_EQ(t.requests, 1u);
  EXPECT_EQ(t.failures, 0u);
  EXPECT_EQ(t.content_bytes, 11u);
}

TEST_F(ClientTest, PostSendsBodyContentTypeAndHeaders) {
  ScriptedServer server;
  server.set_handler(
      [](const testing::RecordedRequest& req) { return ScriptedReply::respond(201, req.body); });
  auto config = config_for(server.url());
  config.default_headers.emplace_back("X-Run", "r1");
  use_config(config);
  auto client = make_client();
  client->set_default_header("Authorization", "Bearer t");
  run([&]() -> Task<> {
    const Header extra[] = {{"X-Trace", "abc"}};
    RequestOptions options;
    options.headers = extra;
    options.name = "predict";
    Response r = co_await client->post_json("/predict", R"({"age":63})", options);
    EXPECT_EQ(r.status(), 201);
    EXPECT_EQ(r.text(), R"({"age":63})");
  }());
  auto reqs = server.requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].method, "POST");
  EXPECT_EQ(reqs[0].body, R"({"age":63})");
  EXPECT_EQ(reqs[0].header("Content-Type"), "application/json");
  EXPECT_EQ(reqs[0].header("Content-Length"), "10");
  EXPECT_EQ(reqs[0].header("X-Run"), "r1");
  EXPECT_EQ(reqs[0].header("Authorization"), "Bearer t");
  EXPECT_EQ(reqs[0].header("X-Trace"), "abc");
  EXPECT_EQ(totals("POST", "predict").requests, 1u);
}

TEST_F(ClientTest, KeepAliveUsesOneConnectionForManyRequests) {
  ScriptedServer server;
  use_config(config_for(server.url()));
  auto client = make_client();
  run([&]() -> Task<> {
    for (int i = 0; i < 50; ++i) {
      Response r = co_await client->get("/");
      EXPECT_EQ(r.status(), 200);
    }
  }());
  EXPECT_EQ(server.request_count(), 50u);
  EXPECT_EQ(server.connections_accepted(), 1u);
  EXPECT_EQ(client->connections_opened(), 1u);
  EXPECT_EQ(totals("GET", "/").requests, 50u);
}

TEST_F(ClientTest, ConnectionCloseMakesTheNextRequestReconnect) {
  ScriptedServer server;
  ScriptedReply closing = ScriptedReply::respond(200, "bye");
  closing.close_after = true;
  server.push(closing);
  use_config(config_for(server.url()));
  auto client = make_client();
  run([&]() -> Task<> {
    Response a = co_await client->get("/a");
    EXPECT_EQ(a.text(), "bye");
    Response b = co_await client->get("/b");
    EXPECT_EQ(b.status(), 200);
  }());
  EXPECT_EQ(server.connections_accepted(), 2u);
  EXPECT_EQ(client->connections_opened(), 2u);
}

TEST_F(ClientTest, ChunkedBodyIsDecoded) {
  ScriptedServer server;
  ScriptedReply chunked = ScriptedReply::respond(200, "0123456789abcdefghij");
  chunked.chunked = true;
  server.push(chunked);
  server.push(ScriptedReply::respond(200, "after"));
  use_config(config_for(server.url()));
  auto client = make_client();
  run([&]() -> Task<> {
    Response r = co_await client->get("/chunked");
    EXPECT_EQ(r.text(), "0123456789abcdefghij");
    EXPECT_EQ(r.content_size(), 20u);
    Response again = co_await client->get("/next");  // the connection is still usable after chunks
    EXPECT_EQ(again.text(), "after");
  }());
  EXPECT_EQ(server.connections_accepted(), 1u);
}

TEST_F(ClientTest, BodyWithoutLengthEndsWhenTheServerCloses) {
  ScriptedServer server;
  ScriptedReply until_close = ScriptedReply::respond(200, "streamed to the end");
  until_close.no_length = true;
  server.push(until_close);
  use_config(config_for(server.url()));
  auto client = make_client();
  run([&]() -> Task<> {
    Response r = co_await client->get("/stream");
    EXPECT_EQ(r.status(), 200);
    EXPECT_EQ(r.text(), "streamed to the end");
    Response next = co_await client->get("/next");
    EXPECT_EQ(next.status(), 200);
  }());
  EXPECT_EQ(server.connections_accepted(), 2u);
}

TEST_F(ClientTest, HeadAnd204And304HaveNoBodyAndKeepTheConnection) {
  ScriptedServer server;
  server.push(ScriptedReply::respond(200, "a body the HEAD response must not carry"));
  server.push(ScriptedReply::respond(204));
  server.push(ScriptedReply::respond(304));
  server.push(ScriptedReply::respond(200, "last"));
  use_config(config_for(server.url()));
  auto client = make_client();
  run([&]() -> Task<> {
    Response head = co_await client->request("HEAD", "/", {});
    EXPECT_EQ(head.status(), 200);
    EXPECT_EQ(head.text(), "");
    EXPECT_EQ(head.header("Content-Length"), "39");
    Response no_content = co_await client->get("/204");
    EXPECT_EQ(no_content.status(), 204);
    Response not_modified = co_await client->get("/304");
    EXPECT_EQ(not_modified.status(), 304);
    Response last = co_await client->get("/last");
    EXPECT_EQ(last.text(), "last");
  }());
  EXPECT_EQ(server.connections_accepted(), 1u);
}

TEST_F(ClientTest, InterimContinueResponseIsSkipped) {
  ScriptedServer server;
  server.push(ScriptedReply::garbage(
      "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfinal"));
  use_config(config_for(server.url()));
  auto client = make_client();
  run([&]() -> Task<> {
    Response r = co_await client->get("/");
    EXPECT_EQ(r.status(), 200);
    EXPECT_EQ(r.text(), "final");
  }());
}

TEST_F(ClientTest, AbsoluteUrlsAndDueTime) {
  ScriptedServer server;
  ScriptedServer other;
  other.push(ScriptedReply::respond(200, "other"));
  use_config(config_for(server.url()));
  auto client = make_client();
  run([&]() -> Task<> {
    Response r = co_await client->get(other.url() + "/elsewhere");
    EXPECT_EQ(r.text(), "other");
    // Latency is measured from the due time, not from the call (arrival-rate load).
    client->set_due_time(mono_now() - std::chrono::milliseconds(150));
    Response late = co_await client->get("/");
    EXPECT_GE(late.elapsed(), std::chrono::milliseconds(150));
    // Due when sent: its latency is within the call's own duration (not from the earlier due time).
    const auto called = mono_now();
    Response on_time = co_await client->get("/");
    const auto call = mono_now() - called;
    EXPECT_LE(on_time.elapsed(), call);
  }());
  EXPECT_EQ(totals("GET", "/elsewhere").requests, 1u);
  EXPECT_EQ(other.requests().at(0).header("Host"), "127.0.0.1:" + std::to_string(other.port()));
}

}  // namespace
}  // namespace cicada::http::test
