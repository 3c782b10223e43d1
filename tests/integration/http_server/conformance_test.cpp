// RFC 9112 conformance and hostile connections (issue 13, defects 2, 3 and 6): Transfer-Encoding framing
// that could smuggle a request is refused and the connection closed; Host exactly once; absolute-form
// targets; HEAD on GET routes; the connection cap and the short first-request timeout.
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "raw_http.hpp"
#include "server_fixture.hpp"

namespace cicada::http {
namespace {

using test::make_request;
using test::RawConnection;

// Sends raw bytes on a fresh connection; the first response and whether the server then closed.
struct Exchange {
  std::optional<test::RawResponse> response;
  bool closed = false;
};
Exchange send_and_watch(std::uint16_t port, const std::string& bytes) {
  RawConnection c(port);
  Exchange e;
  if (!c.connected() || !c.send(bytes)) return e;
  e.response = c.read_response();
  e.closed = c.wait_closed(5s);
  return e;
}

// A POST whose body is a whole second request: if the server ignored the framing, it would answer two.
std::string smuggling_post(std::string_view framing_headers, std::string_view version = "HTTP/1.1") {
  std::string inner = make_request("GET", "/hello");
  std::string r = "POST /echo " + std::string(version) + "\r\nHost: 127.0.0.1\r\n";
  r.append(framing_headers).append("\r\n").append(inner);
  return r;
}

TEST_F(ServerTest, TransferEncodingOtherThanChunkedIs501AndClosed) {
  start();
  auto e = send_and_watch(port_, smuggling_post("Transfer-Encoding: gzip\r\n"));
  ASSERT_TRUE(e.response);
  EXPECT_EQ(e.response->status, 501) << e.response->body;
  EXPECT_NE(e.response->body.find("gzip"), std::string::npos) << e.response->body;
  EXPECT_TRUE(e.closed) << "the smuggled GET must not be answered";
}

TEST_F(ServerTest, AnErrorAnswerToAHeadHasNoBody) {
  start();
  RawConnection c(port_);
  ASSERT_TRUE(c.send("HEAD /hello HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: gzip\r\n\r\n"));
  auto head = c.read_head_answer();
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 501);
  EXPECT_NE(head->header("content-length"), "0") << "it says what a GET's error body would be";
  auto rest = c.read_until_closed(5s);
  ASSERT_TRUE(rest) << "the connection is closed after the error";
  EXPECT_EQ(*rest, "") << "no body after the head of an answer to HEAD";
}

TEST_F(ServerTest, ChunkedThatIsNotTheOnlyFinalCodingIs400AndClosed) {
  start();
  for (std::string te : {"chunked, chunked", "chunked;x=1", ","}) {
    auto e = send_and_watch(port_, smuggling_post("Transfer-Encoding: " + te + "\r\n"));
    ASSERT_TRUE(e.response) << te;
    EXPECT_EQ(e.response->status, 400) << te << ": " << e.response->body;
    EXPECT_TRUE(e.closed) << te;
  }
}

TEST_F(ServerTest, TransferEncodingWithContentLengthIs400AndClosed) {
  start();
  std::string body = "5\r\nhello\r\n0\r\n\r\n";
  std::string r = "POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: " + std::to_string(body.size()) +
                  "\r\nTransfer-Encoding: chunked\r\n\r\n" + body + make_request("GET", "/hello");
  auto e = send_and_watch(port_, r);
  ASSERT_TRUE(e.response);
  EXPECT_EQ(e.response->status, 400) << e.response->body;
  EXPECT_TRUE(e.closed);
}

TEST_F(ServerTest, ChunkedInHttp10Is400AndClosed) {
  start();
  auto e = send_and_watch(
      port_, smuggling_post("Transfer-Encoding: chunked\r\nConnection: keep-alive\r\n", "HTTP/1.0"));
  ASSERT_TRUE(e.response);
  EXPECT_EQ(e.response->status, 400) << e.response->body;
  EXPECT_TRUE(e.closed);
}

TEST_F(ServerTest, PlainChunkedBodyIsStillRead) {
  start();
  RawConnection c(port_);
  ASSERT_TRUE(
      c.send("POST /echo HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "hello");
}

TEST_F(ServerTest, MissingOrRepeatedHostIs400) {
  start();
  auto missing = send_and_watch(port_, "GET /hello HTTP/1.1\r\n\r\n");
  ASSERT_TRUE(missing.response);
  EXPECT_EQ(missing.response->status, 400);
  EXPECT_NE(missing.response->body.find("Host"), std::string::npos) << missing.response->body;
  auto twice = send_and_watch(port_, "GET /hello HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n");
  ASSERT_TRUE(twice.response);
  EXPECT_EQ(twice.response->status, 400);
  // HTTP/1.0 has no Host requirement.
  auto old = send_and_watch(port_, "GET /hello HTTP/1.0\r\n\r\n");
  ASSERT_TRUE(old.response);
  EXPECT_EQ(old.response->status, 200);
}

TEST_F(ServerTest, AbsoluteFormTargetIsRoutedByItsPath) {
  start();
  auto r = test::round_trip(port_,
                            make_request("GET", "http://127.0.0.1:" + std::to_string(port_) + "/hello?x=1"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "hi");
  auto echo = test::round_trip(port_, make_request("POST", "HTTP://example.test/echo?q", "b", "text/plain"));
  ASSERT_TRUE(echo);
  EXPECT_EQ(echo->status, 200);
  EXPECT_EQ(echo->header("x-path"), "/echo");
  auto other = test::round_trip(port_, make_request("GET", "ftp://h/hello"));
  ASSERT_TRUE(other);
  EXPECT_EQ(other->status, 400);
  // A fragment never goes on the wire: a target with one is malformed, not an unknown path.
  for (const char* target : {"/hello#top", "/hello?x=1#top", "http://h/hello#top"}) {
    auto fragment = test::round_trip(port_, make_request("GET", target));
    ASSERT_TRUE(fragment) << target;
    EXPECT_EQ(fragment->status, 400) << target;
    EXPECT_NE(fragment->body.find("fragment"), std::string::npos) << fragment->body;
  }
}

TEST_F(ServerTest, HeadOnAGetRouteAnswersTheHeadWithoutTheBody) {
  start();
  RawConnection c(port_);
  // HEAD then GET on one connection: had the HEAD answer carried a body, the GET's answer would be off.
  ASSERT_TRUE(c.send(make_request("HEAD", "/hello") + make_request("GET", "/both")));
  // A HEAD answer says the GET's Content-Length but has no body: read its head alone.
  auto head = c.read_response();
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  EXPECT_EQ(head->header("content-length"), "2");
  // read_response took "2" bytes as the body: they must be the next answer's first bytes ("HT").
  EXPECT_EQ(head->body, "HT");
}

TEST_F(ServerTest, ThousandsOfPipelinedRequestsAreAllAnsweredInOrder) {
  start();
  RawConnection c(port_);
  // GETs and POSTs alternating, sent in one stream from another thread (the answers fill the socket's
  // buffers while the requests are still being sent): most reads then hold many whole requests, and the
  // last of each read is cut.
  constexpr int kRequests = 3000;
  std::string all;
  for (int i = 0; i < kRequests; ++i) {
    all += i % 2 == 0 ? make_request("GET", "/hello")
                      : make_request("POST", "/echo", std::to_string(i), "text/plain");
  }
  std::thread sender([&] { EXPECT_TRUE(c.send(all)); });
  int answered = 0;
  for (int i = 0; i < kRequests; ++i) {
    auto r = c.read_response();
    if (!r) break;
    ASSERT_EQ(r->status, 200) << "answer " << i;
    ASSERT_EQ(r->body, i % 2 == 0 ? "hi" : std::to_string(i)) << "answer " << i;
    ++answered;
  }
  sender.join();
  EXPECT_EQ(answered, kRequests);
}

TEST_F(ServerTest, EmptyLinesBeforeARequestAreIgnored) {
  start();
  // RFC 9112 §2.2: a CRLF before the request-line (a client ending its POST body with one) is skipped.
  {
    RawConnection c(port_);
    ASSERT_TRUE(c.send("\r\n" + make_request("GET", "/hello")));
    auto first = c.read_response();
    ASSERT_TRUE(first);
    EXPECT_EQ(first->status, 200);
    // A body followed by a CRLF that its Content-Length does not count, in the same write as the next
    // request, and then alone in a write of its own.
    ASSERT_TRUE(c.send(make_request("POST", "/echo", "abc", "text/plain") + "\r\n\n" +
                       make_request("GET", "/hello")));
    for (const char* body : {"abc", "hi"}) {
      auto r = c.read_response();
      ASSERT_TRUE(r);
      EXPECT_EQ(r->status, 200);
      EXPECT_EQ(r->body, body);
    }
    // A CRLF cut between two reads: the CR ends one, the LF starts the next.
    ASSERT_TRUE(c.send(make_request("POST", "/echo", "xyz", "text/plain") + "\r"));
    auto cut = c.read_response();
    ASSERT_TRUE(cut);
    EXPECT_EQ(cut->body, "xyz");
    std::this_thread::sleep_for(50ms);  // most likely read alone (either way it is skipped)
    ASSERT_TRUE(c.send("\n"));
    std::this_thread::sleep_for(50ms);
    ASSERT_TRUE(c.send(make_request("GET", "/hello")));
    auto last = c.read_response();
    ASSERT_TRUE(last);
    EXPECT_EQ(last->status, 200);
    EXPECT_EQ(last->body, "hi");
  }
  // More than a few is not a client's slip: 400, as any other malformed request.
  const Exchange many = send_and_watch(port_, "\r\n\r\n\r\n\r\n\r\n" + make_request("GET", "/hello"));
  ASSERT_TRUE(many.response);
  EXPECT_EQ(many.response->status, 400);
  EXPECT_TRUE(many.closed);
}

// One worker (so "its worker" is the only one) and timeouts that never fire during the test.
ServerOptions capped_options(std::size_t max_connections) {
  ServerOptions o = test_options();
  o.threads = 1;
  o.max_connections = max_connections;
  o.request_timeout = 30s;
  o.first_request_timeout = 30s;
  return o;
}

TEST_F(ServerTest, AtTheConnectionCapANewConnectionClosesTheOldestIdleOne) {
  start(capped_options(3));
  std::vector<std::unique_ptr<RawConnection>> idle;
  for (int i = 0; i < 3; ++i) {
    idle.push_back(std::make_unique<RawConnection>(port_));
    ASSERT_TRUE(idle.back()->connected());
  }
  // Wait until the server holds all three (accept is asynchronous).
  for (int i = 0; i < 500 && server_->connections() < 3; ++i) std::this_thread::sleep_for(10ms);
  ASSERT_EQ(server_->connections(), 3u);
  auto r = test::round_trip(port_, make_request("GET", "/hello"));
  ASSERT_TRUE(r) << "a new client must get in at the cap";
  EXPECT_EQ(r->status, 200);
  EXPECT_TRUE(idle[0]->wait_closed(5s)) << "the oldest idle connection is the one closed";
  // The younger ones are still served.
  ASSERT_TRUE(idle[2]->send(make_request("GET", "/hello")));
  auto again = idle[2]->read_response();
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 200);
}

TEST_F(ServerTest, AtTheConnectionCapWithNoIdleConnectionTheNewOneIsClosed) {
  start(capped_options(1));
  // The one connection is inside a handler (it holds the only worker for 400 ms) and has already sent the
  // start of its next request, so when the worker comes to the new connection (after the handler, whose
  // answer may be written at once), it is still not idle: part of a request has been received.
  RawConnection busy(port_);
  const std::string next = make_request("GET", "/hello");
  const std::size_t half = next.size() / 2;
  ASSERT_TRUE(busy.send(make_request("GET", "/slow") + next.substr(0, half)));
  for (int i = 0; i < 500 && slow_started_.load() == 0; ++i) std::this_thread::sleep_for(10ms);
  ASSERT_EQ(slow_started_.load(), 1);
  RawConnection late(port_);
  ASSERT_TRUE(late.connected());
  EXPECT_TRUE(late.wait_closed(5s));
  auto r = busy.read_response();
  ASSERT_TRUE(r) << "the busy connection is kept";
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "slow");
  ASSERT_TRUE(busy.send(next.substr(half)));
  auto again = busy.read_response();
  ASSERT_TRUE(again) << "and its request, sent in two parts, is answered";
  EXPECT_EQ(again->status, 200);
}

TEST_F(ServerTest, ANewConnectionGetsTheShorterFirstRequestTimeout) {
  ServerOptions o = test_options();
  o.request_timeout = 30s;
  o.first_request_timeout = 200ms;
  start(o);
  RawConnection silent(port_);
  EXPECT_TRUE(silent.wait_closed(10s)) << "closed after the first-request timeout, long before 30 s";
  // After a whole request the keep-alive connection has the full request timeout: it outlives 200 ms by far.
  RawConnection served(port_);
  ASSERT_TRUE(served.send(make_request("GET", "/hello")));
  ASSERT_TRUE(served.read_response());
  EXPECT_FALSE(served.wait_closed(1s));
}

}  // namespace
}  // namespace cicada::http
