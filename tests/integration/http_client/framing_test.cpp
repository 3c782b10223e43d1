// Response framing by RFC 9112 section 6.3 against scripted servers: 204/304 with a Content-Length end at
// the header block, interim 1xx are skipped, an unasked-for 101 fails, and bytes that answer no request
// (a server that answers twice, bytes on an idle connection) fail the request and close the connection,
// so a response is never paired with the wrong request. Never a hang: every case has a short timeout
// that would show as a ReadTimeout failure.
#include "client_fixture.hpp"

namespace cicada::http::test {
namespace {

using namespace std::chrono_literals;
using testing::ScriptedReply;
using testing::ScriptedServer;

class FramingTest : public ClientTest {
 protected:
  void use_server(const ScriptedServer& server) {
    auto config = config_for(server.url());
    config.request_timeout = 5s;  // a framing bug shows as a timeout failure, not as a hung test
    use_config(config);
  }
};

TEST_F(FramingTest, NoBodyStatusesEndAtTheHeaderBlockWhateverTheirContentLength) {
  ScriptedServer server;
  server.push(ScriptedReply::garbage("HTTP/1.1 204 No Content\r\nContent-Length: 10\r\n\r\n"));
  server.push(
      ScriptedReply::garbage("HTTP/1.1 304 Not Modified\r\nContent-Length: 1000\r\nETag: \"x\"\r\n\r\n"));
  server.push(ScriptedReply::respond(200, "after"));
  use_server(server);
  auto client = make_client();
  run([&]() -> Task<> {
    Response no_content = co_await client->get("/204");
    EXPECT_EQ(no_content.status(), 204);
    EXPECT_EQ(no_content.error(), "");
    EXPECT_EQ(no_content.text(), "");
    Response not_modified = co_await client->get("/304");
    EXPECT_EQ(not_modified.status(), 304);
    EXPECT_EQ(not_modified.header("etag"), "\"x\"");
    EXPECT_EQ(not_modified.content_size(), 0u);
    Response next = co_await client->get("/next");  // same connection, in step
    EXPECT_EQ(next.text(), "after");
  }());
  EXPECT_EQ(server.connections_accepted(), 1u);
  EXPECT_EQ(totals("GET", "/204").failures, 0u);
  EXPECT_EQ(totals("GET", "/304").failures, 0u);
}

TEST_F(FramingTest, InterimResponsesAreSkipped) {
  ScriptedServer server;
  server.push(
      ScriptedReply::garbage("HTTP/1.1 100 Continue\r\n\r\n"
                             "HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n"
                             "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-Final: yes\r\n\r\nfinal"));
  use_server(server);
  auto client = make_client();
  run([&]() -> Task<> {
    Response r = co_await client->get("/");
    EXPECT_EQ(r.status(), 200);
    EXPECT_EQ(r.text(), "final");
    EXPECT_EQ(r.header("X-Final"), "yes");
    EXPECT_EQ(r.header("Link"), std::nullopt);  // the interim response's headers are not the final's
  }());
}

TEST_F(FramingTest, AnUnaskedFor101FailsAndClosesTheConnection) {
  ScriptedServer server;
  server.push(ScriptedReply::garbage("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n"));
  server.push(ScriptedReply::respond(200, "fresh"));
  use_server(server);
  auto client = make_client();
  run([&]() -> Task<> {
    Response r = co_await client->get("/ws");
    EXPECT_EQ(r.status(), 0);
    EXPECT_EQ(r.error(), "InvalidResponse('unexpected 101 Switching Protocols (no upgrade was asked for)')");
    Response next = co_await client->get("/ws");
    EXPECT_EQ(next.text(), "fresh");
  }());
  EXPECT_EQ(server.connections_accepted(), 2u);
  EXPECT_EQ(totals("GET", "/ws").failures, 1u);
}

TEST_F(FramingTest, AServerThatAnswersTwiceNeverPutsResponsesOutOfStep) {
  ScriptedServer server;
  // Each answer names the request it answers, and is sent twice in one write.
  server.set_handler([](const testing::RecordedRequest& req) {
    const std::string one =
        "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(req.target.size()) + "\r\n\r\n" + req.target;
    return ScriptedReply::garbage(one + one);
  });
  use_server(server);
  auto client = make_client();
  int answered = 0;
  int failed = 0;
  run([&]() -> Task<> {
    for (int i = 0; i < 20; ++i) {
      const std::string path = "/item/" + std::to_string(i);
      RequestOptions named;
      named.name = "/item";
      Response r = co_await client->get(path, named);
      if (r.ok()) {
        ++answered;
        EXPECT_EQ(r.text(), path) << "a response paired with the wrong request";
      } else {
        ++failed;
        EXPECT_NE(r.error().find("an answer to no request"), std::string_view::npos) << r.error();
      }
    }
  }());
  EXPECT_EQ(answered + failed, 20);
  EXPECT_GT(failed, 0);  // the server's fault is visible
  const auto t = totals("GET", "/item");
  EXPECT_EQ(t.requests, 20u);
  EXPECT_EQ(t.failures, static_cast<std::uint64_t>(failed));
}

TEST_F(FramingTest, BytesOnAnIdleConnectionFailTheNextRequestWithoutSendingIt) {
  ScriptedServer server;
  ScriptedReply first = ScriptedReply::respond(200, "first");
  first.unsolicited = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nstale";
  first.unsolicited_after = 50ms;
  server.push(first);
  server.push(ScriptedReply::respond(200, "third"));
  use_server(server);
  auto client = make_client();
  run([&]() -> Task<> {
    Response a = co_await client->get("/a");
    EXPECT_EQ(a.text(), "first");
    EXPECT_TRUE(server.wait_for_unsolicited(1, 5s));
    Response b = co_await client->get("/b");
    EXPECT_EQ(b.status(), 0);
    EXPECT_EQ(b.text(), "");  // never "stale"
    EXPECT_EQ(b.error(),
              "InvalidResponse('the server sent 43 bytes while the connection was idle (an answer to no "
              "request); connection closed')");
    Response c = co_await client->get("/c");
    EXPECT_EQ(c.text(), "third");
  }());
  EXPECT_EQ(server.request_count(), 2u);  // /b was not sent: the connection it would go on was unusable
  EXPECT_EQ(server.connections_accepted(), 2u);
  EXPECT_EQ(totals("GET", "/b").failures, 1u);
}

TEST_F(FramingTest, BodiesBeyondTheCapAreCountedNotKept) {
  ScriptedServer server;
  server.push(ScriptedReply::respond(200, std::string(100'000, 'x')));
  ScriptedReply chunked = ScriptedReply::respond(200, std::string(50'000, 'y'));
  chunked.chunked = true;
  server.push(chunked);
  server.push(ScriptedReply::respond(200, std::string(1000, 'z')));  // exactly the cap: all of it kept
  auto config = config_for(server.url());
  config.max_body_bytes = 1000;
  use_config(config);
  auto client = make_client();
  run([&]() -> Task<> {
    Response big = co_await client->get("/big");
    EXPECT_TRUE(big.ok());
    EXPECT_EQ(big.text().size(), 1000u);
    EXPECT_TRUE(big.body_truncated());
    EXPECT_EQ(big.content_size(), 100'000u);
    Response chunks = co_await client->get("/chunked");
    EXPECT_EQ(chunks.text(), std::string(1000, 'y'));
    EXPECT_EQ(chunks.content_size(), 50'000u);
    Response whole = co_await client->get("/whole");
    EXPECT_EQ(whole.text().size(), 1000u);
    EXPECT_FALSE(whole.body_truncated());
  }());
  EXPECT_EQ(totals("GET", "/big").content_bytes, 100'000u);
}

}  // namespace
}  // namespace cicada::http::test
