// cicada::Response owns its data: two responses kept at once stay distinct, each stays readable after the
// user's next request, and the body can be moved out.
#include "client_fixture.hpp"

namespace cicada::http::test {
namespace {

using testing::ScriptedReply;
using testing::ScriptedServer;

TEST_F(ClientTest, TwoLiveResponsesStayDistinct) {
  ScriptedServer server;
  server.push(ScriptedReply::respond(200, "first body").with_header("X-Which", "one"));
  server.push(ScriptedReply::respond(404, "second body").with_header("X-Which", "two"));
  server.push(ScriptedReply::respond(201, "third body"));
  use_config(config_for(server.url()));
  auto client = make_client();
  run([&]() -> Task<> {
    Response a = co_await client->get("/a");
    Response b = co_await client->get("/b");
    EXPECT_EQ(a.status(), 200);
    EXPECT_EQ(a.text(), "first body");
    EXPECT_EQ(a.header("x-which"), "one");
    EXPECT_EQ(b.status(), 404);
    EXPECT_EQ(b.text(), "second body");
    EXPECT_EQ(b.header("X-Which"), "two");
    {
      Response c = co_await client->get("/c");  // a third request does not touch the two kept ones
      EXPECT_EQ(c.text(), "third body");
    }
    EXPECT_EQ(a.text(), "first body");
    EXPECT_EQ(b.text(), "second body");
    // Moving keeps the data with the response; take_text moves the body out.
    Response moved = std::move(a);
    EXPECT_EQ(moved.text(), "first body");
    const std::string body = moved.take_text();
    EXPECT_EQ(body, "first body");
    EXPECT_EQ(moved.status(), 200);
  }());
  EXPECT_EQ(total_requests(), 3u);
}

TEST_F(ClientTest, AFailedResponseKeepsItsErrorAfterTheNextRequest) {
  ScriptedServer server;
  server.push(ScriptedReply::reset());
  server.push(ScriptedReply::respond(200, "fine"));
  use_config(config_for(server.url()));
  auto client = make_client();
  run([&]() -> Task<> {
    Response bad = co_await client->get("/x");
    Response good = co_await client->get("/x");
    EXPECT_EQ(bad.status(), 0);
    EXPECT_EQ(bad.error(), "ConnectionResetError('connection reset by peer')");
    EXPECT_EQ(good.error(), "");
    EXPECT_EQ(good.text(), "fine");
  }());
}

TEST(Response, ADefaultResponseSaysNoResponse) {
  const Response r;
  EXPECT_EQ(r.status(), 0);
  EXPECT_EQ(r.error(), "no response");
  EXPECT_FALSE(r.ok());
}

}  // namespace
}  // namespace cicada::http::test
