// ResponseParser on bytes in memory: framing (RFC 9112 6.3), bodies split across reads, the body cap,
// bytes after the response, and each error in plain words.
#include "http/client/response_parser.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace cicada::http {
namespace {

using State = ResponseParser::State;

State feed(ResponseParser& p, std::string_view bytes) { return p.feed(bytes.data(), bytes.size()); }

std::string error_of(const ResponseParser& p) {
  std::string out;
  p.describe_error(out);
  return out;
}

TEST(ResponseParser, ContentLengthBodyInPieces) {
  ResponseParser p;
  p.reset(false);
  EXPECT_EQ(feed(p, "HTTP/1.1 201 Created\r\nContent-Le"), State::kNeedMore);
  EXPECT_EQ(feed(p, "ngth: 11\r\nX-A: 1\r\nx-a: 2\r\n\r\nhello "), State::kNeedMore);
  EXPECT_EQ(feed(p, "world"), State::kComplete);
  EXPECT_EQ(p.status(), 201);
  EXPECT_EQ(p.reason(), "Created");
  EXPECT_EQ(p.body(), "hello world");
  EXPECT_EQ(p.content_size(), 11u);
  EXPECT_TRUE(p.keep_alive());
  EXPECT_EQ(p.header("CONTENT-LENGTH"), "11");
  std::string all;
  p.for_each_header("X-A", [&](std::string_view v) { all += v; });
  EXPECT_EQ(all, "12");
  EXPECT_EQ(p.extra_bytes(), 0u);
}

TEST(ResponseParser, ChunkedBodyIsDecoded) {
  ResponseParser p;
  p.reset(false);
  EXPECT_EQ(
      feed(p, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"),
      State::kComplete);
  EXPECT_EQ(p.body(), "hello world");
  EXPECT_EQ(p.content_size(), 11u);
}

TEST(ResponseParser, ReadUntilCloseBodyEndsAtEof) {
  ResponseParser p;
  p.reset(false);
  EXPECT_EQ(feed(p, "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nall of it"), State::kNeedMore);
  EXPECT_EQ(p.feed_eof(), State::kComplete);
  EXPECT_EQ(p.body(), "all of it");
  EXPECT_FALSE(p.keep_alive());
}

TEST(ResponseParser, NoBodyResponsesEndAtTheHeaderBlock) {
  for (const char* head : {"HTTP/1.1 204 No Content\r\nContent-Length: 10\r\n\r\n",
                           "HTTP/1.1 304 Not Modified\r\nContent-Length: 1000\r\n\r\n"}) {
    SCOPED_TRACE(head);
    ResponseParser p;
    p.reset(false);
    EXPECT_EQ(feed(p, head), State::kComplete);
    EXPECT_EQ(p.content_size(), 0u);
    EXPECT_TRUE(p.keep_alive());
  }
  ResponseParser head;
  head.reset(true);  // the response to a HEAD request
  EXPECT_EQ(feed(head, "HTTP/1.1 200 OK\r\nContent-Length: 500\r\n\r\n"), State::kComplete);
  EXPECT_EQ(head.body(), "");
}

TEST(ResponseParser, InterimResponsesAreSkipped) {
  ResponseParser p;
  p.reset(false);
  EXPECT_EQ(feed(p, "HTTP/1.1 100 Continue\r\nX-Interim: 1\r\n\r\n"), State::kNeedMore);
  EXPECT_EQ(feed(p, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"), State::kComplete);
  EXPECT_EQ(p.status(), 200);
  EXPECT_EQ(p.header("X-Interim"), std::nullopt);
}

TEST(ResponseParser, UnaskedFor101IsAnError) {
  ResponseParser p;
  p.reset(false);
  EXPECT_EQ(feed(p, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\n\r\n"), State::kError);
  EXPECT_EQ(error_of(p), "unexpected 101 Switching Protocols (no upgrade was asked for)");
}

TEST(ResponseParser, BytesAfterTheResponseAreCounted) {
  ResponseParser p;
  p.reset(false);
  EXPECT_EQ(feed(p, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokEXTRA"), State::kComplete);
  EXPECT_EQ(p.body(), "ok");
  EXPECT_EQ(p.extra_bytes(), 5u);
  ResponseParser no_body;
  no_body.reset(false);
  EXPECT_EQ(feed(no_body, "HTTP/1.1 204 No Content\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n"),
            State::kComplete);
  EXPECT_EQ(no_body.extra_bytes(), 27u);
}

TEST(ResponseParser, BodyBeyondTheLimitIsCountedNotKept) {
  ResponseParser p;
  p.set_body_limit(4);
  p.reset(false);
  EXPECT_EQ(feed(p, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n0123"), State::kNeedMore);
  EXPECT_EQ(feed(p, "456789"), State::kComplete);
  EXPECT_EQ(p.body(), "0123");
  EXPECT_TRUE(p.body_truncated());
  EXPECT_EQ(p.body_bytes(), 10u);
  EXPECT_EQ(p.content_size(), 10u);
}

TEST(ResponseParser, ErrorsInPlainWords) {
  struct Case {
    const char* bytes;
    bool eof;
    const char* expected;
  };
  const Case cases[] = {
      {"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n123456789012", true,
       "response body cut short: 12 of 1,000 bytes"},
      {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel", true,
       "response body cut short: 3 bytes, then the connection closed inside a chunked body"},
      {"HTTP/1.1 200 OK\r\nServ", true, "connection closed in the middle of the response head"},
      // An interim response and then nothing: no body was ever begun (it read as a cut chunked body).
      {"HTTP/1.1 100 Continue\r\n\r\n", true,
       "connection closed after an interim 100 response, before the final response"},
      {"HTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\n", true,
       "connection closed after an interim 103 response, before the final response"},
      {"SSH-2.0-OpenSSH_9.2\r\n", false, "not an HTTP response: it starts with \"SSH-2.0-OpenSSH_\""},
      {"HTTP/1.1 2x0 OK\r\n", false, "invalid status code in the status line"},
      {"HTTP/1.1 200 OK\r\nContent-Length: abc\r\n\r\n", false, "invalid Content-Length"},
      {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", false,
       "invalid chunk size in a chunked body"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.bytes);
    ResponseParser p;
    p.reset(false);
    State s = feed(p, c.bytes);
    if (c.eof && s == State::kNeedMore) s = p.feed_eof();
    ASSERT_EQ(s, State::kError);
    EXPECT_TRUE(p.started());
    EXPECT_EQ(error_of(p), c.expected);
    EXPECT_EQ(error_of(p).find("HPE_"), std::string::npos);
  }
}

// A trailer section past the head limit is named as trailers (it read as an oversized head of a response
// whose head was 45 bytes).
TEST(ResponseParser, OversizedTrailersAreNamedAsTrailers) {
  ResponseParser p;
  p.reset(false);
  std::string bytes = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n";
  for (int i = 0; i < 2000; ++i)
    bytes += "X-Trailer-" + std::to_string(i) + ": " + std::string(40, 'v') + "\r\n";
  ASSERT_EQ(feed(p, bytes), State::kError);
  EXPECT_EQ(error_of(p), "response trailers (after a chunked body) larger than 80 KB");
}

TEST(ResponseParser, EofBeforeAnyByteIsNotStarted) {
  ResponseParser p;
  p.reset(false);
  EXPECT_EQ(p.feed_eof(), State::kError);
  EXPECT_FALSE(p.started());
}

TEST(ResponseParser, ResetReadsTheNextResponseCleanly) {
  ResponseParser p;
  p.reset(false);
  EXPECT_EQ(feed(p, "HTTP/1.1 404 Not Found\r\nX-Old: 1\r\nContent-Length: 3\r\n\r\nold"), State::kComplete);
  p.reset(false);
  EXPECT_EQ(feed(p, "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nnew"), State::kComplete);
  EXPECT_EQ(p.status(), 200);
  EXPECT_EQ(p.body(), "new");
  EXPECT_EQ(p.header("X-Old"), std::nullopt);
}

TEST(ResponseParser, SwapBuffersHandsTheResponseOver) {
  ResponseParser p;
  p.reset(false);
  ASSERT_EQ(feed(p, "HTTP/1.1 200 OK\r\nX-A: 1\r\nContent-Length: 4\r\n\r\nbody"), State::kComplete);
  std::string headers, reason, body;
  p.swap_buffers(headers, reason, body);
  EXPECT_EQ(body, "body");
  EXPECT_EQ(reason, "OK");
  EXPECT_NE(headers.find("X-A:1"), std::string::npos);
  EXPECT_EQ(p.body(), "");
}

// What a parser made of one response: everything the client reads from it.
std::string summary(ResponseParser& p, std::string_view bytes, bool head, std::size_t body_limit) {
  p.set_body_limit(body_limit);
  p.reset(head);
  State s = feed(p, bytes);
  if (s == State::kNeedMore) s = p.feed_eof();
  std::string out = std::to_string(static_cast<int>(s)) + "|" + std::to_string(p.status()) + "|" +
                    std::string(p.reason()) + "|" + std::string(p.header_block()) + "|" +
                    std::string(p.body()) + "|" + std::to_string(p.body_bytes()) + "|" +
                    std::to_string(p.content_size()) + "|" + std::to_string(p.keep_alive()) + "|" +
                    std::to_string(p.extra_bytes());
  if (s == State::kError) out += "|" + error_of(p);
  return out;
}

TEST(ResponseParser, TheSimplePathReadsWholeResponsesAsHttpParserDoes) {
  // Whole in one read, the shapes the simple path takes and the ones it leaves to http-parser: both
  // parsers must make the same of each (the fuzz target checks the same on arbitrary bytes).
  const std::string_view responses[] = {
      "HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nOK",
      "HTTP/1.1 422 Unprocessable Entity\r\nSet-Cookie: a=1\r\nset-cookie: b=2\r\nContent-Length: "
      "4\r\n\r\n{\"\"}",
      "HTTP/1.1 200 \r\nContent-Length: 0\r\n\r\n",
      "HTTP/1.1 503 Service Unavailable\r\nX-Multi:   a  b\r\nContent-Length: 3\r\n\r\nbye",
      "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nOK",
      "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: Keep-Alive\r\n\r\nOK",
      "HTTP/1.1 200 OK\r\nConnection: keep-alive, close\r\nContent-Length: 2\r\n\r\nOK",
      "HTTP/1.1 200 OK\r\nConnection: keep-alive\r\nConnection: close\r\nContent-Length: 2\r\n\r\nOK",
      "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nOKEXTRA",
      "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nOK",
      "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nOK",
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nOK\r\n0\r\n\r\n",
      "HTTP/1.1 204 No Content\r\nContent-Length: 2\r\n\r\n",
      "HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nOK",
      "HTTP/1.1 200 OK\r\nX-Empty:\r\nContent-Length: 2\r\n\r\nOK",
      "HTTP/1.1 200 OK\r\nX-Tab:\ta\r\nContent-Length: 2\r\n\r\nOK",
      "HTTP/1.1 200 OK\r\nBad Name: a\r\nContent-Length: 2\r\n\r\nOK",
      "HTTP/1.1 200 OK\r\nContent-Length: 2x\r\n\r\nOK",
      "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n",
      // Names that begin like a framing header: http-parser 2.9.4 reads "Transfer-Encoding1" as
      // Transfer-Encoding (a fuzz run found the two parsers apart on it).
      "HTTP/1.1 200 OK\r\nTransfer-Encoding1: x\r\nContent-Length: 2\r\n\r\nOK",
      "HTTP/1.1 200 OK\r\nContent-Length-X: 3\r\nContent-Length: 2\r\n\r\nOK",
      "HTTP/1.1 200 OK\r\nConnectionX: close\r\nContent-Length: 2\r\n\r\nOK",
  };
  for (const auto bytes : responses) {
    for (const bool head : {false, true}) {
      for (const std::size_t limit : {SIZE_MAX, std::size_t{1}}) {
        ResponseParser simple, reference;
        reference.set_simple_path(false);
        EXPECT_EQ(summary(simple, bytes, head, limit), summary(reference, bytes, head, limit))
            << bytes << (head ? " (HEAD)" : "") << " limit " << limit;
      }
    }
  }
  // And what the common case reads as, explicitly.
  ResponseParser p;
  EXPECT_EQ(summary(p, responses[1], false, 2),
            "1|422|Unprocessable Entity|Set-Cookie:a=1\nset-cookie:b=2\nContent-Length:4\n|{\"|4|4|1|0");
  EXPECT_EQ(summary(p, responses[3], false, SIZE_MAX),
            "1|503|Service Unavailable|X-Multi:a  b\nContent-Length:3\n|bye|3|3|1|0");
  EXPECT_EQ(summary(p, responses[4], false, SIZE_MAX),
            "1|200|OK|Content-Length:2\nConnection:close\n|OK|2|2|0|0");
}

}  // namespace
}  // namespace cicada::http

namespace cicada::http {
namespace {

TEST(ResponseParser, AStatusLineThatIsNotHttp1IsAnErrorNotASuccess) {
  // The lenient http-parser took these as 200s (a hostile-target probe); each is refused, saying what came.
  for (const std::string_view bad :
       {"HTTX/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", "HTTP/9.9 200 OK\r\nContent-Length: 2\r\n\r\nok",
        "HTTP/2.0 200 OK\r\nContent-Length: 2\r\n\r\nok", "HTTP/1.1  200 OK\r\nContent-Length: 2\r\n\r\nok",
        "HTTP/1.1 000 Zero\r\nContent-Length: 2\r\n\r\nok"}) {
    ResponseParser p;
    p.reset(false);
    // Fed byte by byte: a server that writes one byte at a time is judged the same.
    State last = State::kNeedMore;
    for (char c : bad) {
      last = p.feed(&c, 1);
      if (last != State::kNeedMore) break;
    }
    EXPECT_EQ(last, State::kError) << bad;
    EXPECT_NE(error_of(p).find("status line"), std::string::npos) << bad << ": " << error_of(p);
  }
  for (const std::string_view good : {"HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok",
                                      "HTTP/1.1 599 Custom\r\nContent-Length: 2\r\n\r\nok"}) {
    ResponseParser p;
    p.reset(false);
    EXPECT_EQ(feed(p, good), State::kComplete) << good << ": " << error_of(p);
  }
}

TEST(ResponseParser, ConflictingFramingAndOverflowingChunksSayWhatTheyAre) {
  ResponseParser two;
  two.reset(false);
  EXPECT_EQ(feed(two, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nok"), State::kError);
  EXPECT_EQ(error_of(two),
            "conflicting framing: a second Content-Length, or Content-Length with Transfer-Encoding");
  ResponseParser chunk;
  chunk.reset(false);
  EXPECT_EQ(feed(chunk, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFFFF\r\n"),
            State::kError);
  EXPECT_EQ(error_of(chunk), "invalid chunk size in a chunked body (too large)");
}

}  // namespace
}  // namespace cicada::http
